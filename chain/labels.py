"""zh/en names of the analysis vocabulary: report columns, statuses, gap kinds.

One source for every place that shows a result to a person: the dashboard, the exports, the command line.
Input column names live in :mod:`chain.schema`; the dashboard's own chrome lives in ``ui/i18n.py``.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "GAP_KINDS", "SEVERITIES", "STATUSES", "label"]

#: status key -> (zh, en)
STATUSES: dict[str, tuple[str, str]] = {
    "strong": ("强链", "strong"),
    "weak": ("弱链", "weak"),
    "missing": ("缺链", "missing"),
}

#: gap kind -> (zh, en)
GAP_KINDS: dict[str, tuple[str, str]] = {
    "upstream": ("补链(上游缺口)", "upstream gap"),
    "downstream": ("延链(下游缺口)", "downstream gap"),
}

#: problem severity -> (zh, en)
SEVERITIES: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "warning": ("提醒", "warning"),
}

#: report column key -> (zh, en). Amounts are in 万元.
COLUMNS: dict[str, tuple[str, str]] = {
    # segments
    "segment": ("环节", "segment"),
    "category": ("材料类别", "category"),
    "stage": ("链位", "stage"),
    "layer": ("层级", "layer"),
    "status": ("状态", "status"),
    "reason": ("判定依据", "reason"),
    "firms": ("本地企业数", "local firms"),
    "above_scale_firms": ("规上企业数", "above-scale firms"),
    "output": ("产值(万元)", "output (10k yuan)"),
    "employees": ("用工人数", "employees"),
    "growth_pct": ("同比增长(%)", "growth (%)"),
    "demand": ("本地需求(万元)", "local demand (10k yuan)"),
    "local_supply": ("本地供给(万元)", "local supply (10k yuan)"),
    "leakage": ("外购额(万元)", "leakage (10k yuan)"),
    "local_share": ("本地配套率", "local share"),
    "exports": ("外销额(万元)", "exports (10k yuan)"),
    "local_final_demand": ("本地最终需求(万元)", "local final demand (10k yuan)"),
    "local_buyers": ("外购本地企业数", "local buyers buying outside"),
    "leakage_distance_km": ("外购加权距离(km)", "leakage distance (km)"),
    "downstream_gap": ("外流待加工额(万元)", "output processed elsewhere (10k yuan)"),
    "gaps": ("缺口类型", "gaps"),
    "concentration": ("最大企业占比", "largest firm's share"),
    "concentrated": ("集中度高", "concentrated"),
    "projects": ("招商项目", "recruiting projects"),
    "score": ("优先级得分", "priority score"),
    # completeness (ChainReport.completeness, what-if change rows)
    "completeness_segments": ("环节完整度", "segments covered"),
    "completeness_value": ("全链本地配套率", "chain demand met locally"),
    # targets
    "gap": ("缺口类型", "gap kind"),
    "name": ("企业名称", "company"),
    "region": ("所在地", "region"),
    "value": ("年交易额(万元)", "annual value (10k yuan)"),
    "local_partners": ("本地合作企业数", "local partners"),
    "partners": ("本地合作企业", "local partner names"),
    "distance_km": ("运输距离(km)", "distance (km)"),
    "products": ("产品", "products"),
    "covered": ("已有招商项目", "project under way"),
    "reasons": ("推荐理由", "reasons"),
    # pairs
    "supplier": ("本地供应方", "local supplier"),
    "buyer": ("本地采购方", "local buyer"),
    "buyer_segment": ("采购方环节", "buyer's segment"),
    "value_from_outside": ("现从外地采购(万元)", "bought from outside (10k yuan)"),
    "outside_suppliers": ("可替代的外地供应方", "outside suppliers it could replace"),
    "supplier_output": ("供应方产值(万元)", "supplier output (10k yuan)"),
    # validation report
    "severity": ("级别", "severity"),
    "sheet": ("工作表", "sheet"),
    "row": ("Excel行号", "Excel row"),
    "column": ("列", "column"),
    "cell_value": ("单元格内容", "cell value"),
    "code": ("问题代码", "code"),
    "message": ("说明", "message"),
}


def label(key: str, lang: str = "zh", table: dict[str, tuple[str, str]] = COLUMNS) -> str:
    """The zh or en name of a vocabulary key; the key itself when it has none.

    >>> label("leakage"), label("leakage", "en"), label("weak", "zh", STATUSES)
    ('外购额(万元)', 'leakage (10k yuan)', '弱链')
    """
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]

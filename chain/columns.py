"""The column catalogue: every column a report shows, with its zh/en name, kind, unit and number format.

One source for every place that shows a result to a person: the Excel and CSV exports
(:mod:`chain.export`), the dashboard's tables (``ui/widgets.py``), the command line's tables and its
documentation (``docs/cli.md``), and the number formats of chart hovers. The words of the domain live here
too: statuses, gap kinds, stages, severities and units. How a value becomes words is :mod:`chain.render`.
Input column names live in :mod:`chain.schema`; the dashboard's chrome lives in ``ui/i18n.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chain import schema

__all__ = [
    "CATALOGUE",
    "CATEGORIES",
    "COMPARABLE",
    "COMPARED_METRICS",
    "COMPLETENESS_JSON",
    "DIFF_FIRM_JSON",
    "DIFF_LINK_JSON",
    "ESTIMATED_SHARE",
    "FORMATS",
    "GAP_KINDS",
    "JSON_FIELDS",
    "LOCALITY",
    "NAMED_VALUES",
    "PROBLEM_JSON",
    "SENTENCES",
    "SEVERITIES",
    "STAGES",
    "STATUSES",
    "TABLES",
    "UNITS",
    "Column",
    "Format",
    "Table",
    "column",
    "header",
    "name",
    "unit",
    "value_name",
]

#: What a column holds, which decides how it is shown:
#:
#: - ``money``: an amount in 万元; ``count``: a whole number of things; ``rank``: a position (a layer);
#: - ``share``: a fraction 0..1 shown as a percentage; ``percent``: percent points (5 = 5 %);
#: - ``distance``: kilometres; ``score``: a 0..1 ranking score;
#: - ``text``: written as it is; ``list``: a tuple of texts, joined; ``bool``: yes or no;
#: - ``status``, ``gap``, ``stage``, ``severity``: a vocabulary key, named in the reader's language;
#: - ``category``: a material category as the workbook writes it, named in English when it is a known one;
#: - ``gaps``: a tuple of gap kinds; ``reason``: a sentence, ``reasons``: a tuple of them, per language;
#: - ``row``: an Excel row number, blank for a problem of the whole file or sheet.
Kind = Literal[
    "money",
    "count",
    "rank",
    "share",
    "percent",
    "distance",
    "score",
    "text",
    "list",
    "bool",
    "status",
    "gap",
    "gaps",
    "stage",
    "category",
    "severity",
    "reason",
    "reasons",
    "row",
    "lead_stage",
    "demand_status",
    "demand_type",
    "activity",
    "date",
    "days",
]

#: unit key -> (zh, en), as written after a number or in a header.
UNITS: dict[str, tuple[str, str]] = {
    "wan_yuan": ("万元", "10k yuan"),
    "yi_yuan": ("亿元", "100m yuan"),
    # English readers count big money in thousands, millions and billions (1 亿元 = 100 m yuan).
    "k_yuan": ("千元", "k yuan"),
    "m_yuan": ("百万元", "m yuan"),
    "bn_yuan": ("十亿元", "bn yuan"),
    "yuan": ("元", "yuan"),
    "km": ("公里", "km"),
    "percent": ("%", "%"),
    "points": ("个百分点", "pp"),
    "people": ("人", "people"),
    "firms": ("家", "firms"),
}


@dataclass(frozen=True)
class Format:
    """How numbers of one kind are shown, in each tool's own notation, all meaning the same.

    ``excel`` is an Excel number format, ``printf`` the format of a Streamlit ``NumberColumn``, ``d3`` a
    d3-format specifier as plotly's ``hovertemplate``/``tickformat``/``valueformat`` take it, and
    ``python`` the :func:`format` spec that :mod:`chain.render` uses, so that a CSV, a terminal and a hover
    show the digits the workbook shows. ``decimals`` is how many digits of the stored value are shown.
    """

    excel: str
    printf: str
    d3: str
    python: str
    decimals: int


#: Number kind -> its one format. Other kinds are not numbers and keep Excel's General format.
FORMATS: dict[str, Format] = {
    "money": Format("#,##0.0", "%,.1f", ",.1f", ",.1f", 1),
    "count": Format("#,##0", "%,d", ",d", ",.0f", 0),
    "rank": Format("0", "%d", "d", ".0f", 0),
    "share": Format("0.0%", "percent", ".1%", ".1%", 3),
    # Percent points (growth 5 = 5 %): not a 0 % format, which would show 500 %.
    "percent": Format("0.0", "%.1f", ".1f", ".1f", 1),
    "distance": Format("#,##0", "%,.0f", ",.0f", ",.0f", 0),
    "score": Format("0.000", "%.3f", ".3f", ".3f", 3),
    # Days on average (the ledger's average time to close, #16).
    "days": Format("0.0", "%.1f", ".1f", ".1f", 1),
}


@dataclass(frozen=True)
class Column:
    """One report column: its key in frames and JSON, its names without unit, what it holds, its unit.

    ``zh`` / ``en`` name the column without its unit; :func:`header` adds the unit, as a table header
    shows it. ``meaning`` says in one English line what the value is, for the command line's documentation.
    """

    key: str
    zh: str
    en: str
    kind: Kind
    unit: str | None = None
    meaning: str = ""

    @property
    def format(self) -> Format | None:
        """The number format of the column's kind; None for a column of words."""
        return FORMATS.get(self.kind)


def _catalogue(*columns: Column) -> dict[str, Column]:
    return {c.key: c for c in columns}


_WAN = "wan_yuan"

#: Report column key -> :class:`Column`.
CATALOGUE: dict[str, Column] = _catalogue(
    # Segments (ChainReport.segments).
    Column("segment", "环节", "Segment", "text", meaning="template segment"),
    Column("category", "材料类别", "Category", "category", meaning="material category of the segment"),
    Column(
        "stage", "链位", "Stage", "stage", meaning="upstream, midstream or downstream ('' when not given)"
    ),
    Column("layer", "层级", "Layer", "rank", meaning="position in the chain map, 0 = most upstream"),
    Column("status", "状态", "Status", "status", meaning="strong, weak or missing"),
    Column(
        "reason",
        "判定依据",
        "Reason",
        "reason",
        meaning="the evidence for the row: a segment's status, a suggested pairing",
    ),
    Column("firms", "本地企业数", "Local firms", "count", meaning="local enterprises in the segment"),
    Column("above_scale_firms", "规上企业数", "Above-scale firms", "count", meaning="of them above scale"),
    Column("output", "产值", "Output", "money", _WAN, "output of the segment's local firms"),
    Column("employees", "用工人数", "Employees", "count", meaning="employees of the segment's local firms"),
    Column("growth_pct", "同比增长", "Growth", "percent", "percent", "output-weighted year-on-year growth"),
    Column("demand", "本地需求", "Local demand", "money", _WAN, "bought by local firms in the segment"),
    Column(
        "local_supply", "本地供给", "Local supply", "money", _WAN, "the part of demand supplied in the county"
    ),
    Column("leakage", "外购额", "Bought outside", "money", _WAN, "demand minus local supply"),
    Column(
        "local_share",
        "本地配套率",
        "Local share",
        "share",
        meaning="local supply / demand; null without demand",
    ),
    Column("exports", "外销额", "Exports", "money", _WAN, "sold by local firms to buyers outside the county"),
    Column(
        "local_final_demand",
        "本地最终需求",
        "Local final demand",
        "money",
        _WAN,
        "sold by local firms to other local units (not listed firms, not exports)",
    ),
    Column(
        "local_buyers",
        "外购本地企业数",
        "Local buyers buying outside",
        "count",
        meaning="local firms buying it outside",
    ),
    Column(
        "leakage_distance_km",
        "外购加权距离",
        "Distance bought from",
        "distance",
        "km",
        "value-weighted distance of outside purchases (estimates included); null when none",
    ),
    Column(
        "leakage_distance_estimated_share",
        "外购距离估算占比",
        "Distance bought from: estimated share",
        "share",
        meaning="share of that distance's weight estimated from the regions (no 运输距离 typed); null when none",
    ),
    Column(
        "downstream_gap",
        "外流待加工额",
        "Output processed elsewhere",
        "money",
        _WAN,
        "exports of the segment's inputs that are processed outside the county",
    ),
    Column("gaps", "缺口类型", "Gaps", "gaps", meaning="gap kinds: upstream, downstream"),
    Column(
        "concentration",
        "最大企业占比",
        "Largest firm's share",
        "share",
        meaning="largest firm's share of output",
    ),
    Column(
        "concentrated", "集中度高", "Concentrated", "bool", meaning="largest firm's share above the threshold"
    ),
    Column(
        "projects", "招商项目", "Recruiting projects", "list", meaning="recruiting projects in the segment"
    ),
    Column("score", "优先级得分", "Priority score", "score", meaning="ranking score 0–1, higher first"),
    # Completeness (ChainReport.completeness, what-if change rows).
    Column(
        "completeness_segments",
        "环节完整度",
        "Segments covered",
        "share",
        meaning="share of template segments with a local firm",
    ),
    Column(
        "completeness_value",
        "全链本地配套率",
        "Chain demand met locally",
        "share",
        meaning="Σ local supply / Σ demand; null without demand",
    ),
    # Targets.
    Column("position", "排名", "Rank", "rank", meaning="place in the list, 1 = first"),
    Column("gap", "缺口类型", "Gap kind", "gap", meaning="upstream or downstream"),
    Column("name", "企业名称", "Company", "text", meaning="the outside company to recruit"),
    Column("region", "所在地", "Region", "text", meaning="where the company is, as written"),
    Column(
        "province",
        "省份",
        "Province",
        "text",
        meaning="the region's province (gazetteer); empty when unknown",
    ),
    Column("city", "城市", "City", "text", meaning="the region's prefecture-level city; empty when unknown"),
    Column("value", "年交易额", "Annual value", "money", _WAN, "annual value traded with the county's firms"),
    Column(
        "local_partners", "本地合作企业数", "Local partners", "count", meaning="local firms it trades with"
    ),
    Column("partners", "本地合作企业", "Local partner names", "list", meaning="names of those local firms"),
    Column(
        "distance_km",
        "运输距离",
        "Distance",
        "distance",
        "km",
        "value-weighted distance (estimates included); null when unknown",
    ),
    Column(
        "distance_estimated",
        "距离含估算",
        "Distance estimated",
        "bool",
        meaning="part of the distance is estimated from the regions (shown as ≈)",
    ),
    Column(
        "distance_estimated_share",
        "距离估算占比",
        "Distance: estimated share",
        "share",
        meaning="share of the distance's weight that is estimated; null when no distance",
    ),
    Column("products", "产品", "Products", "list", meaning="products traded"),
    Column(
        "covered",
        "已有招商项目",
        "Project under way",
        "bool",
        meaning="a recruiting project covers the segment",
    ),
    Column(
        "reasons", "推荐理由", "Reasons", "reasons", meaning="the reasons for the score, one sentence each"
    ),
    # A target score's parts (weight × factor, times the covered penalty): they add up to the score.
    Column(
        "score_value", "交易额得分", "Value score", "score", meaning="part of the score from the value traded"
    ),
    Column(
        "score_partners",
        "带动面得分",
        "Reach score",
        "score",
        meaning="part of the score from the local firms it trades with",
    ),
    Column(
        "score_distance", "运距得分", "Distance score", "score", meaning="part of the score from the distance"
    ),
    Column("score_gap", "缺口得分", "Gap score", "score", meaning="part of the score from the gap's size"),
    # Columns a recruiting team fills in on the exported list: empty in the file.
    Column("contact", "联系人", "Contact", "text", meaning="who the team talks to at the company"),
    Column("owner", "负责人", "Owner", "text", meaning="who in the team follows the lead"),
    Column("follow_up", "跟进状态", "Follow-up status", "text", meaning="where the talks stand"),
    Column("next_follow_up", "下次跟进", "Next follow-up", "text", meaning="when and what comes next"),
    # Pairs.
    Column("supplier", "本地供应方", "Local supplier", "text", meaning="local firm that makes the product"),
    Column("buyer", "本地采购方", "Local buyer", "text", meaning="local firm that buys it outside today"),
    Column("buyer_segment", "采购方环节", "Buyer's segment", "text", meaning="the buyer's own segment"),
    Column(
        "value_from_outside",
        "现从外地采购",
        "Bought from outside",
        "money",
        _WAN,
        "what the buyer buys of the segment from outside the county",
    ),
    Column(
        "outside_suppliers",
        "可替代的外地供应方",
        "Outside suppliers it could replace",
        "list",
        meaning="the buyer's outside suppliers of the segment",
    ),
    Column("supplier_output", "供应方产值", "Supplier output", "money", _WAN, "the local supplier's output"),
    # Validation report.
    Column("severity", "级别", "Severity", "severity", meaning="error or warning"),
    Column("sheet", "工作表", "Sheet", "text", meaning="sheet name as written in the workbook"),
    Column(
        "row", "Excel行号", "Excel row", "row", meaning="row number as Excel shows it; null for a whole sheet"
    ),
    Column("column", "列", "Column", "text", meaning="column name as written; null for a whole row or sheet"),
    Column(
        "cell_value",
        "单元格内容",
        "Cell value",
        "text",
        meaning="the cell as written; null when no one cell is meant",
    ),
    Column("code", "问题代码", "Code", "text", meaning="problem code (docs/workbook.md lists them)"),
    Column("problem", "问题类型", "Problem", "text", meaning="what kind of problem, in words"),
    Column("message", "说明", "Message", "reason", meaning="what is wrong and how to fix it"),
)

#: The segment metrics a period comparison (:mod:`chain.compare`) sets side by side, in order.
COMPARED_METRICS: tuple[str, ...] = ("firms", "output", "employees", "leakage", "local_share", "exports")


_COMPARED_MEANINGS = {
    "status": "strong, weak or missing in the period compared {side}; null when its template lacks the segment",
    "reason": "why the segment had that status in the period compared {side}; null likewise",
}


def _compared(key: str) -> tuple[Column, Column]:
    """A segment column's two sides in a comparison: 基期 (the period compared from) and 本期 (to)."""
    entry = CATALOGUE[key]
    return tuple(  # type: ignore[return-value]
        Column(
            f"{key}_{side}",
            f"{zh}{entry.zh}",
            f"{entry.en}, {en}",
            entry.kind,
            entry.unit,
            _COMPARED_MEANINGS.get(key, entry.meaning + ", in the period compared {side}").format(side=en)
            + ("; a monthly average when the periods' months differ" if entry.kind == "money" else ""),
        )
        for side, zh, en in (("from", "基期", "from"), ("to", "本期", "to"))
    )


# Period comparison (chain.compare): each compared column from and to, and what came and went.
CATALOGUE.update(
    _catalogue(
        *(column for key in ("status", "reason", *COMPARED_METRICS) for column in _compared(key)),
        Column(
            "firms_added", "新增企业数", "Firms added", "count", meaning="local firms new in the later period"
        ),
        Column("firms_removed", "减少企业数", "Firms gone", "count", meaning="local firms no longer listed"),
        Column(
            "credit_code",
            "统一社会信用代码",
            "Credit code",
            "text",
            meaning="统一社会信用代码; '' when not given",
        ),
        Column("link_supplier", "供应方", "Supplier", "text", meaning="who sells (a local firm or not)"),
        Column("link_buyer", "采购方", "Buyer", "text", meaning="who buys (a local firm or not)"),
        Column("link_value", "交易额", "Value traded", "money", _WAN, "the period's total of the trade"),
        Column("change", "变化", "What changed", "reason", meaning="what changed, in one sentence"),
        Column("period", "报告期", "Period", "text", meaning="the reporting period"),
        Column(
            "segments_with_firms",
            "有本地企业的环节数",
            "Segments with a local firm",
            "count",
            meaning="template segments with at least one local firm",
        ),
        Column("segments_total", "环节总数", "Segments", "count", meaning="template segments"),
    )
)

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

#: problem severity -> (zh, en): one word for a warning, 提醒, in the app, the exports and the command line.
SEVERITIES: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "warning": ("提醒", "warning"),
}

#: stage key -> (zh, en): the choices of the template's 链位 column, and the blank stage.
STAGES: dict[str, tuple[str, str]] = {
    **{c.key: (c.zh, c.en) for c in schema.TEMPLATE.column_by_key["stage"].choices},
    "": ("未填", "not given"),
}

#: Where a trading partner is, seen from the county -> (zh, en): a local firm or one outside the county.
LOCALITY: dict[str, tuple[str, str]] = {
    "local": ("本地", "local"),
    "outside": ("外地", "outside"),
}

#: How two periods compare (:func:`chain.compare.comparability`) -> (zh, en), as the page, the export and the
#: command line say it.
COMPARABLE: dict[str, tuple[str, str]] = {
    "same_months": ("同期对比：金额直接相比", "Same months of two years: amounts compared directly"),
    "monthly_average": (
        "期间长度或月份不同：金额按月平均后相比",
        "Periods of different months: amounts compared as monthly averages",
    ),
}

#: Material category as workbooks write it -> (zh, en): the categories of the new-materials chains this
#: product serves (docs: DESIGN.md). Categories are workbook text: one not listed here reads as written
#: in both languages.
CATEGORIES: dict[str, tuple[str, str]] = {
    "碳素": ("碳素", "carbon"),
    "化工": ("化工", "chemicals"),
    "新型建筑材料": ("新型建筑材料", "new building materials"),
    "新型建材": ("新型建材", "new building materials"),
    "建材": ("建材", "building materials"),
    "生物材料": ("生物材料", "bio-materials"),
    "精细轻纺": ("精细轻纺", "fine light textiles"),
    "纺织": ("纺织", "textiles"),
    "新能源": ("新能源", "new energy"),
    "新材料": ("新材料", "new materials"),
    "有色金属": ("有色金属", "non-ferrous metals"),
    "冶金": ("冶金", "metallurgy"),
    "矿产": ("矿产", "minerals"),
    "农产品加工": ("农产品加工", "agricultural processing"),
    "食品": ("食品", "food"),
    "医药": ("医药", "pharmaceuticals"),
    "装备制造": ("装备制造", "equipment manufacturing"),
    "电子信息": ("电子信息", "electronics"),
}

#: Kind -> the vocabulary that names its values.
NAMED_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": STATUSES,
    "gap": GAP_KINDS,
    "gaps": GAP_KINDS,
    "stage": STAGES,
    "severity": SEVERITIES,
    "category": CATEGORIES,
}


@dataclass(frozen=True)
class Table:
    """A standard report table: its sheet names, every column it exports (in order), the columns the
    command line prints and the columns its dashboard page shows (all of them when not given), and the
    empty columns its export adds for the team to fill in (a follow-up log kept on the printed list)."""

    key: str
    zh: str
    en: str
    columns: tuple[str, ...]
    terminal: tuple[str, ...]
    screen: tuple[str, ...] = ()
    team: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.screen:
            object.__setattr__(self, "screen", self.columns)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _leading(columns: tuple[str, ...], *first: str) -> tuple[str, ...]:
    """``first``, then the rest of ``columns`` in their order: a table's one list read in another order."""
    return (*first, *(key for key in columns if key not in first))


def _without(columns: tuple[str, ...], *drop: str, then: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``columns`` in their order without ``drop``, followed by ``then``: a view of a table's one list."""
    return (*(key for key in columns if key not in drop), *then)


_SEGMENTS = (
    "segment",
    "category",
    "stage",
    "status",
    "reason",
    "firms",
    "above_scale_firms",
    "output",
    "employees",
    "growth_pct",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "local_final_demand",
    "local_buyers",
    "leakage_distance_km",
    "leakage_distance_estimated_share",
    "downstream_gap",
    "gaps",
    "concentration",
    "concentrated",
    "projects",
    "score",
)
_TARGETS = (
    "position",
    "segment",
    "gap",
    "name",
    "region",
    "province",
    "city",
    "value",
    "local_partners",
    "partners",
    "distance_km",
    "distance_estimated",
    "distance_estimated_share",
    "products",
    "covered",
    "score",
    "score_value",
    "score_partners",
    "score_distance",
    "score_gap",
    "reasons",
)
_TARGETS_READ = _leading(
    _TARGETS,
    "position",
    "name",
    "region",
    "province",
    "city",
    "segment",
    "gap",
    "score",
    "score_value",
    "score_partners",
    "score_distance",
    "score_gap",
    "value",
    "local_partners",
    "distance_km",
    "reasons",
)
_PAIRS = (
    "supplier",
    "buyer",
    "segment",
    "buyer_segment",
    "value_from_outside",
    "outside_suppliers",
    "supplier_output",
    "score",
    "reason",
)

#: The standard tables, one list of columns each: exports, pages and the command line take theirs from here.
TABLES: dict[str, Table] = {
    "segments": Table(
        "segments",
        "环节分析",
        "Segments",
        _SEGMENTS,
        # A terminal is narrow: what a segment is, its flows, and why last.
        _without(
            _SEGMENTS,
            "stage",
            "reason",
            "above_scale_firms",
            "output",
            "employees",
            "growth_pct",
            "local_supply",
            "local_buyers",
            "leakage_distance_km",
            "leakage_distance_estimated_share",
            "gaps",
            "concentration",
            "concentrated",
            "projects",
            "score",
            then=("reason",),
        ),
        # The gaps page: people, growth and the finer flow figures stay in the export.
        _without(
            _SEGMENTS,
            "above_scale_firms",
            "employees",
            "growth_pct",
            "local_buyers",
            "leakage_distance_km",
            "leakage_distance_estimated_share",
            "concentrated",
        ),
    ),
    "targets": Table(
        "targets",
        "招商目标",
        "Targets",
        # As the list reads on screen and on paper: the rank, who and where, the gap, the score with its
        # parts, the figures behind it and the reasons; the long lists after.
        _TARGETS_READ,
        _without(
            _TARGETS_READ,
            "province",
            "city",
            "partners",
            "distance_estimated",
            "distance_estimated_share",
            "products",
            "covered",
            "score_value",
            "score_partners",
            "score_distance",
            "score_gap",
        ),
        team=("contact", "owner", "follow_up", "next_follow_up"),
    ),
    "pairs": Table(
        "pairs",
        "本地配套",
        "Local pairing",
        _PAIRS,
        _without(_PAIRS, "outside_suppliers", "supplier_output", "reason"),
    ),
    "problems": Table(
        "problems",
        "校验报告",
        "Validation report",
        # Where, then what (the kind of problem in words and the message, right after where), the cell as
        # written, the code last; the page shows no code, which only the docs and scripts speak.
        ("severity", "sheet", "row", "column", "problem", "message", "cell_value", "code"),
        ("sheet", "row", "column", "message"),
        ("severity", "sheet", "row", "column", "problem", "message", "cell_value"),
    ),
}

_COMPARE = (
    "segment",
    "category",
    "status_from",
    "status_to",
    "reason_from",
    "reason_to",
    "firms_added",
    "firms_removed",
    *(f"{key}_{side}" for key in COMPARED_METRICS for side in ("from", "to")),
)
TABLES.update(
    {
        "compare": Table(
            "compare",
            "期间对比",
            "Comparison",
            _COMPARE,
            (
                "segment",
                "status_from",
                "status_to",
                "firms_from",
                "firms_to",
                "local_share_from",
                "local_share_to",
            ),
            # The page: the statuses, then the figures that decide them (firms, local share) and the flows,
            # the two reasons (long sentences) last.
            (
                "segment",
                "status_from",
                "status_to",
                "firms_from",
                "firms_to",
                "firms_added",
                "firms_removed",
                "local_share_from",
                "local_share_to",
                "leakage_from",
                "leakage_to",
                "exports_from",
                "exports_to",
                "output_from",
                "output_to",
                "employees_from",
                "employees_to",
                "reason_from",
                "reason_to",
            ),
        ),
        "changes": Table("changes", "变化摘要", "What changed", ("change",), ("change",)),
        "firms_added": Table(
            "firms_added",
            "新增企业",
            "Firms added",
            ("segment", "name", "credit_code", "output"),
            ("segment", "name"),
        ),
        "firms_removed": Table(
            "firms_removed",
            "减少企业",
            "Firms gone",
            ("segment", "name", "credit_code", "output"),
            ("segment", "name"),
        ),
        "links_added": Table(
            "links_added",
            "新增供需关系",
            "Links added",
            ("segment", "link_supplier", "link_buyer", "link_value"),
            ("segment", "link_supplier", "link_buyer"),
        ),
        "links_removed": Table(
            "links_removed",
            "减少供需关系",
            "Links gone",
            ("segment", "link_supplier", "link_buyer", "link_value"),
            ("segment", "link_supplier", "link_buyer"),
        ),
        "completeness_trend": Table(
            "completeness_trend",
            "完整度趋势",
            "Completeness trend",
            (
                "period",
                "completeness_segments",
                "completeness_value",
                "segments_with_firms",
                "segments_total",
            ),
            ("period", "completeness_segments", "completeness_value"),
        ),
    }
)
# --- recruiting loop (#16) ---
#: Lead stage key -> (zh, en), in pipeline order, 终止 last (:mod:`chain.pipeline` owns the rules).
LEAD_STAGES: dict[str, tuple[str, str]] = {
    "lead": ("线索", "lead"),
    "contact": ("接洽", "contact"),
    "visit": ("考察", "site visit"),
    "negotiating": ("洽谈", "negotiating"),
    "signed": ("签约", "signed"),
    "building": ("开工", "under construction"),
    "operating": ("投产", "in production"),
    "terminated": ("终止", "stopped"),
}
#: Demand status key -> (zh, en): the 诉求 sheet's choices (:data:`chain.schema.DEMAND_STATUSES`).
DEMAND_STATES: dict[str, tuple[str, str]] = {c.key: (c.zh, c.en) for c in schema.DEMAND_STATUSES}
#: Demand type key -> (zh, en): the 诉求 sheet's choices (:data:`chain.schema.DEMAND_TYPES`).
DEMAND_KINDS: dict[str, tuple[str, str]] = {c.key: (c.zh, c.en) for c in schema.DEMAND_TYPES}
#: Lead activity kind -> (zh, en): what the dated log of a lead records.
ACTIVITY_KINDS: dict[str, tuple[str, str]] = {
    "call": ("电话", "call"),
    "visit": ("走访", "visit"),
    "meeting": ("会谈", "meeting"),
    "stage": ("阶段变更", "stage change"),
    "note": ("备注", "note"),
}
NAMED_VALUES.update(
    {
        "lead_stage": LEAD_STAGES,
        "demand_status": DEMAND_STATES,
        "demand_type": DEMAND_KINDS,
        "activity": ACTIVITY_KINDS,
    }
)
CATALOGUE.update(
    _catalogue(
        # Leads (chain.pipeline, chain.ledger).
        Column("lead_id", "线索编号", "Lead", "count", meaning="the lead's id in the workspace"),
        Column("company", "企业名称", "Company", "text", meaning="the company approached to invest"),
        Column("lead_stage", "阶段", "Stage", "lead_stage", meaning="线索 → 投产, or 终止"),
        Column("owner", "负责人", "Owner", "text", meaning="the person or 招商专班 following the lead"),
        Column("planned_investment", "计划投资", "Planned investment", "money", _WAN, "planned investment"),
        Column(
            "expected_output", "预计产值", "Expected yearly output", "money", _WAN, "expected annual output"
        ),
        Column("next_step", "下一步", "Next step", "text", meaning="what is to be done next"),
        Column("next_due", "下一步时限", "Next step due", "date", meaning="when the next step is due"),
        Column("overdue", "逾期", "Overdue", "bool", meaning="past due as of the date chosen"),
        Column("local_name", "本地注册企业", "Local firm", "text", meaning="the local enterprise it became"),
        Column("stop_reason", "终止原因", "Why stopped", "text", meaning="why the lead was stopped"),
        Column("origin", "来源", "Origin", "text", meaning="where the lead came from"),
        Column("updated_by", "最后修改人", "Last changed by", "text", meaning="who changed it last"),
        Column("activity_date", "日期", "Date", "date", meaning="when it happened"),
        Column(
            "activity_kind", "方式", "Kind", "activity", meaning="call, visit, meeting, stage change, note"
        ),
        Column("activity_note", "记录", "Record", "text", meaning="what was said or done"),
        # Demands (chain.demands, chain.ledger).
        Column("demand_id", "诉求编号", "Demand", "count", meaning="the demand's id in the workspace"),
        Column("enterprise", "企业名称", "Enterprise", "text", meaning="the local enterprise that raised it"),
        Column("demand_type", "类型", "Type", "demand_type", meaning="finance, land, power, ..."),
        Column("detail", "诉求内容", "Request", "text", meaning="what the enterprise asks for"),
        Column("raised", "提出日期", "Raised", "date", meaning="when it was raised"),
        Column("responsible", "责任单位", "Responsible unit", "text", meaning="the unit that handles it"),
        Column("deputy", "包联代表", "Deputy", "text", meaning="the deputy who looks after the enterprise"),
        Column("due", "办结时限", "Due", "date", meaning="限时办结: the date it must be closed by"),
        Column("demand_status", "办理状态", "Status", "demand_status", meaning="open, in progress or closed"),
        Column("resolution", "办理结果", "Resolution", "text", meaning="how it was resolved"),
        Column("closed", "办结日期", "Closed", "date", meaning="when it was closed"),
        Column("days_to_close", "办结天数", "Days to close", "count", meaning="closed minus raised, in days"),
        Column("group", "分组", "Group", "text", meaning="the type or deputy a statistic is about"),
        Column("total", "诉求数", "Demands", "count", meaning="demands raised"),
        Column("closed_count", "已办结", "Closed", "count", meaning="demands closed"),
        Column("closure_rate", "办结率", "Closure rate", "share", meaning="closed / raised"),
        Column("avg_days", "平均办结天数", "Average days to close", "days", meaning="mean days to close"),
    )
)
TABLES.update(
    {
        "leads": Table(
            "leads",
            "招商线索",
            "Leads",
            (
                "company",
                "segment",
                "region",
                "lead_stage",
                "owner",
                "next_step",
                "next_due",
                "overdue",
                "planned_investment",
                "expected_output",
                "local_name",
                "stop_reason",
                "origin",
            ),
            ("company", "segment", "lead_stage", "owner", "next_step", "next_due"),
        ),
        "demands": Table(
            "demands",
            "诉求台账",
            "Demands",
            (
                "enterprise",
                "deputy",
                "demand_type",
                "detail",
                "raised",
                "responsible",
                "due",
                "demand_status",
                "overdue",
                "resolution",
                "closed",
                "days_to_close",
            ),
            ("enterprise", "demand_type", "raised", "due", "demand_status"),
        ),
        "demand_stats": Table(
            "demand_stats",
            "办结统计",
            "Closure statistics",
            ("group", "total", "closed_count", "closure_rate", "avg_days"),
            ("group", "total", "closed_count", "closure_rate", "avg_days"),
        ),
    }
)
# --- end recruiting loop (#16) ---

#: Command -> the keys of each JSON record it prints, in order (a contract: scripts rely on them): the
#: table's numbers and names first, its lists and sentences last.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    # The record (#14): what a segment was and is, why, and each compared metric from and to.
    "diff": (
        "segment",
        "status_from",
        "status_to",
        "reason_from",
        "reason_to",
        *(f"{key}_{side}" for key in COMPARED_METRICS for side in ("from", "to")),
    ),
    "gaps": _without(
        _SEGMENTS,
        "reason",
        "above_scale_firms",
        "growth_pct",
        "gaps",
        "projects",
        then=("reason", "gaps", "projects"),
    ),
    "targets": _without(
        _TARGETS,
        "partners",
        "products",
        "covered",
        "reasons",
        then=("partners", "products", "covered", "reasons"),
    ),
    "pairs": _without(
        _PAIRS,
        "outside_suppliers",
        "supplier_output",
        "reason",
        then=("supplier_output", "outside_suppliers", "reason"),
    ),
}

#: JSON key of a ``db diff --json`` firm added or removed -> its catalogue column.
DIFF_FIRM_JSON: dict[str, str] = {
    "segment": "segment",
    "name": "name",
    "credit_code": "credit_code",
    "output": "output",
}
#: JSON key of a ``db diff --json`` link added or removed -> its catalogue column.
DIFF_LINK_JSON: dict[str, str] = {
    "segment": "segment",
    "supplier": "link_supplier",
    "buyer": "link_buyer",
    "value": "link_value",
}

#: JSON key of a ``check --json`` problem -> its catalogue column (:meth:`chain.problems.Problem.to_dict`).
PROBLEM_JSON: dict[str, str] = {
    "sheet": "sheet",
    "row": "row",
    "column": "column",
    "value": "cell_value",
    "code": "code",
    "message": "message",
}

#: JSON key of ``gaps --json``'s ``completeness`` -> its catalogue column.
COMPLETENESS_JSON: dict[str, str] = {"segments": "completeness_segments", "value": "completeness_value"}

#: A number column -> the column saying which share of it is estimated (chain/geo.py): the renderer writes
#: such a number with ≈ when that share is above 0.
ESTIMATED_SHARE: dict[str, str] = {
    "distance_km": "distance_estimated_share",
    "leakage_distance_km": "leakage_distance_estimated_share",
}

#: The column kinds whose values are sentences composed in the reader's language.
SENTENCES = frozenset({"reason", "reasons"})


def column(key: str) -> Column:
    """The catalogue entry of ``key``; a clear error for a key the catalogue does not know."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a report column of chain.columns.CATALOGUE") from None


def unit(key: str, lang: str) -> str:
    """A unit's word in ``lang``: ``万元`` / ``10k yuan``."""
    zh, en = UNITS[key]
    return zh if lang == "zh" else en


def name(key: str, lang: str = "zh") -> str:
    """A column's name without its unit, for a metric whose value carries the unit; the key itself when
    the catalogue does not know it.

    >>> name("leakage"), name("leakage", "en"), name("local_share", "en")
    ('外购额', 'Bought outside', 'Local share')
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    return entry.zh if lang == "zh" else entry.en


def header(key: str, lang: str = "zh") -> str:
    """A column's header: its name and unit, ``产值(万元)`` / ``Output (10k yuan)``; the key itself when the
    catalogue does not know it.

    >>> header("output"), header("output", "en"), header("distance_km"), header("name", "en")
    ('产值(万元)', 'Output (10k yuan)', '运输距离(公里)', 'Company')
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    if entry.unit is None:
        return name(key, lang)
    return (
        f"{entry.zh}({unit(entry.unit, 'zh')})" if lang == "zh" else f"{entry.en} ({unit(entry.unit, 'en')})"
    )


def value_name(vocabulary: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """The zh or en word of a vocabulary key (a status, a gap kind, ...); the key itself when it has none.

    >>> value_name(STATUSES, "weak"), value_name(GAP_KINDS, "upstream", "en"), value_name(STAGES, "", "en")
    ('弱链', 'upstream gap', 'not given')
    """
    pair = vocabulary.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]

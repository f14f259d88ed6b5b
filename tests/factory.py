"""Workbooks built in code for tests: small enough to compute every metric by hand."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]

#: A tiny valid chain. Carbon: 原料 -> 煅烧 -> 电极; 包装 has no local firm (missing).
TINY: dict[str, list[list[Any]]] = {
    "企业": [
        ["企业名称", "产业链环节", "所在镇", "规上企业", "产值(万元)", "用工人数", "同比增长(%)", "主要产品"],
        ["甲矿业", "原料", "城关镇", "是", 100, 10, 5, "石油焦"],
        ["乙碳素", "煅烧", "城关镇", "是", 200, 20, 10, "煅后焦"],
        ["丙碳素", "煅烧", "涧池镇", "否", 300, 30, -2, "煅后焦"],
        ["丁电极", "电极", "涧池镇", "是", 500, 50, 12, "电极糊、石墨电极"],
    ],
    "供需关系": [
        [
            "供应方",
            "采购方",
            "产品",
            "产品环节",
            "供应方所在地",
            "采购方所在地",
            "采购方环节",
            "年交易额(万元)",
            "运输距离(km)",
        ],
        ["甲矿业", "乙碳素", "石油焦", "", "", "", "", 40, 10],
        ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, 300],
        ["乙碳素", "丁电极", "煅后焦", "", "", "", "", 100, 15],
        ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
        ["丁电极", "外地钢厂", "石墨电极", "", "", "河北唐山", "", 400, 1100],
        ["外地纸箱厂", "丁电极", "纸箱", "包装", "湖北十堰", "", "", 10, 400],
    ],
    "产业链图谱": [
        ["环节", "材料类别", "链位", "上游环节", "说明"],
        ["原料", "碳素", "上游", "", ""],
        ["煅烧", "碳素", "中游", "原料", ""],
        ["电极", "碳素", "下游", "煅烧、包装", ""],
        ["包装", "精细轻纺", "上游", "", ""],
    ],
    "设置": [["项目", "值"], ["县名", "测试县"], ["报告期", "2024Q1"], ["县域工业总产值(万元)", 2000]],
}


def make_workbook(sheets: Mapping[str, Rows] | None = None, **overrides: Rows | None) -> bytes:
    """xlsx bytes with one sheet per entry, rows written as given (first row = header).

    ``make_workbook()`` is :data:`TINY`; keyword overrides replace (or, with None, drop) sheets of it:
    ``make_workbook(**{"企业": rows})``.
    """
    chosen: dict[str, Rows | None] = dict(TINY if sheets is None else sheets)
    chosen.update(overrides)
    book = Workbook()
    book.remove(book.active)
    for title, rows in chosen.items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: :data:`TINY` with parties in the county that are not in 企业 (local-unlisted: their region names 设置's
#: 县名 测试县) and one more outside buyer. Added links, by hand:
#: - 城关镇废料站 (测试县) sells 原料 25 to 乙碳素, 县煅烧作坊 (陕西省测试县) sells 煅烧 15 to 丁电极: local
#:   supply, not leakage, never a recruiting target;
#: - 乙碳素 sells 煅烧 30 to 县医院 (测试县), 丁电极 sells 电极 12 to XX县人民医院 (陕西省测试县): local final
#:   demand, neither exports nor a downstream gap;
#: - 丙碳素 sells 煅烧 20 to 外地铝厂 (河南郑州), buyer segment blank: an export feeding 电极's downstream gap.
TINY_COUNTY: dict[str, list[list[Any]]] = {
    **TINY,
    "供需关系": [
        *TINY["供需关系"],
        ["城关镇废料站", "乙碳素", "石油焦", "原料", "测试县", "", "", 25, 3],
        ["县煅烧作坊", "丁电极", "煅后焦", "煅烧", "陕西省测试县", "", "", 15, 8],
        ["乙碳素", "县医院", "煅后焦", "", "", "测试县", "", 30, 5],
        ["丁电极", "XX县人民医院", "电极糊", "", "", "陕西省测试县", "", 12, 6],
        ["丙碳素", "外地铝厂", "煅后焦", "", "", "河南郑州", "", 20, 800],
    ],
}


def _code(body: str) -> str:
    from chain.credit_code import make_credit_code

    return make_credit_code(body, "610921")


_FIRM_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "产业链环节",
    "所在镇",
    "规上企业",
    "产值(万元)",
    "用工人数",
    "主要产品",
]

#: Two periods of 测试县 to compare (chain.compare), by hand. 2024年1-3月 is :data:`TINY` with credit codes:
#: 原料 weak (1 firm, share 40/100), 煅烧 strong (2 firms, 100/150), 电极 weak (1 firm, no demand), 包装
#: missing (demand 10 all from outside); completeness 3/4 segments, 140/260 of demand.
COMPARE_BEFORE: dict[str, list[list[Any]]] = {
    **TINY,
    "企业": [
        _FIRM_HEADER,
        ["甲矿业", _code("MA6XJ001"), "原料", "城关镇", "是", 100, 10, "石油焦"],
        ["乙碳素", _code("MA6XJ002"), "煅烧", "城关镇", "是", 200, 20, "煅后焦"],
        ["丙碳素", "", "煅烧", "涧池镇", "否", 300, 30, "煅后焦"],
        ["丁电极", _code("MA6XJ004"), "电极", "涧池镇", "是", 500, 50, "电极糊、石墨电极"],
    ],
    "设置": [["项目", "值"], ["县名", "测试县"], ["报告期", "2024年1-3月"]],
}
#: 2025年1-3月: 甲矿业 closed (原料 weak -> missing: 90 all bought outside); 乙碳素 renamed 乙碳素新材料 under
#: the same credit code (one firm; its links are the same links); 戊包装 opened and sells 包装 4 of the 10 丁电极
#: buys (包装 missing -> weak, share 0% -> 40%). Links: 甲矿业->乙碳素 原料 40 removed, 戊包装->丁电极 包装 4
#: added. Completeness 3/4 segments, 104/250 of demand.
COMPARE_AFTER: dict[str, list[list[Any]]] = {
    **TINY,
    "企业": [
        _FIRM_HEADER,
        ["乙碳素新材料", _code("MA6XJ002"), "煅烧", "城关镇", "是", 260, 22, "煅后焦"],
        ["丙碳素", "", "煅烧", "涧池镇", "否", 330, 30, "煅后焦"],
        ["丁电极", _code("MA6XJ004"), "电极", "涧池镇", "是", 600, 55, "电极糊、石墨电极"],
        ["戊包装", _code("MA6XJ005"), "包装", "城关镇", "否", 50, 8, "纸箱"],
    ],
    "供需关系": [
        TINY["供需关系"][0],
        ["外地矿", "乙碳素新材料", "石油焦", "原料", "陕西西安", "", "", 90, 300],
        ["乙碳素新材料", "丁电极", "煅后焦", "", "", "", "", 100, 15],
        ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
        ["丁电极", "外地钢厂", "石墨电极", "", "", "河北唐山", "", 450, 1100],
        ["外地纸箱厂", "丁电极", "纸箱", "包装", "湖北十堰", "", "", 6, 400],
        ["戊包装", "丁电极", "纸箱", "", "", "", "", 4, 5],
    ],
    "设置": [["项目", "值"], ["县名", "测试县"], ["报告期", "2025年1-3月"]],
}

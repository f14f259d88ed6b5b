"""Loading a workbook: every problem code at its cell, aliases and units, and the frames of a valid chain."""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook as open_with_openpyxl

from chain.credit_code import is_valid_credit_code, valid_credit_codes
from chain.guard import inspect_bytes
from chain.load import REFUSAL_CODES, cell_text, load_workbook, parse_date, parse_number
from chain.problems import CATALOGUE, Problem
from tests.factory import TINY, make_workbook

# Every test runs on both of the loader's readers (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_readers")

Sheets = dict[str, list[list[Any]]]

ENTERPRISE_HEADER = TINY["企业"][0]
DEMANDS = [
    ["企业名称", "类型", "内容", "提出日期", "状态"],
    ["甲矿业", "土地", "扩建用地", "2024-03-31", "待办"],
]
PROJECTS = [
    ["项目名称", "产业链环节", "投资方", "投资额(万元)", "状态", "预计产值(万元)"],
    ["纸箱项目", "包装", "某包装公司", 5000, "洽谈", 3000],
]


def tiny() -> Sheets:
    return copy.deepcopy(TINY)


def edit(sheet: str, row: int, header: str, value: Any) -> Callable[[Sheets], None]:
    """An edit setting the cell at Excel ``row`` under ``header`` (appending the column if new)."""

    def apply(sheets: Sheets) -> None:
        rows = sheets[sheet]
        if header not in rows[0]:
            for line in rows:
                line.append("")
            rows[0][-1] = header
        rows[row - 1][rows[0].index(header)] = value

    return apply


def append(sheet: str, *rows: list[Any]) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets.setdefault(sheet, []).extend(copy.deepcopy(list(rows)))

    return apply


def put(sheet: str, rows: list[list[Any]] | None) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        if rows is None:
            sheets.pop(sheet)
        else:
            sheets[sheet] = copy.deepcopy(rows)

    return apply


def drop_column(sheet: str, header: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        index = sheets[sheet][0].index(header)
        for line in sheets[sheet]:
            del line[index]

    return apply


def insert_row(sheet: str, row: int, values: list[Any]) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets[sheet].insert(row - 1, list(values))

    return apply


def build(*edits: Callable[[Sheets], None]) -> bytes:
    sheets = tiny()
    for apply in edits:
        apply(sheets)
    return make_workbook(sheets)


def hide_sheet(data: bytes, title: str) -> bytes:
    book = open_with_openpyxl(io.BytesIO(data))
    book[title].sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find(problems: tuple[Problem, ...], code: str) -> list[tuple[str, int | None, str | None]]:
    return [(p.sheet, p.row, p.column) for p in problems if p.code == code]


PROBLEM_CASES: list[tuple[str, bytes, tuple[str, int | None, str | None]]] = [
    ("missing_sheet", build(put("产业链图谱", None)), ("产业链图谱", None, None)),
    ("duplicate_sheet", build(put("template", TINY["产业链图谱"])), ("template", None, None)),
    ("missing_column", build(drop_column("企业", "产值(万元)")), ("企业", 1, None)),
    ("blank_header", build(edit("企业", 3, "", "孤儿数据")), ("企业", 1, "I")),
    ("duplicate_header", build(edit("企业", 2, "output", 1)), ("企业", 1, "output")),
    (
        "duplicate_header",
        build(edit("企业", 2, "备注", "a"), edit("企业", 2, "备 注", "b")),
        ("企业", 1, "备 注"),
    ),
    ("blank_rows", build(insert_row("企业", 4, []), insert_row("企业", 5, [])), ("企业", 4, None)),
    ("hidden_sheet", hide_sheet(build(), "设置"), ("设置", None, None)),
    ("formula_no_value", build(edit("企业", 3, "同比增长(%)", "=1+2")), ("企业", 3, "同比增长(%)")),
    ("error_value", build(edit("企业", 4, "同比增长(%)", "#DIV/0!")), ("企业", 4, "同比增长(%)")),
    ("required_blank", build(edit("企业", 3, "企业名称", "")), ("企业", 3, "企业名称")),
    ("required_blank", build(edit("供需关系", 4, "年交易额(万元)", "")), ("供需关系", 4, "年交易额(万元)")),
    ("not_a_number", build(edit("企业", 2, "产值(万元)", "约500")), ("企业", 2, "产值(万元)")),
    ("not_a_number", build(edit("企业", 2, "产值(万元)", "12%")), ("企业", 2, "产值(万元)")),
    ("not_a_number", build(edit("设置", 4, "值", "两千")), ("设置", 4, "值")),
    ("not_an_integer", build(edit("企业", 5, "用工人数", "50.5")), ("企业", 5, "用工人数")),
    ("out_of_range", build(edit("企业", 2, "用工人数", 10**19)), ("企业", 2, "用工人数")),
    ("negative", build(edit("供需关系", 2, "运输距离(km)", -3)), ("供需关系", 2, "运输距离(km)")),
    (
        "not_a_date",
        build(put("诉求", DEMANDS), edit("诉求", 2, "提出日期", "三月底")),
        ("诉求", 2, "提出日期"),
    ),
    ("bad_choice", build(edit("产业链图谱", 3, "链位", "顶游")), ("产业链图谱", 3, "链位")),
    (
        "bad_choice",
        build(put("招商项目", PROJECTS), edit("招商项目", 2, "状态", "搁置")),
        ("招商项目", 2, "状态"),
    ),
    ("bad_bool", build(edit("企业", 2, "规上企业", "可能")), ("企业", 2, "规上企业")),
    (
        "bad_credit_code",
        build(edit("企业", 2, "统一社会信用代码", "91350100M000100Y44")),
        ("企业", 2, "统一社会信用代码"),
    ),
    ("duplicate_name", build(edit("企业", 3, "企业名称", "甲矿业")), ("企业", 3, "企业名称")),
    ("unknown_segment", build(edit("企业", 4, "产业链环节", "石墨化")), ("企业", 4, "产业链环节")),
    ("unknown_segment", build(edit("供需关系", 3, "产品环节", "石墨化")), ("供需关系", 3, "产品环节")),
    ("unknown_segment", build(edit("供需关系", 6, "采购方环节", "钢铁")), ("供需关系", 6, "采购方环节")),
    (
        "unknown_segment",
        build(put("招商项目", PROJECTS), edit("招商项目", 2, "产业链环节", "石墨化")),
        ("招商项目", 2, "产业链环节"),
    ),
    ("self_link", build(edit("供需关系", 2, "采购方", "甲矿业")), ("供需关系", 2, "采购方")),
    ("region_missing", build(edit("供需关系", 3, "供应方所在地", "")), ("供需关系", 3, "供应方所在地")),
    ("region_missing", build(edit("供需关系", 6, "采购方所在地", "")), ("供需关系", 6, "采购方所在地")),
    ("unresolved_segment", build(edit("供需关系", 5, "产品环节", "")), ("供需关系", 5, "产品环节")),
    ("duplicate_segment", build(edit("产业链图谱", 5, "环节", "原料")), ("产业链图谱", 5, "环节")),
    ("unknown_input", build(edit("产业链图谱", 3, "上游环节", "原料、矿石")), ("产业链图谱", 3, "上游环节")),
    ("self_loop", build(edit("产业链图谱", 3, "上游环节", "原料、煅烧")), ("产业链图谱", 3, "上游环节")),
    ("cycle", build(edit("产业链图谱", 2, "上游环节", "电极")), ("产业链图谱", 2, "上游环节")),
    ("unknown_setting", build(append("设置", ["负责人", "张三"])), ("设置", 5, "项目")),
    ("duplicate_setting", build(append("设置", ["county", "另一县"])), ("设置", 5, "项目")),
    (
        "unknown_enterprise",
        build(put("诉求", DEMANDS), edit("诉求", 2, "企业名称", "戊公司")),
        ("诉求", 2, "企业名称"),
    ),
]


@pytest.mark.parametrize(
    ("code", "data", "where"), PROBLEM_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(PROBLEM_CASES)]
)
def test_each_problem_is_reported_at_its_cell(code: str, data: bytes, where: tuple) -> None:
    result = load_workbook(data)
    # Errors in an optional sheet skip that sheet, not the analysis: they are reported as warnings.
    severity = "warning" if where[0] in ("诉求", "招商项目") else CATALOGUE[code][0]
    reported = result.errors if severity == "error" else result.warnings
    assert where in find(reported, code), [p.to_dict("en") for p in (*result.errors, *result.warnings)]
    if severity == "warning" and not result.errors:
        assert result.data is not None
    if result.errors:
        assert result.data is None


def test_refusals_and_parser_failures_never_raise() -> None:
    for data in (b"", b"plain text", b"PK\x03\x04broken"):
        result = load_workbook(data)
        assert result.data is None
        (refusal,) = result.errors
        assert refusal.code in REFUSAL_CODES


def test_a_missing_path_raises_and_a_path_loads(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        load_workbook(tmp_path / "nope.xlsx")
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(make_workbook())
    result = load_workbook(path)
    assert result.ok
    assert result.data.source == "tiny.xlsx"


def test_tiny_workbook_loads_into_the_documented_frames() -> None:
    result = load_workbook(make_workbook(), source_name="样例.xlsx")
    assert result.ok, result.errors
    assert result.warnings == ()
    data = result.data
    firms = data.enterprises
    assert list(firms.columns) == [
        "name",
        "credit_code",
        "segment",
        "category",
        "town",
        "above_scale",
        "output",
        "employees",
        "growth_pct",
        "products",
        "deputy",
        "row",
    ]
    assert firms["name"].tolist() == ["甲矿业", "乙碳素", "丙碳素", "丁电极"]
    assert firms["row"].tolist() == [2, 3, 4, 5]
    assert firms["category"].tolist() == ["碳素"] * 4
    assert firms["above_scale"].tolist() == [True, True, False, True]
    assert firms["output"].dtype == np.float64 and firms["output"].sum() == 1100.0
    assert firms["employees"].dtype == np.int64
    assert firms["products"].iloc[3] == ("电极糊", "石墨电极")
    assert firms["credit_code"].tolist() == [""] * 4
    assert not firms["deputy"].isna().any()

    links = data.links
    assert links["segment"].tolist() == ["原料", "原料", "煅烧", "煅烧", "电极", "包装"]
    assert links["supplier_local"].tolist() == [True, False, True, False, True, False]
    assert links["buyer_local"].tolist() == [True, True, True, True, False, True]
    assert links["volume"].isna().all()
    assert links["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert list(links.columns[-8:]) == [
        "supplier_local",
        "buyer_local",
        "supplier_in_county",
        "buyer_in_county",
        "supplier_adcode",
        "buyer_adcode",
        "distance_estimated",
        "row",
    ]

    template = data.template
    assert template["inputs"].tolist() == [(), ("原料",), ("煅烧", "包装"), ()]
    assert template["stage"].tolist() == ["upstream", "midstream", "downstream", "upstream"]
    assert data.projects.empty and "expected_output" in data.projects.columns
    assert data.demands.empty and "closed" in data.demands.columns
    assert data.settings == {"county": "测试县", "period": "2024Q1", "county_industrial_output": 2000.0}
    assert data.source == "样例.xlsx"
    assert pickle.loads(pickle.dumps(result)).data.links.equals(links)


ENGLISH = {
    "Enterprises": [
        ["Name", "Segment", "Town", "above_scale", "Output", "Employees", "growth_pct", "products"],
        *TINY["企业"][1:],
    ],
    "LINKS": [
        [
            "supplier",
            "buyer",
            "product",
            "segment",
            "supplier_region",
            "buyer_region",
            "buyer_segment",
            "value",
            "distance_km",
        ],
        *TINY["供需关系"][1:],
    ],
    "template": [["segment", "category", "stage", "inputs", "note"], *TINY["产业链图谱"][1:]],
    "settings": [["key", "value"], ["county", "测试县"], ["period", "2024Q1"]],
}


def test_english_sheet_and_column_names_load_like_chinese_ones() -> None:
    english = load_workbook(make_workbook(ENGLISH))
    chinese = load_workbook(make_workbook())
    assert english.ok, english.errors
    for frame in ("enterprises", "links", "template"):
        assert getattr(english.data, frame).equals(getattr(chinese.data, frame)), frame
    assert english.data.county == "测试县"


def test_full_width_headers_and_sheet_names_match() -> None:
    sheets = tiny()
    sheets["企业"][0] = [
        "企业名称",
        "产业链环节",
        "所在镇",
        "规上企业",
        "产值（万元）",
        "用工人数",
        "同比增长（％）",
        " 主要产品 ",
    ]
    sheets["供需关系"][0][-1] = "运输距离（ｋｍ）"
    sheets["Ｔｅｍｐｌａｔｅ"] = sheets.pop("产业链图谱")
    result = load_workbook(make_workbook(sheets))
    assert result.ok, result.errors
    assert result.data.enterprises["growth_pct"].tolist() == [5.0, 10.0, -2.0, 12.0]
    assert result.data.links["distance_km"].iloc[0] == 10.0


def test_text_stays_text() -> None:
    data = build(
        edit("企业", 2, "企业名称", "NA"),
        edit("企业", 3, "企业名称", "None"),
        edit("企业", 4, "企业名称", "0012"),
        edit("供需关系", 2, "供应方", "NA"),
        edit("供需关系", 2, "采购方", "None"),
        edit("供需关系", 3, "采购方", "None"),
        edit("供需关系", 4, "供应方", "None"),
        edit("企业", 5, "所在镇", 12.0),
    )
    result = load_workbook(data)
    assert result.ok, result.errors
    firms = result.data.enterprises
    assert firms["name"].tolist() == ["NA", "None", "0012", "丁电极"]
    assert firms["town"].iloc[3] == "12"
    assert result.data.links[["supplier_local", "buyer_local"]].iloc[0].tolist() == [True, True]


def test_money_units_scale_into_wan_yuan() -> None:
    data = build(
        edit("企业", 2, "产值(万元)", 1.5),
        edit("企业", 1, "产值(万元)", "产值(亿元)"),
        edit("供需关系", 2, "年交易额(万元)", 12345),
        edit("供需关系", 1, "年交易额(万元)", "年交易额（元）"),
        edit("设置", 4, "值", 2),
        edit("设置", 4, "项目", "县域工业总产值(亿元)"),
    )
    result = load_workbook(data)
    assert result.ok, result.errors
    assert result.data.enterprises["output"].iloc[0] == 15000.0
    assert result.data.links["value"].iloc[0] == 1.2345
    assert result.data.settings["county_industrial_output"] == 20000.0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,200", 1200.0),
        ("１２００", 1200.0),
        ("+5", 5.0),
        (" 7.5 ", 7.5),
        ("1,234,567.5", 1234567.5),
        (42.0, 42.0),
    ],
)
def test_numbers_written_as_text_are_read(cell: Any, expected: float) -> None:
    result = load_workbook(build(edit("企业", 2, "产值(万元)", cell)))
    assert result.ok, result.errors
    assert result.data.enterprises["output"].iloc[0] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("12%", 12.0), ("－3.5", -3.5), ("", None)],
)
def test_percent_column_takes_a_percent_sign_and_may_be_blank(cell: str, expected: float | None) -> None:
    result = load_workbook(build(edit("企业", 2, "同比增长(%)", cell)))
    assert result.ok, result.errors
    value = result.data.enterprises["growth_pct"].iloc[0]
    assert np.isnan(value) if expected is None else value == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Y", True), ("TRUE", True), (1, True), (True, True), ("否", False), ("n", False), ("", False)],
)
def test_yes_no_words(cell: Any, expected: bool) -> None:
    result = load_workbook(build(edit("企业", 2, "规上企业", cell)))
    assert result.ok, result.errors
    assert result.data.enterprises["above_scale"].iloc[0] is np.bool_(expected)


@pytest.mark.parametrize(
    "cell",
    [dt.date(2024, 3, 31), dt.datetime(2024, 3, 31), "2024-03-31", "2024/3/31", "2024年3月31日", "2024.3.31"],
)
def test_dates_in_every_accepted_form(cell: Any) -> None:
    result = load_workbook(build(put("诉求", DEMANDS), edit("诉求", 2, "提出日期", cell)))
    assert result.ok, result.errors
    demands = result.data.demands
    assert demands["raised"].iloc[0] == dt.date(2024, 3, 31)
    assert demands["closed"].iloc[0] is None
    assert demands["status"].iloc[0] == "open"


def test_projects_are_read_with_choice_keys() -> None:
    result = load_workbook(build(put("招商项目", PROJECTS)))
    assert result.ok, result.errors
    project = result.data.projects.iloc[0]
    assert (project["name"], project["segment"], project["status"]) == ("纸箱项目", "包装", "negotiating")
    assert project["expected_output"] == 3000.0
    assert project["row"] == 2


def test_trailing_blank_rows_are_ignored_silently() -> None:
    result = load_workbook(build(append("企业", ["", "", ""], ["", ""])))
    assert result.ok, result.errors
    assert result.warnings == ()
    assert len(result.data.enterprises) == 4


def test_blank_rows_between_data_are_one_warning_listing_them() -> None:
    result = load_workbook(
        build(insert_row("企业", 3, []), insert_row("企业", 5, []), insert_row("企业", 6, []))
    )
    assert result.ok, result.errors
    (warning,) = result.warnings
    assert warning.code == "blank_rows"
    assert "3, 5-6" in warning.message_en
    assert result.data.enterprises["row"].tolist() == [2, 4, 7, 8]


def test_self_loop_is_removed_and_cycle_named_in_order() -> None:
    result = load_workbook(build(edit("产业链图谱", 2, "上游环节", "电极、原料")))
    assert result.ok, result.errors
    assert result.data.template["inputs"].iloc[0] == ("电极",)
    (cycle,) = [p for p in result.warnings if p.code == "cycle"]
    assert cycle.value == "原料 → 煅烧 → 电极 → 原料"


def test_unknown_extra_columns_are_kept_under_their_header() -> None:
    result = load_workbook(build(edit("企业", 2, "备注", "重点企业")))
    assert result.ok, result.errors
    assert result.data.enterprises["备注"].tolist() == ["重点企业", "", "", ""]


def test_many_planted_problems_are_reported_at_once() -> None:
    data = build(
        edit("企业", 2, "产值(万元)", "约500"),
        edit("企业", 3, "用工人数", -1),
        edit("企业", 4, "企业名称", "甲矿业"),
        edit("企业", 5, "产业链环节", "石墨化"),
        edit("企业", 2, "同比增长(%)", "=A1"),
        edit("供需关系", 3, "供应方所在地", ""),
        edit("供需关系", 5, "产品环节", ""),
        edit("供需关系", 4, "采购方", "乙碳素"),
        edit("产业链图谱", 3, "上游环节", "矿石"),
        append("设置", ["负责人", "张三"]),
    )
    result = load_workbook(data)
    assert result.data is None
    assert [p.code for p in result.errors] == [
        "not_a_number",
        "negative",
        "duplicate_name",
        "unknown_segment",
        "region_missing",
        "self_link",
        "unresolved_segment",
        "unknown_input",
    ]
    assert {p.code for p in result.warnings} == {"formula_no_value", "unknown_setting"}
    assert all(p.severity == "error" for p in result.errors)


@pytest.mark.parametrize(
    ("code", "valid"),
    [("91350100M000100Y43", True), ("91350100M000100Y44", False), ("91350100M000100Y4", False), ("", False)],
)
def test_credit_code_checksum(code: str, valid: bool) -> None:
    assert is_valid_credit_code(code) is valid
    assert valid_credit_codes([code]).tolist() == [valid]


def test_a_column_of_credit_codes_is_judged_like_each_code() -> None:
    codes = [
        "91350100M000100Y43",
        "91350100m000100y43",
        "９１３５０１００m０００１００y４３",
        " 91350100M000100Y43",
    ]
    codes += ["91350100M000100Y44", "91350100I000100Y43", "9135010-M000100Y43", "913501000000100Y4", ""]
    assert valid_credit_codes(codes).tolist() == [is_valid_credit_code(code) for code in codes]


def _rewrite_sheet_xml(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with ``old`` replaced by ``new`` in its worksheets' XML (each must hold it somewhere)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    replaced = False
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/") and old in content:
                content, replaced = content.replace(old, new), True
            target.writestr(item, content)
    assert replaced
    return buffer.getvalue()


def test_entities_in_a_formula_are_resolved() -> None:
    # Excel writes an apostrophe as &apos; and may write any character as a numeric reference; the
    # formula is shown as written in Excel.
    data = build(edit("企业", 3, "同比增长(%)", "='SHEETX'!A1&\"<>\""))
    data = _rewrite_sheet_xml(data, b"'SHEETX'", b"&apos;&#x4E2D;&#25991;&apos;")
    (found,) = [p for p in load_workbook(data).warnings if p.code == "formula_no_value"]
    assert (found.row, found.value) == (3, "='中文'!A1&\"<>\"")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("约500", None),
        ("1,2", None),
        ("", None),
        ("1e3", 1000.0),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
    ],
)
def test_parse_number_refuses_what_is_not_a_number(cell: str, expected: float | None) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2024-13-01", None), ("31/3/2024", None), (45382.0, None), ("2024年3月31日", dt.date(2024, 3, 31))],
)
def test_parse_date(cell: Any, expected: dt.date | None) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(1e20, "1e+20"), (0.1, "0.1"), (-0.0, "0"), (dt.datetime(2024, 1, 2, 3, 4), "2024-01-02 03:04:00")],
)
def test_cell_text(cell: Any, expected: str) -> None:
    assert cell_text(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("50.0", 50), (50.0, 50), ("1,000", 1000), ("０", 0)])
def test_whole_numbers_in_an_integer_column(cell: Any, expected: int) -> None:
    result = load_workbook(build(edit("企业", 2, "用工人数", cell)))
    assert result.ok, result.errors
    employees = result.data.enterprises["employees"]
    assert employees.dtype == np.int64
    assert employees.iloc[0] == expected


def test_a_row_of_spaces_is_blank_not_missing_values() -> None:
    result = load_workbook(build(insert_row("企业", 3, [" ", "  ", "\u3000"])))
    assert result.ok, result.errors
    (warning,) = result.warnings
    assert (warning.code, warning.row) == ("blank_rows", 3)


def test_english_headers_with_spaces_match_underscored_keys() -> None:
    sheets = tiny()
    sheets["企业"][0] = [
        "Name",
        "Segment",
        "Town",
        "Above Scale",
        "Output",
        "Employees",
        "Growth Pct",
        "Products",
    ]
    result = load_workbook(make_workbook(sheets))
    assert result.ok, result.errors
    assert result.data.enterprises["above_scale"].tolist() == [True, True, False, True]


def test_the_guards_copy_of_a_sheet_reads_as_the_sheet_itself() -> None:
    """A load looks at the worksheets the guard unpacked from the guard's copy (each sheet unpacked once); a
    guarded load (the parse child's) streams them from the zip: both find the same formula and error
    cells, hidden rows and % cells."""
    book = open_with_openpyxl(
        io.BytesIO(build(edit("企业", 3, "同比增长(%)", "=1+2"), edit("企业", 4, "同比增长(%)", "#DIV/0!")))
    )
    book["企业"].row_dimensions[5].hidden = True
    book["企业"]["G2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    inspection = inspect_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert inspection.sheets and all(archive.read(m) == xml for m, xml in inspection.sheets.items())
    from_copy, streamed = load_workbook(data), load_workbook(data, guarded=True)
    codes = {p.code for p in from_copy.warnings + from_copy.errors}
    assert {"formula_no_value", "error_value", "hidden_rows"} <= codes
    assert from_copy.errors == streamed.errors and from_copy.warnings == streamed.warnings
    assert from_copy.data is None or from_copy.data.enterprises.equals(streamed.data.enterprises)

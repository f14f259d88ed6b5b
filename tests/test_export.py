"""Excel and CSV exports: headers, values, formats, layout, determinism, and no formula ever reaches a cell."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chain import columns
from chain.export import (
    ABOUT_KEYS,
    NUMBER_FORMATS,
    PAIR_COLUMNS,
    SEGMENT_COLUMNS,
    TARGET_COLUMNS,
    ExportTable,
    about_settings,
    neutralise,
    report_table,
    to_csv,
    to_xlsx,
)
from chain.reasons import OutsideSupplier
from chain.settings import AnalysisSettings

#: Text that a spreadsheet would evaluate if it reached a cell as it is.
PAYLOADS = [
    "=1+1",
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "=cmd|'/c calc'!A1",
    '=HYPERLINK("http://x","y")',
    "-",
    "=",
]

BOM = b"\xef\xbb\xbf"


def targets_frame(**columns: list[object]) -> pd.DataFrame:
    """A targets frame (docs/architecture.md) of three rows; ``columns`` replace the defaults."""
    base: dict[str, list[object]] = {
        "position": [1, 2, 3],
        "segment": ["煅烧", "PBT高弹丝", "包装"],
        "gap": ["upstream", "downstream", "upstream"],
        "name": ["外地煅烧厂", "南通化纤", "外地纸箱厂"],
        "region": ["江苏南通", "江苏南通", "湖北十堰"],
        "province": ["江苏省", "江苏省", "湖北省"],
        "city": ["南通市", "南通市", "十堰市"],
        "value": [1234.5, 0.0, -12.25],
        "local_partners": [2, 0, 1],
        "partners": [("乙碳素", "丁电极"), (), ("丁电极",)],
        "distance_km": [1300.0, float("nan"), 400.0],
        "distance_estimated": [False, False, True],
        "distance_estimated_share": [0.0, float("nan"), 1.0],
        "products": [("煅后焦",), ("PBT高弹丝", "包芯纱"), ()],
        "covered": [True, False, False],
        "score": [0.8125, 0.0, 0.5],
        "score_value": [0.5, 0.0, 0.25],
        "score_partners": [0.25, 0.0, 0.125],
        "score_distance": [0.0625, 0.0, 0.05],
        "score_gap": [0.0, 0.0, 0.075],
        "reasons_zh": [("向本县供货额高", "服务2家本地企业"), (), ("距离远",)],
        "reasons_en": [("sells a lot into the county", "serves 2 local firms"), (), ("far away",)],
    }
    base.update(columns)
    return pd.DataFrame(base)


#: The targets export's columns: the table's, then the team's empty ones.
TARGET_EXPORT = (*TARGET_COLUMNS, *columns.TABLES["targets"].team)


def letter(key: str) -> str:
    """The targets sheet's column letter of ``key``."""
    return get_column_letter(TARGET_EXPORT.index(key) + 1)


def width(sheet: Worksheet, key: str) -> int:
    """The width of the targets sheet's column ``key`` (openpyxl keeps columns of one width as one range)."""
    number = TARGET_EXPORT.index(key) + 1
    found = [d.width for d in sheet.column_dimensions.values() if d.min <= number <= d.max]
    return int(found[0])


def segments_frame() -> pd.DataFrame:
    """A segments frame (docs/architecture.md) of three segments."""
    return pd.DataFrame(
        {
            "segment": ["原料", "煅烧", "包装"],
            "category": ["碳素", "碳素", "精细轻纺"],
            "stage": ["upstream", "midstream", ""],
            "layer": [0, 1, 0],
            "status": ["strong", "weak", "missing"],
            "reason_zh": ["两家以上企业", "本地配套率低于50%", "无本地企业"],
            "reason_en": ["two or more firms", "local share below 50%", "no local firm"],
            "firms": [2, 1, 0],
            "above_scale_firms": [1, 1, 0],
            "output": [300.0, 200.0, 0.0],
            "employees": [30, 20, 0],
            "growth_pct": [5.0, -2.0, float("nan")],
            "demand": [100.0, 150.0, 10.0],
            "local_supply": [40.0, 100.0, 0.0],
            "leakage": [60.0, 50.0, 10.0],
            "local_share": [0.4, 2 / 3, float("nan")],
            "exports": [0.0, 400.0, 0.0],
            "local_final_demand": [0.0, 25.0, 0.0],
            "local_buyers": [1, 1, 1],
            "leakage_distance_km": [300.0, 1300.0, 400.0],
            "leakage_distance_estimated_share": [0.0, 0.25, 1.0],
            "downstream_gap": [0.0, 0.0, 0.0],
            "gaps": [("upstream",), ("upstream", "downstream"), ()],
            "concentration": [0.6, 1.0, float("nan")],
            "concentrated": [True, True, False],
            "projects": [(), ("煅烧扩能项目",), ()],
            "score": [0.25, 0.75, 0.125],
        }
    )


def pairs_frame() -> pd.DataFrame:
    """A pairs frame (docs/architecture.md) of one suggestion."""
    return pd.DataFrame(
        {
            "supplier": ["本地纸箱厂"],
            "buyer": ["丁电极"],
            "segment": ["包装"],
            "buyer_segment": ["电极"],
            "value_from_outside": [10.0],
            "outside_suppliers": [(OutsideSupplier("外地纸箱厂", "湖北十堰", 10.0),)],
            "supplier_output": [50.0],
            "score": [0.7],
            "reason": ["buys_outside_no_link"],
        }
    )


ABOUT: dict[str, object] = {
    "source": "汉阴样例.xlsx",
    "county": "汉阴县",
    "period": "2024Q1",
    **about_settings(AnalysisSettings()),
    "generated_at": dt.datetime(2024, 4, 1, 8, 30),
}


def read(data: bytes) -> dict[str, Worksheet]:
    book = load_workbook(io.BytesIO(data))
    return {name: book[name] for name in book.sheetnames}


def sheet_rows(sheet: Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def column(sheet: Worksheet, header: str) -> list[object]:
    rows = sheet_rows(sheet)
    i = rows[0].index(header)
    return [row[i] for row in rows[1:]]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def cells(data: bytes) -> list:
    return [c for sheet in read(data).values() for row in sheet.iter_rows() for c in row]


# neutralise


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_formula_like_text(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "value",
    ["碳素", "a=b", "", " =1", "'=1", "1-2", 0, -2, -2.5, 3.0, True, None, dt.date(2024, 1, 1)],
)
def test_neutralise_leaves_other_values_alone(value: object) -> None:
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)


def test_neutralise_leaves_nan_a_number() -> None:
    assert math.isnan(neutralise(float("nan")))  # type: ignore[arg-type]


# xlsx: injection


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xlsx_has_no_formula_and_keeps_payload_after_apostrophe(payload: str) -> None:
    frame = targets_frame(
        name=[payload, "乙", "丙"],
        partners=[(payload, "丁"), (), ()],
        reasons_zh=[(payload,), (), ()],
    )
    about = {**ABOUT, "source": payload, payload: "x"}
    data = to_xlsx([report_table("targets", frame)], about)

    assert all(c.data_type != "f" for c in cells(data))
    stored = "'" + payload.replace("\r", "\n")
    sheets = read(data)
    targets = sheets["招商目标"]
    assert column(targets, "企业名称")[0] == stored
    assert column(targets, "本地合作企业")[0] == stored + "、丁"
    assert column(targets, "推荐理由")[0] == stored
    about_rows = dict(sheet_rows(sheets["说明"])[1:])
    assert about_rows["数据来源"] == stored
    assert about_rows[stored] == "x"


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "#REF!", "TRUE", "1e5", "00123"])
def test_xlsx_keeps_error_and_number_lookalikes_as_text(text: str) -> None:
    data = to_xlsx([report_table("targets", targets_frame(name=[text, "乙", "丙"]))], {})
    cell = read(data)["招商目标"][f"{letter('name')}2"]
    assert (cell.value, cell.data_type) == (text, "s")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("\x01=1+1", "'=1+1"), ("甲\x00乙\x1f", "甲乙"), ("a\r\nb\rc", "a\nb\nc"), ("\x0b\r=1", "'\n=1")],
)
def test_xlsx_drops_control_characters_before_neutralising(raw: str, stored: str) -> None:
    data = to_xlsx([report_table("targets", targets_frame(name=[raw, "乙", "丙"]))], {})
    assert read(data)["招商目标"][f"{letter('name')}2"].value == stored
    rows = read_csv(to_csv(report_table("targets", targets_frame(name=[raw, "乙", "丙"]))))
    assert rows[1][TARGET_EXPORT.index("name")] == stored


XML_TEXT = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs",), exclude_characters=[chr(i) for i in range(32) if chr(i) not in "\t\n"]
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(XML_TEXT, min_size=1, max_size=12))
def test_xlsx_text_round_trips_as_text(texts: list[str]) -> None:
    frame = targets_frame().iloc[[0] * len(texts)].assign(region=texts)
    data = to_xlsx([report_table("targets", frame)], {"source": texts[0]})
    back = read(data)["招商目标"]
    for text, cell in zip(texts, back[letter("region")][1:], strict=True):
        if text == "":
            assert cell.value is None
        else:
            assert cell.data_type == "s"
            assert cell.value in (text, "'" + text)
            assert not str(cell.value).startswith(
                ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
            )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=8))
def test_xlsx_never_writes_a_formula_for_any_text(texts: list[str]) -> None:
    frame = targets_frame().iloc[[0] * len(texts)].assign(name=texts, reasons_zh=[tuple(texts)] * len(texts))
    data = to_xlsx([report_table("targets", frame)], dict.fromkeys(texts, texts[0]))
    assert all(c.data_type in ("s", "n") for c in cells(data))


# xlsx: headers, values, formats, layout


@pytest.mark.parametrize(
    ("key", "frame", "lang", "title"),
    [
        ("targets", targets_frame(), "zh", "招商目标"),
        ("targets", targets_frame(), "en", "Targets"),
        ("segments", segments_frame(), "zh", "环节分析"),
        ("segments", segments_frame(), "en", "Segments"),
        ("pairs", pairs_frame(), "zh", "本地配套"),
        ("pairs", pairs_frame(), "en", "Local pairing"),
    ],
)
def test_xlsx_headers_are_report_labels_in_the_language(
    key: str, frame: pd.DataFrame, lang: str, title: str
) -> None:
    table = report_table(key, frame)  # type: ignore[arg-type]
    sheets = read(to_xlsx([table], ABOUT, lang=lang))
    assert list(sheets) == [{"zh": "说明", "en": "About"}[lang], title]
    header = sheet_rows(sheets[title])[0]
    assert header == [columns.header(k, lang) for k in table.columns]
    assert all(sheets[title].cell(1, i + 1).font.bold for i in range(len(header)))


def test_xlsx_defaults_to_chinese() -> None:
    sheets = read(to_xlsx([report_table("targets", targets_frame())], ABOUT))
    assert list(sheets) == ["说明", "招商目标"]
    # Rank first, then company and region, as on screen.
    assert sheet_rows(sheets["招商目标"])[0][:3] == ["排名", "企业名称", "所在地"]


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        ("zh", "年交易额(万元)", [1234.5, 0, -12.25]),
        ("zh", "本地合作企业数", [2, 0, 1]),
        ("zh", "运输距离(公里)", [1300, None, 400]),
        ("zh", "优先级得分", [0.8125, 0, 0.5]),
        ("zh", "缺口类型", ["补链(上游缺口)", "延链(下游缺口)", "补链(上游缺口)"]),
        ("en", "Gap kind", ["upstream gap", "downstream gap", "upstream gap"]),
        ("zh", "本地合作企业", ["乙碳素、丁电极", None, "丁电极"]),
        ("en", "Local partner names", ["乙碳素; 丁电极", None, "丁电极"]),
        ("zh", "已有招商项目", ["是", "否", "否"]),
        ("en", "Project under way", ["yes", "no", "no"]),
        # One reason a line, in a cell that wraps.
        ("zh", "推荐理由", ["向本县供货额高\n服务2家本地企业", None, "距离远"]),
        ("en", "Reasons", ["sells a lot into the county\nserves 2 local firms", None, "far away"]),
        ("zh", "交易额得分", [0.5, 0, 0.25]),
        ("en", "Reach score", [0.25, 0, 0.125]),
        ("zh", "排名", [1, 2, 3]),
        ("zh", "联系人", [None, None, None]),
        ("en", "Next follow-up", [None, None, None]),
    ],
)
def test_xlsx_target_values(lang: str, header: str, expected: list[object]) -> None:
    sheets = read(to_xlsx([report_table("targets", targets_frame())], ABOUT, lang=lang))
    assert column(sheets[{"zh": "招商目标", "en": "Targets"}[lang]], header) == expected


@pytest.mark.parametrize(
    ("lang", "key", "expected"),
    [
        ("zh", "status", ["强链", "弱链", "缺链"]),
        ("en", "status", ["strong", "weak", "missing"]),
        # The blank stage is named, as on screen.
        ("zh", "stage", ["上游", "中游", "未填"]),
        ("zh", "reason", ["两家以上企业", "本地配套率低于50%", "无本地企业"]),
        ("en", "reason", ["two or more firms", "local share below 50%", "no local firm"]),
        ("zh", "gaps", ["补链(上游缺口)", "补链(上游缺口)、延链(下游缺口)", None]),
        ("en", "gaps", ["upstream gap", "upstream gap; downstream gap", None]),
        ("zh", "growth_pct", [5, -2, None]),
        ("zh", "local_share", [0.4, 2 / 3, None]),
        ("zh", "concentrated", ["是", "是", "否"]),
        ("zh", "projects", [None, "煅烧扩能项目", None]),
    ],
)
def test_xlsx_segment_values(lang: str, key: str, expected: list[object]) -> None:
    sheets = read(to_xlsx([report_table("segments", segments_frame())], ABOUT, lang=lang))
    sheet = sheets[{"zh": "环节分析", "en": "Segments"}[lang]]
    assert column(sheet, columns.header(key, lang)) == expected


def test_xlsx_numbers_are_numeric_cells() -> None:
    sheet = read(to_xlsx([report_table("targets", targets_frame())], ABOUT))["招商目标"]
    values = [sheet.cell(r, TARGET_EXPORT.index("value") + 1) for r in (2, 3, 4)]
    assert [(c.value, c.data_type) for c in values] == [(1234.5, "n"), (0, "n"), (-12.25, "n")]
    assert isinstance(sheet.cell(2, TARGET_EXPORT.index("local_partners") + 1).value, int)


@pytest.mark.parametrize(
    ("key", "frame"),
    [("targets", targets_frame()), ("segments", segments_frame()), ("pairs", pairs_frame())],
)
def test_xlsx_number_formats_follow_the_column(key: str, frame: pd.DataFrame) -> None:
    table = report_table(key, frame)  # type: ignore[arg-type]
    sheet = read(to_xlsx([table], ABOUT))[table.title_zh]
    checked = 0
    for i, k in enumerate(table.columns, 1):
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, i)
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                # An estimated distance (a share above 0 in the frame) shows ≈ before the same format.
                share = columns.ESTIMATED_SHARE.get(k)
                approx = share in frame.columns and frame[share].fillna(0).iloc[row - 2] > 0
                expected = NUMBER_FORMATS.get(k, "General")
                assert cell.number_format == (f'"≈"{expected}' if approx else expected), k
                checked += 1
    assert checked >= len(frame)


@pytest.mark.parametrize(("key", "fmt"), [("value", "#,##0.0"), ("local_share", "0.0%"), ("score", "0.000")])
def test_number_formats_named_in_the_brief(key: str, fmt: str) -> None:
    assert NUMBER_FORMATS[key] == fmt


def test_xlsx_freezes_header_and_filters_used_range() -> None:
    sheets = read(to_xlsx([report_table("targets", targets_frame())], ABOUT))
    sheet = sheets["招商目标"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{letter(TARGET_EXPORT[-1])}{len(targets_frame()) + 1}"


def test_xlsx_empty_frame_still_has_header_and_filter() -> None:
    empty = targets_frame().iloc[0:0]
    sheet = read(to_xlsx([report_table("targets", empty)], {}))["招商目标"]
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == f"A1:{letter(TARGET_EXPORT[-1])}1"


def test_xlsx_column_widths_count_chinese_double_and_are_capped() -> None:
    frame = targets_frame(name=["甲" * 10, "乙", "丙"], region=["x" * 200, "y", "z"])
    sheets = read(to_xlsx([report_table("targets", frame)], {"source": "x" * 200, "county": "甲" * 20}))
    sheet = sheets["招商目标"]
    # The file stores a width in characters plus Excel's cell padding (5 px of a 7 px digit), as Excel does.
    assert width(sheet, "name") == 22
    # On a data sheet a long text wraps at the text width; on the About sheet the cap is 60.
    assert width(sheet, "region") == 24
    assert sheet[f"{letter('region')}2"].alignment.wrap_text
    assert int(sheets["说明"].column_dimensions["B"].width) == 60


def test_about_sheet_comes_first_with_the_passed_values() -> None:
    sheets = read(to_xlsx([report_table("targets", targets_frame())], ABOUT))
    about = sheets["说明"]
    rows = sheet_rows(about)
    assert rows[0] == ["项目", "值"]
    values = dict(rows[1:])
    assert values["数据来源"] == "汉阴样例.xlsx"
    assert values["县名"] == "汉阴县"
    assert values["报告期"] == "2024Q1"
    assert values["弱链阈值(本地配套率低于)"] == "50%"  # a threshold reads as a percentage
    assert values["招商目标得分权重：交易额"] == 0.5
    assert values["生成时间"] == dt.datetime(2024, 4, 1, 8, 30)
    assert len(rows) == len(ABOUT) + 1


def test_about_sheet_in_english_and_unknown_keys_shown_as_they_are() -> None:
    about = {"county": "Hanyin", "extra_note": ("a", "b"), "sample": True}
    rows = sheet_rows(read(to_xlsx([], about, lang="en"))["About"])
    assert rows == [["Item", "Value"], ["County", "Hanyin"], ["extra_note", "a; b"], ["sample", "yes"]]


def test_aware_times_keep_their_offset_as_text() -> None:
    aware = dt.datetime(2024, 4, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    data = to_xlsx([], {"generated_at": aware})
    assert dict(sheet_rows(read(data)["说明"])[1:])["生成时间"] == "2024-04-01 08:30:00+08:00"
    assert load_workbook(io.BytesIO(data)).properties.modified == dt.datetime(2024, 4, 1, 0, 30)


def test_xlsx_several_tables_keep_their_order() -> None:
    tables = [
        report_table("segments", segments_frame()),
        report_table("targets", targets_frame()),
        report_table("pairs", pairs_frame()),
    ]
    assert list(read(to_xlsx(tables, ABOUT))) == ["说明", "环节分析", "招商目标", "本地配套"]
    assert list(read(to_xlsx(tables, ABOUT, lang="en"))) == ["About", "Segments", "Targets", "Local pairing"]


@pytest.mark.parametrize("about", [ABOUT, {}, {"county": "汉阴县"}])
def test_xlsx_bytes_are_deterministic(about: dict[str, object]) -> None:
    tables = [report_table("segments", segments_frame()), report_table("targets", targets_frame())]
    first = to_xlsx(tables, about)
    assert to_xlsx(tables, dict(about)) == first
    properties = load_workbook(io.BytesIO(first)).properties
    expected = about.get("generated_at", dt.datetime(2000, 1, 1))
    assert properties.created == properties.modified == expected


def test_exports_do_not_mutate_the_frame() -> None:
    frame = targets_frame(name=["=1+1", "乙", "丙"])
    before = frame.copy(deep=True)
    table = report_table("targets", frame)
    to_xlsx([table], ABOUT)
    to_csv(table)
    pd.testing.assert_frame_equal(frame, before)


# csv


def test_csv_has_bom_chinese_headers_and_parses_with_pandas() -> None:
    data = to_csv(report_table("targets", targets_frame()))
    assert data.startswith(BOM)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == [columns.header(k) for k in TARGET_EXPORT]
    assert back["缺口类型"].tolist() == ["补链(上游缺口)", "延链(下游缺口)", "补链(上游缺口)"]
    assert back["本地合作企业"].tolist() == ["乙碳素、丁电极", "", "丁电极"]
    assert back["已有招商项目"].tolist() == ["是", "否", "否"]
    # Rounded as the workbook shows them: a distance in whole kilometres, a score to three decimals.
    assert back["运输距离(公里)"].tolist() == ["1300", "", "400"]
    assert back["优先级得分"].tolist() == ["0.813", "0.0", "0.5"]


def test_csv_words_the_reasons_in_its_language() -> None:
    rows = read_csv(to_csv(report_table("pairs", pairs_frame()), lang="en"))
    assert rows[0] == [columns.header(k, "en") for k in PAIR_COLUMNS]
    assert rows[1][-1] == (
        "丁电极 buys 100 k yuan of 包装 from outside; "
        "本地纸箱厂 makes 包装 locally (output 500 k yuan) and does not supply it yet"
    )
    assert rows[1][PAIR_COLUMNS.index("outside_suppliers")] == "外地纸箱厂(湖北十堰) 100 k yuan"
    rows = read_csv(to_csv(report_table("pairs", pairs_frame()), lang="zh"))
    assert rows[1][PAIR_COLUMNS.index("outside_suppliers")] == "外地纸箱厂(湖北十堰) 10 万元"
    assert rows[1][-1].startswith("丁电极现从外地采购包装产品 10 万元；")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_neutralises_payloads(payload: str) -> None:
    frame = targets_frame(name=[payload, "乙", "丙"], partners=[(payload,), (), ()])
    rows = read_csv(to_csv(report_table("targets", frame)))
    stored = "'" + payload.replace("\r", "\n")
    assert rows[1][TARGET_EXPORT.index("name")] == stored
    assert rows[1][TARGET_EXPORT.index("partners")] == stored
    text_fields = [field for row in rows for field in row if field != "-12.3"]
    assert all(not field.startswith(tuple("=+-@\t\r\n＝＋－＠")) for field in text_fields)


def test_csv_numbers_are_plain_unquoted_numbers() -> None:
    text = to_csv(report_table("targets", targets_frame()))[len(BOM) :].decode("utf-8")
    lines = text.split("\r\n")
    # -12.25 shown to one decimal as the workbook shows it, rounded half away from zero.
    assert ",-12.3," in lines[3]
    assert '"-12.3"' not in text
    assert "'-12.3" not in text
    where = TARGET_EXPORT.index("value")
    assert lines[2].split(",")[where : where + 2] == ["0.0", "0"]
    assert text.endswith("\r\n")


# table definitions and vocabulary


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title_zh": "a" * 32}, "sheet name"),
        ({"title_en": "a/b"}, "sheet name"),
        ({"title_en": "'quoted'"}, "sheet name"),
        ({"title_en": ""}, "sheet name"),
        ({"title_en": "History"}, "reserved"),
        ({"columns": ("name", "nope")}, "nope"),
        ({"columns": ()}, "no columns"),
    ],
)
def test_export_table_refuses_what_excel_cannot_hold(kwargs: dict[str, object], message: str) -> None:
    fields = {
        "key": "targets",
        "title_zh": "招商目标",
        "title_en": "targets",
        "frame": targets_frame(),
        "columns": TARGET_COLUMNS,
    }
    with pytest.raises(ValueError, match=message):
        ExportTable(**{**fields, **kwargs})  # type: ignore[arg-type]


def test_sheet_names_must_differ_from_each_other_and_the_about_sheet() -> None:
    clash = ExportTable("x", "说明", "notes", targets_frame(), ("name",))
    with pytest.raises(ValueError, match="differ"):
        to_xlsx([clash], {})
    twice = report_table("targets", targets_frame())
    with pytest.raises(ValueError, match="differ"):
        to_xlsx([twice, twice], {})


@pytest.mark.parametrize("export", [lambda t: to_xlsx([t], {}, lang="fr"), lambda t: to_csv(t, lang="fr")])
def test_unknown_language_is_refused(export) -> None:
    with pytest.raises(ValueError, match="lang"):
        export(report_table("targets", targets_frame()))


def test_every_export_column_and_format_key_has_a_label() -> None:
    for key in {*SEGMENT_COLUMNS, *TARGET_COLUMNS, *PAIR_COLUMNS, *NUMBER_FORMATS}:
        assert key in columns.CATALOGUE, key


def test_every_setting_has_an_about_label() -> None:
    rows = about_settings(AnalysisSettings())
    assert set(rows) <= set(ABOUT_KEYS), set(rows) - set(ABOUT_KEYS)
    n_weights = len(dataclasses.fields(AnalysisSettings().target_weights)) + len(
        dataclasses.fields(AnalysisSettings().pair_weights)
    )
    assert len(rows) == len(dataclasses.fields(AnalysisSettings())) - 2 + n_weights


def test_export_table_is_usable_as_a_value_but_not_compared_by_frame() -> None:
    table = report_table("targets", targets_frame())
    assert table == table
    assert {table: 1}[table] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.key = "other"  # type: ignore[misc]


def test_about_names_each_row_left_out_in_the_export_language() -> None:
    from chain.export import about_excluded
    from chain.problems import problem

    excluded = [
        problem("not_a_number", "企业", 4, "产值(万元)", "约500"),
        problem("negative", "企业", 4, "用工人数", "-3"),
        problem("not_a_number", "=供需关系", 12, "年交易额(万元)", "=1+1"),
    ]
    assert about_excluded([], "zh") == {}
    for lang, label, place, joiner in (
        ("zh", "未纳入分析的行", "企业 第4行", "；"),
        ("en", "Rows left out", "企业 row 4", "; "),
    ):
        about = {"source": "county.xlsx", **about_excluded(excluded, lang)}
        book = read(to_xlsx([report_table("targets", targets_frame())], about, lang))
        rows = sheet_rows(next(iter(book.values())))  # the About sheet comes first
        items = {row[0]: row[1] for row in rows[1:]}
        assert items[label] == 2
        colon = "：" if lang == "zh" else ": "
        assert items[place] == joiner.join(f"{p.column}{colon}{p.message(lang)}" for p in excluded[:2])
        # A sheet name and a value from the workbook are data in the About sheet too, never a formula.
        other = next(key for key in items if str(key).startswith("'=供需关系"))
        assert "12" in other and str(items[other]).startswith("年交易额(万元)")


# the targets list on paper (#18)


def test_targets_sheet_prints_landscape_one_page_wide_with_the_header_on_every_page() -> None:
    about = {**ABOUT, "county": "汉阴县", "period": "2024Q1"}
    sheet = read(to_xlsx([report_table("targets", targets_frame())], about))["招商目标"]
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.paperSize == 9  # A4
    # One page wide (Excel's default width of 1 is left out of the file), as many pages long as it takes.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1)
    assert setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddHeader.left.text == "汉阴县 · 2024Q1"
    assert sheet.oddHeader.center.text == "招商目标"
    assert sheet.oddFooter.center.text == "&P / &N"


def test_targets_sheet_reads_rank_company_region_and_ends_with_the_teams_columns() -> None:
    for lang, title, first, team in [
        ("zh", "招商目标", ["排名", "企业名称", "所在地"], ["联系人", "负责人", "跟进状态", "下次跟进"]),
        (
            "en",
            "Targets",
            ["Rank", "Company", "Region"],
            ["Contact", "Owner", "Follow-up status", "Next follow-up"],
        ),
    ]:
        rows = sheet_rows(read(to_xlsx([report_table("targets", targets_frame())], ABOUT, lang))[title])
        assert rows[0][:3] == first
        assert rows[0][-4:] == team
        assert all(row[-4:] == [None] * 4 for row in rows[1:])
        # The score's parts stand right after it.
        score = rows[0].index(columns.header("score", lang))
        assert rows[0][score + 1 : score + 5] == [
            columns.header(k, lang) for k in ("score_value", "score_partners", "score_distance", "score_gap")
        ]


def test_targets_sheet_wraps_reasons_and_lists_in_columns_that_fit() -> None:
    long_reasons = tuple(f"第{i}条理由：已向本县供货 1,234 万元，居本环节外地供应商第1位" for i in range(4))
    frame = targets_frame(reasons_zh=[long_reasons, (), ("距离远",)], partners=[("甲" * 40,), (), ()])
    sheet = read(to_xlsx([report_table("targets", frame)], ABOUT))["招商目标"]
    reasons, partners = letter("reasons"), letter("partners")
    assert sheet[f"{reasons}2"].value == "\n".join(long_reasons)
    assert sheet[f"{reasons}2"].alignment.wrap_text
    assert sheet[f"{partners}2"].alignment.wrap_text
    # Sentences and lists wrap at a width that leaves the rest of the sheet room on the page.
    assert width(sheet, "reasons") == 40
    assert width(sheet, "partners") == 22
    assert width(sheet, "contact") == 12
    # A long header over short numbers wraps instead of widening its column: 本地合作企业数 over 2, 0, 1.
    assert width(sheet, "local_partners") == 10
    assert sheet[f"{letter('local_partners')}1"].alignment.wrap_text


def test_text_over_an_excel_cell_is_cut_saying_so_never_silently() -> None:
    from chain.export import CELL_LIMIT, CellCutWarning

    huge = "甲" * (CELL_LIMIT + 10)
    frame = targets_frame(name=[huge, "乙", "丙"])
    with pytest.warns(CellCutWarning, match=r"'招商目标'!B2"):
        data = to_xlsx([report_table("targets", frame)], ABOUT)
    sheets = read(data)
    cell = sheets["招商目标"][f"{letter('name')}2"].value
    assert len(cell) == CELL_LIMIT
    assert cell.startswith("甲" * 100)
    assert cell.endswith("CSV 导出有全文）")
    assert dict(sheet_rows(sheets["说明"])[1:])["超长被截断的单元格"] == "'招商目标'!B2"
    # The CSV has no such limit and keeps the text whole.
    rows = read_csv(to_csv(report_table("targets", frame)))
    assert rows[1][TARGET_EXPORT.index("name")] == huge


def test_text_that_fits_an_excel_cell_exactly_is_kept_without_a_warning() -> None:
    import warnings

    from chain.export import CELL_LIMIT

    exact = "a" * CELL_LIMIT
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = to_xlsx([report_table("targets", targets_frame(name=[exact, "乙", "丙"]))], ABOUT)
    assert read(data)["招商目标"][f"{letter('name')}2"].value == exact
    assert "超长被截断的单元格" not in dict(sheet_rows(read(data)["说明"])[1:])


def test_csv_joins_a_rows_reasons_as_sentences_on_one_line() -> None:
    # A reason holds commas of its own (，): Chinese separates reasons with ；, not the 、 of a list.
    for lang, expected in (
        ("zh", "向本县供货额高；服务2家本地企业"),
        ("en", "sells a lot into the county; serves 2 local firms"),
    ):
        rows = read_csv(to_csv(report_table("targets", targets_frame()), lang))
        assert rows[1][TARGET_EXPORT.index("reasons")] == expected
        assert rows[1][TARGET_EXPORT.index("score_value")] == "0.5"

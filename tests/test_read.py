"""Workbooks as county offices really keep them: each is the bundled sample with one habit, built in code.

Each case asserts the located warning that says how the habit was read, and that the analysis (segments,
targets, pairs) equals the clean sample's; habits that can't be read without guessing are refused with a
located message that says what to fix. No case may be accepted with different numbers and no warning.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl import load_workbook as open_book

from chain.gaps import analyze
from chain.load import load_workbook
from chain.model import ChainData, LoadResult
from chain.pairing import local_pairs
from chain.problems import Problem
from chain.targets import recruiting_targets

# Every test runs on both of the loader's readers (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("both_readers")

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.xlsx"
Sheets = dict[str, list[list[Any]]]
Hook = Callable[[Workbook], None]


@cache
def _sample_sheets() -> Sheets:
    book = open_book(SAMPLE)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def sample() -> Sheets:
    return copy.deepcopy(_sample_sheets())


def build(sheets: Sheets, hook: Hook | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if hook is not None:
        hook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column(sheets: Sheets, sheet: str, header: str, header_row: int = 1) -> int:
    return sheets[sheet][header_row - 1].index(header)


def analysis(data: ChainData) -> dict[str, pd.DataFrame]:
    report = analyze(data)
    return {
        "segments": report.segments.reset_index(drop=True),
        "targets": recruiting_targets(data, report).reset_index(drop=True),
        "pairs": local_pairs(data, report).reset_index(drop=True),
    }


@cache
def clean() -> dict[str, pd.DataFrame]:
    result = load_workbook(build(sample()))
    assert result.ok, result.errors
    return analysis(result.data)


def assert_same_analysis(result: LoadResult, renamed: dict[str, str] | None = None) -> None:
    """The analysis equals the clean sample's; ``renamed`` maps names the habit changed to the clean ones."""
    assert result.ok, [p.to_dict("en") for p in result.errors]
    for name, frame in analysis(result.data).items():
        if renamed:
            frame = frame.map(lambda v: _renamed(v, renamed))
        pd.testing.assert_frame_equal(frame, clean()[name], check_exact=False, rtol=1e-9, obj=name)


def _renamed(value: Any, renamed: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in renamed.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, tuple):
        changed = tuple(_renamed(v, renamed) for v in value)
        return tuple(sorted(changed)) if changed != value else value
    return value


def located(problems: tuple[Problem, ...], code: str) -> list[tuple[str, int | None, str | None]]:
    return [(p.sheet, p.row, p.column) for p in problems if p.code == code]


# The habits. Each returns the workbook's bytes.


def title_row() -> bytes:
    sheets = sample()
    sheets["企业"].insert(0, ["汉阴县新材料产业链重点企业名单（2023年1-9月）"])
    return build(sheets, lambda book: book["企业"].merge_cells("A1:K1"))


def units_row() -> bytes:
    sheets = sample()
    rows = sheets["企业"]
    out = column(sheets, "企业", "产值(万元)")
    rows[0][out] = "产值"
    for row in rows[1:]:
        row[out] = row[out] / 10000
    units = [""] * len(rows[0])
    units[out], units[column(sheets, "企业", "用工人数")] = "（亿元）", "人"
    rows.insert(1, units)
    return build(sheets)


def merged_group_cells() -> bytes:
    # Links are grouped by supplier: the supplier is written once and merged down over its rows.
    sheets = sample()
    rows = sheets["供需关系"]
    rows[1:] = sorted(rows[1:], key=lambda row: row[0])
    runs: list[tuple[int, int]] = []
    start = 1
    for index in range(2, len(rows) + 1):
        if index == len(rows) or rows[index][0] != rows[start][0]:
            if index - start > 1:
                runs.append((start, index - 1))
            start = index
    for first, last in runs:
        for index in range(first + 1, last + 1):
            rows[index][0] = None

    def merge(book: Workbook) -> None:
        for first, last in runs:
            book["供需关系"].merge_cells(f"A{first + 1}:A{last + 1}")

    assert runs, "the sample has suppliers on consecutive rows"
    return build(sheets, merge)


def total_row() -> bytes:
    sheets = sample()
    rows = sheets["企业"]
    out, jobs = column(sheets, "企业", "产值(万元)"), column(sheets, "企业", "用工人数")
    total = [""] * len(rows[0])
    total[0], total[out], total[jobs] = "合 计", sum(r[out] for r in rows[1:]), sum(r[jobs] for r in rows[1:])
    rows.append(total)
    return build(sheets)


def hidden_rows() -> bytes:
    def hide(book: Workbook) -> None:
        book["企业"].row_dimensions[5].hidden = True
        book["企业"].row_dimensions[6].hidden = True

    return build(sample(), hide)


def header_units_and_synonyms() -> bytes:
    sheets = sample()
    firms, links = sheets["企业"], sheets["供需关系"]
    out = column(sheets, "企业", "产值(万元)")
    firms[0][out] = "产值\n（亿元）"
    for row in firms[1:]:
        row[out] = row[out] / 10000
    firms[0][column(sheets, "企业", "用工人数")] = "从业人员（人）"
    firms[0][column(sheets, "企业", "同比增长(%)")] = "同比增长率（%）"
    links[0][column(sheets, "供需关系", "运输距离(km)")] = "运输距离（千米）"
    links[0][column(sheets, "供需关系", "年交易额(万元)")] = "年交易额【万元】"
    return build(sheets)


def sheet_names() -> bytes:
    sheets = sample()
    renamed = {"企业": "企业名单", "供需关系": "供需关系表", "产业链图谱": "1.产业链图谱"}
    return build({renamed.get(title, title): rows for title, rows in sheets.items()})


def numbers_as_text() -> bytes:
    sheets = sample()
    out = column(sheets, "企业", "产值(万元)")
    for row in sheets["企业"][1:4]:
        row[out] = f"{row[out]:,}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return build(sheets)


def units_in_cells() -> bytes:
    sheets = sample()
    out, jobs = column(sheets, "企业", "产值(万元)"), column(sheets, "企业", "用工人数")
    for row in sheets["企业"][1:4]:
        row[out], row[jobs] = f"{row[out]}万元", f"{row[jobs]}人"
    row = sheets["企业"][4]
    row[out] = f"{row[out] / 10000}亿元"
    return build(sheets)


def placeholders() -> bytes:
    sheets = sample()
    region = column(sheets, "供需关系", "供应方所在地")
    for row in sheets["供需关系"][1:]:
        if row[region] is None:
            row[region] = "—"
    segment = column(sheets, "供需关系", "采购方环节")
    for row in sheets["供需关系"][1:]:
        if row[segment] is None:
            row[segment] = "/"
    return build(sheets)


def scale_words_and_ticks() -> bytes:
    sheets = sample()
    flag = column(sheets, "企业", "规上企业")
    for row in sheets["企业"][1:]:
        row[flag] = {"是": "规上", "否": "规下"}[row[flag]]
    sheets["企业"][2][flag] = "✓"
    return build(sheets)


def serial_dates() -> bytes:
    sheets = sample()
    raised = column(sheets, "诉求", "提出日期")
    for row in sheets["诉求"][1:]:
        row[raised] = float((row[raised].date() - dt.date(1899, 12, 30)).days)
    return build(sheets)


def text_dates() -> bytes:
    sheets = sample()
    raised, due = column(sheets, "诉求", "提出日期"), column(sheets, "诉求", "办结时限")
    for row in sheets["诉求"][1:]:
        day = row[raised]
        row[raised] = f"{day.year}.{day.month}.{day.day}"
        row[due] = f"{row[due].year}年{row[due].month}月{row[due].day}日"
    return build(sheets)


def percent_cells() -> bytes:
    sheets = sample()
    growth = column(sheets, "企业", "同比增长(%)")
    for row in sheets["企业"][1:]:
        if isinstance(row[growth], int | float):
            row[growth] = round(row[growth] / 100, 6)

    def as_percent(book: Workbook) -> None:
        for cells in book["企业"].iter_rows(min_row=2, min_col=growth + 1, max_col=growth + 1):
            cells[0].number_format = "0.0%"

    return build(sheets, as_percent)


def invisible_characters_and_bracket_widths() -> bytes:
    sheets = sample()
    names = [row[0] for row in sheets["企业"][1:]]
    links = sheets["供需关系"]
    grouped = next(n for n in names if n.startswith("汉阴县") and all(n not in r[:2] for r in links[1:40]))
    for row in links[1:40]:
        if row[0] in names:
            row[0] = "\u200b" + row[0] + "\ufeff"
        if row[1] in names:
            row[1] = row[1].replace("有限", "有\u00a0限") + " \u200b"
    # 企业 writes the group in full-width brackets, 供需关系 and 诉求 in half-width ones.
    sheets["企业"][names.index(grouped) + 1][0] = grouped.replace("汉阴县", "汉阴县（集团）")
    for row in [*links[1:], *sheets["诉求"][1:]]:
        for index in (0, 1):
            if row[index] == grouped:
                row[index] = grouped.replace("汉阴县", "汉阴县(集团)")
    return build(sheets)


def region_spellings() -> bytes:
    sheets = sample()
    region = column(sheets, "供需关系", "供应方所在地")
    rows = [row for row in sheets["供需关系"][1:] if row[region] == "陕西紫阳"]
    by_supplier: dict[str, list[list[Any]]] = {}
    for row in rows:
        by_supplier.setdefault(row[0], []).append(row)
    supplier_rows = max(by_supplier.values(), key=len)
    assert len(supplier_rows) >= 3
    for row, spelling in zip(supplier_rows, ["陕西紫阳", "陕西省紫阳县", "紫阳县"], strict=False):
        row[region] = spelling
    return build(sheets)


@dataclass(frozen=True)
class Habit:
    """A habit, the located warning that says how it was read (None: exact reading, nothing to say)."""

    make: Callable[[], bytes]
    code: str | None
    where: tuple[str, int | None, str | None] | None = None
    #: Names the habit writes differently in 企业 (shown as written there), mapped to the clean spelling.
    renamed: dict[str, str] | None = None


READ_THE_SAME = {
    "title row above the header": Habit(title_row, "title_rows", ("企业", 2, None)),
    "units row under the header": Habit(units_row, "units_row", ("企业", 2, None)),
    "merged group cells": Habit(merged_group_cells, "merged_cells", ("供需关系", 2, None)),
    "合计 row": Habit(total_row, "total_rows", ("企业", 63, None)),
    "hidden rows": Habit(hidden_rows, "hidden_rows", ("企业", 5, None)),
    "units and synonyms in headers": Habit(header_units_and_synonyms, None),
    "sheet names with more words": Habit(sheet_names, "sheet_read_as", ("企业名单", None, None)),
    "numbers as text, full width": Habit(numbers_as_text, None),
    "units typed in cells": Habit(units_in_cells, "unit_in_cell", ("企业", 2, "产值(万元)")),
    "placeholders in empty cells": Habit(placeholders, "placeholder", ("供需关系", 2, "供应方所在地")),
    "规上/规下 and ticks": Habit(scale_words_and_ticks, None),
    "Excel serial dates": Habit(serial_dates, "serial_date", ("诉求", 2, "提出日期")),
    "text dates": Habit(text_dates, None),
    "percent-formatted cells": Habit(percent_cells, "percent_format", ("企业", 2, "同比增长(%)")),
    "invisible characters and bracket widths in names": Habit(
        invisible_characters_and_bracket_widths, None, renamed={"汉阴县（集团）": "汉阴县"}
    ),
    "one place spelt three ways": Habit(region_spellings, "region_spellings", ("供需关系", None, None)),
}


@pytest.mark.parametrize("habit", list(READ_THE_SAME.values()), ids=list(READ_THE_SAME))
def test_each_habit_is_read_with_the_clean_numbers_and_said(habit: Habit) -> None:
    result = load_workbook(habit.make())
    assert_same_analysis(result, habit.renamed)
    if habit.code is not None:
        found = located(result.warnings, habit.code)
        assert found, [p.to_dict("en") for p in result.warnings]
        sheet, row, col = habit.where
        assert any(f[0] == sheet and (row is None or f[1] == row) and f[2] == col for f in found), found


def test_the_clean_sample_says_only_what_it_means() -> None:
    result = load_workbook(SAMPLE)
    assert result.ok
    assert sorted({p.code for p in result.warnings}) == ["county_parties", "cycle"]


def test_a_merged_range_names_its_cells() -> None:
    result = load_workbook(merged_group_cells())
    (warning,) = [p for p in result.warnings if p.code == "merged_cells"]
    assert "A2:A3, A4:A5" in warning.message_en


# Names: a local firm misspelt is an error with the suggestion, never an outside party.


def _misspell(replace: Callable[[str], str], region: str | None) -> tuple[bytes, str, int]:
    sheets = sample()
    links = sheets["供需关系"]
    target = "汉阴县金河煅烧有限公司"
    buyer_region = column(sheets, "供需关系", "采购方所在地")
    for number, row in enumerate(links[1:], start=2):
        if row[1] == target:
            row[1] = replace(target)
            row[buyer_region] = region
            return build(sheets), target, number
    raise AssertionError("the sample has no link to 汉阴县金河煅烧有限公司")


@pytest.mark.parametrize(
    ("replace", "region"),
    [
        (lambda n: n.replace("有限公司", ""), None),
        (lambda n: n.replace("汉阴县", ""), None),
        (lambda n: n.replace("汉阴县", "汉阴"), "陕西汉阴"),
        (lambda n: n.replace("金河", "金禾"), None),
    ],
    ids=[
        "有限公司 dropped",
        "county prefix dropped",
        "prefix shortened, region the county",
        "one character off",
    ],
)
def test_a_misspelt_local_firm_is_an_error_with_the_suggestion(replace: Callable[[str], str], region) -> None:
    data, target, row = _misspell(replace, region)
    result = load_workbook(data)
    assert not result.ok
    found = [p for p in result.errors if p.code == "similar_to_local"]
    assert [(p.sheet, p.row, p.column) for p in found] == [("供需关系", row, "采购方")]
    assert target in found[0].message_zh and "did you mean" in found[0].message_en.lower()
    # The advice is the name, not "fill in the region" (which would make it an outside party).
    assert not [p for p in result.errors if p.code == "region_missing" and p.row == row]


def test_a_like_name_in_another_region_is_a_real_outside_firm() -> None:
    data, _, _ = _misspell(lambda n: n.replace("有限公司", ""), "湖北十堰")
    result = load_workbook(data)
    assert result.ok and not located(result.warnings, "similar_to_local")


def test_the_sample_raises_no_name_suggestion() -> None:
    assert not located(load_workbook(SAMPLE).errors, "similar_to_local")


# Plausibility: warned, never changed.


def test_output_in_yuan_is_warned_per_firm_and_for_the_chain() -> None:
    sheets = sample()
    out = column(sheets, "企业", "产值(万元)")
    for row in sheets["企业"][1:3]:
        row[out] = row[out] * 10000
    result = load_workbook(build(sheets))
    assert result.ok
    assert located(result.warnings, "output_per_employee") == [
        ("企业", 2, "产值(万元)"),
        ("企业", 3, "产值(万元)"),
    ]
    assert located(result.warnings, "output_exceeds_county") == [("企业", None, "产值(万元)")]
    assert result.data.enterprises["output"].iloc[0] == sheets["企业"][1][out]
    # Amounts in the English messages are written as English writes them (m yuan), never "(10k yuan)".
    plausibility = [w for w in result.warnings if w.code in ("output_per_employee", "output_exceeds_county")]
    for warning in plausibility:
        assert "10k yuan" not in warning.message_en and " yuan" in warning.message_en
        assert "万元" in warning.message_zh


def test_one_outside_company_in_two_places_is_warned() -> None:
    sheets = sample()
    region = column(sheets, "供需关系", "供应方所在地")
    rows = [r for r in sheets["供需关系"][1:] if r[region] == "陕西紫阳"]
    supplier = rows[0][0]
    other = next(r for r in sheets["供需关系"][1:] if r[0] == supplier and r is not rows[0])
    other[region] = "湖北十堰"
    result = load_workbook(build(sheets))
    assert [p.value for p in result.warnings if p.code == "several_regions"] == [supplier]


def test_a_percent_column_of_fractions_is_warned() -> None:
    sheets = sample()
    growth = column(sheets, "企业", "同比增长(%)")
    for row in sheets["企业"][1:]:
        if isinstance(row[growth], int | float):
            row[growth] = row[growth] / 100
    result = load_workbook(build(sheets))
    assert result.ok
    assert located(result.warnings, "percent_fraction") == [("企业", 2, "同比增长(%)")]


# What can't be read without guessing is refused with the fix.


def test_a_unit_the_column_cannot_take_is_a_located_error() -> None:
    sheets = sample()
    sheets["企业"][0][column(sheets, "企业", "产值(万元)")] = "产值(美元)"
    result = load_workbook(build(sheets))
    assert located(result.errors, "bad_unit") == [("企业", 1, "产值(美元)")]


def test_a_missing_sheet_names_the_sheets_found_and_the_closest() -> None:
    sheets = sample()
    sheets["产业链图谱表格"] = sheets.pop("产业链图谱")
    sheets["产业链 图谱"] = sheets["产业链图谱表格"]
    sheets.pop("产业链图谱表格")
    sheets["链图"] = sheets.pop("产业链 图谱")
    result = load_workbook(build(sheets))
    (missing,) = [p for p in result.errors if p.code == "missing_sheet"]
    assert "链图" in missing.message_zh


def test_an_unknown_header_that_looks_like_a_column_asks_did_you_mean() -> None:
    sheets = sample()
    sheets["企业"][0][column(sheets, "企业", "包联代表")] = "包联代表人员"
    result = load_workbook(build(sheets))
    assert located(result.warnings, "unknown_header") == [("企业", 1, "包联代表人员")]


# Errors that need not block.


def test_errors_in_an_optional_sheet_skip_that_sheet_not_the_analysis() -> None:
    sheets = sample()
    status = column(sheets, "诉求", "状态")
    sheets["诉求"][2][status] = "搁置"
    sheets["诉求"][4][status] = "暂缓"
    result = load_workbook(build(sheets))
    assert result.ok and result.data.demands.empty
    assert located(result.warnings, "optional_sheet_skipped") == [("诉求", None, None)]
    assert located(result.warnings, "bad_choice") == [("诉求", 3, "状态"), ("诉求", 5, "状态")]


def test_rows_in_error_can_be_left_out_explicitly_and_are_named() -> None:
    sheets = sample()
    out = column(sheets, "企业", "产值(万元)")
    sheets["企业"][3][out] = "约500"
    data = build(sheets)
    refused = load_workbook(data)
    assert not refused.ok and refused.skippable_rows == (("企业", 4),)
    result = load_workbook(data, skip_error_rows=True)
    assert result.ok
    firm = sheets["企业"][3][0]
    assert firm not in set(result.data.enterprises["name"])
    assert result.data.excluded_rows[0] == ("企业", 4)
    # The firm's links are left out too, each saying why (not "fill in the region").
    link_rows = {n for n, r in enumerate(sheets["供需关系"][1:], start=2) if firm in (r[0], r[1])}
    cascaded = [p for p in result.data.excluded if p.sheet == "供需关系"]
    assert {p.row for p in cascaded} == link_rows
    assert {p.code for p in cascaded} == {"refers_to_left_out"}
    assert len(result.data.links) == len(sheets["供需关系"]) - 1 - len(link_rows)


def test_a_missing_column_cannot_be_left_out() -> None:
    sheets = sample()
    jobs = column(sheets, "企业", "用工人数")
    for row in sheets["企业"]:
        del row[jobs]
    result = load_workbook(build(sheets), skip_error_rows=True)
    assert not result.ok and result.skippable_rows == ()

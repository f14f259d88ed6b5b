"""Make the bundled sample workbooks and the blank template, byte-identically.

The sample is a county's new-materials chain (汉阴县, 2023年1-9月): its rows are data, one CSV per sheet in
``data/sample/`` (columns by schema key, see data/sample/README.md). The previous year's sample
(2022年1-9月, ``data/sample_2022.xlsx``) is derived from it by the rules of :func:`previous_rows`, with the
facts that differ in ``data/sample_2022/``. Workbooks are written by XlsxWriter through
:mod:`chain.xlsxfile`, so the same CSVs always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

# Run as `python data/make_data.py`, the repository root is not on the path; the schema lives there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain import xlsxfile
from chain.credit_code import make_credit_code
from chain.schema import (
    DEMANDS,
    ENTERPRISES,
    FALSE_WORDS,
    LINKS,
    LIST_SEPARATORS,
    PLACEHOLDERS,
    PROJECTS,
    SETTING_KEYS,
    SETTINGS,
    SHEETS,
    TEMPLATE,
    TOTAL_WORDS,
    TRUE_WORDS,
    UNITS,
    Column,
    Sheet,
)

__all__ = [
    "main",
    "previous_bytes",
    "previous_rows",
    "read_rows",
    "sample_bytes",
    "sample_rows",
    "template_bytes",
]

DATA_DIR = Path(__file__).resolve().parent
#: The sample's rows, one CSV per sheet named by the sheet's key.
SAMPLE_DIR = DATA_DIR / "sample"
#: What the previous year's sample does not derive from the sample: see :func:`previous_rows`.
PREVIOUS_DIR = DATA_DIR / "sample_2022"
#: The document time of each workbook (the zip entries carry XlsxWriter's fixed 1980 date).
FIXED_TIME = datetime(2023, 10, 8, 9, 0, 0)
PREVIOUS_TIME = datetime(2022, 10, 8, 9, 0, 0)
_AUTHOR = "data/make_data.py"
#: 汉阴县's administrative division code, in the example credit code.
HANYIN_DIVISION = "610921"
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


# The sample's data.


def read_rows(folder: Path, sheet: Sheet) -> list[dict[str, Any]]:
    """Rows of ``folder/<sheet key>.csv`` keyed by column key, typed by the schema: numbers as float,
    integers as int, dates as dates, an empty field as None, everything else as text. A 设置 value that
    is a plain decimal number is a number (the county's industrial output)."""
    path = folder / f"{sheet.key}.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        keys = [column.key for column in sheet.columns]
        if reader.fieldnames != keys:
            raise ValueError(f"{path}: the header must be {','.join(keys)}, not {reader.fieldnames}")
        rows = []
        for line, record in enumerate(reader, start=2):
            try:
                rows.append(
                    {column.key: _typed(sheet, column, record[column.key]) for column in sheet.columns}
                )
            except ValueError as error:
                raise ValueError(f"{path}, line {line}: {error}") from error
    return rows


def _typed(sheet: Sheet, column: Column, text: str) -> object:
    if text == "":
        return None
    if column.kind == "number" or (sheet is SETTINGS and column.key == "value" and _NUMBER.fullmatch(text)):
        return float(text)
    if column.kind == "integer":
        return int(text)
    if column.kind == "date":
        return date.fromisoformat(text)
    return text


def sample_rows() -> dict[Sheet, list[dict[str, Any]]]:
    """Rows of every sheet of the sample workbook, by sheet, with the schema's column keys."""
    return {sheet: read_rows(SAMPLE_DIR, sheet) for sheet in SHEETS}


def previous_rows() -> dict[Sheet, list[dict[str, Any]]]:
    """The same county and months of the previous year (2022年1-9月), derived from the sample:

    - firms listed in ``sample_2022/not_yet.csv`` did not operate yet: they and every link they are a
      party to are absent (the recruited electrode-paste and biomass-fuel plants, opened in 2023);
    - a firm's output is its 2023 output before its growth (``output / (1 + growth_pct / 100)``), its
      employees scale with it, and its growth is unknown (the sample has no 2021);
    - a local buyer's purchases scale with the buyer's output, sales to outside buyers with the
      supplier's; volumes with values; distances stay;
    - 设置, 招商项目 and 诉求 are the previous year's own, in ``sample_2022/``; the template is the same.
    """
    rows = sample_rows()
    absent = {row["name"] for row in _read_plain(PREVIOUS_DIR / "not_yet.csv")}
    factor: dict[str, float] = {}
    enterprises = []
    for row in rows[ENTERPRISES]:
        if row["name"] in absent:
            continue
        ratio = 1 / (1 + (row["growth_pct"] or 0.0) / 100)
        factor[row["name"]] = ratio
        enterprises.append(
            {
                **row,
                "output": round(row["output"] * ratio, 1),
                "employees": max(1, round(row["employees"] * ratio)),
                "growth_pct": None,
            }
        )
    missing = absent - {row["name"] for row in rows[ENTERPRISES]}
    if missing:
        raise ValueError(f"sample_2022/not_yet.csv names firms the sample does not list: {sorted(missing)}")
    links = []
    for row in rows[LINKS]:
        if row["supplier"] in absent or row["buyer"] in absent:
            continue
        ratio = factor.get(row["buyer"]) or factor[row["supplier"]]
        volume = row["volume"] * ratio
        links.append(
            {
                **row,
                "value": round(row["value"] * ratio, 1),
                "volume": round(volume, 1) if volume < 1000 else float(round(volume, -1)),
            }
        )
    return {
        ENTERPRISES: enterprises,
        LINKS: links,
        TEMPLATE: rows[TEMPLATE],
        SETTINGS: read_rows(PREVIOUS_DIR, SETTINGS),
        PROJECTS: read_rows(PREVIOUS_DIR, PROJECTS),
        DEMANDS: read_rows(PREVIOUS_DIR, DEMANDS),
    }


def _read_plain(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# Writing workbooks.

_HEADER_FILL = "#DDEBF7"
_EXAMPLE_FILL = "#FFF2CC"
_DATE_FORMAT = "yyyy-mm-dd"
#: Rows the dropdowns cover in a data sheet: far more than any county fills in, and still a small file.
_VALIDATED_ROWS = 2000
_KIND_TEXT = {
    "text": ("文本", "text"),
    "number": ("数字", "number"),
    "integer": ("整数", "whole number"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期，如 2024-03-31", "date, e.g. 2024-03-31"),
    "choice": ("从下拉列表选择", "pick from the list"),
    "list": ("多项，用、分隔", "several items"),
    "credit_code": ("统一社会信用代码", "unified social credit code"),
}
_SEGMENT_COLUMNS = {
    (ENTERPRISES.key, "segment"),
    (LINKS.key, "segment"),
    (LINKS.key, "buyer_segment"),
    (PROJECTS.key, "segment"),
}


def _describe(column: Column) -> tuple[str, str]:
    """What a user must know about a column, in zh and en, from the schema alone."""
    kind_zh, kind_en = _KIND_TEXT[column.kind]
    zh = ["必填" if column.required else "选填", kind_zh]
    en = ["required" if column.required else "optional", kind_en]
    if column.money:
        zh.append("单位万元")
        en.append("in 10k yuan (万元)")
    elif column.unit is not None:
        units = "/".join(u for u in UNITS[column.unit] if not u.isascii() or column.unit != "money")
        zh.append(f"表头可注明单位：{units}")
        en.append(f"the header may name its unit: {units}")
    if column.minimum is not None:
        zh.append(f"不小于{column.minimum:g}")
        en.append(f">= {column.minimum:g}")
    if column.aliases:
        zh.append("也可写作：" + "、".join(column.aliases))
        en.append("also accepted: " + ", ".join(column.aliases))
    if column.choices:
        zh.append("可选：" + "/".join(choice.zh for choice in column.choices))
        en.append("allowed: " + "/".join(choice.en for choice in column.choices))
    # Help texts sometimes repeat what the kind already says ("是/否"); say it once.
    if column.help_zh and column.help_zh not in "；".join(zh):
        zh.append(column.help_zh)
    if column.help_en and column.help_en.casefold() not in "; ".join(en).casefold():
        en.append(column.help_en)
    return "；".join(zh), "; ".join(en)


def _width(text: object) -> float:
    """Display width of a cell: CJK characters take two columns."""
    shown = str(text)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in shown)


class _Styles:
    """The workbook's cell formats, one object per combination (XlsxWriter keeps formats per workbook)."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._made: dict[tuple[bool, str | None, bool, bool], Format] = {}

    def get(
        self, *, bold: bool = False, fill: str | None = None, date: bool = False, title: bool = False
    ) -> Format | None:
        key = (bold, fill, date, title)
        if key == (False, None, False, False):
            return None
        if key not in self._made:
            properties: dict[str, object] = {}
            if bold or title:
                properties["bold"] = True
            if title:
                properties["font_size"] = 14
            if fill:
                properties.update(pattern=1, bg_color=fill)
            if date:
                properties["num_format"] = _DATE_FORMAT
            self._made[key] = self._book.add_format(properties)
        return self._made[key]


def _write(ws: Worksheet, row: int, col: int, value: object, style: Format | None) -> None:
    """One cell: text as text (never a formula), numbers as numbers, dates with a date format."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, style)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(row, col, value, style)
    else:
        raise TypeError(f"no cell for {value!r}")


class _Rows:
    """Rows written one under another, the way the 说明 sheet reads."""

    def __init__(self, ws: Worksheet, styles: _Styles, start: int) -> None:
        self._ws, self._styles, self.row = ws, styles, start

    def skip(self) -> None:
        self.row += 1

    def line(self, *values: object, bold: bool = False, fill: str | None = None) -> None:
        for col, value in enumerate(values):
            filled = fill if value not in (None, "") else None
            _write(self._ws, self.row, col, value, self._styles.get(bold=bold, fill=filled))
        self.row += 1


def _write_sheet(
    book: Workbook, styles: _Styles, sheet: Sheet, rows: list[dict[str, Any]], template_rows: int
) -> None:
    """A data sheet: zh headers with help comments, frozen header, widths, dropdowns, then the rows."""
    ws = book.add_worksheet(sheet.zh)
    header = styles.get(bold=True, fill=_HEADER_FILL)
    for index, column in enumerate(sheet.columns):
        ws.write_string(0, index, column.zh, header)
        zh, en = _describe(column)
        ws.write_comment(
            0,
            index,
            f"{column.zh} / {column.en}\n{zh}\n{en}",
            {"author": _AUTHOR, "width": 320, "height": 140},
        )
        longest = max([_width(column.zh) + 2, *(_width(r.get(column.key) or "") for r in rows)])
        ws.set_column(index, index, min(max(longest + 2, 10), 48))
    dates = styles.get(date=True)
    for number, row in enumerate(rows, start=1):
        for index, column in enumerate(sheet.columns):
            _write(ws, number, index, row.get(column.key), dates if column.kind == "date" else None)
    ws.freeze_panes(1, 0)
    _add_validations(ws, sheet, template_rows)


def _add_validations(ws: Worksheet, sheet: Sheet, template_rows: int) -> None:
    """Dropdowns for yes/no, choice and segment columns; segments come from the 产业链图谱 sheet."""
    segment = [column.key for column in TEMPLATE.columns].index("segment")
    first = xl_rowcol_to_cell(1, segment, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(template_rows, segment, row_abs=True, col_abs=True)
    segment_range = f"='{TEMPLATE.zh}'!{first}:{last}"
    for index, column in enumerate(sheet.columns):
        source: str | list[str]
        if column.kind == "bool":
            source = ["是", "否"]
        elif column.choices:
            source = [choice.zh for choice in column.choices]
        elif (sheet.key, column.key) in _SEGMENT_COLUMNS:
            source = segment_range
        else:
            continue
        ws.data_validation(
            1,
            index,
            _VALIDATED_ROWS - 1,
            index,
            {
                "validate": "list",
                "source": source,
                "ignore_blank": True,
                "show_error": True,
                "error_title": column.zh,
                "error_message": "请从下拉列表中选择 / pick a value from the list",
            },
        )


def _instructions(book: Workbook, styles: _Styles) -> None:
    """The 说明 sheet: what each sheet and column is, the rules, and example rows marked 示例."""
    ws = book.add_worksheet("说明")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 10, 24)
    ws.write_string(
        0,
        0,
        "产业链补链招商看板 · 数据填报模板 / Chain gap dashboard · data template",
        styles.get(title=True),
    )
    rows = _Rows(ws, styles, start=1)
    line = rows.line

    rows.skip()
    line("填写步骤 / How to fill in", bold=True)
    for zh, en in (
        (
            "1. “产业链图谱”已预填新材料产业链标准环节，可按本县实际增删改。",
            "1. The template sheet is pre-filled with the standard new-materials segments; adapt it.",
        ),
        (
            "2. 在“企业”表每行填一家本地企业；在“供需关系”表每行填一条供应方→采购方关系。",
            "2. One local enterprise per row in 企业; one supplier -> buyer relation per row in 供需关系.",
        ),
        ("3. “设置”“招商项目”“诉求”为选填表。", "3. The 设置, 招商项目 and 诉求 sheets are optional."),
        (
            "4. 本“说明”表中标“示例”的行仅作示范，不会被读取；请勿把示例抄入数据表。",
            "4. Rows marked 示例 here are examples only and are never read; do not copy them into the data sheets.",
        ),
    ):
        line(zh, en)
    rows.skip()
    line("规则 / Rules", bold=True)
    yes = "/".join(sorted(w for w in TRUE_WORDS if w))
    no = "/".join(sorted(w for w in FALSE_WORDS if w))
    for zh, en in (
        (
            "金额单位为万元，表头写明其他单位（如“产值(亿元)”）时自动换算。",
            "Amounts are in 万元 (10k yuan); a header with another unit, e.g. 产值(亿元), is converted.",
        ),
        (
            "“企业”表中列出的企业为本地企业，其余供应方/采购方为外地企业，须填所在地。",
            "Parties named in 企业 are local; any other party is external and needs its region.",
        ),
        (
            "外地供应方必须填“产品环节”；本地供应方可省略，默认取其所在环节。",
            "An external supplier's link needs 产品环节; a local supplier's defaults to its segment.",
        ),
        (
            f"多项内容用 {' '.join(LIST_SEPARATORS)} 分隔。",
            f"Split several items on {' '.join(LIST_SEPARATORS)}.",
        ),
        (f"是/否列可填：{yes}（是）或 {no}（否）。", f"Yes/no columns accept {yes} (yes) or {no} (no)."),
        (
            "表名、列名也可用英文名；全角半角、空格、换行不影响识别。表名含标准名也可（如“企业名单”“1.产业链图谱”）。",
            "Sheet and column names may be in English; full-width forms, spaces and line breaks don't matter. "
            "A sheet name that contains a standard name is read as it (企业名单, 1.产业链图谱).",
        ),
        (
            "表头上方可有标题行，表头下方可有单位行（如“万元”“人”）；合并单元格按其值填入每行；"
            f"{'/'.join(sorted(TOTAL_WORDS - {'total', 'subtotal', 'grandtotal', 'sum'}))}行不计入；"
            "隐藏的行和表照常读取并提示。",
            "A title may sit above the header and a units row under it; merged cells count for every row they "
            "span; total rows (合计/小计) are left out; hidden rows and sheets are read, with a warning.",
        ),
        (
            "数字可带千分位、全角数字或单位（如“53140.7万元”“156人”）；空格可填 "
            f"{' '.join(sorted(p for p in PLACEHOLDERS if not p.isascii() or p in '-/'))} 等占位符；"
            "日期可写 2023-09-01、2023.9.1、2023年9月1日。",
            "Numbers may carry thousands separators, full-width digits or a unit (53140.7万元, 156人); empty "
            "cells may hold a placeholder such as — / 无; dates may be 2023-09-01, 2023.9.1 or 2023年9月1日.",
        ),
        (
            "“供需关系”中本地企业的名称须与“企业”表一致；与本地企业相似却不在“企业”表中的名称会报错并提示正确名称。"
            "所在地为本县、但不在“企业”表中的单位（如工程项目部）视为本县其他单位，不计为外销。",
            "Local firms in 供需关系 must be named as in 企业: a name like a local firm's but not in 企业 is an "
            "error that suggests the right one. A party in the county but not in 企业 (a building site) is another "
            "local unit, not an export market.",
        ),
        (
            "环节之间可以构成循环（如残极回收），系统会提示但照常分析。",
            "Segments may feed each other in a cycle (e.g. anode butts recycling): a warning, not an error.",
        ),
    ):
        line(zh, en)

    examples = _example_rows()
    for sheet in SHEETS:
        rows.skip()
        required = "必填" if sheet.required else "选填"
        line(
            f"工作表“{sheet.zh}” / sheet '{sheet.en}'（{required} / {'required' if sheet.required else 'optional'}）",
            bold=True,
        )
        line(sheet.help_zh, sheet.help_en)
        line("列名", "英文名 / column", "说明", "notes", bold=True, fill=_HEADER_FILL)
        for column in sheet.columns:
            zh, en = _describe(column)
            line(column.zh, column.en, zh, en)
        if sheet.key == SETTINGS.key:
            line("可用设置项 / keys:", *(f"{key.zh} / {key.key}" for key in SETTING_KEYS))
        if sheet in examples:
            line("示例", *(column.zh for column in sheet.columns), bold=True, fill=_EXAMPLE_FILL)
            for example in examples[sheet]:
                line("示例", *(example.get(column.key, "") for column in sheet.columns), fill=_EXAMPLE_FILL)


def _example_rows() -> dict[Sheet, list[dict[str, Any]]]:
    """Example rows for the 说明 sheet; the names say they are examples so nobody mistakes them for data."""
    code = make_credit_code("MA6XJ000", HANYIN_DIVISION)
    return {
        ENTERPRISES: [
            {
                "name": "示例碳素有限公司",
                "credit_code": code,
                "segment": "煅后焦",
                "category": "碳素",
                "town": "涧池镇",
                "above_scale": "是",
                "output": 12000,
                "employees": 85,
                "growth_pct": 8.5,
                "products": "煅后焦",
                "deputy": "王XX",
            },
            {
                "name": "示例纺织有限公司",
                "segment": "包芯纱",
                "town": "城关镇",
                "above_scale": "否",
                "output": 900,
                "employees": 30,
                "products": "PBT包芯纱、氨纶包芯纱",
            },
        ],
        LINKS: [
            {
                "supplier": "示例碳素有限公司",
                "buyer": "示例电极有限公司",
                "product": "煅后焦",
                "value": 3000,
                "volume": 6250,
                "unit": "吨",
                "distance_km": 12,
            },
            {
                "supplier": "外地示例化纤厂",
                "buyer": "示例纺织有限公司",
                "product": "PBT高弹丝",
                "segment": "PBT高弹丝",
                "supplier_region": "江苏苏州",
                "value": 260,
                "volume": 226,
                "unit": "吨",
                "distance_km": 1300,
            },
            {
                "supplier": "示例纺织有限公司",
                "buyer": "外地示例手套厂",
                "product": "PBT包芯纱",
                "buyer_region": "山东高密",
                "buyer_segment": "针织手套",
                "value": 500,
                "volume": 227,
                "unit": "吨",
                "distance_km": 1450,
            },
        ],
        TEMPLATE: [
            {
                "segment": "煅后焦",
                "category": "碳素",
                "stage": "中游",
                "inputs": "石油焦",
                "note": "示例：石油焦煅烧",
            }
        ],
        PROJECTS: [
            {
                "name": "示例针织手套项目",
                "segment": "针织手套",
                "investor": "示例投资公司",
                "investment": 8000,
                "capacity": "3000万双/年",
                "status": "洽谈",
                "expected_output": 7000,
            }
        ],
        DEMANDS: [
            {
                "enterprise": "示例纺织有限公司",
                "type": "用工",
                "detail": "挡车工缺口20人",
                "raised": "2024-03-01",
                "owner": "县人社局",
                "due": "2024-04-30",
                "status": "办理中",
            }
        ],
    }


def _workbook_bytes(write: Any, created: datetime) -> bytes:
    raw = io.BytesIO()
    book = xlsxfile.new_workbook(raw, created, properties={"author": _AUTHOR})
    write(book, _Styles(book))
    book.close()
    return raw.getvalue()


def _sample_bytes(rows: dict[Sheet, list[dict[str, Any]]], created: datetime) -> bytes:
    def write(book: Workbook, styles: _Styles) -> None:
        for sheet in SHEETS:
            _write_sheet(book, styles, sheet, rows[sheet], len(rows[TEMPLATE]))

    return _workbook_bytes(write, created)


def sample_bytes() -> bytes:
    """The sample workbook: a county new-materials chain in the contract's sheets."""
    return _sample_bytes(sample_rows(), FIXED_TIME)


def previous_bytes() -> bytes:
    """The previous year's sample (2022年1-9月): see :func:`previous_rows`."""
    return _sample_bytes(previous_rows(), PREVIOUS_TIME)


def template_bytes() -> bytes:
    """The blank template: 说明 first, then every sheet with headers; only 产业链图谱 and 设置 pre-filled."""
    prefilled = {
        TEMPLATE: read_rows(SAMPLE_DIR, TEMPLATE),
        SETTINGS: [{"key": key.zh} for key in SETTING_KEYS],
    }

    def write(book: Workbook, styles: _Styles) -> None:
        _instructions(book, styles)
        # Users add segments, so the dropdowns reach past the pre-filled ones.
        for sheet in SHEETS:
            _write_sheet(book, styles, sheet, prefilled.get(sheet, []), 200)

    return _workbook_bytes(write, FIXED_TIME)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out",
        type=Path,
        default=DATA_DIR,
        help="folder to write sample.xlsx, sample_2022.xlsx and template.xlsx",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sample.xlsx").write_bytes(sample_bytes())
    (args.out / "sample_2022.xlsx").write_bytes(previous_bytes())
    (args.out / "template.xlsx").write_bytes(template_bytes())


if __name__ == "__main__":
    main()

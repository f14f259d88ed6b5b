"""Report frames as Excel and CSV bytes for the recruiting teams, safe against formula injection."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from chain import columns as cat
from chain import render, xlsxfile
from chain.compare import Comparison, Side
from chain.numbers import APPROX
from chain.problems import Problem
from chain.settings import AnalysisSettings

__all__ = [
    "ABOUT_KEYS",
    "ABOUT_TITLE",
    "CELL_LIMIT",
    "NUMBER_FORMATS",
    "PAIR_COLUMNS",
    "SEGMENT_COLUMNS",
    "TARGET_COLUMNS",
    "CellCutWarning",
    "ExportTable",
    "about_excluded",
    "about_settings",
    "comparison_about",
    "comparison_tables",
    "neutralise",
    "report_table",
    "to_csv",
    "to_xlsx",
    "trend_table",
]

_Lang = Literal["zh", "en"]

#: Characters that make Excel or LibreOffice read a cell as a formula (or a DDE command) when typed,
#: imported from CSV or re-entered by a user: = + - @, tab, CR, LF and their full-width forms.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

#: Control characters XML 1.0 cannot carry (openpyxl refuses them); tab, LF and CR are allowed.
_ILLEGAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Characters Excel forbids in a sheet name.
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

#: Report column key -> Excel number format, from the catalogue (:mod:`chain.columns`). Columns not named
#: here (words) keep Excel's General format.
NUMBER_FORMATS: dict[str, str] = {
    key: entry.format.excel for key, entry in cat.CATALOGUE.items() if entry.format is not None
}

#: Name of the About sheet, which comes first in every workbook.
ABOUT_TITLE: dict[str, str] = {"zh": "说明", "en": "About"}
_ABOUT_HEADERS: dict[str, tuple[str, str]] = {"zh": ("项目", "值"), "en": ("Item", "Value")}
#: About-sheet keys whose values are shares, shown as percentages (50%, not 0.5).
_ABOUT_SHARES = frozenset({"weak_share", "concentration_share"})

#: About-sheet key -> (zh, en). Keys not named here are shown as they are.
ABOUT_KEYS: dict[str, tuple[str, str]] = {
    "source": ("数据来源", "Data source"),
    "county": ("县名", "County"),
    "period": ("报告期", "Period"),
    "generated_at": ("生成时间", "Generated at"),
    "filters": ("筛选条件", "Filters"),
    "errors": ("错误数", "Errors"),
    "warnings": ("提醒数", "Warnings"),
    "excluded_rows": ("未纳入分析的行", "Rows left out"),
    "compared_from": ("基期", "Compared from"),
    "compared_to": ("本期", "Compared to"),
    "comparable": ("对比口径", "How amounts compare"),
    "cut_cells": ("超长被截断的单元格", "Cells cut short (over Excel's limit)"),
    "weak_share": ("弱链阈值(本地配套率低于)", "Weak below local share"),
    "min_firms": ("强链最少本地企业数", "Local firms needed for a strong segment"),
    "concentration_share": ("集中度阈值(最大企业占比)", "Concentration threshold (largest firm's share)"),
    "target_weights.value": ("招商目标得分权重：交易额", "Target score weight: value traded"),
    "target_weights.partners": ("招商目标得分权重：本地合作企业", "Target score weight: local partners"),
    "target_weights.distance": ("招商目标得分权重：运输距离", "Target score weight: distance"),
    "target_weights.gap": ("招商目标得分权重：缺口规模", "Target score weight: gap size"),
    "target_weights.covered_penalty": (
        "已有招商项目时得分系数",
        "Score multiplier when a project covers the segment",
    ),
    "pair_weights.value_from_outside": ("本地配套得分权重：外购额", "Pairing score weight: bought outside"),
    "pair_weights.supplier_output": ("本地配套得分权重：供应方产值", "Pairing score weight: supplier output"),
    "pair_weights.suppliers_per_purchase": (
        "每笔外购推荐本地供应方数",
        "Local suppliers suggested per outside purchase",
    ),
}


#: The columns of the three standard exports, in sheet order (:data:`chain.columns.TABLES`).
SEGMENT_COLUMNS: tuple[str, ...] = cat.TABLES["segments"].columns
TARGET_COLUMNS: tuple[str, ...] = cat.TABLES["targets"].columns
PAIR_COLUMNS: tuple[str, ...] = cat.TABLES["pairs"].columns


#: Exports stream each sheet row by row (XlsxWriter's constant-memory mode), so a province-scale list
#: never sits in memory cell by cell. Measured at smoke scale against a plain openpyxl to_excel: 0.55x
#: streamed, 0.47x built in memory, 1.07x with openpyxl's write-only mode before.
_CONSTANT_MEMORY = True
#: How a date and a date with time show (openpyxl's defaults, which exports used before).
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
_MAX_WIDTH = 60
_MIN_WIDTH = 6
#: Widest a column of sentences (reasons), of lists (partners, products) or of names gets on a data sheet:
#: its cells wrap instead, so that a sheet of twenty columns prints one page wide at a size that can
#: still be read (the sample's targets at about half size on A4 landscape).
_SENTENCE_WIDTH = 40
_LIST_WIDTH = 22
_TEXT_WIDTH = 24
#: Header text counts up to this width on a data sheet: headers wrap, so that a long name over a column
#: of short numbers (本地合作企业数 over 3) does not widen it.
_HEADER_WIDTH = 8
#: Width of an empty column the team fills in by hand: room to write a name or a date.
_TEAM_WIDTH = 12
#: The most characters an Excel cell holds. XlsxWriter cuts longer text without a word; exports cut it
#: themselves and say so (:func:`to_xlsx`).
CELL_LIMIT = 32_767
#: What a cut cell ends with, so that nobody takes the rest for missing data.
_CUT_NOTE: dict[str, str] = {
    "zh": "……（超出 Excel 单元格 32,767 字符上限，其后已截去；CSV 导出有全文）",
    "en": "… (cut: an Excel cell holds at most 32,767 characters; the CSV export has the full text)",
}
#: Excel number format -> the Python format that shows a number about as wide, for column widths.
_WIDTH_FORMATS: dict[str, str] = {f.excel: f.python for f in cat.FORMATS.values()}

_CellValue = render.Cell


class CellCutWarning(UserWarning):
    """Text longer than an Excel cell holds (:data:`CELL_LIMIT`) was cut short in an xlsx export: the
    cells say so, and so does the About sheet's ``cut_cells`` row."""


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will evaluate: text starting like a formula gets a leading ``'``.

    Text that starts with = + - @, tab, CR, LF or a full-width ＝ ＋ － ＠ is prefixed with an
    apostrophe; every other value, text or not (numbers, including negative ones, dates, None), is
    returned unchanged.

    >>> neutralise("=HYPERLINK(\\"http://x\\",\\"y\\")"), neutralise("-2+3"), neutralise(-2), neutralise("碳素")
    ('\\'=HYPERLINK("http://x","y")', "'-2+3", -2, '碳素')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True, eq=False)
class ExportTable:
    """One report frame to export: its sheet identity, sheet names, data and the columns to show.

    ``columns`` are report column keys (:data:`chain.columns.CATALOGUE`). A key that the frame holds only
    as a language pair, ``<key>_zh`` / ``<key>_en``, is exported in the export's language. The frame is
    never modified.
    """

    key: str
    title_zh: str
    title_en: str
    frame: pd.DataFrame
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        for title in (self.title_zh, self.title_en):
            _check_title(title)
        missing = [
            k
            for k in self.columns
            if k not in self.frame.columns and not {f"{k}_zh", f"{k}_en"} <= set(self.frame.columns)
        ]
        if missing:
            raise ValueError(f"export {self.key!r}: the frame has no column {', '.join(missing)}")
        if not self.columns:
            raise ValueError(f"export {self.key!r}: no columns to export")

    def title(self, lang: str = "zh") -> str:
        """The sheet name in ``lang``."""
        return self.title_zh if _check_lang(lang) == "zh" else self.title_en


def report_table(key: Literal["segments", "targets", "pairs"], frame: pd.DataFrame) -> ExportTable:
    """The standard export of a report frame: ``segments``, ``targets`` or ``pairs``, with their
    sheet names and columns (:data:`SEGMENT_COLUMNS`, :data:`TARGET_COLUMNS`, :data:`PAIR_COLUMNS`), then
    the table's empty team columns (the targets' 联系人, 负责人, 跟进状态, 下次跟进), which the recruiting
    team fills in on the list it works from. ``frame`` is not changed."""
    table = cat.TABLES[key]
    if table.team:
        empty = {k: pd.Series(None, index=frame.index, dtype=object) for k in table.team}
        frame = frame.assign(**empty)
    return ExportTable(key, table.zh, table.en, frame, (*table.columns, *table.team))


def comparison_tables(comparison: Comparison) -> list[ExportTable]:
    """A period comparison's sheets: the summary, the segments side by side, then the firms and links that
    came and went (:data:`chain.columns.TABLES`)."""
    # The summary's sentences are composed from its codes (no column holds them): worded in both languages.
    changes = comparison.changes.assign(
        **{f"change_{lang}": render.source(comparison.changes, "change", lang) for lang in ("zh", "en")}
    )
    frames = {
        "changes": changes,
        "compare": comparison.segments,
        "firms_added": comparison.firms_added,
        "firms_removed": comparison.firms_removed,
        "links_added": comparison.links_added,
        "links_removed": comparison.links_removed,
    }
    return [
        ExportTable(key, cat.TABLES[key].zh, cat.TABLES[key].en, frame, cat.TABLES[key].columns)
        for key, frame in frames.items()
    ]


def trend_table(trend: pd.DataFrame) -> ExportTable:
    """The completeness of every period of a county (:func:`chain.compare.completeness_trend`) as a sheet."""
    table = cat.TABLES["completeness_trend"]
    return ExportTable(table.key, table.zh, table.en, trend, table.columns)


def comparison_about(comparison: Comparison, lang: str = "zh") -> dict[str, object]:
    """The About rows of a comparison's export: the county, each period (its label and months) and how
    amounts compare (directly, or as monthly averages), in ``lang``."""
    lang = _check_lang(lang)

    def named(side: Side) -> str:
        label, period = side.label, side.period.text(lang)
        return f"{label} ({period})" if label and label != period else period

    return {
        "county": comparison.after.county,
        "compared_from": named(comparison.before),
        "compared_to": named(comparison.after),
        "comparable": cat.value_name(cat.COMPARABLE, comparison.comparable, lang),
    }


def about_settings(settings: AnalysisSettings) -> dict[str, object]:
    """The analysis settings as About-sheet rows: thresholds, then every score weight as ``group.name``.

    >>> about_settings(AnalysisSettings())["target_weights.value"]
    0.5
    """
    rows: dict[str, object] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if dataclasses.is_dataclass(value):
            for inner in dataclasses.fields(value):
                rows[f"{f.name}.{inner.name}"] = getattr(value, inner.name)
        else:
            rows[f.name] = value
    return rows


def about_excluded(excluded: Sequence[Problem], lang: str = "zh") -> dict[str, object]:
    """The rows left out of the analysis (``ChainData.excluded``) as About-sheet rows: ``excluded_rows``,
    how many, then one row per row left out, keyed by where it is (``企业 第4行`` / ``企业 row 4``), whose
    value is the column and message of each of its errors. Empty when nothing was left out.

    >>> from chain.problems import problem
    >>> about_excluded([problem("negative", "企业", 3, "产值(万元)", "-5")], "en")
    {'excluded_rows': 1, '企业 row 3': "产值(万元): '-5' is negative; this column cannot be."}
    """
    lang = _check_lang(lang)
    lines: dict[str, list[str]] = {}
    for found in excluded:
        if found.row is None:
            place = found.sheet
        else:
            place = f"{found.sheet} 第{found.row}行" if lang == "zh" else f"{found.sheet} row {found.row}"
        text = found.message(lang)
        if found.column:
            text = f"{found.column}{'：' if lang == 'zh' else ': '}{text}"
        lines.setdefault(place, []).append(text)
    if not lines:
        return {}
    rows: dict[str, object] = {"excluded_rows": len(lines)}
    separator = "；" if lang == "zh" else "; "
    rows.update((place, separator.join(texts)) for place, texts in lines.items())
    return rows


def to_xlsx(tables: Sequence[ExportTable], about: Mapping[str, object], lang: str = "zh") -> bytes:
    """An Excel workbook of the tables: an About sheet first, then one sheet per table.

    The About sheet lists ``about`` (data source, county, period, thresholds, weights, generation time)
    as labelled rows (:data:`ABOUT_KEYS`). Every data sheet has a bold, frozen header row, an auto
    filter, column widths from its content and the number formats of :data:`NUMBER_FORMATS`; it prints
    on A4 landscape, one page wide, the header row repeated on every page and the sheet's name, county and
    period at the top. Sentences (reasons) and lists wrap in their cells, one sentence a line. Every text
    cell is neutralised (:func:`neutralise`) and stored as text, never as a formula. Text longer than a
    cell holds (:data:`CELL_LIMIT`) is cut with a note saying so in the cell, listed in the About sheet's
    ``cut_cells`` row and warned of (:class:`CellCutWarning`); the CSV export keeps it whole. The bytes
    depend only on the inputs: file times come from ``about["generated_at"]`` when it is a datetime,
    else a fixed date.
    """
    lang = _check_lang(lang)
    titles = [ABOUT_TITLE[lang], *(t.title(lang) for t in tables)]
    folded = [t.casefold() for t in titles]
    if len(set(folded)) != len(folded):
        raise ValueError(f"sheet names must differ: {titles}")

    sheets = [
        _DataSheet(
            table.title(lang),
            [cat.header(k, lang) for k in table.columns],
            [_column_values(table.frame, k, lang) for k in table.columns],
            [NUMBER_FORMATS.get(k) for k in table.columns],
            [_caps(k) for k in table.columns],
            # An estimated distance stays a number, shown ≈1,120 by its cell's format (chain.geo).
            [
                None if m is None else m.tolist()
                for m in (render.estimated(table.frame, k) for k in table.columns)
            ],
        )
        for table in tables
    ]
    about = dict(about)
    about_columns = [
        [cat.value_name(ABOUT_KEYS, k, lang) for k in about],
        [_about_value(k, v, lang) for k, v in about.items()],
    ]
    # The About sheet comes first and streams first, so what will be cut is known before it is written.
    cut = [place for sheet in sheets for place in _too_long(sheet.title, sheet.columns)]
    cut += _too_long(ABOUT_TITLE[lang], about_columns)
    if cut:
        places = ", ".join(cut)
        about_columns[0].append(cat.value_name(ABOUT_KEYS, "cut_cells", lang))
        about_columns[1].append(places)
        warnings.warn(
            f"cells over Excel's {CELL_LIMIT:,} characters were cut short, each saying so: {places}",
            CellCutWarning,
            stacklevel=2,
        )

    raw = io.BytesIO()
    book = xlsxfile.new_workbook(
        raw, xlsxfile.document_time(about.get("generated_at")), constant_memory=_CONSTANT_MEMORY
    )
    styles = _Styles(book)
    note = _CUT_NOTE[lang]
    _write_sheet(
        book,
        styles,
        _DataSheet(ABOUT_TITLE[lang], list(_ABOUT_HEADERS[lang]), about_columns, [None, None], [None, None]),
        note,
        None,
    )
    heading = _page_heading(about)
    for sheet in sheets:
        _write_sheet(book, styles, sheet, note, heading)
    book.close()
    return raw.getvalue()


def to_csv(table: ExportTable, lang: str = "zh") -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends.

    Headers, value names and neutralisation are those of :func:`to_xlsx`; numbers are plain numbers
    (``-1234.5``) rounded to the digits the workbook shows (a share 0.641 for 64.1%, a distance 1400),
    empty values empty fields.
    """
    lang = _check_lang(lang)
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(_csv_field(cat.header(k, lang)) for k in table.columns)
    # A CSV carries no number format: numbers are rounded to the digits the workbook shows.
    columns = [render.cells(table.frame, k, lang, rounded=True) for k in table.columns]
    writer.writerows([_csv_field(v) for v in row] for row in zip(*columns, strict=True))
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")


def _check_lang(lang: str) -> _Lang:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang  # type: ignore[return-value]


def _check_title(title: str) -> None:
    if not 1 <= len(title) <= 31 or _BAD_TITLE.search(title) or title.startswith("'") or title.endswith("'"):
        raise ValueError(f"not a valid Excel sheet name: {title!r} (1-31 characters, none of []:*?/\\)")
    if title.casefold() == "history":
        raise ValueError("'History' is reserved by Excel")


def _column_values(frame: pd.DataFrame, key: str, lang: _Lang) -> list[_CellValue]:
    """The display values of one report column (:func:`chain.render.cells`), a row's reasons one a line."""
    return render.cells(frame, key, lang, lines=True)


def _caps(key: str) -> int | None:
    """The widest column ``key`` gets on a data sheet before its cells wrap: None for a column that never
    wraps (numbers, vocabulary words), and the width of an empty team column (a negative number marks it:
    no content counts)."""
    entry = cat.CATALOGUE.get(key)
    if entry is None:
        return None
    if any(key in table.team for table in cat.TABLES.values()):
        return -_TEAM_WIDTH
    if entry.kind in cat.SENTENCES:
        return _SENTENCE_WIDTH
    if entry.kind == "list":
        return _LIST_WIDTH
    if entry.kind == "text":
        return _TEXT_WIDTH
    return None


def _too_long(title: str, columns: Sequence[Sequence[_CellValue]]) -> list[str]:
    """The cells of a sheet (as ``'sheet'!B7``) whose text, as it would be stored, is longer than an Excel
    cell holds. Neutralising adds at most one character and cleaning never lengthens text, so only text
    of at least :data:`CELL_LIMIT` characters is looked at closely."""
    found = []
    for c, values in enumerate(columns):
        # Most columns are short: one pass of len() over the text decides (a column of numbers has none).
        if max((len(v) for v in values if type(v) is str), default=0) < CELL_LIMIT:
            continue
        for r, value in enumerate(values, 1):
            if isinstance(value, str) and len(value) >= CELL_LIMIT:
                stored = neutralise(_clean_text(value))
                if isinstance(stored, str) and len(stored) > CELL_LIMIT:
                    found.append(f"'{title}'!{xl_rowcol_to_cell(r, c)}")
    return found


def _page_heading(about: Mapping[str, object]) -> str:
    """What a printed page says at its top left: the county and the period the list is of, when known."""
    parts = [str(about[k]) for k in ("county", "period") if about.get(k) not in (None, "")]
    return " · ".join(parts)


def _about_value(key: str, value: object, lang: _Lang) -> _CellValue:
    """An About-sheet value: a threshold that is a share as a percentage (50%, not 0.5), others as they are."""
    if key in _ABOUT_SHARES:
        return render.percent(value, 0)
    return render.cell(value, lang)


def _clean_text(value: str) -> str:
    """Text as a cell can hold it: no XML-illegal control characters, line breaks as LF.

    XML 1.0 cannot carry the C0 controls other than tab, LF and CR, and an XML reader turns a raw CR
    into LF, so CR is normalised here rather than changed silently on the way back in.
    """
    if _ILLEGAL_CONTROLS.search(value):
        value = _ILLEGAL_CONTROLS.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _csv_field(value: _CellValue) -> object:
    if isinstance(value, str):
        return neutralise(_clean_text(value))
    if isinstance(value, dt.date):
        return render.as_text(value)
    return "" if value is None else value


def _cell_width(value: _CellValue, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return render.text_width(value)
    if isinstance(value, bool | dt.date):
        return len(render.as_text(value))
    return len(format(value, _WIDTH_FORMATS.get(number_format or "", "")))


def _column_width(
    header: str,
    values: Iterable[_CellValue],
    number_format: str | None,
    cap: int | None = None,
    *,
    wrap_header: bool = False,
) -> float:
    """A column's width in characters: its widest value or header, at least :data:`_MIN_WIDTH`, plus
    room; a wrapping column stops at ``cap``, a team column (negative ``cap``) is as wide as it says, and
    a wrapping header counts only up to :data:`_HEADER_WIDTH`."""
    if cap is not None and cap < 0:
        return float(max(-cap, render.text_width(header) // 2 + 2))
    heading = render.text_width(header)
    if wrap_header:
        heading = min(heading, _HEADER_WIDTH)
    widest = max(heading, _widest(values, number_format), _MIN_WIDTH) + 2
    return min(widest, _MAX_WIDTH if cap is None else cap)


def _widest(values: Iterable[_CellValue], number_format: str | None) -> int:
    """``max(_cell_width(v, number_format) for v in values)`` (0 for none), measuring few values.

    A column's width is capped at :data:`_MAX_WIDTH`, and the sentences of a report run past it, so
    texts are measured longest first and only while one could still be wider than the widest so far
    (a text is at most twice as wide as it is long) and the cap is not reached. A number shown with a
    fixed-point format is at least as wide as any smaller one of its sign, so only the largest, the
    smallest and a negative zero (shown "-0.0") need formatting.
    """
    texts: list[str] = []
    numbers: list[int | float] = []
    widest = 0
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers.append(value)
        else:
            widest = max(widest, _cell_width(value, number_format))
    spec = _WIDTH_FORMATS.get(number_format or "")
    if spec is None:
        # General format: str(number), whose width does not grow with the number (1e-05).
        widest = max((widest, *(_cell_width(v, number_format) for v in numbers)))
    elif numbers:
        extremes = [max(numbers), min(numbers)]
        if extremes[1] == 0 and any(v == 0 and math.copysign(1.0, v) < 0 for v in numbers):
            extremes.append(-0.0)
        widest = max((widest, *(len(format(v, spec)) for v in extremes)))
    cap = _MAX_WIDTH - 2
    for text in sorted(texts, key=len, reverse=True):
        if widest >= cap or 2 * len(text) <= widest:
            break
        widest = max(widest, render.text_width(text))
    return widest


@dataclass(frozen=True, eq=False)
class _DataSheet:
    """One sheet ready to write: its name, headers, display values per column, the Excel number format
    of each column, each column's wrap cap (:func:`_caps`), and per column which rows hold an estimate (None
    for a column without estimates: shown after ≈ by its number format)."""

    title: str
    headers: list[str]
    columns: list[list[_CellValue]]
    formats: list[str | None]
    caps: list[int | None]
    estimated: list[list[bool] | None] | None = None


class _Styles:
    """The workbook's cell formats, made once: XlsxWriter keeps one format object per style. Cells of a
    data sheet sit at the top of their row (a row grows with the sentences that wrap in it)."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self.bold = book.add_format({"bold": True})
        self.heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[tuple[str, bool], Format] = {}
        self.date = self.number(_DATE_FORMAT)
        self.datetime = self.number(_DATETIME_FORMAT)

    def number(self, number_format: str | None, top: bool = False) -> Format | None:
        if number_format is None:
            return self.top if top else None
        if (number_format, top) not in self._numbers:
            options: dict[str, object] = {"num_format": number_format}
            if top:
                options["valign"] = "top"
            self._numbers[number_format, top] = self._book.add_format(options)
        return self._numbers[number_format, top]


def _write_sheet(book: Workbook, styles: _Styles, data: _DataSheet, note: str, heading: str | None) -> None:
    """Add one sheet: bold header row, widths from content, formats per column, text stored as text, text
    over :data:`CELL_LIMIT` cut with ``note``. A data sheet (``heading`` not None: the About sheet has
    none) is filtered, frozen, wraps its long columns and prints as :func:`chain.xlsxfile.print_wide` says.

    Rows are written in order, so the sheet streams in constant-memory mode."""
    title, headers, columns, formats, caps = data.title, data.headers, data.columns, data.formats, data.caps
    sheet = book.add_worksheet(title)
    printed = heading is not None
    n_rows = len(columns[0]) if columns else 0
    for i, (header, values, number_format, cap) in enumerate(
        zip(headers, columns, formats, caps, strict=True)
    ):
        sheet.set_column(i, i, _column_width(header, values, number_format, cap, wrap_header=printed))
    if printed:
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, n_rows, max(len(headers) - 1, 0))
        xlsxfile.print_wide(sheet, title, heading)

    header_format = styles.heading if printed else styles.bold
    for i, header in enumerate(headers):
        safe = neutralise(_clean_text(header))
        # An empty header is an empty cell, still bold; any other is stored as text, never a formula.
        if safe:
            sheet.write_string(0, i, safe, header_format)
        else:
            sheet.write_blank(0, i, None, header_format)

    cell_formats = [styles.number(f, printed) for f in formats]
    marked = data.estimated or [None] * len(formats)
    approx_formats = [
        styles.number(f'"{APPROX}"{f}', printed) if f is not None and m is not None and any(m) else None
        for f, m in zip(formats, marked, strict=True)
    ]
    text_formats = [
        styles.wrap if printed and cap is not None and cap > 0 else cell_formats[c]
        for c, cap in enumerate(caps)
    ]
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    for r, row in enumerate(zip(*columns, strict=True), 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                safe = neutralise(_clean_text(value))
                if len(safe) > CELL_LIMIT:
                    safe = safe[: CELL_LIMIT - len(note)] + note
                # An empty text is an empty cell.
                if safe:
                    write_string(r, c, safe, text_formats[c])
            elif kind is float or kind is int:
                approx = approx_formats[c]
                write_number(r, c, value, approx if approx and marked[c][r - 1] else cell_formats[c])  # type: ignore[index]
            elif isinstance(value, dt.datetime):
                write_datetime(r, c, value, styles.datetime)
            elif isinstance(value, dt.date):
                write_datetime(r, c, value, styles.date)
            elif isinstance(value, int | float):
                write_number(r, c, value, cell_formats[c])
            else:
                write_string(r, c, neutralise(_clean_text(str(value)))[:CELL_LIMIT], text_formats[c])

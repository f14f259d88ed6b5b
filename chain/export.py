"""Report frames as Excel and CSV bytes for the recruiting teams, safe against formula injection."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from chain import gaps, labels, pairing, reasons, schema, targets
from chain.problems import Problem
from chain.settings import AnalysisSettings

__all__ = [
    "ABOUT_KEYS",
    "ABOUT_TITLE",
    "NUMBER_FORMATS",
    "PAIR_COLUMNS",
    "SEGMENT_COLUMNS",
    "TARGET_COLUMNS",
    "ExportTable",
    "about_excluded",
    "about_settings",
    "neutralise",
    "report_table",
    "to_csv",
    "to_xlsx",
]

_Lang = Literal["zh", "en"]

#: Characters that make Excel or LibreOffice read a cell as a formula (or a DDE command) when typed,
#: imported from CSV or re-entered by a user: = + - @, tab, CR, LF and their full-width forms.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

#: Control characters XML 1.0 cannot carry (openpyxl refuses them); tab, LF and CR are allowed.
_ILLEGAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Characters Excel forbids in a sheet name.
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

#: Report column key -> Excel number format. Columns not named here keep Excel's General format.
NUMBER_FORMATS: dict[str, str] = {
    **dict.fromkeys(
        (
            "output",
            "demand",
            "local_supply",
            "leakage",
            "exports",
            "local_final_demand",
            "value",
            "value_from_outside",
            "supplier_output",
            "downstream_gap",
        ),
        "#,##0.0",
    ),
    **dict.fromkeys(("local_share", "concentration"), "0.0%"),
    "score": "0.000",
    **dict.fromkeys(
        ("firms", "above_scale_firms", "employees", "local_buyers", "local_partners", "layer"), "#,##0"
    ),
    **dict.fromkeys(("distance_km", "leakage_distance_km"), "#,##0"),
    # growth_pct holds percent points (5 = 5%), so it is not a 0% format.
    "growth_pct": "0.0",
}

#: Columns whose values are vocabulary keys, each with the table that names them.
_VALUE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "status": labels.STATUSES,
    "gap": labels.GAP_KINDS,
    "gaps": labels.GAP_KINDS,
    "stage": {c.key: (c.zh, c.en) for c in schema.TEMPLATE.column_by_key["stage"].choices},
}

#: Name of the About sheet, which comes first in every workbook.
ABOUT_TITLE: dict[str, str] = {"zh": "说明", "en": "About"}
_ABOUT_HEADERS: dict[str, tuple[str, str]] = {"zh": ("项目", "值"), "en": ("item", "value")}

#: About-sheet key -> (zh, en). Keys not named here are shown as they are.
ABOUT_KEYS: dict[str, tuple[str, str]] = {
    "source": ("数据来源", "data source"),
    "county": ("县名", "county"),
    "period": ("报告期", "period"),
    "generated_at": ("生成时间", "generated at"),
    "excluded_rows": ("未纳入分析的行", "rows left out"),
    "weak_share": ("弱链阈值(本地配套率低于)", "weak below local share"),
    "min_firms": ("强链最少本地企业数", "local firms needed for a strong segment"),
    "concentration_share": ("集中度阈值(最大企业占比)", "concentration threshold (largest firm's share)"),
    "target_weights.value": ("招商目标得分权重:交易额", "target score weight: value traded"),
    "target_weights.partners": ("招商目标得分权重:本地合作企业", "target score weight: local partners"),
    "target_weights.distance": ("招商目标得分权重:运输距离", "target score weight: distance"),
    "target_weights.gap": ("招商目标得分权重:缺口规模", "target score weight: gap size"),
    "target_weights.covered_penalty": (
        "已有招商项目时得分系数",
        "score multiplier when a project covers the segment",
    ),
    "pair_weights.value_from_outside": ("本地配套得分权重:外购额", "pairing score weight: bought outside"),
    "pair_weights.supplier_output": ("本地配套得分权重:供应方产值", "pairing score weight: supplier output"),
    "pair_weights.suppliers_per_purchase": (
        "每笔外购推荐本地供应方数",
        "local suppliers suggested per outside purchase",
    ),
}


def _language_neutral(columns: Sequence[str], drop: Sequence[str] = ()) -> tuple[str, ...]:
    """A frame's columns as export keys: each ``k_zh`` / ``k_en`` pair becomes ``k`` (the export picks the
    language), in the frame's order, without ``drop``. The analysis modules stay the one list of columns."""
    keys: list[str] = []
    for column in columns:
        key = column[:-3] if column.endswith(("_zh", "_en")) else column
        if key not in drop and key not in keys:
            keys.append(key)
    return tuple(keys)


#: The columns of the three standard exports, in sheet order.
SEGMENT_COLUMNS: tuple[str, ...] = _language_neutral(
    gaps.SEGMENT_COLUMNS, drop=("layer", *reasons.FACTOR_COLUMNS["segments"])
)
TARGET_COLUMNS: tuple[str, ...] = _language_neutral(
    targets.TARGET_COLUMNS, drop=reasons.FACTOR_COLUMNS["targets"]
)
PAIR_COLUMNS: tuple[str, ...] = _language_neutral(pairing.PAIR_COLUMNS, drop=reasons.FACTOR_COLUMNS["pairs"])

_STANDARD: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "segments": ("环节分析", "segments", SEGMENT_COLUMNS),
    "targets": ("招商目标", "targets", TARGET_COLUMNS),
    "pairs": ("本地配套", "local pairing", PAIR_COLUMNS),
}

_JOINERS: dict[str, str] = {"zh": "、", "en": "; "}
_BOOLS: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}
#: Workbook and zip-entry time when ``about`` gives no ``generated_at``: same inputs, same bytes.
_FIXED_TIME = dt.datetime(2000, 1, 1)
_CORE_PROPERTIES = "docProps/core.xml"
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_BOLD = Font(bold=True)
#: Excel number format -> the Python format that shows a number about as wide, for column widths.
_WIDTH_FORMATS: dict[str, str] = {
    "#,##0.0": ",.1f",
    "#,##0": ",.0f",
    "0.0%": ".1%",
    "0.000": ".3f",
    "0.0": ".1f",
}

_CellValue = str | int | float | dt.date | None


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

    ``columns`` are report column keys (:data:`chain.labels.COLUMNS`). A key that the frame holds only
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
    sheet names and columns (:data:`SEGMENT_COLUMNS`, :data:`TARGET_COLUMNS`, :data:`PAIR_COLUMNS`)."""
    title_zh, title_en, columns = _STANDARD[key]
    return ExportTable(key, title_zh, title_en, frame, columns)


def about_settings(settings: AnalysisSettings) -> dict[str, object]:
    """The analysis settings as About-sheet rows: thresholds, then every score weight as ``group.name``.

    >>> about_settings(AnalysisSettings())["target_weights.value"]
    0.35
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
    filter, column widths from its content and the number formats of :data:`NUMBER_FORMATS`. Every text
    cell is neutralised (:func:`neutralise`) and stored as text, never as a formula. The bytes depend only
    on the inputs: file times come from ``about["generated_at"]`` when it is a datetime, else a fixed date.
    """
    lang = _check_lang(lang)
    titles = [ABOUT_TITLE[lang], *(t.title(lang) for t in tables)]
    folded = [t.casefold() for t in titles]
    if len(set(folded)) != len(folded):
        raise ValueError(f"sheet names must differ: {titles}")

    stamp = _file_time(about.get("generated_at"))
    book = Workbook(write_only=True)
    book.properties.created = stamp
    book.properties.modified = stamp

    about_columns = [
        [labels.label(k, lang, ABOUT_KEYS) for k in about],
        [_display(v, lang) for v in about.values()],
    ]
    _write_sheet(book, ABOUT_TITLE[lang], list(_ABOUT_HEADERS[lang]), about_columns, [None, None], False)
    for table in tables:
        headers = [labels.label(k, lang) for k in table.columns]
        frame = _worded(table, lang)
        columns = [_column_values(frame, k, lang) for k in table.columns]
        formats = [NUMBER_FORMATS.get(k) for k in table.columns]
        _write_sheet(book, table.title(lang), headers, columns, formats, True)

    raw = io.BytesIO()
    book.save(raw)
    # Saving stamps "modified" with the wall clock; the document properties are written again as given.
    book.properties.modified = stamp
    return _with_fixed_times(raw.getvalue(), stamp, {_CORE_PROPERTIES: tostring(book.properties.to_tree())})


def to_csv(table: ExportTable, lang: str = "zh") -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends.

    Headers, value names and neutralisation are those of :func:`to_xlsx`; numbers are plain numbers
    (``-1234.5``), empty values empty fields.
    """
    lang = _check_lang(lang)
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(_csv_field(labels.label(k, lang)) for k in table.columns)
    frame = _worded(table, lang)
    columns = [_column_values(frame, k, lang) for k in table.columns]
    writer.writerows([_csv_field(v) for v in row] for row in zip(*columns, strict=True))
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")


def _worded(table: ExportTable, lang: _Lang) -> pd.DataFrame:
    """The table's frame with its reason codes as sentences in ``lang`` (:func:`chain.reasons.in_words`)."""
    return reasons.in_words(table.frame, lang, table.key if table.key in reasons.TABLES else None)  # type: ignore[arg-type]


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
    """The display values of one report column: names for keys, joined lists, 是/否, None for missing."""
    source = key if key in frame.columns else f"{key}_{lang}"
    names = _VALUE_NAMES.get(key)
    column = frame[source]
    if column.dtype == np.float64:
        # The common case at a glance: a float is itself, NaN and infinity an empty cell (see _display).
        values = column.to_numpy()
        return [
            v if finite else None
            for v, finite in zip(values.tolist(), np.isfinite(values).tolist(), strict=True)
        ]
    if column.dtype == np.int64:
        return column.tolist()
    return [_display(v, lang, names) for v in column.tolist()]


def _display(value: object, lang: _Lang, names: Mapping[str, tuple[str, str]] | None = None) -> _CellValue:
    """One cell as Excel and CSV show it, before neutralisation."""
    if isinstance(value, str):
        if names is not None and value in names:
            return labels.label(value, lang, names)  # type: ignore[arg-type]
        return value
    if isinstance(value, tuple | list):
        return _JOINERS[lang].join(_text(_display(item, lang, names)) for item in value)
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, bool):
        return _BOOLS[lang][0 if value else 1]
    if isinstance(value, int | float):
        # numpy scalars become Python numbers; Excel has no NaN or infinity: those cells stay empty.
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, bool):
            return _BOOLS[lang][0 if number else 1]
        if isinstance(number, float) and not math.isfinite(number):
            return None
        return number
    if hasattr(value, "item") and hasattr(value, "dtype"):
        return _display(value.item(), lang, names)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        # Excel has no time zones: an aware time is kept as ISO text so its offset is not lost.
        return value.isoformat(sep=" ") if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    return str(value)


def _text(value: _CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
        return _text(value)
    return "" if value is None else value


@lru_cache(maxsize=8192)
def _text_width(text: str) -> int:
    """Display width of text in Excel's character units: wide (CJK) characters count double."""
    if text.isascii():
        return max(len(line) for line in text.split("\n"))
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        for line in text.split("\n")
    )


def _cell_width(value: _CellValue, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return _text_width(value)
    if isinstance(value, bool | dt.date):
        return len(_text(value))
    return len(format(value, _WIDTH_FORMATS.get(number_format or "", "")))


def _column_width(header: str, values: Iterable[_CellValue], number_format: str | None) -> float:
    return min(max(_text_width(header), _widest(values, number_format), _MIN_WIDTH) + 2, _MAX_WIDTH)


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
        widest = max(widest, _text_width(text))
    return widest


def _write_sheet(
    book: Workbook,
    title: str,
    headers: list[str],
    columns: list[list[_CellValue]],
    formats: list[str | None],
    filtered: bool,
) -> None:
    """Append one sheet: bold header row, widths from content, formats per column, text stored as text."""
    sheet = book.create_sheet(title)
    n_rows = len(columns[0]) if columns else 0
    # openpyxl writes the sheet view and column widths with the first row, so they are set before it.
    for i, (header, values, number_format) in enumerate(zip(headers, columns, formats, strict=True), 1):
        sheet.column_dimensions[get_column_letter(i)].width = _column_width(header, values, number_format)
    if filtered:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n_rows + 1}"

    header_cells = []
    for header in headers:
        safe = neutralise(_clean_text(header))
        # An empty header is an empty cell, still bold; any other is stored as text, never a formula.
        cell = _Cell(sheet, row=1, column=1, value=safe or None)
        if safe:
            cell.data_type = "s"
        cell.font = _BOLD
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in zip(*columns, strict=True):
        sheet.append([_xlsx_cell(sheet, v, f) for v, f in zip(row, formats, strict=True)])


class _Cell(Cell):
    """A write-only cell with a cheap ``repr``. openpyxl's write-only sheet first tries every appended
    value as a plain value, and a cell fails that with an error message holding the cell's ``repr``
    (its sheet title and coordinate) before it is written as it is: formatting that message was a
    good part of the cost of every styled cell. The cell written is the same."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cell>"


def _text_cell(sheet: object, text: str) -> object:
    safe = neutralise(_clean_text(text))
    if not safe:
        # An empty text is an empty cell: openpyxl would write an inline string with no text.
        return None
    if not safe.startswith("=") and safe not in ERROR_CODES:
        # openpyxl stores any other str as an inline string, as the forced cell below would be; the
        # plain value skips creating a cell object per text cell.
        return safe
    # Force text: openpyxl would otherwise store "=..." as a formula and "#N/A" as an error value.
    cell = _Cell(sheet, row=1, column=1, value=safe)
    cell.data_type = "s"
    return cell


def _xlsx_cell(sheet: object, value: _CellValue, number_format: str | None) -> object:
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if number_format is not None and isinstance(value, int | float):
        cell = _Cell(sheet, row=1, column=1, value=value)
        cell.number_format = number_format
        return cell
    return value


def _file_time(generated_at: object) -> dt.datetime:
    """The workbook's created/modified time: ``generated_at`` in UTC without zone, else a fixed date."""
    if isinstance(generated_at, dt.datetime):
        if generated_at.tzinfo is not None:
            generated_at = generated_at.astimezone(dt.UTC).replace(tzinfo=None)
        stamp = generated_at.replace(microsecond=0)
    elif isinstance(generated_at, dt.date):
        stamp = dt.datetime(generated_at.year, generated_at.month, generated_at.day)
    else:
        stamp = _FIXED_TIME
    # Zip entries cannot be dated before 1980.
    return max(stamp, dt.datetime(1980, 1, 1))


def _with_fixed_times(data: bytes, stamp: dt.datetime, replace: Mapping[str, bytes]) -> bytes:
    """The same zip with every entry dated ``stamp``, the same attributes on every platform, and the
    entries named in ``replace`` replaced.

    openpyxl dates its zip entries with the wall clock (and sheet entries with temp-file times), so
    two identical exports would otherwise differ in bytes.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            target.writestr(entry, replace.get(info.filename) or source.read(info))
    return out.getvalue()

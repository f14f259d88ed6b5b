"""Guard, read and validate a chain workbook: the validated ChainData, or every problem found at once."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import html
import io
import logging
import math
import operator
import os
import posixpath
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import fastexcel
import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine
from openpyxl.utils import column_index_from_string, get_column_letter
from rapidfuzz import fuzz

from chain import geo, schema
from chain.credit_code import valid_credit_codes
from chain.guard import GUARD_CODES, inspect_bytes
from chain.model import ChainData, LoadResult
from chain.names import all_plain, closest, name_core, name_key
from chain.numbers import amount
from chain.problems import Problem, problem
from chain.settings import Limits, ReadSettings

__all__ = ["REFUSAL_CODES", "cell_text", "load_workbook", "parse_date", "parse_number"]

#: Codes that refuse the file as a whole (the guard's, and a parser's failure): nothing else was checked.
REFUSAL_CODES = GUARD_CODES | frozenset({"parse_failed", "parse_timeout", "parse_memory"})

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.IGNORECASE)
_DATE_DASHED = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})
_BLANK = object()
_BAD = object()
_PLACEHOLDER = object()
_MAX_LISTED_RANGES = 20
# fastexcel passes its Rust code's warnings about a file to Python's logging (a column with no cell to tell
# its type, more rows than Excel's maximum): the loader reports what matters about a file itself, located and
# in the user's language, so those would only be noise on a console or in a server's log.
for _logger in ("fastexcel", "calamine"):
    logging.getLogger(_logger).setLevel(logging.ERROR)
#: XML of the largest sheet from which it is read as columns by fastexcel, in a thread beside the other
#: sheets (see _read_book); below it, the thread costs about what it saves.
_COLUMNAR_BYTES = 4 * 1024 * 1024
#: Bytes at the head of a sheet's XML that must hold its first cell with a value for the columnar read.
_FIRST_CELL_WINDOW = 64 * 1024
_MAX_LISTED_NAMES = 12
#: Firms a segment needs before its own median output per employee is the yardstick (else the chain's).
_SEGMENT_PEERS = 4
#: Sheets the first checks read (settings, template, enterprises), which wait for them when still being read.
_FIRST_CHECKED = frozenset({"settings", "template", "enterprises"})
#: The placeholder marks, as the Arrow value set a text column is matched against.
_PLACEHOLDER_VALUES = pa.array(sorted(schema.PLACEHOLDER_FORMS), pa.large_string())
_PLACEHOLDER_OR_EMPTY = pa.array(["", *sorted(schema.PLACEHOLDER_FORMS)], pa.large_string())
_EMPTY = pa.scalar("", pa.large_string())
#: Rounds of leaving rows out: each can put rows in error that referred to rows left out before.
_MAX_EXCLUSION_ROUNDS = 5
#: Errors about one data row, which the user may choose to leave out of the analysis.
_ROW_CODES = frozenset(
    {
        "required_blank",
        "not_a_number",
        "not_an_integer",
        "out_of_range",
        "negative",
        "not_a_date",
        "bad_choice",
        "bad_bool",
        "duplicate_name",
        "unknown_segment",
        "self_link",
        "region_missing",
        "unresolved_segment",
        "duplicate_segment",
        "unknown_input",
        "similar_to_local",
        "refers_to_left_out",
    }
)
#: Rows at the top of a sheet searched for its header (a title, a date line or a group row may sit above).
_HEADER_SEARCH_ROWS = 10
#: RapidFuzz similarity (0..100) at which an unknown header is said to look like a schema column.
_SUGGEST_SCORE = 70.0
#: Excel serial numbers read as dates in a date column: 1954-10-03 .. 2119-01-10 (1900 date system).
_SERIAL_DATES = (20_000.0, 80_000.0)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NUMBER_WITH_UNIT = re.compile(r"(?P<number>[+-]?[\d,.]+)(?P<unit>[^\d,.]+)")
_LARGEST_INTEGER = 2.0**53

#: Column kind -> dtype of its frame column.
_DTYPES = {
    "text": "str",
    "credit_code": "str",
    "choice": "str",
    "number": "float64",
    "integer": "int64",
    "bool": "bool",
    "date": "object",
    "list": "object",
}
#: Settings keys as a sheet of columns, so that money keys match with a unit like the columns do.
_SETTING_COLUMNS = schema.Sheet(
    "setting_keys",
    "设置项",
    required=False,
    columns=tuple(schema.Column(s.key, s.zh, kind=s.kind, money=s.money) for s in schema.SETTING_KEYS),
)


def load_workbook(
    source: bytes | str | os.PathLike[str],
    *,
    limits: Limits = Limits(),
    source_name: str | None = None,
    skip_error_rows: bool = False,
    rules: ReadSettings = ReadSettings(),
    guarded: bool = False,
) -> LoadResult:
    """The *load result* of a workbook: its validated data, or None and every error found, plus warnings.

    Parameters
    ----------
    source : the workbook's bytes, or a path to read them from (a missing path raises OSError).
    limits : what the bytes may cost before they are refused (see :func:`chain.guard.check_bytes`).
    source_name : the display name kept in ``ChainData.source``; defaults to the path's file name.
    skip_error_rows : the user's explicit choice to analyse without the rows in error, when every error
        sits on a row of a required sheet (``LoadResult.skippable_rows``). The rows left out, and why, are
        ``ChainData.excluded``; leaving a row out can put others in error (a link to a firm left out), and
        those are left out too, each named.
    rules : thresholds of what is suspicious (see :class:`chain.settings.ReadSettings`).
    guarded : the bytes have passed :func:`chain.guard.check_bytes` under ``limits`` already, so the guard
        is not run twice: only for :mod:`chain.isolate`'s parse child, whose server guards every upload
        before sending it (``parse_upload``).

    Bytes never make it raise: a refusal or a parser failure is a single error.

    >>> load_workbook(b"not a workbook").errors[0].code
    'not_xlsx'
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = source_name or ""
    else:
        path = Path(source)
        data = path.read_bytes()
        name = source_name or path.name
    unpacked: Mapping[str, bytes] = {}
    if not guarded:
        # The sheets the guard unpacked whole are looked at again from its copy (see _scan_xml).
        inspection = inspect_bytes(data, limits)
        if inspection.problem is not None:
            return LoadResult(None, errors=(inspection.problem,))
        unpacked = inspection.sheets
    with _collector_paused():
        return _load(data, name, skip_error_rows, rules, unpacked)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a workbook is read: the grids are hundreds of thousands
    of row lists that hold no cycle, and collecting them again and again as they are built costs about 7 %
    of a full-scale load. Resumed afterwards only if it was running (a caller's own pause is kept)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _load(
    data: bytes, name: str, skip_error_rows: bool, rules: ReadSettings, unpacked: Mapping[str, bytes]
) -> LoadResult:
    try:
        book = _read_book(data, unpacked)
    except (KeyboardInterrupt, SystemExit):
        raise
    # Any parser failure is a message about the file, never a crash; a panic in calamine's Rust code
    # (pyo3's PanicException) derives from BaseException, not Exception.
    except BaseException as exc:
        return LoadResult(None, errors=(problem("parse_failed", "", detail=_detail(exc)),))
    try:
        result = _Validator(book, name, rules, keep_grids=skip_error_rows).run()
        if skip_error_rows and result.skippable_rows:
            result = _without_error_rows(book, name, rules, result)
        return result
    except _ReadFailed as failed:  # a sheet read while the others were checked: a reader's failure still
        return LoadResult(None, errors=(problem("parse_failed", "", detail=_detail(failed.__cause__)),))
    except Exception as exc:  # last resort: the caller gets a problem to show, never a traceback
        return LoadResult(None, errors=(problem("parse_failed", "", detail=_detail(exc)),))


def _without_error_rows(book: _Book, name: str, rules: ReadSettings, result: LoadResult) -> LoadResult:
    """Validate again without the rows in error, until no error is left or one can't be left out."""
    excluded = list(result.errors)
    omit: dict[str, set[int]] = {}
    for _ in range(_MAX_EXCLUSION_ROUNDS):
        for sheet, row in result.skippable_rows:
            omit.setdefault(sheet, set()).add(row)
        result = _Validator(book, name, rules, omit, keep_grids=True).run()
        if result.data is not None:
            return dataclasses.replace(
                result, data=dataclasses.replace(result.data, excluded=tuple(excluded))
            )
        if not result.skippable_rows:
            return result
        excluded.extend(result.errors)
    return result


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


# Reading


@dataclass
class _Book:
    """The sheets of a workbook that the schema knows, as grids of calamine values, in file order."""

    #: Every sheet name of the file, in order.
    names: list[str]
    #: File sheet name -> schema sheet, for the sheets the schema knows (first of each kind).
    matched: dict[str, schema.Sheet]
    #: File sheet name -> its cells: calamine's list of rows, or the same cells as columns (_ColumnGrid).
    grids: dict[str, Sequence[list[Any]]]
    problems: list[Problem]
    #: File sheet name -> what only the file's XML tells (xlsx only; empty for .xls and .ods).
    xml: dict[str, _SheetXml]
    #: File sheet name -> merged ranges as ((first row, first col), (last row, last col)), 0-based.
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]
    #: File sheet name -> what finishes reading a sheet still being read (the columnar one): its grid and
    #: merged ranges. The other sheets are checked meanwhile.
    pending: dict[
        str, Callable[[], tuple[Sequence[list[Any]], list[tuple[tuple[int, int], tuple[int, int]]]]]
    ] = field(default_factory=dict)

    def grid(self, name: str, keep: bool = False) -> Sequence[list[Any]]:
        """The grid of sheet ``name``, once it is read; handed over (no longer held here) unless ``keep``.
        A read that fails here raises :class:`_ReadFailed`, which the load reports as it reports any."""
        finish = self.pending.pop(name, None)
        if finish is not None:
            try:
                self.grids[name], self.merged[name] = finish()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a panic in calamine's Rust code is a BaseException
                raise _ReadFailed from exc
        return self.grids[name] if keep else self.grids.pop(name)


class _ReadFailed(Exception):
    """Reading a sheet failed after the load had started checking the others (its cause says why)."""


@dataclass
class _SheetXml:
    """What calamine does not tell about a sheet and its XML does."""

    #: Cells calamine reads as blank although they hold something: (row0, col0, code, value).
    odd_cells: list[tuple[int, int, str, str | None]] = field(default_factory=list)
    #: 0-based rows hidden in Excel.
    hidden_rows: set[int] = field(default_factory=set)
    #: (row0, col0) of cells shown as a percentage (a number format with %).
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    #: Whether the sheet may have merged cells (its XML mentions them).
    merges: bool = False


def _read_book(data: bytes, unpacked: Mapping[str, bytes] = {}) -> _Book:
    """The known sheets as grids of calamine's Python values (float, str, bool, datetime); ``unpacked``:
    worksheets' XML already unpacked by the guard, by zip member.

    The largest sheet (the links, in a county's workbook), from ``_COLUMNAR_BYTES`` of XML, is read as
    columns by fastexcel in a thread while calamine reads the other sheets: fastexcel's parse lets go of the
    GIL, so the two share the machine's cores, and a column arrives as one list, which the loader's passes
    walk far faster than the same cells scattered over a list per row. Its grid is the very grid calamine
    reads (same values, same places, :class:`_ColumnGrid`); where that cannot be made sure of (a sheet not
    starting at A1, a header the schema does not know, a column of mixed or other types, merged, formula or
    error cells), calamine reads the sheet as it reads the others.

    fastexcel's typing is trusted only where it is strict: a column mixing texts and numbers (a "约500"
    among amounts, which must be reported, not emptied; read as strings, numbers would be rewritten) makes
    it refuse the sheet, and calamine's Python values, which keep each cell's type, are read instead.
    """
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    found: list[Problem] = []
    names = list(workbook.sheet_names)
    metas = {meta.name: meta for meta in workbook.sheets_metadata}
    matched = _match_sheets(names, found)
    for name in list(matched):
        meta = metas.get(name)
        if meta is not None and meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            del matched[name]
            continue
        if meta is not None and meta.visible != python_calamine.SheetVisibleEnum.Visible:
            found.append(problem("hidden_sheet", name))
    columnar = _columnar_candidate(data, matched)
    reader = _ColumnReader(data, *columnar, matched[columnar[0]]) if columnar is not None else None
    grids: dict[str, Sequence[list[Any]]] = {}
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    percent_sheets = [n for n, s in matched.items() if any(c.unit == "percent" for c in s.columns)]
    try:
        for name in matched:
            if reader is None or name != reader.name:
                grids[name], merged[name] = _read_sheet(workbook, name)
        # Not an xlsx (.xls, .ods), or an odd one: calamine has read the values all the same.
        try:
            xml = _scan_xml(data, list(matched), percent_sheets, unpacked)
        except Exception:
            xml = {}
    except BaseException:
        if reader is not None:
            reader.result()  # the thread ends before the failure goes on
        raise
    pending = {}
    if reader is not None:
        pending[reader.name] = functools.partial(_finish_columns, reader, workbook, xml.get(reader.name))
    for sheet in schema.SHEETS:
        if sheet.required and sheet not in matched.values():
            closest = _closest_sheet(sheet, [n for n in names if n not in matched])
            found.append(
                problem(
                    "missing_sheet",
                    sheet.zh,
                    expected_zh=sheet.zh,
                    expected_en=sheet.en,
                    found="、".join(names) or "—",
                    closest=closest or "—",
                )
            )
    return _Book(names, matched, grids, found, xml, merged, pending)


def _finish_columns(
    reader: _ColumnReader, workbook: python_calamine.CalamineWorkbook, look: _SheetXml | None
) -> tuple[Sequence[list[Any]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The columnar sheet's grid once its thread is done; calamine's when the thread gave none or the XML
    shows cells the columnar read does not take (merged, formula or error cells)."""
    columns = reader.result()
    if columns is None or (look is not None and (look.odd_cells or look.merges)):
        return _read_sheet(workbook, reader.name)
    return columns, []


def _read_sheet(
    workbook: python_calamine.CalamineWorkbook, name: str
) -> tuple[list[list[Any]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A sheet's rows as calamine reads them, from A1, and its merged ranges."""
    sheet = workbook.get_sheet_by_name(name)
    return sheet.to_python(skip_empty_area=False), list(sheet.merged_cell_ranges or ())


def _columnar_candidate(data: bytes, matched: Mapping[str, schema.Sheet]) -> tuple[str, str] | None:
    """(name, zip member) of the sheet to read as columns: the one with the most XML, from
    ``_COLUMNAR_BYTES`` of it; None when none is that large or the file is not an xlsx."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _sheet_members(archive)
            sizes = {name: archive.getinfo(members[name]).file_size for name in matched if name in members}
    except Exception:
        return None
    if not sizes:
        return None
    largest = max(sizes, key=sizes.__getitem__)
    return (largest, members[largest]) if sizes[largest] >= _COLUMNAR_BYTES else None


class _ColumnReader:
    """One sheet read as columns (:func:`_read_columns`) in a thread; :meth:`result` waits for it."""

    def __init__(self, data: bytes, name: str, member: str, sheet: schema.Sheet) -> None:
        self.name = name
        self._columns: _ColumnGrid | None = None
        self._thread = threading.Thread(
            target=self._run, args=(data, member, sheet), name="chain-columnar-read", daemon=True
        )
        self._thread.start()

    def _run(self, data: bytes, member: str, sheet: schema.Sheet) -> None:
        # Whatever stops it (a panic in Rust is a BaseException), calamine reads the sheet instead.
        with contextlib.suppress(BaseException):
            self._columns = _read_columns(data, self.name, member, sheet)

    def result(self) -> _ColumnGrid | None:
        self._thread.join()
        return self._columns


def _read_columns(data: bytes, name: str, member: str, sheet: schema.Sheet) -> _ColumnGrid | None:
    """The sheet's grid, read as columns by fastexcel, or None when it might differ from calamine's grid.

    The grid is calamine's when: the sheet's first cell with a value is A1 (calamine's grid starts at A1,
    fastexcel's at the first cell); every cell of row 1 names a column of the schema (fastexcel makes row 1
    its column names: an empty or repeated one would be renamed); and each column below holds one type,
    text or number (fastexcel ``strict`` refuses a mix, over every row).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as stream:
        head = stream.read(_FIRST_CELL_WINDOW)
    if _first_value_cell(head) != (0, 0):
        return None
    try:
        # Eager: straight into Arrow, with the GIL let go for nearly all of it.
        batch = fastexcel.read_excel(data).load_sheet(
            name, header_row=0, schema_sample_rows=None, dtype_coercion="strict", eager=True
        )
    except Exception:  # a column of mixed types, or a sheet fastexcel cannot read: calamine's turn
        return None
    headers = list(batch.schema.names)
    if any(schema.match_column(sheet, header.strip()) is None for header in headers):
        return None
    columns: list[list[Any]] = []
    for header, array in zip(headers, batch.columns, strict=True):
        values = _python_values(array)
        if values is None:
            return None
        values.insert(0, header)
        columns.append(values)
    return _ColumnGrid(columns)


#: A cell element and, when it is not empty, its content.
_CELL_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")


def _first_value_cell(head: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of the first cell with a value in the head of a sheet's XML; None when the
    head holds none (or the cell gives no reference).

    >>> _first_value_cell(b'<row r="1"><c r="A1" s="2"/><c r="B1" t="s"><v>0</v></c></row>')
    (0, 1)
    >>> _first_value_cell(b'<row r="2"><c r="A2"><v>1</v></c></row>')
    (1, 0)
    """
    for match in _CELL_ELEMENT.finditer(head):
        content = match.group(2)
        if content is None or not _HAS_VALUE.search(content):
            continue
        ref = _REF.search(match.group(1))
        if ref is None:
            return None
        return int(ref.group(2)) - 1, column_index_from_string(ref.group(1).decode()) - 1
    return None


def _python_values(array: pa.Array) -> list[Any] | None:
    """A fastexcel column as calamine's Python values: texts, floats, and "" for an empty cell; None for a
    column of another type (dates, booleans), which calamine reads instead."""
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pc.fill_null(array, "").to_pylist()  # type: ignore[no-any-return]
    if pa.types.is_null(kind):
        return [""] * len(array)
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        return None
    values: list[Any] = array.cast(pa.float64()).to_pylist()
    if array.null_count:
        for index in np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False)).tolist():
            values[index] = ""
    return values


class _ColumnGrid(Sequence[list[Any]]):
    """A sheet held as columns that answers as calamine's list of rows where the loader asks for rows (a row
    by position, built when asked: the header, a row whose first cell is blank; a slice of rows, a view),
    and gives a column as the list it is (:meth:`column`), with no list per row to walk.

    >>> grid = _ColumnGrid([["名称", "甲", "乙"], ["产值", 1.0, ""]])
    >>> len(grid), grid[0], grid[1:].column(1), grid[1:][1]
    (3, ['名称', '产值'], [1.0, ''], ['乙', ''])
    """

    def __init__(self, columns: list[list[Any]], rows: range | list[int] | None = None) -> None:
        self.columns = columns
        self.rows: range | list[int] = range(len(columns[0]) if columns else 0) if rows is None else rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return _ColumnGrid(self.columns, self.rows[position])
        row = self.rows[position]
        return [column[row] for column in self.columns]

    def column(self, index: int) -> list[Any]:
        """The cells of column ``index`` in this grid's rows, as a new list."""
        values, rows = self.columns[index], self.rows
        if isinstance(rows, range) and rows.step == 1:
            return values[rows.start : rows.stop]
        return list(map(values.__getitem__, rows))

    def take(self, positions: Iterable[int]) -> _ColumnGrid:
        """The rows at ``positions`` (of this grid), in that order."""
        return _ColumnGrid(self.columns, [self.rows[position] for position in positions])


def _columns_of(rows: Sequence[list[Any]], width: int) -> list[Sequence[Any]]:
    """Each column of ``rows``: the lists of a :class:`_ColumnGrid`, views (:class:`_Column`) of a list of rows."""
    if isinstance(rows, _ColumnGrid):
        return [rows.column(index) for index in range(width)]
    return [_Column(rows, index) for index in range(width)]


def _take(rows: Sequence[list[Any]], positions: list[int]) -> Sequence[list[Any]]:
    return rows.take(positions) if isinstance(rows, _ColumnGrid) else [rows[i] for i in positions]


def _match_sheets(names: list[str], found: list[Problem]) -> dict[str, schema.Sheet]:
    """File sheet name -> schema sheet: by exact name first, then by the one schema name a sheet's name
    contains (企业名单, 1.产业链图谱), each such reading a warning; two sheets for one schema sheet an error."""
    matched: dict[str, schema.Sheet] = {}
    for name in names:
        sheet = schema.match_sheet(name)
        if sheet is None:
            continue
        if sheet in matched.values():
            found.append(problem("duplicate_sheet", name, expected_zh=sheet.zh, expected_en=sheet.en))
            continue
        matched[name] = sheet
    taken = set(matched.values())
    for name in names:
        if name in matched or schema.match_sheet(name) is not None:
            continue
        candidates = [sheet for sheet in schema.sheets_named_in(name) if sheet not in taken]
        if len(candidates) > 1:
            found.append(problem("sheet_ambiguous", name, choices="、".join(c.zh for c in candidates)))
            continue
        if not candidates:
            continue
        (sheet,) = candidates
        if sheet in matched.values():
            other = next(n for n, s in matched.items() if s == sheet)
            found.append(problem("sheet_ambiguous", name, choices=f"{sheet.zh}（{other}）"))
            continue
        matched[name] = sheet
        found.append(problem("sheet_read_as", name, expected_zh=sheet.zh, expected_en=sheet.en))
    return matched


def _closest_sheet(sheet: schema.Sheet, names: list[str]) -> str | None:
    """The file's sheet name most like a missing schema sheet's, if any is alike at all."""
    folded = {name: schema.fold(name) for name in names}
    best: tuple[float, str] | None = None
    for name, text in folded.items():
        score = max(fuzz.ratio(text, schema.fold(sheet.zh)), fuzz.ratio(text, schema.fold(sheet.en)))
        if score >= 50 and (best is None or score > best[0]):
            best = (score, name)
    return best[1] if best else None


# What only the XML tells: formula and error cells (calamine reads both as ""), hidden rows, % formats.

_CELL_STARTS = (b"<c ", b"<c>")
_LOOK_BACK = 1024
_TRIGGERS = (b"<f", b":f", b'="e"', b"='e'")
#: Above this many ``f`` (or ``e``) bytes in a chunk, searching for the triggers beats looking at each.
_FEW_HITS = 2000
#: What a sheet's XML says when it has merged cells (the merge list after the cells, <mergeCells>).
_MERGE = b"mergeCell"
_HIDDEN_TRIGGERS = (b'hidden="1"', b"hidden='1'", b'hidden="true"', b"hidden='true'")
_REF = re.compile(rb'\br\s*=\s*["\']([A-Z]+)(\d+)["\']')
_TYPE = re.compile(rb'\bt\s*=\s*["\'](\w+)["\']')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_ROW_REF = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\shidden\s*=\s*[\"'](?:1|true)[\"'][^>]*>")
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_XF_BLOCK = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")
_ATTR = re.compile(rb'(\w+)\s*=\s*["\']([^"\']*)["\']')
#: Built-in number formats that show a percentage: 0% and 0.00%.
_PERCENT_BUILTIN = frozenset({9, 10})


def _scan_xml(
    data: bytes, sheet_names: list[str], percent_sheets: list[str], unpacked: Mapping[str, bytes] = {}
) -> dict[str, _SheetXml]:
    """Formula cells without a cached value, error cells, hidden rows and (for ``percent_sheets``) cells in
    a % number format, by sheet name. One pass decides whether a sheet needs a closer look: over the XML
    the guard unpacked (``unpacked``, by zip member), else streamed from the zip."""
    found: dict[str, _SheetXml] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = _sheet_members(archive)
        styles = _percent_styles(archive)
        for name in sheet_names:
            member = members.get(name)
            if member is None:
                continue
            xml = unpacked.get(member)
            if xml is None:
                odd, hidden, merges = _mentions(archive, member)
            else:
                odd, hidden, merges = _may_hold_odd_cell(xml), _may_hide_rows(xml), _MERGE in xml
            wants_percent = bool(styles) and name in percent_sheets
            if not (odd or hidden or wants_percent or merges):
                continue
            if (odd or hidden or wants_percent) and xml is None:
                xml = archive.read(member)
            found[name] = _SheetXml(
                _scan_sheet(xml) if odd else [],
                _hidden_rows(xml) if hidden else set(),
                _styled_cells(xml, styles) if wants_percent else set(),
                merges,
            )
    return found


def _mentions(archive: zipfile.ZipFile, member: str) -> tuple[bool, bool, bool]:
    """Whether a sheet's XML may hold a formula or error cell, a hidden row, and merged cells: streamed
    substring searches."""
    tail = b""
    odd = hidden = merges = False
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            odd = odd or _may_hold_odd_cell(window)
            hidden = hidden or _may_hide_rows(window)
            merges = merges or _MERGE in window
            if odd and hidden and merges:
                break
            tail = window[-16:]
    return odd, hidden, merges


def _may_hide_rows(window: bytes) -> bool:
    """Whether ``window`` may mark a row hidden: rare enough that finding the word decides whether the exact
    forms are looked for. Cell XML seldom has an ``h`` (a row height, a few tags), so the word is found
    through each ``h`` (``memchr``); past a few thousand of them, by searching for it whole.

    >>> _may_hide_rows(b'<row r="2" ht="20"><c r="A2"/></row><row r="3" hidden="1">')
    True
    >>> _may_hide_rows(b'<row r="2" ht="20"><c r="A2"/></row><sheetView hidden="0">')
    False
    """
    position = window.find(b"h")
    for _ in range(_FEW_HITS):
        if position == -1:
            return False
        if window.startswith(b"hidden", position):
            break
        position = window.find(b"h", position + 1)
    else:
        if b"hidden" not in window:
            return False
    return any(trigger in window for trigger in _HIDDEN_TRIGGERS)


def _may_hold_odd_cell(window: bytes) -> bool:
    """Whether ``window`` holds one of :data:`_TRIGGERS`. Cell XML rarely has an ``f`` or an ``e`` (shared
    strings keep the text elsewhere), so each is found with ``memchr`` and looked at; past a few thousand
    of them (inline strings) the triggers themselves are searched for."""
    for char, before, after, triggers in ((b"f", 1, 1, _TRIGGERS[:2]), (b"e", 2, 2, _TRIGGERS[2:])):
        position = window.find(char)
        for _ in range(_FEW_HITS):
            if position == -1:
                break
            if window[max(0, position - before) : position + after] in triggers:
                return True
            position = window.find(char, position + 1)
        else:
            if any(trigger in window for trigger in triggers):
                return True
    return False


def _hidden_rows(xml: bytes) -> set[int]:
    rows = set()
    for match in _HIDDEN_ROW.finditer(xml):
        ref = _ROW_REF.search(match.group(0))
        if ref is not None:
            rows.add(int(ref.group(1)) - 1)
    return rows


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell formats (``s=`` of a cell) whose number format shows a percentage."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    percent_ids = set(_PERCENT_BUILTIN)
    for tag in _NUM_FMT.findall(styles):
        attrs = dict(_ATTR.findall(tag))
        code = _xml_text(attrs.get(b"formatCode", b""))
        # A % outside quotes and brackets is a percentage format ("0.0%"; not "0.0\"%\"" or "[Red]").
        if "%" in re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code):
            with contextlib.suppress(ValueError):
                percent_ids.add(int(attrs.get(b"numFmtId", b"-1")))
    block = _XF_BLOCK.search(styles)
    if block is None:
        return frozenset()
    indices = set()
    for index, tag in enumerate(_XF.findall(block.group(0))):
        with contextlib.suppress(ValueError):
            if int(dict(_ATTR.findall(tag)).get(b"numFmtId", b"0")) in percent_ids:
                indices.add(index)
    return frozenset(indices)


def _styled_cells(xml: bytes, styles: frozenset[int]) -> set[tuple[int, int]]:
    """(row0, col0) of the cells whose style index is one of ``styles`` (reference written before style)."""
    pattern = re.compile(
        rb'<(?:\w+:)?c\s[^>]*?\br\s*=\s*["\']([A-Z]+)(\d+)["\'][^>]*?\bs\s*=\s*["\'](?:'
        + b"|".join(str(index).encode() for index in sorted(styles))
        + rb')["\']'
    )
    return {
        (int(row) - 1, column_index_from_string(letters.decode()) - 1)
        for letters, row in pattern.findall(xml)
    }


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from the workbook part and its relationships."""
    root_rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    book_part = next(
        (
            rel.get("Target", "")
            for rel in root_rels
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target")
        ),
        "xl/workbook.xml",
    ).lstrip("/")
    folder = posixpath.dirname(book_part)
    rels_part = posixpath.join(folder, "_rels", posixpath.basename(book_part) + ".rels")
    targets = {}
    for rel in ElementTree.fromstring(archive.read(rels_part)):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    members = {}
    for element in ElementTree.fromstring(archive.read(book_part)).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        if rel_id in targets:
            members[element.get("name", "")] = targets[rel_id]
    return members


def _scan_sheet(xml: bytes) -> list[tuple[int, int, str, str | None]]:
    """(row0, col0, code, value) of each formula cell without a cached value and each error cell."""
    starts: set[int] = set()
    for trigger in _TRIGGERS:
        position = xml.find(trigger)
        while position != -1:
            if trigger == b"<f" and _has_cached_value(xml, position):
                position = xml.find(trigger, position + 1)
                continue
            # A formula or an error type sits just after its cell's start: a short look back finds it.
            floor = max(0, position - _LOOK_BACK)
            start = max(xml.rfind(tag, floor, position) for tag in _CELL_STARTS)
            prefixed = xml.rfind(b":c ", floor, position)
            if prefixed > start:
                start = xml.rfind(b"<", floor, prefixed)
            if start != -1:
                starts.add(start)
            position = xml.find(trigger, position + 1)
    cells = []
    for start in sorted(starts):
        tag_end = xml.find(b">", start)
        if tag_end == -1 or xml[tag_end - 1 : tag_end] == b"/":
            continue
        match = _CELL_END.search(xml, tag_end)
        if match is None:
            continue
        start_tag, body = xml[start : tag_end + 1], xml[tag_end + 1 : match.start()]
        if _CELL_TAG.match(start_tag) is None:
            continue
        kind = _TYPE.search(start_tag)
        value = _VALUE.search(body)
        cached = value.group(1) if value is not None and value.group(1) else b""
        formula = _FORMULA.search(body)
        if kind is not None and kind.group(1) == b"e":
            code, text = "error_value", _xml_text(cached) or None
        elif formula is not None and not cached:
            code = "formula_no_value"
            text = "=" + _xml_text(formula.group(1)) if formula.group(1) else None
        else:
            continue
        row, col = _cell_position(xml, start, start_tag)
        cells.append((row, col, code, text))
    return cells


def _has_cached_value(xml: bytes, formula: int) -> bool:
    """Whether the formula at ``formula`` is followed, within its cell, by a non-empty ``<v>``: C-speed finds."""
    end = xml.find(b"</c>", formula)
    value = xml.find(b"<v>", formula, end) if end != -1 else -1
    return value != -1 and xml[value + 3 : value + 5] != b"</"


def _xml_text(raw: bytes) -> str:
    """The text of raw XML character data: entity references resolved by the standard library (the five
    XML names and numeric ``&#...;`` references; a bare ``&`` cannot occur in well-formed XML)."""
    return html.unescape(raw.decode("utf-8", "replace"))


def _cell_position(xml: bytes, start: int, start_tag: bytes) -> tuple[int, int]:
    """0-based row and column of the cell starting at ``start``, from its reference or by counting."""
    ref = _REF.search(start_tag)
    if ref is not None:
        return int(ref.group(2)) - 1, column_index_from_string(ref.group(1).decode()) - 1
    row_start = xml.rfind(b"<row", 0, start)
    row_ref = _ROW_REF.search(xml, row_start, xml.find(b">", row_start) + 1)
    row = int(row_ref.group(1)) - 1 if row_ref else xml.count(b"<row", 0, start) - 1
    return row, len(_CELL_TAG.findall(xml, xml.find(b">", row_start) + 1, start))


# Cells


def cell_text(value: object) -> str:
    """The *text* of a cell as a person reads it in Excel: trimmed; whole numbers without ``.0``.

    >>> [cell_text(v) for v in ("  NA ", 100.0, 12.5, True, dt.datetime(2024, 3, 31))]
    ['NA', '100', '12.5', 'TRUE', '2024-03-31']
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def parse_number(value: object, *, percent: bool = False) -> float | None:
    """The *number* a cell holds, or None: digits with thousands commas, full-width forms, a sign.

    In a percent column a trailing ``%`` is allowed (``12%`` is 12). Booleans and dates are not numbers.

    >>> [parse_number(v) for v in ("1,200", "１２００", "+5", "约500", 7.0, True)]
    [1200.0, 1200.0, 5.0, None, 7.0, None]
    >>> parse_number("12%", percent=True)
    12.0
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float | int):
        return float(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).translate(_MINUS_SIGNS).strip()
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if _NUMBER.fullmatch(text) is None:
        return None
    number = float(text.replace(",", ""))
    return number if math.isfinite(number) else None


def parse_date(value: object) -> dt.date | None:
    """The *date* a cell holds, or None: an Excel date, or 2024-03-31, 2024/3/31, 2024.3.31, 2024年3月31日.

    >>> parse_date("2024年3月31日"), parse_date("2024/2/30")
    (datetime.date(2024, 3, 31), None)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE_DASHED.fullmatch(text) or _DATE_CHINESE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _is_blank(value: object) -> bool:
    return value == "" or (isinstance(value, str) and not value.strip())


def _is_placeholder(text: str) -> bool:
    """Whether a trimmed text cell is one of the marks offices put in empty cells (—, /, 无, N/A)."""
    return text in schema.PLACEHOLDER_FORMS


class _Column(Sequence[Any]):
    """One column of a sheet's rows, read from the rows as it is used: a transposed copy of the sheet would
    cost a pass over every cell, and a pass over millions of scattered objects is what the loader pays for."""

    def __init__(self, rows: Sequence[Sequence[Any]], index: int) -> None:
        self.rows = rows
        self.index = index

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [row[self.index] for row in self.rows[position]]
        return self.rows[position][self.index]

    def __iter__(self) -> Iterator[Any]:
        return map(operator.itemgetter(self.index), self.rows)


def _blank_rows(body: Sequence[Sequence[Any]], width: int) -> tuple[np.ndarray, list[Any], set[Any]]:
    """Whether each row is blank (empty, or spaces only), the first cell of each row and their distinct
    values. A row is judged on its first cell at C speed (through the distinct first cells); only rows
    whose first cell is blank are looked at in full."""
    if not width:
        return np.ones(len(body), dtype=bool), [], set()
    first = body.column(0) if isinstance(body, _ColumnGrid) else list(map(operator.itemgetter(0), body))
    distinct = set(first)
    blanks = {value for value in _odd_firsts(distinct) if _is_blank(value)}
    if not blanks:
        return np.zeros(len(body), dtype=bool), first, distinct
    blank = np.fromiter(map(blanks.__contains__, first), dtype=bool, count=len(first))
    for index in np.flatnonzero(blank).tolist():
        row = body[index]
        blank[index] = row.count("") == width or all(_is_blank(value) for value in row)
    return blank, first, distinct


def _odd_firsts(distinct: set[Any]) -> set[Any]:
    """The distinct first cells that are blank (empty or spaces) or not text, found at C speed when all
    are text (the usual first column, a name)."""
    try:
        found = set(filter(str.isspace, distinct))
    except TypeError:  # a number, date or bool among them
        return {value for value in distinct if type(value) is not str or not value.strip()}
    return found | ({""} & distinct)


def _total_rows(rows: Sequence[Sequence[Any]], first: Sequence[Any], distinct: set[Any]) -> list[int]:
    """Positions of the 合计 / 总计 / 小计 rows: one of a row's first three filled cells says so.

    ``first`` is the first cell of each row, ``distinct`` its distinct values: those are judged once;
    only rows whose first cell is blank or a number (a serial) are looked at further right.
    """
    words = schema.TOTAL_FORMS.intersection(distinct)
    flagged = [i for i, value in enumerate(first) if value in words] if words else []
    # Rows whose first cell is blank or a number (a serial): their label may sit further right.
    odd = _odd_firsts(distinct)
    if odd:
        candidates = np.fromiter(map(odd.__contains__, first), dtype=bool, count=len(first))
        flagged += [i for i in np.flatnonzero(candidates).tolist() if _is_total(rows[i])]
    return sorted(set(flagged))


def _is_total_word(text: str) -> bool:
    return text.strip() in schema.TOTAL_FORMS


def _is_total(row: Sequence[Any]) -> bool:
    seen = 0
    for value in row:
        if _is_blank(value):
            continue
        if isinstance(value, str) and _is_total_word(value):
            return True
        seen += 1
        if seen == 3:
            return False
    return False


def _unit_word(value: object) -> str | None:
    """The unit a cell of a units row names ("" for a blank cell), or None when it is not a unit."""
    if _is_blank(value):
        return ""
    return schema.unit_word(value) if isinstance(value, str) else None


def _allowed_units(column: schema.Column) -> str:
    return "、".join(schema.UNITS[column.unit]) if column.unit else "—"


@dataclass
class _Table:
    """One sheet read against its schema: coerced column values of the kept rows, and where they came from."""

    sheet: schema.Sheet
    name: str
    #: Excel row of each kept record.
    rows: np.ndarray
    #: Excel row of the header (1 unless a title sits above it).
    header_row: int = 1
    #: Column key -> coerced values, one per kept record (defaults when the column is absent).
    coerced: dict[str, Any] = field(default_factory=dict)
    #: Column key -> header as written in the file, for the columns present.
    headers: dict[str, str] = field(default_factory=dict)
    #: Header text -> text values of the columns the schema doesn't know.
    extras: dict[str, list[str]] = field(default_factory=dict)
    #: Name key -> Excel row of the firms whose rows the user chose to leave out (企业 only).
    left_out: dict[str, int] = field(default_factory=dict)
    #: Column key -> (the coerced list, the same texts in Arrow): the frame takes the Arrow array while
    #: the column is still that very list (a column is changed by replacing its list, never in place).
    arrow: dict[str, tuple[list[str], pa.Array]] = field(default_factory=dict)

    def header(self, key: str) -> str:
        return self.headers.get(key, self.sheet.column_by_key[key].zh)

    def arrow_of(self, key: str) -> pa.Array | None:
        """The column's texts in Arrow while its list is still the one they were built from, else None."""
        cached = self.arrow.get(key)
        return cached[1] if cached is not None and cached[0] is self.coerced.get(key) else None

    def has(self, *keys: str) -> bool:
        return all(key in self.headers for key in keys)

    def frame(self) -> pd.DataFrame:
        columns: dict[str, pd.Series] = {}
        for column in self.sheet.columns:
            values = self.coerced[column.key]
            dtype = _DTYPES[column.kind]
            if column.kind == "integer" and pd.isna(values).any():
                dtype = "Int64"
            cached = self.arrow.get(column.key)
            if dtype == "str" and cached is not None and cached[0] is values:
                columns[column.key] = pd.Series(pd.array(cached[1], dtype="str"))
            else:
                columns[column.key] = (
                    _text_series(values) if dtype == "str" else pd.Series(values, dtype=dtype)
                )
        columns["row"] = pd.Series(self.rows, dtype="int64")
        for header, values in self.extras.items():
            columns.setdefault(header, _text_series(values))
        return pd.DataFrame(columns)


def _text_series(values: list[str]) -> pd.Series:
    """A ``str`` series of Python strings, built through Arrow: half the time of ``pd.Series(dtype="str")``."""
    return pd.Series(pd.array(_arrow_texts(values), dtype="str"))


class _Validator:
    """Reads every known sheet against the schema, checks the chain's rules and builds the ChainData."""

    def __init__(
        self,
        book: _Book,
        source: str,
        rules: ReadSettings = ReadSettings(),
        omit: dict[str, set[int]] | None = None,
        keep_grids: bool = False,
    ) -> None:
        self.book = book
        self.keep_grids = keep_grids
        self.source = source
        self.rules = rules
        #: File sheet name -> Excel rows left out at the user's request (rows in error).
        self.omit: dict[str, set[int]] = omit or {}
        #: Name key (chain.names.name_key) -> a local firm's name as written in 企业 (its first row).
        self.local_name: dict[str, str] = {}
        self.found: list[Problem] = list(book.problems)
        self.tables: dict[str, _Table] = {}
        #: (sheet, header as in the file) -> column position, to list a row's problems left to right.
        self.positions: dict[tuple[str, str], int] = {}
        #: Setting key -> its Excel row in 设置; the county's code as given there (chain.geo).
        self.setting_rows: dict[str, int] = {}
        self.county_code = ""

    def report(
        self, code: str, sheet: str, row: int | None, column: str | None, value: object, **params
    ) -> None:
        self.found.append(problem(code, sheet, row, column, value, **params))

    def run(self) -> LoadResult:
        # A sheet still being read (the columnar one) comes last; the checks that need none of it run before
        # it, while it is read. Problems are sorted by place at the end, so the order of work changes none.
        matched = self.book.matched
        later = [name for name in matched if name in self.book.pending]
        early = not any(matched[name].key in _FIRST_CHECKED for name in later)
        for name in [name for name in matched if name not in later]:
            self.read_sheet(name)
        if early:
            settings, template, enterprises = self.first_checks()
        for name in later:
            self.read_sheet(name)
        if not early:
            settings, template, enterprises = self.first_checks()
        self.county_code = str(settings.get("county_code") or "")
        links = self.check_links(template, enterprises, str(settings.get("county") or ""))
        if links is not None:
            links = self.locate(links, settings)
        projects = self.skip_sheet_in_error(self.check_projects(template), "projects")
        demands = self.skip_sheet_in_error(self.check_demands(enterprises), "demands")
        if enterprises is not None:
            self.check_plausibility(enterprises, settings)
        errors, warnings = self.sorted_problems()
        if errors or template is None or enterprises is None or links is None:
            return LoadResult(None, errors=errors, warnings=warnings, skippable_rows=self.skippable(errors))
        data = ChainData(
            enterprises=enterprises,
            links=links,
            template=template,
            projects=projects,
            demands=demands,
            settings=settings,
            source=self.source,
        )
        return LoadResult(data, errors=(), warnings=warnings)

    def read_sheet(self, name: str) -> None:
        # The grids are read once, unless rows may be left out in a second reading: freed early, they cost
        # the garbage collector nothing while the rest is checked.
        sheet = self.book.matched[name]
        self.tables[sheet.key] = self.read_table(sheet, name, self.book.grid(name, keep=self.keep_grids))

    def first_checks(self) -> tuple[dict[str, object], pd.DataFrame | None, pd.DataFrame | None]:
        """The settings, the template and the enterprises: what every later check needs."""
        settings = self.read_settings()
        template = self.check_template()
        return settings, template, self.check_enterprises(template)

    def skip_sheet_in_error(self, frame: pd.DataFrame, key: str) -> pd.DataFrame:
        """An optional sheet with errors is skipped, not the analysis: its errors become warnings, still
        located, under one warning that says the sheet was skipped and why."""
        table = self.tables.get(key)
        if table is None:
            return frame
        errors = [p for p in self.found if p.sheet == table.name and p.severity == "error"]
        if not errors:
            return frame
        self.found = [
            dataclasses.replace(p, severity="warning")
            if p.sheet == table.name and p.severity == "error"
            else p
            for p in self.found
        ]
        self.report("optional_sheet_skipped", table.name, None, None, None, count=len(errors))
        return _empty_table(table.sheet).frame()

    def check_plausibility(self, enterprises: pd.DataFrame, settings: dict[str, object]) -> None:
        """Warnings, never changes: numbers that are possible but more likely a slip of units."""
        table = self.tables["enterprises"]
        output = enterprises["output"].to_numpy(dtype="float64", na_value=np.nan)
        total = float(np.nansum(output))
        county_output = settings.get("county_industrial_output")
        if isinstance(county_output, float | int) and 0 < county_output < total:
            self.report(
                "output_exceeds_county",
                table.name,
                None,
                table.header("output"),
                None,
                total=total,
                county_output=float(county_output),
                ratio=total / float(county_output),
                # English writes amounts in m yuan (chain.numbers.amount), never "10k yuan" after a number.
                total_en=amount(total, "en"),
                county_output_en=amount(float(county_output), "en"),
            )
        employees = enterprises["employees"].to_numpy(dtype="float64", na_value=np.nan)
        usable = (output > 0) & (employees > 0)
        if usable.sum() < 3:
            return
        per_head = pd.Series(np.where(usable, output / np.where(employees > 0, employees, 1), np.nan))
        # Against the firm's segment when it has enough firms to say what is usual there, else the chain.
        by_segment = per_head.groupby(enterprises["segment"].to_numpy())
        segment_median = by_segment.transform("median").to_numpy()
        segment_count = by_segment.transform("count").to_numpy()
        chain_median = float(per_head.median())
        own = segment_count >= _SEGMENT_PEERS
        median = np.where(own, segment_median, chain_median)
        factor = self.rules.output_per_employee_factor
        ratio = per_head.to_numpy() / median
        for index in np.flatnonzero(usable & ((ratio >= factor) | (ratio <= 1 / factor))):
            self.report(
                "output_per_employee",
                table.name,
                int(enterprises["row"].iloc[index]),
                table.header("output"),
                cell_text(output[index]),
                per_head=per_head.iloc[index],
                median=median[index],
                ratio=ratio[index],
                per_head_en=amount(per_head.iloc[index], "en"),
                median_en=amount(median[index], "en"),
                scope_zh="本环节" if own[index] else "全链",
                scope_en="its segment's" if own[index] else "the chain's",
            )

    def skippable(self, errors: tuple[Problem, ...]) -> tuple[tuple[str, int], ...]:
        """(sheet, row) of every error when each sits on a data row of a required sheet, else ()."""
        required = {table.name for table in self.tables.values() if table.sheet.required}
        rows = []
        for found in errors:
            if found.code not in _ROW_CODES or found.sheet not in required or found.row is None:
                return ()
            rows.append((found.sheet, found.row))
        return tuple(dict.fromkeys(rows))

    def sorted_problems(self) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
        rank = {name: position for position, name in enumerate(self.book.names)}
        schema_rank = {sheet.zh: len(rank) + position for position, sheet in enumerate(schema.SHEETS)}

        def key(item: Problem) -> tuple[int, int, int]:
            sheet_rank = -1 if not item.sheet else rank.get(item.sheet, schema_rank.get(item.sheet, 99))
            return sheet_rank, item.row or 0, self.positions.get((item.sheet, item.column or ""), -1)

        ordered = sorted(self.found, key=key)
        errors = tuple(p for p in ordered if p.severity == "error")
        return errors, tuple(p for p in ordered if p.severity == "warning")

    # One sheet

    def read_table(self, sheet: schema.Sheet, name: str, grid: Sequence[list[Any]]) -> _Table:
        # Calamine's grids are rectangular: every row has the sheet's width (a _ColumnGrid's too).
        width = len(grid[0]) if grid else 0
        top = self.find_header(sheet, name, grid)
        header = [cell_text(value) for value in grid[top]] if grid else []
        header_row = top + 1
        self.fill_merged(name, grid, top)
        first = top + 1
        units = self.units_row(sheet, name, grid, top, header)
        if units is not None:
            first += 1
        body = grid[first:]
        blank, first_cells, first_distinct = _blank_rows(body, width)
        filled = np.flatnonzero(~blank)
        last = int(filled[-1]) if len(filled) else -1
        interior = (np.flatnonzero(blank[: last + 1]) + first + 1).tolist()
        if interior:
            self.report(
                "blank_rows", name, interior[0], None, None, count=len(interior), rows=_ranges(interior)
            )
        omitted = self.omit.get(name, set())
        keep = [i for i in filled.tolist() if i + first + 1 not in omitted] if omitted else filled.tolist()
        kept = body if len(keep) == len(body) else _take(body, keep)
        cells = _columns_of(kept, width)
        if kept is not body and width:
            first_cells = list(cells[0])
            first_distinct = set(first_cells)
        totals = _total_rows(kept, first_cells, first_distinct)
        if totals:
            rows_text = _ranges([keep[i] + first + 1 for i in totals])
            self.report("total_rows", name, keep[totals[0]] + first + 1, None, None, rows=rows_text)
            dropped = set(totals)
            keep = [row for i, row in enumerate(keep) if i not in dropped]
            kept = _take(body, keep)
            cells = _columns_of(kept, width)
        rows = np.asarray(keep, dtype="int64") + (first + 1)
        hidden_rows = self.book.xml.get(name, _SheetXml()).hidden_rows
        hidden = sorted(set(rows.tolist()) & {row + 1 for row in hidden_rows}) if hidden_rows else []
        if hidden:
            self.report("hidden_rows", name, hidden[0], None, None, count=len(hidden), rows=_ranges(hidden))
        table = _Table(sheet, name, rows, header_row=header_row)
        letters_of: dict[str, str] = {}
        for index, text in enumerate(header):
            letter = get_column_letter(index + 1)
            self.positions.setdefault((name, text or letter), index)
            if not text:
                if any(not _is_blank(value) for value in cells[index]):
                    self.report("blank_header", name, header_row, letter, None, col_letter=letter)
                continue
            folded = schema.fold(text)
            if folded in letters_of:
                self.report("duplicate_header", name, header_row, text, text, other=letters_of[folded])
                continue
            letters_of[folded] = letter
            matched = schema.match_column(sheet, text)
            if matched is None:
                table.extras[text] = list(map(cell_text, cells[index]))
                self.suggest_column(sheet, table, name, header_row, text)
                continue
            column = matched.column
            if column.key in table.headers:
                other = letters_of[schema.fold(table.headers[column.key])]
                self.report("duplicate_header", name, header_row, text, text, other=other)
                continue
            factor = self.column_factor(table, matched, text, units[index] if units else "")
            table.headers[column.key] = text
            if column.key == "name" and omitted:
                # Rows left out at the user's request: what their firms were called, for the links to them.
                table.left_out = {
                    name_key(cell_text(body[i][index])): i + first + 1
                    for i in range(last + 1)
                    if i + first + 1 in omitted and not _is_blank(body[i][index])
                }
            if factor is None:
                table.coerced[column.key] = _defaults(column.kind, len(rows))
                continue
            percent_rows = self.percent_rows(name, index, rows) if column.unit == "percent" else set()
            table.coerced[column.key] = self.coerce(table, column, factor, text, cells[index], percent_rows)
        for column in sheet.columns:
            if column.key in table.coerced:
                continue
            if column.required:
                self.report(
                    "missing_column",
                    name,
                    header_row,
                    None,
                    None,
                    expected_zh=column.zh,
                    expected_en=column.en,
                )
            table.coerced[column.key] = _defaults(column.kind, len(rows))
        self.report_odd_cells(name, header)
        return table

    def find_header(self, sheet: schema.Sheet, name: str, grid: Sequence[list[Any]]) -> int:
        """The 0-based row of the header: among the first rows, the first that names the most schema columns.

        Rows above it (a title, a date line) are reported once; a sheet whose header is row 1 says nothing.
        """
        best, best_count = 0, 0
        for index, row in enumerate(grid[:_HEADER_SEARCH_ROWS]):
            keys = set()
            for value in row:
                text = cell_text(value)
                if text and not _is_blank(text):
                    matched = schema.match_column(sheet, text)
                    if matched is not None:
                        keys.add(matched.column.key)
            if len(keys) > best_count:
                best, best_count = index, len(keys)
        if best > 0 and any(not _is_blank(v) for row in grid[:best] for v in row):
            title = next(cell_text(v) for row in grid[:best] for v in row if not _is_blank(v))
            rows = "1" if best == 1 else f"1–{best}"
            self.report("title_rows", name, best + 1, None, title[:60], header_row=best + 1, rows=rows)
        return best

    def fill_merged(self, name: str, grid: Sequence[list[Any]], top: int) -> None:
        """Give every cell of a merged range below the header its range's value, and say where.

        Ranges in the header row keep their value in the first cell only (a group label spread across
        columns would otherwise name several columns alike); ranges above the header are a title.
        """
        filled = []
        for (first_row, first_col), (last_row, last_col) in self.book.merged.get(name, ()):
            if last_row <= top or first_row >= len(grid):
                continue
            value = grid[first_row][first_col] if first_col < len(grid[first_row]) else ""
            start = max(first_row, top + 1)
            for row in range(start, min(last_row, len(grid) - 1) + 1):
                line = grid[row]
                for col in range(first_col, min(last_col, len(line) - 1) + 1):
                    if (row, col) != (first_row, first_col):
                        line[col] = value
            if first_row > top and not _is_blank(value):
                filled.append((first_row, first_col, last_row, last_col))
        if filled:
            refs = [
                f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
                for r0, c0, r1, c1 in sorted(filled)
            ]
            listed = ", ".join(refs[:_MAX_LISTED_RANGES]) + (", …" if len(refs) > _MAX_LISTED_RANGES else "")
            self.report("merged_cells", name, min(filled)[0] + 1, None, None, count=len(refs), ranges=listed)

    def units_row(
        self, sheet: schema.Sheet, name: str, grid: Sequence[list[Any]], top: int, header: list[str]
    ) -> list[str] | None:
        """The units written in the row under the header, one per column ("" where none), or None when that
        row is data. A units row holds nothing but unit words (万元, 人, km, %), bracketed or not."""
        if top + 1 >= len(grid):
            return None
        units = [_unit_word(value) for value in grid[top + 1]]
        if any(unit is None for unit in units) or not any(units):
            return None
        written = "、".join(f"{header[i] or get_column_letter(i + 1)}：{u}" for i, u in enumerate(units) if u)
        self.report("units_row", name, top + 2, None, None, units=written)
        return [unit or "" for unit in units]

    def column_factor(
        self, table: _Table, matched: schema.HeaderMatch, header: str, unit_below: str
    ) -> float | None:
        """The factor into the column's unit: from the header's unit, else from the units row. A unit the
        column cannot take is an error at the header, and the column is not read."""
        column = matched.column
        if matched.factor is None:
            self.report(
                "bad_unit", table.name, table.header_row, header, matched.unit, allowed=_allowed_units(column)
            )
            return None
        if not unit_below or matched.unit:
            return matched.factor
        if column.unit is None:
            return matched.factor
        factor = schema.unit_factor(column, unit_below)
        if factor is None:
            self.report(
                "bad_unit",
                table.name,
                table.header_row + 1,
                header,
                unit_below,
                allowed=_allowed_units(column),
            )
        return factor

    def suggest_column(self, sheet: schema.Sheet, table: _Table, name: str, row: int, text: str) -> None:
        """A header the schema does not know but that looks like one of its columns: "did you mean …"."""
        base = schema.split_unit(schema.fold(text))[0]
        best: tuple[float, schema.Column] | None = None
        for column in sheet.columns:
            if column.key in table.headers:
                continue
            score = max(fuzz.ratio(base, other) for other in column.names)
            if score >= _SUGGEST_SCORE and (best is None or score > best[0]):
                best = (score, column)
        if best is not None:
            self.report(
                "unknown_header", name, row, text, text, expected_zh=best[1].zh, expected_en=best[1].en
            )

    def percent_rows(self, name: str, col: int, rows: np.ndarray) -> set[int]:
        """Excel rows of the cells of column ``col`` shown in a % number format."""
        cells = self.book.xml.get(name, _SheetXml()).percent_cells
        return {row0 + 1 for row0, col0 in cells if col0 == col} & set(rows.tolist()) if cells else set()

    def report_odd_cells(self, name: str, header: list[str]) -> None:
        for row, col, code, value in self.book.xml.get(name, _SheetXml()).odd_cells:
            column = header[col] if col < len(header) and header[col] else get_column_letter(col + 1)
            self.report(code, name, row + 1, column, value)

    def note(
        self, code: str, table: _Table, header: str, indices: list[int], example: object, **params
    ) -> None:
        """One warning for the cells of a column read the same way, listing their rows."""
        if not indices:
            return
        rows = [int(table.rows[i]) for i in indices]
        self.report(
            code,
            table.name,
            rows[0],
            header,
            cell_text(example),
            count=len(rows),
            rows=_ranges(rows),
            **params,
        )

    def coerce(
        self,
        table: _Table,
        column: schema.Column,
        factor: float,
        header: str,
        cells: Sequence[Any],
        percent_rows: set[int] = frozenset(),
    ) -> Any:
        """The values of one column, coerced per its kind, every failure reported at its cell."""
        kind = column.kind
        if kind not in ("text", "credit_code"):
            cells = list(cells)  # read many times below
        if kind in ("number", "integer"):
            return self.coerce_numbers(table, column, factor, header, cells, percent_rows)
        if kind in ("text", "credit_code"):
            texts = _texts(cells)
            # The column in Arrow (what its frame column will be) answers which cells are placeholders or
            # empty at C++ speed, over contiguous memory rather than millions of scattered objects.
            arrow = _arrow_texts(texts)
            # One kernel answers for most columns: no cell is a placeholder or empty.
            odd = pc.is_in(arrow, value_set=_PLACEHOLDER_OR_EMPTY).true_count > 0
            marked = pc.is_in(arrow, value_set=_PLACEHOLDER_VALUES) if odd else None
            if marked is not None and marked.true_count:
                found = np.flatnonzero(marked.to_numpy(zero_copy_only=False)).tolist()
                self.note("placeholder", table, header, found, texts[found[0]])
                for index in found:
                    texts[index] = ""
                arrow = _arrow_texts(texts)
            if column.required and odd and (empty := pc.equal(arrow, _EMPTY)).true_count:
                for index in np.flatnonzero(empty.to_numpy(zero_copy_only=False)).tolist():
                    self.report(
                        "required_blank", table.name, int(table.rows[index]), header, cell_text(cells[index])
                    )
            if kind == "credit_code":
                distinct = set(texts)
                bad = set(compress(distinct, ~valid_credit_codes(list(distinct)))) - {""}
                if bad:
                    for index, text in enumerate(texts):
                        if text in bad:
                            self.report("bad_credit_code", table.name, int(table.rows[index]), header, text)
            table.arrow[column.key] = (texts, arrow)
            return texts
        convert = _CONVERTERS[kind](column)
        table_of = {
            value: _PLACEHOLDER if type(value) is str and _is_placeholder(value.strip()) else convert(value)
            for value in set(cells)
        }
        values = list(map(table_of.__getitem__, cells))
        odd = [
            value for value in table_of.values() if value is _BLANK or value is _BAD or value is _PLACEHOLDER
        ]
        if not odd and kind != "date":
            return values
        marked = [i for i, value in enumerate(values) if value is _PLACEHOLDER] if odd else []
        self.note("placeholder", table, header, marked, cells[marked[0]] if marked else "")
        for index, value in enumerate(values if odd else ()):
            if value is _BLANK or value is _PLACEHOLDER:
                if column.required:
                    self.report(
                        "required_blank", table.name, int(table.rows[index]), header, cell_text(cells[index])
                    )
                values[index] = _BLANK_AS[kind]
            elif value is _BAD:
                self.report_bad(kind, column, table.name, int(table.rows[index]), header, cells[index])
                values[index] = _BLANK_AS[kind]
        if kind == "date":
            serials = [i for i, cell in enumerate(cells) if type(cell) is float and values[i] is not None]
            self.note("serial_date", table, header, serials, cells[serials[0]] if serials else "")
        return values

    def report_bad(
        self, kind: str, column: schema.Column, sheet: str, row: int, header: str, cell: Any
    ) -> None:
        text = cell_text(cell)
        if kind == "bool":
            self.report("bad_bool", sheet, row, header, text)
        elif kind == "date":
            self.report("not_a_date", sheet, row, header, text)
        else:
            allowed = "、".join(choice.zh for choice in column.choices)
            self.report("bad_choice", sheet, row, header, text, allowed=allowed)

    def coerce_numbers(
        self,
        table: _Table,
        column: schema.Column,
        factor: float,
        header: str,
        cells: Sequence[Any],
        percent_rows: set[int] = frozenset(),
    ) -> np.ndarray:
        # Calamine gives floats for number cells: converted at C speed, per-cell work only for the rest,
        # and none for the empty cells of a column that may be blank.
        floats = np.fromiter(map(operator.is_, map(type, cells), repeat(float)), dtype=bool, count=len(cells))
        if floats.all():
            numbers = np.array(cells, dtype="float64")
            others: list[int] = []
        else:
            objects = np.array(cells, dtype=object)
            numbers = np.full(len(cells), np.nan)
            numbers[floats] = objects[floats].astype("float64")
            unread = ~floats
            if not column.required:
                unread &= objects != ""
            others = np.flatnonzero(unread).tolist()
        percent = column.unit == "percent"
        failed = np.zeros(len(cells), dtype=bool)
        with_unit: list[int] = []
        marked: list[int] = []
        for index in others:
            cell = cells[index]
            row = int(table.rows[index])
            placeholder = type(cell) is str and _is_placeholder(cell.strip())
            if placeholder:
                marked.append(index)
            if placeholder or _is_blank(cell):
                if column.required:
                    self.report("required_blank", table.name, row, header, cell_text(cell))
                continue
            number = parse_number(cell, percent=percent)
            if number is None:
                number = self.number_with_unit(column, cell, factor)
                if number is not None:
                    with_unit.append(index)
            if number is None:
                self.report("not_a_number", table.name, row, header, cell_text(cell))
                failed[index] = True
            else:
                numbers[index] = number
        if marked:
            self.note("placeholder", table, header, marked, cells[marked[0]])
        if with_unit:
            self.note("unit_in_cell", table, header, with_unit, cells[with_unit[0]])
        if percent:
            self.read_percentages(table, header, cells, numbers, percent_rows)
        if column.kind == "integer":
            for index in np.flatnonzero(np.isfinite(numbers) & (numbers != np.floor(numbers))):
                self.report(
                    "not_an_integer", table.name, int(table.rows[index]), header, cell_text(cells[index])
                )
                failed[index] = True
            # Beyond 2**53 a float no longer holds every whole number, and int64 would wrap soon after.
            for index in np.flatnonzero(~failed & (np.abs(numbers) > _LARGEST_INTEGER)):
                self.report(
                    "out_of_range", table.name, int(table.rows[index]), header, cell_text(cells[index])
                )
                failed[index] = True
                numbers[index] = np.nan
        if column.minimum is not None:
            for index in np.flatnonzero(numbers < column.minimum):
                if not failed[index]:
                    self.report(
                        "negative", table.name, int(table.rows[index]), header, cell_text(cells[index])
                    )
        if factor != 1.0:
            # Rounded to 0.01 yuan: unit scaling must not leave float noise in amounts.
            numbers = np.round(numbers * factor, 6)
        if column.kind == "integer":
            missing = np.isnan(numbers)
            if missing.any():
                return pd.arrays.IntegerArray(np.where(missing, 0, numbers).astype("int64"), missing)
            return numbers.astype("int64")
        return numbers

    # Domain rules

    def number_with_unit(self, column: schema.Column, cell: object, factor: float) -> float | None:
        """A number typed with its unit (53140.7万元, 156人, 1,300公里) in the column's own unit, or None."""
        if not isinstance(cell, str) or column.unit is None:
            return None
        match = _NUMBER_WITH_UNIT.fullmatch(schema.fold(cell))
        if match is None:
            return None
        number = parse_number(match["number"])
        unit_factor = schema.unit_factor(column, match["unit"])
        if number is None or unit_factor is None:
            return None
        # The header's factor is applied to the whole column later: undo it for this cell.
        return number * unit_factor / factor

    def read_percentages(
        self, table: _Table, header: str, cells: Sequence[Any], numbers: np.ndarray, percent_rows: set[int]
    ) -> None:
        """A percentage cell (0.296 shown as 29.6%) is 29.6 in a percent column; without formats to tell,
        a column whose values all lie within ±1 is a warning (0.296 may mean 29.6%)."""
        if percent_rows:
            formatted = [
                i for i in range(len(cells)) if int(table.rows[i]) in percent_rows and type(cells[i]) is float
            ]
            for index in formatted:
                numbers[index] = round(numbers[index] * 100.0, 10)
            self.note("percent_format", table, header, formatted, cells[formatted[0]] if formatted else "")
            return
        finite = numbers[np.isfinite(numbers)]
        if len(finite) >= 3 and np.all(np.abs(finite) <= 1.0) and np.any(finite != 0):
            indices = [int(i) for i in np.flatnonzero(np.isfinite(numbers))]
            self.report(
                "percent_fraction",
                table.name,
                int(table.rows[indices[0]]),
                header,
                cell_text(cells[indices[0]]),
                count=len(indices),
            )

    def check_template(self) -> pd.DataFrame | None:
        table = self.tables.get("template")
        if table is None:
            return None
        segments: list[str] = table.coerced["segment"]
        name, segment_header, inputs_header = table.name, table.header("segment"), table.header("inputs")
        first_row: dict[str, int] = {}
        for index, segment in enumerate(segments):
            row = int(table.rows[index])
            if segment in first_row:
                self.report("duplicate_segment", name, row, segment_header, segment, other=first_row[segment])
            elif segment:
                first_row[segment] = row
        cleaned = []
        graph = nx.DiGraph()
        graph.add_nodes_from(first_row)
        for index, (segment, inputs) in enumerate(zip(segments, table.coerced["inputs"], strict=True)):
            row = int(table.rows[index])
            kept: list[str] = []
            for item in inputs:
                if item == segment:
                    self.report("self_loop", name, row, inputs_header, item)
                    continue
                if item not in first_row and table.has("segment"):
                    self.report("unknown_input", name, row, inputs_header, item)
                if item not in kept:
                    kept.append(item)
                if item in first_row and segment in first_row:
                    graph.add_edge(item, segment)
            cleaned.append(tuple(kept))
        self.report_cycles(table, graph, first_row)
        table.coerced["inputs"] = cleaned
        return table.frame() if table.has("segment") else None

    def report_cycles(self, table: _Table, graph: nx.DiGraph, first_row: dict[str, int]) -> None:
        order = {segment: position for position, segment in enumerate(first_row)}
        components = [sorted(c, key=order.__getitem__) for c in nx.strongly_connected_components(graph)]
        for members in sorted((c for c in components if len(c) > 1), key=lambda c: order[c[0]]):
            subgraph = graph.subgraph(members)
            path = [edge[0] for edge in nx.find_cycle(subgraph, source=members[0])]
            text = " → ".join([*path, path[0]]) if len(path) == len(members) else "、".join(members)
            self.report("cycle", table.name, first_row[members[0]], table.header("inputs"), text, cycle=text)

    def check_enterprises(self, template: pd.DataFrame | None) -> pd.DataFrame | None:
        table = self.tables.get("enterprises")
        if table is None:
            return None
        names: list[str] = table.coerced["name"]
        # Each name is its own key in a clean workbook (one check over them all, not a call per name).
        keys = names if all_plain(names) else list(map(name_key, names))
        if len(set(keys)) == len(keys):  # no name twice: the names as they are, at C speed
            self.local_name.update((key, name) for key, name in zip(keys, names, strict=True) if key)
        else:
            first_row: dict[str, int] = {}
            for key, name, row in zip(keys, names, table.rows.tolist(), strict=True):
                if key in first_row:
                    self.report(
                        "duplicate_name", table.name, row, table.header("name"), name, other=first_row[key]
                    )
                elif key:
                    first_row[key] = row
                    self.local_name[key] = name
        frame = table.frame()
        if template is not None:
            category_of = dict(zip(template["segment"], template["category"], strict=True))
            self.report_unknown_segments(table, "segment", category_of)
            if table.has("segment"):
                default = frame["segment"].map(category_of).fillna("").astype("str")
                frame["category"] = frame["category"].where(frame["category"] != "", default)
        return frame if table.has("name", "segment") else None

    def report_unknown_segments(self, table: _Table, key: str, known: Iterable[str]) -> None:
        if not table.has(key):
            return
        values: list[str] = table.coerced[key]
        unknown = _column_distinct(table, key).difference(known, ("",))
        if not unknown:
            return
        for index in np.flatnonzero(_column_isin(table, key, unknown)):
            if values[index]:
                row = int(table.rows[index])
                self.report("unknown_segment", table.name, row, table.header(key), values[index])

    def check_links(
        self, template: pd.DataFrame | None, enterprises: pd.DataFrame | None, county: str
    ) -> pd.DataFrame | None:
        table = self.tables.get("links")
        if table is None:
            return None
        name, coerced = table.name, table.coerced
        if enterprises is None or template is None:
            self.report_self_links(table)
            return None
        # Parties are one party when their names normalise alike (invisible characters, bracket widths):
        # a local firm takes its name as written in 企业, an outside party the first spelling met.
        segment_of: dict[str, str] = {}
        for enterprise, segment in zip(
            enterprises["name"].tolist(), enterprises["segment"].tolist(), strict=True
        ):
            segment_of.setdefault(enterprise, segment)
        distinct = _column_distinct(table, "supplier") | _column_distinct(table, "buyer")
        self.spell_parties(coerced, self.local_name, distinct)
        self.report_self_links(table)
        suppliers: list[str] = coerced["supplier"]
        buyers: list[str] = coerced["buyer"]
        local_names = pa.array(list(segment_of), pa.large_string())
        supplier_local = _column_isin(table, "supplier", segment_of, local_names)
        buyer_local = _column_isin(table, "buyer", segment_of, local_names)
        in_county = {
            "supplier_region": _in_county(table, "supplier_region", county, self.county_code),
            "buyer_region": _in_county(table, "buyer_region", county, self.county_code),
        }
        misspelt = self.report_links_to_left_out(table, supplier_local, buyer_local)
        misspelt |= self.report_misspelt_locals(
            table, enterprises, county, in_county, supplier_local, buyer_local
        )
        for parties, local, region in (
            (suppliers, supplier_local, "supplier_region"),
            (buyers, buyer_local, "buyer_region"),
        ):
            expected = table.sheet.column_by_key[region]
            blank_region = _column_empty(table, region)
            for index in np.flatnonzero(~local & blank_region):
                if parties[index] and (index, region) not in misspelt:
                    self.report(
                        "region_missing",
                        name,
                        int(table.rows[index]),
                        table.header(region),
                        parties[index],
                        expected_zh=expected.zh,
                        expected_en=expected.en,
                    )
        self.report_county_parties(table, county, in_county, supplier_local, buyer_local, misspelt)
        self.unify_regions(table, supplier_local, buyer_local)
        known = set(template["segment"])
        self.report_unknown_segments(table, "segment", known)
        self.report_unknown_segments(table, "buyer_segment", known)
        given: list[str] = coerced["segment"]
        blanks = np.flatnonzero(_column_empty(table, "segment")).tolist()
        resolved = list(given) if blanks else given
        for index in blanks:
            resolved[index] = segment_of.get(suppliers[index], "")
        for index in np.flatnonzero(~supplier_local):
            if not resolved[index] and suppliers[index] and (int(index), "supplier_region") not in misspelt:
                self.report(
                    "unresolved_segment",
                    name,
                    int(table.rows[index]),
                    table.header("segment"),
                    suppliers[index],
                )
        coerced["segment"] = resolved
        frame = table.frame()
        position = frame.columns.get_loc("row")
        frame.insert(position, "supplier_local", supplier_local)
        frame.insert(position + 1, "buyer_local", buyer_local)
        frame.insert(position + 2, "supplier_in_county", supplier_local | in_county["supplier_region"])
        frame.insert(position + 3, "buyer_in_county", buyer_local | in_county["buyer_region"])
        return frame if table.has("supplier", "buyer", "value") else None

    @staticmethod
    def spell_parties(coerced: dict[str, Any], local_name: dict[str, str], distinct: set[str]) -> None:
        """Write each party the one way: a local firm as in 企业, an outside party as first met (row order,
        suppliers before buyers). Only the distinct names are normalised, and the columns are rewritten only
        when some name needed it (rarely: the common case costs two set builds)."""
        columns = [coerced["supplier"], coerced["buyer"]]
        if all_plain(distinct) and all_plain(local_name.values()):
            return  # every name is its own key, and a local one is written as in 企业
        keys = {text: name_key(text) for text in distinct}
        spellings: dict[str, list[str]] = {}
        for text, key in keys.items():
            spellings.setdefault(key, []).append(text)
        changed: dict[str, str] = {}
        for key, texts in spellings.items():
            local = local_name.get(key)
            if local is not None:
                changed.update((text, local) for text in texts if text != local)
            elif len(texts) > 1:
                variants = set(texts)
                first = next(text for column in columns for text in column if text in variants)
                changed.update((text, first) for text in texts if text != first)
        if changed:
            for party, values in zip(("supplier", "buyer"), columns, strict=True):
                coerced[party] = [changed.get(text, text) for text in values]

    def report_links_to_left_out(
        self, table: _Table, supplier_local: np.ndarray, buyer_local: np.ndarray
    ) -> set[tuple[int, str]]:
        """A link to a firm whose 企业 row was left out is left out too, and says why (not "fill in the
        region", which would make the firm an outside party)."""
        firms = self.tables["enterprises"]
        if not firms.left_out:
            return set()
        reported: set[tuple[int, str]] = set()
        for party, local, region in (
            ("supplier", supplier_local, "supplier_region"),
            ("buyer", buyer_local, "buyer_region"),
        ):
            parties: list[str] = table.coerced[party]
            for index in np.flatnonzero(~local):
                row = firms.left_out.get(name_key(parties[index]))
                if row is not None:
                    reported.add((int(index), region))
                    self.report(
                        "refers_to_left_out",
                        table.name,
                        int(table.rows[index]),
                        table.header(party),
                        parties[index],
                        sheet_left_out=firms.name,
                        row_left_out=row,
                    )
        return reported

    def report_self_links(self, table: _Table) -> None:
        suppliers, buyers = table.coerced["supplier"], table.coerced["buyer"]
        same = np.fromiter(map(operator.eq, suppliers, buyers), dtype=bool, count=len(buyers))
        for index in [i for i in np.flatnonzero(same).tolist() if suppliers[i]]:
            self.report("self_link", table.name, int(table.rows[index]), table.header("buyer"), buyers[index])

    def report_misspelt_locals(
        self,
        table: _Table,
        enterprises: pd.DataFrame,
        county: str,
        in_county: dict[str, np.ndarray],
        supplier_local: np.ndarray,
        buyer_local: np.ndarray,
    ) -> set[tuple[int, str]]:
        """A party not in 企业, with a blank region or the county's, whose name is like a local firm's is an
        error with the suggestion: it is most likely that firm misspelt, and an outside party it must not be.

        Returns (index, region key) of the cells reported, whose missing region is not reported again.
        """
        names = enterprises["name"].tolist()
        cores: list[str] = []
        reported: set[tuple[int, str]] = set()
        verdicts: dict[str, tuple[int, float] | None] = {}
        for party, local, region in (
            ("supplier", supplier_local, "supplier_region"),
            ("buyer", buyer_local, "buyer_region"),
        ):
            parties: list[str] = table.coerced[party]
            # Candidates: outside parties whose region is blank or the county's own.
            blank_region = _column_empty(table, region)
            for index in np.flatnonzero(~local & (blank_region | in_county[region])):
                text = parties[index]
                if not text:
                    continue
                if text not in verdicts:
                    cores = cores or [name_core(n, county) for n in names]
                    verdicts[text] = closest(name_core(text, county), cores, self.rules.name_similarity)
                found = verdicts[text]
                if found is None:
                    continue
                reported.add((int(index), region))
                self.report(
                    "similar_to_local",
                    table.name,
                    int(table.rows[index]),
                    table.header(party),
                    text,
                    suggestion=names[found[0]],
                    similarity=found[1],
                )
        return reported

    def report_county_parties(
        self,
        table: _Table,
        county: str,
        in_county: dict[str, np.ndarray],
        supplier_local: np.ndarray,
        buyer_local: np.ndarray,
        misspelt: set[tuple[int, str]],
    ) -> None:
        """One warning naming the parties of the county that 企业 does not list (a building site, a hospital):
        what they buy is local final demand, what they sell is local supply; neither leaves the county."""
        named: dict[str, int] = {}
        for party, local, region in (
            ("supplier", supplier_local, "supplier_region"),
            ("buyer", buyer_local, "buyer_region"),
        ):
            parties: list[str] = table.coerced[party]
            for index in np.flatnonzero(~local & in_county[region]):
                if (int(index), region) not in misspelt:
                    named.setdefault(parties[index], int(table.rows[index]))
        if named:
            first = min(named.values())
            listed = "、".join(list(named)[:_MAX_LISTED_NAMES]) + (
                "…" if len(named) > _MAX_LISTED_NAMES else ""
            )
            self.report(
                "county_parties", table.name, first, None, None, count=len(named), names=listed, county=county
            )

    def unify_regions(self, table: _Table, supplier_local: np.ndarray, buyer_local: np.ndarray) -> None:
        """One outside party, one place: spellings of one place (陕西紫阳, 陕西省紫阳县, 紫阳县) become its most
        used spelling, with a warning; a party in places that differ is a warning, and stays as written."""
        sides = (
            ("supplier", ~supplier_local, "supplier_region"),
            ("buyer", ~buyer_local, "buyer_region"),
        )
        # The outside cells of each side, picked by position (iterating a numpy mask costs a scalar a cell).
        outside_cells = []
        for party, outside, region in sides:
            positions = np.flatnonzero(outside).tolist()
            outside_cells.append(
                (
                    list(map(table.coerced[party].__getitem__, positions)),
                    list(map(table.coerced[region].__getitem__, positions)),
                )
            )
        # Each outside party written with one place (the common case) is seen with C-speed dict and list
        # operations: the place last met for each party is the place of every one of its cells.
        place_of: dict[str, str] = {}
        for names, places in outside_cells:
            place_of.update(zip(names, places, strict=True))
        if all(list(map(place_of.__getitem__, names)) == places for names, places in outside_cells):
            return
        first_region: dict[str, str] = {}
        several: set[str] = set()
        for names, places in outside_cells:
            for name, place in zip(names, places, strict=True):
                if name and place and first_region.setdefault(name, place) != place:
                    several.add(name)
        if not several:
            return
        where = [
            (name, place, region, index)
            for party, outside, region in sides
            for index in np.flatnonzero(outside).tolist()
            if (name := table.coerced[party][index]) in several and (place := table.coerced[region][index])
        ]
        cells = pd.DataFrame(where, columns=["party", "region", "key", "index"]).set_index("index")
        for party in several:
            mine = cells[cells["party"] == party]
            by_region: dict[str, list[tuple[str, int]]] = {}
            for index, region, key in zip(mine.index, mine["region"], mine["key"], strict=True):
                by_region.setdefault(region, []).append((key, int(index)))
            by_core: dict[str, list[str]] = {}
            for region in by_region:
                by_core.setdefault(geo.same_place_key(region), []).append(region)
            row = int(table.rows[min(index for cells_ in by_region.values() for _, index in cells_)])
            if len(by_core) > 1:
                self.report("several_regions", table.name, row, None, party, regions="、".join(by_region))
            for written in by_core.values():
                if len(written) < 2:
                    continue
                chosen = max(written, key=lambda r: (len(by_region[r]), -min(i for _, i in by_region[r])))
                for region in written:
                    for key, index in by_region[region]:
                        if table.coerced[key] is table.arrow.get(key, (None,))[0]:
                            table.coerced[key] = list(table.coerced[key])  # never changed in place
                        table.coerced[key][index] = chosen
                self.report(
                    "region_spellings",
                    table.name,
                    row,
                    None,
                    party,
                    spellings="、".join(written),
                    chosen=chosen,
                )

    def locate(self, links: pd.DataFrame, settings: dict[str, object]) -> pd.DataFrame:
        """Where each party is and the distances estimated (:func:`chain.geo.locate_links`), warnings kept."""
        table, box = self.tables["links"], self.tables.get("settings")
        row = self.setting_rows.get("county_code" if settings.get("county_code") else "county")
        cells = geo.LinkCells(
            table.name,
            *(table.header(key) for key in ("supplier_region", "buyer_region", "distance_km")),
            box.name if box is not None else "",
            row,
            box.header("value") if box is not None and row is not None else None,
        )
        located, found = geo.locate_links(links, settings, self.rules, cells)
        self.found.extend(found)
        return located

    def check_projects(self, template: pd.DataFrame | None) -> pd.DataFrame:
        table = self.tables.get("projects") or _empty_table(schema.PROJECTS)
        frame = table.frame()
        if template is not None:
            self.report_unknown_segments(table, "segment", set(template["segment"]))
        return frame

    def check_demands(self, enterprises: pd.DataFrame | None) -> pd.DataFrame:
        table = self.tables.get("demands") or _empty_table(schema.DEMANDS)
        frame = table.frame()
        if enterprises is not None and table.has("enterprise"):
            local_name = self.local_name
            values: list[str] = [local_name.get(name_key(v), v) for v in table.coerced["enterprise"]]
            table.coerced["enterprise"] = values
            frame["enterprise"] = pd.Series(values, dtype="str")
            for index in np.flatnonzero(~_isin(values, set(local_name.values()))):
                if not values[index]:
                    continue
                row = int(table.rows[index])
                self.report(
                    "unknown_enterprise",
                    table.name,
                    row,
                    table.header("enterprise"),
                    values[index],
                )
        return frame

    def read_settings(self) -> dict[str, object]:
        table = self.tables.get("settings")
        settings: dict[str, object] = {}
        if table is None or not table.has("key"):
            return settings
        first_row: dict[str, int] = self.setting_rows
        allowed = "、".join(s.zh for s in schema.SETTING_KEYS)
        for index, key_text in enumerate(table.coerced["key"]):
            row = int(table.rows[index])
            if not key_text:
                continue
            matched = schema.match_column(_SETTING_COLUMNS, key_text)
            if matched is None:
                self.report(
                    "unknown_setting", table.name, row, table.header("key"), key_text, allowed=allowed
                )
                continue
            setting, factor = matched.column, matched.factor or 1.0
            if setting.key in first_row:
                self.report(
                    "duplicate_setting",
                    table.name,
                    row,
                    table.header("key"),
                    key_text,
                    other=first_row[setting.key],
                )
                continue
            first_row[setting.key] = row
            text = table.coerced["value"][index]
            if setting.kind != "number":
                settings[setting.key] = text
            elif text:
                number = parse_number(text)
                if number is None:
                    self.report("not_a_number", table.name, row, table.header("value"), text)
                else:
                    settings[setting.key] = round(number * factor, 6)
        return settings


def _empty_table(sheet: schema.Sheet) -> _Table:
    table = _Table(sheet, sheet.zh, np.empty(0, dtype="int64"))
    table.coerced = {column.key: _defaults(column.kind, 0) for column in sheet.columns}
    return table


def _in_county(table: _Table, key: str, county: str, code: str) -> np.ndarray:
    """Whether each region of a column names a place in the county (:func:`chain.geo.county_regions`), once
    per distinct region."""
    inside = geo.county_regions(_column_distinct(table, key), county, code)
    if not inside:
        return np.zeros(len(table.coerced[key]), dtype=bool)
    return _column_isin(table, key, inside)


def _column_isin(
    table: _Table, key: str, known: Iterable[str], members: pa.Array | None = None
) -> np.ndarray:
    """Membership of each value of a text column in ``known`` (``members``: the same in Arrow, if built):
    in Arrow when the column is as read."""
    arrow = table.arrow_of(key)
    if arrow is None:
        return _isin(table.coerced[key], known)
    if members is None:
        members = pa.array(list(known), pa.large_string())
    return pc.is_in(arrow, value_set=members).to_numpy(zero_copy_only=False)


def _column_distinct(table: _Table, key: str) -> set[str]:
    """The distinct values of a text column."""
    arrow = table.arrow_of(key)
    return set(table.coerced[key]) if arrow is None else set(pc.unique(arrow).to_pylist())


def _column_empty(table: _Table, key: str) -> np.ndarray:
    """Whether each value of a text column is empty."""
    arrow = table.arrow_of(key)
    if arrow is None:
        empty = np.zeros(len(table.coerced[key]), dtype=bool)
        empty[_empty_positions(table.coerced[key])] = True
        return empty
    return pc.equal(arrow, _EMPTY).to_numpy(zero_copy_only=False)


def _isin(values: list[str], known: Iterable[str] | dict[str, Any]) -> np.ndarray:
    """Membership of each value in ``known``, by plain hashing (Arrow-backed ``isin`` is slower here)."""
    members = known if isinstance(known, set | dict) else set(known)
    return np.fromiter(map(members.__contains__, values), dtype=bool, count=len(values))


def _texts(cells: Sequence[Any]) -> list[str]:
    """The trimmed text of each cell: at C speed when every cell is text (most columns), else cell by cell."""
    try:
        return list(map(str.strip, cells))
    except TypeError:  # a number, date or bool among them
        return [value.strip() if type(value) is str else cell_text(value) for value in cells]


#: Joins a column's texts for :func:`_arrow_texts`: the ASCII unit separator, a control character that no
#: byte of another character's UTF-8 encoding equals.
_SEPARATOR = "\x1f"
_SEPARATOR_BYTE = 0x1F


def _arrow_texts(texts: Sequence[str]) -> pa.Array:
    """The texts as an Arrow ``large_string`` array, encoded in one piece.

    ``pa.array`` of Python strings has each string make and keep its own UTF-8 copy, an allocation per cell
    that is most of the time of a column of Chinese names. Joined, the column is encoded at once and cut
    where the separators were; a column in which some text holds the separator itself (or cannot be encoded)
    takes the per-string way, which answers the same.

    >>> _arrow_texts(["甲", "", "乙丙"]).to_pylist()
    ['甲', '', '乙丙']
    >>> _arrow_texts(["甲", "b" + _SEPARATOR + "c"]).to_pylist()
    ['甲', 'b\\x1fc']
    """
    try:
        joined = _SEPARATOR.join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return pa.array(texts, pa.large_string())
    cuts = np.flatnonzero(np.frombuffer(joined, dtype=np.uint8) == _SEPARATOR_BYTE)
    if len(cuts) != len(texts) - 1:  # a text holds the separator (or there is none)
        return pa.array(texts, pa.large_string())
    offsets = np.empty(len(texts) + 1, dtype=np.int64)
    offsets[0] = 0
    # The i-th cut is where the i-th text ends, once the i separators before it are taken out.
    offsets[1:-1] = cuts - np.arange(len(cuts))
    offsets[-1] = len(joined) - len(cuts)
    data = joined.replace(_SEPARATOR.encode("ascii"), b"")
    return pa.LargeStringArray.from_buffers(len(texts), pa.py_buffer(offsets), pa.py_buffer(data))


def _empty_positions(texts: list[str]) -> np.ndarray:
    """Positions of the empty strings in ``texts``, at C speed."""
    return np.flatnonzero(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) == 0)


def _ranges(rows: list[int]) -> str:
    """Row numbers as ranges: ``5-7, 9``; long lists end with an ellipsis."""
    spans: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if row is not None:
            start = previous = row
    if len(spans) > _MAX_LISTED_RANGES:
        spans = [*spans[:_MAX_LISTED_RANGES], "…"]
    return ", ".join(spans)


def _defaults(kind: str, count: int) -> Any:
    if kind == "number":
        return np.full(count, np.nan)
    if kind == "integer":
        return pd.array([None] * count, dtype="Int64")
    return [_BLANK_AS[kind]] * count


_BLANK_AS: dict[str, Any] = {
    "text": "",
    "credit_code": "",
    "choice": "",
    "bool": False,
    "date": None,
    "list": (),
}


def _bool_converter(column: schema.Column) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if _is_blank(value):
            return _BLANK
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            return _BAD
        word = schema.fold(cell_text(value))
        if word in schema.TRUE_WORDS:
            return True
        return False if word in schema.FALSE_WORDS else _BAD

    return convert


def _date_converter(column: schema.Column) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if _is_blank(value):
            return _BLANK
        if type(value) is float:
            low, high = _SERIAL_DATES
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)) if low <= value <= high else _BAD
        date = parse_date(value)
        return _BAD if date is None else date

    return convert


def _choice_converter(column: schema.Column) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if _is_blank(value):
            return _BLANK
        choice = column.choice_for(cell_text(value))
        return _BAD if choice is None else choice.key

    return convert


def _list_converter(column: schema.Column) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        items = tuple(schema.split_list(cell_text(value)))
        return items if items else _BLANK

    return convert


_CONVERTERS: dict[str, Callable[[schema.Column], Callable[[Any], Any]]] = {
    "bool": _bool_converter,
    "date": _date_converter,
    "choice": _choice_converter,
    "list": _list_converter,
}

"""Guard, read and validate a chain workbook: the validated ChainData, or every problem found at once."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import numpy as np
import pandas as pd
import python_calamine

from chain import schema
from chain.credit_code import is_valid_credit_code
from chain.guard import check_bytes
from chain.model import ChainData, LoadResult
from chain.problems import Problem, problem
from chain.settings import Limits

__all__ = ["REFUSAL_CODES", "cell_text", "load_workbook", "parse_date", "parse_number"]

#: Codes that refuse the file as a whole (the guard's, and a parser's failure): nothing else was checked.
REFUSAL_CODES = frozenset(
    {
        "file_empty",
        "file_too_large",
        "not_xlsx",
        "legacy_or_encrypted",
        "zip_corrupt",
        "unpacked_too_large",
        "compression_ratio",
        "dtd_forbidden",
        "sheet_too_large",
        "parse_failed",
        "parse_timeout",
        "parse_memory",
    }
)

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.IGNORECASE)
_DATE_DASHED = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})
_BLANK = object()
_BAD = object()
_MAX_LISTED_RANGES = 20
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
) -> LoadResult:
    """The *load result* of a workbook: its validated data, or None and every error found, plus warnings.

    Parameters
    ----------
    source : the workbook's bytes, or a path to read them from (a missing path raises OSError).
    limits : what the bytes may cost before they are refused (see :func:`chain.guard.check_bytes`).
    source_name : the display name kept in ``ChainData.source``; defaults to the path's file name.

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
    refusal = check_bytes(data, limits)
    if refusal is not None:
        return LoadResult(None, errors=(refusal,))
    try:
        book = _read_book(data)
    except Exception as exc:  # any parser failure is a message about the file, never a crash
        return LoadResult(None, errors=(problem("parse_failed", "", detail=_detail(exc)),))
    try:
        return _Validator(book, name).run()
    except Exception as exc:  # last resort: the caller gets a problem to show, never a traceback
        return LoadResult(None, errors=(problem("parse_failed", "", detail=_detail(exc)),))


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
    grids: dict[str, list[list[Any]]]
    problems: list[Problem]
    #: File sheet name -> cells calamine reads as blank although they hold something: (row0, col0, code, value).
    odd_cells: dict[str, list[tuple[int, int, str, str | None]]]


def _read_book(data: bytes) -> _Book:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    found: list[Problem] = []
    matched: dict[str, schema.Sheet] = {}
    grids: dict[str, list[list[Any]]] = {}
    names = list(workbook.sheet_names)
    for meta in workbook.sheets_metadata:
        sheet = schema.match_sheet(meta.name)
        if sheet is None:
            continue
        if sheet in matched.values():
            found.append(
                problem("duplicate_sheet", meta.name, expected_zh=sheet.zh, expected_en=sheet.en),
            )
            continue
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        matched[meta.name] = sheet
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            found.append(problem("hidden_sheet", meta.name))
        grids[meta.name] = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
    for sheet in schema.SHEETS:
        if sheet.required and sheet not in matched.values():
            found.append(problem("missing_sheet", sheet.zh, expected_zh=sheet.zh, expected_en=sheet.en))
    try:
        odd_cells = _odd_cells(data, list(matched))
    except Exception:  # calamine has read the values; a scan failure only costs these warnings
        odd_cells = {}
    return _Book(names, matched, grids, found, odd_cells)


# Formula and error cells: calamine reads both as "", so the sheet XML is scanned for them.

_CELL_STARTS = (b"<c ", b"<c>")
_LOOK_BACK = 1024
_TRIGGERS = (b"<f", b":f", b'="e"', b"='e'")
_REF = re.compile(rb'\br\s*=\s*["\']([A-Z]+)(\d+)["\']')
_TYPE = re.compile(rb'\bt\s*=\s*["\'](\w+)["\']')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_ROW_REF = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")


def _odd_cells(data: bytes, sheet_names: list[str]) -> dict[str, list[tuple[int, int, str, str | None]]]:
    """Formula cells without a cached value and error cells of the named sheets, by sheet name."""
    found: dict[str, list[tuple[int, int, str, str | None]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = _sheet_members(archive)
        for name in sheet_names:
            member = members.get(name)
            if member is None or not _mentions_formula_or_error(archive, member):
                continue
            cells = _scan_sheet(archive.read(member))
            if cells:
                found[name] = cells
    return found


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


def _mentions_formula_or_error(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet's XML may hold a formula or an error cell: a streamed substring search."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if any(trigger in window for trigger in _TRIGGERS):
                return True
            tail = window[-8:]
    return False


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
    text = raw.decode("utf-8", "replace")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _cell_position(xml: bytes, start: int, start_tag: bytes) -> tuple[int, int]:
    """0-based row and column of the cell starting at ``start``, from its reference or by counting."""
    ref = _REF.search(start_tag)
    if ref is not None:
        return int(ref.group(2)) - 1, _column_index(ref.group(1).decode())
    row_start = xml.rfind(b"<row", 0, start)
    row_ref = _ROW_REF.search(xml, row_start, xml.find(b">", row_start) + 1)
    row = int(row_ref.group(1)) - 1 if row_ref else xml.count(b"<row", 0, start) - 1
    return row, len(_CELL_TAG.findall(xml, xml.find(b">", row_start) + 1, start))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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


@dataclass
class _Table:
    """One sheet read against its schema: coerced column values of the kept rows, and where they came from."""

    sheet: schema.Sheet
    name: str
    #: Excel row of each kept record.
    rows: np.ndarray
    #: Column key -> coerced values, one per kept record (defaults when the column is absent).
    coerced: dict[str, Any] = field(default_factory=dict)
    #: Column key -> header as written in the file, for the columns present.
    headers: dict[str, str] = field(default_factory=dict)
    #: Header text -> text values of the columns the schema doesn't know.
    extras: dict[str, list[str]] = field(default_factory=dict)

    def header(self, key: str) -> str:
        return self.headers.get(key, self.sheet.column_by_key[key].zh)

    def has(self, *keys: str) -> bool:
        return all(key in self.headers for key in keys)

    def frame(self) -> pd.DataFrame:
        columns: dict[str, pd.Series] = {}
        for column in self.sheet.columns:
            values = self.coerced[column.key]
            dtype = _DTYPES[column.kind]
            if column.kind == "integer" and pd.isna(values).any():
                dtype = "Int64"
            columns[column.key] = pd.Series(values, dtype=dtype)
        columns["row"] = pd.Series(self.rows, dtype="int64")
        for header, values in self.extras.items():
            columns.setdefault(header, pd.Series(values, dtype="str"))
        return pd.DataFrame(columns)


class _Validator:
    """Reads every known sheet against the schema, checks the chain's rules and builds the ChainData."""

    def __init__(self, book: _Book, source: str) -> None:
        self.book = book
        self.source = source
        self.found: list[Problem] = list(book.problems)
        self.tables: dict[str, _Table] = {}
        #: (sheet, header as in the file) -> column position, to list a row's problems left to right.
        self.positions: dict[tuple[str, str], int] = {}

    def report(
        self, code: str, sheet: str, row: int | None, column: str | None, value: object, **params
    ) -> None:
        self.found.append(problem(code, sheet, row, column, value, **params))

    def run(self) -> LoadResult:
        for name, sheet in self.book.matched.items():
            self.tables[sheet.key] = self.read_table(sheet, name, self.book.grids.pop(name))
        template = self.check_template()
        enterprises = self.check_enterprises(template)
        links = self.check_links(template, enterprises)
        projects = self.check_projects(template)
        demands = self.check_demands(enterprises)
        settings = self.read_settings()
        errors, warnings = self.sorted_problems()
        if errors or template is None or enterprises is None or links is None:
            return LoadResult(None, errors=errors, warnings=warnings)
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

    def read_table(self, sheet: schema.Sheet, name: str, grid: list[list[Any]]) -> _Table:
        header = [cell_text(value) for value in grid[0]] if grid else []
        body = grid[1:]
        width = len(header)
        # A row of spaces is as blank as an empty one; most rows are ruled out by their first cell alone.
        blank = [
            row.count("") == width or (_is_blank(row[0]) and all(_is_blank(value) for value in row))
            for row in body
        ]
        last = len(blank) - 1
        while last >= 0 and blank[last]:
            last -= 1
        interior = [index + 2 for index in range(last + 1) if blank[index]]
        if interior:
            self.report(
                "blank_rows",
                name,
                interior[0],
                None,
                None,
                count=len(interior),
                rows=_ranges(interior),
            )
        kept = [row for index, row in enumerate(body[: last + 1]) if not blank[index]]
        rows = np.array([index + 2 for index in range(last + 1) if not blank[index]], dtype="int64")
        cells = list(zip(*kept, strict=True)) if kept else [() for _ in range(width)]
        table = _Table(sheet, name, rows)
        letters_of: dict[str, str] = {}
        for index, text in enumerate(header):
            letter = _column_letter(index)
            self.positions.setdefault((name, text or letter), index)
            if not text:
                if any(not _is_blank(value) for value in cells[index]):
                    self.report("blank_header", name, 1, letter, None, col_letter=letter)
                continue
            folded = schema.fold(text)
            if folded in letters_of:
                self.report("duplicate_header", name, 1, text, text, other=letters_of[folded])
                continue
            letters_of[folded] = letter
            matched = schema.match_column(sheet, text)
            if matched is None:
                table.extras[text] = [cell_text(value) for value in cells[index]]
                continue
            column, factor = matched
            if column.key in table.headers:
                other = letters_of[schema.fold(table.headers[column.key])]
                self.report("duplicate_header", name, 1, text, text, other=other)
                continue
            table.headers[column.key] = text
            table.coerced[column.key] = self.coerce(table, column, factor, text, cells[index])
        for column in sheet.columns:
            if column.key in table.coerced:
                continue
            if column.required:
                self.report(
                    "missing_column", name, 1, None, None, expected_zh=column.zh, expected_en=column.en
                )
            table.coerced[column.key] = _defaults(column.kind, len(rows))
        self.report_odd_cells(name, header)
        return table

    def report_odd_cells(self, name: str, header: list[str]) -> None:
        for row, col, code, value in self.book.odd_cells.get(name, ()):
            column = header[col] if col < len(header) and header[col] else _column_letter(col)
            self.report(code, name, row + 1, column, value)

    def coerce(
        self, table: _Table, column: schema.Column, factor: float, header: str, cells: Sequence[Any]
    ) -> Any:
        """The values of one column, coerced per its kind, every failure reported at its cell."""
        kind = column.kind
        if kind in ("number", "integer"):
            return self.coerce_numbers(table, column, factor, header, cells)
        if kind in ("text", "credit_code"):
            texts = [value.strip() if type(value) is str else cell_text(value) for value in cells]
            if column.required:
                for index in [i for i, text in enumerate(texts) if not text]:
                    self.report("required_blank", table.name, int(table.rows[index]), header, "")
            if kind == "credit_code":
                for index, text in enumerate(texts):
                    if text and not is_valid_credit_code(text):
                        self.report("bad_credit_code", table.name, int(table.rows[index]), header, text)
            return texts
        convert = _CONVERTERS[kind](column)
        table_of = {value: convert(value) for value in set(cells)}
        values = [table_of[value] for value in cells]
        for index, value in enumerate(values):
            if value is _BLANK:
                if column.required:
                    self.report("required_blank", table.name, int(table.rows[index]), header, "")
                values[index] = _BLANK_AS[kind]
            elif value is _BAD:
                self.report_bad(kind, column, table.name, int(table.rows[index]), header, cells[index])
                values[index] = _BLANK_AS[kind]
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
        self, table: _Table, column: schema.Column, factor: float, header: str, cells: Sequence[Any]
    ) -> np.ndarray:
        # Calamine gives floats for number cells: one pass for those, per-cell work only for the rest.
        numbers = np.array([value if type(value) is float else np.nan for value in cells], dtype="float64")
        percent = column.zh.endswith("(%)")
        failed = np.zeros(len(cells), dtype=bool)
        for index in [i for i, value in enumerate(cells) if type(value) is not float]:
            cell = cells[index]
            row = int(table.rows[index])
            if _is_blank(cell):
                if column.required:
                    self.report("required_blank", table.name, row, header, "")
                continue
            number = parse_number(cell, percent=percent)
            if number is None:
                self.report("not_a_number", table.name, row, header, cell_text(cell))
                failed[index] = True
            else:
                numbers[index] = number
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
            if np.isnan(numbers).any():
                return pd.array([None if np.isnan(n) else int(n) for n in numbers], dtype="Int64")
            return numbers.astype("int64")
        return numbers

    # Domain rules

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
        first_row: dict[str, int] = {}
        for index, name in enumerate(names):
            row = int(table.rows[index])
            if name in first_row:
                self.report(
                    "duplicate_name", table.name, row, table.header("name"), name, other=first_row[name]
                )
            elif name:
                first_row[name] = row
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
        known = set(known)
        values: list[str] = table.coerced[key]
        for index in np.flatnonzero(~_isin(values, known)):
            if values[index]:
                row = int(table.rows[index])
                self.report("unknown_segment", table.name, row, table.header(key), values[index])

    def check_links(
        self, template: pd.DataFrame | None, enterprises: pd.DataFrame | None
    ) -> pd.DataFrame | None:
        table = self.tables.get("links")
        if table is None:
            return None
        name, coerced = table.name, table.coerced
        suppliers: list[str] = coerced["supplier"]
        buyers: list[str] = coerced["buyer"]
        for index in [i for i, (s, b) in enumerate(zip(suppliers, buyers, strict=True)) if s and s == b]:
            self.report("self_link", name, int(table.rows[index]), table.header("buyer"), buyers[index])
        if enterprises is None or template is None:
            return None
        segment_of: dict[str, str] = {}
        for enterprise, segment in zip(enterprises["name"], enterprises["segment"], strict=True):
            segment_of.setdefault(enterprise, segment)
        supplier_local = _isin(suppliers, segment_of)
        buyer_local = _isin(buyers, segment_of)
        for parties, local, region in (
            (suppliers, supplier_local, "supplier_region"),
            (buyers, buyer_local, "buyer_region"),
        ):
            regions: list[str] = coerced[region]
            expected = table.sheet.column_by_key[region]
            for index in np.flatnonzero(~local):
                if parties[index] and not regions[index]:
                    self.report(
                        "region_missing",
                        name,
                        int(table.rows[index]),
                        table.header(region),
                        parties[index],
                        expected_zh=expected.zh,
                        expected_en=expected.en,
                    )
        known = set(template["segment"])
        self.report_unknown_segments(table, "segment", known)
        self.report_unknown_segments(table, "buyer_segment", known)
        given: list[str] = coerced["segment"]
        resolved = [g or segment_of.get(s, "") for g, s in zip(given, suppliers, strict=True)]
        for index in np.flatnonzero(~supplier_local):
            if not resolved[index] and suppliers[index]:
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
        return frame if table.has("supplier", "buyer", "value") else None

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
            values: list[str] = table.coerced["enterprise"]
            for index in np.flatnonzero(~_isin(values, set(enterprises["name"]))):
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
        first_row: dict[str, int] = {}
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
            setting, factor = matched
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


def _isin(values: list[str], known: Iterable[str] | dict[str, Any]) -> np.ndarray:
    """Membership of each value in ``known``, by plain hashing (Arrow-backed ``isin`` is slower here)."""
    members = known if isinstance(known, set | dict) else set(known)
    return np.fromiter((value in members for value in values), dtype=bool, count=len(values))


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

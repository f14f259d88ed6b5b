"""The columnar read of a workbook's largest sheet (fastexcel, chain.load._read_columns) gives calamine's
grid, cell for cell, or is not taken: on clean sheets and on every layout and cell that could tell the two
readers apart. The loader's own tests run on both readers too (``both_readers`` in tests/conftest.py)."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from chain import load
from tests import hostile
from tests.factory import TINY, TINY_COUNTY, make_workbook

ROOT = Path(__file__).resolve().parent.parent
Rows = list[list[Any]]


def _links(change: Callable[[Rows], None], edit: Callable[[Workbook], None] | None = None) -> bytes:
    """TINY with its links sheet (the largest) changed by ``change``."""
    rows = copy.deepcopy(TINY["供需关系"])
    change(rows)
    return hostile._openpyxl_book({**TINY, "供需关系": rows}, edit)


def _set(row: int, col: int, value: Any) -> Callable[[Rows], None]:
    return lambda rows: rows[row].__setitem__(col, value)


def _links_sheet(edit: Callable[[Any], None]) -> Callable[[Workbook], None]:
    return lambda book: edit(book["供需关系"])


def _big_enterprises() -> bytes:
    """企业 the largest sheet: text, choice (是/否), percent and number columns, 60 firms."""
    header, *firms = copy.deepcopy(TINY["企业"])
    rows = [header, *firms]
    for index in range(56):
        rows.append([f"外加{index}企业", "煅烧", "城关镇", "否", 10 + index, 3, 1.5, "煅后焦"])
    return hostile._openpyxl_book({**TINY, "企业": rows})


#: Workbooks whose largest sheet the columnar read takes (its grid must be calamine's).
TAKEN: dict[str, Callable[[], bytes]] = {
    "tiny": make_workbook,
    "tiny county": lambda: make_workbook(TINY_COUNTY),
    "blank rows and empty strings": lambda: _links(
        lambda r: r.insert(3, ["", "", "", "", "", "", "", None, None])
    ),
    "spaces around texts": lambda: _links(_set(1, 0, "  甲矿业 ")),
    "whitespace-only cell": lambda: _links(_set(2, 2, "   ")),
    "placeholder marks": lambda: _links(_set(2, 3, "—")),
    "a header with spaces and a unit": lambda: _links(_set(0, 7, " 年交易额（万元） ")),
    "tricky floats": lambda: _links(
        lambda r: [r[1].__setitem__(7, 0.1 + 0.2), r[2].__setitem__(8, 1e20), r[3].__setitem__(7, -0.0)]
    ),
    "a totals row labelled in the first column": lambda: _links(
        lambda r: r.append(["合计", "", "", "", "", "", "", 660, None])
    ),
    "a column empty below its header": lambda: _links(lambda r: [row.__setitem__(6, None) for row in r[1:]]),
    "enterprises the largest sheet": _big_enterprises,
    "a hidden sheet beside it": hostile.hidden_sheet,
}

#: Workbooks whose largest sheet must go to calamine: the grids could differ, or calamine must say why.
DECLINED: dict[str, Callable[[], bytes]] = {
    "a text in a number column": lambda: _links(_set(1, 7, "约40")),
    "a number in a text column": lambda: _links(_set(1, 2, 2024)),
    "a title row above the header": lambda: _links(lambda r: r.insert(0, ["2024年一季度供需关系"])),
    "an empty first row": lambda: _links(lambda r: r.insert(0, [])),
    "an empty first column": lambda: _links(lambda r: [row.insert(0, None) for row in r]),
    "a units row under the header": lambda: _links(
        lambda r: r.insert(1, ["", "", "", "", "", "", "", "万元", "km"])
    ),
    "a header the schema does not know": lambda: _links(
        lambda r: [row.append("备注" if i == 0 else "x") for i, row in enumerate(r)]
    ),
    "a header cell left empty": lambda: _links(
        lambda r: [row.append(None if i == 0 else "x") for i, row in enumerate(r)]
    ),
    "a repeated header": lambda: _links(lambda r: [row.append(row[2]) for row in r]),
    "a boolean cell": lambda: _links(_set(1, 8, True)),
    "a date cell": lambda: _links(_set(1, 8, dt.datetime(2024, 3, 31))),
    "merged cells": lambda: _links(lambda r: None, _links_sheet(lambda s: s.merge_cells("C2:C3"))),
    "a formula without a value": lambda: _links(_set(1, 7, "=20+20")),
}


def _cell(ref: str, inner: str, kind: str = "inlineStr") -> str:
    return f'<c r="{ref}" t="{kind}">{inner}</c>' if kind else f'<c r="{ref}">{inner}</c>'


def _text(ref: str, text: str) -> str:
    return _cell(ref, f'<is><t xml:space="preserve">{text}</t></is>')


def _raw(*rows: str) -> bytes:
    """A one-sheet workbook (企业) of hand-written cell XML: a header row, then ``rows``."""
    header = (
        '<row r="1">'
        + _text("A1", "企业名称")
        + _text("B1", "产业链环节")
        + _text("C1", "产值(万元)")
        + "</row>"
    )
    return hostile.raw_xlsx(hostile._sheet(header + "".join(rows), dimension=None))


#: Cell XML that the two readers' builds of calamine might read apart: whichever reader takes the sheet,
#: the grid must be the same.
RAW: dict[str, Callable[[], bytes]] = {
    "escaped control characters": lambda: _raw(
        '<row r="2">'
        + _text("A2", "甲_x000D_企业")
        + _text("B2", "煅烧")
        + _cell("C2", "<v>1</v>", "")
        + "</row>"
    ),
    "rich text runs": lambda: _raw(
        '<row r="2">'
        + _cell("A2", "<is><r><t>甲</t></r><r><rPr><b/></rPr><t>企业</t></r></is>")
        + _text("B2", "煅烧")
        + _cell("C2", "<v>2.5</v>", "")
        + "</row>"
    ),
    "a formula's text result": lambda: _raw(
        '<row r="2">'
        + _cell("A2", "<f>B2</f><v>乙企业</v>", "str")
        + _text("B2", "煅烧")
        + _cell("C2", "<v>3</v>", "n")
        + "</row>"
    ),
    "an error cell": lambda: _raw(
        '<row r="2">'
        + _text("A2", "丙企业")
        + _text("B2", "煅烧")
        + _cell("C2", "<v>#N/A</v>", "e")
        + "</row>"
    ),
    "rows without numbers": lambda: _raw(
        "<row>" + _text("A2", "丁企业") + _text("B2", "煅烧") + _cell("C2", "<v>4</v>", "") + "</row>"
    ),
    "kept spaces and a tab": lambda: _raw(
        '<row r="2">'
        + _text("A2", " 戊企业\t")
        + _text("B2", "煅烧")
        + _cell("C2", "<v>5</v>", "")
        + "</row>"
    ),
    "a row far below": lambda: _raw(
        '<row r="2">' + _text("A2", "己企业") + _text("B2", "煅烧") + _cell("C2", "<v>6</v>", "") + "</row>"
        '<row r="40">'
        + _text("A40", "庚企业")
        + _text("B40", "煅烧")
        + _cell("C40", "<v>7</v>", "")
        + "</row>"
    ),
}


def _rows(book: load._Book) -> dict[str, list[list[Any]]]:
    """Each grid as a list of rows, whichever reader read it."""
    return {name: [list(grid[i]) for i in range(len(grid))] for name, grid in book.grids.items()}


def _read_both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[load._Book, load._Book]:
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 1 << 40)
    alone = load._read_book(data)
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    columnar = load._read_book(data)
    for book in (alone, columnar):  # the sheet still being read, once read
        for name in list(book.pending):
            book.grid(name, keep=True)
    return alone, columnar


def _load_both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The load of ``data`` by calamine alone, then with the columnar read offered."""
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 1 << 40)
    alone = load.load_workbook(data)
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    return alone, load.load_workbook(data)


def _same_book(alone: load._Book, columnar: load._Book) -> None:
    assert _rows(columnar) == _rows(alone)
    # Types too: 1.0 == 1 == True in Python, and a text's type decides how a cell is read.
    for name, rows in _rows(alone).items():
        for row, other in zip(rows, _rows(columnar)[name], strict=True):
            assert [type(value) for value in other] == [type(value) for value in row]
    assert (columnar.names, columnar.matched, columnar.problems) == (
        alone.names,
        alone.matched,
        alone.problems,
    )
    assert (columnar.xml, columnar.merged) == (alone.xml, alone.merged)


@pytest.mark.parametrize("name", list(TAKEN))
def test_the_columnar_grid_is_calamines(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, columnar = _read_both(TAKEN[name](), monkeypatch)
    assert any(isinstance(grid, load._ColumnGrid) for grid in columnar.grids.values())
    _same_book(alone, columnar)


@pytest.mark.parametrize("name", list(DECLINED))
def test_a_sheet_that_could_read_otherwise_goes_to_calamine(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, columnar = _read_both(DECLINED[name](), monkeypatch)
    assert not any(isinstance(grid, load._ColumnGrid) for grid in columnar.grids.values())
    _same_book(alone, columnar)


@pytest.mark.parametrize("name", list(RAW))
def test_hand_written_cells_read_alike_on_both_readers(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, columnar = _read_both(RAW[name](), monkeypatch)
    _same_book(alone, columnar)


@pytest.mark.parametrize(
    "path", [ROOT / "data" / "sample.xlsx", ROOT / "data" / "sample_2022.xlsx"], ids=lambda p: p.name
)
def test_the_bundled_workbooks_load_alike_on_both_readers(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not path.is_file():
        pytest.skip(f"{path.name} is not bundled")
    alone, columnar = _load_both(path.read_bytes(), monkeypatch)
    assert alone.ok
    assert pickle.dumps(columnar) == pickle.dumps(alone)


@pytest.mark.parametrize(
    "name", ["a text in a number column", "a title row above the header", "merged cells"]
)
def test_problems_found_alike_on_both_readers(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, columnar = _load_both(DECLINED[name](), monkeypatch)
    assert alone.errors or alone.warnings
    assert pickle.dumps(columnar) == pickle.dumps(alone)


@pytest.mark.parametrize(
    "failure", [RuntimeError("reader broke"), KeyboardInterrupt()], ids=["error", "base"]
)
def test_a_columnar_reader_that_fails_leaves_the_sheet_to_calamine(
    failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stops fastexcel (a panic in its Rust code is a BaseException), the load is calamine's."""
    data = make_workbook()
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 1 << 40)
    expected = load.load_workbook(data)

    def broken(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    monkeypatch.setattr(load.fastexcel, "read_excel", broken)
    assert pickle.dumps(load.load_workbook(data)) == pickle.dumps(expected)


def test_only_a_large_sheet_is_read_as_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """At the loader's threshold a small workbook stays with calamine (the thread would cost more than it
    saves); past it, the sheet with the most XML is the one read as columns."""
    data = make_workbook()
    matched = load._match_sheets(list(TINY), [])
    assert load._columnar_candidate(data, matched) is None
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    assert load._columnar_candidate(data, matched) == ("供需关系", "xl/worksheets/sheet2.xml")


class _Panic(BaseException):
    """Like pyo3's PanicException, which a panic in a reader's Rust code raises: not an Exception."""


@pytest.mark.parametrize(
    "failure", [RuntimeError("sheet broke"), _Panic("reader panicked")], ids=["error", "panic"]
)
def test_a_sheet_that_fails_while_the_others_are_checked_is_a_read_failure(
    failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The largest sheet is read while the others are checked; if reading it fails there, the load is the
    one error of a file that cannot be read, as when any sheet fails to read."""

    def broken(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    monkeypatch.setattr(load, "_finish_columns", broken)
    result = load.load_workbook(make_workbook())
    assert [problem.code for problem in result.errors] == ["parse_failed"]
    assert type(failure).__name__ in result.errors[0].message_en
    assert result.data is None and not result.warnings


def test_the_columnar_read_says_nothing_on_the_console(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """fastexcel's warnings about a file (here: a column with no cell to tell its type) are not printed: the
    loader reports what matters itself, located and in the user's words."""
    monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    data = TAKEN["a column empty below its header"]()
    assert load.load_workbook(data).ok
    assert capfd.readouterr().err == ""

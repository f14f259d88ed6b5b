"""The deterministic-xlsx helper: same input, same bytes; text never becomes a formula, number or link."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from openpyxl import load_workbook

from chain import xlsxfile


def _book(constant_memory: bool, created: dt.datetime = xlsxfile.FIXED_TIME) -> bytes:
    raw = io.BytesIO()
    book = xlsxfile.new_workbook(raw, created, constant_memory=constant_memory)
    sheet = book.add_worksheet("表")
    # write(), not write_string(): the workbook's options alone must keep these as text.
    for row, text in enumerate(('=HYPERLINK("http://x","y")', "00123", "1e5", "https://example.com")):
        sheet.write(row, 0, text)
    book.close()
    return raw.getvalue()


def _a_year_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the clock zip entries and file times are read from a year ahead: anything dated by the clock
    would change, on any machine, without waiting."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 366 * 86_400)


@pytest.mark.parametrize("constant_memory", [False, True])
def test_the_same_workbook_twice_is_the_same_bytes_whatever_the_clock(
    constant_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _book(constant_memory)
    _a_year_later(monkeypatch)
    assert _book(constant_memory) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time[:2] for info in archive.infolist()} == {(1980, 1)}


@pytest.mark.parametrize("constant_memory", [False, True])
def test_text_stays_text_and_the_document_time_is_the_given_one(constant_memory: bool) -> None:
    created = dt.datetime(2024, 4, 1, 8, 30)
    book = load_workbook(io.BytesIO(_book(constant_memory, created)))
    cells = [row[0] for row in book["表"].iter_rows()]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        ('=HYPERLINK("http://x","y")', "s", None),
        ("00123", "s", None),
        ("1e5", "s", None),
        ("https://example.com", "s", None),
    ]
    assert book.properties.created == book.properties.modified == created


def test_zip_entries_made_apart_are_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    def package() -> bytes:
        raw = io.BytesIO()
        with zipfile.ZipFile(raw, "w") as archive:
            for name in ("a.xml", "b.xml"):
                archive.writestr(xlsxfile.zip_entry(name, dt.datetime(2024, 1, 1)), f"<{name}/>")
        return raw.getvalue()

    first = package()
    _a_year_later(monkeypatch)
    assert package() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        assert [info.compress_type for info in archive.infolist()] == [zipfile.ZIP_DEFLATED] * 2


def test_a_wide_table_prints_landscape_one_page_wide_with_its_header_repeated() -> None:
    raw = io.BytesIO()
    book = xlsxfile.new_workbook(raw)
    sheet = book.add_worksheet("招商目标")
    sheet.write_string(0, 0, "排名")
    xlsxfile.print_wide(sheet, "R&D 目标", "汉阴县 · 2024年1-9月")
    book.close()
    back = load_workbook(io.BytesIO(raw.getvalue()))["招商目标"]
    assert back.page_setup.orientation == "landscape"
    assert back.page_setup.paperSize == 9
    assert back.sheet_properties.pageSetUpPr.fitToPage
    assert back.page_setup.fitToHeight == 0
    assert back.print_title_rows == "$1:$1"
    # "&" is a control code in a header: a literal one is doubled in the file.
    assert back.oddHeader.center.text == "R&&D 目标"
    assert back.oddHeader.left.text == "汉阴县 · 2024年1-9月"

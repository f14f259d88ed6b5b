"""Deterministic xlsx files: one place that opens XlsxWriter workbooks and dates zip entries.

Exports, the bundled sample and template, and the bench workbooks must be the same bytes for the same
input, so a rerun can be compared byte for byte and a file's SHA-256 identifies its content. XlsxWriter
does this natively when told to: document times come from the ``created`` property (it writes both
created and modified from it) and its zip entries carry a fixed date. It is also safe by default here:
text is never turned into a formula, a number or a hyperlink behind the caller's back, so a payload such
as ``=HYPERLINK(...)`` written with ``write_string`` stays text.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Mapping
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = [
    "FIXED_TIME",
    "ZIP_TIME",
    "document_time",
    "margin_text",
    "new_workbook",
    "print_wide",
    "zip_entry",
]

#: Document time when the caller has none: the same inputs give the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)
#: The earliest time a zip entry can carry (DOS dates start in 1980): the default entry time.
ZIP_TIME = dt.datetime(1980, 1, 1)


def document_time(value: object) -> dt.datetime:
    """A workbook's created/modified time from ``value``: a datetime in UTC without zone and without
    microseconds, a date at midnight, anything else :data:`FIXED_TIME`; never before 1980 (zip dates).

    >>> document_time(dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    datetime.datetime(2024, 3, 1, 0, 30)
    >>> document_time(None)
    datetime.datetime(2000, 1, 1, 0, 0)
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        stamp = value.replace(microsecond=0)
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    else:
        stamp = FIXED_TIME
    return max(stamp, ZIP_TIME)


def new_workbook(
    stream: BinaryIO,
    created: dt.datetime = FIXED_TIME,
    *,
    constant_memory: bool = False,
    properties: Mapping[str, str] | None = None,
) -> Workbook:
    """An XlsxWriter workbook writing to ``stream`` whose bytes depend only on what is written to it.

    - ``created`` is the document's created and modified time (XlsxWriter writes both from it).
    - Text stays text: ``strings_to_formulas``, ``strings_to_numbers`` and ``strings_to_urls`` are off.
      Callers still write text with ``write_string`` and neutralise formula-like text for other readers
      (:func:`chain.export.neutralise`): a user re-entering the cell would otherwise make it live.
    - ``constant_memory`` streams each sheet row by row to a temporary file (rows must be written in
      order, and autofit is unavailable); without it the workbook is built in memory. Either way
      XlsxWriter dates every zip entry in 1980, whatever the clock.
    - ``properties`` are further document properties (title, author, ...).
    """
    options: dict[str, object] = {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        # in_memory builds parts in memory and dates entries 1980-01-01; constant_memory needs temp files
        # (XlsxWriter then dates them 1980-01-31 itself).
        "in_memory": not constant_memory,
        "constant_memory": constant_memory,
    }
    book = xlsxwriter.Workbook(stream, options)
    book.set_properties({**(properties or {}), "created": created})
    return book


def margin_text(text: str, limit: int = 80) -> str:
    """Text for a page header or footer: ``&`` starts a control code there, so a literal one is doubled;
    cut to ``limit`` characters (Excel takes at most 255 for a whole header, codes included).

    >>> margin_text("R&D 汉阴")
    'R&&D 汉阴'
    """
    return text[:limit].replace("&", "&&")


def print_wide(sheet: Worksheet, title: str, heading: str = "") -> None:
    """A table sheet on paper: A4 landscape, one page wide and as many pages long as it takes, its header
    row repeated on every page; ``heading`` (the county and period) at the top left, ``title`` at the top
    centre, "page / pages" at the bottom. A list the team prints keeps every column on the page and
    says on each sheet of paper what it is."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    left = f"&L{margin_text(heading)}" if heading else ""
    sheet.set_header(f'{left}&C&"-,Bold"{margin_text(title)}')
    sheet.set_footer("&C&P / &N")


def zip_entry(name: str, stamp: dt.datetime = ZIP_TIME) -> zipfile.ZipInfo:
    """A deflated zip entry dated ``stamp`` whose header is the same on every platform, for writers that
    build a package's parts themselves (the bench workbooks, whose million rows XlsxWriter would take
    several times longer to write). Left to zipfile, an entry is dated with the clock and marked with
    the platform it was made on."""
    entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, zipfile's own choice everywhere but Windows
    return entry

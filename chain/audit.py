"""The audit trail as a table and as a workbook: who did what, when, with the record before and after.

The store writes the trail (:meth:`chain.store.Write.audit`, in the same transaction as each write) and reads
it (:meth:`chain.store.Store.audit_log`); this module lays it out for the data page and its Excel export, which
the chain office hands on when asked who changed what.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence

import pandas as pd

from chain.export import neutralise
from chain.store import AuditEntry
from chain.xlsxfile import new_workbook

__all__ = ["COLUMNS", "frame", "to_xlsx"]

#: The trail's columns, in order (the pages and the export give each a header in the reader's language).
COLUMNS: tuple[str, ...] = ("at", "user", "source", "action", "target", "before", "after")


def _record(record: Mapping[str, object] | None) -> str:
    """A before/after record as one line of text (keys in the record's own order), empty when none."""
    return "" if record is None else json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def frame(entries: Sequence[AuditEntry]) -> pd.DataFrame:
    """The trail, one row per write, newest first as given; times are UTC ``datetime``s."""
    return pd.DataFrame(
        {
            "at": [entry.at for entry in entries],
            "user": [entry.user for entry in entries],
            "source": [entry.source for entry in entries],
            "action": [entry.action for entry in entries],
            "target": [entry.target for entry in entries],
            "before": [_record(entry.before) for entry in entries],
            "after": [_record(entry.after) for entry in entries],
        },
        columns=list(COLUMNS),
    )


def to_xlsx(table: pd.DataFrame, headers: Mapping[str, str], sheet: str) -> bytes:
    """``table`` (:func:`frame`, values already worded for the reader) as one sheet with ``headers``:
    times in UTC as Excel dates, text never evaluated, widths to fit, the header row frozen."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    page = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True, "bg_color": "#f2f5f9", "border": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for col, key in enumerate(COLUMNS):
        page.write_string(0, col, headers[key], bold)
    for row, values in enumerate(table.itertuples(index=False), start=1):
        for col, (key, value) in enumerate(zip(COLUMNS, values, strict=True)):
            if key == "at":
                page.write_datetime(row, col, pd.Timestamp(value).tz_convert("UTC").tz_localize(None), when)
            else:
                page.write_string(
                    row, col, str(neutralise(str(value))), wrap if key in ("before", "after") else None
                )
    widths = {"at": 20, "user": 24, "source": 14, "action": 18, "target": 40, "before": 50, "after": 50}
    for col, key in enumerate(COLUMNS):
        page.set_column(col, col, widths[key])
    page.freeze_panes(1, 0)
    page.autofilter(0, 0, max(len(table), 1), len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()

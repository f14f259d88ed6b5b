"""The older (zh, en) view of :mod:`chain.columns`, for the modules that still read it.

Nothing here is a fact of its own: every name comes from the column catalogue. ``chain/charts.py`` and
``ui/facade.py`` read this view; once they read :mod:`chain.columns` (``header``, ``name``, ``value_name``),
this module goes.
"""

from __future__ import annotations

from chain import columns

__all__ = ["COLUMNS", "GAP_KINDS", "SEVERITIES", "STATUSES", "label"]

STATUSES = columns.STATUSES
GAP_KINDS = columns.GAP_KINDS
SEVERITIES = columns.SEVERITIES

#: report column key -> (zh header, en header), units included.
COLUMNS: dict[str, tuple[str, str]] = {
    key: (columns.header(key, "zh"), columns.header(key, "en")) for key in columns.CATALOGUE
}


def label(key: str, lang: str = "zh", table: dict[str, tuple[str, str]] = COLUMNS) -> str:
    """The zh or en name of a vocabulary key; the key itself when it has none.

    >>> label("leakage"), label("leakage", "en"), label("weak", "zh", STATUSES)
    ('外购额(万元)', 'Bought outside (10k yuan)', '弱链')
    """
    return columns.value_name(table, key, lang)

"""Frame -> words: how report values are shown to a person, per column kind and language.

One renderer for the exports (:mod:`chain.export`), the command line's tables and the dashboard's tables
(:func:`display_frame`, through ``ui.widgets.table``): amounts, shares as percentages, distances in 公里 / km, lists joined with 、
or "; ", booleans 是/否 / yes/no, statuses, gap kinds, stages and severities named. What kind a column is
comes from :mod:`chain.columns`. Numbers become words through :mod:`chain.numbers` (``amount``,
``percent``, ``distance``, ``count``: imported here, and by the reasons' templates) and text is measured by
:func:`text_width`: the only ones of their kind in ``chain/`` and ``ui/``.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from chain import columns as cat
from chain import reasons
from chain.numbers import (
    APPROX,
    DASH,
    amount,
    amount_scale,
    count,
    distance,
    is_missing,
    percent,
    point_change,
    points,
    to_float,
)

__all__ = [
    "JOINERS",
    "SENTENCE_JOINERS",
    "Cell",
    "amount",
    "amount_scale",
    "as_text",
    "boolean",
    "cell",
    "cells",
    "count",
    "display_frame",
    "distance",
    "estimated",
    "joined",
    "number",
    "percent",
    "point_change",
    "points",
    "severity_count",
    "source",
    "text_frame",
    "text_width",
    "value",
    "word",
]

#: A display value: text, a number (the format comes from the column's kind), a date, or None (empty).
Cell = str | int | float | dt.date | None

#: How list items are joined in each language.
JOINERS: dict[str, str] = {"zh": "、", "en": "; "}
#: How the sentences of a reasons cell are joined on one line: they hold commas (，) of their own, so
#: Chinese separates them with a semicolon, not the 、 of a list of names.
SENTENCE_JOINERS: dict[str, str] = {"zh": "；", "en": "; "}
#: (yes, no) in each language.
BOOLS: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}

_Mode = Literal["cells", "text"]


def severity_count(severity: str, n: int, lang: str = "zh") -> str:
    """How many problems of one severity, as the app and the command line both say it.

    >>> severity_count("warning", 3), severity_count("error", 1), severity_count("warning", 1, "en")
    ('3 条提醒', '1 个错误', '1 warning')
    """
    word = cat.value_name(cat.SEVERITIES, severity, lang)
    if lang == "zh":
        return f"{n} {'个' if severity == 'error' else '条'}{word}"
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def boolean(value: object, lang: str = "zh") -> str:
    """是/否, yes/no."""
    return BOOLS[lang][0 if bool(value) else 1]


def word(vocabulary: Mapping[str, tuple[str, str]], key: object, lang: str = "zh") -> str:
    """A vocabulary key (status, gap kind, stage, severity) as its word; an unknown key as it is."""
    pair = vocabulary.get(str(key))
    if pair is None:
        return "" if is_missing(key) else str(key)
    return pair[0] if lang == "zh" else pair[1]


def joined(items: object, lang: str = "zh", vocabulary: Mapping[str, tuple[str, str]] | None = None) -> str:
    """A list cell (a tuple of items) as one line: 、-separated in Chinese, ``; `` in English; items named
    through ``vocabulary`` when given. A text stays as it is; a missing value is empty.

    >>> joined(("甲", "乙")), joined(("upstream", "downstream"), "en", cat.GAP_KINDS)
    ('甲、乙', 'upstream gap; downstream gap')
    """
    if isinstance(items, str):
        return items
    if not isinstance(items, Iterable):
        return "" if is_missing(items) else str(items)
    if vocabulary is None:
        return JOINERS[lang].join(str(item) for item in items)
    return JOINERS[lang].join(word(vocabulary, item, lang) for item in items)


@lru_cache(maxsize=8192)
def text_width(text: str) -> int:
    """How many columns text takes in a fixed-width grid (a terminal, Excel's character units, a chart
    legend): wide (CJK) characters count double; the widest line of several.

    >>> text_width("碳素 ab"), text_width("ab\\n环节")
    (7, 4)
    """
    if text.isascii():
        return max(len(line) for line in text.split("\n"))
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        for line in text.split("\n")
    )


def number(key: str, value: object, lang: str = "zh") -> str:
    """A number of column ``key`` in words, in the catalogue's format for its kind, without a unit (the
    header carries it); a dash when it is missing.

    >>> number("local_share", 2 / 3), number("output", 1234.56), number("score", 0.5), number("firms", 3.0)
    ('66.7%', '1,234.6', '0.500', '3')
    """
    value_format = cat.column(key).format
    figure = to_float(value)
    if figure is None:
        return DASH
    if value_format is None:
        return str(value)
    return format(figure, value_format.python)


def value(key: str, item: object, lang: str = "zh") -> str:
    """One value of report column ``key`` in words, with its unit where the kind has one: an amount as
    :func:`amount`, a share as :func:`percent`, growth as :func:`points`, a distance as :func:`distance`,
    a vocabulary key named, a list joined; a dash when a number is missing.

    >>> value("leakage", 7666.1), value("local_share", 0.5, "en"), value("status", "weak", "en")
    ('7,666 万元', '50.0%', 'weak')
    >>> value("growth_pct", 2.94), value("distance_km", 1400.0), value("firms", 3), value("gaps", ("upstream",))
    ('+2.9%', '1,400 公里', '3', '补链(上游缺口)')
    """
    kind = cat.column(key).kind
    if kind == "money":
        return amount(item, lang)
    if kind == "share":
        return percent(item)
    if kind == "percent":
        return points(item)
    if kind == "distance":
        return distance(item, lang)
    if cat.FORMATS.get(kind) is not None:
        return number(key, item, lang)
    if kind == "bool":
        return boolean(item, lang)
    vocabulary = cat.NAMED_VALUES.get(kind)
    if isinstance(item, tuple | list):
        return joined(item, lang, vocabulary)
    if vocabulary is not None:
        return word(vocabulary, item, lang)
    return "" if is_missing(item) else str(item)


def _reason_values(frame: pd.DataFrame, key: str, lang: str) -> pd.Series:
    """The sentences of a reason column in ``lang``: the one place that knows how a frame carries them.

    An analysis frame holds reason *codes* and the factor columns they quote; they are worded here, only
    for what is shown or exported (:func:`chain.reasons.render`). A frame made elsewhere holds sentences
    composed per language as ``<key>_zh`` / ``<key>_en`` (the validation report's ``message``), or in one
    language only, as ``<key>``.
    """
    pair = f"{key}_{lang}"
    if pair in frame.columns:
        return frame[pair]
    # A period comparison (chain.compare): each period's status reason, and the what-changed sentences.
    if key in ("reason_from", "reason_to") and key in frame.columns:
        return reasons.render_period_reasons(frame, "from" if key == "reason_from" else "to", lang)
    if key == "change" and "head" in frame.columns:
        return reasons.render_changes(frame, lang)
    table = reasons.table_of(frame.columns)
    if key == ("reasons" if table == "targets" else "reason") and table is not None:
        return reasons.render(table, frame, lang)
    return frame[key]


def source(frame: pd.DataFrame, key: str, lang: str = "zh") -> pd.Series:
    """The frame's values of ``key`` in ``lang``, before any naming or formatting: the column itself, its
    ``_zh`` / ``_en`` pair in ``lang``, or a reason column's sentences in ``lang``."""
    if cat.CATALOGUE.get(key) is not None and cat.column(key).kind in cat.SENTENCES:
        return _reason_values(frame, key, lang)
    if key == "outside_suppliers" and key in frame.columns:
        return reasons.render_outside_suppliers(frame, lang)
    if key in frame.columns:
        return frame[key]
    return frame[f"{key}_{lang}"]


def _cell(value: object, lang: str, vocabulary: Mapping[str, tuple[str, str]] | None) -> Cell:
    """One value as a spreadsheet shows it: words for keys, lists and booleans, numbers as numbers."""
    if isinstance(value, str):
        return word(vocabulary, value, lang) if vocabulary is not None else value
    if isinstance(value, tuple | list):
        if vocabulary is None and all(isinstance(item, str) for item in value):
            return JOINERS[lang].join(value)  # the usual list (names, products, reasons): text already
        return joined(tuple(as_text(_cell(item, lang, vocabulary)) for item in value), lang)
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return boolean(value, lang)
    if isinstance(value, np.generic):
        return _cell(value.item(), lang, vocabulary)
    if isinstance(value, int | float):
        # Spreadsheets have no NaN or infinity: those cells stay empty.
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        # Excel has no time zones: an aware time is kept as ISO text so its offset is not lost.
        return value.isoformat(sep=" ") if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    return str(value)


def as_text(value: Cell) -> str:
    """A display value as text: empty for None, ISO for dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cell(value: object, lang: str = "zh") -> Cell:
    """One value of no particular column (an About-sheet row) as a spreadsheet shows it."""
    return _cell(value, lang, None)


def cells(
    frame: pd.DataFrame, key: str, lang: str = "zh", *, rounded: bool = False, lines: bool = False
) -> list[Cell]:
    """The display values of one report column, for a spreadsheet: vocabulary keys named, lists joined,
    booleans 是/否, numbers kept as numbers (their format is the catalogue's), missing values None.
    The sentences of a reasons column are joined with ``；`` / ``; ``, or with ``lines`` one per line (for
    a cell that wraps).

    With ``rounded``, numbers are rounded to the digits their format shows (a whole number when it shows
    none), for a file that carries no format: a CSV holds 0.641 and 1400 where the workbook shows 64.1%
    and 1,400. A column the catalogue does not know is shown by the type of its values.
    """
    column = source(frame, key, lang)
    entry = cat.CATALOGUE.get(key)
    vocabulary = cat.NAMED_VALUES.get(entry.kind) if entry is not None else None
    if entry is not None and entry.kind == "reasons":
        joiner = "\n" if lines else SENTENCE_JOINERS[lang]
        return [
            joiner.join(map(str, v)) if isinstance(v, tuple | list) else _cell(v, lang, None)
            for v in column.tolist()
        ]
    if column.dtype == np.float64 and vocabulary is None:
        # The common case at a glance: a float is itself, NaN and infinity an empty cell.
        values = column.to_numpy()
        found: list[Cell] = [
            v if ok else None for v, ok in zip(values.tolist(), np.isfinite(values).tolist(), strict=True)
        ]
    elif column.dtype == np.int64 and vocabulary is None:
        found = column.tolist()
    else:
        found = [_cell(v, lang, vocabulary) for v in column.tolist()]
    value_format = entry.format if entry is not None else None
    if not rounded or value_format is None:
        return found
    where = [i for i, v in enumerate(found) if isinstance(v, float)]
    if where:
        shown = _rounded(np.array([found[i] for i in where], dtype=float), value_format.decimals)
        for i, v in zip(where, shown.tolist(), strict=True):
            found[i] = int(v) if value_format.decimals == 0 and abs(v) < 1e15 else v
    return found


def _rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    """Rounded as a spreadsheet rounds what it shows: half away from zero on the decimal digits (-12.25 ->
    -12.3, 0.8125 -> 0.813, 1.005 -> 1.01, where binary rounding gives -12.2, 0.812 and 1.0).

    The scaled value is first rounded to 6 decimals so that a decimal tie stored a hair below it (1.005 is
    1.00499999999999989...) is still a tie, as Excel, which rounds to 15 significant digits, shows it.
    From 1e15 on a float has no decimals left to round and is kept.
    """
    scale = 10.0**decimals
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.round(values * scale, 6)
        shown = np.trunc(scaled + np.copysign(0.5, scaled)) / scale
    return np.where(np.abs(values) < 1e15, shown, values)


def estimated(frame: pd.DataFrame, key: str) -> pd.Series | None:
    """Which values of number column ``key`` are (partly) estimated, when ``frame`` says
    (:data:`chain.columns.ESTIMATED_SHARE`); None when it does not.

    >>> estimated(pd.DataFrame({"distance_km": [1.0, 2.0], "distance_estimated_share": [0.0, 0.4]}), "distance_km").tolist()
    [False, True]
    """
    share = cat.ESTIMATED_SHARE.get(key)
    if share is None or share not in frame.columns:
        return None
    return frame[share].fillna(0.0).astype(float) > 0


def _words(frame: pd.DataFrame, key: str, lang: str) -> pd.Series:
    """One column entirely in words, numbers formatted per the catalogue (for text output), an estimated
    one after ≈."""
    entry = cat.CATALOGUE.get(key)
    if entry is not None and entry.format is not None:
        words = source(frame, key, lang).map(lambda v: "" if to_float(v) is None else number(key, v, lang))
        approx = estimated(frame, key)
        return words if approx is None else words.where(~approx | (words == ""), APPROX + words)
    if entry is not None and entry.kind == "row":
        return source(frame, key, lang).map(lambda v: "" if is_missing(v) else f"{int(v)}")
    return pd.Series([as_text(v) for v in cells(frame, key, lang)], index=frame.index, dtype=object)


def display_frame(frame: pd.DataFrame, keys: Iterable[str], lang: str = "zh") -> pd.DataFrame:
    """``keys`` of ``frame`` ready for an interactive table: language pairs folded into one column, statuses,
    gap kinds, stages and severities named, lists joined, booleans as words, Excel rows as text (blank for
    none); numbers stay numbers, for the table to format (with the catalogue's format) and sort."""
    shown = pd.DataFrame(index=frame.index)
    for key in keys:
        entry = cat.CATALOGUE.get(key)
        approx = estimated(frame, key)
        if approx is not None and approx.any():
            # An estimate reads ≈1,120: the column becomes its words (sorting it sorts text).
            shown[key] = _words(frame, key, lang)
        elif entry is not None and entry.format is not None:
            shown[key] = source(frame, key, lang)
        elif entry is not None and entry.kind == "row":
            shown[key] = _words(frame, key, lang)
        else:
            shown[key] = pd.Series(
                [as_text(v) for v in cells(frame, key, lang)], index=frame.index, dtype=object
            )
    return shown


def text_frame(frame: pd.DataFrame, keys: Iterable[str], lang: str = "zh") -> pd.DataFrame:
    """``keys`` of ``frame`` entirely in words under their headers (:func:`chain.columns.header`), numbers
    formatted as the catalogue says: a table for a terminal or a plain-text report."""
    return pd.DataFrame({cat.header(key, lang): _words(frame, key, lang) for key in keys}, index=frame.index)

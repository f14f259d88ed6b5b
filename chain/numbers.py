"""Numbers in words, one way per quantity and language: amounts (given in 万元), shares, percent points,
distances and counts, each with its unit from :mod:`chain.columns`; a dash for what is undefined.

The renderer (:mod:`chain.render`: frame -> words) and the reasons' templates (:mod:`chain.reasons`) both
write numbers with these, so a figure reads the same in a table, a reason, a chart and an export.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chain import columns as cat

__all__ = [
    "APPROX",
    "DASH",
    "amount",
    "amount_scale",
    "count",
    "distance",
    "is_missing",
    "percent",
    "point_change",
    "points",
    "to_float",
]

#: What an undefined number (a share without demand, a distance without data) reads as.
DASH = "—"
#: What an estimated number (a distance no one typed, :mod:`chain.geo`) is written after.
APPROX = "≈"


def is_missing(value: object) -> bool:
    """Whether a cell holds nothing: None, pandas' NA or NaT, or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def to_float(value: object) -> float | None:
    """A number as a float; None when it is missing or not finite."""
    if is_missing(value) or isinstance(value, bool | str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _digits(value: float) -> str:
    """Thousands separators; one decimal only where it matters (below 100 and not whole)."""
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def amount_scale(value: object, lang: str = "zh", *, compact: bool = False) -> tuple[float, str]:
    """(divisor, unit word) that :func:`amount` writes ``value`` (万元) with: the number shown is
    ``value / divisor`` followed by the unit. A chart whose values share one unit (a Sankey's
    ``valuesuffix``, an axis) takes it from its largest value, so its figures read as the tables do.

    Chinese counts in 万元, or with ``compact`` in 亿元 from 1 亿元 on. English readers count in thousands,
    millions and billions of yuan (1 万元 = 10,000 yuan; 1 亿元 = 100 m yuan): bn yuan from 1 bn, m yuan
    from 1 m and for zero (the unit its neighbours mostly carry), k yuan below 1 m.

    >>> amount_scale(123456, compact=True), amount_scale(123456), amount_scale(7666.1, "en")
    ((10000, '亿元'), (1, '万元'), (100, 'm yuan'))
    >>> amount_scale(3.25, "en"), amount_scale(0, "en"), amount_scale(None, "en")
    ((0.1, 'k yuan'), (100, 'm yuan'), (100, 'm yuan'))
    """
    number = abs(to_float(value) or 0.0)
    if lang == "zh":
        if compact and number >= 10_000:
            return 10_000, cat.unit("yi_yuan", lang)
        return 1, cat.unit("wan_yuan", lang)
    if number >= 100_000:
        return 100_000, cat.unit("bn_yuan", lang)
    if number >= 100 or number == 0:
        return 100, cat.unit("m_yuan", lang)
    return 0.1, cat.unit("k_yuan", lang)


def amount(value: object, lang: str = "zh", *, compact: bool = False) -> str:
    """An amount given in 万元, in words with its unit (:func:`amount_scale`); a dash when it is missing.
    English never writes "10k yuan" after a number, nor a bare "0 yuan" among m yuan.

    >>> amount(12345.4), amount(3.25), amount(0.0), amount(123456, compact=True), amount(float("nan"))
    ('12,345 万元', '3.2 万元', '0 万元', '12.35 亿元', '—')
    >>> amount(123456, "en"), amount(7666.1, "en"), amount(5000, "en"), amount(3.25, "en"), amount(0, "en")
    ('1.23 bn yuan', '76.7 m yuan', '50.0 m yuan', '32.5 k yuan', '0 m yuan')
    """
    number = to_float(value)
    if number is None:
        return DASH
    number += 0.0  # -0.0 reads as 0
    divisor, unit = amount_scale(number, lang, compact=compact)
    if number == 0:
        return f"0 {unit}"
    shown = number / divisor
    if divisor in (10_000, 100_000):
        return f"{shown:,.2f} {unit}"
    if divisor == 100:
        return f"{shown:,.1f} {unit}"
    return f"{_digits(shown)} {unit}"


def percent(share: object, digits: int = 1) -> str:
    """A share (0.25) as a percentage (25.0%); a dash when it is undefined.

    >>> percent(0.256), percent(0.5, 0), percent(float("nan"))
    ('25.6%', '50%', '—')
    """
    number = to_float(share)
    if number is None:
        return DASH
    return f"{number * 100:.{digits}f}%"


def points(value: object) -> str:
    """Percent points (a growth rate of 2.9) as a signed percentage: ``+2.9%``; a dash when missing.

    >>> points(2.94), points(-1), points(None)
    ('+2.9%', '-1.0%', '—')
    """
    number = to_float(value)
    return DASH if number is None else f"{number:+.1f}%"


def point_change(change: object, lang: str = "zh") -> str:
    """A change of a share (0.029: from 50% to 52.9%) in percentage points, as each language says it:
    ``+2.9 个百分点`` / ``+2.9 pp``; a dash when missing. A share moving from 50% to 52.9% grew by 2.9
    points, not by 2.9%.

    >>> point_change(0.029), point_change(-0.5, "en"), point_change(0.0), point_change(None)
    ('+2.9 个百分点', '-50.0 pp', '0.0 个百分点', '—')
    """
    number = to_float(change)
    if number is None:
        return DASH
    shown = f"{number * 100:+.1f}" if round(number * 100, 1) != 0 else "0.0"
    return f"{shown} {cat.unit('points', lang)}"


def distance(km: object, lang: str = "zh", *, estimated: bool = False) -> str:
    """A distance in kilometres with its unit, 公里 in Chinese and km in English; a dash when unknown; ≈
    before it when it is (partly) estimated from the regions (:mod:`chain.geo`) rather than typed.

    >>> distance(1400.0), distance(1400.0, "en"), distance(None, "en"), distance(1120.4, "en", estimated=True)
    ('1,400 公里', '1,400 km', '—', '≈1,120 km')
    """
    number = to_float(km)
    if number is None:
        return DASH
    return f"{APPROX if estimated else ''}{number:,.0f} {cat.unit('km', lang)}"


def count(value: object, what: str, lang: str = "zh") -> str:
    """A count with its unit word: ``1,234 人`` / ``1,234 people``; ``what`` is a :data:`~chain.columns.UNITS`
    key (``people``, ``firms``).

    >>> count(1234, "people"), count(3, "firms", "en")
    ('1,234 人', '3 firms')
    """
    number = to_float(value)
    return DASH if number is None else f"{round(number):,} {cat.unit(what, lang)}"

"""The enterprise-demand ledger (诉求台账): identity, checks, overdue and due-soon lists, closure statistics.

A demand is identified by enterprise + type + raised date + content (names compared by
:func:`chain.names.name_key`, content with its white space trimmed), so re-importing a 诉求 sheet updates the
ledger instead of adding the same demand twice. Statistics follow the county's 督办 practice: 办结率 is closed
/ raised, and the average days to close counts, for closed demands with both dates, closed − raised. Frames
in and out use the catalogue's keys (:data:`chain.columns.TABLES` ``demands``); nothing here reads a
database or Streamlit (storage: :mod:`chain.ledger`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import pandas as pd

from chain.errors import Worded
from chain.names import name_key

__all__ = [
    "CLOSED",
    "DUE_SOON_DAYS",
    "DemandError",
    "check_demand",
    "closure_stats",
    "days_to_close",
    "demand_key",
    "due_soon",
    "overdue",
    "with_deputies",
]

CLOSED = "closed"
#: Days ahead of the as-of date within which an open demand is "due soon" (临期).
DUE_SOON_DAYS = 14

ERRORS: dict[str, tuple[str, str]] = {
    "no_enterprise": ("诉求必须有企业名称。", "a demand needs an enterprise."),
    "unknown_type": ("未知的诉求类型“{value}”。", "unknown demand type {value!r}."),
    "unknown_status": ("未知的办理状态“{value}”。", "unknown demand status {value!r}."),
    "no_raised": ("诉求必须有提出日期。", "a demand needs the date it was raised."),
    "due_before_raised": (
        "办结时限 {due} 早于提出日期 {raised}。",
        "the due date {due} is before the date raised {raised}.",
    ),
    "closed_needs_date": ("已办结的诉求必须填写办结日期。", "a closed demand needs the date it was closed."),
    "closed_before_raised": (
        "办结日期 {closed} 早于提出日期 {raised}。",
        "the closing date {closed} is before the date raised {raised}.",
    ),
    "date_but_open": (
        "填写了办结日期 {closed}，但状态不是已办结。",
        "a closing date {closed} is given but the status is not closed.",
    ),
}


class DemandError(Worded, ValueError):
    """A demand the ledger refuses: a code of :data:`ERRORS` and a message in zh and en."""

    ERRORS = ERRORS


def demand_key(enterprise: str, kind: str, raised: dt.date | None, detail: str) -> tuple[str, str, str, str]:
    """A demand's identity: enterprise (as names compare), type, raised date (ISO, "" when none), content.

    >>> demand_key("汉阴县恒丰纺织有限公司 ", "labour", dt.date(2023, 6, 5), " 挡车工缺口60人")
    ('汉阴县恒丰纺织有限公司', 'labour', '2023-06-05', '挡车工缺口60人')
    """
    return name_key(enterprise), kind, raised.isoformat() if raised else "", name_key(detail)


def check_demand(
    record: Mapping[str, object], types: Mapping[str, object], states: Mapping[str, object]
) -> None:
    """Refuse a demand that cannot be right (:class:`DemandError`): no enterprise or raised date, a type or
    status outside the choices, a due or closing date before the raised date, closed without a date or a
    date without being closed."""
    if not str(record.get("enterprise") or "").strip():
        raise DemandError("no_enterprise")
    kind, status = record.get("demand_type"), record.get("demand_status")
    if kind not in types:
        raise DemandError("unknown_type", value=kind)
    if status not in states:
        raise DemandError("unknown_status", value=status)
    raised, due, closed = record.get("raised"), record.get("due"), record.get("closed")
    if not isinstance(raised, dt.date):
        raise DemandError("no_raised")
    if isinstance(due, dt.date) and due < raised:
        raise DemandError("due_before_raised", due=due, raised=raised)
    if status == CLOSED and not isinstance(closed, dt.date):
        raise DemandError("closed_needs_date")
    if isinstance(closed, dt.date):
        if status != CLOSED:
            raise DemandError("date_but_open", closed=closed)
        if closed < raised:
            raise DemandError("closed_before_raised", closed=closed, raised=raised)


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def days_to_close(ledger: pd.DataFrame) -> pd.Series:
    """Per demand: closed − raised in days for a closed demand with both dates; NaN otherwise."""
    values = [
        float((_date(c) - _date(r)).days) if s == CLOSED and _date(c) and _date(r) else math.nan
        for s, r, c in zip(ledger["demand_status"], ledger["raised"], ledger["closed"], strict=True)
    ]
    return pd.Series(values, index=ledger.index, dtype=float)


def overdue(ledger: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Per demand: not closed and its due date has passed on ``as_of`` (due that day is not overdue)."""
    flags = [
        s != CLOSED and _date(d) is not None and _date(d) < as_of
        for s, d in zip(ledger["demand_status"], ledger["due"], strict=True)
    ]
    return pd.Series(flags, index=ledger.index, dtype=bool)


def due_soon(ledger: pd.DataFrame, as_of: dt.date, days: int = DUE_SOON_DAYS) -> pd.Series:
    """Per demand: not closed and due within ``days`` from ``as_of``, both ends included."""
    end = as_of + dt.timedelta(days=days)
    flags = [
        s != CLOSED and _date(d) is not None and as_of <= _date(d) <= end
        for s, d in zip(ledger["demand_status"], ledger["due"], strict=True)
    ]
    return pd.Series(flags, index=ledger.index, dtype=bool)


def with_deputies(ledger: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The ledger with ``deputy``: the 包联 deputy of the demand's enterprise in 企业 ("" when the
    enterprise is not listed or has none)."""
    deputies = {
        name_key(n): str(d or "") for n, d in zip(enterprises["name"], enterprises["deputy"], strict=True)
    }
    return ledger.assign(deputy=[deputies.get(name_key(e), "") for e in ledger["enterprise"]])


def closure_stats(ledger: pd.DataFrame, by: str) -> pd.DataFrame:
    """办结率 and average days to close per value of ``by`` (``demand_type`` or ``deputy``), in order of
    first appearance, then a total row (group ""): group, total, closed_count, closure_rate (closed /
    total), avg_days (mean of :func:`days_to_close` over the closed demands that have both dates; NaN when
    none)."""
    days = days_to_close(ledger)
    closed = ledger["demand_status"] == CLOSED
    rows = []
    groups = list(dict.fromkeys(ledger[by].tolist())) if len(ledger) else []
    for group in [*groups, None]:
        mask = ledger[by] == group if group is not None else pd.Series(True, index=ledger.index)
        total = int(mask.sum())
        done = int((mask & closed).sum())
        mine = days[mask].dropna()
        rows.append(
            {
                "group": "" if group is None else group,
                "total": total,
                "closed_count": done,
                "closure_rate": done / total if total else math.nan,
                "avg_days": float(mine.mean()) if len(mine) else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=["group", "total", "closed_count", "closure_rate", "avg_days"])

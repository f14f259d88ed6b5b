"""Two reporting periods of one county compared: what changed, segment by segment, and why.

A county's leadership reads a chain report first for what changed since the last one: which gaps closed,
which opened, whether the recruited project moved the chain. This module compares two analysed periods
(:class:`Side`: a county, a :class:`~chain.periods.Period`, the chain data and its report) and returns
numbers and codes only (:class:`Comparison`); the words are :mod:`chain.reasons`' (``CHANGE_REASONS``,
``render_changes``, ``render_side_reasons``), as for every other analysis.

Comparable periods only (:func:`comparability`): the same months of different years (同比,
``same_months``) compare amounts directly; other lengths or months (1-6月 against 1-9月 of another year:
year-to-date totals as Chinese statistics report them) compare amounts as monthly averages
(``monthly_average``). Shares, statuses, head counts and firm counts always compare directly. Two
periods of different counties, or periods that overlap (one year's 1-6月 and 1-9月 share six months of
one running total), are refused with a :class:`CompareError` in zh and en.

Firms are the same firm across periods when both carry the same 统一社会信用代码; where either has none,
when their names are the same by :func:`chain.names.name_key`. Two firms with different credit codes are
never one, whatever their names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from chain.columns import COMPARED_METRICS
from chain.errors import Worded
from chain.model import ChainData, ChainReport
from chain.names import name_key
from chain.periods import Period
from chain.places import place_core

__all__ = [
    "AMOUNT_METRICS",
    "COMPARABLE",
    "ERRORS",
    "METRICS",
    "Comparable",
    "CompareError",
    "Comparison",
    "Side",
    "closest_earlier",
    "comparability",
    "compare",
    "completeness_trend",
    "one_per_period",
]

K = TypeVar("K")
Comparable = Literal["same_months", "monthly_average"]
#: How two periods compare: amounts directly (same months of different years) or as monthly averages.
COMPARABLE: tuple[Comparable, ...] = ("same_months", "monthly_average")

#: Segment metrics compared, in order (each a column of ``ChainReport.segments``; named in the catalogue).
METRICS: tuple[str, ...] = COMPARED_METRICS
#: The metrics that are amounts over the period (万元): divided by the period's months when the two
#: periods have different months. Head counts and firm counts are stocks, shares are ratios: never divided.
AMOUNT_METRICS: frozenset[str] = frozenset({"output", "leakage", "exports"})

#: code -> (zh, en) message templates of every :class:`CompareError`.
ERRORS: dict[str, tuple[str, str]] = {
    "different_county": (
        "{a} 属于“{county_a}”，{b} 属于“{county_b}”：只能对比同一个县的两个报告期。",
        "{a} is of '{county_a}' and {b} of '{county_b}': only two periods of one county compare.",
    ),
    "same_period": (
        "{a} 与 {b} 是同一报告期（{period_a}）：请选另一个报告期来对比。",
        "{a} and {b} are the same period ({period_a}): pick another period to compare with.",
    ),
    "overlapping": (
        "{a}（{period_a}）与 {b}（{period_b}）的月份重叠：累计数包含同一些月份，不能对比；"
        "请选不同年份的同期（同比），或不重叠的期间。",
        "{a} ({period_a}) and {b} ({period_b}) share months: their running totals include the same months "
        "and do not compare; pick the same months of another year, or periods that do not overlap.",
    ),
    "no_periods": ("没有可以画趋势的报告期。", "there is no period to draw a trend of."),
}


class CompareError(Worded):
    """Two periods that do not compare, with a code (a key of :data:`ERRORS`) and a message in zh and en
    naming both (as :class:`chain.store.StoreError` does for the database)."""

    ERRORS = ERRORS


@dataclass(frozen=True, eq=False)
class Side:
    """One period of a comparison: what names it for people (a snapshot's label), its county and period,
    the chain data and its analysis (:func:`chain.gaps.analyze`)."""

    label: str
    county: str
    period: Period
    data: ChainData
    report: ChainReport


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two periods compared (``before`` -> ``after``, in the order given).

    - ``segments``: one row per segment of either template (the later template's order, then the segments
      only the earlier one has): segment, category, status_from, status_to (``strong|weak|missing``, None
      where the segment is not in that period's template), reason_from, reason_to (codes of
      :data:`chain.reasons.SEGMENT_REASONS`, None likewise), ``<metric>_from`` / ``<metric>_to`` for each of
      :data:`METRICS` (amounts as monthly averages when ``comparable`` is ``monthly_average``; NaN where
      undefined or absent), firms_added, firms_removed (counts), and the factors the two reasons quote, as
      that period's report has them (never averaged): demand_from, demand_to, weak_share_from,
      weak_share_to.
    - ``firms_added`` / ``firms_removed``: segment, name, credit_code ("" when none), output (万元, the
      period's own total), in segment then name order: firms of ``after`` not in ``before``, and back.
    - ``links_added`` / ``links_removed``: segment, link_supplier, link_buyer, link_value (万元, the
      period's own total):
      supplier -> buyer trades of a segment present in one period only (firms renamed under one credit code
      count as one).
    - ``completeness``: two rows (``from``, ``to``): side, year, first_month, last_month, completeness_segments,
      completeness_value, segments_with_firms, segments_total.
    - ``changes``: what the summary says, one row per sentence (see :func:`chain.reasons.render_changes`):
      segment ("" for the whole chain), head (a code of ``CHANGE_REASONS["head"]``), parts (tuple of codes
      of ``CHANGE_REASONS["parts"]``) and the factors they quote.
    """

    before: Side
    after: Side
    comparable: Comparable
    segments: pd.DataFrame
    firms_added: pd.DataFrame
    firms_removed: pd.DataFrame
    links_added: pd.DataFrame
    links_removed: pd.DataFrame
    completeness: pd.DataFrame
    changes: pd.DataFrame

    @property
    def months(self) -> tuple[int, int]:
        """How many months each period covers (before, after)."""
        return self.before.period.months, self.after.period.months


def _overlap(a: Period, b: Period) -> bool:
    return a.year == b.year and a.first_month <= b.last_month and b.first_month <= a.last_month


def _fields(
    label_a: str, county_a: str, period_a: Period, label_b: str, county_b: str, period_b: Period
) -> dict[str, object]:
    """What an error message names: each period by its label (its period when it has none)."""
    return {
        "a": label_a or period_a.text("zh"),
        "b": label_b or period_b.text("zh"),
        "county_a": county_a,
        "county_b": county_b,
        "period_a": period_a.text("zh"),
        "period_b": period_b.text("zh"),
    }


def comparability(
    before: Side | tuple[str, str, Period], after: Side | tuple[str, str, Period]
) -> Comparable:
    """How two periods compare, each given as a :class:`Side` or as (label, county, period): amounts
    directly when they cover the same months (of different years), else as monthly averages.

    >>> p = lambda year, first, last: ("", "汉阴县", Period(year, first, last))
    >>> comparability(p(2022, 1, 9), p(2023, 1, 9)), comparability(p(2022, 1, 6), p(2023, 1, 9))
    ('same_months', 'monthly_average')

    Raises:
        CompareError: ``different_county`` (compared by place-name core: 汉阴县(示例数据) is 汉阴县),
            ``same_period``, ``overlapping``.
    """
    (label_a, county_a, period_a), (label_b, county_b, period_b) = (
        (side.label, side.county, side.period) if isinstance(side, Side) else side for side in (before, after)
    )
    fields = _fields(label_a, county_a, period_a, label_b, county_b, period_b)
    if place_core(county_a) != place_core(county_b):
        raise CompareError("different_county", **fields)
    if period_a == period_b:
        raise CompareError("same_period", **fields)
    if _overlap(period_a, period_b):
        raise CompareError("overlapping", **fields)
    same = (period_a.first_month, period_a.last_month) == (period_b.first_month, period_b.last_month)
    return "same_months" if same else "monthly_average"


def closest_earlier(county: str, period: Period, candidates: Sequence[tuple[K, str, Period]]) -> K | None:
    """The key of the candidate (key, county, period) to compare ``period`` with by default: of the same
    county, ending before ``period`` begins (so never overlapping), the latest such; among equals the first
    given (a store lists the newest upload first). None when there is none.

    >>> later = Period(2023, 1, 9)
    >>> closest_earlier("汉阴县", later, [(3, "汉阴县", Period(2023, 1, 6)), (1, "汉阴县", Period(2021, 1, 9)),
    ...                                    (2, "汉阴县(示例数据)", Period(2022, 1, 9)), (4, "石泉县", Period(2022, 4, 12))])
    2
    """
    core = place_core(county)
    starts = (period.year, period.first_month)
    earlier = [
        (key, found)
        for key, where, found in candidates
        if place_core(where) == core and (found.year, found.last_month) < starts
    ]
    if not earlier:
        return None
    latest = max((found.year, found.last_month, found.months) for _, found in earlier)
    return next(key for key, found in earlier if (found.year, found.last_month, found.months) == latest)


def one_per_period(county: str, candidates: Sequence[tuple[K, str, Period]]) -> list[K]:
    """The keys of the candidates (key, county, period) of ``county``, one per period: the first given of
    each (a store lists the newest upload first), in the order given. What a trend draws.

    >>> one_per_period("汉阴县", [(3, "汉阴县", Period(2023, 1, 9)), (2, "汉阴县", Period(2023, 1, 9)),
    ...                           (1, "汉阴县(示例数据)", Period(2022, 1, 9)), (4, "石泉县", Period(2022, 1, 9))])
    [3, 1]
    """
    core = place_core(county)
    seen: set[Period] = set()
    chosen = []
    for key, where, period in candidates:
        if place_core(where) == core and period not in seen:
            seen.add(period)
            chosen.append(key)
    return chosen


# -- firms and links ------------------------------------------------------------------------------------


def _firm_identity(before: pd.DataFrame, after: pd.DataFrame) -> tuple[dict[int, int], dict[int, int]]:
    """Matched firms: position in ``after`` -> position in ``before`` and back. By credit code where both
    firms have one; otherwise by normalised name, never pairing two firms whose codes differ."""
    codes_a = [str(code).strip().upper() for code in before["credit_code"].tolist()]
    codes_b = [str(code).strip().upper() for code in after["credit_code"].tolist()]
    names_a = [name_key(name) for name in before["name"].tolist()]
    names_b = [name_key(name) for name in after["name"].tolist()]
    by_code = {code: i for i, code in enumerate(codes_a) if code}
    after_to_before: dict[int, int] = {}
    for j, code in enumerate(codes_b):
        if code and code in by_code:
            after_to_before[j] = by_code[code]
    taken = set(after_to_before.values())
    by_name: dict[str, int] = {}
    for i, name in enumerate(names_a):
        if i not in taken:
            by_name.setdefault(name, i)
    for j, name in enumerate(names_b):
        if j in after_to_before or name not in by_name:
            continue
        i = by_name[name]
        if codes_a[i] and codes_b[j]:
            continue  # two different credit codes: two firms, whatever their names
        after_to_before[j] = i
        del by_name[name]
    return after_to_before, {i: j for j, i in after_to_before.items()}


def _firm_rows(enterprises: pd.DataFrame, positions: Sequence[int]) -> pd.DataFrame:
    chosen = enterprises.iloc[list(positions)]
    frame = pd.DataFrame(
        {
            "segment": pd.array(chosen["segment"].tolist(), dtype="str"),
            "name": pd.array(chosen["name"].tolist(), dtype="str"),
            "credit_code": pd.array(chosen["credit_code"].fillna("").astype(str).tolist(), dtype="str"),
            "output": np.asarray(chosen["output"].tolist(), dtype=float),
        }
    )
    return frame.sort_values(["segment", "name"], kind="stable").reset_index(drop=True)


def _link_totals(links: pd.DataFrame, canonical: Mapping[str, str]) -> pd.DataFrame:
    """supplier, buyer, segment -> value summed, each party named by its identity key."""
    frame = pd.DataFrame(
        {
            "supplier": links["supplier"].astype(str).tolist(),
            "buyer": links["buyer"].astype(str).tolist(),
            "segment": links["segment"].astype(str).tolist(),
            "value": links["value"].astype(float).tolist(),
        }
    )
    frame["supplier_key"] = [canonical.get(key, key) for key in map(name_key, frame["supplier"])]
    frame["buyer_key"] = [canonical.get(key, key) for key in map(name_key, frame["buyer"])]
    return frame.groupby(["supplier_key", "buyer_key", "segment"], sort=False, as_index=False).agg(
        supplier=("supplier", "first"), buyer=("buyer", "first"), value=("value", "sum")
    )


def _link_changes(
    before: Side, after: Side, after_to_before: Mapping[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    names_a = [name_key(name) for name in before.data.enterprises["name"].tolist()]
    names_b = [name_key(name) for name in after.data.enterprises["name"].tolist()]
    # A firm renamed under one credit code keeps the earlier name as its identity; a new firm that took the
    # name of another (a different credit code) gets an identity of its own.
    known = set(names_a)
    canonical = {
        name: f"{name}\x00new" for j, name in enumerate(names_b) if j not in after_to_before and name in known
    }
    canonical.update({names_b[j]: names_a[i] for j, i in after_to_before.items()})
    totals_a = _link_totals(before.data.links, {})
    totals_b = _link_totals(after.data.links, canonical)
    keys = ["supplier_key", "buyer_key", "segment"]
    merged = totals_a.merge(totals_b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    columns = ["segment", "link_supplier", "link_buyer", "link_value"]

    def pick(kind: str, side: str) -> pd.DataFrame:
        rows = merged[merged["_merge"] == kind]
        frame = pd.DataFrame(
            {
                "segment": pd.array(rows["segment"].tolist(), dtype="str"),
                "link_supplier": pd.array(rows[f"supplier_{side}"].tolist(), dtype="str"),
                "link_buyer": pd.array(rows[f"buyer_{side}"].tolist(), dtype="str"),
                "link_value": np.asarray(rows[f"value_{side}"].tolist(), dtype=float),
            },
            columns=columns,
        )
        return frame.sort_values(columns[:3], kind="stable").reset_index(drop=True)

    return pick("right_only", "b"), pick("left_only", "a")


# -- segments -------------------------------------------------------------------------------------------


def _segment_rows(
    before: Side, after: Side, comparable: Comparable, added: pd.DataFrame, removed: pd.DataFrame
) -> pd.DataFrame:
    seg_a = before.report.segments.set_index("segment")
    seg_b = after.report.segments.set_index("segment")
    order = list(dict.fromkeys([*seg_b.index.tolist(), *seg_a.index.tolist()]))
    # Each period's rows in the comparison's order: NaN (None for words) where its template has no such segment.
    rows_a, rows_b = seg_a.reindex(order), seg_b.reindex(order)
    scale_a = before.period.months if comparable == "monthly_average" else 1
    scale_b = after.period.months if comparable == "monthly_average" else 1

    def numbers(rows: pd.DataFrame, key: str, scale: int = 1) -> np.ndarray:
        return rows[key].to_numpy(dtype=float, na_value=np.nan) / scale

    def words(rows: pd.DataFrame, present: pd.Index, key: str) -> pd.Series:
        return pd.Series(
            [str(v) if s in present else None for s, v in zip(order, rows[key], strict=True)], dtype=object
        )

    data: dict[str, object] = {
        "segment": pd.array(order, dtype="str"),
        "category": pd.array(rows_b["category"].fillna(rows_a["category"]).astype(str).tolist(), dtype="str"),
        "status_from": words(rows_a, seg_a.index, "status"),
        "status_to": words(rows_b, seg_b.index, "status"),
        "reason_from": words(rows_a, seg_a.index, "reason"),
        "reason_to": words(rows_b, seg_b.index, "reason"),
    }
    for metric in METRICS:
        amount = metric in AMOUNT_METRICS
        data[f"{metric}_from"] = numbers(rows_a, metric, scale_a if amount else 1)
        data[f"{metric}_to"] = numbers(rows_b, metric, scale_b if amount else 1)
    data["firms_added"] = np.array([int((added["segment"] == s).sum()) for s in order], dtype="int64")
    data["firms_removed"] = np.array([int((removed["segment"] == s).sum()) for s in order], dtype="int64")
    for key in ("demand", "weak_share"):
        data[f"{key}_from"] = numbers(rows_a, key)
        data[f"{key}_to"] = numbers(rows_b, key)
    return pd.DataFrame(data)


def _completeness(before: Side, after: Side) -> pd.DataFrame:
    rows = []
    for side, period in (("from", before), ("to", after)):
        total = period.report.completeness
        rows.append(
            {
                "side": side,
                "year": period.period.year,
                "first_month": period.period.first_month,
                "last_month": period.period.last_month,
                "completeness_segments": total.segments,
                "completeness_value": total.value,
                "segments_with_firms": total.segments_with_firms,
                "segments_total": total.segments_total,
            }
        )
    return pd.DataFrame(rows)


#: The least change of a local share the summary mentions when the status did not change (1 point).
SHARE_STEP = 0.01


def _changes(segments: pd.DataFrame, completeness: pd.DataFrame) -> pd.DataFrame:
    """The summary's rows: the whole chain first, then each segment whose status changed (template
    order), then each other segment that gained or lost local firms."""
    chain_from, chain_to = completeness.iloc[0], completeness.iloc[1]
    rows: list[dict[str, object]] = [
        {
            "segment": "",
            "head": "chain",
            "parts": (
                "completeness_segments",
                "completeness_value",
                *(["firms_added"] if segments["firms_added"].sum() else []),
                *(["firms_removed"] if segments["firms_removed"].sum() else []),
            ),
            "status_from": None,
            "status_to": None,
            "firms_added": int(segments["firms_added"].sum()),
            "firms_removed": int(segments["firms_removed"].sum()),
            "local_share_from": math.nan,
            "local_share_to": math.nan,
            "completeness_segments_from": float(chain_from["completeness_segments"]),
            "completeness_segments_to": float(chain_to["completeness_segments"]),
            "completeness_value_from": float(chain_from["completeness_value"]),
            "completeness_value_to": float(chain_to["completeness_value"]),
        }
    ]
    moved, others = [], []
    for record in segments.to_dict("records"):
        status_from, status_to = record["status_from"], record["status_to"]
        if status_from is None:
            head = "segment_new"
        elif status_to is None:
            head = "segment_dropped"
        elif status_from != status_to:
            head = "transition"
        else:
            head = "unchanged"
        parts: list[str] = []
        if record["firms_added"]:
            parts.append("firms_added")
        if record["firms_removed"]:
            parts.append("firms_removed")
        share_from, share_to = record["local_share_from"], record["local_share_to"]
        both_missing = math.isnan(share_from) and math.isnan(share_to)
        share_moved = (
            math.isnan(share_from) != math.isnan(share_to) or abs(share_to - share_from) >= SHARE_STEP
        )
        if (head == "transition" and not both_missing) or (head == "unchanged" and share_moved):
            parts.append("share")
        if head == "unchanged" and not (record["firms_added"] or record["firms_removed"]):
            continue
        row = {
            "segment": record["segment"],
            "head": head,
            "parts": tuple(parts),
            "status_from": status_from,
            "status_to": status_to,
            "firms_added": int(record["firms_added"]),
            "firms_removed": int(record["firms_removed"]),
            "local_share_from": share_from,
            "local_share_to": share_to,
            "completeness_segments_from": math.nan,
            "completeness_segments_to": math.nan,
            "completeness_value_from": math.nan,
            "completeness_value_to": math.nan,
        }
        (others if head == "unchanged" else moved).append(row)
    records = [*rows, *moved, *others]
    frame = pd.DataFrame(records)
    # Object columns built from the records themselves: None stays None (pandas would read a missing status as NaN).
    for key in ("status_from", "status_to", "parts"):
        frame[key] = pd.Series([record[key] for record in records], dtype=object)
    return frame


def _in_order(frame: pd.DataFrame, order: Mapping[str, int], *then: str) -> pd.DataFrame:
    """``frame`` by segment position in ``order`` (unknown segments last), then by ``then``."""
    position = frame["segment"].map(lambda s: order.get(s, len(order))).astype("int64")
    ordered = frame.assign(_position=position).sort_values(["_position", *then], kind="stable")
    return ordered.drop(columns="_position").reset_index(drop=True)


def compare(before: Side, after: Side) -> Comparison:
    """``before`` -> ``after`` compared (:class:`Comparison`), after :func:`comparability` allows it.

    Raises:
        CompareError: the two periods do not compare (see :func:`comparability`).
    """
    comparable = comparability(before, after)
    firms_a, firms_b = before.data.enterprises, after.data.enterprises
    after_to_before, before_to_after = _firm_identity(firms_a, firms_b)
    added = _firm_rows(firms_b, [j for j in range(len(firms_b)) if j not in after_to_before])
    removed = _firm_rows(firms_a, [i for i in range(len(firms_a)) if i not in before_to_after])
    links_added, links_removed = _link_changes(before, after, after_to_before)
    segments = _segment_rows(before, after, comparable, added, removed)
    # Firms and links in the comparison's segment order (the later template's), as every table reads.
    order = {segment: position for position, segment in enumerate(segments["segment"].tolist())}
    added, removed = (_in_order(frame, order, "name") for frame in (added, removed))
    links_added, links_removed = (
        _in_order(frame, order, "link_supplier", "link_buyer") for frame in (links_added, links_removed)
    )
    completeness = _completeness(before, after)
    return Comparison(
        before=before,
        after=after,
        comparable=comparable,
        segments=segments,
        firms_added=added,
        firms_removed=removed,
        links_added=links_added,
        links_removed=links_removed,
        completeness=completeness,
        changes=_changes(segments, completeness),
    )


def completeness_trend(sides: Sequence[Side]) -> pd.DataFrame:
    """Completeness over a county's periods, oldest first (by year, then last month, then first month):
    label, period_zh / period_en (the period written in each language: the catalogue's ``period``), year, first_month, last_month, completeness_segments, completeness_value,
    segments_with_firms, segments_total. Shares need no monthly averaging.

    Raises:
        CompareError: ``no_periods`` for an empty list; ``different_county`` when two counties are mixed.
    """
    if not sides:
        raise CompareError("no_periods")
    first = sides[0]
    for side in sides[1:]:
        if place_core(side.county) != place_core(first.county):
            raise CompareError(
                "different_county",
                **_fields(first.label, first.county, first.period, side.label, side.county, side.period),
            )
    ordered = sorted(sides, key=lambda s: (s.period.year, s.period.last_month, s.period.first_month))
    return pd.DataFrame(
        {
            "label": pd.array([s.label for s in ordered], dtype="str"),
            "period_zh": pd.array([s.period.text("zh") for s in ordered], dtype="str"),
            "period_en": pd.array([s.period.text("en") for s in ordered], dtype="str"),
            "year": np.array([s.period.year for s in ordered], dtype="int64"),
            "first_month": np.array([s.period.first_month for s in ordered], dtype="int64"),
            "last_month": np.array([s.period.last_month for s in ordered], dtype="int64"),
            "completeness_segments": np.array([s.report.completeness.segments for s in ordered], dtype=float),
            "completeness_value": np.array([s.report.completeness.value for s in ordered], dtype=float),
            "segments_with_firms": np.array(
                [s.report.completeness.segments_with_firms for s in ordered], dtype="int64"
            ),
            "segments_total": np.array(
                [s.report.completeness.segments_total for s in ordered], dtype="int64"
            ),
        }
    )

"""Recruiting targets (招商目标): the outside companies that already trade a gap segment with the county."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chain import columns as cat
from chain import geo
from chain.frames import best_first, distinct_sorted, groups, share_of_largest
from chain.model import ChainData, ChainReport
from chain.settings import TargetWeights

__all__ = ["FACTOR_SCORES", "TARGET_COLUMNS", "recruiting_targets"]

#: Columns of the frame :func:`recruiting_targets` returns, in order. ``reasons`` are codes
#: (:data:`chain.reasons.TARGET_REASONS`). The standard targets table's columns (:data:`chain.columns.TABLES`),
#: then the four factors the reasons quote.
TARGET_COLUMNS = (*cat.TABLES["targets"].columns, "rank", "gap_size", "projects", "project_statuses")

#: The score's factors (:class:`~chain.settings.TargetWeights` fields) -> the column of each one's part of
#: the score, in the order the ranking reads them and the reasons state them.
FACTOR_SCORES: dict[str, str] = {
    "value": "score_value",
    "partners": "score_partners",
    "distance": "score_distance",
    "gap": "score_gap",
}
#: The order of a row's reasons: the lead (value traded), its reach, then the argument for a local plant
#: (distance) and the gap it would close; a project under way last.
_REASON_ORDER = ("value", "partners", "distance", "gap")

_DTYPES = {
    "segment": "str",
    "gap": "str",
    "name": "str",
    "region": "str",
    "province": "str",
    "city": "str",
    "value": float,
    "local_partners": "int64",
    "distance_km": float,
    "distance_estimated": bool,
    "distance_estimated_share": float,
    "covered": bool,
    "score": float,
    **dict.fromkeys(FACTOR_SCORES.values(), float),
    "position": "int64",
    "rank": "int64",
    "gap_size": float,
}


def recruiting_targets(
    data: ChainData,
    report: ChainReport,
    weights: TargetWeights | None = None,
    *,
    segment: str | None = None,
    gap: str | None = None,
    region: str | None = None,
    min_value: float = 0.0,
    max_distance: float | None = None,
) -> pd.DataFrame:
    """A *recruiting target* is an outside company (name + region) that already trades a gap segment
    with the county: for an upstream gap s, a supplier outside the county selling s to local firms
    (``~supplier_in_county``); for a downstream gap d, a buyer outside the county (``~buyer_in_county``)
    of d's inputs (those bought as d, or with no buyer segment given). A party in the county but not in
    企业 (a construction site, a hospital) is never a target.

    Each row has the value traded (``value``, 万元), the local firms it serves or buys from (``partners``,
    ``local_partners``: its reach), the value-weighted distance of its links (NaN when none is known), its
    products, and ``covered`` when a 招商项目 already works on the segment. The score is Σ weight × factor
    over four factors, each divided by its largest value among all candidate rows (before any filter, so
    filtering never changes a score; an unknown distance counts 0): value, local partners, distance and
    the gap's size (leakage for upstream, downstream gap for downstream); a covered row's score is
    multiplied by ``weights.covered_penalty``. Each factor's part of the score (weight × factor, times
    the penalty: the parts add up to the score) is a column of its own (:data:`FACTOR_SCORES`), so a
    reader sees why a row ranks where it does.

    Rows are ranked as an investment team reads a list (:class:`~chain.settings.TargetWeights` says why):
    by score as shown (to the catalogue's digits), then, between scores that read the same, by value
    traded, local partners, and distance (farther first: more freight to save); then by name, region,
    segment and gap kind. ``position`` numbers the rows returned, 1 = first.

    ``reasons`` are codes in the ranking's order: value, partners, distance (left out when unknown) and
    gap, then ``project`` when covered, worded by :func:`chain.reasons.render` with the factor columns
    ``rank`` (by value among the segment's targets of that kind, 1 = largest), ``gap_size``,
    ``projects`` and ``project_statuses``.

    Parameters
    ----------
    data, report : the chain data and its :func:`~chain.gaps.analyze` report.
    weights : score weights; the report's ``settings.target_weights`` when None.
    segment : keep only this segment's targets.
    gap : keep only ``"upstream"`` or ``"downstream"`` targets.
    region : keep only targets in this place: a grouping (长三角, 珠三角, 京津冀, 成渝, 关中) or a
        division the gazetteer knows (江苏, 苏州: every place inside it), else whose region contains the
        text (:func:`chain.geo.in_region`).
    min_value : keep only targets trading at least this much (万元).
    max_distance : keep only targets with a known distance of at most this many km.

    Returns
    -------
    A new frame with :data:`TARGET_COLUMNS`, best first.

    Raises
    ------
    ValueError : an unknown segment or gap kind.
    """
    weights = report.settings.target_weights if weights is None else weights
    segments = report.segments
    if segment is not None and segment not in set(segments["segment"]):
        raise ValueError(f"unknown segment: {segment!r} is not a segment of the chain template")
    if gap is not None and gap not in ("upstream", "downstream"):
        raise ValueError(f"gap must be 'upstream' or 'downstream', got {gap!r}")

    candidates = pd.concat(
        [_upstream_candidates(data, segments), _downstream_candidates(data, segments)], ignore_index=True
    )
    if candidates.empty:
        return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, object)) for c in TARGET_COLUMNS})

    # Factors scaled over every candidate, before any filter: filtering never changes a score.
    factors = {
        "value": candidates["value"],
        "partners": candidates["local_partners"],
        "distance": candidates["distance_km"].fillna(0.0),
        "gap": candidates["gap_size"],
    }
    weighted = pd.DataFrame(
        {name: getattr(weights, name) * share_of_largest(values) for name, values in factors.items()}
    )
    projects = _projects_by_segment(data.projects)
    candidates["covered"] = candidates["segment"].isin(list(projects))
    penalty = np.where(candidates["covered"], weights.covered_penalty, 1.0)
    for name, column in FACTOR_SCORES.items():
        candidates[column] = weighted[name] * penalty
    # The score is the sum of its parts as shown, so that they add up to it exactly.
    candidates["score"] = sum(candidates[column] for column in FACTOR_SCORES.values())
    candidates["rank"] = (
        candidates.groupby(["segment", "gap"], sort=False)["value"].rank(method="min", ascending=False)
    ).astype("int64")
    candidates["reasons"] = _reason_codes(candidates["distance_km"].notna(), candidates["covered"])
    of_segment = [projects.get(segment, ((), ())) for segment in candidates["segment"].tolist()]
    for position, column in enumerate(("projects", "project_statuses")):
        values = np.empty(len(of_segment), dtype=object)
        values[:] = [pair[position] for pair in of_segment]
        candidates[column] = values

    keep = candidates["value"] >= min_value
    if segment is not None:
        keep &= candidates["segment"] == segment
    if gap is not None:
        keep &= candidates["gap"] == gap
    if region is not None:
        keep &= geo.in_region(candidates["adcode"], candidates["region"], region)
    if max_distance is not None:
        keep &= candidates["distance_km"] <= max_distance
    # Scores that read the same are a tie: the ranking's next factors decide (an unknown distance last).
    candidates["shown_score"] = candidates["score"].round(cat.FORMATS["score"].decimals)
    # Unfiltered (the list as a page first shows it), no copy of the rows before sorting them.
    kept = candidates if keep.all() else candidates[keep]
    ranked = best_first(
        kept,
        ["shown_score", "value", "local_partners", "distance_km"],
        ["name", "region", "segment", "gap"],
    )
    ranked["position"] = np.arange(1, len(ranked) + 1, dtype=np.int64)
    return ranked[list(TARGET_COLUMNS)]


def _upstream_candidates(data: ChainData, segments: pd.DataFrame) -> pd.DataFrame:
    """Suppliers outside the county of segments with leakage, one row per (segment, name, region)."""
    links = data.links
    leaking = segments.loc[segments["leakage"] > 0, "segment"]
    # Bought from outside the county: a local-unlisted supplier is already in the county, never a target.
    bought = links["buyer_local"] & ~links["supplier_in_county"] & links["segment"].isin(leaking)
    trades = links.loc[
        bought,
        [
            "segment",
            "supplier",
            "supplier_region",
            "supplier_adcode",
            "buyer",
            "product",
            "value",
            "distance_km",
            "distance_estimated",
        ],
    ]
    trades = trades.set_axis(_TRADE_COLUMNS, axis=1)
    return _grouped(trades, "upstream", segments.set_index("segment")["leakage"])


def _downstream_candidates(data: ChainData, segments: pd.DataFrame) -> pd.DataFrame:
    """Buyers outside the county of the inputs of segments with a downstream gap, one row per (segment,
    name, region)."""
    links = data.links
    with_gap = set(segments.loc[segments["gaps"].map(lambda kinds: "downstream" in kinds), "segment"])
    known = set(segments["segment"])
    # Template edges input -> d for every d with a downstream gap (an input listed twice counts once).
    edges = pd.DataFrame(
        [
            (source, target)
            for target, inputs in zip(data.template["segment"], data.template["inputs"], strict=True)
            if target in with_gap
            for source in dict.fromkeys(inputs)
            if source in known and source != target
        ],
        columns=["product_segment", "segment"],
    )
    # Sold outside the county: a local-unlisted buyer (a construction site, a hospital) is no outside market.
    # Only products that feed a gap segment can count (the merge below keeps no other).
    feeding = links["segment"].isin(edges["product_segment"].unique())
    exported = links.loc[
        links["supplier_local"] & ~links["buyer_in_county"] & feeding,
        [
            "segment",
            "buyer",
            "buyer_region",
            "buyer_adcode",
            "buyer_segment",
            "supplier",
            "product",
            "value",
            "distance_km",
            "distance_estimated",
        ],
    ].rename(columns={"segment": "product_segment"})
    # Each export counts for every gap segment its product feeds where it was bought as that segment, or
    # where no buyer segment is given.
    fed = exported.merge(edges, on="product_segment")
    fed = fed[(fed["buyer_segment"] == "") | (fed["buyer_segment"] == fed["segment"])]
    trades = fed[
        [
            "segment",
            "buyer",
            "buyer_region",
            "buyer_adcode",
            "supplier",
            "product",
            "value",
            "distance_km",
            "distance_estimated",
        ]
    ]
    trades = trades.set_axis(_TRADE_COLUMNS, axis=1)
    return _grouped(trades, "downstream", segments.set_index("segment")["downstream_gap"])


#: The columns of the trades a candidate is grouped from, upstream and downstream alike.
_TRADE_COLUMNS = [
    "segment",
    "name",
    "region",
    "adcode",
    "partner",
    "product",
    "value",
    "distance_km",
    "distance_estimated",
]


def _grouped(trades: pd.DataFrame, kind: str, gap_size: pd.Series) -> pd.DataFrame:
    """One row per (segment, name, place) of the trades, the place being the region's adcode (the region
    as written when the gazetteer does not know it), so one company is one row however its region was
    spelled: the region as first written, its province and city, the value traded, the local partners
    (sorted, and how many), the value-weighted distance of the trades whose distance is known (NaN when
    none is) and the share of that weight whose distance is estimated, the products (sorted), and the size
    of the segment's gap."""
    adcode = trades["adcode"].astype("str")
    place = adcode.where(adcode != "", "?" + trades["region"].astype("str"))
    number, grouped = groups(trades.assign(place=place), ["segment", "name", "place"])
    # The region and place of each group's first trade (only those two columns are read from it).
    first = trades[["region", "adcode"]].iloc[np.unique(number, return_index=True)[1]].reset_index(drop=True)
    count = len(grouped)
    value = trades["value"].to_numpy(dtype=float)
    distance = trades["distance_km"].to_numpy(dtype=float)
    known = ~np.isnan(distance)
    estimated = trades["distance_estimated"].to_numpy(dtype=bool) & known
    # Sums in row order (np.bincount), as chain.frames.group_sums explains.
    value_km = np.bincount(number[known], weights=(value * distance)[known], minlength=count)
    distance_value = np.bincount(number[known], weights=value[known], minlength=count)
    estimated_value = np.bincount(number[estimated], weights=value[estimated], minlength=count)
    partners = distinct_sorted(number, trades["partner"], count)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_km = np.where(distance_value > 0, value_km / distance_value, np.nan)
        estimated_share = np.where(distance_value > 0, estimated_value / distance_value, np.nan)
    book = geo.gazetteer()
    codes = first["adcode"].astype("str").tolist()
    # Each place looked up once: targets are many, the places they are in few.
    places = {code: (book.province(code), book.city(code)) for code in dict.fromkeys(codes)}
    return pd.DataFrame(
        {
            "segment": grouped["segment"].astype("str"),
            "name": grouped["name"].astype("str"),
            "region": first["region"].astype("str"),
            "province": pd.Series([places[code][0] for code in codes], dtype="str"),
            "city": pd.Series([places[code][1] for code in codes], dtype="str"),
            "adcode": first["adcode"].astype("str"),
            "gap": pd.Series(kind, index=grouped.index, dtype="str"),
            "value": np.bincount(number, weights=value, minlength=count),
            "local_partners": np.array([len(p) for p in partners], dtype=np.int64),
            "partners": pd.Series(partners, dtype=object),
            "distance_km": distance_km,
            "distance_estimated": estimated_share > 0,
            "distance_estimated_share": estimated_share,
            "products": pd.Series(distinct_sorted(number, trades["product"], count), dtype=object),
            "gap_size": grouped["segment"].map(gap_size).astype(float),
        }
    )


def _reason_codes(distance_known: pd.Series, covered: pd.Series) -> pd.Series:
    """Each row's reason codes in :data:`_REASON_ORDER`, distance left out when unknown, then ``project``
    when a project covers it: four layouts at most, each spelled out once."""
    spelled = {
        (known, under_way): tuple(f for f in _REASON_ORDER if f != "distance" or known)
        + (("project",) if under_way else ())
        for known in (False, True)
        for under_way in (False, True)
    }
    rows = zip(
        distance_known.to_numpy(dtype=bool).tolist(), covered.to_numpy(dtype=bool).tolist(), strict=True
    )
    return pd.Series([spelled[row] for row in rows], index=distance_known.index, dtype=object)


def _projects_by_segment(projects: pd.DataFrame) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """segment -> the names of its 招商项目 and their statuses (choice keys), in sheet order."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for name, segment, status in zip(projects["name"], projects["segment"], projects["status"], strict=True):
        names, statuses = found.setdefault(segment, ([], []))
        names.append(str(name))
        statuses.append(str(status))
    return {segment: (tuple(names), tuple(statuses)) for segment, (names, statuses) in found.items()}

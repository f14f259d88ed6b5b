"""Where the county's inputs come from and where its products go, by place: the flows the map draws.

A *map flow* is the money of the links between a party in the county and one outside it, summed per
direction, segment, outside party and local party. ``in``: what local firms buy from outside (leakage);
``out``: what local firms sell outside (exports). Places are the loader's adcodes (:mod:`chain.geo`), so
one company is one place however its region was spelled; an outside party whose region the gazetteer does
not know keeps adcode "" and is listed, not drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chain import geo
from chain.model import ChainData, ChainReport

__all__ = ["MAP_FLOW_COLUMNS", "map_flows", "place_totals"]

#: Columns of :func:`map_flows`.
MAP_FLOW_COLUMNS = (
    "direction",
    "segment",
    "category",
    "name",
    "local",
    "region",
    "adcode",
    "value",
    "distance_km",
    "distance_estimated",
)


def map_flows(
    data: ChainData,
    report: ChainReport,
    *,
    segment: str | None = None,
    gap: str | None = None,
    firm: str | None = None,
    outside: str | None = None,
) -> pd.DataFrame:
    """The *map flows* of a chain: one row per (direction, segment, outside party, its place, local party)
    with the value (万元, links with a positive value) and the value-weighted distance, ``distance_estimated``
    when any of it is estimated. ``category`` is the segment's material category.

    Filters: ``segment``; ``gap`` ``"upstream"`` keeps inflows of segments with an upstream gap,
    ``"downstream"`` outflows of segments that feed a segment with a downstream gap (the exports a
    downstream gap is made of); ``firm`` a local firm's own flows; ``outside`` one outside party's.
    Largest first, then by name.

    >>> from tests.factory import make_workbook
    >>> from chain.load import load_workbook
    >>> from chain.gaps import analyze
    >>> data = load_workbook(make_workbook()).data
    >>> flows = map_flows(data, analyze(data))
    >>> flows[["direction", "name", "local", "region", "adcode", "value"]].values.tolist()[:2]
    [['out', '外地钢厂', '丁电极', '河北唐山', '130200', 400.0], ['in', '外地矿', '乙碳素', '陕西西安', '610100', 60.0]]
    """
    links = data.links
    value = links["value"].to_numpy(dtype=float)
    positive = value > 0
    inflow = links["buyer_local"].to_numpy(dtype=bool) & ~links["supplier_in_county"].to_numpy(dtype=bool)
    outflow = links["supplier_local"].to_numpy(dtype=bool) & ~links["buyer_in_county"].to_numpy(dtype=bool)
    keys = ["segment", "name", "local", "region", "adcode"]
    sides = []
    for direction, chosen, outside_side, local_side in (
        ("in", inflow & positive, "supplier", "buyer"),
        ("out", outflow & positive, "buyer", "supplier"),
    ):
        part = links.loc[
            chosen,
            [
                "segment",
                outside_side,
                local_side,
                f"{outside_side}_region",
                f"{outside_side}_adcode",
                "value",
                "distance_km",
                "distance_estimated",
            ],
        ].set_axis([*keys, "value", "distance_km", "distance_estimated"], axis=1)
        sides.append(part.assign(direction=direction))
    flows = pd.concat(sides, ignore_index=True)
    segments = report.segments
    if segment is not None:
        flows = flows[flows["segment"] == segment]
    if gap == "upstream":
        upstream = segments.loc[segments["gaps"].map(lambda kinds: "upstream" in kinds), "segment"]
        flows = flows[(flows["direction"] == "in") & flows["segment"].isin(list(upstream))]
    elif gap == "downstream":
        with_gap = set(segments.loc[segments["gaps"].map(lambda kinds: "downstream" in kinds), "segment"])
        feeding = {
            source
            for target, inputs in zip(data.template["segment"], data.template["inputs"], strict=True)
            if target in with_gap
            for source in inputs
        }
        flows = flows[(flows["direction"] == "out") & flows["segment"].isin(list(feeding))]
    elif gap is not None:
        raise ValueError(f"gap must be 'upstream' or 'downstream', got {gap!r}")
    if firm is not None:
        flows = flows[flows["local"] == firm]
    if outside is not None:
        flows = flows[flows["name"] == outside]
    known = flows["distance_km"].notna()
    flows = flows.assign(
        weighted=np.where(known, flows["value"] * flows["distance_km"].fillna(0.0), 0.0),
        distance_value=np.where(known, flows["value"], 0.0),
        estimated_value=np.where(known & flows["distance_estimated"], flows["value"], 0.0),
    )
    grouped = flows.groupby(["direction", *keys], sort=False, as_index=False)[
        ["value", "weighted", "distance_value", "estimated_value"]
    ].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.where(
            grouped["distance_value"] > 0, grouped["weighted"] / grouped["distance_value"], np.nan
        )
    category = dict(zip(segments["segment"], segments["category"], strict=True))
    result = grouped.assign(
        category=grouped["segment"].map(category).fillna("").astype("str"),
        distance_km=distance,
        distance_estimated=grouped["estimated_value"] > 0,
    )
    result = result.sort_values(
        ["value", "name", "direction", "segment", "local"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return result[list(MAP_FLOW_COLUMNS)].reset_index(drop=True)


def place_totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Per place of :func:`map_flows` (adcode; "" for the places not located): its full name, coordinates,
    what the county buys there (``in``) and sells there (``out``), and how many outside parties. Largest
    first.

    >>> flows = pd.DataFrame({"direction": ["in", "out", "in"], "adcode": ["610100", "610100", ""],
    ...                       "name": ["甲", "乙", "丙"], "value": [10.0, 5.0, 1.0]})
    >>> place_totals(flows)[["adcode", "place", "in", "out", "parties"]].values.tolist()
    [['610100', '陕西省西安市', 10.0, 5.0, 2], ['', '', 1.0, 0.0, 1]]
    """
    book = geo.gazetteer()
    by_place = flows.pivot_table(
        index="adcode", columns="direction", values="value", aggfunc="sum", fill_value=0.0, sort=False
    )
    by_place = by_place.reindex(columns=["in", "out"], fill_value=0.0)
    parties = flows.groupby("adcode", sort=False)["name"].nunique()
    codes = by_place.index.astype("str").tolist()
    totals = pd.DataFrame(
        {
            "adcode": pd.Series(codes, dtype="str"),
            "place": pd.Series([book.full_name(c) for c in codes], dtype="str"),
            "lon": [book.divisions[c].lon if c in book.divisions else np.nan for c in codes],
            "lat": [book.divisions[c].lat if c in book.divisions else np.nan for c in codes],
            "in": by_place["in"].to_numpy(dtype=float),
            "out": by_place["out"].to_numpy(dtype=float),
            "parties": parties.reindex(codes).to_numpy(dtype=np.int64),
        }
    )
    totals = totals.assign(total=totals["in"] + totals["out"])
    ordered = totals.sort_values(["total", "adcode"], ascending=[False, True], kind="stable")
    return ordered.drop(columns="total").reset_index(drop=True)

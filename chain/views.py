"""Summaries and selections of a chain and its report that the views show: totals, top gaps, filters,
a segment's or a firm's trading partners. Pure pandas; the dashboard reaches them through ui/facade.py."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from chain.model import ChainData, ChainReport

__all__ = [
    "MARKET_FLOW_COLUMNS",
    "MARKET_FLOW_KINDS",
    "PARTNER_COLUMNS",
    "ChainTotals",
    "chain_totals",
    "filter_segments",
    "firm_customers",
    "firm_suppliers",
    "market_flows",
    "purchase_groups",
    "segment_buyers",
    "segment_firms",
    "segment_inputs",
    "segment_suppliers",
    "status_counts",
    "top_gaps",
]


@dataclass(frozen=True)
class ChainTotals:
    """The chain's size in one line: output (万元), jobs, firms, output-weighted growth, county share."""

    output: float
    employees: int
    firms: int
    above_scale_firms: int
    #: Year-on-year growth in percent points, weighted by the output of firms that report one.
    growth_pct: float
    #: The county's industrial output (万元) from the settings sheet, NaN when not given.
    county_output: float
    #: output / county_output, NaN when the county's output is not given.
    county_share: float


def chain_totals(data: ChainData, report: ChainReport) -> ChainTotals:
    """Chain-wide totals of a report; growth is weighted by output over the firms that give a growth."""
    segments = report.segments
    firms = data.enterprises
    reported = firms["growth_pct"].notna()
    weight = float(firms.loc[reported, "output"].sum())
    growth = (
        float((firms.loc[reported, "output"] * firms.loc[reported, "growth_pct"]).sum() / weight)
        if weight
        else math.nan
    )
    output = float(segments["output"].sum())
    county = data.settings.get("county_industrial_output")
    county_output = float(county) if isinstance(county, int | float) and county > 0 else math.nan
    return ChainTotals(
        output=output,
        employees=int(segments["employees"].sum()),
        firms=int(segments["firms"].sum()),
        above_scale_firms=int(segments["above_scale_firms"].sum()),
        growth_pct=growth,
        county_output=county_output,
        county_share=output / county_output if county_output == county_output else math.nan,
    )


def top_gaps(report: ChainReport, kind: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` largest gaps of ``kind``: upstream by leakage, downstream by output processed elsewhere."""
    size = "leakage" if kind == "upstream" else "downstream_gap"
    segments = report.segments
    having = segments[segments["gaps"].map(lambda gaps: kind in gaps)]
    return having.sort_values(size, ascending=False, kind="stable").head(n)


def status_counts(report: ChainReport) -> dict[str, int]:
    """Segments per status, every status present (0 when none)."""
    counts = report.segments["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in ("strong", "weak", "missing")}


def filter_segments(
    segments: pd.DataFrame,
    *,
    categories: Sequence[str] = (),
    stages: Sequence[str] = (),
    statuses: Sequence[str] = (),
    gap_kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """The segment rows matching every filter given; an empty filter keeps everything.

    A row matches ``gap_kinds`` when it has at least one of them.
    """
    keep = pd.Series(True, index=segments.index)
    if categories:
        keep &= segments["category"].isin(categories)
    if stages:
        keep &= segments["stage"].isin(stages)
    if statuses:
        keep &= segments["status"].isin(statuses)
    if gap_kinds:
        wanted = set(gap_kinds)
        keep &= segments["gaps"].map(lambda gaps: bool(wanted.intersection(gaps)))
    return segments[keep]


def segment_inputs(data: ChainData, segment: str) -> tuple[str, ...]:
    """The template inputs of ``segment`` (empty when it has none)."""
    rows = data.template[data.template["segment"] == segment]
    return tuple(rows["inputs"].iloc[0]) if len(rows) else ()


def segment_firms(data: ChainData, segment: str) -> pd.DataFrame:
    """The local enterprises of ``segment``, largest output first."""
    firms = data.enterprises[data.enterprises["segment"] == segment]
    return firms.sort_values("output", ascending=False, kind="stable")


#: Columns of the partner lists (:func:`segment_suppliers`, :func:`segment_buyers`, :func:`firm_suppliers`,
#: :func:`firm_customers`).
PARTNER_COLUMNS = ("name", "local", "listed", "region", "value")


def _partners(links: pd.DataFrame, side: str) -> pd.DataFrame:
    """The parties on ``side`` ("supplier" or "buyer") of ``links``, one row per (name, region), largest
    value first. ``local`` is True for a party in the county: a firm named in 企业 (``listed``) or a
    local-unlisted party (a construction site, a hospital: its region is the county itself), which a
    reader takes for local, not for an outside market; ``listed`` tells the two apart."""
    grouped = links.groupby(
        [side, f"{side}_in_county", f"{side}_local", f"{side}_region"], sort=False, as_index=False
    )["value"].sum()
    grouped.columns = list(PARTNER_COLUMNS)
    return grouped.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def segment_suppliers(data: ChainData, segment: str) -> pd.DataFrame:
    """Who supplies ``segment``'s products to local buyers: :data:`PARTNER_COLUMNS` (value in 万元), largest
    first."""
    links = data.links[(data.links["segment"] == segment) & data.links["buyer_local"]]
    return _partners(links, "supplier")


def segment_buyers(data: ChainData, segment: str) -> pd.DataFrame:
    """Who buys ``segment``'s products from local firms: :data:`PARTNER_COLUMNS` (value in 万元), largest
    first."""
    links = data.links[(data.links["segment"] == segment) & data.links["supplier_local"]]
    return _partners(links, "buyer")


def firm_suppliers(data: ChainData, firm: str) -> pd.DataFrame:
    """A firm's suppliers: :data:`PARTNER_COLUMNS` (value in 万元), largest first."""
    return _partners(data.links[data.links["buyer"] == firm], "supplier")


def firm_customers(data: ChainData, firm: str) -> pd.DataFrame:
    """A firm's customers: :data:`PARTNER_COLUMNS` (value in 万元), largest first."""
    return _partners(data.links[data.links["supplier"] == firm], "buyer")


#: Columns of :func:`purchase_groups`.
PURCHASE_GROUP_COLUMNS = (
    "buyer",
    "segment",
    "buyer_segment",
    "value_from_outside",
    "outside_suppliers",
    "suppliers",
    "supplier_outputs",
    "score",
)


def purchase_groups(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairing suggestions grouped by the outside purchase they would replace, (buyer, segment): one row per
    purchase, best first (by its best pair), with the local firms that could supply it (``suppliers``, best
    first, and their ``supplier_outputs`` in 万元) and its best ``score``.

    ``pairs`` is :func:`chain.pairing.local_pairs`'s frame, best first.
    """
    if pairs.empty:
        return pd.DataFrame(columns=list(PURCHASE_GROUP_COLUMNS))
    grouped = pairs.groupby(["buyer", "segment"], sort=False)
    return grouped.agg(
        buyer_segment=("buyer_segment", "first"),
        value_from_outside=("value_from_outside", "first"),
        outside_suppliers=("outside_suppliers", "first"),
        suppliers=("supplier", lambda s: tuple(s)),
        supplier_outputs=("supplier_output", lambda s: tuple(float(v) for v in s)),
        score=("score", "max"),
    ).reset_index()[list(PURCHASE_GROUP_COLUMNS)]


#: The flows of a segment's market, by who sells to whom: local buyers' purchases from local firms, from
#: other local units (in the county, not in 企业) and from outside (leakage); local firms' sales outside the
#: county (exports) and to other local units (local final demand).
MARKET_FLOW_KINDS = ("from_local_firms", "from_local_units", "from_outside", "to_outside", "to_local_units")

#: Columns of :func:`market_flows`.
MARKET_FLOW_COLUMNS = ("kind", "segment", "region", "value")


def market_flows(data: ChainData) -> pd.DataFrame:
    """A segment's *market flows*: the money of its links split by who sells to whom (the
    :data:`MARKET_FLOW_KINDS`), the outside party's region kept, for a picture of where a segment's supply
    comes from and where its output goes.

    One row per (kind, segment, region), summing links with a positive value: ``region`` is the outside
    party's region (stripped; "" when the workbook gives none) for ``from_outside`` and ``to_outside``, ""
    for flows within the county. Kinds come in :data:`MARKET_FLOW_KINDS` order, rows of a kind in order of
    first appearance in ``data.links``. Per template segment the sums are the report's: demand =
    from_local_firms + from_local_units + from_outside, local_supply = from_local_firms + from_local_units,
    leakage = from_outside, exports = to_outside, local_final_demand = to_local_units.
    """
    links = data.links
    value = pd.to_numeric(links["value"], errors="coerce").fillna(0.0)
    supplier_local, buyer_local, supplier_in_county, buyer_in_county = (
        links[column].to_numpy(dtype=bool)
        for column in ("supplier_local", "buyer_local", "supplier_in_county", "buyer_in_county")
    )
    flows = pd.DataFrame({"segment": links["segment"].astype("string").fillna(""), "value": value})

    def region(column: str) -> pd.Series:
        return links[column].astype("string").fillna("").str.strip()

    chosen = {
        "from_local_firms": (buyer_local & supplier_local, None),
        "from_local_units": (buyer_local & supplier_in_county & ~supplier_local, None),
        "from_outside": (buyer_local & ~supplier_in_county, "supplier_region"),
        "to_outside": (supplier_local & ~buyer_in_county, "buyer_region"),
        "to_local_units": (supplier_local & buyer_in_county & ~buyer_local, None),
    }
    parts = []
    for kind in MARKET_FLOW_KINDS:
        mask, region_column = chosen[kind]
        rows = flows.assign(region=region(region_column) if region_column else "")[mask & (value > 0)]
        grouped = rows.groupby(["segment", "region"], sort=False, as_index=False)["value"].sum()
        parts.append(grouped.assign(kind=kind))
    return pd.concat(parts, ignore_index=True)[list(MARKET_FLOW_COLUMNS)]

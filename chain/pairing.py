"""Local pairing (本地配套): local suppliers for what local buyers now buy from outside."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chain import columns as cat
from chain.frames import best_first, group_sums, positions, share_of_largest
from chain.model import ChainData, ChainReport
from chain.reasons import OutsideSupplier
from chain.settings import PairWeights

__all__ = ["PAIR_COLUMNS", "local_pairs"]

#: Columns of the frame :func:`local_pairs` returns, in order: the standard pairs table's (:data:`chain.columns.TABLES`).
PAIR_COLUMNS = cat.TABLES["pairs"].columns

_PURCHASE = ["buyer", "segment"]


def local_pairs(
    data: ChainData,
    report: ChainReport,
    weights: PairWeights | None = None,
    *,
    segment: str | None = None,
    limit: int | None = None,
    cap: bool = True,
) -> pd.DataFrame:
    """A *local pair* is a local firm in segment s and a local firm in segment d, for a template edge
    s -> d, with no link yet from the first to the second (whatever the product), where the d firm buys
    products of s from outside the county (``value_from_outside`` > 0; purchases from a local-unlisted
    supplier are not counted): a meeting that could bring that purchase home.
    Each outside purchase (buyer x segment) keeps its best ``weights.suppliers_per_purchase`` local
    suppliers (0 keeps all).

    The score is ``weights.value_from_outside`` × value_from_outside / its largest value plus
    ``weights.supplier_output`` × supplier_output / its largest value, both maxima over all pairs (before
    the segment filter, so filtering never changes a score).

    Parameters
    ----------
    data, report : the chain data and its :func:`~chain.gaps.analyze` report.
    weights : score weights; the report's ``settings.pair_weights`` when None.
    segment : keep only pairs whose supplier's segment (the product segment) is this one.
    limit : keep only the best ``limit`` pairs; None keeps all.
    cap : consider only the candidates that can reach a purchase's best ``suppliers_per_purchase``
        (see :func:`_candidate_count`); the result is the same as with ``cap=False``, which builds every
        candidate (a province-scale chain has millions) and is there to check that.

    Returns
    -------
    A new frame with :data:`PAIR_COLUMNS`, best first (score, value from outside and supplier output
    descending, then supplier and buyer names). ``outside_suppliers`` lists the purchases a pair could
    replace, largest first (then by name and region), as :class:`~chain.reasons.OutsideSupplier` records;
    ``reason`` is a code (:data:`chain.reasons.PAIR_REASONS`) worded from the pair's columns.

    Raises
    ------
    ValueError : an unknown segment or a negative limit.
    """
    weights = report.settings.pair_weights if weights is None else weights
    segments = report.segments["segment"]
    if segment is not None and segment not in set(segments):
        raise ValueError(f"unknown segment: {segment!r} is not a segment of the chain template")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    # Firms and segments are numbered, firms in name order: sorting by a firm's number is sorting by its
    # name, and the joins below run on integers instead of hashing names at every step.
    firms = data.enterprises[["name", "segment", "output"]].sort_values(
        "name", kind="stable", ignore_index=True
    )
    firm_number, segment_number = pd.Index(firms["name"]), pd.Index(segments)
    firms["segment"] = positions(firms["segment"], segment_number)
    outside = _bought_outside(data.links, segment_number, firm_number)
    purchases = group_sums(outside, _PURCHASE, ["value"]).rename(columns={"value": "value_from_outside"})
    # Keep purchases of an input of the buyer's own segment: template edges s -> d.
    purchases["buyer_segment"] = firms["segment"].to_numpy()[purchases["buyer"].to_numpy()]
    purchases = purchases.merge(
        _template_edges(data.template, segment_number), on=["segment", "buyer_segment"]
    )
    linked = _local_links(data.links, firm_number)

    per_purchase = weights.suppliers_per_purchase
    capped = cap and per_purchase > 0 and weights.supplier_output > 0
    # The local firms of each segment in one block of rows, in the order a purchase ranks them when the
    # output weighs positively (output descending, then name): the firm at position p of segment s is
    # row first_row[s] + p.
    ranked = best_first(firms.rename_axis("supplier").reset_index(), ["output"], ["supplier"])
    ranked = ranked[ranked["segment"] >= 0].sort_values("segment", kind="stable", ignore_index=True)
    sizes = np.bincount(ranked["segment"], minlength=len(segments))
    first_row = np.cumsum(sizes) - sizes
    purchases["firms"] = sizes[purchases["segment"].to_numpy()]
    purchases["taken"] = (
        np.minimum(purchases["firms"], _candidate_count(purchases, linked, per_purchase))
        if capped
        else purchases["firms"]
    )
    candidates = _fresh(_firms_at(purchases, ranked, first_row, "taken"), linked)
    # The largest value and output over all candidates: the cap keeps every purchase that has a new
    # supplier and its largest new supplier (at most buyer + known suppliers come before it), so these
    # are the maxima without the cap.
    scales = candidates["value_from_outside"].max(), candidates["supplier_output"].max()
    if capped:
        # A purchase whose first firm left out would tie with its last one taken (equal outputs, or
        # outputs closer than a float tells apart in the score) takes every firm: ties go by name.
        unsafe = _ties_at_the_cut(purchases, ranked, first_row, weights, scales)
        rest = purchases[unsafe]
        rest = rest.assign(start=rest["taken"], taken=rest["firms"])
    if capped and len(rest):
        candidates = pd.concat(
            [candidates, _fresh(_firms_at(rest, ranked, first_row, "taken", "start"), linked)],
            ignore_index=True,
        )
    candidates["score"] = _score(candidates, weights, scales)
    if segment is not None:
        candidates = candidates[candidates["segment"] == segment_number.get_loc(segment)]
    if per_purchase > 0:
        candidates = best_first(candidates, ["score"], ["supplier"]).groupby(_PURCHASE).head(per_purchase)
    pairs = best_first(candidates, ["score", "value_from_outside", "supplier_output"], ["supplier", "buyer"])
    if limit is not None:
        pairs = pairs.head(limit)
    pairs = pairs.join(_supplier_lists(outside, pairs), on=_PURCHASE)
    pairs["reason"] = "buys_outside_no_link"
    names, segment_names = firms["name"].array, segments.array
    return pd.DataFrame(
        {
            "supplier": names.take(pairs["supplier"].to_numpy()),
            "buyer": names.take(pairs["buyer"].to_numpy()),
            "segment": segment_names.take(pairs["segment"].to_numpy()),
            "buyer_segment": segment_names.take(pairs["buyer_segment"].to_numpy()),
            "value_from_outside": pairs["value_from_outside"].astype(float),
            "outside_suppliers": pairs["outside_suppliers"].astype(object),
            "supplier_output": pairs["supplier_output"].astype(float),
            "score": pairs["score"].astype(float),
            "reason": pairs["reason"].astype("str"),
        },
        columns=list(PAIR_COLUMNS),
    ).reset_index(drop=True)


def _bought_outside(links: pd.DataFrame, segment_number: pd.Index, firm_number: pd.Index) -> pd.DataFrame:
    """The links by which local buyers buy from outside the county (a local-unlisted supplier is in the
    county: not an outside purchase), of a positive value and a template segment; buyer and segment as
    their numbers."""
    bought = links["buyer_local"] & ~links["supplier_in_county"] & (links["value"] > 0)
    outside = links.loc[bought, ["buyer", "segment", "supplier", "supplier_region", "value"]]
    outside = outside.assign(
        buyer=positions(outside["buyer"], firm_number), segment=positions(outside["segment"], segment_number)
    )
    return outside[outside["segment"] >= 0]


def _template_edges(template: pd.DataFrame, segment_number: pd.Index) -> pd.DataFrame:
    """Template edges s -> d as (segment, buyer_segment) rows of segment numbers, self-loops left out."""
    number = {segment: index for index, segment in enumerate(segment_number)}
    edges = {
        (number[source], number[target])
        for target, inputs in zip(template["segment"].tolist(), template["inputs"].tolist(), strict=True)
        for source in inputs
        if source != target and source in number and target in number
    }
    return pd.DataFrame(sorted(edges), columns=["segment", "buyer_segment"], dtype="int64")


def _local_links(links: pd.DataFrame, firm_number: pd.Index) -> pd.DataFrame:
    """Existing local supplier -> local buyer relations (of any product), once each, as firm numbers."""
    local = links["supplier_local"] & links["buyer_local"]
    supplier, buyer = (positions(links.loc[local, party], firm_number) for party in ("supplier", "buyer"))
    # Each relation once, as one integer (the order of the relations matters to no one that reads them);
    # numbers shifted by one, so that a -1 (not a firm) would still come back as itself.
    width = len(firm_number) + 2
    relation = np.unique((supplier + 1) * width + (buyer + 1))
    return pd.DataFrame({"supplier": relation // width - 1, "buyer": relation % width - 1}, dtype=np.int64)


def _candidate_count(purchases: pd.DataFrame, linked: pd.DataFrame, per_purchase: int) -> pd.Series:
    """How many of a segment's firms, best first, a purchase must look at to find its best
    ``per_purchase`` new suppliers: the firms it already buys from locally and the buyer itself are
    ruled out, so ``per_purchase`` + (local suppliers of the buyer) + 1 always suffice."""
    known = linked.groupby("buyer").size()
    return per_purchase + purchases["buyer"].map(known).fillna(0).astype("int64") + 1


def _firms_at(
    purchases: pd.DataFrame, ranked: pd.DataFrame, first_row: np.ndarray, stop: str, start: str | None = None
) -> pd.DataFrame:
    """Each purchase with the firms of its segment at positions ``start`` (0 when None) to ``stop`` (not
    included) of ``ranked`` (segment s's firms start at row ``first_row[s]``): one candidate row per
    purchase and firm. Only the firms a purchase may need are built: a merge on the segment would build
    every firm of the segment for every purchase first (millions of rows at province scale)."""
    first = purchases[start] if start is not None else 0
    copies = purchases.loc[purchases.index.repeat(purchases[stop] - first)]
    position = copies.groupby(level=0).cumcount().to_numpy() + (copies[start].to_numpy() if start else 0)
    rows = first_row[copies["segment"].to_numpy()] + position
    return pd.DataFrame(
        {
            "buyer": copies["buyer"].to_numpy(),
            "segment": copies["segment"].to_numpy(),
            "buyer_segment": copies["buyer_segment"].to_numpy(),
            "value_from_outside": copies["value_from_outside"].to_numpy(),
            "supplier": ranked["supplier"].to_numpy()[rows],
            "supplier_output": ranked["output"].to_numpy()[rows],
        }
    )


def _fresh(candidates: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """The candidates that are a new relation: a firm never supplies itself, and any existing local link
    from the supplier to the buyer, of any product, rules the pair out."""
    supplier = candidates["supplier"].to_numpy(dtype=np.int64)
    buyer = candidates["buyer"].to_numpy(dtype=np.int64)
    # A relation as one integer (firm numbers are below ``width``): membership is one numpy pass.
    width = int(max(supplier.max(initial=0), buyer.max(initial=0), linked.to_numpy().max(initial=0))) + 1
    known = linked["supplier"].to_numpy(dtype=np.int64) * width + linked["buyer"].to_numpy(dtype=np.int64)
    fresh = ~np.isin(supplier * width + buyer, known) & (supplier != buyer)
    return candidates[fresh]


def _score(candidates: pd.DataFrame, weights: PairWeights, scales: tuple[float, float]) -> pd.Series:
    """``value_from_outside`` and ``supplier_output`` each divided by their largest value over all
    candidates (``scales``), weighted and summed."""
    value_scale, output_scale = scales
    value = candidates["value_from_outside"].to_numpy(dtype=float)
    output = candidates["supplier_output"].to_numpy(dtype=float)
    return pd.Series(
        weights.value_from_outside * share_of_largest(value, value_scale)
        + weights.supplier_output * share_of_largest(output, output_scale),
        index=candidates.index,
    )


def _ties_at_the_cut(
    purchases: pd.DataFrame,
    ranked: pd.DataFrame,
    first_row: np.ndarray,
    weights: PairWeights,
    scales: tuple[float, float],
) -> np.ndarray:
    """Whether each purchase's first firm left out by the cap scores as high as its last one taken."""
    cut = (purchases["taken"] < purchases["firms"]).to_numpy()
    edges = purchases[cut]
    last = first_row[edges["segment"].to_numpy()] + edges["taken"].to_numpy() - 1
    output = ranked["output"].to_numpy()
    around = {
        side: pd.DataFrame(
            {"value_from_outside": edges["value_from_outside"].to_numpy(), "supplier_output": output[rows]}
        )
        for side, rows in (("last", last), ("next", last + 1))
    }
    tied = (
        _score(around["last"], weights, scales).to_numpy()
        <= _score(around["next"], weights, scales).to_numpy()
    )
    unsafe = np.zeros(len(purchases), dtype=bool)
    unsafe[np.flatnonzero(cut)[tied]] = True
    return unsafe


def _supplier_lists(outside: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """For each purchase of ``pairs``: its outside suppliers (the value bought from each supplier and
    region), largest first, then by name and region, as a tuple of :class:`~chain.reasons.OutsideSupplier`
    (column ``outside_suppliers``), indexed by purchase.

    On numbers rather than texts: a purchase is one integer, names and regions are their ranks in code
    point order (factorised sorted, each text hashed once), so the grouping, the sums (in row order, as
    :func:`~chain.frames.group_sums`) and the ordering are numpy's; the texts come back for the rows kept.
    """
    buyers = outside["buyer"].to_numpy(dtype=np.int64)
    segments = outside["segment"].to_numpy(dtype=np.int64)
    width = int(segments.max(initial=0)) + 1
    purchase = buyers * width + segments
    wanted = pairs["buyer"].to_numpy(dtype=np.int64) * width + pairs["segment"].to_numpy(dtype=np.int64)
    used = np.isin(purchase, wanted)
    purchase = purchase[used]
    name_rank, names = pd.factorize(outside["supplier"][used], sort=True)
    region_rank, regions = pd.factorize(outside["supplier_region"][used], sort=True)
    # One group per (purchase, supplier, region), numbered in order of first appearance (as frames.groups:
    # numbered again after each key, so the numbers stay below the row count).
    number = pd.factorize(purchase)[0]
    for rank, distinct in ((name_rank, len(names)), (region_rank, len(regions))):
        number = pd.factorize(number * distinct + rank)[0]
    count = int(number.max(initial=-1)) + 1
    first = np.unique(number, return_index=True)[1]
    value = np.bincount(number, weights=outside["value"].to_numpy(dtype=float)[used], minlength=count)
    group_purchase, group_name, group_region = purchase[first], name_rank[first], region_rank[first]
    # By purchase, then largest value first, then name and region.
    order = np.lexsort((group_region, group_name, -value, group_purchase))
    listed = group_purchase[order]
    suppliers = list(
        map(
            OutsideSupplier,
            np.asarray(names, dtype=object)[group_name[order]].tolist(),
            np.asarray(regions, dtype=object)[group_region[order]].tolist(),
            value[order].tolist(),
        )
    )
    # Each purchase's suppliers are one run of rows: where the purchase changes, a list starts.
    starts = np.flatnonzero(np.r_[True, listed[1:] != listed[:-1]]) if len(listed) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(listed)].astype(np.int64) if len(starts) else starts
    lists = np.empty(len(starts), dtype=object)
    lists[:] = [
        tuple(suppliers[start:end]) for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    heads = listed[starts]
    index = pd.MultiIndex.from_arrays([heads // width, heads % width], names=_PURCHASE)
    return pd.DataFrame({"outside_suppliers": lists}, index=index)

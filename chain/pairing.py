"""Local pairing (本地配套): local suppliers for what local buyers now buy from outside."""

from __future__ import annotations

import numpy as np
import pandas as pd

try:  # pandas keeps its str columns in Arrow when pyarrow is installed; join the sentences there too
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - pandas without pyarrow
    pa = pc = None

from chain.gaps import ChainReport, _amounts, _positions, _unique
from chain.model import ChainData
from chain.settings import PairWeights

__all__ = ["PAIR_COLUMNS", "local_pairs"]

#: Columns of the frame :func:`local_pairs` returns, in order.
PAIR_COLUMNS = (
    "supplier",
    "buyer",
    "segment",
    "buyer_segment",
    "value_from_outside",
    "outside_suppliers",
    "supplier_output",
    "score",
    "reason_zh",
    "reason_en",
)


def local_pairs(
    data: ChainData,
    report: ChainReport,
    weights: PairWeights | None = None,
    *,
    segment: str | None = None,
    limit: int | None = None,
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
    limit : keep only the best ``limit`` pairs; None keeps all. A chain of 20,000 firms can have
        hundreds of thousands of pairs, and composing their sentences is most of the cost.

    Returns
    -------
    A new frame with :data:`PAIR_COLUMNS`, best first (score, value from outside and supplier output
    descending, then supplier and buyer names). ``outside_suppliers`` lists the purchases a pair could
    replace, largest first, as ``"name(region) N万元"``.

    Raises
    ------
    ValueError : an unknown segment or a negative limit.
    """
    weights = report.settings.pair_weights if weights is None else weights
    segments = pd.Index(report.segments["segment"])
    if segment is not None and segment not in segments:
        raise ValueError(f"unknown segment: {segment!r} is not a segment of the chain template")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    enterprises = data.enterprises
    links = data.links
    firms = pd.Index(enterprises["name"])
    firm_segment = _positions(enterprises["segment"], segments)
    firm_output = enterprises["output"].to_numpy(dtype=float)

    purchases, trades = _outside_purchases(links, firms, segments)
    # Keep purchases of an input of the buyer's own segment: template edges s -> d.
    buyer_segment = firm_segment[purchases["buyer"]]
    edge_keys = _edge_keys(data.template, segments)
    on_edge = (buyer_segment >= 0) & _member(purchases["segment"] * len(segments) + buyer_segment, edge_keys)
    purchases = {key: column[on_edge] for key, column in purchases.items()}

    # Every local firm of s for each purchase of s: repeat each purchase once per firm of its segment,
    # the firms of a segment by output descending, then name, so that a purchase's candidates come
    # about best first and :func:`_best_per_purchase` needs no sort (see there).
    rank = _name_ranks(firms)
    by_segment = np.lexsort((rank, -firm_output, firm_segment))
    sorted_segment = firm_segment[by_segment]
    first = np.searchsorted(sorted_segment, purchases["segment"], side="left")
    sizes = np.searchsorted(sorted_segment, purchases["segment"], side="right") - first
    purchase = np.repeat(np.arange(len(sizes)), sizes)
    within = np.arange(len(purchase)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    supplier = by_segment[first[purchase] + within]
    buyer = purchases["buyer"][purchase]

    # The no-link rule: any existing supplier -> buyer link, of any product, rules a pair out. Keys are
    # buyer-major: the candidates come by buyer, so the binary searches stay in one part of the keys.
    fresh = ~_member(buyer * len(firms) + supplier, _local_link_keys(links, firms)) & (supplier != buyer)
    purchase, supplier, buyer = purchase[fresh], supplier[fresh], buyer[fresh]

    value = purchases["value"][purchase]
    output = firm_output[supplier]
    score = weights.value_from_outside * _normalised(value) + weights.supplier_output * _normalised(output)
    if segment is not None:
        chosen = purchases["segment"][purchase] == segments.get_loc(segment)
        purchase, supplier, buyer, value, output, score = (
            column[chosen] for column in (purchase, supplier, buyer, value, output, score)
        )
    if weights.suppliers_per_purchase > 0:
        kept = _best_per_purchase(purchase, score, rank[supplier], weights.suppliers_per_purchase)
        purchase, supplier, buyer, value, output, score = (
            column[kept] for column in (purchase, supplier, buyer, value, output, score)
        )
    order = _best_first(score, value, output, rank[supplier], rank[buyer])
    if limit is not None:
        order = order[:limit]
    purchase, supplier, buyer = purchase[order], supplier[order], buyer[order]

    names = enterprises["name"].array
    segment_names = report.segments["segment"].array
    reason_zh, reason_en = _reasons(purchases, purchase, supplier, firms, firm_segment, firm_output, segments)
    return pd.DataFrame(
        {
            "supplier": names.take(supplier),
            "buyer": names.take(buyer),
            "segment": segment_names.take(purchases["segment"][purchase]),
            "buyer_segment": segment_names.take(firm_segment[buyer]),
            "value_from_outside": value[order],
            "outside_suppliers": pd.Series(
                _supplier_lists(purchases, trades, _unique(purchase))[purchase], dtype=object
            ),
            "supplier_output": output[order],
            "score": score[order],
            "reason_zh": reason_zh,
            "reason_en": reason_en,
        },
        columns=list(PAIR_COLUMNS),
    )


def _best_per_purchase(
    purchase: np.ndarray, score: np.ndarray, supplier_rank: np.ndarray, count: int
) -> np.ndarray:
    """Positions of the best ``count`` suppliers of each purchase (score descending, then supplier name),
    in ascending order.

    The candidates usually come grouped by purchase with scores already descending within each one
    (:func:`local_pairs` generates them by supplier output, and the score grows with it): then only runs
    of equal scores need ordering by name, and a three-key lexsort of every candidate, most of the cost
    of pairing, is avoided. Otherwise (a negative weight, a NaN score) the lexsort decides.
    """
    same = purchase[1:] == purchase[:-1]
    grouped = bool(np.all(purchase[1:] >= purchase[:-1]))
    if not grouped or np.isnan(score).any() or np.any(same & (score[1:] > score[:-1])):
        order = np.lexsort((supplier_rank, -score, purchase))
    else:
        order = np.arange(len(purchase))
        # Runs of equal scores within a purchase: order their members by name.
        tied = np.zeros(len(order), dtype=bool)
        equal = np.flatnonzero(same & (score[1:] == score[:-1]))
        tied[equal] = tied[equal + 1] = True
        positions = np.flatnonzero(tied)
        if len(positions):
            starts = np.ones(len(positions), dtype=bool)
            starts[1:] = (
                (np.diff(positions) != 1)
                | ~same[positions[1:] - 1]
                | (score[positions[1:]] != score[positions[:-1]])
            )
            run = np.cumsum(starts)
            order[positions] = positions[np.lexsort((supplier_rank[positions], run))]
    grouped_purchase = purchase[order]
    starts = np.flatnonzero(np.r_[True, grouped_purchase[1:] != grouped_purchase[:-1]])
    sizes = np.diff(np.r_[starts, len(grouped_purchase)])
    within = np.arange(len(grouped_purchase)) - np.repeat(starts, sizes)
    return np.sort(order[within < count])


def _normalised(values: np.ndarray) -> np.ndarray:
    """Values divided by the largest one; all 0 when the largest is not positive."""
    top = values.max(initial=0.0)
    return values / top if top > 0 else np.zeros_like(values)


def _best_first(
    score: np.ndarray,
    value: np.ndarray,
    output: np.ndarray,
    supplier_rank: np.ndarray,
    buyer_rank: np.ndarray,
) -> np.ndarray:
    """Positions in ranking order: score, value and output descending, then supplier and buyer names.
    Sorting on the score alone and breaking only its ties is many times faster than a five-key lexsort
    over hundreds of thousands of pairs, and gives the same order."""
    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    tied = np.zeros(len(order), dtype=bool)
    equal = np.flatnonzero(ranked[1:] == ranked[:-1])
    tied[equal] = tied[equal + 1] = True
    positions = np.flatnonzero(tied)
    if len(positions) == 0:
        return order
    # A run of equal scores at consecutive positions is one tie group.
    starts = np.ones(len(positions), dtype=bool)
    starts[1:] = (np.diff(positions) != 1) | (ranked[positions[1:]] != ranked[positions[:-1]])
    group = np.cumsum(starts)
    members = order[positions]
    within = np.lexsort(
        (buyer_rank[members], supplier_rank[members], -output[members], -value[members], group)
    )
    order[positions] = members[within]
    return order


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each key is in ``sorted_keys`` (sorted, unique): a binary search per key, no sort of ``keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    found = np.searchsorted(sorted_keys, keys)
    return sorted_keys[np.minimum(found, len(sorted_keys) - 1)] == keys


def _name_ranks(names: pd.Index) -> np.ndarray:
    """Each name's position in sorted order, so that integer sorts order by name."""
    rank = np.empty(len(names), dtype=np.int64)
    if names.dtype == "str":
        # Arrow sorts the names by UTF-8 bytes, which is the code point order Python compares str by,
        # stably, and without a Python str per name.
        order = names.argsort()
    else:
        order = np.argsort(np.asarray(names, dtype=object), kind="stable")
    rank[order] = np.arange(len(names))
    return rank


def _edge_keys(template: pd.DataFrame, segments: pd.Index) -> np.ndarray:
    """Template edges s -> d as integers s × len(segments) + d, self-loops left out."""
    keys = [
        segments.get_loc(source) * len(segments) + segments.get_loc(target)
        for target, inputs in zip(template["segment"].tolist(), template["inputs"].tolist(), strict=True)
        for source in inputs
        if source != target and source in segments
    ]
    return np.unique(np.array(keys, dtype=np.int64))


def _local_link_keys(links: pd.DataFrame, firms: pd.Index) -> np.ndarray:
    """Existing local supplier -> local buyer links as sorted integers buyer × len(firms) + supplier."""
    local = links["supplier_local"].to_numpy(dtype=bool) & links["buyer_local"].to_numpy(dtype=bool)
    supplier = _positions(links["supplier"][local], firms)
    buyer = _positions(links["buyer"][local], firms)
    return _unique(buyer * len(firms) + supplier)


def _outside_purchases(
    links: pd.DataFrame, firms: pd.Index, segments: pd.Index
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per (local buyer, product segment): the value bought from suppliers outside the county (a
    local-unlisted supplier is in the county: not an outside purchase), and where its trades (one per
    outside supplier and region, largest first, then by name) start and how many."""
    bought = (
        links["buyer_local"].to_numpy(dtype=bool)
        & ~links["supplier_in_county"].to_numpy(dtype=bool)
        & (links["value"].to_numpy(dtype=float) > 0)
    )
    buyer = _positions(links["buyer"][bought], firms)
    segment = _positions(links["segment"][bought], segments)
    supplier, supplier_names = pd.factorize(links["supplier"][bought])
    region, region_names = pd.factorize(links["supplier_region"][bought])
    value = links["value"].to_numpy(dtype=float)[bought]
    known = (buyer >= 0) & (segment >= 0)
    party = supplier[known].astype(np.int64) * max(len(region_names), 1) + region[known]
    purchase_key = buyer[known] * len(segments) + segment[known]
    # One row per (buyer, segment, outside party), largest first within each purchase, then by name.
    parties = max(len(supplier_names), 1) * max(len(region_names), 1)
    trade_keys, trade = np.unique(purchase_key * parties + party, return_inverse=True)
    trade_value = np.bincount(trade, weights=value[known], minlength=len(trade_keys))
    trade_key = np.stack([trade_keys // parties, trade_keys % parties])
    trade_supplier = trade_key[1] // max(len(region_names), 1)
    trade_region = trade_key[1] % max(len(region_names), 1)
    supplier_rank = _name_ranks(pd.Index(supplier_names))
    order = np.lexsort(
        (supplier_rank[trade_supplier] if len(trade_supplier) else trade_supplier, -trade_value, trade_key[0])
    )
    purchase_keys, first, sizes = np.unique(trade_key[0][order], return_index=True, return_counts=True)
    trades = {
        "supplier": np.asarray(supplier_names, dtype=object)[trade_supplier[order]],
        "region": np.asarray(region_names, dtype=object)[trade_region[order]],
        "value": trade_value[order],
    }
    purchases = {
        "buyer": purchase_keys // len(segments),
        "segment": purchase_keys % len(segments),
        "value": np.bincount(
            np.searchsorted(purchase_keys, purchase_key), weights=value[known], minlength=len(purchase_keys)
        ),
        "first_trade": first,
        "trades": sizes,
    }
    return purchases, trades


def _supplier_lists(
    purchases: dict[str, np.ndarray], trades: dict[str, np.ndarray], used: np.ndarray
) -> np.ndarray:
    """For each purchase in ``used``, its outside suppliers as ``"name(region) N万元"``, largest first."""
    lists = np.empty(len(purchases["buyer"]), dtype=object)
    if len(used) == 0:
        return lists
    # The trades of the used purchases, formatted in one pass, then cut into one tuple per purchase.
    sizes = purchases["trades"][used]
    starts = purchases["first_trade"][used]
    trade = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())
    texts = [
        f"{name}({region}) {amount}万元" if region else f"{name} {amount}万元"
        for name, region, amount in zip(
            trades["supplier"][trade].tolist(),
            trades["region"][trade].tolist(),
            _amounts(trades["value"][trade]).tolist(),
            strict=True,
        )
    ]
    bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    for index, start, stop in zip(used.tolist(), bounds[:-1], bounds[1:], strict=True):
        lists[index] = tuple(texts[start:stop])
    return lists


def _reasons(
    purchases: dict[str, np.ndarray],
    purchase: np.ndarray,
    supplier: np.ndarray,
    firms: pd.Index,
    firm_segment: np.ndarray,
    firm_output: np.ndarray,
    segments: pd.Index,
) -> tuple[pd.Series, pd.Series]:
    """The zh and en sentence of each pair, joined from a per-purchase and a per-supplier part so that
    one string is composed per purchase and per firm, and Arrow assembles the pairs."""
    firm_names = np.asarray(firms, dtype=object)
    segment_names = np.asarray(segments, dtype=object)
    buyer_zh = np.full(len(purchases["buyer"]), "", dtype=object)
    buyer_en = np.full(len(purchases["buyer"]), "", dtype=object)
    used = _unique(purchase)
    buyer = firm_names[purchases["buyer"][used]]
    segment = segment_names[purchases["segment"][used]]
    amount = _amounts(purchases["value"][used])
    parts = list(zip(buyer.tolist(), segment.tolist(), amount.tolist(), strict=True))
    buyer_zh[used] = [f"{b}现从外地采购{s}产品 {a} 万元；" for b, s, a in parts]
    buyer_en[used] = [f"{b} buys {a} (10k yuan) of {s} from outside; " for b, s, a in parts]
    used = _unique(supplier)
    supplier_zh = np.full(len(firm_names), "", dtype=object)
    supplier_en = np.full(len(firm_names), "", dtype=object)
    name, segment, output = firm_names[used], segment_names[firm_segment[used]], _amounts(firm_output[used])
    parts = list(zip(name.tolist(), segment.tolist(), output.tolist(), strict=True))
    supplier_zh[used] = [f"{n}为本地{s}企业（产值 {o} 万元），双方尚无供货关系" for n, s, o in parts]
    supplier_en[used] = [
        f"{n} makes {s} locally (output {o}, 10k yuan) and does not supply it yet" for n, s, o in parts
    ]
    return (
        _joined(buyer_zh, purchase, supplier_zh, supplier),
        _joined(buyer_en, purchase, supplier_en, supplier),
    )


def _joined(
    first: list[str] | np.ndarray, first_index: np.ndarray, second: np.ndarray, second_index: np.ndarray
) -> pd.Series:
    """first[first_index] + second[second_index], element-wise, as a text column."""
    if pc is None:
        joined = np.asarray(first, dtype=object)[first_index] + np.asarray(second, dtype=object)[second_index]
        return pd.Series(joined, dtype="str")
    left = pc.take(pa.array(list(first), type=pa.string()), pa.array(first_index, type=pa.int64()))
    right = pc.take(pa.array(list(second), type=pa.string()), pa.array(second_index, type=pa.int64()))
    return pd.Series(pd.array(pc.binary_join_element_wise(left, right, ""), dtype="str"))

"""Per-segment metrics of a chain: demand, local supply, leakage, status, upstream and downstream gaps."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd

from chain.graph import cycles, layers, template_graph
from chain.model import ChainData
from chain.settings import AnalysisSettings

__all__ = ["SEGMENT_COLUMNS", "ChainReport", "Completeness", "WhatIf", "analyze", "what_if"]

#: Columns of :attr:`ChainReport.segments`, in order.
SEGMENT_COLUMNS = (
    "segment",
    "category",
    "stage",
    "layer",
    "status",
    "reason_zh",
    "reason_en",
    "firms",
    "above_scale_firms",
    "output",
    "employees",
    "growth_pct",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "local_final_demand",
    "local_buyers",
    "leakage_distance_km",
    "downstream_gap",
    "gaps",
    "concentration",
    "concentrated",
    "projects",
    "score",
)

#: Segment metrics compared by :func:`what_if` (not the score: it is relative to the largest gap, so one
#: project would move every segment's score).
_COMPARED = (
    "status",
    "firms",
    "output",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "local_final_demand",
    "local_buyers",
    "leakage_distance_km",
    "downstream_gap",
    "concentration",
)


@dataclass(frozen=True)
class Completeness:
    """How complete the chain is: by segments with a local firm, and by local demand met locally."""

    #: Share of template segments with at least one local firm.
    segments: float
    #: Σ local supply / Σ demand over all segments (NaN when there is no local demand).
    value: float
    segments_with_firms: int
    segments_total: int
    demand: float
    local_supply: float


@dataclass(frozen=True, eq=False)
class ChainReport:
    """The gap analysis of one chain: a row per template segment (:data:`SEGMENT_COLUMNS`), in template
    order, the chain's completeness, the settings it was computed with and the template's cycles."""

    segments: pd.DataFrame
    completeness: Completeness
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    cycles: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The analysis before and after a hypothetical project, and what changed (segment, metric, before,
    after, delta; completeness rows have segment "")."""

    before: ChainReport
    after: ChainReport
    changes: pd.DataFrame


def analyze(data: ChainData, settings: AnalysisSettings | None = None) -> ChainReport:
    """The *gap analysis* of a chain: for every template segment s,

    - demand(s): value of links with a local buyer (a firm named in 企业, ``buyer_local``) and product
      segment s; local supply(s): the part of it whose supplier is in the county (``supplier_in_county``:
      a local firm, or a local-unlisted party, one not in 企业 whose region is the county itself);
      leakage(s) = demand(s) − local supply(s); local share(s) = local supply / demand (NaN when demand
      is 0); exports(s): value of links with a local supplier, product s, and a buyer outside the county
      (``~buyer_in_county``); local final demand(s) (``local_final_demand``): value of links with a local
      supplier, product s, and a local-unlisted buyer (a construction site, a hospital) — sold in the
      county, so neither an export nor a downstream gap;
    - status: *missing* with no local firm, *weak* with fewer than ``settings.min_firms`` firms or a local
      share below ``settings.weak_share``, *strong* otherwise (also when there is no local demand), with
      its reason in words and numbers (``reason_zh``, ``reason_en``);
    - an *upstream gap* when leakage > 0 (``local_buyers`` buy from outside, at ``leakage_distance_km``,
      the value-weighted distance of those purchases);
    - a *downstream gap* when s is missing or weak and local firms export its template inputs to be
      processed elsewhere: exports of s's inputs to buyers outside the county whose buyer segment is s,
      plus all exports of s's inputs whose buyer segment is blank (``downstream_gap``);
    - ``concentration``: the largest firm's share of the segment output, ``concentrated`` when two or more
      firms and concentration >= ``settings.concentration_share``;
    - ``score``: (leakage + downstream gap) / the largest such sum over the segments, a 0..1 priority
      (both are 万元 that could stay in the county).

    Whether a party not in 企业 is in the county is decided by the loader (``supplier_in_county``,
    ``buyer_in_county``), for now by comparing place-name cores (:mod:`chain.places`) until a gazetteer
    resolves regions to administrative divisions.

    Parameters
    ----------
    data : validated chain data; not changed.
    settings : thresholds; the defaults of :class:`~chain.settings.AnalysisSettings` when None.

    Returns
    -------
    A :class:`ChainReport`.

    >>> from chain.model import ChainData
    >>> data = ChainData(
    ...     enterprises=pd.DataFrame({"name": ["乙碳素"], "segment": ["煅烧"], "above_scale": [True],
    ...                               "output": [200.0], "employees": [20], "growth_pct": [10.0]}),
    ...     links=pd.DataFrame({"supplier": ["外地矿"], "buyer": ["乙碳素"], "segment": ["原料"],
    ...                         "buyer_segment": [""], "value": [60.0], "distance_km": [300.0],
    ...                         "supplier_local": [False], "buyer_local": [True],
    ...                         "supplier_in_county": [False], "buyer_in_county": [True]}),
    ...     template=pd.DataFrame({"segment": ["原料", "煅烧"], "category": ["碳素", "碳素"],
    ...                            "stage": ["upstream", "midstream"], "inputs": [(), ("原料",)]}),
    ...     projects=pd.DataFrame({"name": [], "segment": []}), demands=pd.DataFrame())
    >>> report = analyze(data)
    >>> report.segments[["segment", "status", "demand", "leakage", "gaps"]].to_dict("records")[0]
    {'segment': '原料', 'status': 'missing', 'demand': 60.0, 'leakage': 60.0, 'gaps': ('upstream',)}
    >>> report.segments["reason_zh"].tolist()
    ['无本地企业，本地需求 60 万元全部外购', '只有1家本地企业，无本地需求']
    """
    settings = AnalysisSettings() if settings is None else settings
    template = data.template
    segments = template["segment"].tolist()
    graph = template_graph(template)
    count = len(segments)

    firm_metrics = _firm_metrics(data.enterprises, segments)
    flow_metrics = _flow_metrics(data.links, segments)
    demand = flow_metrics["demand"]
    local_supply = flow_metrics["local_supply"]
    with np.errstate(divide="ignore", invalid="ignore"):
        local_share = np.where(demand > 0, local_supply / np.where(demand > 0, demand, 1.0), np.nan)

    firms = firm_metrics["firms"]
    judged = [_status(int(firms[i]), float(demand[i]), float(local_share[i]), settings) for i in range(count)]
    status = np.array([row[0] for row in judged], dtype=object)

    weak_or_missing = status != "strong"
    downstream_gap = np.where(weak_or_missing, _downstream_exports(data.links, template, segments), 0.0)
    leakage = flow_metrics["leakage"]
    gap_kinds = [
        tuple(kind for kind, present in (("upstream", leak > 0), ("downstream", down > 0)) if present)
        for leak, down in zip(leakage, downstream_gap, strict=True)
    ]
    priority = leakage + downstream_gap
    top = priority.max() if count else 0.0
    score = priority / top if top > 0 else np.zeros(count)

    output = firm_metrics["output"]
    with np.errstate(divide="ignore", invalid="ignore"):
        concentration = np.where(
            output > 0, firm_metrics["largest_output"] / np.where(output > 0, output, 1), np.nan
        )
    concentrated = (firms >= 2) & (np.nan_to_num(concentration) >= settings.concentration_share)

    segment_layers = layers(graph)
    frame = pd.DataFrame(
        {
            "segment": pd.array(segments, dtype="str"),
            "category": pd.array(template["category"].tolist(), dtype="str"),
            "stage": pd.array(template["stage"].tolist(), dtype="str"),
            "layer": np.array([segment_layers[s] for s in segments], dtype="int64"),
            "status": pd.array(list(status), dtype="str"),
            "reason_zh": pd.array([row[1] for row in judged], dtype="str"),
            "reason_en": pd.array([row[2] for row in judged], dtype="str"),
            "firms": firms.astype("int64"),
            "above_scale_firms": firm_metrics["above_scale_firms"].astype("int64"),
            "output": output,
            "employees": firm_metrics["employees"].astype("int64"),
            "growth_pct": firm_metrics["growth_pct"],
            "demand": demand,
            "local_supply": local_supply,
            "leakage": leakage,
            "local_share": local_share,
            "exports": flow_metrics["exports"],
            "local_final_demand": flow_metrics["local_final_demand"],
            "local_buyers": flow_metrics["local_buyers"].astype("int64"),
            "leakage_distance_km": flow_metrics["leakage_distance_km"],
            "downstream_gap": downstream_gap.astype(float),
            "gaps": pd.Series(gap_kinds, dtype=object),
            "concentration": concentration,
            "concentrated": concentrated.astype(bool),
            "projects": pd.Series(_projects_by_segment(data.projects, segments), dtype=object),
            "score": score.astype(float),
        },
        columns=list(SEGMENT_COLUMNS),
    )

    with_firms = int((firms > 0).sum())
    total_demand = float(demand.sum())
    total_local_supply = float(local_supply.sum())
    completeness = Completeness(
        segments=with_firms / count if count else math.nan,
        value=total_local_supply / total_demand if total_demand > 0 else math.nan,
        segments_with_firms=with_firms,
        segments_total=count,
        demand=total_demand,
        local_supply=total_local_supply,
    )
    return ChainReport(
        segments=frame,
        completeness=completeness,
        settings=settings,
        cycles=tuple(tuple(members) for members in cycles(graph)),
    )


def what_if(
    data: ChainData,
    settings: AnalysisSettings | None,
    segment: str,
    expected_output: float,
    name: str = "拟引进项目",
) -> WhatIf:
    """A *what-if* adds a hypothetical local firm ``name`` in ``segment`` with ``expected_output`` and lets
    it meet local demand for the segment up to its output: every purchase of the segment by a local buyer
    from a supplier outside the county (``~supplier_in_county``; a local-unlisted supplier keeps its sales)
    is moved to it in the same proportion, min(output, leakage) / leakage, and the chain is analysed again.
    So leakage after = max(0, leakage − output).

    Parameters
    ----------
    data : the chain data; not changed (the hypothetical firm goes into copies).
    settings : thresholds, or None for the defaults.
    segment : a template segment.
    expected_output : the project's expected output in 万元, >= 0.
    name : the hypothetical firm's name; must not be a local enterprise already.

    Returns
    -------
    A :class:`WhatIf` with both reports and the rows that changed, plus the two completeness rows.

    Raises
    ------
    ValueError : unknown segment, negative or non-finite output, or a name already taken.
    """
    settings = AnalysisSettings() if settings is None else settings
    if segment not in set(data.template["segment"]):
        raise ValueError(f"unknown segment: {segment!r} is not a segment of the chain template")
    if not math.isfinite(expected_output) or expected_output < 0:
        raise ValueError(f"expected_output must be a finite amount >= 0 (万元), got {expected_output!r}")
    if name in set(data.enterprises["name"]):
        raise ValueError(f"name {name!r} is already a local enterprise; choose another name for the project")

    before = analyze(data, settings)
    after = analyze(_with_project(data, segment, expected_output, name), settings)
    return WhatIf(before=before, after=after, changes=_changes(before, after))


def _status(firms: int, demand: float, share: float, settings: AnalysisSettings) -> tuple[str, str, str]:
    """Status of a segment and its reason in zh and en, from its firm count and local share."""
    if firms == 0:
        if demand > 0:
            amount = _amount(demand)
            return (
                "missing",
                f"无本地企业，本地需求 {amount} 万元全部外购",
                f"no local firm; local demand of {amount} (10k yuan) all bought from outside",
            )
        return "missing", "无本地企业", "no local firm"
    reasons_zh: list[str] = []
    reasons_en: list[str] = []
    if firms < settings.min_firms:
        reasons_zh.append(f"只有{firms}家本地企业")
        reasons_en.append(f"only {firms} local firm" + ("s" if firms != 1 else ""))
    if demand > 0:
        shown, threshold = _percents(share, settings.weak_share)
        if share < settings.weak_share:
            reasons_zh.append(f"本地配套率 {shown} < {threshold}")
            reasons_en.append(f"local share {shown} < {threshold}")
        elif not reasons_zh:
            return (
                "strong",
                f"{firms}家本地企业，本地配套率 {shown} ≥ {threshold}",
                (f"{firms} local firms, local share {shown} ≥ {threshold}"),
            )
    elif not reasons_zh:
        return "strong", f"{firms}家本地企业，无本地需求", f"{firms} local firms, no local demand"
    if demand <= 0:
        reasons_zh.append("无本地需求")
        reasons_en.append("no local demand")
    return "weak", "，".join(reasons_zh), "; ".join(reasons_en)


def _amount(value: float) -> str:
    """An amount as people read it: thousands separated, at most two decimals, no trailing zeros."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _amounts(values: np.ndarray | list[float]) -> np.ndarray:
    """:func:`_amount` of every value, as an object array of str: each distinct value is formatted
    once (amounts repeat: a segment's gap on every target of the segment, a purchase on every pair).

    ``format(v + 0.0, ",.2f")`` with trailing zeros and point stripped is :func:`_amount` for every
    float: an integral value has only zeros after the point, "nan" / "inf" / "-inf" have nothing to
    strip, and adding 0.0 turns -0.0 into the 0.0 that ``int(-0.0)`` shows as "0".
    """
    values = np.asarray(values, dtype=float).reshape(-1)
    if len(values) == 0:
        return np.empty(0, dtype=object)
    distinct, back = np.unique(values, return_inverse=True)
    shown = map(format, (distinct + 0.0).tolist(), repeat(",.2f"))
    texts = np.array([text.rstrip("0").rstrip(".") for text in shown], dtype=object)
    return texts[back]


def _texts(values: np.ndarray | list[object]) -> np.ndarray:
    """Values as an object array of Python str, for element-wise ``+`` with other text arrays."""
    texts = np.empty(len(values), dtype=object)
    texts[:] = list(map(str, values))
    return texts


def _pick(choose: np.ndarray, if_true: str, if_false: str) -> np.ndarray:
    """An object array of str: ``if_true`` where ``choose``, else ``if_false`` (np.where would give a
    fixed-width unicode array, which does not concatenate with object arrays)."""
    return np.array([if_false, if_true], dtype=object)[np.asarray(choose, dtype=np.intp)]


def _percents(share: float, threshold: float) -> tuple[str, str]:
    """A share and a threshold as percentages, with just enough decimals that they read equal only when
    they are (49.99% is not shown as 50% next to a 50% threshold)."""
    for digits in range(4):
        shown, limit = f"{share * 100:.{digits}f}%", f"{threshold * 100:.{digits}f}%"
        if (shown == limit) == (share == threshold):
            break
    return shown, limit


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 where absent). Factorising first hashes each distinct
    text once on the column's own (Arrow) storage instead of converting every cell to a Python str."""
    codes, uniques = pd.factorize(values)
    found = np.append(index.get_indexer(uniques), -1).astype(np.int64)
    return found[codes]


def _unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array: ``np.unique(values)``, by a sort and a compare
    (numpy 2's hash-based ``np.unique`` is many times slower on arrays of 10^5 integer keys)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _segment_codes(values: pd.Series, segments: list[str]) -> np.ndarray:
    """Position of each value among the template segments; -1 for a blank or unknown one."""
    return _positions(values, pd.Index(segments))


def _firm_metrics(enterprises: pd.DataFrame, segments: list[str]) -> dict[str, np.ndarray]:
    """Firms, above-scale firms, output, employees, output-weighted growth and largest output per segment."""
    count = len(segments)
    codes = _segment_codes(enterprises["segment"], segments)
    known = codes >= 0
    codes = codes[known]
    output = enterprises["output"].to_numpy(dtype=float)[known]
    growth = enterprises["growth_pct"].to_numpy(dtype=float)[known]
    with_growth = ~np.isnan(growth)

    def per_segment(weights: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        chosen = slice(None) if mask is None else mask
        chosen_weights = None if weights is None else weights[chosen]
        return np.bincount(codes[chosen], weights=chosen_weights, minlength=count).astype(float)

    growth_weight = per_segment(output, with_growth)
    growth_sum = per_segment(np.where(with_growth, growth, 0.0) * output, with_growth)
    largest = np.zeros(count)
    np.maximum.at(largest, codes, output)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth_pct = np.where(
            growth_weight > 0, growth_sum / np.where(growth_weight > 0, growth_weight, 1), np.nan
        )
    return {
        "firms": per_segment(),
        "above_scale_firms": per_segment(enterprises["above_scale"].to_numpy(dtype=float)[known]),
        "output": per_segment(output),
        "employees": per_segment(enterprises["employees"].to_numpy(dtype=float)[known]),
        "growth_pct": growth_pct,
        "largest_output": largest,
    }


def _flow_metrics(links: pd.DataFrame, segments: list[str]) -> dict[str, np.ndarray]:
    """Demand, local supply, leakage, exports, local final demand, local buyers buying outside and the
    value-weighted distance of those purchases, per product segment."""
    count = len(segments)
    codes = _segment_codes(links["segment"], segments)
    value = links["value"].to_numpy(dtype=float)
    distance = links["distance_km"].to_numpy(dtype=float)
    buyer_local = links["buyer_local"].to_numpy(dtype=bool)
    supplier_local = links["supplier_local"].to_numpy(dtype=bool)
    supplier_in_county = links["supplier_in_county"].to_numpy(dtype=bool)
    buyer_in_county = links["buyer_in_county"].to_numpy(dtype=bool)
    known = codes >= 0

    def per_segment(mask: np.ndarray, weights: np.ndarray = value) -> np.ndarray:
        chosen = mask & known
        return np.bincount(codes[chosen], weights=weights[chosen], minlength=count).astype(float)

    # Bought from outside the county: a local-unlisted supplier (in the county, not in 企业) is not leakage.
    bought_outside = buyer_local & ~supplier_in_county
    with_distance = bought_outside & ~np.isnan(distance)
    weighted_distance = per_segment(with_distance, value * np.nan_to_num(distance))
    distance_weight = per_segment(with_distance)
    with np.errstate(divide="ignore", invalid="ignore"):
        leakage_distance = np.where(
            distance_weight > 0, weighted_distance / np.where(distance_weight > 0, distance_weight, 1), np.nan
        )

    # A buyer counts once per segment however many outside suppliers it has.
    buying = bought_outside & known & (value > 0)
    buyer_codes = pd.factorize(links["buyer"][buying])[0]
    pairs = _unique(codes[buying] * (buyer_codes.max(initial=0) + 1) + buyer_codes)
    local_buyers = np.bincount(pairs // (buyer_codes.max(initial=0) + 1), minlength=count)

    return {
        "demand": per_segment(buyer_local),
        "local_supply": per_segment(buyer_local & supplier_in_county),
        "leakage": per_segment(bought_outside),
        "exports": per_segment(supplier_local & ~buyer_in_county),
        "local_final_demand": per_segment(supplier_local & buyer_in_county & ~buyer_local),
        "local_buyers": local_buyers,
        "leakage_distance_km": leakage_distance,
    }


def _downstream_exports(links: pd.DataFrame, template: pd.DataFrame, segments: list[str]) -> np.ndarray:
    """Per segment d: exports of d's template inputs to buyers outside the county in d, plus all exports
    of d's inputs whose buyer segment is blank (sales to local-unlisted buyers are not exports)."""
    count = len(segments)
    exported = links["supplier_local"].to_numpy(dtype=bool) & ~links["buyer_in_county"].to_numpy(dtype=bool)
    product = _segment_codes(links["segment"][exported], segments)
    buyer_segments = links["buyer_segment"][exported]
    buyer_segment = _segment_codes(buyer_segments, segments)
    value = links["value"].to_numpy(dtype=float)[exported]
    blank = (buyer_segments == "").to_numpy(dtype=bool) & (product >= 0)
    unassigned = np.bincount(product[blank], weights=value[blank], minlength=count)
    assigned = (product >= 0) & (buyer_segment >= 0)
    to_segment = (
        pd.Series(value[assigned]).groupby([product[assigned], buyer_segment[assigned]]).sum().to_dict()
    )

    position = {segment: index for index, segment in enumerate(segments)}
    downstream = np.zeros(count)
    for target, inputs in zip(template["segment"].tolist(), template["inputs"].tolist(), strict=True):
        d = position[target]
        for source in dict.fromkeys(inputs):
            s = position.get(source)
            if s is None or s == d:
                continue
            downstream[d] += unassigned[s] + to_segment.get((s, d), 0.0)
    return downstream


def _projects_by_segment(projects: pd.DataFrame, segments: list[str]) -> list[tuple[str, ...]]:
    """Names of the 招商项目 of each segment, in sheet order."""
    names: dict[str, list[str]] = {segment: [] for segment in segments}
    if len(projects):
        for project, segment in zip(projects["name"].tolist(), projects["segment"].tolist(), strict=True):
            if segment in names:
                names[segment].append(str(project))
    return [tuple(names[segment]) for segment in segments]


def _with_project(data: ChainData, segment: str, expected_output: float, name: str) -> ChainData:
    """Copies of the data with the hypothetical firm added and local purchases moved to it."""
    links = data.links
    enterprises = data.enterprises
    category = data.template.set_index("segment").loc[segment, "category"]
    firm: dict[str, object] = {
        "name": name,
        "segment": segment,
        "category": category,
        "above_scale": False,
        "output": float(expected_output),
        "employees": 0,
        "growth_pct": math.nan,
        "products": (),
        "row": 0,
    }
    blank = {column: _blank_like(enterprises[column]) for column in enterprises.columns}
    record = {column: firm.get(column, blank[column]) for column in enterprises.columns}
    added = pd.DataFrame(
        {column: pd.Series([value], dtype=enterprises[column].dtype) for column, value in record.items()}
    )
    new_enterprises = pd.concat([enterprises, added], ignore_index=True)

    # Purchases that leave the county: a local-unlisted supplier keeps its sales.
    moved = (
        (links["segment"] == segment)
        & links["buyer_local"].astype(bool)
        & ~links["supplier_in_county"].astype(bool)
    ).to_numpy(dtype=bool)
    leakage = float(links.loc[moved, "value"].sum())
    fraction = min(float(expected_output), leakage) / leakage if leakage > 0 else 0.0
    if fraction == 0.0:
        return _replace(data, enterprises=new_enterprises, links=links.copy())

    kept = links.copy()
    kept.loc[moved, "value"] = kept.loc[moved, "value"] * (1.0 - fraction)
    supplied = links.loc[moved].copy()
    supplied["value"] = supplied["value"] * fraction
    supplied["supplier"] = name
    supplied["supplier_region"] = ""
    supplied["supplier_local"] = True
    supplied["supplier_in_county"] = True
    supplied["distance_km"] = math.nan
    if "volume" in supplied.columns:
        supplied["volume"] = math.nan
    new_links = pd.concat([kept, supplied], ignore_index=True)
    return _replace(data, enterprises=new_enterprises, links=new_links)


def _blank_like(column: pd.Series) -> object:
    """The blank value of a column's type: "" for text, False, NaN or 0."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return False
    if pd.api.types.is_integer_dtype(column.dtype):
        return 0
    if pd.api.types.is_float_dtype(column.dtype):
        return math.nan
    return ""


def _replace(data: ChainData, **frames: pd.DataFrame) -> ChainData:
    """A copy of ``data`` with ``frames`` replaced; every other field (settings, source, rows left out)
    carried over."""
    return dataclasses.replace(data, settings=dict(data.settings), **frames)


def _changes(before: ChainReport, after: ChainReport) -> pd.DataFrame:
    """Rows (segment, metric, before, after, delta) for every compared metric that changed, then the two
    completeness rows."""
    rows: list[dict[str, object]] = []
    old = before.segments.set_index("segment")
    new = after.segments.set_index("segment")
    for segment in old.index:
        for metric in _COMPARED:
            was, now = old.loc[segment, metric], new.loc[segment, metric]
            if metric == "status":
                if was != now:
                    rows.append(
                        {"segment": segment, "metric": metric, "before": was, "after": now, "delta": math.nan}
                    )
                continue
            was, now = float(was), float(now)
            both_nan = math.isnan(was) and math.isnan(now)
            if both_nan or (
                not math.isnan(was) and not math.isnan(now) and math.isclose(was, now, abs_tol=1e-9)
            ):
                continue
            rows.append(
                {"segment": segment, "metric": metric, "before": was, "after": now, "delta": now - was}
            )
    for metric in ("segments", "value"):
        was = float(getattr(before.completeness, metric))
        now = float(getattr(after.completeness, metric))
        rows.append(
            {
                "segment": "",
                "metric": f"completeness_{metric}",
                "before": was,
                "after": now,
                "delta": now - was,
            }
        )
    return pd.DataFrame(rows, columns=["segment", "metric", "before", "after", "delta"])

"""Per-segment metrics of a chain: demand, local supply, leakage, status, upstream and downstream gaps."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from chain import columns as cat
from chain.frames import positions
from chain.graph import cycles, layers, template_graph
from chain.model import ChainData, ChainReport, Completeness, WhatIf
from chain.settings import AnalysisSettings

__all__ = ["SEGMENT_COLUMNS", "analyze", "what_if", "what_if_projects"]

#: Columns of :attr:`ChainReport.segments`, in order: the standard segment table's (:data:`chain.columns.TABLES`),
#: then the template layer (the chain map draws it; it is not exported) and the weak-share threshold the
#: reasons quote.
SEGMENT_COLUMNS = (*cat.TABLES["segments"].columns, "layer", "weak_share")

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
      its ``reason``, a code worded by :func:`chain.reasons.render` from the columns firms, demand,
      local_share and ``weak_share`` (the threshold it was judged with);
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
    ``buyer_in_county``) through the gazetteer (:mod:`chain.geo`), which also estimates the distances
    nobody typed (``distance_estimated``; ``leakage_distance_estimated_share`` is the estimated share of
    ``leakage_distance_km``'s weight).

    Parameters
    ----------
    data : validated chain data; not changed.
    settings : thresholds; the defaults of :class:`~chain.settings.AnalysisSettings` when None.

    Returns
    -------
    A :class:`ChainReport`.

    >>> from chain.model import ChainData, ChainReport, Completeness, WhatIf
    >>> data = ChainData(
    ...     enterprises=pd.DataFrame({"name": ["乙碳素"], "segment": ["煅烧"], "above_scale": [True],
    ...                               "output": [200.0], "employees": [20], "growth_pct": [10.0]}),
    ...     links=pd.DataFrame({"supplier": ["外地矿"], "buyer": ["乙碳素"], "segment": ["原料"],
    ...                         "buyer_segment": [""], "value": [60.0], "distance_km": [300.0],
    ...                         "distance_estimated": [False],
    ...                         "supplier_local": [False], "buyer_local": [True],
    ...                         "supplier_in_county": [False], "buyer_in_county": [True]}),
    ...     template=pd.DataFrame({"segment": ["原料", "煅烧"], "category": ["碳素", "碳素"],
    ...                            "stage": ["upstream", "midstream"], "inputs": [(), ("原料",)]}),
    ...     projects=pd.DataFrame({"name": [], "segment": []}), demands=pd.DataFrame())
    >>> report = analyze(data)
    >>> report.segments[["segment", "status", "demand", "leakage", "gaps"]].to_dict("records")[0]
    {'segment': '原料', 'status': 'missing', 'demand': 60.0, 'leakage': 60.0, 'gaps': ('upstream',)}
    >>> report.segments["reason"].tolist()
    ['no_firm_bought_outside', 'few_firms_no_demand']
    >>> from chain.reasons import render
    >>> render("segments", report.segments, "zh").tolist()
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
            "reason": pd.array([row[1] for row in judged], dtype="str"),
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
            "leakage_distance_estimated_share": flow_metrics["leakage_distance_estimated_share"],
            "downstream_gap": downstream_gap.astype(float),
            "gaps": pd.Series(gap_kinds, dtype=object),
            "concentration": concentration,
            "concentrated": concentrated.astype(bool),
            "projects": pd.Series(_projects_by_segment(data.projects, segments), dtype=object),
            "score": score.astype(float),
            "weak_share": np.full(count, float(settings.weak_share)),
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


def what_if_projects(
    data: ChainData, settings: AnalysisSettings | None, projects: Sequence[tuple[str, float, str]]
) -> WhatIf:
    """The chain when several projects come on line at once (the pipeline's signed projects, #16): each
    ``(segment, expected_output, name)`` is added as in :func:`what_if`, one after the other in the order
    given, so two projects of one segment share its leakage (the second meets what the first left).
    Projects with no output add a firm (the segment gets covered) and move nothing.

    Raises ValueError as :func:`what_if` does, and for two projects of the same name.
    """
    settings = AnalysisSettings() if settings is None else settings
    known = set(data.template["segment"])
    names = [name for _, _, name in projects]
    if len(set(names)) != len(names):
        raise ValueError("two projects have the same name; give each project its own name")
    changed = data
    for segment, expected_output, name in projects:
        if segment not in known:
            raise ValueError(f"unknown segment: {segment!r} is not a segment of the chain template")
        if not math.isfinite(expected_output) or expected_output < 0:
            raise ValueError(f"expected_output must be a finite amount >= 0 (万元), got {expected_output!r}")
        if name in set(data.enterprises["name"]):
            raise ValueError(
                f"name {name!r} is already a local enterprise; choose another name for the project"
            )
        changed = _with_project(changed, segment, expected_output, name)
    before = analyze(data, settings)
    after = analyze(changed, settings) if projects else before
    return WhatIf(before=before, after=after, changes=_changes(before, after))


def _status(firms: int, demand: float, share: float, settings: AnalysisSettings) -> tuple[str, str]:
    """Status of a segment and its reason code (:data:`chain.reasons.SEGMENT_REASONS`), from its firm
    count, local demand and local share."""
    if firms == 0:
        return "missing", "no_firm_bought_outside" if demand > 0 else "no_firm"
    few = firms < settings.min_firms
    if demand <= 0:
        return ("weak", "few_firms_no_demand") if few else ("strong", "strong_no_demand")
    low = share < settings.weak_share
    if few:
        return "weak", "few_firms_low_share" if low else "few_firms"
    return ("weak", "low_share") if low else ("strong", "strong_share")


def _unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array: ``np.unique(values)``, by a sort and a compare
    (numpy 2's hash-based ``np.unique`` is many times slower on arrays of 10^5 integer keys)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _segment_codes(values: pd.Series, segments: list[str]) -> np.ndarray:
    """Position of each value among the template segments; -1 for a blank or unknown one."""
    return positions(values, pd.Index(segments))


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
    # The part of that weight whose distance chain.geo estimated (no 运输距离 typed).
    estimated_weight = per_segment(with_distance & links["distance_estimated"].to_numpy(dtype=bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        leakage_distance = np.where(
            distance_weight > 0, weighted_distance / np.where(distance_weight > 0, distance_weight, 1), np.nan
        )
        estimated_share = np.where(distance_weight > 0, estimated_weight / distance_weight, np.nan)

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
        "leakage_distance_estimated_share": estimated_share,
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
    supplied["supplier_adcode"] = supplied["buyer_adcode"]
    supplied["distance_km"] = math.nan
    supplied["distance_estimated"] = False
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

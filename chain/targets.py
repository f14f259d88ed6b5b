"""Recruiting targets (招商目标): the outside companies that already trade a gap segment with the county."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from chain.gaps import ChainReport, _amount, _positions
from chain.model import ChainData
from chain.schema import PROJECTS
from chain.settings import TargetWeights

__all__ = ["TARGET_COLUMNS", "recruiting_targets"]

#: Columns of the frame :func:`recruiting_targets` returns, in order.
TARGET_COLUMNS = (
    "segment",
    "gap",
    "name",
    "region",
    "value",
    "local_partners",
    "partners",
    "distance_km",
    "products",
    "covered",
    "score",
    "reasons_zh",
    "reasons_en",
)

_FACTORS = ("value", "partners", "distance", "gap")


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
    with the county: for an upstream gap s, an external supplier selling s to local firms; for a downstream
    gap d, an external buyer of d's inputs (those bought as d, or with no buyer segment given).

    Each row has the value traded (``value``, 万元), the local firms it serves or buys from (``partners``,
    ``local_partners``), the value-weighted distance of its links (NaN when none is known), its products,
    and ``covered`` when a 招商项目 already works on the segment. The score is
    Σ weight × factor over four factors, each divided by its largest value among all candidate rows
    (before any filter, so filtering never changes a score; an unknown distance counts 0):
    value, local partners, distance and the gap's size (leakage for upstream, downstream gap for
    downstream); a covered row's score is multiplied by ``weights.covered_penalty``. ``reasons_zh`` /
    ``reasons_en`` give the factors in the order of their contribution, with their numbers.

    Parameters
    ----------
    data, report : the chain data and its :func:`~chain.gaps.analyze` report.
    weights : score weights; the report's ``settings.target_weights`` when None.
    segment : keep only this segment's targets.
    gap : keep only ``"upstream"`` or ``"downstream"`` targets.
    region : keep only targets whose region contains this text (``"江苏"`` keeps ``"江苏南通"``).
    min_value : keep only targets trading at least this much (万元).
    max_distance : keep only targets with a known distance of at most this many km.

    Returns
    -------
    A new frame with :data:`TARGET_COLUMNS`, best first (score, then value descending, then name).

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
        return _empty()

    factors = {
        "value": candidates["value"].to_numpy(dtype=float),
        "partners": candidates["local_partners"].to_numpy(dtype=float),
        "distance": np.nan_to_num(candidates["distance_km"].to_numpy(dtype=float)),
        "gap": candidates["gap_size"].to_numpy(dtype=float),
    }
    for name, values in factors.items():
        candidates[f"weighted_{name}"] = getattr(weights, name) * _normalised(values)
    projects = _projects_text(data.projects)
    covered = candidates["segment"].isin(projects).to_numpy(dtype=bool)
    score = sum(candidates[f"weighted_{name}"].to_numpy() for name in _FACTORS)
    candidates["covered"] = covered
    candidates["score"] = score * np.where(covered, weights.covered_penalty, 1.0)
    candidates["rank"] = (
        candidates.groupby(["segment", "gap"], sort=False)["value"]
        .rank(method="min", ascending=False)
        .astype(int)
    )

    keep = candidates["value"].to_numpy(dtype=float) >= min_value
    if segment is not None:
        keep &= (candidates["segment"] == segment).to_numpy(dtype=bool)
    if gap is not None:
        keep &= (candidates["gap"] == gap).to_numpy(dtype=bool)
    if region is not None:
        keep &= candidates["region"].str.contains(region, regex=False).to_numpy(dtype=bool)
    if max_distance is not None:
        distance = candidates["distance_km"].to_numpy(dtype=float)
        keep &= ~np.isnan(distance) & (np.nan_to_num(distance) <= max_distance)
    chosen = (
        candidates[keep]
        .sort_values(
            ["score", "value", "name", "region", "segment", "gap"],
            ascending=[False, False, True, True, True, True],
            kind="stable",
        )
        .reset_index(drop=True)
    )
    chosen["reasons_zh"], chosen["reasons_en"] = _reasons(chosen, projects)
    return chosen[list(TARGET_COLUMNS)]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=_DTYPES.get(column, object)) for column in TARGET_COLUMNS})


_DTYPES = {
    "segment": "str",
    "gap": "str",
    "name": "str",
    "region": "str",
    "value": float,
    "local_partners": "int64",
    "distance_km": float,
    "covered": bool,
    "score": float,
}


def _normalised(values: np.ndarray) -> np.ndarray:
    """Values divided by the largest one; all 0 when the largest is not positive."""
    top = values.max(initial=0.0)
    return values / top if top > 0 else np.zeros_like(values)


def _upstream_candidates(data: ChainData, segments: pd.DataFrame) -> pd.DataFrame:
    """External suppliers of segments with leakage, one row per (segment, name, region)."""
    links = data.links
    names = pd.Index(segments["segment"])
    product = _positions(links["segment"], names)
    leaking = np.append(segments["leakage"].to_numpy(dtype=float) > 0, False)
    bought = (
        links["buyer_local"].to_numpy(dtype=bool)
        & ~links["supplier_local"].to_numpy(dtype=bool)
        & leaking[product]
    )
    trades = {
        "segment": product[bought],
        "name": links["supplier"][bought],
        "region": links["supplier_region"][bought],
        "partner": links["buyer"][bought],
        "product": links["product"][bought],
        "value": links["value"].to_numpy(dtype=float)[bought],
        "distance_km": links["distance_km"].to_numpy(dtype=float)[bought],
    }
    return _grouped(trades, "upstream", segments, "leakage")


def _downstream_candidates(data: ChainData, segments: pd.DataFrame) -> pd.DataFrame:
    """External buyers of the inputs of segments with a downstream gap, one row per (segment, name, region)."""
    links = data.links
    names = pd.Index(segments["segment"])
    has_gap = np.array(["downstream" in kinds for kinds in segments["gaps"]], dtype=bool)
    # Template edges input -> d for every d with a downstream gap, sorted by input.
    edges = np.array(
        sorted(
            (names.get_loc(source), names.get_loc(target))
            for target, inputs in zip(data.template["segment"], data.template["inputs"], strict=True)
            if target in names and has_gap[names.get_loc(target)]
            for source in dict.fromkeys(inputs)
            if source in names and source != target
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    exported = links["supplier_local"].to_numpy(dtype=bool) & ~links["buyer_local"].to_numpy(dtype=bool)
    product = _positions(links["segment"][exported], names)
    buyer_segments = links["buyer_segment"][exported]
    buyer_segment = _positions(buyer_segments, names)
    blank = (buyer_segments == "").to_numpy(dtype=bool)
    # Each export once per gap segment its product feeds, kept where bought as that segment or unassigned.
    first = np.searchsorted(edges[:, 0], product, side="left")
    sizes = np.searchsorted(edges[:, 0], product, side="right") - first
    sizes[product < 0] = 0
    export = np.repeat(np.arange(len(product)), sizes)
    target = edges[first[export] + np.arange(len(export)) - np.repeat(np.cumsum(sizes) - sizes, sizes), 1]
    kept = blank[export] | (buyer_segment[export] == target)
    export, target = export[kept], target[kept]
    trades = {
        "segment": target,
        "name": links["buyer"][exported].iloc[export],
        "region": links["buyer_region"][exported].iloc[export],
        "partner": links["supplier"][exported].iloc[export],
        "product": links["product"][exported].iloc[export],
        "value": links["value"].to_numpy(dtype=float)[exported][export],
        "distance_km": links["distance_km"].to_numpy(dtype=float)[exported][export],
    }
    return _grouped(trades, "downstream", segments, "downstream_gap")


def _grouped(trades: dict, kind: str, segments: pd.DataFrame, gap_column: str) -> pd.DataFrame:
    """One row per (segment, name, region) of the trades: value, partners, weighted distance, products,
    and the size of the gap (``gap_column`` of the segment)."""
    columns = [
        "segment",
        "name",
        "region",
        "gap",
        "value",
        "local_partners",
        "partners",
        "distance_km",
        "products",
    ]
    if len(trades["value"]) == 0:
        return pd.DataFrame(columns=[*columns, "gap_size"])
    name, name_text = pd.factorize(trades["name"])
    region, region_text = pd.factorize(trades["region"])
    key = (trades["segment"].astype(np.int64) * len(name_text) + name) * len(region_text) + region
    keys, group = np.unique(key, return_inverse=True)
    count = len(keys)
    value = trades["value"]
    distance = trades["distance_km"]
    known = ~np.isnan(distance)
    weighted = np.bincount(group[known], weights=(value * distance)[known], minlength=count)
    weight = np.bincount(group[known], weights=value[known], minlength=count)
    segment = keys // (len(name_text) * len(region_text))
    partners = _tuples(group, trades["partner"], count)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_km = np.where(weight > 0, weighted / np.where(weight > 0, weight, 1), np.nan)
    return pd.DataFrame(
        {
            "segment": segments["segment"].array.take(segment),
            "name": np.asarray(name_text, dtype=object)[(keys // len(region_text)) % len(name_text)],
            "region": np.asarray(region_text, dtype=object)[keys % len(region_text)],
            "gap": kind,
            "value": np.bincount(group, weights=value, minlength=count),
            "local_partners": np.array([len(names) for names in partners], dtype="int64"),
            "partners": pd.Series(partners, dtype=object),
            "distance_km": distance_km,
            "products": pd.Series(_tuples(group, trades["product"], count), dtype=object),
            "gap_size": segments[gap_column].to_numpy(dtype=float)[segment],
        }
    ).astype({"name": "str", "region": "str"})


def _tuples(group: np.ndarray, items: pd.Series, count: int) -> list[tuple[str, ...]]:
    """The distinct items of each group, sorted, as one tuple per group."""
    code, text = pd.factorize(items)
    text = np.asarray(text, dtype=object)
    rank = np.empty(len(text), dtype=np.int64)
    rank[np.argsort(text, kind="stable")] = np.arange(len(text))
    pairs = np.unique(group.astype(np.int64) * max(len(text), 1) + code)
    owner, item = pairs // max(len(text), 1), pairs % max(len(text), 1)
    order = np.lexsort((rank[item], owner))
    flat = text[item[order]].tolist()
    bounds = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=count))]).tolist()
    return [tuple(flat[start:stop]) for start, stop in pairwise(bounds)]


def _projects_text(projects: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """segment -> the reason a covered target carries: its projects with their status, zh and en."""
    if projects.empty:
        return {}
    status_column = PROJECTS.column_by_key["status"]
    labels = {choice.key: (choice.zh, choice.en) for choice in status_column.choices}
    texts: dict[str, tuple[list[str], list[str]]] = {}
    for name, segment, status in zip(projects["name"], projects["segment"], projects["status"], strict=True):
        zh, en = texts.setdefault(segment, ([], []))
        status_zh, status_en = labels.get(status, ("", ""))
        zh.append(f"{name}（{status_zh}）" if status_zh else str(name))
        en.append(f"{name} ({status_en})" if status_en else str(name))
    return {
        segment: (f"已有招商项目：{'、'.join(zh)}", f"project under way: {', '.join(en)}")
        for segment, (zh, en) in texts.items()
    }


def _reasons(rows: pd.DataFrame, projects: dict[str, tuple[str, str]]) -> tuple[pd.Series, pd.Series]:
    """The sentences of each target row: its factors in the order of their weighted contribution (the
    first put it highest), a factor it lacks (an unknown distance) left out, then its projects."""
    upstream = (rows["gap"] == "upstream").to_numpy(dtype=bool)
    sentences = {
        "value": [
            (
                f"已向本县供货 {amount} 万元，居本环节外地供应商第{rank}位",
                f"already sells {amount} (10k yuan) into the county, #{rank} among this segment's outside suppliers",
            )
            if up
            else (
                f"已从本县采购 {amount} 万元，居本环节外地采购方第{rank}位",
                f"already buys {amount} (10k yuan) from the county, #{rank} among this segment's outside buyers",
            )
            for up, amount, rank in zip(
                upstream, map(_amount, rows["value"].tolist()), rows["rank"].tolist(), strict=True
            )
        ],
        "partners": [
            (f"服务{count}家本地企业", f"serves {count} local firm{'s' if count != 1 else ''}")
            if up
            else (f"从{count}家本地企业采购", f"buys from {count} local firm{'s' if count != 1 else ''}")
            for up, count in zip(upstream, rows["local_partners"].tolist(), strict=True)
        ],
        "distance": [
            None
            if km != km
            else (f"运距 {km:,.0f} km，本地化可省物流", f"{km:,.0f} km away: a local plant saves transport")
            if up
            else (
                f"运距 {km:,.0f} km，就地加工可省物流",
                f"{km:,.0f} km away: processing locally saves transport",
            )
            for up, km in zip(upstream, rows["distance_km"].tolist(), strict=True)
        ],
        "gap": [
            (f"本环节外购 {amount} 万元", f"the county buys {amount} (10k yuan) of this segment from outside")
            if up
            else (
                f"本环节外流待加工 {amount} 万元",
                f"{amount} (10k yuan) of this segment's inputs leave the county to be processed",
            )
            for up, amount in zip(upstream, map(_amount, rows["gap_size"].tolist()), strict=True)
        ],
    }
    weighted = np.column_stack([rows[f"weighted_{name}"].to_numpy(dtype=float) for name in _FACTORS])
    # Ties keep the factors' own order: value, partners, distance, gap.
    orders = np.argsort(-weighted, axis=1, kind="stable").reshape(len(rows), len(_FACTORS))
    has_distance = ~np.isnan(rows["distance_km"].to_numpy(dtype=float))
    covered = rows["covered"].to_numpy(dtype=bool)
    notes = [
        projects[segment] if cover else None
        for segment, cover in zip(rows["segment"].tolist(), covered, strict=True)
    ]
    columns = {
        lang: [
            np.array([pair[lang] if pair else None for pair in sentences[name]], dtype=object)
            for name in _FACTORS
        ]
        + [np.array([note[lang] if note else None for note in notes], dtype=object)]
        for lang in (0, 1)
    }
    # Rows with the same factor order, distance known or not, covered or not, share one layout: their
    # tuples are zipped column-wise instead of assembled row by row.
    layout = (orders @ (len(_FACTORS) ** np.arange(len(_FACTORS)))) * 4 + has_distance * 2 + covered
    distance = _FACTORS.index("distance")
    zh: list[tuple[str, ...] | None] = [None] * len(rows)
    en: list[tuple[str, ...] | None] = [None] * len(rows)
    for code in np.unique(layout).tolist():
        members = np.flatnonzero(layout == code)
        first = members[0]
        picked = [k for k in orders[first].tolist() if k != distance or has_distance[first]]
        if covered[first]:
            picked.append(len(_FACTORS))
        for target, lang in ((zh, 0), (en, 1)):
            for row, sentences_of_row in zip(
                members.tolist(), zip(*(columns[lang][k][members] for k in picked), strict=True), strict=True
            ):
                target[row] = sentences_of_row
    return pd.Series(zh, dtype=object), pd.Series(en, dtype=object)

"""Recruiting targets (招商目标): the outside companies that already trade a gap segment with the county."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import pandas as pd

from chain.gaps import ChainReport, _amounts, _pick, _positions, _texts, _unique
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
    with the county: for an upstream gap s, a supplier outside the county selling s to local firms
    (``~supplier_in_county``); for a downstream gap d, a buyer outside the county (``~buyer_in_county``)
    of d's inputs (those bought as d, or with no buyer segment given). A party in the county but not in
    企业 (a construction site, a hospital) is never a target.

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
    kept = candidates[keep]
    chosen = kept.take(_best_first(kept)).reset_index(drop=True)
    chosen["reasons_zh"], chosen["reasons_en"] = _reasons(chosen, projects)
    return chosen[list(TARGET_COLUMNS)]


_ORDER = ["score", "value", "name", "region", "segment", "gap"]
_ASCENDING = [False, False, True, True, True, True]


def _best_first(rows: pd.DataFrame) -> np.ndarray:
    """Positions of the rows best first: ``rows.sort_values(_ORDER, ascending=_ASCENDING)``.

    Scores rarely tie, so the rows are sorted on the score alone (one float argsort) and only runs of
    equal scores are sorted on all the keys, text ones included; (name, region, segment, gap) is unique
    per row, so the order is the same. NaN scores or values go to the full sort, whose NaN placement
    this does not reproduce.
    """
    score = rows["score"].to_numpy(dtype=float)
    if np.isnan(score).any() or np.isnan(rows["value"].to_numpy(dtype=float)).any():
        ranked = rows.reset_index(drop=True).sort_values(_ORDER, ascending=_ASCENDING, kind="stable")
        return ranked.index.to_numpy()
    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    tied = np.zeros(len(order), dtype=bool)
    equal = np.flatnonzero(ranked[1:] == ranked[:-1])
    tied[equal] = tied[equal + 1] = True
    positions = np.flatnonzero(tied)
    if len(positions):
        members = order[positions]
        ties = rows.iloc[members][_ORDER].reset_index(drop=True)
        # A run of equal scores at consecutive positions is one tie group: sort each on all the keys.
        starts = np.ones(len(positions), dtype=bool)
        starts[1:] = (np.diff(positions) != 1) | (ranked[positions[1:]] != ranked[positions[:-1]])
        ties.insert(0, "run", np.cumsum(starts))
        within = ties.sort_values(["run", *_ORDER], ascending=[True, *_ASCENDING], kind="stable").index
        order[positions] = members[within.to_numpy()]
    return order


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
    """Suppliers outside the county of segments with leakage, one row per (segment, name, region)."""
    links = data.links
    names = pd.Index(segments["segment"])
    product = _positions(links["segment"], names)
    leaking = np.append(segments["leakage"].to_numpy(dtype=float) > 0, False)
    # Bought from outside the county: a local-unlisted supplier is already in the county, never a target.
    bought = (
        links["buyer_local"].to_numpy(dtype=bool)
        & ~links["supplier_in_county"].to_numpy(dtype=bool)
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
    """Buyers outside the county of the inputs of segments with a downstream gap, one row per (segment,
    name, region)."""
    links = data.links
    names = pd.Index(segments["segment"])
    has_gap = np.array(["downstream" in kinds for kinds in segments["gaps"]], dtype=bool)
    # Template edges input -> d for every d with a downstream gap, sorted by input.
    edges = np.array(
        sorted(
            (names.get_loc(source), names.get_loc(target))
            for target, inputs in zip(
                data.template["segment"].tolist(), data.template["inputs"].tolist(), strict=True
            )
            if target in names and has_gap[names.get_loc(target)]
            for source in dict.fromkeys(inputs)
            if source in names and source != target
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    # Sold outside the county: a local-unlisted buyer (a construction site, a hospital) is no outside market.
    exported = links["supplier_local"].to_numpy(dtype=bool) & ~links["buyer_in_county"].to_numpy(dtype=bool)
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
    partners, partner_counts = _tuples(group, trades["partner"], count)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_km = np.where(weight > 0, weighted / np.where(weight > 0, weight, 1), np.nan)
    return pd.DataFrame(
        {
            "segment": segments["segment"].array.take(segment),
            "name": _as_text(name_text.take((keys // len(region_text)) % len(name_text))),
            "region": _as_text(region_text.take(keys % len(region_text))),
            "gap": kind,
            "value": np.bincount(group, weights=value, minlength=count),
            "local_partners": partner_counts.astype("int64"),
            "partners": pd.Series(partners, dtype=object),
            "distance_km": distance_km,
            "products": pd.Series(_tuples(group, trades["product"], count)[0], dtype=object),
            "gap_size": segments[gap_column].to_numpy(dtype=float)[segment],
        }
    )


def _as_text(values: pd.Index) -> pd.api.extensions.ExtensionArray:
    """The values as a "str" array; the distinct names of a "str" column already are one, and are not
    copied again (as ``DataFrame.astype`` would)."""
    return values.array if values.dtype == "str" else values.array.astype("str")


def _tuples(group: np.ndarray, items: pd.Series, count: int) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The distinct items of each group, sorted, as one tuple per group, and how many there are."""
    code, text = pd.factorize(items)
    # Sorting the distinct texts in Arrow (UTF-8 byte order is code point order, as Python compares str)
    # and keying each item by its sorted position gives the group's items in order from one integer sort.
    by_text = np.asarray(text.argsort(), dtype=np.int64)
    rank = np.empty(len(text), dtype=np.int64)
    rank[by_text] = np.arange(len(text))
    width = max(len(text), 1)
    pairs = _unique(group.astype(np.int64) * width + rank[code])
    owner, item = pairs // width, pairs % width
    flat = np.asarray(text.take(by_text), dtype=object)[item].tolist()
    sizes = np.bincount(owner, minlength=count)
    bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    return [tuple(flat[start:stop]) for start, stop in pairwise(bounds)], sizes


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


def _codes(values: np.ndarray) -> np.ndarray:
    """A dense integer code per distinct value (NaNs share one)."""
    return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _per_distinct(
    key: np.ndarray, build: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """``build(first)``, the zh and en sentences of the rows ``first`` (one row per distinct ``key``),
    spread to every row with that key."""
    _, first, back = np.unique(key, return_index=True, return_inverse=True)
    zh, en = build(first)
    back = back.reshape(-1)
    return zh[back], en[back]


def _reasons(rows: pd.DataFrame, projects: dict[str, tuple[str, str]]) -> tuple[pd.Series, pd.Series]:
    """The sentences of each target row: its factors in the order of their weighted contribution (the
    first put it highest), a factor it lacks (an unknown distance) left out, then its projects."""
    count = len(rows)
    up = (rows["gap"] == "upstream").to_numpy(dtype=bool)
    # Each sentence is composed for all rows at once from text arrays; ``_pick`` chooses the upstream or
    # the downstream wording. Sentences that depend on few values (a partner count, a distance, the
    # segment's gap) are composed once per distinct value (:func:`_per_distinct`).
    amount = _amounts(rows["value"].to_numpy(dtype=float))
    rank = np.asarray(rows["rank"].to_numpy(), dtype=object)
    partners = rows["local_partners"].to_numpy(dtype=np.int64)
    km_values = rows["distance_km"].to_numpy(dtype=float)
    gap_size = rows["gap_size"].to_numpy(dtype=float)

    def partner_sentences(first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at, firms = up[first], _texts(partners[first].tolist())
        return (
            _pick(at, "服务", "从") + firms + _pick(at, "家本地企业", "家本地企业采购"),
            _pick(at, "serves ", "buys from ")
            + firms
            + _pick(partners[first] != 1, " local firms", " local firm"),
        )

    def distance_sentences(first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at, km = up[first], _texts([format(value, ",.0f") for value in km_values[first].tolist()])
        return (
            "运距 " + km + _pick(at, " km，本地化可省物流", " km，就地加工可省物流"),
            km
            + _pick(
                at, " km away: a local plant saves transport", " km away: processing locally saves transport"
            ),
        )

    def gap_sentences(first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at, gap_amount = up[first], _amounts(gap_size[first])
        return (
            _pick(at, "本环节外购 ", "本环节外流待加工 ") + gap_amount + " 万元",
            _pick(at, "the county buys ", "")
            + gap_amount
            + _pick(
                at,
                " (10k yuan) of this segment from outside",
                " (10k yuan) of this segment's inputs leave the county to be processed",
            ),
        )

    # One sentence per row: f-strings over the rows' values (faster than concatenating text arrays
    # piece by piece), the upstream rows and the downstream rows each with their own wording.
    value_zh, value_en = np.empty(count, dtype=object), np.empty(count, dtype=object)
    parts = list(zip(amount[up].tolist(), rank[up].tolist(), strict=True))
    value_zh[up] = [f"已向本县供货 {a} 万元，居本环节外地供应商第{r}位" for a, r in parts]
    value_en[up] = [
        f"already sells {a} (10k yuan) into the county, #{r} among this segment's outside suppliers"
        for a, r in parts
    ]
    parts = list(zip(amount[~up].tolist(), rank[~up].tolist(), strict=True))
    value_zh[~up] = [f"已从本县采购 {a} 万元，居本环节外地采购方第{r}位" for a, r in parts]
    value_en[~up] = [
        f"already buys {a} (10k yuan) from the county, #{r} among this segment's outside buyers"
        for a, r in parts
    ]
    sentences = {
        "value": (value_zh, value_en),
        "partners": _per_distinct(partners * 2 + up, partner_sentences),
        # Shown to the km: rint rounds half to even on the exact value, as format(",.0f") does, and the
        # sign bit tells "-0" (from -0.3) from "0", which np.unique would merge.
        "distance": _per_distinct(
            (_codes(np.rint(km_values)) * 2 + np.signbit(km_values)) * 2 + up, distance_sentences
        ),
        "gap": _per_distinct(_codes(gap_size) * 2 + up, gap_sentences),
    }
    weighted = np.column_stack([rows[f"weighted_{name}"].to_numpy(dtype=float) for name in _FACTORS])
    # Ties keep the factors' own order: value, partners, distance, gap.
    orders = np.argsort(-weighted, axis=1, kind="stable").reshape(count, len(_FACTORS))
    has_distance = ~np.isnan(km_values)
    covered = rows["covered"].to_numpy(dtype=bool)
    notes = {lang: np.full(count, None, dtype=object) for lang in (0, 1)}
    for index, segment in zip(
        np.flatnonzero(covered).tolist(), rows["segment"][covered].tolist(), strict=True
    ):
        notes[0][index], notes[1][index] = projects[segment]
    columns = {lang: [sentences[name][lang] for name in _FACTORS] + [notes[lang]] for lang in (0, 1)}
    # Rows with the same factor order, distance known or not, covered or not, share one layout: their
    # tuples are zipped column-wise instead of assembled row by row.
    layout = (orders @ (len(_FACTORS) ** np.arange(len(_FACTORS)))) * 4 + has_distance * 2 + covered
    distance = _FACTORS.index("distance")
    codes, first_of, group = np.unique(layout, return_index=True, return_inverse=True)
    by_layout = np.argsort(group.reshape(-1), kind="stable")
    bounds = np.searchsorted(group.reshape(-1)[by_layout], np.arange(len(codes) + 1)).tolist()
    result = {}
    for lang in (0, 1):
        flat: list[tuple[str, ...]] = []
        for code, first in enumerate(first_of.tolist()):
            members = by_layout[bounds[code] : bounds[code + 1]]
            picked = [k for k in orders[first].tolist() if k != distance or has_distance[first]]
            if covered[first]:
                picked.append(len(_FACTORS))
            flat.extend(zip(*(columns[lang][k][members].tolist() for k in picked), strict=True))
        # ``flat`` is in layout order; put the tuples back in row order.
        tuples = np.empty(count, dtype=object)
        tuples[by_layout] = pd.Series(flat, dtype=object).to_numpy()
        result[lang] = pd.Series(tuples, dtype=object)
    return result[0], result[1]

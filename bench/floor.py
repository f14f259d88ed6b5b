"""The analysis floor: the same numbers as ``gaps.analyze`` + ``targets.recruiting_targets`` +
``pairing.local_pairs``, written the plain pandas way (boolean masks, ``groupby``, ``merge``), with no reason
text, no bilingual columns and no ranking beyond what decides which pairs are kept.

It is what anyone would write to get these numbers without the product, so the product's analysis is
measured against it; :func:`differences` checks, in the same run, that both give the same numbers (a floor
that computed something else would make the ratio meaningless). The definitions are those of the three
functions' docstrings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FloorResult", "differences", "minimal_analysis"]


@dataclass(frozen=True)
class FloorResult:
    """Per segment: demand, local supply, leakage, local share, exports, downstream gap and status; per
    target: value, local partners and distance; per pair: value from outside and supplier output."""

    segments: pd.DataFrame
    targets: pd.DataFrame
    pairs: pd.DataFrame


def _over_max(values: pd.Series) -> pd.Series:
    """Values over their largest (NaN-propagating, as the product does); all 0 when that is not positive."""
    top = np.max(values.to_numpy(dtype=float), initial=0.0)
    return values / top if top > 0 else values * 0.0


def _weighted_distance(rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    known = rows[rows["distance_km"].notna()]
    weighted = (known["value"] * known["distance_km"]).groupby([known[k] for k in keys]).sum()
    weight = known.groupby(keys)["value"].sum()
    return (weighted / weight.where(weight > 0)).rename("distance_km")


def _targets(rows: pd.DataFrame, keys: list[str], partner: str, gap: str) -> pd.DataFrame:
    grouped = rows.groupby(keys).agg(value=("value", "sum"), local_partners=(partner, "nunique"))
    grouped = grouped.join(_weighted_distance(rows, keys))
    grouped.index.names = ["segment", "name", "region"]
    return grouped.reset_index().assign(gap=gap)


def minimal_analysis(data: object, settings: object) -> FloorResult:
    """The floor's numbers for ``data`` (a ChainData) under ``settings`` (an AnalysisSettings)."""
    links: pd.DataFrame = data.links  # type: ignore[attr-defined]
    firms: pd.DataFrame = data.enterprises  # type: ignore[attr-defined]
    template: pd.DataFrame = data.template  # type: ignore[attr-defined]
    segments = template["segment"]

    def per_segment(mask: pd.Series) -> pd.Series:
        return links[mask].groupby("segment")["value"].sum().reindex(segments, fill_value=0.0)

    bought_outside = links["buyer_local"] & ~links["supplier_in_county"]
    exported = links["supplier_local"] & ~links["buyer_in_county"]
    table = pd.DataFrame(
        {
            "demand": per_segment(links["buyer_local"]),
            "local_supply": per_segment(links["buyer_local"] & links["supplier_in_county"]),
            "leakage": per_segment(bought_outside),
            "exports": per_segment(exported),
            "firms": firms.groupby("segment").size().reindex(segments, fill_value=0),
        }
    )
    table["local_share"] = table["local_supply"] / table["demand"].where(table["demand"] > 0)
    weak = (table["firms"] < settings.min_firms) | (  # type: ignore[attr-defined]
        (table["demand"] > 0) & (table["local_share"] < settings.weak_share)  # type: ignore[attr-defined]
    )
    table["status"] = np.select([table["firms"] == 0, weak], ["missing", "weak"], "strong")

    # Template edges input -> segment; exports of an input bought as the segment, or with no buyer segment.
    edges = (
        template[["segment", "inputs"]]
        .explode("inputs")
        .dropna()
        .rename(columns={"segment": "target", "inputs": "source"})
    )
    edges = edges[edges["source"] != edges["target"]].drop_duplicates()
    feeding = links[exported].merge(edges, left_on="segment", right_on="source")
    feeding = feeding[(feeding["buyer_segment"] == "") | (feeding["buyer_segment"] == feeding["target"])]
    not_strong = table.index[table["status"] != "strong"]
    table["downstream_gap"] = (
        feeding[feeding["target"].isin(not_strong)]
        .groupby("target")["value"]
        .sum()
        .reindex(segments)
        .fillna(0.0)
    )

    upstream = links[bought_outside & links["segment"].isin(table.index[table["leakage"] > 0])]
    downstream = feeding[feeding["target"].isin(table.index[table["downstream_gap"] > 0])]
    targets = pd.concat(
        [
            _targets(upstream, ["segment", "supplier", "supplier_region"], "buyer", "upstream"),
            _targets(downstream, ["target", "buyer", "buyer_region"], "supplier", "downstream"),
        ],
        ignore_index=True,
    )

    # Pairs: a local firm of s for a local buyer of a segment fed by s that buys s from outside, with no
    # link yet from the one to the other; the best few per purchase.
    weights = settings.pair_weights  # type: ignore[attr-defined]
    segment_of = firms.drop_duplicates("name").set_index("name")["segment"]
    bought = links[bought_outside & (links["value"] > 0) & links["segment"].isin(segments)]
    purchases = bought.groupby(["buyer", "segment"], as_index=False)["value"].sum()
    purchases["buyer_segment"] = purchases["buyer"].map(segment_of)
    purchases = purchases.merge(
        edges, left_on=["segment", "buyer_segment"], right_on=["source", "target"]
    ).drop(columns=["source", "target"])
    suppliers = firms[["name", "segment", "output"]].rename(
        columns={"name": "supplier", "output": "supplier_output"}
    )
    candidates = purchases.merge(suppliers, on="segment")
    linked = links[links["supplier_local"] & links["buyer_local"]][["supplier", "buyer"]].drop_duplicates()
    candidates = candidates.merge(linked, on=["supplier", "buyer"], how="left", indicator=True)
    candidates = candidates[
        (candidates["_merge"] == "left_only") & (candidates["supplier"] != candidates["buyer"])
    ]
    candidates = candidates.rename(columns={"value": "value_from_outside"})
    candidates["score"] = weights.value_from_outside * _over_max(
        candidates["value_from_outside"]
    ) + weights.supplier_output * _over_max(candidates["supplier_output"])
    if weights.suppliers_per_purchase > 0:
        candidates = candidates.sort_values(["score", "supplier"], ascending=[False, True], kind="stable")
        candidates = candidates.groupby(["buyer", "segment"], sort=False).head(weights.suppliers_per_purchase)
    pairs = candidates[["supplier", "buyer", "segment", "value_from_outside", "supplier_output", "score"]]
    return FloorResult(table.reset_index(), targets, pairs.reset_index(drop=True))


def _close(a: object, b: object) -> bool:
    if isinstance(a, float | int | np.floating | np.integer) and isinstance(
        b, float | int | np.floating | np.integer
    ):
        a, b = float(a), float(b)
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _frame_differences(
    what: str, product: pd.DataFrame, floor: pd.DataFrame, keys: list[str], numbers: list[str]
) -> list[str]:
    if len(product) != len(floor):
        return [f"{what}: {len(product)} rows in the product, {len(floor)} in the floor"]
    columns = keys + numbers
    mine = product[columns].sort_values(keys).reset_index(drop=True)
    theirs = floor[columns].sort_values(keys).reset_index(drop=True)
    found = []
    for column in columns:
        for row, (a, b) in enumerate(zip(mine[column].tolist(), theirs[column].tolist(), strict=True)):
            if not _close(a, b):
                found.append(f"{what}.{column} row {row} ({mine.loc[row, keys].tolist()}): {a!r} != {b!r}")
                break
    return found


def differences(floor: FloorResult, report: object, targets: pd.DataFrame, pairs: pd.DataFrame) -> list[str]:
    """Where the product's numbers differ from the floor's (empty when they agree)."""
    segments = report.segments  # type: ignore[attr-defined]
    found = _frame_differences(
        "segments",
        segments,
        floor.segments,
        ["segment"],
        ["firms", "demand", "local_supply", "leakage", "local_share", "exports", "downstream_gap", "status"],
    )
    found += _frame_differences(
        "targets",
        targets,
        floor.targets,
        ["segment", "gap", "name", "region"],
        ["value", "local_partners", "distance_km"],
    )
    found += _frame_differences(
        "pairs",
        pairs,
        floor.pairs,
        ["buyer", "segment", "supplier"],
        ["value_from_outside", "supplier_output", "score"],
    )
    return found

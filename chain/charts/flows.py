"""The market of each segment as a Sankey of money flows: who supplies it, who buys it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from chain import columns as catalogue
from chain import render
from chain.charts.text import WORDS, chart_word, esc, hover_box
from chain.charts.theme import (
    MEASURE_COLORS,
    category_colors,
    empty_figure,
    legend_swatch,
    rgba,
    style_figure,
)

__all__ = ["flow_sankey"]


def _fold_regions(totals: pd.Series, top: int, other: str) -> dict[str, str]:
    """region -> shown region: the ``top`` largest keep their name, the rest fold into ``other``."""
    ranked = sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))
    return {region: (region if i < top else other) for i, (region, _) in enumerate(ranked)}


def flow_sankey(
    flows: pd.DataFrame, segments: pd.DataFrame, lang: str = "zh", *, top_regions: int = 10
) -> go.Figure:
    """The market of each segment as flows of money: on the left who supplies it — local firms, other
    local units, or outside regions (what local buyers buy from outside: leakage); on the right who buys
    it — local firms, other local units (local final demand), or outside regions (exports). So a segment's
    inflow equals its outflow: local firms' sales + other local units' supplies + purchases from outside =
    local demand + local final demand + exports, and every segment sits in the middle column.

    *Other local units* are parties in the county that are not in 企业 (a construction site, a hospital:
    ``supplier_in_county`` / ``buyer_in_county`` without ``*_local``); each side has one node for them,
    so the county itself never shows as an outside region.

    Segment level only (no enterprise nodes). On each side the ``top_regions`` largest regions keep their
    name and the rest fold into one "other regions" node whose hover lists them. Segments are coloured by
    category; links take their segment's colour.

    Parameters
    ----------
    flows : :func:`chain.views.market_flows` — kind, segment, region, value; a blank region is drawn as
        "region not given".
    segments : ``ChainReport.segments`` (segment, category: the order and the colours).
    lang : "zh" or "en".
    top_regions : regions kept by name on each side.
    """
    unknown = chart_word("region_unknown", lang)
    other = chart_word("other_regions", lang)
    named = flows.assign(region=flows["region"].mask(flows["region"] == "", unknown))

    def totals(kind: str, *keys: str) -> pd.Series:
        return named[named["kind"] == kind].groupby(list(keys), sort=False)["value"].sum()

    # Local buyers' purchases: from local firms, from other local units, and from outside by supplier region.
    bought_locally = totals("from_local_firms", "segment")
    bought_from_units = totals("from_local_units", "segment")
    bought_outside = totals("from_outside", "region", "segment")
    # Local firms' sales outside the county, by buyer region, and to other local units (final demand).
    exported = totals("to_outside", "segment", "region")
    sold_to_units = totals("to_local_units", "segment")
    if bought_outside.empty and exported.empty:
        return empty_figure(lang, "no_flows")
    local_sales = bought_locally.add(
        exported.groupby(level=0).sum() if not exported.empty else pd.Series(dtype=float), fill_value=0.0
    ).add(sold_to_units, fill_value=0.0)

    fold_in = _fold_regions(bought_outside.groupby(level=0).sum(), top_regions, other)
    fold_out = _fold_regions(exported.groupby(level=1).sum(), top_regions, other)
    inbound: dict[tuple[str, str], float] = {}
    for (region, segment), amount in bought_outside.items():
        key = (fold_in[region], segment)
        inbound[key] = inbound.get(key, 0.0) + float(amount)
    outbound: dict[tuple[str, str], float] = {}
    for (segment, region), amount in exported.items():
        key = (segment, fold_out[region])
        outbound[key] = outbound.get(key, 0.0) + float(amount)

    order = [str(s) for s in segments["segment"]]
    category_of = {str(s): str(c) for s, c in zip(segments["segment"], segments["category"], strict=True)}
    used = (
        {s for _, s in inbound}
        | {s for s, _ in outbound}
        | set(local_sales.index)
        | set(bought_from_units.index)
    )
    shown = [s for s in order if s in used] + sorted(used - set(order))
    colors = category_colors(category_of.get(s, "") for s in shown)

    def color_of(segment: str) -> str:
        return colors[category_of.get(segment, "")]

    def ranked(amounts: Mapping[tuple[str, str], float], side: int) -> list[str]:
        sums: dict[str, float] = {}
        for key, amount in amounts.items():
            sums[key[side]] = sums.get(key[side], 0.0) + amount
        return sorted(sums, key=lambda r: (r == other, -sums[r], r))

    def folded(fold: Mapping[str, str]) -> list[tuple[str, str]]:
        names = [str(r) for r, shown_as in fold.items() if shown_as == other]
        more = chart_word("etc", lang) if len(names) > 12 else ""
        return [(chart_word("includes", lang), render.joined(names[:12], lang) + more)] if names else []

    nodes: list[tuple[tuple[str, str], str, str, str]] = []  # (key, label, colour, hover)

    def party(key: tuple[str, str], word: str, color: str, rows: list[tuple[str, str]]) -> None:
        name = chart_word(word, lang)
        nodes.append((key, name, color, hover_box(name, rows)))

    sales_total = float(local_sales.sum())
    units_supply_total = float(bought_from_units.sum())
    purchases_total = float(bought_locally.sum()) + units_supply_total + sum(inbound.values())
    units_demand_total = float(sold_to_units.sum())
    if sales_total > 0:
        trade = [(chart_word("trade", lang), render.amount(sales_total, lang))]
        party(("local", "sales"), "local_sales", MEASURE_COLORS["local"], trade)
    if units_supply_total > 0:
        trade = [(catalogue.name("local_supply", lang), render.amount(units_supply_total, lang))]
        party(("units", "sales"), "local_units_sales", MEASURE_COLORS["local_unit"], trade)
    for region in ranked(inbound, 0):
        amount = sum(v for (r, _), v in inbound.items() if r == region)
        rows = [
            (catalogue.name("leakage", lang), render.amount(amount, lang)),
            *(folded(fold_in) if region == other else []),
        ]
        nodes.append((("in", region), region, MEASURE_COLORS["region"], hover_box(region, rows)))
    for segment in shown:
        from_outside = sum(v for (_, s), v in inbound.items() if s == segment)
        to_outside = sum(v for (s, _), v in outbound.items() if s == segment)
        locally = float(bought_locally.get(segment, 0.0)) + float(bought_from_units.get(segment, 0.0))
        rows = [
            (catalogue.name("category", lang), category_of.get(segment, "")),
            (catalogue.name("demand", lang), render.amount(locally + from_outside, lang)),
            (catalogue.name("local_supply", lang), render.amount(locally, lang)),
            (catalogue.name("leakage", lang), render.amount(from_outside, lang)),
            (catalogue.name("exports", lang), render.amount(to_outside, lang)),
        ]
        final = float(sold_to_units.get(segment, 0.0))
        if final > 0:
            rows.append((catalogue.name("local_final_demand", lang), render.amount(final, lang)))
        nodes.append((("segment", segment), segment, color_of(segment), hover_box(segment, rows)))
    if purchases_total > 0:
        trade = [(chart_word("trade", lang), render.amount(purchases_total, lang))]
        party(("local", "purchases"), "local_purchases", MEASURE_COLORS["local"], trade)
    if units_demand_total > 0:
        trade = [(catalogue.name("local_final_demand", lang), render.amount(units_demand_total, lang))]
        party(("units", "purchases"), "local_units", MEASURE_COLORS["local_unit"], trade)
    for region in ranked(outbound, 1):
        amount = sum(v for (_, r), v in outbound.items() if r == region)
        rows = [
            (catalogue.name("exports", lang), render.amount(amount, lang)),
            *(folded(fold_out) if region == other else []),
        ]
        nodes.append((("out", region), region, MEASURE_COLORS["region"], hover_box(region, rows)))
    index = {key: i for i, (key, *_) in enumerate(nodes)}

    bands: list[tuple[tuple[str, str], tuple[str, str], float, str, str]] = []
    for segment, amount in local_sales.items():
        bands.append((("local", "sales"), ("segment", segment), float(amount), segment, "local_sales"))
    for segment, amount in bought_from_units.items():
        bands.append((("units", "sales"), ("segment", segment), float(amount), segment, "local_units_sales"))
    for (region, segment), amount in inbound.items():
        bands.append((("in", region), ("segment", segment), amount, segment, "leakage"))
    for segment in shown:
        # Local buyers' whole demand for the segment, wherever they bought it.
        demand = (
            float(bought_locally.get(segment, 0.0))
            + float(bought_from_units.get(segment, 0.0))
            + sum(v for (_, s), v in inbound.items() if s == segment)
        )
        if demand > 0:
            bands.append((("segment", segment), ("local", "purchases"), demand, segment, "demand"))
    for segment, amount in sold_to_units.items():
        bands.append(
            (("segment", segment), ("units", "purchases"), float(amount), segment, "local_final_demand")
        )
    for (segment, region), amount in outbound.items():
        bands.append((("segment", segment), ("out", region), amount, segment, "exports"))

    def flow_hover(source: tuple[str, str], target: tuple[str, str], amount: float, key: str) -> str:
        title = f"{nodes[index[source]][1]} → {nodes[index[target]][1]}"
        name = chart_word(key, lang) if key in WORDS else catalogue.name(key, lang)
        return hover_box(title, [(name, render.amount(amount, lang))])

    # Plotly writes a band's value where a hover is not drawn: in the unit the tables write the largest with.
    divisor, unit = render.amount_scale(max((f[2] for f in bands), default=0), lang)
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=catalogue.FORMATS["money"].d3 if divisor == 1 else ",.1f",
            valuesuffix=f" {unit}",
            node={
                "label": [esc(name) for _, name, _, _ in nodes],
                "color": [color for *_, color, _ in nodes],
                "pad": 10,
                "thickness": 16,
                "line": {"width": 0},
                "customdata": [hover for *_, hover in nodes],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={
                "source": [index[f[0]] for f in bands],
                "target": [index[f[1]] for f in bands],
                "value": [f[2] / divisor for f in bands],
                "color": [rgba(color_of(f[3]), 0.35) for f in bands],
                "customdata": [flow_hover(f[0], f[1], f[2], f[4]) for f in bands],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    for category, color in colors.items():
        fig.add_trace(
            legend_swatch(esc(catalogue.value_name(catalogue.CATEGORIES, category, lang)) or "—", color)
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    columns = (
        sum(1 for key, *_ in nodes if key[0] == "in") + 1,
        len(shown),
        sum(1 for key, *_ in nodes if key[0] == "out") + 1,
    )
    return style_figure(fig, height=int(min(1400, max(400, 80 + 30 * max(columns)))))

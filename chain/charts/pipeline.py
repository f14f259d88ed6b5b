"""The recruiting pipeline as a funnel: leads per stage, 线索 at the top, 投产 at the bottom (#16)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from chain import columns, render
from chain.charts.text import hover_box
from chain.charts.theme import empty_figure, style_figure

__all__ = ["pipeline_funnel"]

#: One blue, darker the further a stage is (a signed project reads heavier than a first call).
_SHADES = ("#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B")


def pipeline_funnel(funnel: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Leads per stage (:func:`chain.pipeline.funnel`: lead_stage, leads, planned_investment); stopped
    leads (终止) are not part of the funnel and are said in the hover of the first stage instead."""
    active = funnel[funnel["lead_stage"] != "terminated"]
    if int(funnel["leads"].sum()) == 0:
        return empty_figure(lang)
    names = [columns.value_name(columns.LEAD_STAGES, s, lang) for s in active["lead_stage"]]
    hovers = [
        hover_box(
            name,
            [
                ("", render.count(n, "firms", lang)),
                (columns.name("planned_investment", lang), render.amount(money, lang)),
            ],
        )
        for name, n, money in zip(names, active["leads"], active["planned_investment"], strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=names,
            x=active["leads"].tolist(),
            textinfo="value",
            marker={"color": list(_SHADES[: len(names)])},
            connector={"line": {"color": "#D9D9D9"}},
            hovertext=hovers,
            hoverinfo="text",
        )
    )
    return style_figure(fig, legend=False, height=360)

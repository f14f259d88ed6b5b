"""How complete a county's chain was, period after period: the completeness trend of the comparison page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from chain import columns, render
from chain.charts.text import axis_format, esc, hover_box
from chain.charts.theme import MEASURE_COLORS, empty_figure, style_figure

__all__ = ["completeness_trend"]

#: The two completeness shares drawn, each with the colour of the measure it stands for.
_LINES = (
    ("completeness_segments", MEASURE_COLORS["after"]),
    ("completeness_value", MEASURE_COLORS["exports"]),
)


def completeness_trend(trend: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Two lines over the periods, oldest first: the share of template segments with a local firm and the
    share of local demand met locally, each point labelled with its percentage.

    Parameters
    ----------
    trend : :func:`chain.compare.completeness_trend`: period_zh / period_en, label, completeness_segments,
        completeness_value, segments_with_firms, segments_total (one row per period, oldest first).
    """
    if trend.empty:
        return empty_figure(lang)
    periods = render.source(trend, "period", lang).tolist()
    # The x axis is categorical: a period is a name (2022年1-9月), not a date on a scale.
    x = [esc(period) for period in periods]
    fig = go.Figure()
    for key, color in _LINES:
        values = trend[key].tolist()
        hover = [
            hover_box(
                esc(period),
                [
                    (columns.name(key, lang), render.value(key, value, lang)),
                    (
                        columns.name("segments_with_firms", lang),
                        f"{with_firms}/{total}",
                    ),
                ],
            )
            for period, value, with_firms, total in zip(
                periods, values, trend["segments_with_firms"], trend["segments_total"], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values,
                mode="lines+markers+text",
                name=columns.name(key, lang),
                line={"color": color, "width": 3},
                marker={"size": 9, "color": color},
                text=[render.value(key, value, lang) for value in values],
                textposition="top center",
                cliponaxis=False,
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=axis_format("share"), range=[0, 1.08], dtick=0.25)
    return style_figure(fig, height=320, top=48)

"""What a hypothetical project changes, as before/after bars per metric."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from chain import columns, render
from chain.charts.text import (
    axis_format,
    chart_word,
    esc,
    hover_box,
    is_blank,
    money_axis,
    status_name,
    with_unit,
)
from chain.charts.theme import MEASURE_COLORS, empty_figure, style_figure

__all__ = ["what_if_bars"]


def what_if_bars(changes: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """What a hypothetical project changes: one small panel per metric (each keeps its own unit), a grey
    "before" and a blue "after" bar for every segment it changes; completeness rows (blank segment) appear
    as "whole chain". A status change is written under the segment's name (e.g. 弱链 → 强链).

    Parameters
    ----------
    changes : ``WhatIf.changes`` — segment, metric, before, after, delta. Metrics are report column keys or
        ``completeness_segments`` / ``completeness_value``; ``status`` rows carry status keys.
    """
    if changes.empty:
        return empty_figure(lang)
    whole = chart_word("whole_chain", lang)
    status_rows = changes[changes["metric"] == "status"]
    status_note = {
        str(segment): f"{status_name(before, lang)} → {status_name(after, lang)}"
        for segment, before, after in zip(
            status_rows["segment"], status_rows["before"], status_rows["after"], strict=True
        )
    }
    numeric = changes[changes["metric"] != "status"].assign(
        before=lambda f: pd.to_numeric(f["before"], errors="coerce"),
        after=lambda f: pd.to_numeric(f["after"], errors="coerce"),
    )
    numeric = numeric[numeric["before"].notna() | numeric["after"].notna()]
    if numeric.empty:
        return empty_figure(lang)
    metrics = list(dict.fromkeys(numeric["metric"]))
    # Amounts are drawn in the unit that reads best for their panel (亿元 for 100,000s of 万元); other
    # metrics in their column's unit.
    scales: dict[str, tuple[float, str]] = {}
    for metric in metrics:
        if columns.column(metric).kind == "money":
            rows = numeric[numeric["metric"] == metric]
            largest = max([abs(v) for v in [*rows["before"], *rows["after"]] if not is_blank(v)] or [0])
            divisor, unit = money_axis(largest, lang)
            scales[metric] = (divisor, with_unit(columns.name(metric, lang), unit, lang))
    width = min(3, len(metrics))
    height = math.ceil(len(metrics) / width)
    fig = make_subplots(
        rows=height,
        cols=width,
        subplot_titles=[scales[m][1] if m in scales else columns.header(m, lang) for m in metrics],
        horizontal_spacing=0.08,
        vertical_spacing=min(0.18, 0.5 / height),
    )

    def segment_name(segment: object) -> str:
        name = whole if is_blank(segment) or str(segment) == "" else esc(segment)
        note = status_note.get(str(segment))
        return f"{name}<br>({esc(note)})" if note else name

    for i, metric in enumerate(metrics):
        rows = numeric[numeric["metric"] == metric]
        names = [segment_name(s) for s in rows["segment"]]
        titles = [whole if is_blank(s) or str(s) == "" else str(s) for s in rows["segment"]]
        for key in ("before", "after"):
            values = rows[key].tolist()
            divisor = scales[metric][0] if metric in scales else 1
            hover = [
                hover_box(
                    title,
                    [
                        ("", columns.name(metric, lang)),
                        (chart_word("before", lang), render.value(metric, b, lang)),
                        (chart_word("after", lang), render.value(metric, a, lang)),
                        *(
                            [(chart_word("status_change", lang), status_note[str(s)])]
                            if str(s) in status_note
                            else []
                        ),
                    ],
                )
                for title, s, b, a in zip(titles, rows["segment"], rows["before"], rows["after"], strict=True)
            ]
            fig.add_trace(
                go.Bar(
                    x=names,
                    y=[v / divisor for v in values],
                    name=chart_word(key, lang),
                    legendgroup=key,
                    showlegend=i == 0,
                    marker={"color": MEASURE_COLORS[key]},
                    text=[
                        render.amount(v, lang, compact=True)
                        if metric in scales
                        else render.value(metric, v, lang)
                        for v in values
                    ],
                    textposition="outside",
                    cliponaxis=False,
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                ),
                row=i // width + 1,
                col=i % width + 1,
            )
        kind = columns.column(metric).kind
        largest = max([abs(v) for v in [*rows["before"], *rows["after"]] if not is_blank(v)] or [0])
        # Counts are whole numbers: no 0.5-firm gridlines.
        step = 1 if kind == "count" and largest <= 8 else None
        fig.update_yaxes(
            tickformat=axis_format(kind),
            dtick=step,
            rangemode="tozero",
            row=i // width + 1,
            col=i % width + 1,
        )
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_annotations(font={"size": 13})
    return style_figure(fig, height=int(60 + 250 * height), top=72)

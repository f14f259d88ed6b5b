"""Charts of the segment table (``ChainReport.segments``, possibly filtered): output treemap, segments and
output per category, and the segments ranked by leakage or by exports."""

from __future__ import annotations

from collections.abc import Sequence

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
    segment_rows,
    status_name,
    with_unit,
    wrap_items,
)
from chain.charts.theme import (
    MEASURE_COLORS,
    STATUS_COLORS,
    STATUS_ORDER,
    TEXT_ON_STATUS,
    UNKNOWN_COLOR,
    empty_figure,
    legend_swatch,
    style_figure,
)

__all__ = ["category_bar", "exports_bar", "leakage_bar", "output_treemap"]


#: Line height of a 12 px note, and the width of a line in "columns" (a CJK character counts two): about
#: 430 px, which fits the half-page column the overview gives its treemap.
_NOTE_LINE_PX = 17


_NOTE_COLUMNS = 66


def output_treemap(segments: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """The chain's output as nested rectangles: category -> segment, area = output, colour = status.

    A treemap cannot give an area to zero, and a made-up minimum area would misstate output, so segments
    without output (every missing segment, and any whose firms report none) get no rectangle: the hover of
    their category lists them with their status, and a note under the picture counts and names them.

    Parameters
    ----------
    segments : ``ChainReport.segments`` (segment, category, status, output; other metric columns are shown in
        the hover when present).
    lang : "zh" or "en".
    """
    records = segments.to_dict("records")
    sized, unsized = [], []
    for record in records:
        has_output = not is_blank(record["output"]) and float(record["output"]) > 0
        (sized if has_output else unsized).append(record)
    if not sized:
        return empty_figure(lang, "no_output")

    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    values: list[float] = []
    colors: list[str] = []
    texts: list[str] = []
    text_colors: list[str] = []
    hovers: list[str] = []
    categories = list(dict.fromkeys(str(r["category"]) for r in sized))
    for category in categories:
        members = [r for r in sized if str(r["category"]) == category]
        hidden = [r for r in unsized if str(r["category"]) == category]
        total = sum(float(r["output"]) for r in members)
        rows = [
            (columns.name("output", lang), render.amount(total, lang)),
            (chart_word("segment_count", lang), str(len(members) + len(hidden))),
        ]
        if hidden:
            names = render.joined([f"{r['segment']}({status_name(r['status'], lang)})" for r in hidden], lang)
            rows.append((chart_word("unsized_short", lang), names))
        ids.append(f"category:{category}")
        labels.append(esc(columns.value_name(columns.CATEGORIES, category, lang)))
        parents.append("")
        # "remainder" mode: a category's own value is 0 and plotly sums its children, so float rounding can
        # never make a parent smaller than its children (which blanks a "total" treemap).
        values.append(0.0)
        colors.append("#F2F2F2")
        text_colors.append("#262626")
        texts.append(render.amount(total, lang, compact=True))
        hovers.append(hover_box(columns.value_name(columns.CATEGORIES, category, lang), rows))
    for record in sized:
        ids.append(f"segment:{record['segment']}")
        labels.append(esc(record["segment"]))
        parents.append(f"category:{record['category']}")
        values.append(float(record["output"]))
        colors.append(STATUS_COLORS.get(str(record["status"]), UNKNOWN_COLOR))
        text_colors.append(TEXT_ON_STATUS.get(str(record["status"]), "#262626"))
        texts.append(
            f"{status_name(record['status'], lang)} · {render.amount(record['output'], lang, compact=True)}"
        )
        hovers.append(hover_box(str(record["segment"]), segment_rows(record, lang)))

    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="remainder",
            marker={"colors": colors, "line": {"color": "white", "width": 1.5}},
            text=texts,
            textinfo="label+text",
            textfont={"color": text_colors},
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra></extra>",
            sort=True,
            tiling={"pad": 2},
            pathbar={"visible": True},
            name="",
        )
    )
    # A label only where it fits at a legible size; a small cell keeps its words for the hover.
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    drawn = [s for s in STATUS_ORDER if any(str(r["status"]) == s for r in sized)]
    for status in drawn:
        fig.add_trace(legend_swatch(status_name(status, lang), STATUS_COLORS[status]))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if not unsized:
        return style_figure(fig, legend=bool(drawn), height=460)
    # Every name, wrapped over as many lines as it takes: plotly does not wrap an annotation, and a
    # single line is cut at the figure's edge.
    lines = wrap_items(
        f"{chart_word('unsized', lang)} ({len(unsized)}): ",
        [str(r["segment"]) for r in unsized],
        "、" if lang == "zh" else ", ",
        _NOTE_COLUMNS,
    )
    note_px = _NOTE_LINE_PX * len(lines) + 8
    style_figure(fig, legend=bool(drawn), height=460 + note_px)
    fig.add_annotation(
        text="<br>".join(esc(line) for line in lines),
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        align="left",
        yshift=-4,
        showarrow=False,
        font={"size": 12, "color": "#595959"},
    )
    fig.update_layout(margin={"b": note_px + 4})
    return fig


def _bar_height(rows: int) -> int:
    return int(max(220, 80 + 28 * rows))


def _segment_bars(
    chosen: pd.DataFrame, measures: Sequence[str], hover_keys: Sequence[str], lang: str, divisor: float
) -> go.Figure:
    """A horizontal bar per segment of ``chosen`` and measure, in the measure's colour, its length in 万元
    divided by ``divisor`` (:func:`~chain.charts.text.money_axis`); every bar of a segment has the same
    hover, its ``hover_keys`` that the frame has. The caller sets how bars combine."""
    keys = [k for k in hover_keys if k in chosen]
    hover = [
        hover_box(str(record["segment"]), segment_rows(record, lang, keys))
        for record in chosen.to_dict("records")
    ]
    names = [esc(s) for s in chosen["segment"]]
    fig = go.Figure()
    for key in measures:
        fig.add_trace(
            go.Bar(
                y=names,
                x=(_numeric(chosen, key) / divisor).tolist(),
                orientation="h",
                name=columns.name(key, lang),
                marker={"color": MEASURE_COLORS[key]},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return fig


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0)


def leakage_bar(segments: pd.DataFrame, lang: str = "zh", top: int = 15) -> go.Figure:
    """The segments whose local buyers buy most from outside: a horizontal bar per segment, leakage from
    the axis, local supply stacked after it, so the whole bar is local demand. Largest leakage on top.

    Parameters
    ----------
    segments : ``ChainReport.segments`` (segment, leakage, local_supply; demand, local_share, status in the
        hover when present).
    top : how many segments to show (the largest leakage first; segments without leakage are left out).
    """
    leakage = _numeric(segments, "leakage")
    chosen = segments.assign(_leak=leakage)[leakage > 0].sort_values("_leak", ascending=False, kind="stable")
    chosen = chosen.head(top).drop(columns="_leak")
    if chosen.empty:
        return empty_figure(lang)
    divisor, unit = money_axis(
        float((_numeric(chosen, "leakage") + _numeric(chosen, "local_supply")).max()), lang
    )
    fig = _segment_bars(
        chosen,
        ("leakage", "local_supply"),
        ("category", "status", "demand", "local_supply", "leakage", "local_share", "local_buyers"),
        lang,
        divisor,
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title={"text": with_unit(columns.name("demand", lang), unit, lang)},
        tickformat=axis_format("money"),
        rangemode="tozero",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    return style_figure(fig, height=_bar_height(len(chosen)))


def exports_bar(segments: pd.DataFrame, lang: str = "zh", top: int = 15) -> go.Figure:
    """Where local output leaves the county: a pair of horizontal bars per segment, its exports and its
    downstream gap (inputs exported to be processed elsewhere, for a missing or weak segment). The two are
    different segments' money, so they stand side by side, not stacked. Largest (exports + gap) on top.
    Sales to other local units (local final demand) stay in the county: they are no bar, only a hover line.

    Parameters
    ----------
    segments : ``ChainReport.segments`` (segment, exports, downstream_gap; status and local_final_demand
        in the hover).
    top : how many segments to show; segments with neither are left out.
    """
    exports = _numeric(segments, "exports")
    downstream = _numeric(segments, "downstream_gap")
    chosen = segments.assign(_size=exports + downstream)[(exports > 0) | (downstream > 0)]
    chosen = chosen.sort_values("_size", ascending=False, kind="stable").head(top).drop(columns="_size")
    if chosen.empty:
        return empty_figure(lang)
    largest = max(float(_numeric(chosen, "exports").max()), float(_numeric(chosen, "downstream_gap").max()))
    divisor, unit = money_axis(largest, lang)
    fig = _segment_bars(
        chosen,
        ("exports", "downstream_gap"),
        ("category", "status", "firms", "exports", "local_final_demand", "downstream_gap"),
        lang,
        divisor,
    )
    # Overlaid, not grouped: a group keeps an empty slot for the measure a segment lacks (most have one of
    # the two), which set the bars off their labels. The gap is drawn narrower over the exports.
    fig.update_layout(barmode="overlay", bargap=0.3)
    fig.update_traces(width=0.7, selector={"name": columns.name("exports", lang)})
    fig.update_traces(width=0.38, selector={"name": columns.name("downstream_gap", lang)})
    fig.update_xaxes(title={"text": unit}, tickformat=axis_format("money"), rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return style_figure(fig, height=_bar_height(len(chosen)))


def category_bar(segments: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """The chain by category at a glance: left, how many segments each category has, stacked by status
    (strong / weak / missing); right, the category's output stacked the same way. Missing segments have no
    output by definition, which is why both panels are needed: only the left one shows them.

    Parameters
    ----------
    segments : ``ChainReport.segments`` (segment, category, status, output).
    """
    if segments.empty:
        return empty_figure(lang)
    frame = pd.DataFrame(
        {
            "category": segments["category"].astype("string").fillna("").to_numpy(),
            "status": segments["status"].astype("string").fillna("").to_numpy(),
            "output": _numeric(segments, "output").to_numpy(),
            "segment": segments["segment"].to_numpy(),
        }
    )
    categories = list(dict.fromkeys(frame["category"]))
    counts = frame.groupby(["category", "status"], sort=False).size()
    outputs = frame.groupby(["category", "status"], sort=False)["output"].sum()
    members = frame.groupby(["category", "status"], sort=False)["segment"].agg(
        lambda s: render.joined(tuple(map(str, s)), lang)
    )
    names = [esc(columns.value_name(columns.CATEGORIES, c, lang)) for c in categories]
    divisor, unit = money_axis(float(frame.groupby("category")["output"].sum().max()), lang)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[
            chart_word("segment_count", lang),
            with_unit(columns.name("output", lang), unit, lang),
        ],
    )
    statuses = [s for s in STATUS_ORDER if s in set(frame["status"])] + sorted(
        set(frame["status"]) - set(STATUS_ORDER)
    )
    for status in statuses:
        color = STATUS_COLORS.get(status, UNKNOWN_COLOR)
        name = status_name(status, lang)
        count = [int(counts.get((c, status), 0)) for c in categories]
        output = [float(outputs.get((c, status), 0.0)) for c in categories]
        hover = [
            hover_box(
                f"{columns.value_name(columns.CATEGORIES, c, lang)} · {name}",
                [
                    (chart_word("segment_count", lang), f"{n:,}"),
                    (columns.name("output", lang), render.amount(o, lang)),
                    (columns.name("segment", lang), members.get((c, status), "")),
                ],
            )
            for c, n, o in zip(categories, count, output, strict=True)
        ]
        for col, values in ((1, count), (2, [o / divisor for o in output])):
            fig.add_trace(
                go.Bar(
                    y=names,
                    x=values,
                    orientation="h",
                    name=name,
                    legendgroup=status,
                    showlegend=col == 1,
                    marker={"color": color},
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=axis_format("count"), rangemode="tozero", row=1, col=1)
    fig.update_xaxes(tickformat=axis_format("money"), rangemode="tozero", row=1, col=2)
    # Whole segments only; every second one past 5, so the ticks of a narrow panel (1024 px) do not crowd.
    most = int(frame.groupby("category").size().max())
    fig.update_xaxes(dtick=1 if most <= 5 else 2 if most <= 12 else None, row=1, col=1)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_annotations(font={"size": 13})
    return style_figure(fig, height=_bar_height(len(categories)) + 40, top=72)

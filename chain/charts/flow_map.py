"""Where the county's inputs come from and where its products go, as flows on longitude and latitude.

No base map, on purpose: a map on a Chinese government screen that draws national or provincial boundaries
must be an approved standard map with its 审图号, and generic world outlines (Natural Earth and the like)
draw disputed borders in ways that make a 问题地图. The flows are the message, so this draws no boundary at
all: points and curves on a plain longitude/latitude plane, with the provinces' names written at their
capitals for orientation (docs/geography.md). It is a cartesian plot, not a plotly ``geo`` trace, which
would fetch its outlines (topojson) from a CDN: nothing is fetched, so it works offline on a county LAN.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from chain import columns as catalogue
from chain import geo, render
from chain.charts.text import chart_word, esc, hover_box
from chain.charts.theme import category_colors, empty_figure, rgba, style_figure

__all__ = ["flow_map"]

#: Flows drawn at most, largest first: a province-scale workbook has thousands of (place, colour) pairs,
#: and a picture of them all is a hairball. What is left out is said on the figure.
MAX_CURVES = 250
_HOME_COLOR = "#C62828"
_LABEL_COLOR = "#9E9E9E"
_POINT_COLOR = "#455A64"


def _curve(x0: float, y0: float, x1: float, y1: float, bend: float, points: int = 16) -> tuple[list, list]:
    """A quadratic Bézier from (x0, y0) to (x1, y1) bowed to one side by ``bend`` of its length, so that a
    place's inflow and outflow (bent to opposite sides) do not lie on one another."""
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    control_x, control_y = mid_x - (y1 - y0) * bend, mid_y + (x1 - x0) * bend
    t = np.linspace(0.0, 1.0, points)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * control_x + t**2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * control_y + t**2 * y1
    return xs.tolist(), ys.tolist()


def _firms_rows(flows: pd.DataFrame, lang: str, limit: int = 8) -> list[tuple[str, str]]:
    """The outside parties of one place and direction, largest first, as hover rows."""
    by_firm = flows.groupby("name", sort=False)["value"].sum().sort_values(ascending=False, kind="stable")
    rows = [(str(name), render.amount(value, lang)) for name, value in by_firm.head(limit).items()]
    if len(by_firm) > limit:
        rows.append((chart_word("etc", lang), f"+{len(by_firm) - limit}"))
    return rows


def flow_map(
    flows: pd.DataFrame,
    home: str,
    county: str,
    lang: str = "zh",
    *,
    color_by: str = "segment",
    height: int = 720,
) -> go.Figure:
    """Money flowing into the county (what local firms buy outside: solid curves from the place) and out
    of it (what they sell outside: dotted curves to the place), one curve per place and segment (or
    material category, ``color_by="category"``), its width by value; a point per place sized by all it
    trades with the county, whose hover lists the firms and amounts and whose ``customdata`` is the
    adcode (a click on the page selects it).

    Parameters
    ----------
    flows : :func:`chain.geoflows.map_flows` (rows with adcode "" are not drawn: the page lists them).
    home : the county's adcode (:func:`chain.geo.locate_county`); "" draws a figure saying it is unknown.
    county : the county's name as 设置 writes it, for its label.
    lang : "zh" or "en".
    color_by : ``"segment"`` or ``"category"``.
    """
    if color_by not in ("segment", "category"):
        raise ValueError(f"color_by must be 'segment' or 'category', got {color_by!r}")
    book = geo.gazetteer()
    if home not in book.divisions:
        return empty_figure(lang, "map_no_county")
    located = flows[flows["adcode"].isin(list(book.divisions))]
    if located.empty:
        return empty_figure(lang, "map_no_places")
    origin = book.divisions[home]
    colors = category_colors(str(k) for k in located[color_by].drop_duplicates())
    fig = go.Figure()

    # The provinces' names at their capitals, light grey, underneath everything: reference, not data.
    lons = [*located["adcode"].map(lambda c: book.divisions[c].lon), origin.lon]
    lats = [*located["adcode"].map(lambda c: book.divisions[c].lat), origin.lat]
    west, east = min(lons) - 2.0, max(lons) + 2.0
    south, north = min(lats) - 1.5, max(lats) + 1.5
    capitals = [
        d
        for d in book.divisions.values()
        if d.level == 0 and west <= d.lon <= east and south <= d.lat <= north
    ]
    fig.add_trace(
        go.Scatter(
            x=[d.lon for d in capitals],
            y=[d.lat for d in capitals],
            mode="text",
            text=[esc(geo.short_province(d.name)) for d in capitals],
            textfont={"color": _LABEL_COLOR, "size": 12},
            hoverinfo="skip",
            showlegend=False,
        )
    )

    # Curves: one per (direction, place, colour), largest first, widths by the square root of value.
    curves = located.groupby(["direction", "adcode", color_by], sort=False, as_index=False)["value"].sum()
    curves = curves.sort_values(["value", "adcode"], ascending=[False, True], kind="stable")
    left_out = max(len(curves) - MAX_CURVES, 0)
    curves = curves.head(MAX_CURVES)
    largest = float(curves["value"].max()) if not curves.empty else 1.0
    shown_in_legend: set[str] = set()
    into, out_of = chart_word("map_into", lang), chart_word("map_out_of", lang)
    for direction, adcode, key, value in curves.itertuples(index=False):
        place = book.divisions[adcode]
        inbound = direction == "in"
        start, end = ((place.lon, place.lat), (origin.lon, origin.lat))
        if not inbound:
            start, end = end, start
        xs, ys = _curve(*start, *end, bend=0.18 if inbound else -0.18)
        name = str(key)
        title = f"{book.full_name(adcode)} → {county}" if inbound else f"{county} → {book.full_name(adcode)}"
        hover = hover_box(title, [(name, render.amount(value, lang)), ("", into if inbound else out_of)])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                # Invisible markers make the curve's points selectable: a click near a place often lands on
                # a curve's end (plotly picks the closest point), and a lines-only trace selects nothing.
                mode="lines+markers",
                marker={"size": 6, "opacity": 0},
                line={
                    "color": rgba(colors[name], 0.75),
                    "width": 1.0 + 9.0 * math.sqrt(max(float(value), 0.0) / largest),
                    "dash": "solid" if inbound else "dot",
                },
                hovertext=[hover] * len(xs),
                hoverinfo="text",
                # A click on a curve picks its place, as a click on the place does.
                customdata=[adcode] * len(xs),
                name=esc(name),
                legendgroup=esc(name),
                showlegend=name not in shown_in_legend,
            )
        )
        shown_in_legend.add(name)

    # The places, sized by all they trade with the county; hover lists firms and amounts both ways.
    totals = located.groupby("adcode", sort=False)["value"].sum().sort_values(ascending=False, kind="stable")
    biggest = float(totals.max())
    hovers, sizes = [], []
    for adcode, total in totals.items():
        mine = located[located["adcode"] == adcode]
        rows: list[tuple[str, str]] = []
        for direction, word in (("in", "map_suppliers"), ("out", "map_buyers")):
            part = mine[mine["direction"] == direction]
            if not part.empty:
                rows.append((chart_word(word, lang), render.amount(part["value"].sum(), lang)))
                rows.extend(_firms_rows(part, lang))
        hovers.append(hover_box(book.full_name(str(adcode)), rows))
        sizes.append(8.0 + 22.0 * math.sqrt(max(float(total), 0.0) / biggest))
    fig.add_trace(
        go.Scatter(
            x=[book.divisions[c].lon for c in totals.index],
            y=[book.divisions[c].lat for c in totals.index],
            mode="markers",
            marker={"size": sizes, "color": rgba(_POINT_COLOR, 0.55), "line": {"width": 1, "color": "white"}},
            hovertext=hovers,
            hoverinfo="text",
            customdata=list(totals.index),
            name=chart_word("map_places", lang),
            showlegend=False,
        )
    )
    # The county itself.
    fig.add_trace(
        go.Scatter(
            x=[origin.lon],
            y=[origin.lat],
            mode="markers+text",
            marker={
                "symbol": "star",
                "size": 20,
                "color": _HOME_COLOR,
                "line": {"width": 1, "color": "white"},
            },
            text=[esc(county or origin.name)],
            textposition="top center",
            textfont={"color": _HOME_COLOR, "size": 14},
            hovertext=[hover_box(county or origin.name, [("", book.full_name(home))])],
            hoverinfo="text",
            showlegend=False,
        )
    )
    # Legend entries for the two line styles.
    for word, dash in (("map_into", "solid"), ("map_out_of", "dot")):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": "#616161", "width": 3, "dash": dash},
                name=chart_word(word, lang),
                hoverinfo="skip",
            )
        )
    if left_out:
        fig.add_annotation(
            text=chart_word("map_left_out", lang).format(count=left_out, shown=MAX_CURVES),
            x=0.0,
            y=0.0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": "#808080"},
        )
    # Equal distances look equal around the county's latitude: one degree of longitude is cos(latitude)
    # of one of latitude.
    fig.update_xaxes(visible=False, range=[west, east])
    fig.update_yaxes(
        visible=False,
        range=[south, north],
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(origin.lat)),
    )
    style_figure(fig, height=height)
    # The legend beside the map, not above it: thirty segments on top would squeeze the map to a strip.
    fig.update_layout(
        legend={
            "title": {"text": esc(catalogue.name(color_by, lang))},
            "orientation": "v",
            "yref": "paper",
            "y": 1.0,
            "x": 1.01,
            "xanchor": "left",
        },
        margin={"t": 10, "r": 10},
    )
    return fig

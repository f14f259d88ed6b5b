"""Network pictures: the chain map of segments and a firm's supply network, with edges bucketed into a
few width classes so a figure has a bounded number of traces whatever the number of edges."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from chain import columns as catalogue
from chain import render
from chain.charts.layout import edge_path, ego_columns, layered_positions, node_layers, point_along
from chain.charts.text import (
    chart_word,
    esc,
    hover_box,
    is_blank,
    segment_rows,
    status_name,
    to_float,
)
from chain.charts.theme import (
    MEASURE_COLORS,
    STATUS_COLORS,
    STATUS_ORDER,
    UNKNOWN_COLOR,
    empty_figure,
    style_figure,
)

__all__ = ["chain_map", "firm_network"]


_NODE_MIN_PX = 9.0


_NODE_MAX_PX = 30.0


#: Vertical pixels per node of the tallest layer: the largest marker, its name above it and a gap.
_ROW_PX = 52


#: Chain map margins: room for the mode bar on top; the axis title and a two-row legend below.
_MAP_TOP_PX = 44


_MAP_BOTTOM_PX = 96


_MAX_NODE_LABELS = 150


_ARROW_AT = (0.58, 0.64)


#: How far apart (in layer units, at their middles) the two edges of a pair trading both ways are drawn.
_RECIPROCAL_BEND = 0.12


#: A white halo around node names: an edge running under a name stops short of its letters.
_HALO = "0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff"


_WIDTHS = (1.4, 3.2, 6.0)


@dataclass(frozen=True)
class _FlowClass:
    """One width class of edges: flows up to ``upper`` (inclusive) drawn ``width`` px wide."""

    upper: float
    width: float
    dash: str = "solid"


def _flow_classes(flows: Iterable[float]) -> list[_FlowClass]:
    """Width classes for edge values: one for zero (a template edge with no recorded trade), then up to
    three by terciles of the positive values, so a handful of traces draws any number of edges."""
    positive = np.array(sorted(v for v in flows if not is_blank(v) and v > 0), dtype=float)
    classes = [_FlowClass(0.0, 1.0, "dot")]
    if positive.size == 0:
        return classes
    bounds = sorted({*np.quantile(positive, [1 / 3, 2 / 3]).tolist(), float(positive.max())})
    widths = _WIDTHS[-len(bounds) :]
    classes.extend(_FlowClass(bound, width) for bound, width in zip(bounds, widths, strict=True))
    return classes


def _flow_class(value: float, classes: Sequence[_FlowClass]) -> int:
    if is_blank(value) or value <= 0:
        return 0
    for index, cls in enumerate(classes[1:], start=1):
        if value <= cls.upper:
            return index
    return len(classes) - 1


def _class_name(index: int, members: Sequence[float], lang: str) -> str:
    """A legend name saying the range of values actually drawn in the class."""
    if index == 0:
        return chart_word("no_trade", lang)
    low, high = min(members), max(members)
    span = (
        render.amount(low, lang, compact=True)
        if low == high
        else f"{render.amount(low, lang, compact=True)} – {render.amount(high, lang, compact=True)}"
    )
    return f"{chart_word('trade', lang)} {span}"


@dataclass
class _EdgeLayer:
    """Coordinates of one (style, width class) group of edges, drawn as one line trace."""

    xs: list[float | None]
    ys: list[float | None]
    flows: list[float]


def _edge_traces(
    edges: Sequence[tuple[Hashable, Hashable, float, str]],
    positions: Mapping[Hashable, tuple[float, float]],
    classes: Sequence[_FlowClass],
    style_colors: Mapping[str, str],
    lang: str,
    hover: Sequence[str],
    avoid: tuple[float, float] | None = None,
) -> list[go.Scatter]:
    """Line traces (one per style and width class), arrowhead traces (one per style) and one invisible
    hover trace at the edge midpoints: a bounded number of traces whatever the number of edges. Edges
    that would run through ``avoid`` curve around it (:func:`~chain.charts.layout.edge_path`)."""
    groups: dict[tuple[str, int], _EdgeLayer] = {}
    arrows: dict[str, tuple[list[float | None], list[float | None], list[float]]] = {}
    hover_x: list[float] = []
    hover_y: list[float] = []
    pairs = {(source, target) for source, target, _, _ in edges}
    for source, target, flow, style in edges:
        # A pair trading both ways would draw its two edges on one line, one hiding the other.
        bend = _RECIPROCAL_BEND if (target, source) in pairs else 0.0
        path = edge_path(positions[source], positions[target], avoid, bend)
        cls = _flow_class(flow, classes)
        group = groups.setdefault((style, cls), _EdgeLayer([], [], []))
        group.xs.extend([*(p[0] for p in path), None])
        group.ys.extend([*(p[1] for p in path), None])
        group.flows.append(flow)
        tail, head = (point_along(path, t) for t in _ARROW_AT)
        arrow_x, arrow_y, arrow_size = arrows.setdefault(style, ([], [], []))
        # The arrow marker turns toward the point before it, so each head follows an invisible tail point.
        arrow_x.extend([tail[0], head[0]])
        arrow_y.extend([tail[1], head[1]])
        arrow_size.extend([0, 7 + classes[cls].width * 1.2])
        middle = point_along(path, 0.5)
        hover_x.append(middle[0])
        hover_y.append(middle[1])

    traces: list[go.Scatter] = []
    legend_done: set[int] = set()
    for (style, cls), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        # All edges of a class share one legend entry, whatever their style.
        all_flows = [f for (_, c), g in groups.items() if c == cls for f in g.flows]
        traces.append(
            go.Scatter(
                x=group.xs,
                y=group.ys,
                mode="lines",
                line={"width": classes[cls].width, "color": style_colors[style], "dash": classes[cls].dash},
                name=_class_name(cls, all_flows, lang),
                legendgroup=f"flow-{cls}",
                showlegend=cls not in legend_done,
                hoverinfo="skip",
            )
        )
        legend_done.add(cls)
    for style, (arrow_x, arrow_y, arrow_size) in arrows.items():
        traces.append(
            go.Scatter(
                x=arrow_x,
                y=arrow_y,
                mode="markers",
                marker={
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": arrow_size,
                    "color": style_colors[style],
                    "line": {"width": 0},
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if hover:
        traces.append(
            go.Scatter(
                x=hover_x,
                y=hover_y,
                mode="markers",
                marker={"size": 12, "color": "rgba(0,0,0,0)"},
                hovertext=list(hover),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
            )
        )
    return traces


def chain_map(
    graph: nx.DiGraph,
    lang: str = "zh",
    *,
    category: str | None = None,
    selected: str | None = None,
) -> go.Figure:
    """The chain as a left-to-right map of its segments: upstream layers on the left, downstream on the
    right; a node per segment coloured by status (missing ones hollow) and sized by output (square root, so
    area follows output; zero output keeps a small visible dot), an arrow per template edge with its width
    class set by the recorded flow.

    Parameters
    ----------
    graph : :func:`chain.graph.segment_graph` — node attributes status, output, firms, category, layer (more
        metrics, such as leakage, are shown in the hover when present); edge attribute ``flow`` (万元).
        Nodes without a layer get one computed from the graph (cycle members share it).
    lang : "zh" or "en".
    category : keep only this category's segments, plus their direct neighbours drawn in grey.
    selected : a segment to highlight with its edges; other edges are dimmed. Ignored if not drawn.

    Returns
    -------
    A figure with a bounded number of traces (edges bucketed by width class, nodes by status), fast for
    hundreds of segments. Segment names are written on the nodes up to 150 nodes, beyond that in the hover.
    """
    if graph.number_of_nodes() == 0:
        return empty_figure(lang)
    layer_of = node_layers(graph)
    muted: set[Hashable] = set()
    view: nx.DiGraph = graph
    if category is not None:
        core = [node for node, c in graph.nodes(data="category") if c == category]
        if not core:
            return empty_figure(lang)
        core_set = set(core)
        muted = {m for n in core for m in nx.all_neighbors(graph, n)} - core_set
        # A copy, not graph.subgraph(): a subgraph view iterates its node set in hash order, which changes
        # from one process to the next and with it the layout; the copy keeps the graph's order.
        view = graph.copy()
        view.remove_nodes_from([node for node in graph if node not in core_set and node not in muted])
    positions = layered_positions(view, layer_of)
    if selected is not None and selected not in view:
        selected = None

    classes = _flow_classes(flow for _, _, flow in graph.edges(data="flow", default=0.0))
    edge_colors = {
        "normal": "rgba(96,96,96,0.25)" if selected is not None else "rgba(96,96,96,0.6)",
        "muted": "rgba(170,170,170,0.45)",
        "selected": "rgba(20,20,20,0.95)",
    }
    edges = []
    edge_hover = []
    for source, target, flow in view.edges(data="flow", default=0.0):
        if selected is not None and selected in (source, target):
            style = "selected"
        elif source in muted or target in muted:
            style = "muted"
        else:
            style = "normal"
        edges.append((source, target, 0.0 if is_blank(flow) else float(flow), style))
        edge_hover.append(
            hover_box(f"{source} → {target}", [(chart_word("trade", lang), render.amount(flow, lang))])
        )
    # Selected edges are drawn last, on top of the rest.
    order = {"muted": 0, "normal": 1, "selected": 2}
    ranked = sorted(range(len(edges)), key=lambda i: order[edges[i][3]])
    fig = go.Figure()
    for trace in _edge_traces(
        [edges[i] for i in ranked], positions, classes, edge_colors, lang, [edge_hover[i] for i in ranked]
    ):
        fig.add_trace(trace)

    outputs = [v for _, v in graph.nodes(data="output", default=0.0) if not is_blank(v)]
    largest = max([*outputs, 0.0])

    def size(output: object) -> float:
        number = to_float(output)
        if number is None or largest <= 0 or number <= 0:
            return _NODE_MIN_PX
        return _NODE_MIN_PX + (_NODE_MAX_PX - _NODE_MIN_PX) * math.sqrt(number / largest)

    show_text = view.number_of_nodes() <= _MAX_NODE_LABELS
    groups: dict[str, list[Hashable]] = {}
    for node in view:
        status = str(view.nodes[node].get("status", ""))
        key = "muted" if node in muted else status if status in STATUS_COLORS else "unknown"
        groups.setdefault(key, []).append(node)
    for key in [*STATUS_ORDER, "unknown", "muted"]:
        members = groups.get(key)
        if not members:
            continue
        hollow = key == "missing"
        color = {"unknown": UNKNOWN_COLOR, "muted": MEASURE_COLORS["muted"]}.get(key) or STATUS_COLORS[key]
        name = chart_word("neighbours", lang) if key == "muted" else status_name(key, lang)
        fig.add_trace(
            go.Scatter(
                x=[positions[n][0] for n in members],
                y=[positions[n][1] for n in members],
                mode="markers+text" if show_text else "markers",
                text=[esc(n) for n in members] if show_text else None,
                textposition="top center",
                textfont={"size": 11, "color": "#8C8C8C" if key == "muted" else "#262626", "shadow": _HALO},
                marker={
                    "size": [size(view.nodes[n].get("output")) for n in members],
                    "color": color,
                    "symbol": "circle-open" if hollow else "circle",
                    "line": {"width": 2.5 if hollow else 1, "color": color if hollow else "white"},
                    "opacity": 1.0,
                },
                name=name,
                hovertext=[hover_box(str(n), segment_rows(dict(view.nodes[n]), lang)) for n in members],
                # The segment itself, so a page can tell which node a click selected.
                customdata=[str(n) for n in members],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if selected is not None:
        x, y = positions[selected]
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                marker={
                    "symbol": "circle-open",
                    "size": size(view.nodes[selected].get("output")) + 12,
                    "color": MEASURE_COLORS["focus"],
                    "line": {"width": 3},
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )

    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    _layer_headings(fig, view, positions, lang)
    tallest = max(Counter(layer_of[n] for n in view).values())
    fig.update_xaxes(
        range=[min(xs) - 0.5, max(xs) + 0.5],
        showgrid=False,
        zeroline=False,
        showticklabels=False,
        title={"text": chart_word("upstream_to_downstream", lang)},
    )
    fig.update_yaxes(range=[min(ys) - 1, max(ys) + 1], visible=False)
    # The y range spans tallest + 1 node rows: give each row _ROW_PX so names in a crowded layer do not
    # overlap the nodes above them.
    height = _MAP_TOP_PX + _MAP_BOTTOM_PX + _ROW_PX * (tallest + 1)
    fig = style_figure(fig, height=int(min(1800, max(420, height))), top=_MAP_TOP_PX)
    # The legend goes under the plot: plotly's mode bar sits top right, where it would cover the legend.
    # Up to eight entries (flow classes and statuses) can wrap to two rows: the bottom margin holds both.
    fig.update_layout(
        legend={"yref": "container", "y": 0.0, "yanchor": "bottom"},
        margin={"b": _MAP_BOTTOM_PX},
    )
    return fig


def _layer_headings(
    fig: go.Figure, view: nx.DiGraph, positions: Mapping[Hashable, tuple[float, float]], lang: str
) -> None:
    """A heading over each layer of the map, in the top margin: its number, left to right, and the stage
    most of its segments are in (上游 / 中游 / 下游), so a reader knows where in the chain a column sits."""
    members: dict[float, list[Hashable]] = {}
    for node, (x, _) in positions.items():
        members.setdefault(x, []).append(node)
    for k, x in enumerate(sorted(members), start=1):
        stages = Counter(str(view.nodes[n].get("stage") or "") for n in members[x])
        stage = max(stages, key=lambda s: (stages[s], -list(stages).index(s)))
        heading = chart_word("layer", lang).format(k=k)
        if stage:
            heading = f"{heading} · {catalogue.value_name(catalogue.STAGES, stage, lang)}"
        fig.add_annotation(
            x=x,
            y=1,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=esc(heading),
            showarrow=False,
            font={"size": 12, "color": "#595959"},
        )


#: The firm network's plot width at its narrowest: the enterprise page at 1024 px with the sidebar open.
_NARROW_CHART_PX = 560


def _label_px(name: str) -> int:
    """About how wide ``name`` is in the network's 12 px labels: a CJK character 12 px, others 7 px."""
    return 14 + sum(12 if ord(ch) >= 0x2E80 else 7 for ch in name)


def firm_network(graph: nx.DiGraph, firm: str, lang: str = "zh") -> go.Figure:
    """One firm's supply network: its suppliers on the left, the firm in the middle, its customers on the
    right (and, for a deeper ego graph, their partners further out); local firms are blue circles, other
    local units (in the county, not in 企业) light blue squares, outside companies grey diamonds; edge
    width by annual value, in a few width classes.

    Parameters
    ----------
    graph : :func:`chain.graph.firm_graph` — edge attribute ``weight`` (万元), node attributes local,
        in_county, region, segment.
    firm : the firm at the centre.
    lang : "zh" or "en".
    """
    if firm not in graph:
        return empty_figure(lang)
    placed = ego_columns(graph, firm)
    columns: dict[int, list[Hashable]] = {}
    y_of: dict[Hashable, float] = {firm: 0.0}
    for node in sorted(placed, key=lambda n: abs(placed[n][0])):
        if node != firm:
            columns.setdefault(placed[node][0], []).append(node)
    for column in sorted(columns, key=abs):
        members = columns[column]
        # Near the firm: largest partner on top; further out: next to the partner that placed them.
        members.sort(key=lambda n: (-y_of[placed[n][1]], -placed[n][2], str(n)))
        middle = (len(members) - 1) / 2
        for i, node in enumerate(members):
            y_of[node] = middle - i
    positions = {node: (float(placed[node][0]), y_of[node]) for node in placed}

    classes = _flow_classes(w for _, _, w in graph.edges(data="weight", default=0.0))
    edges = []
    edge_hover = []
    for source, target, weight in graph.edges(data="weight", default=0.0):
        if source not in positions or target not in positions:
            continue
        style = "selected" if firm in (source, target) else "normal"
        edges.append((source, target, 0.0 if is_blank(weight) else float(weight), style))
        rows = [(catalogue.name("value", lang), render.amount(weight, lang))]
        for party in (source, target):
            attrs = graph.nodes[party]
            if not attrs.get("local", False) and attrs.get("region"):
                rows.append((f"{catalogue.name('region', lang)}({party})", str(attrs["region"])))
        edge_hover.append(hover_box(f"{source} → {target}", rows))
    fig = go.Figure()
    edge_colors = {"normal": "rgba(150,150,150,0.55)", "selected": "rgba(80,80,80,0.8)"}
    # Links between two partners curve around the firm instead of running behind its star and name.
    for trace in _edge_traces(edges, positions, classes, edge_colors, lang, edge_hover, avoid=(0.0, 0.0)):
        fig.add_trace(trace)

    def kind_of(node: Hashable) -> str:
        attrs = graph.nodes[node]
        if attrs.get("local", False):
            return "local"
        return "local_unit" if attrs.get("in_county", False) else "external"

    def node_hover(node: Hashable) -> str:
        attrs = graph.nodes[node]
        rows = [
            ("", chart_word(kind_of(node), lang)),
            (catalogue.name("region", lang), str(attrs.get("region", "") or "—")),
            (catalogue.name("segment", lang), str(attrs.get("segment", "") or "—")),
        ]
        if node != firm:
            if graph.has_edge(node, firm):
                rows.append(
                    (
                        chart_word("sells_to_firm", lang),
                        render.amount(graph.edges[node, firm].get("weight"), lang),
                    )
                )
            if graph.has_edge(firm, node):
                rows.append(
                    (
                        chart_word("buys_from_firm", lang),
                        render.amount(graph.edges[firm, node].get("weight"), lang),
                    )
                )
        return hover_box(str(node), rows)

    kinds = {
        kind: ([n for n in placed if n != firm and kind_of(n) == kind], symbol)
        for kind, symbol in (("local", "circle"), ("local_unit", "square"), ("external", "diamond"))
    }
    for kind, (members, symbol) in kinds.items():
        if not members:
            continue
        fig.add_trace(
            go.Scatter(
                x=[positions[n][0] for n in members],
                y=[positions[n][1] for n in members],
                mode="markers+text",
                text=[esc(n) for n in members],
                textposition=[
                    "middle left"
                    if positions[n][0] < 0
                    else "middle right"
                    if positions[n][0] > 0
                    else "bottom center"
                    for n in members
                ],
                textfont={"size": 12, "shadow": _HALO},
                marker={
                    "size": 15,
                    "symbol": symbol,
                    "color": MEASURE_COLORS[kind],
                    "line": {"width": 1, "color": "white"},
                },
                name=chart_word(kind, lang),
                hovertext=[node_hover(n) for n in members],
                customdata=[str(n) for n in members],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers",
            marker={"size": 26, "symbol": "star", "color": MEASURE_COLORS["focus"]},
            name=chart_word("this_firm", lang),
            hovertext=[node_hover(firm)],
            customdata=[str(firm)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    # The firm's name on a white ground above the star: the links into and out of it would cross the text.
    fig.add_annotation(
        x=0.0,
        y=0.0,
        text=f"<b>{esc(firm)}</b>",
        showarrow=False,
        yshift=24,
        bgcolor="rgba(255,255,255,0.9)",
        borderpad=2,
        font={"size": 14},
    )
    present = sorted({int(x) for x, _ in positions.values()})
    ticks = []
    for column in present:
        if column == 0:
            ticks.append("")
        elif column == -1:
            ticks.append(f"← {chart_word('suppliers', lang)}")
        elif column == 1:
            ticks.append(f"{chart_word('customers', lang)} →")
        else:
            ticks.append(chart_word("links_away", lang).format(k=abs(column)))
    ys = [p[1] for p in positions.values()]
    # Names are written beside the nodes, so the outer columns need room for them: as much as the longest
    # name takes when the chart is at its narrowest (the page's column at 1024 px), never less than before.
    outer = [n for n in placed if n != firm and abs(placed[n][0]) == max(abs(c) for c in present)]
    longest = max((_label_px(str(n)) for n in outer), default=0)
    span = max(present) - min(present)
    room = _NARROW_CHART_PX - 2 * longest
    pad = 3.0 if room <= 0 else min(3.0, max(1.1, longest * span / room))
    fig.update_xaxes(
        tickvals=present,
        ticktext=ticks,
        range=[min(present) - pad, max(present) + pad],
        showgrid=False,
        zeroline=False,
        side="top",
    )
    fig.update_yaxes(range=[min(ys) - 1, max(ys) + 1], visible=False)
    tallest = max([len(m) for m in columns.values()] or [1])
    fig = style_figure(fig, height=int(min(1400, max(340, 110 + 40 * tallest))))
    fig.update_layout(legend={"yref": "paper", "y": -0.02, "yanchor": "top"}, margin={"t": 36, "b": 40})
    return fig

"""Plotly figure builders for the chain dashboard: report frames, chain data and graphs in, ``go.Figure`` out."""

from __future__ import annotations

import html
import math
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from chain.graph import layers as template_layers
from chain.labels import STATUSES, label
from chain.model import ChainData
from chain.reasons import segment_reason

__all__ = [
    "CATEGORY_COLORS",
    "FONT_FAMILY",
    "MEASURE_COLORS",
    "STATUS_COLORS",
    "category_bar",
    "category_colors",
    "chain_map",
    "completeness_gauge",
    "exports_bar",
    "firm_network",
    "flow_sankey",
    "leakage_bar",
    "output_treemap",
    "what_if_bars",
]

#: Fonts that render Chinese on macOS, Windows and Linux, in that order of preference.
FONT_FAMILY = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"

#: Status -> colour. Okabe-Ito shades: told apart with the common colour-vision deficiencies, and they differ
#: in lightness too. Missing segments are also drawn hollow where a shape can carry it (the chain map).
STATUS_COLORS: dict[str, str] = {"strong": "#009E73", "weak": "#E69F00", "missing": "#D55E00"}

#: Category -> colour for the five categories of a new-materials chain. Hues stay clear of the status
#: green/amber/red so a category never reads as a verdict, and clear of grey, which reads as "no data"
#: (碳素 is a dark indigo, darker than 化工's blue); other categories take :data:`_EXTRA_CATEGORY_COLORS`.
CATEGORY_COLORS: dict[str, str] = {
    "碳素": "#332288",
    "化工": "#0072B2",
    "新型建筑材料": "#8C7B70",
    "生物材料": "#56B4E9",
    "精细轻纺": "#CC79A7",
}
_EXTRA_CATEGORY_COLORS = (
    "#882255",
    "#6699CC",
    "#AA4499",
    "#999933",
    "#44AA99",
    "#661100",
    "#888888",
)

#: Measure -> colour, shared by every bar and flow so one quantity keeps one colour across pages.
MEASURE_COLORS: dict[str, str] = {
    "local_supply": "#0072B2",
    "leakage": "#D55E00",
    "exports": "#56B4E9",
    "downstream_gap": "#CC79A7",
    "before": "#A6A6A6",
    "after": "#0072B2",
    "local": "#0072B2",
    "local_unit": "#56B4E9",
    "external": "#8C8C8C",
    "focus": "#1A1A1A",
    "region": "#A6A6A6",
    "muted": "#CCCCCC",
}

_UNKNOWN_COLOR = "#BDBDBD"
#: Text colour that stays readable on each status colour (dark on amber, white on the darker two).
_TEXT_ON_STATUS: dict[str, str] = {"strong": "white", "weak": "#262626", "missing": "white"}
_STATUS_ORDER = ("strong", "weak", "missing")

#: Chart chrome, (zh, en); analysis vocabulary comes from :mod:`chain.labels`.
_WORDS: dict[str, tuple[str, str]] = {
    "no_data": ("暂无数据", "no data"),
    "no_output": ("暂无产值数据", "no output recorded"),
    "no_flows": ("暂无与外地的交易记录", "no trade with outside parties recorded"),
    "unit": ("万元", "10k yuan"),
    "other_regions": ("其他地区", "other regions"),
    "region_unknown": ("未注明地区", "region not given"),
    "local_sales": ("本县企业销售", "local firms' sales"),
    "local_purchases": ("本县企业采购", "local firms' purchases"),
    "local_units": ("本县其他单位", "other local units"),
    "local_units_sales": ("本县其他单位供货", "other local units' supplies"),
    "includes": ("包括", "includes"),
    "whole_chain": ("全链", "whole chain"),
    "upstream_to_downstream": ("上游 → 下游", "upstream → downstream"),
    "no_trade": ("无交易记录", "no recorded trade"),
    "trade": ("交易额", "trade"),
    "trade_amount": ("交易额(万元)", "value (10k yuan)"),
    "neighbours": ("相邻环节(其他类别)", "neighbouring segments (other categories)"),
    "unsized": ("无产值、未按面积显示的环节", "segments without output, not drawn to size"),
    "unsized_short": ("无产值环节", "without output"),
    "segment_count": ("环节数", "segments"),
    "before": ("现状", "before"),
    "after": ("项目投产后", "after the project"),
    "suppliers": ("供应方", "suppliers"),
    "customers": ("客户", "customers"),
    "links_away": ("间接伙伴({k}级)", "partners {k} links away"),
    "local": ("本县企业", "local firm"),
    "local_unit": ("本县其他单位", "other local unit"),
    "external": ("外地企业", "outside company"),
    "this_firm": ("本企业", "this firm"),
    "sells_to_firm": ("向本企业供货(万元)", "sells to this firm (10k yuan)"),
    "buys_from_firm": ("从本企业采购(万元)", "buys from this firm (10k yuan)"),
    "status_change": ("状态", "status"),
    "etc": ("等", "etc."),
}

# Keys whose values are shares (0..1), counts, or other non-amount numbers, for hover formatting.
_SHARE_KEYS = frozenset({"local_share", "concentration", "completeness_segments", "completeness_value"})
_COUNT_KEYS = frozenset(
    {"firms", "above_scale_firms", "employees", "local_buyers", "local_partners", "segments_with_firms"}
)
_PLAIN_KEYS = frozenset({"leakage_distance_km", "distance_km", "layer"})

# Segment hover: the numbers an official asks about first, in reading order; shown when the column exists.
_SEGMENT_HOVER = (
    "category",
    "status",
    "firms",
    "output",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "downstream_gap",
)

# Chain map geometry (data units: one layer apart on x, one node apart on y; marker sizes in px).
_SWEEPS = 4
_NODE_MIN_PX = 9.0
_NODE_MAX_PX = 30.0
#: Vertical pixels per node of the tallest layer: the largest marker, its name above it and a gap.
_ROW_PX = 52
#: Chain map margins: room for the mode bar on top; the axis title and a two-row legend below.
_MAP_TOP_PX = 32
_MAP_BOTTOM_PX = 96
_MAX_NODE_LABELS = 150
_ARROW_AT = (0.58, 0.64)
_WIDTHS = (1.4, 3.2, 6.0)


def _word(key: str, lang: str) -> str:
    return label(key, lang, _WORDS)


def _esc(text: object) -> str:
    """User text as plotly pseudo-HTML: names like ``<b>`` or ``A&B`` must show as typed, and a name like
    ``<a href="http://host">`` or ``<img ...>`` can make no link or image.

    Every workbook string a figure draws (labels, text, tick categories, legend names, annotations) goes
    through here or :func:`_hover`. Hover templates are constants (``%{hovertext}`` / ``%{customdata}``) and
    plotly fills a template once, so a ``%{...}`` inside a name shows as typed; ``$...$`` would be typeset
    only where the host page loads MathJax, which Streamlit does not.
    """
    return html.escape(str(text), quote=False)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _to_float(value: object) -> float | None:
    """A cell as a number, or None when it is blank (None, NaN, NA) or not a number."""
    if _is_blank(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]  # numbers and numeric strings; others -> None below
    except (TypeError, ValueError):
        return None


def _amount(value: object) -> str:
    """An amount in 万元 with thousands separators; one decimal only where it matters (small amounts)."""
    number = _to_float(value)
    if number is None:
        return "—"
    if abs(number) >= 100 or number == round(number):
        return f"{number:,.0f}"
    return f"{number:,.1f}"


def _number(key: str, value: object) -> str:
    """A metric value formatted for its kind: share, count, plain number or amount in 万元."""
    number = _to_float(value)
    if number is None:
        return "—"
    if key in _SHARE_KEYS:
        return f"{number:.0%}"
    if key in _COUNT_KEYS:
        return f"{round(number):,}"
    if key in _PLAIN_KEYS:
        return f"{number:,.0f}"
    if key == "score":
        return f"{number:,.2f}"
    if key == "growth_pct":
        return f"{number:+.1f}"
    return _amount(number)


def _hover(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """A hover box: the title in bold, then a "name: value" line per row (just the value when unnamed)."""
    lines = [
        f"<b>{_esc(title)}</b>",
        *(f"{_esc(name)}: {_esc(value)}" if name else _esc(value) for name, value in rows),
    ]
    return "<br>".join(lines)


def _status_name(status: object, lang: str) -> str:
    return label(str(status), lang, STATUSES)


def _segment_rows(
    record: Mapping[str, object], lang: str, keys: Sequence[str] = _SEGMENT_HOVER
) -> list[tuple[str, str]]:
    """(name, formatted value) pairs of a segment's numbers for a hover, skipping absent columns."""
    rows = []
    for key in keys:
        if key not in record:
            continue
        value = record[key]
        if key == "status":
            rows.append((label(key, lang), _status_name(value, lang)))
        elif key == "category":
            rows.append((label(key, lang), "" if _is_blank(value) else str(value)))
        else:
            rows.append((label(key, lang), _number(key, value)))
    if record.get("reason") and "weak_share" in record:
        rows.append((label("reason", lang), segment_reason(record, "zh" if lang == "zh" else "en")))
    return rows


def category_colors(categories: Iterable[str]) -> dict[str, str]:
    """Category -> colour: the fixed colour of a known category, else the next extra colour in order of
    first appearance (so the same workbook always gets the same colours).

    >>> category_colors(["化工", "光伏", "碳素"])
    {'化工': '#0072B2', '光伏': '#882255', '碳素': '#332288'}
    """
    colors: dict[str, str] = {}
    extra = 0
    for category in categories:
        if category in colors:
            continue
        if category in CATEGORY_COLORS:
            colors[category] = CATEGORY_COLORS[category]
        else:
            colors[category] = _EXTRA_CATEGORY_COLORS[extra % len(_EXTRA_CATEGORY_COLORS)]
            extra += 1
    return colors


def _rgba(color: str, alpha: float) -> str:
    color = color.lstrip("#")
    red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


_AXIS = {"gridcolor": "#EBEBEB", "zerolinecolor": "#D9D9D9", "linecolor": "#D9D9D9"}

#: The house look as a small template: white ground, light grid, the legend pinned to the top of the figure
#: (not the plot, so it never covers subplot titles). Small on purpose: assigning plotly's named templates
#: costs about 0.1 s a figure.
_TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "xanchor": "left",
            "x": 0.0,
            "traceorder": "normal",
        },
    }
)


def _style(
    fig: go.Figure, *, legend: bool = True, height: int | None = None, top: int | None = None
) -> go.Figure:
    """The house look: Chinese-capable fonts, no title, compact margins, a horizontal legend on top."""
    layout: dict[str, object] = {
        "template": _TEMPLATE,
        # Fonts are set on the figure itself, not in the template, so a host theme that swaps templates
        # (Streamlit's) keeps fonts that render Chinese.
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#262626"},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}, "align": "left"},
        "margin": {"l": 10, "r": 10, "t": top if top is not None else 36 if legend else 10, "b": 10},
        "showlegend": legend,
    }
    if height is not None:
        layout["height"] = height
    fig.update_layout(layout)
    return fig


def _empty(lang: str, key: str = "no_data") -> go.Figure:
    """A blank figure that says why it is blank, instead of an empty axis box."""
    fig = go.Figure()
    fig.add_annotation(
        text=_word(key, lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": "#808080"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, legend=False, height=260)


def _legend_swatch(name: str, color: str, *, symbol: str = "square", group: str | None = None) -> go.Scatter:
    """A legend-only entry, for pictures (treemap) whose colours plotly does not put in a legend."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": symbol, "size": 12, "color": color},
        name=name,
        legendgroup=group,
        hoverinfo="skip",
        showlegend=True,
    )


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
        has_output = not _is_blank(record["output"]) and float(record["output"]) > 0
        (sized if has_output else unsized).append(record)
    if not sized:
        return _empty(lang, "no_output")

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
            (label("output", lang), _amount(total)),
            (_word("segment_count", lang), str(len(members) + len(hidden))),
        ]
        if hidden:
            names = "、".join(f"{r['segment']}({_status_name(r['status'], lang)})" for r in hidden)
            rows.append((_word("unsized_short", lang), names))
        ids.append(f"category:{category}")
        labels.append(_esc(category))
        parents.append("")
        # "remainder" mode: a category's own value is 0 and plotly sums its children, so float rounding can
        # never make a parent smaller than its children (which blanks a "total" treemap).
        values.append(0.0)
        colors.append("#F2F2F2")
        text_colors.append("#262626")
        texts.append(_amount(total))
        hovers.append(_hover(category, rows))
    for record in sized:
        ids.append(f"segment:{record['segment']}")
        labels.append(_esc(record["segment"]))
        parents.append(f"category:{record['category']}")
        values.append(float(record["output"]))
        colors.append(STATUS_COLORS.get(str(record["status"]), _UNKNOWN_COLOR))
        text_colors.append(_TEXT_ON_STATUS.get(str(record["status"]), "#262626"))
        texts.append(f"{_status_name(record['status'], lang)} · {_amount(record['output'])}")
        hovers.append(_hover(str(record["segment"]), _segment_rows(record, lang)))

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
    drawn = [s for s in _STATUS_ORDER if any(str(r["status"]) == s for r in sized)]
    for status in drawn:
        fig.add_trace(_legend_swatch(_status_name(status, lang), STATUS_COLORS[status]))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if not unsized:
        return _style(fig, legend=bool(drawn), height=460)
    # Every name, wrapped over as many lines as it takes: plotly does not wrap an annotation, and a
    # single line is cut at the figure's edge.
    lines = _wrap(
        f"{_word('unsized', lang)} ({len(unsized)}): ",
        [str(r["segment"]) for r in unsized],
        "、" if lang == "zh" else ", ",
    )
    note_px = _NOTE_LINE_PX * len(lines) + 8
    _style(fig, legend=bool(drawn), height=460 + note_px)
    fig.add_annotation(
        text="<br>".join(_esc(line) for line in lines),
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


#: Line height of a 12 px note, and the width of a line in "columns" (a CJK character counts two): about
#: 430 px, which fits the half-page column the overview gives its treemap.
_NOTE_LINE_PX = 17
_NOTE_COLUMNS = 66


def _columns(text: str) -> int:
    """Display width of ``text``: East Asian wide characters count two, the rest one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(head: str, items: Sequence[str], separator: str, columns: int = _NOTE_COLUMNS) -> list[str]:
    """``head`` and ``items`` joined by ``separator`` over lines of at most ``columns``, breaking only
    between items (an item longer than a line gets a line of its own).

    >>> _wrap("缺: ", ["甲乙", "丙丁", "戊己"], "、", columns=12)
    ['缺: 甲乙、', '丙丁、戊己']
    """
    lines: list[str] = []
    line = head
    for i, item in enumerate(items):
        piece = item + (separator if i < len(items) - 1 else "")
        if line.strip() and _columns(line + piece.rstrip()) > columns:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class _FlowClass:
    """One width class of edges: flows up to ``upper`` (inclusive) drawn ``width`` px wide."""

    upper: float
    width: float
    dash: str = "solid"


def _flow_classes(flows: Iterable[float]) -> list[_FlowClass]:
    """Width classes for edge values: one for zero (a template edge with no recorded trade), then up to
    three by terciles of the positive values, so a handful of traces draws any number of edges."""
    positive = np.array(sorted(v for v in flows if not _is_blank(v) and v > 0), dtype=float)
    classes = [_FlowClass(0.0, 1.0, "dot")]
    if positive.size == 0:
        return classes
    bounds = sorted({*np.quantile(positive, [1 / 3, 2 / 3]).tolist(), float(positive.max())})
    widths = _WIDTHS[-len(bounds) :]
    classes.extend(_FlowClass(bound, width) for bound, width in zip(bounds, widths, strict=True))
    return classes


def _flow_class(value: float, classes: Sequence[_FlowClass]) -> int:
    if _is_blank(value) or value <= 0:
        return 0
    for index, cls in enumerate(classes[1:], start=1):
        if value <= cls.upper:
            return index
    return len(classes) - 1


def _class_name(index: int, members: Sequence[float], lang: str) -> str:
    """A legend name saying the range of values actually drawn in the class."""
    if index == 0:
        return _word("no_trade", lang)
    low, high = min(members), max(members)
    span = _amount(low) if low == high else f"{_amount(low)}–{_amount(high)}"
    return f"{_word('trade', lang)} {span} {_word('unit', lang)}"


def _node_layers(graph: nx.DiGraph) -> dict[Hashable, int]:
    """The ``layer`` attribute of every node, or, when any node lacks one, layers computed from the graph
    (cycle members share a layer)."""
    given = dict(graph.nodes(data="layer"))
    if all(not _is_blank(layer) for layer in given.values()):
        return {node: int(layer) for node, layer in given.items()}  # type: ignore[arg-type]
    return template_layers(graph)


def _layered_positions(
    graph: nx.DiGraph, layer_of: Mapping[Hashable, int]
) -> dict[Hashable, tuple[float, float]]:
    """(x, y) per node: x = layer; y = rank within the layer, ordered by a few barycenter sweeps to reduce
    crossings. Starts from category then node order, sorts stably, so the result is deterministic."""
    index = {node: i for i, node in enumerate(graph)}
    category_rank: dict[object, int] = {}
    for _, category in graph.nodes(data="category", default=""):
        category_rank.setdefault(category, len(category_rank))
    by_layer: dict[int, list[Hashable]] = {}
    start = sorted(graph, key=lambda n: (category_rank[graph.nodes[n].get("category", "")], index[n]))
    for node in start:
        by_layer.setdefault(layer_of[node], []).append(node)
    order = sorted(by_layer)
    rank: dict[Hashable, float] = {}

    def place(layer: int) -> None:
        members = by_layer[layer]
        middle = (len(members) - 1) / 2
        for i, node in enumerate(members):
            rank[node] = i - middle

    for layer in order:
        place(layer)
    for sweep in range(_SWEEPS):
        downward = sweep % 2 == 0
        sequence = order if downward else order[::-1]
        for layer in sequence[1:]:

            def barycenter(
                node: Hashable, layer: int = layer, downward: bool = downward
            ) -> tuple[float, float]:
                near = [
                    rank[other]
                    for other in nx.all_neighbors(graph, node)
                    if (layer_of[other] < layer if downward else layer_of[other] > layer)
                ]
                return (sum(near) / len(near) if near else rank[node], rank[node])

            by_layer[layer].sort(key=barycenter)
            place(layer)
    # Rank 0 is the top of the layer on screen.
    return {node: (float(layer_of[node]), -rank[node]) for node in graph}


def _edge_path(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    """Points of an edge: a straight line between layers; a bowed curve within one layer (a cycle), so it
    does not run through the nodes between its ends."""
    (x0, y0), (x1, y1) = start, end
    if x0 != x1:
        return [start, end]
    # Downward edges bow right and upward ones left, so the two edges of a two-segment cycle stay apart.
    bow = (0.22 + 0.04 * min(abs(y1 - y0), 6)) * (1 if y1 <= y0 else -1)
    control = (x0 + bow, (y0 + y1) / 2)
    steps = 10
    return [
        (
            (1 - t) ** 2 * x0 + 2 * (1 - t) * t * control[0] + t**2 * x1,
            (1 - t) ** 2 * y0 + 2 * (1 - t) * t * control[1] + t**2 * y1,
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def _point_along(path: Sequence[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of a path's points (the paths are evenly parameterised)."""
    position = t * (len(path) - 1)
    i = min(int(position), len(path) - 2)
    f = position - i
    (x0, y0), (x1, y1) = path[i], path[i + 1]
    return (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)


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
) -> list[go.Scatter]:
    """Line traces (one per style and width class), arrowhead traces (one per style) and one invisible
    hover trace at the edge midpoints: a bounded number of traces whatever the number of edges."""
    groups: dict[tuple[str, int], _EdgeLayer] = {}
    arrows: dict[str, tuple[list[float | None], list[float | None], list[float]]] = {}
    hover_x: list[float] = []
    hover_y: list[float] = []
    for source, target, flow, style in edges:
        path = _edge_path(positions[source], positions[target])
        cls = _flow_class(flow, classes)
        group = groups.setdefault((style, cls), _EdgeLayer([], [], []))
        group.xs.extend([*(p[0] for p in path), None])
        group.ys.extend([*(p[1] for p in path), None])
        group.flows.append(flow)
        tail, head = (_point_along(path, t) for t in _ARROW_AT)
        arrow_x, arrow_y, arrow_size = arrows.setdefault(style, ([], [], []))
        # The arrow marker turns toward the point before it, so each head follows an invisible tail point.
        arrow_x.extend([tail[0], head[0]])
        arrow_y.extend([tail[1], head[1]])
        arrow_size.extend([0, 7 + classes[cls].width * 1.2])
        middle = _point_along(path, 0.5)
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
        return _empty(lang)
    layer_of = _node_layers(graph)
    muted: set[Hashable] = set()
    view: nx.DiGraph = graph
    if category is not None:
        core = [node for node, c in graph.nodes(data="category") if c == category]
        if not core:
            return _empty(lang)
        core_set = set(core)
        muted = {m for n in core for m in nx.all_neighbors(graph, n)} - core_set
        view = graph.subgraph(core_set | muted)
    positions = _layered_positions(view, layer_of)
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
        edges.append((source, target, 0.0 if _is_blank(flow) else float(flow), style))
        edge_hover.append(_hover(f"{source} → {target}", [(_word("trade_amount", lang), _amount(flow))]))
    # Selected edges are drawn last, on top of the rest.
    order = {"muted": 0, "normal": 1, "selected": 2}
    ranked = sorted(range(len(edges)), key=lambda i: order[edges[i][3]])
    fig = go.Figure()
    for trace in _edge_traces(
        [edges[i] for i in ranked], positions, classes, edge_colors, lang, [edge_hover[i] for i in ranked]
    ):
        fig.add_trace(trace)

    outputs = [v for _, v in graph.nodes(data="output", default=0.0) if not _is_blank(v)]
    largest = max([*outputs, 0.0])

    def size(output: object) -> float:
        number = _to_float(output)
        if number is None or largest <= 0 or number <= 0:
            return _NODE_MIN_PX
        return _NODE_MIN_PX + (_NODE_MAX_PX - _NODE_MIN_PX) * math.sqrt(number / largest)

    show_text = view.number_of_nodes() <= _MAX_NODE_LABELS
    groups: dict[str, list[Hashable]] = {}
    for node in view:
        status = str(view.nodes[node].get("status", ""))
        key = "muted" if node in muted else status if status in STATUS_COLORS else "unknown"
        groups.setdefault(key, []).append(node)
    for key in [*_STATUS_ORDER, "unknown", "muted"]:
        members = groups.get(key)
        if not members:
            continue
        hollow = key == "missing"
        color = {"unknown": _UNKNOWN_COLOR, "muted": MEASURE_COLORS["muted"]}.get(key) or STATUS_COLORS[key]
        name = _word("neighbours", lang) if key == "muted" else _status_name(key, lang)
        fig.add_trace(
            go.Scatter(
                x=[positions[n][0] for n in members],
                y=[positions[n][1] for n in members],
                mode="markers+text" if show_text else "markers",
                text=[_esc(n) for n in members] if show_text else None,
                textposition="top center",
                textfont={"size": 11, "color": "#8C8C8C" if key == "muted" else "#262626"},
                marker={
                    "size": [size(view.nodes[n].get("output")) for n in members],
                    "color": color,
                    "symbol": "circle-open" if hollow else "circle",
                    "line": {"width": 2.5 if hollow else 1, "color": color if hollow else "white"},
                    "opacity": 1.0,
                },
                name=name,
                hovertext=[_hover(str(n), _segment_rows(dict(view.nodes[n]), lang)) for n in members],
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
    tallest = max(Counter(layer_of[n] for n in view).values())
    fig.update_xaxes(
        range=[min(xs) - 0.5, max(xs) + 0.5],
        showgrid=False,
        zeroline=False,
        showticklabels=False,
        title={"text": _word("upstream_to_downstream", lang)},
    )
    fig.update_yaxes(range=[min(ys) - 1, max(ys) + 1], visible=False)
    # The y range spans tallest + 1 node rows: give each row _ROW_PX so names in a crowded layer do not
    # overlap the nodes above them.
    height = _MAP_TOP_PX + _MAP_BOTTOM_PX + _ROW_PX * (tallest + 1)
    fig = _style(fig, height=int(min(1800, max(420, height))), top=_MAP_TOP_PX)
    # The legend goes under the plot: plotly's mode bar sits top right, where it would cover the legend.
    # Up to eight entries (flow classes and statuses) can wrap to two rows: the bottom margin holds both.
    fig.update_layout(
        legend={"yref": "container", "y": 0.0, "yanchor": "bottom"},
        margin={"b": _MAP_BOTTOM_PX},
    )
    return fig


def _fold_regions(totals: pd.Series, top: int, other: str) -> dict[str, str]:
    """region -> shown region: the ``top`` largest keep their name, the rest fold into ``other``."""
    ranked = sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))
    return {region: (region if i < top else other) for i, (region, _) in enumerate(ranked)}


def flow_sankey(
    data: ChainData, segments: pd.DataFrame, lang: str = "zh", *, top_regions: int = 10
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
    data : the chain data (``links``: supplier_local, buyer_local, supplier_in_county, buyer_in_county,
        supplier_region, buyer_region, segment, value).
    segments : ``ChainReport.segments`` (segment, category: the order and the colours).
    lang : "zh" or "en".
    top_regions : regions kept by name on each side.
    """
    links = data.links
    value = pd.to_numeric(links["value"], errors="coerce").fillna(0.0).to_numpy()
    supplier_local = links["supplier_local"].to_numpy(dtype=bool)
    buyer_local = links["buyer_local"].to_numpy(dtype=bool)
    supplier_in_county = links["supplier_in_county"].to_numpy(dtype=bool)
    buyer_in_county = links["buyer_in_county"].to_numpy(dtype=bool)
    segment_of = links["segment"].astype("string").fillna("").to_numpy()
    unknown = _word("region_unknown", lang)
    other = _word("other_regions", lang)

    def regions(column: str) -> np.ndarray:
        text = links[column].astype("string").fillna("").str.strip()
        return text.mask(text == "", unknown).to_numpy()

    def totals(mask: np.ndarray, *keys: np.ndarray) -> pd.Series:
        frame = pd.DataFrame({f"k{i}": key[mask] for i, key in enumerate(keys)} | {"value": value[mask]})
        return frame.groupby([f"k{i}" for i in range(len(keys))], sort=False)["value"].sum()

    positive = value > 0
    # Local buyers' purchases: from local firms, from other local units, and from outside by supplier region.
    bought_locally = totals(positive & buyer_local & supplier_local, segment_of)
    bought_from_units = totals(positive & buyer_local & supplier_in_county & ~supplier_local, segment_of)
    bought_outside = totals(
        positive & buyer_local & ~supplier_in_county, regions("supplier_region"), segment_of
    )
    # Local firms' sales outside the county, by buyer region, and to other local units (final demand).
    exported = totals(positive & supplier_local & ~buyer_in_county, segment_of, regions("buyer_region"))
    sold_to_units = totals(positive & supplier_local & buyer_in_county & ~buyer_local, segment_of)
    if bought_outside.empty and exported.empty:
        return _empty(lang, "no_flows")
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

    def ranked(flows: Mapping[tuple[str, str], float], side: int) -> list[str]:
        sums: dict[str, float] = {}
        for key, amount in flows.items():
            sums[key[side]] = sums.get(key[side], 0.0) + amount
        return sorted(sums, key=lambda r: (r == other, -sums[r], r))

    def folded(fold: Mapping[str, str]) -> list[tuple[str, str]]:
        names = [str(r) for r, shown_as in fold.items() if shown_as == other]
        more = _word("etc", lang) if len(names) > 12 else ""
        return [(_word("includes", lang), "、".join(names[:12]) + more)] if names else []

    nodes: list[tuple[tuple[str, str], str, str, str]] = []  # (key, label, colour, hover)

    def party(key: tuple[str, str], word: str, color: str, rows: list[tuple[str, str]]) -> None:
        name = _word(word, lang)
        nodes.append((key, name, color, _hover(name, rows)))

    sales_total = float(local_sales.sum())
    units_supply_total = float(bought_from_units.sum())
    purchases_total = float(bought_locally.sum()) + units_supply_total + sum(inbound.values())
    units_demand_total = float(sold_to_units.sum())
    if sales_total > 0:
        trade = [(_word("trade_amount", lang), _amount(sales_total))]
        party(("local", "sales"), "local_sales", MEASURE_COLORS["local"], trade)
    if units_supply_total > 0:
        trade = [(label("local_supply", lang), _amount(units_supply_total))]
        party(("units", "sales"), "local_units_sales", MEASURE_COLORS["local_unit"], trade)
    for region in ranked(inbound, 0):
        amount = sum(v for (r, _), v in inbound.items() if r == region)
        rows = [(label("leakage", lang), _amount(amount)), *(folded(fold_in) if region == other else [])]
        nodes.append((("in", region), region, MEASURE_COLORS["region"], _hover(region, rows)))
    for segment in shown:
        from_outside = sum(v for (_, s), v in inbound.items() if s == segment)
        to_outside = sum(v for (s, _), v in outbound.items() if s == segment)
        locally = float(bought_locally.get(segment, 0.0)) + float(bought_from_units.get(segment, 0.0))
        rows = [
            (label("category", lang), category_of.get(segment, "")),
            (label("demand", lang), _amount(locally + from_outside)),
            (label("local_supply", lang), _amount(locally)),
            (label("leakage", lang), _amount(from_outside)),
            (label("exports", lang), _amount(to_outside)),
        ]
        final = float(sold_to_units.get(segment, 0.0))
        if final > 0:
            rows.append((label("local_final_demand", lang), _amount(final)))
        nodes.append((("segment", segment), segment, color_of(segment), _hover(segment, rows)))
    if purchases_total > 0:
        trade = [(_word("trade_amount", lang), _amount(purchases_total))]
        party(("local", "purchases"), "local_purchases", MEASURE_COLORS["local"], trade)
    if units_demand_total > 0:
        trade = [(label("local_final_demand", lang), _amount(units_demand_total))]
        party(("units", "purchases"), "local_units", MEASURE_COLORS["local_unit"], trade)
    for region in ranked(outbound, 1):
        amount = sum(v for (_, r), v in outbound.items() if r == region)
        rows = [(label("exports", lang), _amount(amount)), *(folded(fold_out) if region == other else [])]
        nodes.append((("out", region), region, MEASURE_COLORS["region"], _hover(region, rows)))
    index = {key: i for i, (key, *_) in enumerate(nodes)}

    flows: list[tuple[tuple[str, str], tuple[str, str], float, str, str]] = []
    for segment, amount in local_sales.items():
        flows.append((("local", "sales"), ("segment", segment), float(amount), segment, "local_sales"))
    for segment, amount in bought_from_units.items():
        flows.append((("units", "sales"), ("segment", segment), float(amount), segment, "local_units_sales"))
    for (region, segment), amount in inbound.items():
        flows.append((("in", region), ("segment", segment), amount, segment, "leakage"))
    for segment in shown:
        # Local buyers' whole demand for the segment, wherever they bought it.
        demand = (
            float(bought_locally.get(segment, 0.0))
            + float(bought_from_units.get(segment, 0.0))
            + sum(v for (_, s), v in inbound.items() if s == segment)
        )
        if demand > 0:
            flows.append((("segment", segment), ("local", "purchases"), demand, segment, "demand"))
    for segment, amount in sold_to_units.items():
        flows.append(
            (("segment", segment), ("units", "purchases"), float(amount), segment, "local_final_demand")
        )
    for (segment, region), amount in outbound.items():
        flows.append((("segment", segment), ("out", region), amount, segment, "exports"))

    def flow_hover(source: tuple[str, str], target: tuple[str, str], amount: float, key: str) -> str:
        title = f"{nodes[index[source]][1]} → {nodes[index[target]][1]}"
        name = _word(key, lang) if key in _WORDS else label(key, lang)
        return _hover(title, [(name, _amount(amount))])

    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=f" {_word('unit', lang)}",
            node={
                "label": [_esc(name) for _, name, _, _ in nodes],
                "color": [color for *_, color, _ in nodes],
                "pad": 10,
                "thickness": 16,
                "line": {"width": 0},
                "customdata": [hover for *_, hover in nodes],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={
                "source": [index[f[0]] for f in flows],
                "target": [index[f[1]] for f in flows],
                "value": [f[2] for f in flows],
                "color": [_rgba(color_of(f[3]), 0.35) for f in flows],
                "customdata": [flow_hover(f[0], f[1], f[2], f[4]) for f in flows],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    for category, color in colors.items():
        fig.add_trace(_legend_swatch(_esc(category) or "—", color))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    columns = (
        sum(1 for key, *_ in nodes if key[0] == "in") + 1,
        len(shown),
        sum(1 for key, *_ in nodes if key[0] == "out") + 1,
    )
    return _style(fig, height=int(min(1400, max(400, 80 + 30 * max(columns)))))


def _bar_height(rows: int) -> int:
    return int(max(220, 80 + 28 * rows))


def _bar_hover(frame: pd.DataFrame, lang: str, keys: Sequence[str]) -> list[str]:
    return [
        _hover(str(record["segment"]), _segment_rows(record, lang, keys))
        for record in frame.to_dict("records")
    ]


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
        return _empty(lang)
    keys = [
        k
        for k in ("category", "status", "demand", "local_supply", "leakage", "local_share", "local_buyers")
        if k in chosen
    ]
    hover = _bar_hover(chosen, lang, keys)
    names = [_esc(s) for s in chosen["segment"]]
    fig = go.Figure()
    for key in ("leakage", "local_supply"):
        fig.add_trace(
            go.Bar(
                y=names,
                x=_numeric(chosen, key).tolist(),
                orientation="h",
                name=label(key, lang),
                marker={"color": MEASURE_COLORS[key]},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title={"text": label("demand", lang)}, tickformat=",", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _style(fig, height=_bar_height(len(chosen)))


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
        return _empty(lang)
    keys = [
        k
        for k in ("category", "status", "firms", "exports", "local_final_demand", "downstream_gap")
        if k in chosen
    ]
    hover = _bar_hover(chosen, lang, keys)
    names = [_esc(s) for s in chosen["segment"]]
    fig = go.Figure()
    for key in ("exports", "downstream_gap"):
        fig.add_trace(
            go.Bar(
                y=names,
                x=_numeric(chosen, key).tolist(),
                orientation="h",
                name=label(key, lang),
                marker={"color": MEASURE_COLORS[key]},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title={"text": _word("unit", lang)}, tickformat=",", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _style(fig, height=_bar_height(len(chosen)) + 12 * len(chosen))


def _ego_columns(graph: nx.DiGraph, firm: Hashable) -> dict[Hashable, tuple[int, Hashable, float]]:
    """node -> (column, parent, weight of the edge to its parent), breadth-first from the firm. Direct
    suppliers go to column -1 and direct customers to +1 (a partner that is both counts as a supplier);
    a partner of a partner goes one column further out on its parent's side, so the column's distance from
    the centre is the number of links to the firm and the arrows tell the direction."""
    placed: dict[Hashable, tuple[int, Hashable, float]] = {firm: (0, firm, 0.0)}
    frontier = [firm]
    while frontier:
        following = []
        for node in frontier:
            column = placed[node][0]
            partners = [
                (other, -1, graph.edges[other, node]) for other in sorted(graph.predecessors(node), key=str)
            ]
            partners += [
                (other, 1, graph.edges[node, other]) for other in sorted(graph.successors(node), key=str)
            ]
            for other, side, edge in partners:
                if other in placed:
                    continue
                outward = side if column == 0 else (1 if column > 0 else -1)
                weight = edge.get("weight", 0.0)
                placed[other] = (column + outward, node, 0.0 if _is_blank(weight) else float(weight))
                following.append(other)
        frontier = following
    return placed


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
        return _empty(lang)
    placed = _ego_columns(graph, firm)
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
        edges.append((source, target, 0.0 if _is_blank(weight) else float(weight), style))
        rows = [(label("value", lang), _amount(weight))]
        for party in (source, target):
            attrs = graph.nodes[party]
            if not attrs.get("local", False) and attrs.get("region"):
                rows.append((f"{label('region', lang)}({party})", str(attrs["region"])))
        edge_hover.append(_hover(f"{source} → {target}", rows))
    fig = go.Figure()
    edge_colors = {"normal": "rgba(150,150,150,0.55)", "selected": "rgba(80,80,80,0.8)"}
    for trace in _edge_traces(edges, positions, classes, edge_colors, lang, edge_hover):
        fig.add_trace(trace)

    def kind_of(node: Hashable) -> str:
        attrs = graph.nodes[node]
        if attrs.get("local", False):
            return "local"
        return "local_unit" if attrs.get("in_county", False) else "external"

    def node_hover(node: Hashable) -> str:
        attrs = graph.nodes[node]
        rows = [
            ("", _word(kind_of(node), lang)),
            (label("region", lang), str(attrs.get("region", "") or "—")),
            (label("segment", lang), str(attrs.get("segment", "") or "—")),
        ]
        if node != firm:
            if graph.has_edge(node, firm):
                rows.append((_word("sells_to_firm", lang), _amount(graph.edges[node, firm].get("weight"))))
            if graph.has_edge(firm, node):
                rows.append((_word("buys_from_firm", lang), _amount(graph.edges[firm, node].get("weight"))))
        return _hover(str(node), rows)

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
                text=[_esc(n) for n in members],
                textposition=[
                    "middle left"
                    if positions[n][0] < 0
                    else "middle right"
                    if positions[n][0] > 0
                    else "bottom center"
                    for n in members
                ],
                textfont={"size": 12},
                marker={
                    "size": 15,
                    "symbol": symbol,
                    "color": MEASURE_COLORS[kind],
                    "line": {"width": 1, "color": "white"},
                },
                name=_word(kind, lang),
                hovertext=[node_hover(n) for n in members],
                customdata=[str(n) for n in members],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers+text",
            text=[f"<b>{_esc(firm)}</b>"],
            textposition="top center",
            textfont={"size": 14},
            marker={"size": 26, "symbol": "star", "color": MEASURE_COLORS["focus"]},
            name=_word("this_firm", lang),
            hovertext=[node_hover(firm)],
            customdata=[str(firm)],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    present = sorted({int(x) for x, _ in positions.values()})
    ticks = []
    for column in present:
        if column == 0:
            ticks.append("")
        elif column == -1:
            ticks.append(f"← {_word('suppliers', lang)}")
        elif column == 1:
            ticks.append(f"{_word('customers', lang)} →")
        else:
            ticks.append(_word("links_away", lang).format(k=abs(column)))
    ys = [p[1] for p in positions.values()]
    # Names are written beside the nodes, so the outer columns need room for them.
    fig.update_xaxes(
        tickvals=present,
        ticktext=ticks,
        range=[min(present) - 1.1, max(present) + 1.1],
        showgrid=False,
        zeroline=False,
        side="top",
    )
    fig.update_yaxes(range=[min(ys) - 1, max(ys) + 1], visible=False)
    tallest = max([len(m) for m in columns.values()] or [1])
    fig = _style(fig, height=int(min(1400, max(340, 110 + 40 * tallest))))
    fig.update_layout(legend={"yref": "paper", "y": -0.02, "yanchor": "top"}, margin={"t": 36, "b": 40})
    return fig


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
        return _empty(lang)
    whole = _word("whole_chain", lang)
    status_rows = changes[changes["metric"] == "status"]
    status_note = {
        str(segment): f"{_status_name(before, lang)} → {_status_name(after, lang)}"
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
        return _empty(lang)
    metrics = list(dict.fromkeys(numeric["metric"]))
    width = min(3, len(metrics))
    height = math.ceil(len(metrics) / width)
    fig = make_subplots(
        rows=height,
        cols=width,
        subplot_titles=[label(m, lang) for m in metrics],
        horizontal_spacing=0.08,
        vertical_spacing=min(0.18, 0.5 / height),
    )

    def segment_name(segment: object) -> str:
        name = whole if _is_blank(segment) or str(segment) == "" else _esc(segment)
        note = status_note.get(str(segment))
        return f"{name}<br>({_esc(note)})" if note else name

    for i, metric in enumerate(metrics):
        rows = numeric[numeric["metric"] == metric]
        names = [segment_name(s) for s in rows["segment"]]
        titles = [whole if _is_blank(s) or str(s) == "" else str(s) for s in rows["segment"]]
        for key in ("before", "after"):
            values = rows[key].tolist()
            hover = [
                _hover(
                    title,
                    [
                        ("", label(metric, lang)),
                        (_word("before", lang), _number(metric, b)),
                        (_word("after", lang), _number(metric, a)),
                        *(
                            [(_word("status_change", lang), status_note[str(s)])]
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
                    y=values,
                    name=_word(key, lang),
                    legendgroup=key,
                    showlegend=i == 0,
                    marker={"color": MEASURE_COLORS[key]},
                    text=[_number(metric, v) for v in values],
                    textposition="outside",
                    cliponaxis=False,
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                ),
                row=i // width + 1,
                col=i % width + 1,
            )
        axis_format = ".0%" if metric in _SHARE_KEYS else ","
        largest = max([abs(v) for v in [*rows["before"], *rows["after"]] if not _is_blank(v)] or [0])
        # Counts are whole numbers: no 0.5-firm gridlines.
        step = 1 if metric in _COUNT_KEYS and largest <= 8 else None
        fig.update_yaxes(
            tickformat=axis_format, dtick=step, rangemode="tozero", row=i // width + 1, col=i % width + 1
        )
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_annotations(font={"size": 13})
    return _style(fig, height=int(60 + 250 * height), top=72)


def completeness_gauge(value: float, lang: str = "zh", *, title_key: str) -> go.Figure:
    """A share between 0 and 1 (such as the chain's completeness) as a half-dial gauge with the percentage
    in its middle and the name of the share under it; an empty value (e.g. no local demand) shows "—".

    Parameters
    ----------
    value : the share, 0..1 (clipped); None or NaN when undefined.
    title_key : the :mod:`chain.labels` key naming the share (e.g. ``completeness_segments``).
    """
    blank = _is_blank(value)
    shown = None if blank else min(max(float(value), 0.0), 1.0)
    fig = go.Figure(
        go.Indicator(
            # Without a value plotly prints a bare "-"; the gauge alone plus our own "—" reads better.
            mode="gauge" if blank else "gauge+number",
            value=shown,
            number={"valueformat": ".0%", "font": {"size": 34}},
            title={"text": _esc(label(title_key, lang)), "font": {"size": 14}},
            gauge={
                "shape": "angular",
                "axis": {"range": [0, 1], "tickformat": ".0%", "tickvals": [0, 0.25, 0.5, 0.75, 1]},
                "bar": {"color": MEASURE_COLORS["local_supply"], "thickness": 0.6},
                "bgcolor": "#EEEEEE",
                "borderwidth": 0,
            },
        )
    )
    if blank:
        fig.add_annotation(
            text="—",
            x=0.5,
            y=0.08,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 34, "color": "#808080"},
        )
    fig = _style(fig, legend=False, height=250)
    fig.update_layout(margin={"l": 30, "r": 30, "t": 60, "b": 24})
    return fig


def category_bar(segments: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """The chain by category at a glance: left, how many segments each category has, stacked by status
    (strong / weak / missing); right, the category's output stacked the same way. Missing segments have no
    output by definition, which is why both panels are needed: only the left one shows them.

    Parameters
    ----------
    segments : ``ChainReport.segments`` (segment, category, status, output).
    """
    if segments.empty:
        return _empty(lang)
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
        lambda s: "、".join(map(str, s))
    )
    names = [_esc(c) for c in categories]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[_word("segment_count", lang), label("output", lang)],
    )
    statuses = [s for s in _STATUS_ORDER if s in set(frame["status"])] + sorted(
        set(frame["status"]) - set(_STATUS_ORDER)
    )
    for status in statuses:
        color = STATUS_COLORS.get(status, _UNKNOWN_COLOR)
        name = _status_name(status, lang)
        count = [int(counts.get((c, status), 0)) for c in categories]
        output = [float(outputs.get((c, status), 0.0)) for c in categories]
        hover = [
            _hover(
                f"{c} · {name}",
                [
                    (_word("segment_count", lang), f"{n:,}"),
                    (label("output", lang), _amount(o)),
                    (label("segment", lang), members.get((c, status), "")),
                ],
            )
            for c, n, o in zip(categories, count, output, strict=True)
        ]
        for col, values in ((1, count), (2, output)):
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
    fig.update_xaxes(tickformat=",", rangemode="tozero")
    fig.update_xaxes(dtick=1 if frame.groupby("category").size().max() <= 10 else None, row=1, col=1)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_annotations(font={"size": 13})
    return _style(fig, height=_bar_height(len(categories)) + 40, top=72)

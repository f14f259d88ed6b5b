"""The house look of every figure: colours (statuses, categories, measures), fonts, the figure template,
the empty picture and legend swatches."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from chain.charts.text import chart_word

__all__ = [
    "CATEGORY_COLORS",
    "FONT_FAMILY",
    "MEASURE_COLORS",
    "STATUS_COLORS",
    "STATUS_ORDER",
    "TEXT_ON_STATUS",
    "UNKNOWN_COLOR",
    "category_colors",
    "empty_figure",
    "legend_swatch",
    "rgba",
    "style_figure",
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


UNKNOWN_COLOR = "#BDBDBD"


#: Text colour that stays readable on each status colour (dark on amber, white on the darker two).
TEXT_ON_STATUS: dict[str, str] = {"strong": "white", "weak": "#262626", "missing": "white"}


STATUS_ORDER = ("strong", "weak", "missing")


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


def rgba(color: str, alpha: float) -> str:
    """A ``#RRGGBB`` colour with transparency, for bands that must not hide what lies under them."""
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


def style_figure(
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


def empty_figure(lang: str, key: str = "no_data") -> go.Figure:
    """A blank figure that says why it is blank, instead of an empty axis box."""
    fig = go.Figure()
    fig.add_annotation(
        text=chart_word(key, lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": "#808080"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style_figure(fig, legend=False, height=260)


def legend_swatch(name: str, color: str) -> go.Scatter:
    """A legend-only entry, for pictures (treemap) whose colours plotly does not put in a legend."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 12, "color": color},
        name=name,
        hoverinfo="skip",
        showlegend=True,
    )

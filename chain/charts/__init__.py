"""Plotly figure builders for the chain dashboard: prepared frames and graphs in, ``go.Figure`` out.

The package splits what a figure looks like (:mod:`~chain.charts.theme`), what it writes
(:mod:`~chain.charts.text`: words, escaping, hover formats) and where nodes go (:mod:`~chain.charts.layout`)
from the builders (:mod:`~chain.charts.networks`, :mod:`~chain.charts.flows`, :mod:`~chain.charts.flow_map`,
:mod:`~chain.charts.segments`, :mod:`~chain.charts.what_if`, :mod:`~chain.charts.trend`,
:mod:`~chain.charts.pipeline`). Builders compute nothing a view could need elsewhere: totals and flows come
from :mod:`chain.views` or the report.
"""

from chain.charts.flow_map import flow_map
from chain.charts.flows import flow_sankey
from chain.charts.networks import chain_map, firm_network
from chain.charts.pipeline import pipeline_funnel
from chain.charts.segments import category_bar, exports_bar, leakage_bar, output_treemap
from chain.charts.theme import CATEGORY_COLORS, STATUS_COLORS, category_colors
from chain.charts.trend import completeness_trend
from chain.charts.what_if import what_if_bars

__all__ = [
    "CATEGORY_COLORS",
    "STATUS_COLORS",
    "category_bar",
    "category_colors",
    "chain_map",
    "completeness_trend",
    "exports_bar",
    "firm_network",
    "flow_map",
    "flow_sankey",
    "leakage_bar",
    "output_treemap",
    "pipeline_funnel",
    "what_if_bars",
]

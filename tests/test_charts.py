"""Figure builders of chain/charts on small hand-built frames and graphs: traces, order, labels, escaping."""

from __future__ import annotations

import json
import math
import random

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import pytest

from chain import charts, render
from chain.charts import networks
from chain.charts import segments as segment_charts
from chain.model import ChainData
from chain.views import market_flows

#: Four segments, computed by hand from tests/factory.py's TINY chain (with 电极's output made 12,345 to see
#: the thousands separator): 包装 has no local firm, so no output.
SEGMENTS = pd.DataFrame(
    {
        "segment": ["原料", "煅烧", "电极", "包装"],
        "category": ["碳素", "碳素", "碳素", "精细轻纺"],
        "stage": ["upstream", "midstream", "downstream", "upstream"],
        "layer": [0, 1, 2, 0],
        "status": ["weak", "strong", "weak", "missing"],
        "reason": ["few_firms_low_share", "strong_share", "few_firms_no_demand", "no_firm_bought_outside"],
        "weak_share": [0.5, 0.5, 0.5, 0.5],
        "firms": [1, 2, 1, 0],
        "output": [100.0, 500.0, 12345.0, 0.0],
        "demand": [100.0, 150.0, 0.0, 10.0],
        "local_supply": [40.0, 100.0, 0.0, 0.0],
        "leakage": [60.0, 50.0, 0.0, 10.0],
        "local_share": [0.4, 100 / 150, math.nan, 0.0],
        "exports": [0.0, 0.0, 400.0, 0.0],
        "downstream_gap": [0.0, 0.0, 0.0, 0.0],
        "local_buyers": [1, 1, 0, 1],
    }
)


def _links(rows: list[tuple[str, str, str, str, str, float, bool, bool, bool, bool]]) -> pd.DataFrame:
    """links frame from (supplier, buyer, segment, supplier_region, buyer_region, value, s_local, b_local,
    s_in_county, b_in_county)."""
    columns = ["supplier", "buyer", "segment", "supplier_region", "buyer_region", "value"]
    frame = pd.DataFrame([row[:6] for row in rows], columns=columns)
    frame["supplier_local"] = [row[6] for row in rows]
    frame["buyer_local"] = [row[7] for row in rows]
    frame["supplier_in_county"] = [row[8] for row in rows]
    frame["buyer_in_county"] = [row[9] for row in rows]
    frame["buyer_segment"] = ""
    frame["product"] = frame["segment"]
    return frame


LINKS = _links(
    [
        ("甲矿业", "乙碳素", "原料", "", "", 40.0, True, True, True, True),
        ("外地矿", "乙碳素", "原料", "陕西西安", "", 60.0, False, True, False, True),
        ("乙碳素", "丁电极", "煅烧", "", "", 100.0, True, True, True, True),
        ("外地煅烧厂", "丁电极", "煅烧", "江苏南通", "", 50.0, False, True, False, True),
        ("丁电极", "外地钢厂", "电极", "", "河北唐山", 400.0, True, False, True, False),
        ("外地纸箱厂", "丁电极", "包装", "湖北十堰", "", 10.0, False, True, False, True),
    ]
)

#: LINKS plus parties in the county that are not in 企业 (tests/factory.py TINY_COUNTY, 县名 测试县).
COUNTY_LINKS = pd.concat(
    [
        LINKS,
        _links(
            [
                ("城关镇废料站", "乙碳素", "原料", "测试县", "", 25.0, False, True, True, True),
                ("县煅烧作坊", "丁电极", "煅烧", "陕西省测试县", "", 15.0, False, True, True, True),
                ("乙碳素", "县医院", "煅烧", "", "测试县", 30.0, True, False, True, True),
                ("丁电极", "XX县人民医院", "电极", "", "陕西省测试县", 12.0, True, False, True, True),
                ("丙碳素", "外地铝厂", "煅烧", "", "河南郑州", 20.0, True, False, True, False),
            ]
        ),
    ],
    ignore_index=True,
)


def _data(links: pd.DataFrame = LINKS) -> ChainData:
    empty = pd.DataFrame()
    return ChainData(enterprises=empty, links=links, template=empty, projects=empty, demands=empty)


def _segment_graph(segments: pd.DataFrame = SEGMENTS) -> nx.DiGraph:
    """The graph chain.graph.segment_graph makes for SEGMENTS, built by hand."""
    graph = nx.DiGraph()
    for record in segments.to_dict("records"):
        graph.add_node(
            record["segment"],
            **{key: record[key] for key in ("status", "output", "firms", "category", "layer", "leakage")},
        )
    graph.add_edge("原料", "煅烧", flow=40.0)
    graph.add_edge("煅烧", "电极", flow=100.0)
    graph.add_edge("包装", "电极", flow=0.0)
    return graph


def _node_positions(fig: go.Figure) -> dict[str, tuple[float, float]]:
    """segment -> (x, y) from the node traces (those whose points carry the segment in customdata)."""
    found = {}
    for trace in fig.data:
        if trace.customdata is not None and trace.mode and "markers" in trace.mode:
            for name, x, y in zip(trace.customdata, trace.x, trace.y, strict=True):
                found[str(name)] = (x, y)
    return found


def _line_traces(fig: go.Figure) -> list[go.Scatter]:
    return [t for t in fig.data if isinstance(t, go.Scatter) and t.mode == "lines"]


def _texts(fig: go.Figure) -> str:
    """Everything a person can read in a figure, as one string."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False)


# output_treemap


def test_treemap_has_a_rectangle_per_segment_with_output_and_per_category():
    fig = charts.output_treemap(SEGMENTS)
    treemap = fig.data[0]
    assert isinstance(treemap, go.Treemap)
    assert list(treemap.ids) == ["category:碳素", "segment:原料", "segment:煅烧", "segment:电极"]
    assert list(treemap.parents) == ["", "category:碳素", "category:碳素", "category:碳素"]
    assert list(treemap.values)[1:] == [100.0, 500.0, 12345.0]
    assert list(treemap.marker.colors)[1:] == [
        charts.STATUS_COLORS["weak"],
        charts.STATUS_COLORS["strong"],
        charts.STATUS_COLORS["weak"],
    ]


def test_treemap_names_the_segments_it_cannot_size():
    fig = charts.output_treemap(SEGMENTS)
    note = fig.layout.annotations[0].text
    assert "包装" in note and "(1)" in note
    assert "12,345" in fig.data[0].hovertext[3]  # thousands separator
    assert "产值: 12,345 万元" in fig.data[0].hovertext[3]  # named by the catalogue, written by the renderer
    # The treemap writes its unit: a segment's output, and a category's total in 亿元 from 1 亿元 on.
    assert "弱链 · 1.23 亿元" in fig.data[0].text and "强链 · 500 万元" in fig.data[0].text
    english = charts.output_treemap(SEGMENTS, "en").data[0]
    assert "weak · 123.5 m yuan" in english.text and "Output: 123.5 m yuan" in english.hovertext[3]
    # The reason is worded from its code and the numbers it quotes.
    assert "只有1家本地企业，无本地需求" in fig.data[0].hovertext[3]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_treemap_note_names_every_segment_without_output_over_several_lines(lang):
    names = [f"无产值环节{i}号" for i in range(14)]
    unsized = pd.DataFrame(
        {"segment": names, "category": "碳素", "status": "missing", "output": 0.0, "firms": 0}
    )
    segments = pd.concat([SEGMENTS, unsized], ignore_index=True)
    fig = charts.output_treemap(segments, lang)
    note = fig.layout.annotations[0].text
    assert all(name in note for name in [*names, "包装"])
    lines = note.split("<br>")
    assert len(lines) > 1
    assert max(render.text_width(line) for line in lines) <= segment_charts._NOTE_COLUMNS
    # The figure grows by the note, so the picture keeps its size.
    assert fig.layout.height > charts.output_treemap(SEGMENTS, lang).layout.height


def test_treemap_legend_names_only_drawn_statuses():
    fig = charts.output_treemap(SEGMENTS, "en")
    assert [t.name for t in fig.data[1:]] == ["strong", "weak"]


def test_treemap_without_any_output_says_so():
    fig = charts.output_treemap(SEGMENTS.assign(output=0.0))
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "暂无产值数据"


# chain_map


def test_chain_map_x_follows_layers_and_upstream_is_left():
    positions = _node_positions(charts.chain_map(_segment_graph()))
    assert {name: x for name, (x, _) in positions.items()} == {"原料": 0, "煅烧": 1, "电极": 2, "包装": 0}


def test_chain_map_puts_a_cycle_on_one_layer_when_layers_are_not_given():
    graph = nx.DiGraph([("原料", "沥青"), ("沥青", "煤焦油"), ("煤焦油", "沥青"), ("沥青", "电极")])
    nx.set_node_attributes(graph, "strong", "status")
    nx.set_node_attributes(graph, 1.0, "output")
    positions = _node_positions(charts.chain_map(graph))
    assert positions["沥青"][0] == positions["煤焦油"][0] == 1
    assert positions["原料"][0] == 0 and positions["电极"][0] == 2


def test_chain_map_barycenter_uncrosses_two_edges():
    # Node order would draw A->D and B->C crossing; the sweep puts D beside A.
    graph = nx.DiGraph()
    for name, layer in [("A", 0), ("B", 0), ("C", 1), ("D", 1)]:
        graph.add_node(name, layer=layer, status="strong", output=1.0, firms=1, category="x")
    graph.add_edge("A", "D", flow=1.0)
    graph.add_edge("B", "C", flow=1.0)
    positions = _node_positions(charts.chain_map(graph))
    assert (positions["A"][1] > positions["B"][1]) == (positions["D"][1] > positions["C"][1])


def test_chain_map_is_deterministic():
    graph = _random_chain(80, seed=3)
    first = charts.chain_map(graph).to_json()
    assert charts.chain_map(graph).to_json() == first


def test_chain_map_of_one_category_keeps_the_graphs_node_order():
    # Hash order of a node set differs between processes (PYTHONHASHSEED), so a map drawn in the graph's
    # order is the same picture on every server start.
    # networkx iterates a subgraph view by its node set when that is under half the graph: a line of 60
    # segments in ten categories draws one category's 6 and their 12 neighbours.
    graph = nx.DiGraph()
    for i in range(60):
        graph.add_node(f"环节{i}", status="weak", output=10.0, firms=1, category=f"类别{i % 10}", layer=i)
    nx.add_path(graph, list(graph), flow=1.0)
    fig = charts.chain_map(graph, category="类别1")
    nodes = [t for t in fig.data if t.customdata is not None]
    assert len({n for t in nodes for n in t.customdata}) == 18
    for trace in nodes:
        drawn = list(trace.customdata)
        assert drawn == [n for n in graph if n in set(drawn)]


def test_chain_map_buckets_edges_into_width_classes():
    graph = nx.DiGraph()
    for i in range(7):
        graph.add_node(f"s{i}", layer=i, status="strong", output=1.0, firms=2, category="x")
    for i, flow in enumerate([0.0, 10.0, 20.0, 30.0, 40.0, 1000.0]):
        graph.add_edge(f"s{i}", f"s{i + 1}", flow=flow)
    lines = _line_traces(charts.chain_map(graph))
    widths = sorted(t.line.width for t in lines)
    assert len(lines) == 4  # no trade + three terciles
    assert widths[0] == 1.0 and widths[-1] == max(widths)
    dotted = [t for t in lines if t.line.dash == "dot"]
    assert len(dotted) == 1 and dotted[0].name == "无交易记录"
    # Each edge is its own polyline, separated by None.
    assert sum(list(t.x).count(None) for t in lines) == 6


def test_chain_map_category_filter_keeps_neighbours_greyed():
    fig = charts.chain_map(_segment_graph(), category="精细轻纺")
    positions = _node_positions(fig)
    assert set(positions) == {"包装", "电极"}
    muted = next(t for t in fig.data if t.name == "相邻环节(其他类别)")
    assert list(muted.customdata) == ["电极"]


def test_chain_map_height_grows_with_the_tallest_layer_and_the_legend_sits_below():
    def tall(count: int) -> nx.DiGraph:
        graph = nx.DiGraph()
        for i in range(count):
            graph.add_node(f"s{i}", layer=0, status="strong", output=1.0, firms=1, category="x")
        return graph

    small, large = charts.chain_map(tall(2)).layout, charts.chain_map(tall(12)).layout
    assert small.height == 420
    # Each node row of the tallest layer gets the same room, whatever the count.
    assert large.height - charts.chain_map(tall(11)).layout.height == networks._ROW_PX
    # Below the plot, away from plotly's mode bar (top right).
    assert large.legend.yanchor == "bottom" and large.legend.y == 0


def test_chain_map_unknown_category_is_an_empty_picture():
    fig = charts.chain_map(_segment_graph(), category="光伏")
    assert len(fig.data) == 0 and fig.layout.annotations[0].text == "暂无数据"


def test_chain_map_highlights_the_selected_segment_and_its_edges():
    plain = charts.chain_map(_segment_graph())
    chosen = charts.chain_map(_segment_graph(), selected="煅烧")
    assert len(chosen.data) > len(plain.data)
    ring = [t for t in chosen.data if t.marker.symbol == "circle-open" and t.hoverinfo == "skip"]
    assert len(ring) == 1 and (ring[0].x[0], ring[0].y[0]) == _node_positions(chosen)["煅烧"]
    dark = [t for t in _line_traces(chosen) if t.line.color == "rgba(20,20,20,0.95)"]
    assert sum(list(t.x).count(None) for t in dark) == 2  # 原料->煅烧, 煅烧->电极


def test_chain_map_hover_shows_numbers_with_units():
    fig = charts.chain_map(_segment_graph())
    hovers = [h for t in fig.data if t.customdata is not None for h in t.hovertext]
    electrode = next(h for h in hovers if h.startswith("<b>电极</b>"))
    assert "产值: 12,345 万元" in electrode and "状态: 弱链" in electrode
    english = charts.chain_map(_segment_graph(), "en")
    assert {t.name for t in english.data if t.customdata is not None} == {"strong", "weak", "missing"}


def _random_chain(count: int, seed: int) -> nx.DiGraph:
    """A layered random chain of ``count`` segments with a few cycles, like segment_graph makes."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    for i in range(count):
        graph.add_node(
            f"环节{i}",
            status=rng.choice(["strong", "weak", "missing"]),
            output=rng.choice([0.0, 10.0, 500.0, 20000.0]),
            firms=rng.randint(0, 5),
            category=f"类别{i % 6}",
        )
    names = list(graph)
    for i in range(1, count):
        for source in rng.sample(names[:i], k=min(i, rng.randint(1, 3))):
            graph.add_edge(source, names[i], flow=rng.choice([0.0, 50.0, 800.0, 12000.0]))
    for _ in range(count // 50):
        a, b = rng.sample(names, 2)
        graph.add_edge(a, b, flow=1.0)
        graph.add_edge(b, a, flow=1.0)
    return graph


@pytest.mark.parametrize("selected", [None, "环节250"])
def test_chain_map_of_500_segments_has_few_traces(selected):
    graph = _random_chain(500, seed=1)
    fig = charts.chain_map(graph, selected=selected)
    assert len(fig.data) <= 20
    assert len(_node_positions(fig)) == 500
    fig.to_json()


# flow_sankey


def test_sankey_nodes_are_regions_local_firms_and_segments():
    sankey = charts.flow_sankey(market_flows(_data()), SEGMENTS).data[0]
    labels = list(sankey.node.label)
    assert {"陕西西安", "江苏南通", "湖北十堰", "河北唐山", "原料", "煅烧", "电极", "包装"} <= set(labels)
    assert {"本县企业销售", "本县企业采购"} <= set(labels)
    assert "其他地区" not in labels


def test_sankey_each_segment_balances_inflow_and_outflow():
    sankey = charts.flow_sankey(market_flows(_data()), SEGMENTS).data[0]
    labels = list(sankey.node.label)
    for segment in ["原料", "煅烧", "电极", "包装"]:
        node = labels.index(segment)
        inflow = sum(v for t, v in zip(sankey.link.target, sankey.link.value, strict=True) if t == node)
        outflow = sum(v for s, v in zip(sankey.link.source, sankey.link.value, strict=True) if s == node)
        assert inflow == pytest.approx(outflow)
    raw = labels.index("原料")
    into_raw = {
        labels[s]: v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
        if t == raw
    }
    assert into_raw == {"本县企业销售": 40.0, "陕西西安": 60.0}


def _flows(sankey: go.Sankey) -> dict[tuple[str, str], float]:
    labels = list(sankey.node.label)
    return {
        (labels[s], labels[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }


def test_sankey_shows_the_county_as_other_local_units_never_as_an_outside_market():
    sankey = charts.flow_sankey(market_flows(_data(COUNTY_LINKS)), SEGMENTS).data[0]
    labels = list(sankey.node.label)
    assert labels == [
        "本县企业销售",
        "本县其他单位供货",
        "陕西西安",
        "江苏南通",
        "湖北十堰",
        "原料",
        "煅烧",
        "电极",
        "包装",
        "本县企业采购",
        "本县其他单位",
        "河北唐山",
        "河南郑州",
    ]
    assert not {"测试县", "陕西省测试县"} & set(labels)
    # Local firms sell 40 + 100 to each other, 400 + 20 outside and 30 + 12 to other local units.
    assert _flows(sankey) == {
        ("本县企业销售", "原料"): 40.0,
        ("本县企业销售", "煅烧"): 100.0 + 30.0 + 20.0,
        ("本县企业销售", "电极"): 400.0 + 12.0,
        ("本县其他单位供货", "原料"): 25.0,
        ("本县其他单位供货", "煅烧"): 15.0,
        ("陕西西安", "原料"): 60.0,
        ("江苏南通", "煅烧"): 50.0,
        ("湖北十堰", "包装"): 10.0,
        ("原料", "本县企业采购"): 40.0 + 60.0 + 25.0,
        ("煅烧", "本县企业采购"): 100.0 + 50.0 + 15.0,
        ("包装", "本县企业采购"): 10.0,
        ("煅烧", "本县其他单位"): 30.0,
        ("电极", "本县其他单位"): 12.0,
        ("电极", "河北唐山"): 400.0,
        ("煅烧", "河南郑州"): 20.0,
    }
    for segment in ["原料", "煅烧", "电极", "包装"]:
        inflow = sum(v for (_, t), v in _flows(sankey).items() if t == segment)
        outflow = sum(v for (s, _), v in _flows(sankey).items() if s == segment)
        assert inflow == pytest.approx(outflow)
    hover = sankey.node.customdata[labels.index("煅烧")]
    assert "本地供给: 115 万元" in hover and "外销额: 20 万元" in hover
    assert "本地最终需求: 30 万元" in hover
    english = list(charts.flow_sankey(market_flows(_data(COUNTY_LINKS)), SEGMENTS, "en").data[0].node.label)
    assert {"other local units", "other local units' supplies"} <= set(english)


@pytest.mark.parametrize(("lang", "other"), [("zh", "其他地区"), ("en", "other regions")])
def test_sankey_folds_regions_beyond_the_top(lang, other):
    sankey = charts.flow_sankey(market_flows(_data()), SEGMENTS, lang, top_regions=1).data[0]
    labels = list(sankey.node.label)
    # Supplier side: 陕西西安 (60) is kept, 江苏南通 and 湖北十堰 fold; the buyer side has one region only.
    assert "陕西西安" in labels and "江苏南通" not in labels and "湖北十堰" not in labels
    assert labels.count(other) == 1
    folded = sankey.node.customdata[labels.index(other)]
    assert "江苏南通" in folded and "湖北十堰" in folded


def test_sankey_colours_segments_by_category_and_says_when_there_is_nothing():
    sankey = charts.flow_sankey(market_flows(_data()), SEGMENTS).data[0]
    labels = list(sankey.node.label)
    assert sankey.node.color[labels.index("包装")] == charts.CATEGORY_COLORS["精细轻纺"]
    local_only = _data(LINKS[LINKS["supplier_local"] & LINKS["buyer_local"]])
    assert (
        charts.flow_sankey(market_flows(local_only), SEGMENTS).layout.annotations[0].text
        == "暂无与外地的交易记录"
    )


# bars


def test_leakage_bar_sorted_largest_first_and_stacked_to_demand():
    fig = charts.leakage_bar(SEGMENTS)
    leakage, local = fig.data
    assert list(leakage.y) == ["原料", "煅烧", "包装"]  # 60, 50, 10; 电极 has none
    assert list(leakage.x) == [60.0, 50.0, 10.0] and list(local.x) == [40.0, 100.0, 0.0]
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.autorange == "reversed"
    assert [leakage.name, local.name] == ["外购额", "本地供给"]
    assert fig.layout.xaxis.title.text == "本地需求(万元)" and fig.layout.xaxis.tickformat == ",.1~f"
    assert charts.leakage_bar(SEGMENTS, top=2).data[0].y == ("原料", "煅烧")


def test_bars_of_100000s_of_wan_yuan_are_drawn_in_yi_yuan():
    # Issue #18: an axis of 100,000–300,000 万元 reads better as 10–30 亿元; hovers keep the exact amount.
    large = SEGMENTS.assign(
        leakage=SEGMENTS["leakage"] * 5_000, local_supply=SEGMENTS["local_supply"] * 5_000
    )
    fig = charts.leakage_bar(large)
    assert fig.layout.xaxis.title.text == "本地需求(亿元)"
    assert list(fig.data[0].x) == [30.0, 25.0, 5.0]  # 300,000, 250,000 and 50,000 万元
    assert "外购额: 300,000 万元" in fig.data[0].hovertext[0]
    english = charts.leakage_bar(large, "en")
    assert english.layout.xaxis.title.text == "Local demand (bn yuan)" and english.data[0].x[0] == 3.0
    category = charts.category_bar(large.assign(output=SEGMENTS["output"] * 10))
    assert category.layout.annotations[1].text == "产值(亿元)"


def test_exports_bar_draws_the_gap_over_the_exports_on_each_segments_own_line():
    segments = SEGMENTS.assign(downstream_gap=[0.0, 0.0, 0.0, 700.0])
    fig = charts.exports_bar(segments, "en")
    exports, gap = fig.data
    assert list(exports.y) == ["包装", "电极"]
    # English counts in m yuan from 100 万元 on, as the hovers do: 400 万元 = 4 m yuan.
    assert list(exports.x) == [0.0, 4.0] and list(gap.x) == [7.0, 0.0]
    # Overlaid, the gap narrower: a grouped pair keeps an empty slot for the measure a segment lacks.
    assert fig.layout.barmode == "overlay" and gap.width < exports.width
    assert exports.name == "Exports" and fig.layout.xaxis.title.text == "m yuan"


def test_exports_bar_names_local_final_demand_in_the_hover_only():
    # Sales to other local units stay in the county: no bar of their own, a hover line.
    segments = SEGMENTS.assign(local_final_demand=[0.0, 30.0, 12.0, 0.0])
    fig = charts.exports_bar(segments)
    assert [trace.name for trace in fig.data] == ["外销额", "外流待加工额"]
    assert list(fig.data[0].y) == ["电极"]  # 煅烧 sells only to other local units: not an export
    assert "本地最终需求: 12 万元" in fig.data[0].hovertext[0]


def test_bars_without_anything_to_show_say_so():
    quiet = SEGMENTS.assign(leakage=0.0, exports=0.0, downstream_gap=0.0)
    assert charts.leakage_bar(quiet, "en").layout.annotations[0].text == "no data"
    assert charts.exports_bar(quiet).layout.annotations[0].text == "暂无数据"


def test_category_bar_counts_segments_and_sums_output_by_status():
    fig = charts.category_bar(SEGMENTS)
    by_name = {(t.name, t.xaxis): t for t in fig.data}
    assert list(by_name[("弱链", "x")].x) == [2, 0]  # 碳素, 精细轻纺
    assert list(by_name[("缺链", "x")].x) == [0, 1]
    assert list(by_name[("弱链", "x2")].x) == [12445.0, 0.0]
    assert list(by_name[("强链", "x2")].y) == ["碳素", "精细轻纺"]
    assert sum(t.showlegend for t in fig.data) == 3


# firm_network


def _ego() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("丁电极", local=True, in_county=True, region="涧池镇", segment="电极")
    graph.add_node("乙碳素", local=True, in_county=True, region="城关镇", segment="煅烧")
    graph.add_node("外地煅烧厂", local=False, in_county=False, region="江苏南通", segment="煅烧")
    graph.add_node("外地钢厂", local=False, in_county=False, region="河北唐山", segment="电极")
    graph.add_edge("乙碳素", "丁电极", weight=100.0)
    graph.add_edge("外地煅烧厂", "丁电极", weight=50.0)
    graph.add_edge("丁电极", "外地钢厂", weight=4000.0)
    return graph


def test_firm_network_puts_suppliers_left_and_customers_right():
    fig = charts.firm_network(_ego(), "丁电极")
    positions = _node_positions(fig)
    assert {name: x for name, (x, _) in positions.items()} == {
        "丁电极": 0,
        "乙碳素": -1,
        "外地煅烧厂": -1,
        "外地钢厂": 1,
    }
    # The bigger supplier is on top.
    assert positions["乙碳素"][1] > positions["外地煅烧厂"][1]
    kinds = {t.name: list(t.customdata) for t in fig.data if t.customdata is not None}
    assert kinds == {"本县企业": ["乙碳素"], "外地企业": ["外地煅烧厂", "外地钢厂"], "本企业": ["丁电极"]}


def test_firm_network_hover_has_value_and_region():
    fig = charts.firm_network(_ego(), "丁电极", "en")
    hovers = [h for t in fig.data if t.hovertext is not None for h in t.hovertext]
    buyer = next(h for h in hovers if h.startswith("<b>外地钢厂</b>"))
    assert "Region: 河北唐山" in buyer and "buys from this firm: 40.0 m yuan" in buyer
    edge = next(h for h in hovers if h.startswith("<b>丁电极 → 外地钢厂</b>"))
    assert "Annual value: 40.0 m yuan" in edge and "河北唐山" in edge


def test_firm_network_draws_parties_in_the_county_as_other_local_units():
    ego = _ego()
    ego.add_node("县医院", local=False, in_county=True, region="测试县", segment="")
    ego.add_edge("丁电极", "县医院", weight=12.0)
    fig = charts.firm_network(ego, "丁电极")
    kinds = {t.name: list(t.customdata) for t in fig.data if t.customdata is not None}
    assert kinds["本县其他单位"] == ["县医院"]
    assert kinds["外地企业"] == ["外地煅烧厂", "外地钢厂"]
    english = {t.name for t in charts.firm_network(ego, "丁电极", "en").data}
    assert "other local unit" in english


def test_firm_network_of_an_unknown_firm_is_an_empty_picture():
    assert len(charts.firm_network(_ego(), "无此企业").data) == 0


# what_if_bars


CHANGES = pd.DataFrame(
    {
        "segment": ["包装", "包装", "包装", ""],
        "metric": ["status", "leakage", "local_share", "completeness_segments"],
        "before": ["missing", 10.0, 0.0, 0.75],
        "after": ["weak", 0.0, 1.0, 1.0],
        "delta": [math.nan, -10.0, 1.0, 0.25],
    }
)


def test_what_if_bars_panel_per_metric_with_before_and_after():
    fig = charts.what_if_bars(CHANGES)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["外购额(万元)", "本地配套率", "环节完整度"]
    assert len(fig.data) == 6
    assert [t.name for t in fig.data[:2]] == ["现状", "项目投产后"]
    assert list(fig.data[0].y) == [10.0] and list(fig.data[1].y) == [0.0]
    assert fig.data[0].x[0] == "包装<br>(缺链 → 弱链)"
    assert fig.data[4].x[0] == "全链"
    assert fig.layout.yaxis2.tickformat == ".1~%"  # the catalogue's share format, trailing zeros trimmed
    assert fig.data[2].text == ("0.0%",) and fig.data[3].text == ("100.0%",)


def test_what_if_bars_in_english_and_empty():
    fig = charts.what_if_bars(CHANGES, "en")
    assert fig.data[0].x[0] == "包装<br>(missing → weak)" and fig.data[4].x[0] == "whole chain"
    assert charts.what_if_bars(CHANGES.iloc[0:0]).layout.annotations[0].text == "暂无数据"


# every builder


def _all_figures(lang: str) -> dict[str, go.Figure]:
    return {
        "treemap": charts.output_treemap(SEGMENTS, lang),
        "map": charts.chain_map(_segment_graph(), lang, selected="煅烧"),
        "sankey": charts.flow_sankey(market_flows(_data()), SEGMENTS, lang),
        "leakage": charts.leakage_bar(SEGMENTS, lang),
        "exports": charts.exports_bar(SEGMENTS, lang),
        "firm": charts.firm_network(_ego(), "丁电极", lang),
        "what_if": charts.what_if_bars(CHANGES, lang),
        "category": charts.category_bar(SEGMENTS, lang),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_serialises_uses_chinese_fonts_and_has_no_title(lang):
    for name, fig in _all_figures(lang).items():
        assert isinstance(fig, go.Figure), name
        json.loads(fig.to_json())
        assert "Microsoft YaHei" in fig.layout.font.family, name
        assert not fig.layout.title.text, name


def test_english_figures_carry_no_chinese_chrome():
    # Data (segment, region, category names) stays as typed; labels and statuses switch language.
    chrome = ["万元", "强链", "弱链", "缺链", "外购额", "本地供给", "现状", "全链", "环节数", "本县企业"]
    for name, fig in _all_figures("en").items():
        text = _texts(fig)
        assert not [word for word in chrome if word in text], name
    chinese = _texts(_all_figures("zh")["leakage"])
    assert "外购额: 60 万元" in chinese and "本地需求(万元)" in chinese


def test_builders_do_not_change_their_inputs():
    segments, links, changes = SEGMENTS.copy(), LINKS.copy(), CHANGES.copy()
    graph, ego = _segment_graph(), _ego()
    before = (nx.node_link_data(graph, edges="links"), nx.node_link_data(ego, edges="links"))
    _all_figures("zh")
    charts.chain_map(graph, category="碳素", selected="电极")
    charts.firm_network(ego, "丁电极")
    pd.testing.assert_frame_equal(SEGMENTS, segments)
    pd.testing.assert_frame_equal(LINKS, links)
    pd.testing.assert_frame_equal(CHANGES, changes)
    assert (nx.node_link_data(graph, edges="links"), nx.node_link_data(ego, edges="links")) == before


def test_names_with_markup_are_shown_as_typed():
    segments = SEGMENTS.assign(segment=["<b>原料</b>", "煅烧", "电极&碳", "包装"])
    fig = charts.leakage_bar(segments)
    assert fig.data[0].y[0] == "&lt;b&gt;原料&lt;/b&gt;"
    assert "电极&amp;碳" in charts.output_treemap(segments).data[0].labels


def test_category_colors_are_fixed_for_known_categories_and_stable_for_others():
    colors = charts.category_colors(["光伏", "碳素", "锂电", "光伏"])
    assert colors["碳素"] == charts.CATEGORY_COLORS["碳素"]
    assert colors["光伏"] != colors["锂电"]
    assert charts.category_colors(["光伏", "碳素", "锂电"]) == colors
    assert not set(colors.values()) & set(charts.STATUS_COLORS.values())
    # No known category is a neutral grey (grey reads as "no data"): its channels are not all about equal.
    for color in charts.CATEGORY_COLORS.values():
        red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        assert max(red, green, blue) - min(red, green, blue) > 20, color

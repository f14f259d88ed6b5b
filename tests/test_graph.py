"""Template, segment and firm graphs: edges, layers, cycles and flows on TINY and small variants."""

from __future__ import annotations

import networkx as nx
import pytest

from chain.gaps import analyze
from chain.graph import cycles, firm_graph, layers, segment_graph, template_graph
from tests.factory import TINY_COUNTY
from tests.test_gaps import chain_data

HEADER = ["环节", "材料类别", "链位", "上游环节", "说明"]


def test_template_graph_of_tiny():
    graph = template_graph(chain_data().template)
    assert list(graph) == ["原料", "煅烧", "电极", "包装"]
    assert set(graph.edges) == {("原料", "煅烧"), ("煅烧", "电极"), ("包装", "电极")}
    assert graph.nodes["包装"] == {"category": "精细轻纺", "stage": "upstream"}


def test_layers_of_a_dag_start_at_the_sources():
    graph = template_graph(chain_data().template)
    assert layers(graph) == {"原料": 0, "煅烧": 1, "电极": 2, "包装": 0}
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("edges", "expected_cycles", "expected_layers"),
    [
        # 煅烧 <-> 电极 share a layer after 原料
        ([("原料", "煅烧"), ("煅烧", "电极"), ("电极", "煅烧")], [["煅烧", "电极"]], [0, 1, 1]),
        # a three-segment loop fed by nothing is one layer 0
        ([("原料", "煅烧"), ("煅烧", "电极"), ("电极", "原料")], [["原料", "煅烧", "电极"]], [0, 0, 0]),
    ],
)
def test_cycles_share_one_layer(edges, expected_cycles, expected_layers):
    graph = nx.DiGraph()
    graph.add_nodes_from(["原料", "煅烧", "电极"])
    graph.add_edges_from(edges)
    assert cycles(graph) == expected_cycles
    assert list(layers(graph).values()) == expected_layers


def test_two_cycles_come_in_node_order():
    graph = nx.DiGraph([("d", "c"), ("c", "d"), ("a", "b"), ("b", "a"), ("b", "c")])
    assert cycles(graph) == [["d", "c"], ["a", "b"]]
    assert layers(graph) == {"d": 1, "c": 1, "a": 0, "b": 0}


def test_template_with_a_cycle_loads_and_lays_out():
    template = [
        HEADER,
        ["原料", "碳素", "上游", "", ""],
        ["煅烧", "碳素", "中游", "原料、电极", ""],
        ["电极", "碳素", "下游", "煅烧、包装", ""],
        ["包装", "精细轻纺", "上游", "", ""],
    ]
    graph = template_graph(chain_data(**{"产业链图谱": template}).template)
    assert cycles(graph) == [["煅烧", "电极"]]
    assert layers(graph) == {"原料": 0, "煅烧": 1, "电极": 1, "包装": 0}


def test_segment_graph_carries_status_and_flows():
    data = chain_data()
    graph = segment_graph(data, analyze(data))
    assert graph.nodes["包装"]["status"] == "missing"
    assert graph.nodes["煅烧"]["firms"] == 2
    assert graph.nodes["电极"]["layer"] == 2
    # flow input -> segment: links of the input's products bought by the segment's local firms
    assert graph.edges["原料", "煅烧"]["flow"] == pytest.approx(40 + 60)
    assert graph.edges["煅烧", "电极"]["flow"] == pytest.approx(100 + 50)
    assert graph.edges["包装", "电极"]["flow"] == pytest.approx(10)


def test_firm_graph_depth_one():
    graph = firm_graph(chain_data(), "丁电极")
    assert set(graph) == {"丁电极", "乙碳素", "外地煅烧厂", "外地钢厂", "外地纸箱厂"}
    assert graph.edges["乙碳素", "丁电极"]["weight"] == pytest.approx(100)
    assert graph.edges["丁电极", "外地钢厂"]["weight"] == pytest.approx(400)
    assert graph.nodes["丁电极"] == {"local": True, "in_county": True, "region": "涧池镇", "segment": "电极"}
    assert graph.nodes["外地煅烧厂"] == {
        "local": False,
        "in_county": False,
        "region": "江苏南通",
        "segment": "煅烧",
    }
    assert graph.nodes["外地钢厂"] == {
        "local": False,
        "in_county": False,
        "region": "河北唐山",
        "segment": "",
    }


def test_firm_graph_tells_parties_in_the_county_from_outside_ones():
    # TINY_COUNTY: 县煅烧作坊 (陕西省测试县) sells to 丁电极, which sells to XX县人民医院 (陕西省测试县); neither
    # is in 企业, both are in the county.
    graph = firm_graph(chain_data(**{"供需关系": TINY_COUNTY["供需关系"]}), "丁电极")
    assert graph.nodes["县煅烧作坊"] == {
        "local": False,
        "in_county": True,
        "region": "陕西省测试县",
        "segment": "煅烧",
    }
    assert graph.nodes["XX县人民医院"]["in_county"] is True
    assert graph.nodes["外地钢厂"]["in_county"] is False
    assert graph.edges["丁电极", "XX县人民医院"]["weight"] == pytest.approx(12)


def test_firm_graph_depth_two_and_zero():
    data = chain_data()
    graph = firm_graph(data, "丁电极", depth=2)
    assert {"甲矿业", "外地矿"} <= set(graph)
    assert graph.edges["外地矿", "乙碳素"]["weight"] == pytest.approx(60)
    assert list(firm_graph(data, "丁电极", depth=0)) == ["丁电极"]


def test_firm_graph_refuses_an_unknown_firm():
    with pytest.raises(ValueError, match="unknown firm"):
        firm_graph(chain_data(), "无此企业")

"""Graphs of the chain: template segments (input -> segment), their layers and cycles, and firm ego networks."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from chain.frames import group_sums
from chain.model import ChainData, ChainReport

__all__ = ["cycles", "firm_graph", "layers", "segment_graph", "template_graph"]


def template_graph(template: pd.DataFrame) -> nx.DiGraph:
    """The *template graph* has one node per chain segment and an edge input -> segment for each input.

    Parameters
    ----------
    template : the ``template`` frame of :class:`~chain.model.ChainData` (segment, category, stage, inputs).

    Returns
    -------
    A new DiGraph, nodes in sheet order with attributes ``category`` and ``stage``. Inputs that are not
    segments of the sheet and self-loops are left out (the loader reports both).

    >>> template = pd.DataFrame({"segment": ["原料", "煅烧"], "category": ["碳素", "碳素"],
    ...                          "stage": ["upstream", "midstream"], "inputs": [(), ("原料",)]})
    >>> list(template_graph(template).edges)
    [('原料', '煅烧')]
    """
    graph = nx.DiGraph()
    for segment, category, stage in zip(
        template["segment"], template["category"], template["stage"], strict=True
    ):
        graph.add_node(segment, category=category, stage=stage)
    for segment, inputs in zip(template["segment"], template["inputs"], strict=True):
        for source in inputs:
            if source != segment and source in graph:
                graph.add_edge(source, segment)
    return graph


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """A *cycle* of the chain is a group of segments that all feed each other (a strongly connected
    component of more than one segment).

    Returns
    -------
    The cycles, each listing its segments in node order, ordered by their first segment's position.

    >>> cycles(nx.DiGraph([("煤焦油", "沥青"), ("沥青", "煤焦油"), ("沥青", "电极")]))
    [['煤焦油', '沥青']]
    """
    position = {node: index for index, node in enumerate(graph)}
    found = [
        sorted(component, key=position.__getitem__)
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1
    ]
    return sorted(found, key=lambda members: position[members[0]])


def layers(graph: nx.DiGraph) -> dict[str, int]:
    """A segment's *layer* is its topological generation once each cycle is collapsed to one node:
    segments without inputs are layer 0, and segments of one cycle share a layer.

    Returns
    -------
    segment -> layer, in node order.

    >>> layers(nx.DiGraph([("原料", "煅烧"), ("煅烧", "电极"), ("电极", "煅烧")]))
    {'原料': 0, '煅烧': 1, '电极': 1}
    """
    condensed = nx.condensation(graph)
    layer_of_component: dict[int, int] = {}
    for generation, components in enumerate(nx.topological_generations(condensed)):
        for component in components:
            layer_of_component[component] = generation
    mapping = condensed.graph["mapping"]
    return {node: layer_of_component[mapping[node]] for node in graph}


def segment_graph(data: ChainData, report: ChainReport) -> nx.DiGraph:
    """The *segment graph* is the template graph carrying the analysis: each segment's status, output,
    firms, category and layer, and on each edge input -> segment the ``flow``: the value of links whose
    product is in the input segment and whose buyer is a local firm of the segment.

    Returns
    -------
    A new DiGraph; ``data`` and ``report`` are not changed.
    """
    graph = template_graph(data.template)
    attributes = report.segments.set_index("segment")[["status", "output", "firms", "category", "layer"]]
    nx.set_node_attributes(graph, attributes.to_dict("index"))
    links = data.links[data.links["buyer_local"].to_numpy(dtype=bool)]
    buyer_segment = data.enterprises.drop_duplicates("name").set_index("name")["segment"]
    flows = group_sums(
        links.assign(buyer_segment=links["buyer"].map(buyer_segment)), ["segment", "buyer_segment"], ["value"]
    ).set_index(["segment", "buyer_segment"])["value"]
    for u, v in graph.edges:
        graph.edges[u, v]["flow"] = float(flows.get((u, v), 0.0))
    return graph


def firm_graph(data: ChainData, firm: str, depth: int = 1) -> nx.DiGraph:
    """A firm's *ego network*: the parties within ``depth`` supply links of it (either direction), with an
    edge supplier -> buyer weighted by the summed value of their links.

    Parameters
    ----------
    data : the chain data.
    firm : a party named in the links (a local enterprise or an external company).
    depth : how many links away to reach; 1 = direct suppliers and buyers.

    Returns
    -------
    A new DiGraph; nodes carry ``local`` (bool: named in 企业), ``in_county`` (bool: a local firm, or a
    local-unlisted party whose region is the county itself — a construction site, a hospital — which is
    no outside company), ``region`` (the town of a local firm, the region of another party) and
    ``segment`` (a local firm's segment; for another party the buyer segment given for it, else the
    segment of what it sells).

    Raises
    ------
    ValueError : when the firm is in neither the enterprises nor the links, or depth is negative.
    """
    links = data.links
    enterprises = data.enterprises
    is_local = bool((enterprises["name"] == firm).any())
    if not is_local and not ((links["supplier"] == firm).any() or (links["buyer"] == firm).any()):
        raise ValueError(f"unknown firm: {firm!r} is neither an enterprise nor a party of any link")
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    reached = {firm}
    frontier = {firm}
    for _ in range(depth):
        touching = links[links["supplier"].isin(frontier) | links["buyer"].isin(frontier)]
        frontier = (set(touching["supplier"]) | set(touching["buyer"])) - reached
        if not frontier:
            break
        reached |= frontier
    inside = links[links["supplier"].isin(reached) & links["buyer"].isin(reached)]
    weights = inside.groupby(["supplier", "buyer"], sort=True)["value"].sum()

    graph = nx.DiGraph()
    local_firms = enterprises[enterprises["name"].isin(reached)].set_index("name")
    for name in sorted(reached):
        if name in local_firms.index:
            record = local_firms.loc[name]
            graph.add_node(
                name, local=True, in_county=True, region=str(record["town"]), segment=str(record["segment"])
            )
        else:
            graph.add_node(name, local=False, **_external_party(inside, name))
    for (supplier, buyer), value in weights.items():
        graph.add_edge(supplier, buyer, weight=float(value))
    return graph


def _external_party(links: pd.DataFrame, name: str) -> dict[str, object]:
    """Whether a party not in 企业 is in the county, its region and segment, from the links that name it."""
    as_supplier = links[links["supplier"] == name]
    as_buyer = links[links["buyer"] == name]
    in_county = bool(as_supplier["supplier_in_county"].any() or as_buyer["buyer_in_county"].any())
    regions = [*as_supplier["supplier_region"], *as_buyer["buyer_region"]]
    region = next((region for region in regions if region), "")
    buyer_segments = [segment for segment in as_buyer["buyer_segment"] if segment]
    if buyer_segments:
        segment = buyer_segments[0]
    elif len(as_supplier):
        segment = str(as_supplier.groupby("segment")["value"].sum().idxmax())
    else:
        segment = ""
    return {"in_county": in_county, "region": region, "segment": segment}

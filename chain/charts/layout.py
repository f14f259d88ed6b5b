"""Where nodes go: the layered left-to-right layout of the chain map (layers, barycenter sweeps), edge
paths between and within layers, and the column layout of a firm's ego network."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import networkx as nx

from chain.charts.text import is_blank
from chain.graph import layers as template_layers

__all__ = ["edge_path", "ego_columns", "layered_positions", "node_layers", "point_along"]


# Chain map geometry (data units: one layer apart on x, one node apart on y; marker sizes in px).
_SWEEPS = 4


def node_layers(graph: nx.DiGraph) -> dict[Hashable, int]:
    """The ``layer`` attribute of every node, or, when any node lacks one, layers computed from the graph
    (cycle members share a layer)."""
    given = dict(graph.nodes(data="layer"))
    if all(not is_blank(layer) for layer in given.values()):
        return {node: int(layer) for node, layer in given.items()}  # type: ignore[arg-type]
    return template_layers(graph)


def layered_positions(
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


def edge_path(
    start: tuple[float, float],
    end: tuple[float, float],
    avoid: tuple[float, float] | None = None,
    bend: float = 0.0,
) -> list[tuple[float, float]]:
    """Points of an edge: a straight line between layers; a bowed curve within one layer (a cycle), so it
    does not run through the nodes between its ends; and a curve around ``avoid`` (a firm at the centre of
    its network) when the straight line would pass within half a row of it. ``bend`` bows a line to its
    left by that much at its middle: the two edges of a pair that trade both ways then both show (within
    one layer the cycle bow already keeps them apart).

    >>> edge_path((-1.0, 0.0), (1.0, 1.0))
    [(-1.0, 0.0), (1.0, 1.0)]
    >>> path = edge_path((-1.0, 0.0), (1.0, 0.0), avoid=(0.0, 0.0)); path[5]
    (0.0, -0.7)
    >>> edge_path((0.0, 0.0), (2.0, 0.0), bend=0.1)[5], edge_path((2.0, 0.0), (0.0, 0.0), bend=0.1)[5]
    ((1.0, 0.1), (1.0, -0.1))
    """
    (x0, y0), (x1, y1) = start, end
    if bend and x0 != x1:
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        # Twice the bend at the control point puts the curve's middle ``bend`` off the straight line.
        normal = (-(y1 - y0) / length, (x1 - x0) / length)
        middle = ((x0 + x1) / 2, (y0 + y1) / 2)
        return _quadratic(start, (middle[0] + 2 * bend * normal[0], middle[1] + 2 * bend * normal[1]), end)
    if avoid is not None and x0 != x1 and avoid not in (start, end):
        ax, ay = avoid
        t = (ax - x0) / (x1 - x0)
        if 0 < t < 1:
            passing = y0 + t * (y1 - y0)
            if abs(passing - ay) < 0.5:
                # Bow away from the firm, on the side the line already leans to (below when level).
                side = 1.0 if passing > ay else -1.0
                control = (ax, 2 * (ay + side * 0.7) - (y0 + y1) / 2)
                return _quadratic(start, control, end)
    if x0 != x1:
        return [start, end]
    # Downward edges bow right and upward ones left, so the two edges of a two-segment cycle stay apart.
    bow = (0.22 + 0.04 * min(abs(y1 - y0), 6)) * (1 if y1 <= y0 else -1)
    return _quadratic(start, (x0 + bow, (y0 + y1) / 2), end)


def _quadratic(
    start: tuple[float, float], control: tuple[float, float], end: tuple[float, float]
) -> list[tuple[float, float]]:
    """Eleven points along the quadratic Bézier curve from ``start`` to ``end`` through ``control``."""
    (x0, y0), (x1, y1) = start, end
    steps = 10
    return [
        (
            (1 - t) ** 2 * x0 + 2 * (1 - t) * t * control[0] + t**2 * x1,
            (1 - t) ** 2 * y0 + 2 * (1 - t) * t * control[1] + t**2 * y1,
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def point_along(path: Sequence[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of a path's points (the paths are evenly parameterised)."""
    position = t * (len(path) - 1)
    i = min(int(position), len(path) - 2)
    f = position - i
    (x0, y0), (x1, y1) = path[i], path[i + 1]
    return (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)


def ego_columns(graph: nx.DiGraph, firm: Hashable) -> dict[Hashable, tuple[int, Hashable, float]]:
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
                placed[other] = (column + outward, node, 0.0 if is_blank(weight) else float(weight))
                following.append(other)
        frontier = following
    return placed

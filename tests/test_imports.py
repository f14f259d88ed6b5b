"""How the modules of chain/ import each other: no cycle, and no module borrows another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

CHAIN = Path(__file__).resolve().parent.parent / "chain"


def _imports() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """module -> [(imported chain module, names taken from it)], from every import statement, at the top
    or inside a function (a deferred import still ties the modules together)."""
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for path in sorted(CHAIN.glob("*.py")):
        module = path.stem
        edges = found.setdefault(module, [])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "chain":
                edges.extend((alias.name, ()) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chain."):
                edges.append((node.module.removeprefix("chain."), tuple(a.name for a in node.names)))
            elif isinstance(node, ast.Import):
                edges.extend(
                    (alias.name.removeprefix("chain."), ())
                    for alias in node.names
                    if alias.name.startswith("chain.")
                )
    return found


def test_the_parser_sees_the_imports() -> None:
    imports = _imports()
    assert ("model", ("ChainData", "ChainReport", "Completeness", "WhatIf")) in imports["gaps"]
    assert any(target == "reasons" for target, _ in imports["render"])


def test_no_import_cycle_in_chain() -> None:
    graph = nx.DiGraph(
        (module, target)
        for module, edges in _imports().items()
        for target, _ in edges
        if target != module and (CHAIN / f"{target}.py").exists()
    )
    assert list(nx.simple_cycles(graph)) == []


def test_no_module_imports_another_modules_private_names() -> None:
    borrowed = [
        f"chain/{module}.py imports {name} from chain.{target}"
        for module, edges in _imports().items()
        for target, names in edges
        for name in names
        if name.startswith("_") and target != module
    ]
    assert borrowed == []

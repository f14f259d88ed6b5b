"""The command line's JSON on the bundled sample, frozen: a refactor that changes a number or a sentence fails here.

The golden files are ``tests/golden/sample.<command>.<lang>.json``. When an output changes on purpose, rewrite them
with ``GOLDEN_UPDATE=1 python -m pytest tests/test_golden.py`` and say in the commit message what changed and why.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from chain.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample.xlsx"
GOLDEN = Path(__file__).resolve().parent / "golden"


def same(actual: object, expected: object, where: str = "$") -> list[str]:
    """Where ``actual`` differs from ``expected`` (floats equal to 12 significant digits: a sum taken in another
    order may differ in the last bit, never in a figure anyone reads).

    >>> same({"a": [1, 0.1 + 0.2]}, {"a": [1, 0.3]})
    []
    >>> same({"a": "x"}, {"a": "y", "b": 1})
    ["$.a: 'x' != 'y'", "$: keys differ: missing ['b'], extra []"]
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = []
        if actual.keys() != expected.keys():
            missing = sorted(expected.keys() - actual.keys())
            extra = sorted(actual.keys() - expected.keys())
            problems.append(f"{where}: keys differ: missing {missing}, extra {extra}")
        for key in expected.keys() & actual.keys():
            problems += same(actual[key], expected[key], f"{where}.{key}")
        return sorted(problems)
    if isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            return [f"{where}: {len(actual)} items != {len(expected)}"]
        return [
            p
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for p in same(a, e, f"{where}[{i}]")
        ]
    if isinstance(expected, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        return (
            []
            if math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12)
            else [f"{where}: {actual!r} != {expected!r}"]
        )
    return (
        []
        if actual == expected and type(actual) is type(expected)
        else [f"{where}: {actual!r} != {expected!r}"]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", ["check", "gaps", "targets", "pairs"])
def test_sample_output_is_unchanged(command: str, lang: str, capsys) -> None:
    main([command, str(SAMPLE), "--json", "--lang", lang])
    actual = json.loads(capsys.readouterr().out)
    path = GOLDEN / f"sample.{command}.{lang}.json"
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    differences = same(actual, json.loads(path.read_text(encoding="utf-8")))
    assert not differences, "\n".join(differences[:20])

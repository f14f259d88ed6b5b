"""The benchmark generator makes valid contract workbooks, and bench/run.py's JSON has its documented shape."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bench import gen
from chain import schema

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ["load", "analysis", "export", "rerun", "cold", "memory", "province"]
FIGURE_KEYS = {"name", "seconds", "floor", "floor_seconds", "ratio", "goal"}


@pytest.fixture(scope="module")
def tiny() -> bytes:
    return gen.build_workbook("tiny")


def test_tiny_workbook_is_reproducible(tiny: bytes) -> None:
    assert gen.build_workbook("tiny") == tiny


def test_tiny_workbook_has_the_schema_headers(tiny: bytes) -> None:
    sheets = pd.read_excel(io.BytesIO(tiny), sheet_name=None, engine="calamine", dtype=str)
    for sheet in schema.SHEETS:
        assert list(sheets[sheet.zh].columns) == [c.zh for c in sheet.columns]
    scale = gen.SCALES["tiny"]
    assert len(sheets[schema.ENTERPRISES.zh]) == scale.enterprises
    assert len(sheets[schema.LINKS.zh]) == scale.links
    assert len(sheets[schema.TEMPLATE.zh]) == scale.segments


def test_tiny_workbook_loads_without_errors(tiny: bytes) -> None:
    from chain.load import load_workbook

    result = load_workbook(tiny, source_name="tiny.xlsx")
    assert result.errors == ()
    assert result.ok
    links = result.data.links
    # About 30 % of links have an outside party, as the generator promises.
    outside = (~links["supplier_local"] | ~links["buyer_local"]).mean()
    assert 0.15 < outside < 0.5


@pytest.mark.slow
def test_run_json_has_the_documented_shape() -> None:
    # The AppTest figures (rerun, cold) are left out to keep this under ~20 s; they are listed, not run.
    done = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            *("--scale", "tiny", "--json", "--repeat", "1", "--only", "load,analysis,export,memory,province"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["scale"] == "tiny"
    assert {"python", "cpus", "pandas"} <= set(result["machine"])
    assert [f["name"] for f in result["figures"]] == FIGURES
    for figure in result["figures"]:
        assert set(figure) >= FIGURE_KEYS
        assert not figure["note"].startswith("CRASHED"), figure["note"]
        if figure["name"] in ("rerun", "cold"):
            assert figure["note"] == "not run: --only"
            continue
        assert figure["seconds"] > 0
        assert figure["ratio"] > 0
        if figure["floor_seconds"]:
            assert figure["ratio"] == pytest.approx(figure["seconds"] / figure["floor_seconds"], rel=1e-3)

"""Fixtures shared by the test modules that run the app."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _clear() -> None:
    import streamlit as st

    from ui import facade

    st.cache_data.clear()
    facade.clear_caches()


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Empty Streamlit's caches and the facade's server-wide store before and after a test, so no test
    sees another's workbook. Modules that run the app use it for every test (``pytestmark``)."""
    _clear()
    yield
    _clear()


def pytest_configure(config: pytest.Config) -> None:
    """No test touches the developer's workspace database: servers and apps started by any test (even from
    a module-scoped fixture) find ``CHAIN_DATA_DIR`` pointing at a folder of this run, and no
    ``CHAIN_DB_URL``."""
    os.environ.pop("CHAIN_DB_URL", None)
    folder = tempfile.mkdtemp(prefix="chain-test-data-")
    os.environ["CHAIN_DATA_DIR"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts on an empty workspace of its own (the app seeds it on its first run)."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("CHAIN_DATA_DIR", str(folder))
    monkeypatch.delenv("CHAIN_DB_URL", raising=False)
    return folder


@pytest.fixture(params=["calamine", "columnar"])
def both_readers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test twice: with the loader's defaults (a small workbook is read by calamine alone), then with
    every workbook's largest sheet offered to the columnar read (fastexcel, ``chain.load._read_columns``),
    which takes it where its grid is sure to be calamine's. Loader modules use it for every test."""
    if request.param == "columnar":
        from chain import load

        monkeypatch.setattr(load, "_COLUMNAR_BYTES", 0)
    return str(request.param)

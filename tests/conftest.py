"""Fixtures shared by the test modules that run the app."""

from __future__ import annotations

from collections.abc import Iterator

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

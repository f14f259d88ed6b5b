"""Fuzzing: whatever the cells, headers or bytes, loading answers with a LoadResult and never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from chain.guard import check_bytes
from chain.isolate import load_isolated
from chain.load import load_workbook
from chain.model import LoadResult
from chain.problems import CATALOGUE, Problem
from tests.factory import TINY, make_workbook

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text openpyxl can store (XML forbids most control characters), and words readers like to turn into NaN.
text = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
nan_words = st.sampled_from(["NA", "N/A", "#N/A", "nan", "NaN", "None", "null", "NULL", "-", "", " ", "　"])
formula_like = st.sampled_from(["=1+1", "=SUM(A1:A3)", "=1/0", "+1", "-", "@x", '=HYPERLINK("x")', "＝1"])
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)
cell = st.one_of(st.none(), text, nan_words, formula_like, numbers, st.booleans())


@st.composite
def enterprise_rows(draw: st.DrawFn) -> list[list[Any]]:
    """The tiny enterprises sheet with random cells replaced, and perhaps a random header."""
    rows = [list(row) for row in TINY["企业"]]
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        r = draw(st.integers(min_value=1, max_value=len(rows) - 1))
        c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
        rows[r][c] = draw(cell)
    if draw(st.booleans()):
        rows[0][draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))] = draw(st.one_of(st.none(), text))
    if draw(st.booleans()):
        rows.append([draw(cell) for _ in rows[0]])
    return rows


def assert_well_formed(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    assert result.ok or result.errors
    for found in (*result.errors, *result.warnings):
        assert isinstance(found, Problem)
        assert found.code in CATALOGUE
        assert found.row is None or found.row >= 1
        assert found.message_zh
        assert found.message_en


@FUZZ
@given(rows=enterprise_rows())
def test_random_enterprise_cells_never_raise(rows):
    assert_well_formed(load_workbook(make_workbook(**{"企业": rows})))


@FUZZ
@given(
    header=st.lists(st.one_of(st.none(), text, nan_words), min_size=1, max_size=12),
    body=st.lists(cell, max_size=12),
)
def test_random_link_headers_never_raise(header, body):
    links = [header, body, [list(TINY["供需关系"][1])[i % 9] for i in range(len(header))]]
    assert_well_formed(load_workbook(make_workbook(**{"供需关系": links})))


GOOD = make_workbook()


@settings(max_examples=150, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=len(GOOD) - 1), max_size=6),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(GOOD) - 1), st.integers(1, 255)), max_size=6
    ),
)
def test_damaged_bytes_never_make_the_guard_raise(cuts, flips):
    data = bytearray(GOOD)
    for at, mask in flips:
        data[at] ^= mask
    for at in sorted(set(cuts), reverse=True):
        del data[at]
    found = check_bytes(bytes(data))
    assert found is None or found.code in CATALOGUE


@settings(max_examples=12, deadline=None)
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(GOOD) - 1), st.integers(1, 255)), min_size=1
    )
)
def test_damaged_bytes_through_the_isolated_parse_never_raise(flips):
    # Isolated: bytes that pass the guard may still be what makes a reader abort.
    data = bytearray(GOOD)
    for at, mask in flips:
        data[at] ^= mask
    assert_well_formed(load_isolated(bytes(data)))


def test_an_integer_beyond_int64_is_reported_not_wrapped():
    # Found by the fuzzer: 1e19 employees once loaded as -9223372036854775808, with no problem reported.
    rows = [list(row) for row in TINY["企业"]]
    rows[1][5] = 10**19
    result = load_workbook(make_workbook(**{"企业": rows}))
    assert result.errors or (result.data.enterprises["employees"] >= 0).all()

"""The vectorised helpers behind the reports and exports give what their scalar or sorting originals give."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain import export
from chain.gaps import _amount, _amounts, _pick, _unique
from chain.pairing import _best_per_purchase, _name_ranks
from chain.targets import _ASCENDING, _ORDER, _best_first, _tuples

TRICKY = [
    0.0,
    -0.0,
    0.05,
    0.005,
    0.015,
    0.125,
    -0.001,
    -0.004,
    1234.5,
    1234.005,
    999.995,
    999_999.999,
    1e9,
    1e20,
    1e300,
    2.0**53,
    5e-324,
    0.1 + 0.2,
    -1234.567,
    -5.0,
    math.nan,
    math.inf,
    -math.inf,
]


def test_amounts_equal_the_scalar_formatter_on_tricky_values() -> None:
    assert _amounts(TRICKY).tolist() == [_amount(v) for v in TRICKY]
    assert _amounts(np.array(TRICKY)).dtype == object


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30))
def test_amounts_equal_the_scalar_formatter(values: list[float]) -> None:
    assert _amounts(values).tolist() == [_amount(v) for v in values]


def test_amounts_of_nothing_and_repeats() -> None:
    assert _amounts([]).tolist() == []
    assert _amounts([60.0, 1234.5, 60.0]).tolist() == ["60", "1,234.5", "60"]


def test_pick_and_unique() -> None:
    assert _pick(np.array([True, False]), "up", "down").tolist() == ["up", "down"]
    assert (_pick(np.array([True]), "a", "b") + "!").tolist() == ["a!"]
    keys = np.array([5, 1, 5, 3, 1], dtype=np.int64)
    assert _unique(keys).tolist() == np.unique(keys).tolist()
    assert _unique(np.array([], dtype=np.int64)).tolist() == []


def _reference_best(purchase: np.ndarray, score: np.ndarray, rank: np.ndarray, count: int) -> np.ndarray:
    """The original: a three-key lexsort, then the first ``count`` of each purchase."""
    order = np.lexsort((rank, -score, purchase))
    grouped = purchase[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    within = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
    return np.sort(order[within < count])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([0.0, -0.0, 0.3, 0.5, 0.7, 1.0, math.nan])), max_size=40
    ),
    st.integers(1, 4),
    st.booleans(),
)
def test_best_per_purchase_equals_a_full_lexsort(
    rows: list[tuple[int, float]], count: int, grouped: bool
) -> None:
    """Whatever the candidates' order: grouped and best first (the fast path), grouped with equal scores
    (ties by name), or in any order and with NaN (the lexsort)."""
    purchase = np.array([p for p, _ in rows], dtype=np.int64)
    score = np.array([s for _, s in rows], dtype=float)
    rank = np.random.default_rng(len(rows)).permutation(len(rows)).astype(np.int64)
    if grouped:
        order = np.lexsort((rank, -np.nan_to_num(score), purchase))
        purchase, score, rank = purchase[order], score[order], rank[order]
    got = _best_per_purchase(purchase, score, rank, count)
    assert got.tolist() == _reference_best(purchase, score, rank, count).tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.25, 0.5, 1.0]),
            st.sampled_from([1.0, 2.0, math.nan]),
            st.sampled_from(["甲", "乙", "a", "B"]),
            st.sampled_from(["江苏", ""]),
        ),
        max_size=25,
        unique_by=lambda row: (row[2], row[3]),
    )
)
def test_targets_best_first_equals_sort_values(rows: list[tuple[float, float, str, str]]) -> None:
    frame = pd.DataFrame(
        {
            "score": pd.Series([r[0] for r in rows], dtype=float),
            "value": pd.Series([r[1] for r in rows], dtype=float),
            "name": pd.Series([r[2] for r in rows], dtype="str"),
            "region": pd.Series([r[3] for r in rows], dtype="str"),
            "segment": pd.Series(["s"] * len(rows), dtype="str"),
            "gap": pd.Series(["upstream"] * len(rows), dtype="str"),
        },
        index=np.arange(len(rows)) * 3,  # a filtered frame keeps its labels
    )
    expected = frame.reset_index(drop=True).sort_values(_ORDER, ascending=_ASCENDING, kind="stable").index
    assert _best_first(frame).tolist() == expected.tolist()


def test_tuples_are_the_sorted_distinct_items_of_each_group() -> None:
    group = np.array([0, 0, 2, 0, 2, 2])
    items = pd.Series(["乙", "a", "b", "乙", "B", "b"], dtype="str")
    tuples, sizes = _tuples(group, items, 3)
    assert tuples == [("a", "乙"), (), ("B", "b")]
    assert sizes.tolist() == [2, 0, 2]


@pytest.mark.parametrize("number_format", [None, "#,##0.0", "#,##0", "0.0%", "0.000", "0.0"])
def test_widest_equals_measuring_every_value(number_format: str | None) -> None:
    values = [
        None,
        -0.0,
        0.0,
        -0.01,
        999.96,
        -999.96,
        1e-05,
        12,
        True,
        "甲" * 40,
        "x" * 70,
        "a\n" + "乙" * 5,
        "",
        "短",
    ]
    for chosen in (values, values[:8], values[8:], [0.0, -0.0], [1e-05, 0.5], ["甲" * 20, "x" * 39]):
        expected = max((export._cell_width(v, number_format) for v in chosen), default=0)
        got = export._widest(chosen, number_format)
        # Widths past the cap all give the capped column width.
        assert min(got, export._MAX_WIDTH - 2) == min(expected, export._MAX_WIDTH - 2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="甲乙aBbéZz 𝔘", max_size=3), max_size=30))
def test_name_ranks_sort_like_python_str(names: list[str]) -> None:
    """Arrow's sort of a "str" column (duplicates included) ranks names as Python's stable sort does."""
    expected = np.empty(len(names), dtype=np.int64)
    expected[np.argsort(np.asarray(names, dtype=object), kind="stable")] = np.arange(len(names))
    assert _name_ranks(pd.Index(pd.array(names, dtype="str"))).tolist() == expected.tolist()
    assert _name_ranks(pd.Index(names, dtype=object)).tolist() == expected.tolist()

"""The vectorised helpers behind the reports and exports give what their scalar or sorting originals give."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain import export, numbers
from chain.frames import best_first, collect, distinct_sorted, group_sums, groups, positions
from chain.reasons import OutsideSupplier, render_outside_suppliers

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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reasons_write_amounts_as_the_renderer_does_on_tricky_values(lang: str) -> None:
    suppliers = tuple(OutsideSupplier(f"厂{i}", "江苏南通", v) for i, v in enumerate(TRICKY))
    worded = render_outside_suppliers(pd.DataFrame({"outside_suppliers": [suppliers]}), lang).iloc[0]
    assert list(worded) == [f"厂{i}(江苏南通) {numbers.amount(v, lang)}" for i, v in enumerate(TRICKY)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30), st.sampled_from(["zh", "en"]))
def test_reasons_write_amounts_as_the_renderer_does(values: list[float], lang: str) -> None:
    suppliers = tuple(OutsideSupplier("厂", "", v) for v in values)
    worded = render_outside_suppliers(pd.DataFrame({"outside_suppliers": [suppliers]}), lang).iloc[0]
    assert list(worded) == [f"厂 {numbers.amount(v, lang)}" for v in values]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["甲", "乙", "a", "B", ""]), st.sampled_from(["乙", "a", "b", "B", "甲"])),
        max_size=30,
    )
)
def test_group_lists_equal_groupby_agg(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame({"key": [k for k, _ in rows], "item": [i for _, i in rows]}, dtype="str")
    number, keys = groups(frame, ["key"])
    grouped = frame.groupby("key", sort=False)["item"]
    assert keys["key"].tolist() == list(grouped.groups.keys()) if rows else keys.empty
    expected = [tuple(grouped.get_group(k)) for k in keys["key"]]
    assert collect(number, frame["item"], len(keys)).tolist() == expected
    assert distinct_sorted(number, frame["item"], len(keys)).tolist() == [
        tuple(sorted(set(e))) for e in expected
    ]


def test_group_sums_add_in_row_order() -> None:
    frame = pd.DataFrame({"who": ["甲", "乙", "甲", "甲"], "value": [0.1, 5.0, 0.2, 0.3]})
    sums = group_sums(frame, ["who"], ["value"])
    assert sums["who"].tolist() == ["甲", "乙"]
    assert sums["value"].tolist() == [0.1 + 0.2 + 0.3, 5.0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.25, 0.5, 1.0, math.nan]),
            st.sampled_from([1.0, 2.0]),
            st.sampled_from(["甲", "乙", "a", "B"]),
        ),
        max_size=25,
    )
)
def test_best_first_is_a_stable_sort_with_tie_breaks(rows: list[tuple[float, float, str]]) -> None:
    frame = pd.DataFrame(
        {
            "score": [r[0] for r in rows],
            "value": [r[1] for r in rows],
            "name": pd.array([r[2] for r in rows], dtype="str"),
        },
        index=np.arange(len(rows)) * 3,
    )
    ranked = best_first(frame, ["score", "value"], ["name"])
    assert ranked.index.tolist() == list(range(len(rows)))
    finite = [r for r in rows if not math.isnan(r[0])]
    expected = sorted(finite, key=lambda r: (-r[0], -r[1], r[2]))
    assert list(ranked.head(len(finite)).itertuples(index=False, name=None)) == expected


def test_positions_number_names() -> None:
    names = pd.Index(["甲", "乙"])
    assert positions(pd.Series(["乙", "丙", "甲", "乙"], dtype="str"), names).tolist() == [1, -1, 0, 1]
    assert positions(pd.Series([], dtype="str"), names).tolist() == []


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
def test_distinct_sorted_sorts_like_python_str(names: list[str]) -> None:
    """Arrow's sort of a "str" column (duplicates included) orders names as Python's sort does."""
    number = np.zeros(len(names), dtype=np.int64)
    for values in (pd.Series(names, dtype="str"), pd.Series(names, dtype=object)):
        assert distinct_sorted(number, values, 1 if names else 0).tolist() == (
            [tuple(sorted(set(names)))] if names else []
        )

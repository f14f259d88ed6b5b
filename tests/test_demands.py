"""The demand ledger's rules (chain.demands), on a ledger small enough to count by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from chain import columns as cat
from chain import demands
from chain.demands import DemandError

D = dt.date

#: Five demands of three firms. By hand:
#: - closed: #1 (power, 10 days), #2 (finance, 30 days), #4 (power, 20 days)  -> 3 of 5 closed;
#: - power: 2 raised, 2 closed, rate 1.0, (10 + 20) / 2 = 15 days; finance: 2 raised, 1 closed, 30 days;
#:   land: 1 raised, 0 closed, no average;
#: - deputies: 王 looks after 甲 and 乙 (#1, #2, #3): 2 of 3 closed, (10 + 30) / 2 = 20 days;
#:   李 after 丙 (#4, #5): 1 of 2, 20 days;
#: - as of 2023-07-01: #3 (due 06-30, open) is overdue; #5 (due 07-10) is due within 14 days.
LEDGER = pd.DataFrame(
    [
        ("甲", "power", "增容", D(2023, 3, 1), D(2023, 4, 1), "closed", D(2023, 3, 11)),
        ("甲", "finance", "贷款", D(2023, 3, 1), D(2023, 5, 1), "closed", D(2023, 3, 31)),
        ("乙", "finance", "贴息", D(2023, 4, 1), D(2023, 6, 30), "in_progress", None),
        ("丙", "power", "专线", D(2023, 5, 1), D(2023, 6, 1), "closed", D(2023, 5, 21)),
        ("丙", "land", "用地", D(2023, 6, 1), D(2023, 7, 10), "open", None),
    ],
    columns=["enterprise", "demand_type", "detail", "raised", "due", "demand_status", "closed"],
)
FIRMS = pd.DataFrame({"name": ["甲", "乙", "丙", "丁"], "deputy": ["王", "王", "李", ""]})


def test_days_to_close_only_for_closed_demands() -> None:
    assert demands.days_to_close(LEDGER).fillna(-1).tolist() == [10.0, 30.0, -1, 20.0, -1]


def test_closure_rate_and_average_days_per_type() -> None:
    stats = demands.closure_stats(LEDGER, "demand_type").set_index("group")
    assert stats.loc["power", ["total", "closed_count", "closure_rate", "avg_days"]].tolist() == [
        2,
        2,
        1.0,
        15.0,
    ]
    assert stats.loc["finance", ["total", "closed_count", "closure_rate", "avg_days"]].tolist() == [
        2,
        1,
        0.5,
        30.0,
    ]
    assert stats.loc["land", "closure_rate"] == 0.0 and math.isnan(stats.loc["land", "avg_days"])
    assert stats.loc["", ["total", "closed_count", "closure_rate", "avg_days"]].tolist() == [5, 3, 0.6, 20.0]


def test_closure_rate_and_average_days_per_deputy() -> None:
    ledger = demands.with_deputies(LEDGER, FIRMS)
    assert ledger["deputy"].tolist() == ["王", "王", "王", "李", "李"]
    stats = demands.closure_stats(ledger, "deputy").set_index("group")
    assert stats.loc["王", "closed_count"] == 2 and stats.loc["王", "closure_rate"] == pytest.approx(2 / 3)
    assert stats.loc["王", "avg_days"] == 20.0
    assert stats.loc["李", ["total", "closed_count", "closure_rate", "avg_days"]].tolist() == [
        2,
        1,
        0.5,
        20.0,
    ]


def test_overdue_and_due_soon_as_of_a_fixed_date() -> None:
    as_of = D(2023, 7, 1)
    assert demands.overdue(LEDGER, as_of).tolist() == [False, False, True, False, False]
    assert demands.due_soon(LEDGER, as_of).tolist() == [False, False, False, False, True]
    # Due on the day itself is not overdue yet, and a closed demand never is.
    assert demands.overdue(LEDGER, D(2023, 6, 30)).tolist() == [False] * 5
    assert demands.overdue(LEDGER, D(2024, 1, 1)).tolist() == [False, False, True, False, True]


def test_an_empty_ledger_has_a_total_row_of_nothing() -> None:
    stats = demands.closure_stats(LEDGER.iloc[0:0], "demand_type")
    assert stats["total"].tolist() == [0] and math.isnan(stats["closure_rate"].iloc[0])


def test_a_demand_is_enterprise_type_raised_and_content() -> None:
    first = demands.demand_key("甲 ", "power", D(2023, 3, 1), "增容 ")
    assert first == demands.demand_key("甲", "power", D(2023, 3, 1), "增容")
    assert first != demands.demand_key("甲", "power", D(2023, 3, 2), "增容")


def _record(**changes: object) -> dict[str, object]:
    record = dict(LEDGER.iloc[0])
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"enterprise": " "}, "no_enterprise"),
        ({"demand_type": "tax"}, "unknown_type"),
        ({"demand_status": "done"}, "unknown_status"),
        ({"raised": None}, "no_raised"),
        ({"due": D(2023, 2, 1)}, "due_before_raised"),
        ({"closed": None}, "closed_needs_date"),
        ({"closed": D(2023, 2, 1)}, "closed_before_raised"),
        ({"demand_status": "open"}, "date_but_open"),
    ],
)
def test_a_demand_that_cannot_be_right_is_refused_in_both_languages(changes: dict, code: str) -> None:
    with pytest.raises(DemandError) as refused:
        demands.check_demand(_record(**changes), cat.DEMAND_KINDS, cat.DEMAND_STATES)
    assert refused.value.code == code
    assert refused.value.message("zh") != refused.value.message("en")


def test_a_right_demand_passes() -> None:
    demands.check_demand(_record(), cat.DEMAND_KINDS, cat.DEMAND_STATES)

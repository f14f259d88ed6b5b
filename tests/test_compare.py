"""Period comparison on two workbooks small enough to check every figure by hand (tests/factory.py:
COMPARE_BEFORE, 测试县 2024年1-3月, and COMPARE_AFTER, 2025年1-3月)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from chain.compare import CompareError, Side, comparability, compare, completeness_trend
from chain.credit_code import make_credit_code
from chain.gaps import analyze
from chain.load import load_workbook
from chain.periods import Period, parse_period
from chain.reasons import render_changes, render_period_reasons
from tests.factory import COMPARE_AFTER, COMPARE_BEFORE, make_workbook


def side(sheets: dict[str, list[list[Any]]], label: str = "", **overrides: Any) -> Side:
    result = load_workbook(make_workbook(sheets, **overrides))
    assert result.ok, result.errors
    data = result.data
    return Side(label, data.county, parse_period(data.period), data, analyze(data))


def settings(county: str, period: str) -> list[list[str]]:
    return [["项目", "值"], ["县名", county], ["报告期", period]]


@pytest.fixture(scope="module")
def before() -> Side:
    return side(COMPARE_BEFORE, "去年")


@pytest.fixture(scope="module")
def after() -> Side:
    return side(COMPARE_AFTER, "今年")


@pytest.fixture(scope="module")
def same(before: Side, after: Side):
    return compare(before, after)


def row(frame: pd.DataFrame, segment: str) -> pd.Series:
    return frame.set_index("segment").loc[segment]


def test_same_months_of_two_years_compare_amounts_directly(same) -> None:
    assert same.comparable == "same_months"
    assert same.months == (3, 3)
    assert same.segments["segment"].tolist() == ["原料", "煅烧", "电极", "包装"]
    calcined = row(same.segments, "煅烧")
    # 乙碳素 200 + 丙碳素 300 -> 乙碳素新材料 260 + 丙碳素 330; people 20 + 30 -> 22 + 30.
    assert (calcined["output_from"], calcined["output_to"]) == (500, 590)
    assert (calcined["employees_from"], calcined["employees_to"]) == (50, 52)
    assert (calcined["firms_from"], calcined["firms_to"]) == (2, 2)
    assert calcined["local_share_from"] == calcined["local_share_to"] == pytest.approx(100 / 150)
    electrodes = row(same.segments, "电极")
    assert (electrodes["exports_from"], electrodes["exports_to"]) == (400, 450)
    assert math.isnan(electrodes["local_share_from"]) and math.isnan(electrodes["local_share_to"])


def test_a_transition_each_way_with_both_reasons(same) -> None:
    raw = row(same.segments, "原料")
    assert (raw["status_from"], raw["status_to"]) == ("weak", "missing")
    assert (raw["reason_from"], raw["reason_to"]) == ("few_firms_low_share", "no_firm_bought_outside")
    assert (raw["leakage_from"], raw["leakage_to"]) == (60, 90)
    assert (raw["local_share_from"], raw["local_share_to"]) == (0.4, 0.0)
    packing = row(same.segments, "包装")
    assert (packing["status_from"], packing["status_to"]) == ("missing", "weak")
    assert (packing["firms_added"], packing["firms_removed"]) == (1, 0)
    assert (packing["local_share_from"], packing["local_share_to"]) == (0.0, 0.4)
    by_segment = same.segments.set_index("segment", drop=False)
    assert render_period_reasons(by_segment, "from", "zh")["包装"] == "无本地企业，本地需求 10 万元全部外购"
    assert render_period_reasons(by_segment, "to", "zh")["包装"] == "只有1家本地企业，本地配套率 40% < 50%"
    assert render_period_reasons(by_segment, "to", "en")["原料"] == (
        "no local firm; local demand of 900 k yuan all bought from outside"
    )


def test_firms_added_and_removed_matched_by_credit_code_then_name(same) -> None:
    # 乙碳素 -> 乙碳素新材料 keeps its credit code: one firm. 丙碳素 has no code: matched by name.
    assert same.firms_added[["segment", "name", "output"]].to_numpy().tolist() == [["包装", "戊包装", 50.0]]
    assert same.firms_removed[["segment", "name", "output"]].to_numpy().tolist() == [
        ["原料", "甲矿业", 100.0]
    ]
    assert same.firms_added["credit_code"].str.len().tolist() == [18]
    # The renamed firm's links are the same links: only 甲矿业's and 戊包装's come and go.
    assert same.links_removed[
        ["link_supplier", "link_buyer", "segment", "link_value"]
    ].to_numpy().tolist() == [["甲矿业", "乙碳素", "原料", 40.0]]
    assert same.links_added[["link_supplier", "link_buyer", "segment", "link_value"]].to_numpy().tolist() == [
        ["戊包装", "丁电极", "包装", 4.0]
    ]


def test_two_firms_with_different_credit_codes_are_never_one(before: Side) -> None:
    rows = [list(r) for r in COMPARE_AFTER["企业"]]
    rows[3][1] = make_credit_code("MA6XJ009", "610921")  # another 丁电极: same name, another code
    later = side(COMPARE_AFTER, **{"企业": rows})
    result = compare(before, later)
    assert sorted(result.firms_added["name"]) == ["丁电极", "戊包装"]
    assert sorted(result.firms_removed["name"]) == ["丁电极", "甲矿业"]
    # Its trades are another firm's trades: every link of either 丁电极 comes or goes.
    assert (result.links_added["link_buyer"] == "丁电极").sum() + (
        result.links_added["link_supplier"] == "丁电极"
    ).sum() == 5
    assert (result.links_removed["link_buyer"] == "丁电极").sum() + (
        result.links_removed["link_supplier"] == "丁电极"
    ).sum() == 4


def test_a_credit_code_wins_over_the_name(before: Side) -> None:
    rows = [list(r) for r in COMPARE_AFTER["企业"]]
    rows[3][1] = COMPARE_BEFORE["企业"][1][1]  # 丁电极 carries 甲矿业's code: it is 甲矿业, renamed
    later = side(COMPARE_AFTER, **{"企业": rows})
    result = compare(before, later)
    assert result.firms_added["name"].tolist() == ["戊包装"]
    assert result.firms_removed["name"].tolist() == ["丁电极"]


def test_the_summary_in_both_languages(same) -> None:
    assert render_changes(same.changes, "zh").tolist() == [
        "全链 —— 环节完整度 75% → 75%，全链本地配套率 54% → 42%，本地新增 1 家企业，本地减少 1 家企业",
        "原料：弱链 → 缺链 —— 本地减少 1 家企业，本地配套率 40% → 0%",
        "包装：缺链 → 弱链 —— 本地新增 1 家企业，本地配套率 0% → 40%",
    ]
    assert render_changes(same.changes, "en").tolist()[1:] == [
        "原料: weak → missing — 1 local firm gone; local share 40% → 0%",
        "包装: missing → weak — 1 new local firm; local share 0% → 40%",
    ]


def test_completeness_of_both_periods(same) -> None:
    completeness = same.completeness.set_index("side")
    assert completeness.loc["from", "completeness_value"] == pytest.approx(140 / 260)
    assert completeness.loc["to", "completeness_value"] == pytest.approx(104 / 250)
    assert completeness["segments_with_firms"].tolist() == [3, 3]
    assert completeness["year"].tolist() == [2024, 2025]


def test_periods_of_different_lengths_compare_amounts_as_monthly_averages(before: Side) -> None:
    half = side(COMPARE_AFTER, **{"设置": settings("测试县", "2025年上半年")})
    result = compare(before, half)
    assert result.comparable == "monthly_average"
    assert result.months == (3, 6)
    calcined = row(result.segments, "煅烧")
    assert calcined["output_from"] == pytest.approx(500 / 3)
    assert calcined["output_to"] == pytest.approx(590 / 6)
    assert row(result.segments, "原料")["leakage_to"] == pytest.approx(90 / 6)
    # Counts, head counts and shares are never divided; the reasons quote the period's own totals.
    assert (calcined["firms_to"], calcined["employees_to"]) == (2, 52)
    assert row(result.segments, "包装")["local_share_to"] == 0.4
    assert row(result.segments, "原料")["demand_to"] == 90


@pytest.mark.parametrize(
    ("county", "period", "code", "words"),
    [
        ("别的县", "2025年1-3月", "different_county", "只能对比同一个县"),
        ("测试县", "2024年1-3月", "same_period", "同一报告期"),
        ("测试县", "2024年1-6月", "overlapping", "月份重叠"),
        ("测试县", "2024年3月", "overlapping", "月份重叠"),
    ],
)
def test_pairs_that_do_not_compare_are_refused_in_both_languages(
    before: Side, county: str, period: str, code: str, words: str
) -> None:
    other = side(COMPARE_AFTER, "另一个", **{"设置": settings(county, period)})
    with pytest.raises(CompareError) as raised:
        compare(before, other)
    assert raised.value.code == code
    assert words in raised.value.message("zh") and "去年" in raised.value.message("zh")
    assert "另一个" in raised.value.message("en")


def test_counties_compare_by_place_name_core() -> None:
    a = ("", "汉阴县(示例数据)", Period(2022, 1, 9))
    b = ("", "陕西省汉阴县", Period(2023, 4, 6))
    assert comparability(a, b) == "monthly_average"
    assert comparability(a, ("", "汉阴县", Period(2023, 1, 9))) == "same_months"


def test_a_segment_in_one_template_only(before: Side) -> None:
    template = [*COMPARE_AFTER["产业链图谱"], ["回收", "碳素", "下游", "", ""]]
    later = side(COMPARE_AFTER, **{"产业链图谱": template})
    result = compare(before, later)
    recycled = row(result.segments, "回收")
    assert recycled["status_from"] is None and recycled["status_to"] == "missing"
    assert math.isnan(recycled["output_from"])
    words = render_changes(result.changes, "zh").tolist()
    assert "回收：新列入产业链图谱（缺链）" in words
    assert render_period_reasons(result.segments, "from", "zh").iloc[-1] == ""


def test_completeness_trend_oldest_first_one_county(before: Side, after: Side) -> None:
    trend = completeness_trend([after, before])
    assert trend["label"].tolist() == ["去年", "今年"]
    assert trend["completeness_value"].tolist() == pytest.approx([140 / 260, 104 / 250])
    assert trend["completeness_segments"].tolist() == [0.75, 0.75]
    elsewhere = side(COMPARE_AFTER, "外县", **{"设置": settings("别的县", "2025年1-3月")})
    with pytest.raises(CompareError, match="one county"):
        completeness_trend([before, elsewhere])
    with pytest.raises(CompareError):
        completeness_trend([])

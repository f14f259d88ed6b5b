"""Totals and selections the views show, on the tiny chain of tests/factory.py, computed by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chain.gaps import analyze
from chain.load import load_workbook
from chain.model import ChainData
from chain.views import (
    MARKET_FLOW_COLUMNS,
    MARKET_FLOW_KINDS,
    PARTNER_COLUMNS,
    chain_totals,
    filter_segments,
    firm_customers,
    firm_suppliers,
    market_flows,
    purchase_groups,
    segment_buyers,
    segment_firms,
    segment_inputs,
    segment_suppliers,
    status_counts,
    top_gaps,
)
from tests.factory import TINY_COUNTY, make_workbook


@pytest.fixture(scope="module")
def tiny():
    data = load_workbook(make_workbook()).data
    return data, analyze(data)


def test_chain_totals(tiny) -> None:
    data, report = tiny
    totals = chain_totals(data, report)
    assert totals.output == 100 + 200 + 300 + 500
    assert totals.employees == 10 + 20 + 30 + 50
    assert (totals.firms, totals.above_scale_firms) == (4, 3)
    # growth weighted by output: (100×5 + 200×10 + 300×(−2) + 500×12) / 1100
    assert totals.growth_pct == pytest.approx(7900 / 1100)
    assert totals.county_share == pytest.approx(1100 / 2000)


def test_status_counts_and_top_gaps(tiny) -> None:
    _, report = tiny
    # 原料 and 电极 have one firm (weak), 煅烧 two with share 2/3 (strong), 包装 none (missing).
    assert status_counts(report) == {"strong": 1, "weak": 2, "missing": 1}
    # Leakage: 原料 60, 煅烧 50, 包装 10.
    assert list(top_gaps(report, "upstream")["segment"]) == ["原料", "煅烧", "包装"]
    assert list(top_gaps(report, "upstream", 1)["segment"]) == ["原料"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["原料", "煅烧", "电极", "包装"]),
        ({"categories": ["精细轻纺"]}, ["包装"]),
        ({"stages": ["upstream"]}, ["原料", "包装"]),
        ({"statuses": ["weak", "missing"]}, ["原料", "电极", "包装"]),
        ({"gap_kinds": ["upstream"], "statuses": ["strong"]}, ["煅烧"]),
    ],
)
def test_filter_segments(tiny, filters, expected) -> None:
    _, report = tiny
    assert list(filter_segments(report.segments, **filters)["segment"]) == expected


def test_partners(tiny) -> None:
    data, _ = tiny
    assert segment_inputs(data, "电极") == ("煅烧", "包装")
    assert list(segment_firms(data, "煅烧")["name"]) == ["丙碳素", "乙碳素"]
    suppliers = segment_suppliers(data, "煅烧")
    assert tuple(suppliers.columns) == PARTNER_COLUMNS
    assert list(zip(suppliers["name"], suppliers["local"], suppliers["value"], strict=True)) == [
        ("乙碳素", True, 100),
        ("外地煅烧厂", False, 50),
    ]
    assert suppliers["listed"].tolist() == [True, False]
    assert list(segment_buyers(data, "电极")["name"]) == ["外地钢厂"]
    assert list(firm_suppliers(data, "丁电极")["name"]) == ["乙碳素", "外地煅烧厂", "外地纸箱厂"]
    assert list(firm_customers(data, "丁电极")["region"]) == ["河北唐山"]


def test_partners_in_the_county_read_as_local_but_not_listed() -> None:
    # TINY_COUNTY: 县医院 (测试县) buys 煅烧 30 from 乙碳素; 县煅烧作坊 (陕西省测试县) sells 煅烧 15 to 丁电极.
    data = load_workbook(make_workbook(TINY_COUNTY)).data
    buyers = segment_buyers(data, "煅烧")
    assert buyers[["name", "local", "listed", "region", "value"]].to_numpy().tolist() == [
        ["丁电极", True, True, "", 100.0],
        ["县医院", True, False, "测试县", 30.0],
        ["外地铝厂", False, False, "河南郑州", 20.0],
    ]
    suppliers = firm_suppliers(data, "丁电极")
    assert suppliers[["name", "local", "listed"]].to_numpy().tolist() == [
        ["乙碳素", True, True],
        ["外地煅烧厂", False, False],
        ["县煅烧作坊", True, False],
        ["外地纸箱厂", False, False],
    ]
    customers = firm_customers(data, "丁电极")
    assert customers[["name", "local", "listed", "region"]].to_numpy().tolist() == [
        ["外地钢厂", False, False, "河北唐山"],
        ["XX县人民医院", True, False, "陕西省测试县"],
    ]


def test_purchase_groups_one_row_per_outside_purchase_best_first() -> None:
    # Three local suppliers for one purchase (甲 buys 煅烧 outside), one for another; best pair first.
    pairs = pd.DataFrame(
        {
            "supplier": ["乙", "丙", "丁", "乙"],
            "buyer": ["甲", "甲", "戊", "甲"],
            "segment": ["煅烧", "煅烧", "煅烧", "煅烧"],
            "buyer_segment": ["电极", "电极", "电极", "电极"],
            "value_from_outside": [7666.0, 7666.0, 7003.0, 7666.0],
            "outside_suppliers": [("外地(河南) 7,666万元",)] * 2 + [("外地(宁夏) 7,003万元",)] + [("x",)],
            "supplier_output": [500.0, 300.0, 200.0, 100.0],
            "score": [0.9, 0.8, 0.85, 0.1],
        }
    )
    pairs.loc[3, "supplier"] = "己"
    groups = purchase_groups(pairs)
    assert list(zip(groups["buyer"], groups["segment"], strict=True)) == [("甲", "煅烧"), ("戊", "煅烧")]
    assert groups["suppliers"].iloc[0] == ("乙", "丙", "己")
    assert groups["supplier_outputs"].iloc[0] == (500.0, 300.0, 100.0)
    assert list(groups["value_from_outside"]) == [7666.0, 7003.0]
    assert list(groups["score"]) == [0.9, 0.85]
    assert groups["outside_suppliers"].iloc[0] == ("外地(河南) 7,666万元",)
    assert purchase_groups(pairs.iloc[:0]).empty


def test_market_flows_split_a_segments_money_by_who_sells_to_whom() -> None:
    # TINY_COUNTY by hand: local buyers buy 原料 40 / 煅烧 100 from local firms, 原料 25 / 煅烧 15 from other
    # local units, 原料 60 / 煅烧 50 / 包装 10 from outside; local firms sell 电极 400 / 煅烧 20 outside and
    # 煅烧 30 / 电极 12 to other local units (the county's hospitals).
    data = load_workbook(make_workbook(TINY_COUNTY)).data
    flows = market_flows(data)
    assert tuple(flows.columns) == MARKET_FLOW_COLUMNS
    assert flows.astype(object).to_numpy().tolist() == [
        ["from_local_firms", "原料", "", 40.0],
        ["from_local_firms", "煅烧", "", 100.0],
        ["from_local_units", "原料", "", 25.0],
        ["from_local_units", "煅烧", "", 15.0],
        ["from_outside", "原料", "陕西西安", 60.0],
        ["from_outside", "煅烧", "江苏南通", 50.0],
        ["from_outside", "包装", "湖北十堰", 10.0],
        ["to_outside", "电极", "河北唐山", 400.0],
        ["to_outside", "煅烧", "河南郑州", 20.0],
        ["to_local_units", "煅烧", "", 30.0],
        ["to_local_units", "电极", "", 12.0],
    ]


def test_market_flows_sum_links_per_region_and_leave_out_empty_trade() -> None:
    links = pd.DataFrame(
        {
            "supplier": ["外地甲", "外地乙", "外地丙", "外地丁"],
            "buyer": ["本地甲"] * 4,
            "segment": ["原料"] * 4,
            "supplier_region": ["陕西西安", " 陕西西安 ", None, "湖北十堰"],
            "buyer_region": [""] * 4,
            "value": [10.0, 5.0, 7.0, 0.0],
            "supplier_local": [False] * 4,
            "buyer_local": [True] * 4,
            "supplier_in_county": [False] * 4,
            "buyer_in_county": [True] * 4,
        }
    )
    empty = pd.DataFrame()
    data = ChainData(enterprises=empty, links=links, template=empty, projects=empty, demands=empty)
    flows = market_flows(data)
    assert flows.astype(object).to_numpy().tolist() == [
        ["from_outside", "原料", "陕西西安", 15.0],
        ["from_outside", "原料", "", 7.0],
    ]


@pytest.mark.parametrize("workbook", ["tiny", "county", "sample"])
def test_market_flows_add_up_to_the_reports_demand_supply_leakage_and_exports(workbook) -> None:
    source = {
        "tiny": make_workbook,
        "county": lambda: make_workbook(TINY_COUNTY),
        "sample": lambda: (Path(__file__).parent.parent / "data" / "sample.xlsx").read_bytes(),
    }[workbook]()
    data = load_workbook(source).data
    segments = analyze(data).segments.set_index("segment")
    sums = market_flows(data).pivot_table(index="segment", columns="kind", values="value", aggfunc="sum")
    sums = sums.reindex(index=segments.index, columns=list(MARKET_FLOW_KINDS)).fillna(0.0)
    local = sums["from_local_firms"] + sums["from_local_units"]
    expected = {
        "demand": local + sums["from_outside"],
        "local_supply": local,
        "leakage": sums["from_outside"],
        "exports": sums["to_outside"],
        "local_final_demand": sums["to_local_units"],
    }
    for column, values in expected.items():
        pd.testing.assert_series_equal(segments[column], values, check_names=False, rtol=1e-9)

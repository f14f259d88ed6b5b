"""Gap analysis on workbooks small enough to check every number by hand."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from chain.gaps import SEGMENT_COLUMNS, analyze, what_if
from chain.load import load_workbook
from chain.model import ChainData
from chain.reasons import render
from chain.settings import AnalysisSettings
from tests.factory import TINY, TINY_COUNTY, make_workbook

__all__ = ["LINK_HEADER", "chain_data", "link"]

LINK_HEADER = TINY["供需关系"][0]


def link(
    supplier, buyer, product, segment, value, *, supplier_region="", buyer_region="", buyer_segment="", km=""
):
    """A row of the links sheet in TINY's column order."""
    return [supplier, buyer, product, segment, supplier_region, buyer_region, buyer_segment, value, km]


_LOADED: dict[str, ChainData] = {}


def chain_data(**overrides: Any) -> ChainData:
    """The loaded chain data of ``make_workbook(**overrides)`` (TINY with sheets replaced), memoised:
    the analysis never changes its input, so tests can share it."""
    key = repr(sorted(overrides.items()))
    if key not in _LOADED:
        result = load_workbook(make_workbook(**overrides))
        assert result.ok, result.errors
        _LOADED[key] = result.data
    return _LOADED[key]


@pytest.fixture(scope="module")
def tiny():
    return analyze(chain_data())


def row(report, segment: str) -> pd.Series:
    return report.segments.set_index("segment").loc[segment]


def test_columns_and_template_order(tiny):
    assert tuple(tiny.segments.columns) == SEGMENT_COLUMNS
    assert tiny.segments["segment"].tolist() == ["原料", "煅烧", "电极", "包装"]
    assert tiny.segments["layer"].tolist() == [0, 1, 2, 0]


# Hand computation on TINY (links: 甲->乙 原料 40; 外地矿->乙 原料 60; 乙->丁 煅烧 100;
# 外地煅烧厂->丁 煅烧 50; 丁->外地钢厂 电极 400; 外地纸箱厂->丁 包装 10).
TINY_EXPECTED = {
    "原料": {
        "firms": 1,
        "output": 100,
        "employees": 10,
        "demand": 40 + 60,
        "local_supply": 40,
        "leakage": 60,
        "local_share": 40 / 100,
        "exports": 0,
        "local_buyers": 1,  # 乙碳素
        "leakage_distance_km": 300,  # one outside purchase
        "growth_pct": 5,
    },
    "煅烧": {
        "firms": 2,
        "above_scale_firms": 1,
        "output": 200 + 300,
        "employees": 20 + 30,
        "demand": 100 + 50,
        "local_supply": 100,
        "leakage": 50,
        "local_share": 100 / 150,
        "exports": 0,
        "local_buyers": 1,  # 丁电极
        "leakage_distance_km": 1300,
        "growth_pct": (200 * 10 + 300 * -2) / (200 + 300),  # output-weighted = 2.8
        "concentration": 300 / 500,
    },
    "电极": {
        "firms": 1,
        "output": 500,
        "demand": 0,
        "leakage": 0,
        "exports": 400,
        "local_final_demand": 0,
        "local_buyers": 0,
    },
    "包装": {"firms": 0, "output": 0, "demand": 10, "local_supply": 0, "leakage": 10, "local_share": 0.0},
}


@pytest.mark.parametrize(
    ("segment", "metric", "expected"),
    [
        (segment, metric, value)
        for segment, metrics in TINY_EXPECTED.items()
        for metric, value in metrics.items()
    ],
)
def test_tiny_metrics_by_hand(tiny, segment, metric, expected):
    assert row(tiny, segment)[metric] == pytest.approx(expected)


def test_tiny_statuses_and_reasons(tiny):
    table = tiny.segments.set_index("segment")
    assert table["status"].to_dict() == {"原料": "weak", "煅烧": "strong", "电极": "weak", "包装": "missing"}
    assert table["reason"].to_dict() == {
        "原料": "few_firms_low_share",
        "煅烧": "strong_share",
        "电极": "few_firms_no_demand",
        "包装": "no_firm_bought_outside",
    }
    table = table.assign(reason_zh=render("segments", table, "zh"), reason_en=render("segments", table, "en"))
    assert table.loc["原料", "reason_zh"] == "只有1家本地企业，本地配套率 40% < 50%"
    assert table.loc["原料", "reason_en"] == "only 1 local firm; local share 40% < 50%"
    assert table.loc["煅烧", "reason_zh"] == "2家本地企业，本地配套率 67% ≥ 50%"
    assert table.loc["电极", "reason_zh"] == "只有1家本地企业，无本地需求"
    assert table.loc["包装", "reason_zh"] == "无本地企业，本地需求 10 万元全部外购"
    assert table.loc["包装", "reason_en"].startswith("no local firm")


def test_tiny_gaps_scores_and_flags(tiny):
    table = tiny.segments.set_index("segment")
    assert table["gaps"].to_dict() == {
        "原料": ("upstream",),
        "煅烧": ("upstream",),
        "电极": (),
        "包装": ("upstream",),
    }
    assert table["downstream_gap"].tolist() == [0, 0, 0, 0]
    # score = (leakage + downstream gap) / largest such sum = 60, 50, 0, 10 over 60
    assert table["score"].tolist() == pytest.approx([1, 50 / 60, 0, 10 / 60])
    # concentration 300/500 = 0.6 is exactly the default threshold: flagged
    assert table["concentrated"].to_dict() == {"原料": False, "煅烧": True, "电极": False, "包装": False}
    assert math.isnan(table.loc["电极", "local_share"])  # no local demand
    assert math.isnan(table.loc["包装", "concentration"])  # no output
    assert math.isnan(table.loc["电极", "leakage_distance_km"])  # no outside purchase


def test_tiny_completeness(tiny):
    completeness = tiny.completeness
    assert (completeness.segments_with_firms, completeness.segments_total) == (3, 4)
    assert completeness.segments == pytest.approx(3 / 4)
    assert completeness.demand == pytest.approx(100 + 150 + 0 + 10)
    assert completeness.local_supply == pytest.approx(40 + 100)
    assert completeness.value == pytest.approx(140 / 260)


def test_analyze_does_not_mutate_its_input():
    data = chain_data()
    copies = {name: getattr(data, name).copy(deep=True) for name in ("enterprises", "links", "template")}
    analyze(data)
    for name, frame in copies.items():
        pd.testing.assert_frame_equal(getattr(data, name), frame)


def _firms(*rows):
    header = TINY["企业"][0]
    return [header, *([name, segment, "城关镇", "否", output, 1, "", ""] for name, segment, output in rows)]


STATUS_TEMPLATE = [["环节", "材料类别", "链位", "上游环节", "说明"], ["原料", "碳素", "上游", "", ""]]


@pytest.mark.parametrize(
    ("firms", "local_value", "outside_value", "status", "reason_zh"),
    [
        # share exactly at the threshold is strong: 50 / (50 + 50) = 50% ≥ 50%
        (2, 50, 50, "strong", "2家本地企业，本地配套率 50% ≥ 50%"),
        # just below: 49.99 / 100 shows enough decimals not to read as 50%
        (2, 49.99, 50.01, "weak", "本地配套率 49.99% < 50.00%"),
        (2, 20, 80, "weak", "本地配套率 20% < 50%"),
        (1, 80, 20, "weak", "只有1家本地企业"),
        (2, 0, 0, "strong", "2家本地企业，无本地需求"),
        (0, 0, 30, "missing", "无本地企业，本地需求 30 万元全部外购"),
        (0, 0, 0, "missing", "无本地企业"),
    ],
)
def test_status_rule_at_its_boundaries(firms, local_value, outside_value, status, reason_zh):
    # 原料 firms, plus a local buyer 买方 in another segment buying 原料 locally and from outside
    names = [f"原料{i}" for i in range(firms)]
    links = [LINK_HEADER]
    if local_value:
        links.append(link(names[0], "买方", "焦", "原料", local_value))
    if outside_value:
        links.append(link("外地", "买方", "焦", "原料", outside_value, supplier_region="西安", km=100))
    sheets = {
        "企业": _firms(*((name, "原料", 10) for name in names), ("买方", "用户", 10)),
        "供需关系": links,
        "产业链图谱": [*STATUS_TEMPLATE, ["用户", "碳素", "下游", "原料", ""]],
    }
    report = analyze(chain_data(**sheets))
    first = row(report, "原料")
    assert first["status"] == status
    assert render("segments", report.segments, "zh")[report.segments["segment"] == "原料"].item() == reason_zh
    assert first["leakage"] == pytest.approx(outside_value)
    assert ("upstream" in first["gaps"]) == (outside_value > 0)


def test_thresholds_come_from_settings():
    data = chain_data()
    strict = analyze(data, AnalysisSettings(weak_share=0.7, min_firms=1))
    table = strict.segments.set_index("segment")
    # 煅烧: 67% < 70% now weak; 电极: one firm is enough with min_firms=1
    assert table.loc["煅烧", "status"] == "weak"
    assert table.loc["煅烧", "weak_share"] == 0.7
    assert render("segments", table, "zh")["煅烧"] == "本地配套率 67% < 70%"
    assert table.loc["电极", "status"] == "strong"
    assert strict.settings.weak_share == 0.7


def downstream_sheets(buyer_segment_of_trader: str = "") -> dict[str, Any]:
    """TINY plus exports of 煅烧 and 原料 products to outside buyers."""
    links = [
        *TINY["供需关系"],
        link("乙碳素", "外地电极厂", "煅后焦", "煅烧", 70, buyer_region="河南", buyer_segment="电极"),
        link(
            "丙碳素",
            "外地贸易商",
            "煅后焦",
            "煅烧",
            30,
            buyer_region="上海",
            buyer_segment=buyer_segment_of_trader,
        ),
        link("丙碳素", "外地矿厂", "煅后焦", "煅烧", 20, buyer_region="山西", buyer_segment="原料"),
        link("甲矿业", "外地焦厂", "石油焦", "原料", 25, buyer_region="甘肃"),
    ]
    return {"供需关系": links}


def test_downstream_gap_with_and_without_buyer_segment():
    table = analyze(chain_data(**downstream_sheets())).segments.set_index("segment")
    # 电极 is weak (one firm); its inputs are 煅烧 and 包装:
    # to buyers in 电极 70 + blank buyer segment 30; the 20 sold to a 原料 buyer does not count
    assert table.loc["电极", "downstream_gap"] == pytest.approx(70 + 30)
    assert table.loc["电极", "gaps"] == ("downstream",)
    assert table.loc["煅烧", "exports"] == pytest.approx(70 + 30 + 20)
    # 煅烧 is strong: the 25 of 原料 exported with a blank buyer segment is not its downstream gap
    assert table.loc["煅烧", "downstream_gap"] == 0
    assert table.loc["原料", "exports"] == pytest.approx(25)
    # score = (leakage + downstream) / max: 原料 60, 煅烧 50, 电极 100, 包装 10
    assert table["score"].tolist() == pytest.approx([60 / 100, 50 / 100, 1.0, 10 / 100])


def test_downstream_gap_with_buyer_segment_elsewhere():
    table = analyze(chain_data(**downstream_sheets("包装"))).segments.set_index("segment")
    assert table.loc["电极", "downstream_gap"] == pytest.approx(70)


def test_a_segment_can_be_an_upstream_and_a_downstream_gap():
    sheets = downstream_sheets()
    sheets["供需关系"] = [
        *sheets["供需关系"],
        link("外地煅烧厂", "丁电极", "电极糊", "电极", 5, supplier_region="江苏"),
    ]
    table = analyze(chain_data(**sheets)).segments.set_index("segment")
    assert table.loc["电极", "gaps"] == ("upstream", "downstream")
    assert table.loc["电极", "leakage"] == pytest.approx(5)


def test_missing_segment_with_demand_is_an_upstream_gap(tiny):
    packaging = row(tiny, "包装")
    assert packaging["status"] == "missing"
    assert packaging["gaps"] == ("upstream",)
    assert packaging["leakage_distance_km"] == pytest.approx(400)


def test_leakage_distance_is_value_weighted():
    links = [
        *TINY["供需关系"],
        link("远方矿", "乙碳素", "石油焦", "原料", 40, supplier_region="新疆", km=2000),
        link("无距离矿", "丙碳素", "石油焦", "原料", 100, supplier_region="宁夏"),
    ]
    first = row(analyze(chain_data(**{"供需关系": links})), "原料")
    # known distances only: (60 × 300 + 40 × 2000) / (60 + 40) = 980
    assert first["leakage_distance_km"] == pytest.approx((60 * 300 + 40 * 2000) / (60 + 40))
    assert first["leakage"] == pytest.approx(60 + 40 + 100)
    assert first["local_buyers"] == 2  # 乙碳素 (two outside suppliers, counted once) and 丙碳素


def test_projects_are_listed_by_segment():
    projects = [
        ["项目名称", "产业链环节", "投资方", "投资额(万元)", "产能", "状态", "预计产值(万元)"],
        ["纸箱厂项目", "包装", "某包装集团", 3000, "", "洽谈", 800],
        ["针状焦项目", "煅烧", "某碳素", 5000, "", "签约", 1000],
    ]
    table = analyze(chain_data(**{"招商项目": projects})).segments.set_index("segment")
    assert table["projects"].to_dict() == {
        "原料": (),
        "煅烧": ("针状焦项目",),
        "电极": (),
        "包装": ("纸箱厂项目",),
    }


def test_cyclic_template_is_analysed_with_the_cycle_on_one_layer():
    template = [
        ["环节", "材料类别", "链位", "上游环节", "说明"],
        ["原料", "碳素", "上游", "", ""],
        ["煅烧", "碳素", "中游", "原料、电极", ""],
        ["电极", "碳素", "下游", "煅烧、包装", ""],
        ["包装", "精细轻纺", "上游", "", ""],
    ]
    report = analyze(chain_data(**{"产业链图谱": template}))
    assert report.cycles == (("煅烧", "电极"),)
    assert report.segments["layer"].tolist() == [0, 1, 1, 0]
    assert row(report, "煅烧")["demand"] == pytest.approx(150)


# what-if on TINY: 包装 is missing, leakage 10 (外地纸箱厂 -> 丁电极).
def test_what_if_partial_replacement():
    data = chain_data()
    result = what_if(data, None, "原料", 45, name="新矿")
    first = row(result.after, "原料")
    # leakage after = max(0, 60 − 45) = 15; local supply 40 + 45 = 85; share 85 / 100
    assert first["leakage"] == pytest.approx(15)
    assert first["local_supply"] == pytest.approx(85)
    assert first["local_share"] == pytest.approx(0.85)
    assert first["firms"] == 2
    assert first["output"] == pytest.approx(100 + 45)
    assert first["status"] == "strong"
    # completeness value (140 + 45) / 260; segments unchanged 3/4
    assert result.after.completeness.value == pytest.approx(185 / 260)
    changes = result.changes.set_index(["segment", "metric"])
    assert changes.loc[("原料", "leakage"), "delta"] == pytest.approx(-45)
    assert changes.loc[("原料", "status"), "before"] == "weak"
    assert changes.loc[("原料", "status"), "after"] == "strong"
    assert changes.loc[("", "completeness_value"), "after"] == pytest.approx(185 / 260)
    assert changes.loc[("", "completeness_segments"), "delta"] == pytest.approx(0)
    assert ("煅烧", "leakage") not in changes.index  # unchanged metrics are left out
    assert "score" not in set(result.changes["metric"])  # relative to the largest gap: not a change
    assert len(data.enterprises) == 4 and len(data.links) == 6  # input untouched


def test_what_if_fills_a_missing_segment():
    result = what_if(chain_data(), AnalysisSettings(), "包装", 500)
    packaging = row(result.after, "包装")
    # leakage after = max(0, 10 − 500) = 0; one firm: weak, no longer missing
    assert packaging["leakage"] == pytest.approx(0)
    assert packaging["local_share"] == pytest.approx(1.0)
    assert packaging["status"] == "weak"
    assert packaging["gaps"] == ()
    assert packaging["local_buyers"] == 0
    assert result.after.completeness.segments == pytest.approx(4 / 4)
    assert result.after.completeness.value == pytest.approx((140 + 10) / 260)
    changes = result.changes.set_index(["segment", "metric"])
    assert changes.loc[("包装", "status"), "after"] == "weak"
    assert changes.loc[("", "completeness_segments"), "delta"] == pytest.approx(1 / 4)


def test_what_if_with_zero_output_changes_only_the_firm_count():
    result = what_if(chain_data(), None, "包装", 0)
    packaging = row(result.after, "包装")
    assert packaging["leakage"] == pytest.approx(10)
    assert packaging["firms"] == 1


@pytest.mark.parametrize(
    ("segment", "output", "name", "message"),
    [
        ("不存在", 10, "拟引进项目", "unknown segment"),
        ("包装", -1, "拟引进项目", ">= 0"),
        ("包装", math.nan, "拟引进项目", ">= 0"),
        ("包装", 10, "丁电极", "already a local enterprise"),
    ],
)
def test_what_if_rejects_bad_arguments(segment, output, name, message):
    with pytest.raises(ValueError, match=message):
        what_if(chain_data(), None, segment, output, name=name)


# Parties in the county but not in 企业 (tests/factory.py TINY_COUNTY, 县名 测试县): TINY's links plus
# 城关镇废料站(测试县) -> 乙 原料 25; 县煅烧作坊(陕西省测试县) -> 丁 煅烧 15; 乙 -> 县医院(测试县) 煅烧 30;
# 丁 -> XX县人民医院(陕西省测试县) 电极 12; 丙 -> 外地铝厂(河南郑州) 煅烧 20, buyer segment blank.
COUNTY_EXPECTED = {
    "原料": {
        "demand": 40 + 60 + 25,
        "local_supply": 40 + 25,  # the in-county supplier is local supply ...
        "leakage": 60,  # ... not leakage
        "local_share": 65 / 125,
        "exports": 0,
        "local_final_demand": 0,
        "local_buyers": 1,
        "leakage_distance_km": 300,  # only the outside purchase
    },
    "煅烧": {
        "demand": 100 + 50 + 15,
        "local_supply": 100 + 15,
        "leakage": 50,
        "exports": 20,  # 外地铝厂 only: 县医院 is in the county
        "local_final_demand": 30,  # 县医院
        "leakage_distance_km": 1300,
    },
    "电极": {"demand": 0, "exports": 400, "local_final_demand": 12, "downstream_gap": 20},
    "包装": {"demand": 10, "leakage": 10, "exports": 0, "local_final_demand": 0},
}


@pytest.fixture(scope="module")
def county():
    return analyze(chain_data(**{"供需关系": TINY_COUNTY["供需关系"]}))


@pytest.mark.parametrize(
    ("segment", "metric", "expected"),
    [
        (segment, metric, value)
        for segment, metrics in COUNTY_EXPECTED.items()
        for metric, value in metrics.items()
    ],
)
def test_county_parties_by_hand(county, segment, metric, expected):
    assert row(county, segment)[metric] == pytest.approx(expected)


def test_county_buyers_are_no_downstream_gap_and_county_suppliers_no_leakage(county):
    table = county.segments.set_index("segment")
    # 电极 (weak) is fed by the 煅烧 export to 外地铝厂 (20), not by the sale to 县医院 (30).
    assert table["gaps"].to_dict() == {
        "原料": ("upstream",),
        "煅烧": ("upstream",),
        "电极": ("downstream",),
        "包装": ("upstream",),
    }
    # score = (leakage + downstream gap) / 60: 60, 50, 20, 10
    assert table["score"].tolist() == pytest.approx([1, 50 / 60, 20 / 60, 10 / 60])
    assert county.completeness.demand == pytest.approx(125 + 165 + 10)
    assert county.completeness.local_supply == pytest.approx(65 + 115)
    assert county.completeness.value == pytest.approx(180 / 300)


def test_a_links_frame_without_the_in_county_flags_is_refused():
    data = chain_data()
    bare = data.links.drop(columns=["supplier_in_county", "buyer_in_county"])
    old = ChainData(data.enterprises, bare, data.template, data.projects, data.demands, dict(data.settings))
    with pytest.raises(KeyError, match="in_county"):
        analyze(old)


def test_what_if_replaces_only_purchases_that_leave_the_county():
    data = chain_data(**{"供需关系": TINY_COUNTY["供需关系"]})
    result = what_if(data, None, "煅烧", 100, name="新煅烧厂")
    calcined = row(result.after, "煅烧")
    # Only 外地煅烧厂's 50 moves to the project; 县煅烧作坊's 15 stays where it is.
    assert calcined["leakage"] == pytest.approx(0)
    assert calcined["local_supply"] == pytest.approx(165)
    assert calcined["exports"] == pytest.approx(20)
    assert calcined["local_final_demand"] == pytest.approx(30)
    assert row(result.after, "原料")["leakage"] == pytest.approx(60)

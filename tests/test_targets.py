"""Recruiting targets: who they are, how they are scored and ranked, and why, on hand-checkable chains."""

from __future__ import annotations

import pandas as pd
import pytest

from chain.gaps import analyze
from chain.reasons import render
from chain.settings import TargetWeights
from chain.targets import TARGET_COLUMNS, recruiting_targets
from tests.factory import TINY, TINY_COUNTY
from tests.test_gaps import chain_data, downstream_sheets, link

# TINY plus two more outside sellers of 原料: leakage(原料) = 60 + 30 + 20 = 110.
UPSTREAM_LINKS = [
    *TINY["供需关系"],
    link("外地矿", "丙碳素", "石油焦", "原料", 30, supplier_region="陕西西安", km=300),
    link("远方矿", "乙碳素", "石油焦", "原料", 20, supplier_region="新疆", km=2000),
]
PROJECT_HEADER = ["项目名称", "产业链环节", "投资方", "投资额(万元)", "产能", "状态", "预计产值(万元)"]

# Factors over the four candidates (maxima: value 90, partners 2, distance 2000 km, gap 110), weights
# 0.50 value + 0.25 partners + 0.10 distance + 0.15 gap (chain.settings.TargetWeights):
PARTS = {
    "外地矿": (0.50 * 90 / 90, 0.25 * 2 / 2, 0.10 * 300 / 2000, 0.15 * 110 / 110),  # 0.915
    "外地煅烧厂": (0.50 * 50 / 90, 0.25 * 1 / 2, 0.10 * 1300 / 2000, 0.15 * 50 / 110),  # 0.5360
    "远方矿": (0.50 * 20 / 90, 0.25 * 1 / 2, 0.10 * 2000 / 2000, 0.15 * 110 / 110),  # 0.4861
    "外地纸箱厂": (0.50 * 10 / 90, 0.25 * 1 / 2, 0.10 * 400 / 2000, 0.15 * 10 / 110),  # 0.2142
}
SCORES = {name: sum(parts) for name, parts in PARTS.items()}
FACTOR_COLUMNS = ["score_value", "score_partners", "score_distance", "score_gap"]


def targets(sheets=None, **filters):
    data = chain_data(**(sheets or {"供需关系": UPSTREAM_LINKS}))
    return recruiting_targets(data, analyze(data), **filters)


def worded(table):
    """The targets with their reasons in both languages."""
    return table.assign(reasons_zh=render("targets", table, "zh"), reasons_en=render("targets", table, "en"))


def test_upstream_targets_by_hand():
    table = targets()
    assert tuple(table.columns) == TARGET_COLUMNS
    # The far, small 远方矿 no longer outranks 外地煅烧厂, which sells the county 2.5 times as much.
    assert table["name"].tolist() == ["外地矿", "外地煅烧厂", "远方矿", "外地纸箱厂"]
    assert table["position"].tolist() == [1, 2, 3, 4]
    assert table["score"].tolist() == pytest.approx(list(SCORES.values()))
    # Each factor's part of the score, next to it: they add up to it.
    assert table[FACTOR_COLUMNS].to_numpy().tolist() == [pytest.approx(p) for p in PARTS.values()]
    first = table.iloc[0]
    assert (first["segment"], first["gap"], first["region"]) == ("原料", "upstream", "陕西西安")
    assert first["value"] == pytest.approx(60 + 30)
    assert first["local_partners"] == 2
    assert first["partners"] == ("丙碳素", "乙碳素")
    assert first["distance_km"] == pytest.approx((60 * 300 + 30 * 300) / 90)
    assert first["products"] == ("石油焦",)
    assert not table["covered"].any()


def test_reasons_read_in_the_rankings_order():
    table = worded(targets()).set_index("name")
    # Value traded, reach, distance (the argument for a local plant), the gap; whatever weighs most.
    assert table.loc["外地矿", "reasons"] == ("value", "partners", "distance", "gap")
    assert table.loc["外地矿", "reasons_en"] == (
        "already sells 900 k yuan into the county, #1 among this segment's outside suppliers",
        "serves 2 local firms",
        "300 km away: a local plant saves transport",
        "the county buys 1.1 m yuan of this segment from outside",
    )
    assert table.loc["外地矿", "reasons_zh"] == (
        "已向本县供货 90 万元，居本环节外地供应商第1位",
        "服务2家本地企业",
        "运距 300 公里，本地化可省物流",
        "本环节外购 110 万元",
    )
    # 远方矿: second of 原料 by value
    assert table.loc["远方矿", "reasons_zh"] == (
        "已向本县供货 20 万元，居本环节外地供应商第2位",
        "服务1家本地企业",
        "运距 2,000 公里，本地化可省物流",
        "本环节外购 110 万元",
    )
    assert table.loc["远方矿", "reasons_en"][2] == "2,000 km away: a local plant saves transport"


def test_unknown_distance_is_left_out_of_the_reasons():
    table = targets(downstream_sheets(), gap="downstream").set_index("name")
    assert table.loc["外地电极厂", "reasons"] == ("value", "partners", "gap")


def test_covered_segment_is_penalised_and_says_so():
    projects = [PROJECT_HEADER, ["新矿项目", "原料", "某矿业", 1000, "", "洽谈", 500]]
    table = worded(targets({"供需关系": UPSTREAM_LINKS, "招商项目": projects}))
    # 原料 rows × covered_penalty 0.5: 0.4575 falls below 外地煅烧厂's 0.5360
    assert table["name"].tolist() == ["外地煅烧厂", "外地矿", "远方矿", "外地纸箱厂"]
    by_name = table.set_index("name")
    assert by_name.loc["外地矿", "score"] == pytest.approx(SCORES["外地矿"] * 0.5)
    # The parts carry the penalty too, so they still add up to the score.
    assert by_name.loc["外地矿", FACTOR_COLUMNS].tolist() == pytest.approx([p * 0.5 for p in PARTS["外地矿"]])
    assert by_name.loc["外地矿", "covered"]
    assert by_name.loc["外地矿", "reasons_zh"][-1] == "已有招商项目：新矿项目（洽谈）"
    assert by_name.loc["外地矿", "reasons_en"][-1] == "project under way: 新矿项目 (negotiating)"
    assert not by_name.loc["外地煅烧厂", "covered"]


def test_weights_are_parameters():
    data = chain_data(**{"供需关系": UPSTREAM_LINKS})
    only_distance = TargetWeights(value=0, partners=0, distance=1, gap=0)
    table = recruiting_targets(data, analyze(data), only_distance)
    assert table["name"].tolist() == ["远方矿", "外地煅烧厂", "外地纸箱厂", "外地矿"]
    assert table["score"].tolist() == pytest.approx([1, 1300 / 2000, 400 / 2000, 300 / 2000])


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"segment": "原料"}, ["外地矿", "远方矿"]),
        ({"gap": "upstream"}, ["外地矿", "外地煅烧厂", "远方矿", "外地纸箱厂"]),
        ({"gap": "downstream"}, []),
        ({"region": "江苏"}, ["外地煅烧厂"]),
        ({"min_value": 50}, ["外地矿", "外地煅烧厂"]),
        ({"max_distance": 400}, ["外地矿", "外地纸箱厂"]),
        ({"segment": "原料", "max_distance": 1000}, ["外地矿"]),
    ],
)
def test_filters_keep_scores(filters, names):
    table = targets(**filters)
    assert table["name"].tolist() == names
    assert tuple(table.columns) == TARGET_COLUMNS
    # normalised over all candidates, so a filter never changes a score; positions count the rows shown
    assert table["score"].tolist() == pytest.approx([SCORES[name] for name in names])
    assert table["position"].tolist() == list(range(1, len(names) + 1))


def test_downstream_targets_are_outside_buyers_of_the_inputs():
    table = worded(targets(downstream_sheets(), gap="downstream"))
    # 电极 is weak; 煅烧 exports to buyers in 电极 (外地电极厂 70) or with no buyer segment (外地贸易商 30);
    # 外地矿厂 buys 煅烧 as a 原料 firm and is not a target
    assert table["name"].tolist() == ["外地电极厂", "外地贸易商"]
    assert table["segment"].tolist() == ["电极", "电极"]
    assert table["value"].tolist() == [70, 30]
    assert table["partners"].tolist() == [("乙碳素",), ("丙碳素",)]
    assert table["region"].tolist() == ["河南", "上海"]
    first = table.iloc[0]
    assert "已从本县采购 70 万元，居本环节外地采购方第1位" in first["reasons_zh"]
    assert "本环节外流待加工 100 万元" in first["reasons_zh"]
    assert "从1家本地企业采购" in first["reasons_zh"]
    assert "1.0 m yuan of this segment's inputs leave the county to be processed" in first["reasons_en"]
    assert "buys from 1 local firm" in first["reasons_en"]


def test_downstream_scores_by_hand():
    table = targets(downstream_sheets()).set_index(["segment", "name"])
    # candidates: 外地电极厂 70, 外地贸易商 30 (downstream 电极, gap 100, no distance);
    # 外地矿 60 / 300 km (gap 60), 外地煅烧厂 50 / 1300 km (gap 50), 外地纸箱厂 10 / 400 km (gap 10)
    assert table.loc[("电极", "外地电极厂"), "score"] == pytest.approx(
        0.50 * 70 / 70 + 0.25 + 0 + 0.15 * 100 / 100
    )
    assert table.loc[("原料", "外地矿"), "score"] == pytest.approx(
        0.50 * 60 / 70 + 0.25 + 0.10 * 300 / 1300 + 0.15 * 60 / 100
    )


def test_ties_break_by_value_then_name():
    links = [
        *TINY["供需关系"],
        link("B纸箱厂", "丁电极", "纸箱", "包装", 10, supplier_region="湖北十堰", km=400),
        link("A纸箱厂", "丁电极", "纸箱", "包装", 10, supplier_region="湖北十堰", km=400),
    ]
    table = targets({"供需关系": links}, segment="包装")
    assert table["name"].tolist() == ["A纸箱厂", "B纸箱厂", "外地纸箱厂"]
    assert table["score"].iloc[0] == pytest.approx(table["score"].iloc[2])


def test_scores_that_read_the_same_rank_by_value_partners_then_distance():
    # Only the gap weighs, the same for all: the score is a tie, so value decides (甲, 乙 and 外地纸箱厂
    # sell 10), then local partners (甲 serves two firms), then distance (丙 is farther than 丁, which has
    # none known), then the name (乙 before 外地纸箱厂, equal on everything else).
    links = [
        *TINY["供需关系"],
        link("乙纸箱厂", "丁电极", "纸箱", "包装", 10, supplier_region="湖北", km=400),
        link("甲纸箱厂", "丁电极", "纸箱", "包装", 5, supplier_region="湖北", km=400),
        link("甲纸箱厂", "乙碳素", "纸箱", "包装", 5, supplier_region="湖北", km=400),
        link("丙纸箱厂", "丁电极", "纸箱", "包装", 4, supplier_region="湖北", km=900),
        link("丁纸箱厂", "丁电极", "纸箱", "包装", 4, supplier_region="湖北"),
    ]
    data = chain_data(**{"供需关系": links})
    flat = TargetWeights(value=0, partners=0, distance=0, gap=1)
    table = recruiting_targets(data, analyze(data), flat, segment="包装")
    assert table["name"].tolist() == ["甲纸箱厂", "乙纸箱厂", "外地纸箱厂", "丙纸箱厂", "丁纸箱厂"]
    assert table["score"].tolist() == pytest.approx([(10 + 10 + 10 + 4 + 4) / 60] * 5)  # 包装 gap / 原料 gap


def test_a_hair_of_score_is_a_tie_as_shown():
    # 近厂: 0.50 × 10/10 + 0.10 × 1.998/2 = 0.5999; 远厂: 0.50 × 9.999/10 + 0.10 × 2/2 = 0.59995. Both read
    # 0.600: the larger value goes first though its unrounded score is a hair lower.
    links = [
        *TINY["供需关系"][:2],
        link("近厂", "乙碳素", "石油焦", "原料", 10, supplier_region="陕西", km=1.998),
        link("远厂", "乙碳素", "石油焦", "原料", 9.999, supplier_region="陕西", km=2),
    ]
    data = chain_data(**{"供需关系": links})
    weights = TargetWeights(value=0.5, partners=0, distance=0.1, gap=0)
    table = recruiting_targets(data, analyze(data), weights, segment="原料")
    scores = dict(zip(table["name"], table["score"], strict=True))
    assert scores["远厂"] > scores["近厂"]
    assert round(scores["远厂"], 3) == round(scores["近厂"], 3)
    assert table["name"].tolist()[:2] == ["近厂", "远厂"]


def test_no_gaps_no_targets():
    links = [TINY["供需关系"][0], link("甲矿业", "乙碳素", "石油焦", "", 40, km=10)]
    table = targets({"供需关系": links})
    assert table.empty
    assert tuple(table.columns) == TARGET_COLUMNS


@pytest.mark.parametrize(
    ("filters", "message"), [({"segment": "不存在"}, "unknown segment"), ({"gap": "x"}, "gap")]
)
def test_bad_filters_are_refused(filters, message):
    with pytest.raises(ValueError, match=message):
        targets(**filters)


def test_inputs_are_not_changed():
    data = chain_data(**{"供需关系": UPSTREAM_LINKS})
    report = analyze(data)
    before = report.segments.copy(deep=True), data.links.copy(deep=True)
    recruiting_targets(data, report)
    pd.testing.assert_frame_equal(report.segments, before[0])
    pd.testing.assert_frame_equal(data.links, before[1])


def test_parties_in_the_county_are_never_targets():
    # TINY_COUNTY (tests/factory.py): 城关镇废料站 and 县煅烧作坊 sell into the county from inside it, 县医院
    # and XX县人民医院 buy in it: none is a target. Candidates: 外地煅烧厂 50 / 1300 km (gap 50), 外地矿
    # 60 / 300 km (gap 60), 外地铝厂 20 / 800 km (downstream 电极, gap 20), 外地纸箱厂 10 / 400 km (gap 10);
    # maxima: value 60, partners 1, distance 1300, gap 60.
    table = targets({"供需关系": TINY_COUNTY["供需关系"]})
    assert table["name"].tolist() == ["外地矿", "外地煅烧厂", "外地铝厂", "外地纸箱厂"]
    assert table["gap"].tolist() == ["upstream", "upstream", "downstream", "upstream"]
    assert table["segment"].tolist() == ["原料", "煅烧", "电极", "包装"]
    assert table["value"].tolist() == pytest.approx([60, 50, 20, 10])
    assert table["partners"].tolist() == [("乙碳素",), ("丁电极",), ("丙碳素",), ("丁电极",)]
    assert table["score"].tolist() == pytest.approx(
        [
            0.50 * 60 / 60 + 0.25 + 0.10 * 300 / 1300 + 0.15 * 60 / 60,
            0.50 * 50 / 60 + 0.25 + 0.10 * 1300 / 1300 + 0.15 * 50 / 60,
            0.50 * 20 / 60 + 0.25 + 0.10 * 800 / 1300 + 0.15 * 20 / 60,
            0.50 * 10 / 60 + 0.25 + 0.10 * 400 / 1300 + 0.15 * 10 / 60,
        ]
    )
    assert not set(table["region"]) & {"测试县", "陕西省测试县"}

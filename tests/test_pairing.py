"""Local pairing suggestions on a chain small enough to rank by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chain.gaps import analyze
from chain.pairing import PAIR_COLUMNS, local_pairs
from chain.reasons import OutsideSupplier, render, render_outside_suppliers
from chain.settings import PairWeights
from tests.factory import TINY, TINY_COUNTY
from tests.test_gaps import chain_data, link

FIRMS = [
    *TINY["企业"],
    ["戊碳素", "煅烧", "城关镇", "否", 100, 10, "", ""],
    ["己电极", "电极", "城关镇", "否", 50, 5, "", ""],
    ["庚纸箱", "包装", "城关镇", "否", 80, 8, "", ""],
]
LINKS = [
    *TINY["供需关系"],
    link("外地煅烧厂", "己电极", "煅后焦", "煅烧", 30, supplier_region="江苏南通", km=1300),
    link("另一煅烧厂", "己电极", "煅后焦", "煅烧", 25, supplier_region="甘肃", km=900),
    link("外地纸箱厂", "己电极", "纸箱", "包装", 5, supplier_region="湖北十堰", km=400),
    link("戊碳素", "己电极", "煅后焦", "", 20),
    # a link of another product still counts as an existing relation
    link("庚纸箱", "己电极", "废料", "原料", 1),
]

# Outside purchases per (buyer, segment of an input of its own segment):
#   丁电极 煅烧 50, 丁电极 包装 10, 己电极 煅烧 30 + 25 = 55, 己电极 包装 5, 乙碳素 原料 60.
# Ruled out by an existing link: 甲矿业->乙碳素, 乙碳素->丁电极, 戊碳素->己电极, 庚纸箱->己电极.
# Score = 0.7 × value / 55 + 0.3 × supplier output / 300.
EXPECTED = [
    ("丙碳素", "己电极", "煅烧", 55, 300, 0.7 * 55 / 55 + 0.3 * 300 / 300),
    ("丙碳素", "丁电极", "煅烧", 50, 300, 0.7 * 50 / 55 + 0.3 * 300 / 300),
    ("乙碳素", "己电极", "煅烧", 55, 200, 0.7 * 55 / 55 + 0.3 * 200 / 300),
    ("戊碳素", "丁电极", "煅烧", 50, 100, 0.7 * 50 / 55 + 0.3 * 100 / 300),
    ("庚纸箱", "丁电极", "包装", 10, 80, 0.7 * 10 / 55 + 0.3 * 80 / 300),
]


@pytest.fixture(scope="module")
def data():
    return chain_data(**{"企业": FIRMS, "供需关系": LINKS})


def test_pairs_by_hand(data):
    pairs = local_pairs(data, analyze(data))
    assert tuple(pairs.columns) == PAIR_COLUMNS
    got = list(
        zip(
            pairs["supplier"],
            pairs["buyer"],
            pairs["segment"],
            pairs["value_from_outside"],
            pairs["supplier_output"],
            strict=True,
        )
    )
    assert got == [row[:5] for row in EXPECTED]
    assert pairs["score"].tolist() == pytest.approx([row[5] for row in EXPECTED])
    assert pairs["buyer_segment"].tolist() == ["电极"] * 5


def test_no_pair_where_a_link_exists(data):
    pairs = local_pairs(data, analyze(data))
    proposed = set(zip(pairs["supplier"], pairs["buyer"], strict=True))
    existing = set(zip(data.links["supplier"], data.links["buyer"], strict=True))
    assert not proposed & existing
    assert ("庚纸箱", "己电极") not in proposed  # linked by another product


def test_evidence_and_reasons(data):
    pairs = local_pairs(data, analyze(data))
    first = pairs.iloc[0]
    assert first["outside_suppliers"] == (
        OutsideSupplier("外地煅烧厂", "江苏南通", 30.0),
        OutsideSupplier("另一煅烧厂", "甘肃", 25.0),
    )
    assert first["reason"] == "buys_outside_no_link"
    assert render_outside_suppliers(pairs, "zh").iloc[0] == (
        "外地煅烧厂(江苏南通) 30 万元",
        "另一煅烧厂(甘肃) 25 万元",
    )
    assert render_outside_suppliers(pairs, "en").iloc[0] == (
        "外地煅烧厂(江苏南通) 300 k yuan",
        "另一煅烧厂(甘肃) 250 k yuan",
    )
    assert (
        render("pairs", pairs, "zh").iloc[0]
        == "己电极现从外地采购煅烧产品 55 万元；丙碳素为本地煅烧企业（产值 300 万元），双方尚无供货关系"
    )
    assert render("pairs", pairs, "en").iloc[0] == (
        "己电极 buys 550 k yuan of 煅烧 from outside; "
        "丙碳素 makes 煅烧 locally (output 3.0 m yuan) and does not supply it yet"
    )


def test_segment_filter_keeps_scores(data):
    pairs = local_pairs(data, analyze(data), segment="包装")
    assert pairs[["supplier", "buyer"]].to_numpy().tolist() == [["庚纸箱", "丁电极"]]
    assert pairs["score"].tolist() == pytest.approx([EXPECTED[-1][5]])


def test_weights_are_parameters(data):
    pairs = local_pairs(data, analyze(data), PairWeights(value_from_outside=0, supplier_output=1))
    assert pairs["supplier"].tolist()[:2] == ["丙碳素", "丙碳素"]
    # equal scores (output 300 / 300) are ordered by value from outside: 55 before 50
    assert pairs["buyer"].tolist()[:2] == ["己电极", "丁电极"]


def test_tiny_has_one_pair():
    data = chain_data()
    pairs = local_pairs(data, analyze(data))
    # 丁电极 buys 煅烧 from outside; 乙碳素 already supplies it, 丙碳素 does not
    assert pairs[["supplier", "buyer", "value_from_outside"]].to_numpy().tolist() == [
        ["丙碳素", "丁电极", 50.0]
    ]


def test_a_supplier_in_the_county_is_no_outside_purchase():
    # TINY_COUNTY: 丁电极 also buys 煅烧 15 from 县煅烧作坊 (陕西省测试县, not in 企业), which is in the
    # county: what 丁电极 buys from outside stays 外地煅烧厂's 50, and 县煅烧作坊 is not listed to replace.
    data = chain_data(**{"供需关系": TINY_COUNTY["供需关系"]})
    pairs = local_pairs(data, analyze(data))
    assert pairs[["supplier", "buyer", "value_from_outside"]].to_numpy().tolist() == [
        ["丙碳素", "丁电极", 50.0]
    ]
    assert pairs["outside_suppliers"].tolist() == [(OutsideSupplier("外地煅烧厂", "江苏南通", 50.0),)]
    assert render("pairs", pairs, "zh").iloc[0].startswith("丁电极现从外地采购煅烧产品 50 万元；")


def test_unknown_segment_is_refused(data):
    with pytest.raises(ValueError, match="unknown segment"):
        local_pairs(data, analyze(data), segment="不存在")


def test_no_outside_purchases_no_pairs():
    links = [TINY["供需关系"][0], link("甲矿业", "乙碳素", "石油焦", "", 40, km=10)]
    data = chain_data(**{"供需关系": links})
    pairs = local_pairs(data, analyze(data))
    assert pairs.empty
    assert tuple(pairs.columns) == PAIR_COLUMNS


def test_limit_keeps_the_best(data):
    report = analyze(data)
    everything = local_pairs(data, report)
    best_two = local_pairs(data, report, limit=2)
    assert best_two.equals(everything.head(2))
    with pytest.raises(ValueError, match="limit"):
        local_pairs(data, report, limit=-1)


def test_ties_are_broken_by_value_output_then_names():
    # Every weight 0: all scores tie at 0, so value from outside, then supplier output decide, then names.
    data = chain_data(**{"企业": FIRMS, "供需关系": LINKS})
    flat = PairWeights(value_from_outside=0, supplier_output=0, suppliers_per_purchase=0)
    pairs = local_pairs(data, analyze(data), flat)
    got = list(zip(pairs["supplier"], pairs["buyer"], pairs["value_from_outside"], strict=True))
    assert got == [
        ("丙碳素", "己电极", 55),
        ("乙碳素", "己电极", 55),
        ("丙碳素", "丁电极", 50),
        ("戊碳素", "丁电极", 50),
        ("庚纸箱", "丁电极", 10),
    ]


def test_each_purchase_keeps_its_best_suppliers(data):
    # 丁电极's outside purchase of 煅烧 has two candidate suppliers: 丙碳素 (output 300) and 戊碳素 (100).
    # With one supplier per purchase only 丙碳素 is left for it; 己电极's purchase keeps 丙碳素 over 乙碳素.
    one = PairWeights(suppliers_per_purchase=1)
    pairs = local_pairs(data, analyze(data), one)
    kept = set(zip(pairs["supplier"], pairs["buyer"], strict=True))
    assert kept == {("丙碳素", "己电极"), ("丙碳素", "丁电极"), ("庚纸箱", "丁电极")}
    every = local_pairs(data, analyze(data), PairWeights(suppliers_per_purchase=0))
    assert len(every) == len(EXPECTED)


def test_the_cap_by_hand():
    # 丁电极 buys 煅烧 from outside and already buys from one local firm (乙碳素): with one supplier per
    # purchase it looks at 1 + 1 + 1 = 3 firms of 煅烧 by output (丙 300, 乙 200, 戊 100) - all of them;
    # the best new one is 丙碳素, as without the cap.
    data = chain_data(**{"企业": FIRMS, "供需关系": LINKS})
    report = analyze(data)
    one = PairWeights(suppliers_per_purchase=1)
    capped = local_pairs(data, report, one)
    assert capped[capped["buyer"] == "丁电极"]["supplier"].tolist() == ["丙碳素", "庚纸箱"]
    pd.testing.assert_frame_equal(capped, local_pairs(data, report, one, cap=False))


def _random_sheets(seed: int) -> dict[str, list[list[object]]]:
    """A random chain of three segments a -> b -> c with firms of tied and distinct outputs, local links
    and outside purchases, so that caps often cut inside runs of equal scores."""
    rng = np.random.default_rng(seed)
    segments = ["甲", "乙", "丙"]
    firms: list[list[object]] = [TINY["企业"][0]]
    names: dict[str, list[str]] = {segment: [] for segment in segments}
    for index in range(int(rng.integers(3, 14))):
        segment = segments[int(rng.integers(0, 3))]
        name = f"{segment}企{index:02d}"
        names[segment].append(name)
        output = float(rng.choice([0, 50, 100, 100, 250, 333.3]))
        firms.append([name, segment, "城关镇", "否", output, 5, "", ""])
    links = [TINY["供需关系"][0]]
    everyone = [name for group in names.values() for name in group]
    for _ in range(int(rng.integers(0, 40))):
        buyer = everyone[int(rng.integers(0, len(everyone)))]
        product = segments[int(rng.integers(0, 3))]
        value = float(rng.choice([5, 10, 10, 20.5, 40]))
        if rng.random() < 0.4 and names[product]:
            supplier = names[product][int(rng.integers(0, len(names[product])))]
            if supplier != buyer:
                links.append(link(supplier, buyer, "货", product, value))
        else:
            outside = f"外地{int(rng.integers(0, 4))}"
            links.append(link(outside, buyer, "货", product, value, supplier_region="外省", km=100))
    template = [
        ["环节", "材料类别", "链位", "上游环节", "说明"],
        ["甲", "类", "上游", "", ""],
        ["乙", "类", "中游", "甲", ""],
        ["丙", "类", "下游", "乙、甲", ""],
    ]
    return {"企业": firms, "供需关系": links, "产业链图谱": template}


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("per_purchase", [1, 2])
def test_the_cap_changes_nothing(seed, per_purchase):
    data = chain_data(**_random_sheets(seed))
    report = analyze(data)
    weights = PairWeights(suppliers_per_purchase=per_purchase)
    capped = local_pairs(data, report, weights)
    pd.testing.assert_frame_equal(capped, local_pairs(data, report, weights, cap=False))

"""Local pairing suggestions on a chain small enough to rank by hand."""

from __future__ import annotations

import numpy as np
import pytest

from chain.gaps import analyze
from chain.pairing import PAIR_COLUMNS, local_pairs
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
    assert first["outside_suppliers"] == ("外地煅烧厂(江苏南通) 30万元", "另一煅烧厂(甘肃) 25万元")
    assert (
        first["reason_zh"]
        == "己电极现从外地采购煅烧产品 55 万元；丙碳素为本地煅烧企业（产值 300 万元），双方尚无供货关系"
    )
    assert first["reason_en"].startswith("己电极 buys 55 (10k yuan) of 煅烧 from outside")


def test_segment_filter_keeps_scores(data):
    pairs = local_pairs(data, analyze(data), segment="包装")
    assert pairs[["supplier", "buyer"]].values.tolist() == [["庚纸箱", "丁电极"]]
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
    assert pairs[["supplier", "buyer", "value_from_outside"]].values.tolist() == [["丙碳素", "丁电极", 50.0]]


def test_a_supplier_in_the_county_is_no_outside_purchase():
    # TINY_COUNTY: 丁电极 also buys 煅烧 15 from 县煅烧作坊 (陕西省测试县, not in 企业), which is in the
    # county: what 丁电极 buys from outside stays 外地煅烧厂's 50, and 县煅烧作坊 is not listed to replace.
    data = chain_data(**{"供需关系": TINY_COUNTY["供需关系"]})
    pairs = local_pairs(data, analyze(data))
    assert pairs[["supplier", "buyer", "value_from_outside"]].values.tolist() == [["丙碳素", "丁电极", 50.0]]
    assert pairs["outside_suppliers"].tolist() == [("外地煅烧厂(江苏南通) 50万元",)]
    assert pairs["reason_zh"].iloc[0].startswith("丁电极现从外地采购煅烧产品 50 万元；")


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


def test_ranking_breaks_score_ties_like_a_full_lexsort():
    from chain.pairing import _best_first

    rng = np.random.default_rng(7)
    for size, decimals in ((0, 1), (1, 1), (200, 1), (2000, 3)):
        score = np.round(rng.random(size), decimals)
        value = rng.integers(0, 4, size).astype(float)
        output = rng.integers(0, 3, size).astype(float)
        supplier_rank, buyer_rank = rng.integers(0, 50, size), rng.integers(0, 50, size)
        expected = np.lexsort((buyer_rank, supplier_rank, -output, -value, -score))
        assert _best_first(score, value, output, supplier_rank, buyer_rank).tolist() == expected.tolist()


def test_each_purchase_keeps_its_best_suppliers(data):
    # 丁电极's outside purchase of 煅烧 has two candidate suppliers: 丙碳素 (output 300) and 戊碳素 (100).
    # With one supplier per purchase only 丙碳素 is left for it; 己电极's purchase keeps 丙碳素 over 乙碳素.
    one = PairWeights(suppliers_per_purchase=1)
    pairs = local_pairs(data, analyze(data), one)
    kept = set(zip(pairs["supplier"], pairs["buyer"], strict=True))
    assert kept == {("丙碳素", "己电极"), ("丙碳素", "丁电极"), ("庚纸箱", "丁电极")}
    every = local_pairs(data, analyze(data), PairWeights(suppliers_per_purchase=0))
    assert len(every) == len(EXPECTED)

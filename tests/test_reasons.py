"""Reasons worded from codes and factor columns, in both languages, on the hand-computed TINY chain."""

from __future__ import annotations

import pandas as pd
import pytest

from chain.gaps import analyze
from chain.pairing import local_pairs
from chain.reasons import (
    PAIR_REASONS,
    SEGMENT_REASONS,
    TARGET_REASONS,
    render,
    render_outside_suppliers,
    table_of,
)
from chain.render import source
from chain.targets import recruiting_targets
from tests.test_gaps import chain_data


@pytest.fixture(scope="module")
def tiny():
    data = chain_data()
    report = analyze(data)
    return report, recruiting_targets(data, report), local_pairs(data, report)


def test_segment_reasons_by_hand(tiny):
    report, _, _ = tiny
    # 原料: 1 firm, local share 40 / (40 + 60); 煅烧: 2 firms, 100 / 150; 电极: 1 firm, no demand;
    # 包装: no firm, 10 bought outside.
    assert render("segments", report.segments, "zh").tolist() == [
        "只有1家本地企业，本地配套率 40% < 50%",
        "2家本地企业，本地配套率 67% ≥ 50%",
        "只有1家本地企业，无本地需求",
        "无本地企业，本地需求 10 万元全部外购",
    ]
    assert render("segments", report.segments, "en").tolist() == [
        "only 1 local firm; local share 40% < 50%",
        "2 local firms, local share 67% ≥ 50%",
        "only 1 local firm; no local demand",
        "no local firm; local demand of 100 k yuan all bought from outside",
    ]


def test_target_reasons_by_hand(tiny):
    _, targets, _ = tiny
    # Upstream candidates: 外地矿 (原料, 60, 300 km), 外地煅烧厂 (煅烧, 50, 1300 km), 外地纸箱厂 (包装, 10,
    # 400 km); maxima 60, 1 partner, 1300 km, gap 60. 外地矿 0.9231 (value 0.50, partners 0.25, distance
    # 0.10 × 300/1300, gap 0.15) ranks before 外地煅烧厂 0.8917. Reasons read in the ranking's order.
    assert targets["name"].tolist() == ["外地矿", "外地煅烧厂", "外地纸箱厂"]
    mine = targets[targets["name"] == "外地矿"]
    assert mine["reasons"].item() == ("value", "partners", "distance", "gap")
    assert render("targets", mine, "zh").item() == (
        "已向本县供货 60 万元，居本环节外地供应商第1位",
        "服务1家本地企业",
        "运距 300 公里，本地化可省物流",
        "本环节外购 60 万元",
    )
    assert render("targets", mine, "en").item() == (
        "already sells 600 k yuan into the county, #1 among this segment's outside suppliers",
        "serves 1 local firm",
        "300 km away: a local plant saves transport",
        "the county buys 600 k yuan of this segment from outside",
    )


def test_pair_reason_and_outside_suppliers_by_hand(tiny):
    _, _, pairs = tiny
    assert render("pairs", pairs, "zh").tolist() == [
        "丁电极现从外地采购煅烧产品 50 万元；丙碳素为本地煅烧企业（产值 300 万元），双方尚无供货关系"
    ]
    assert render("pairs", pairs, "en").tolist() == [
        "丁电极 buys 500 k yuan of 煅烧 from outside; "
        "丙碳素 makes 煅烧 locally (output 3.0 m yuan) and does not supply it yet"
    ]
    assert render_outside_suppliers(pairs, "zh").tolist() == [("外地煅烧厂(江苏南通) 50 万元",)]
    assert render_outside_suppliers(pairs, "en").tolist() == [("外地煅烧厂(江苏南通) 500 k yuan",)]


def test_the_renderer_words_each_table_s_reasons_from_their_codes(tiny):
    """The one place that reads reasons (chain.render) finds the table by its columns and words its codes."""
    report, targets, pairs = tiny
    for table, frame, column in (
        ("segments", report.segments, "reason"),
        ("targets", targets, "reasons"),
        ("pairs", pairs, "reason"),
    ):
        assert table_of(frame.columns) == table
        assert source(frame, column, "en").tolist() == render(table, frame, "en").tolist()
    assert source(pairs, "outside_suppliers", "zh").tolist() == [("外地煅烧厂(江苏南通) 50 万元",)]
    assert table_of(pd.DataFrame({"name": ["甲"]}).columns) is None


def test_english_wording_has_no_chinese_units():
    english = [en for _, en in SEGMENT_REASONS.values()]
    english += [en for kinds in TARGET_REASONS.values() for _, en in kinds.values()]
    english += [en for _, en in PAIR_REASONS.values()]
    assert not [text for text in english if "万" in text or "元" in text]


def test_empty_frames_and_bad_arguments(tiny):
    _, targets, pairs = tiny
    assert render("targets", targets.head(0), "zh").tolist() == []
    assert render("pairs", pairs.head(0), "en").tolist() == []
    assert render_outside_suppliers(pairs.head(0), "en").tolist() == []
    with pytest.raises(ValueError, match="table"):
        render("nonsense", pairs, "zh")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang"):
        render("pairs", pairs, "fr")

"""The recruiting pipeline's rules (chain.pipeline): moves between stages, overdue next steps with fixed
dates, the funnel, what is done per gap segment, and which signed projects the projected chain counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from chain import columns as cat
from chain import pipeline
from chain.pipeline import PipelineError, check_move

D = dt.date


def leads(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "company",
            "segment",
            "lead_stage",
            "next_due",
            "planned_investment",
            "expected_output",
            "local_name",
        ],
    )


def test_every_stage_is_named_in_both_languages_in_order() -> None:
    assert [*pipeline.STAGES, pipeline.TERMINATED] == list(cat.LEAD_STAGES)
    assert [cat.value_name(cat.LEAD_STAGES, s) for s in cat.LEAD_STAGES] == [
        "线索",
        "接洽",
        "考察",
        "洽谈",
        "签约",
        "开工",
        "投产",
        "终止",
    ]


@pytest.mark.parametrize(("old", "new"), [("lead", "contact"), ("lead", "signed"), ("signed", "operating")])
def test_moving_forward_is_allowed_and_may_skip_stages(old: str, new: str) -> None:
    check_move(old, new)


def test_moving_back_needs_a_reason() -> None:
    with pytest.raises(PipelineError) as refused:
        check_move("signed", "negotiating")
    assert refused.value.code == "back_needs_reason"
    assert "签约" in refused.value.message("zh") and "洽谈" in refused.value.message("zh")
    with pytest.raises(PipelineError):
        check_move("signed", "negotiating", "   ")  # white space is no reason
    check_move("signed", "negotiating", "对方董事会未批准")


def test_stopping_needs_a_reason_and_a_plant_in_production_cannot_stop() -> None:
    with pytest.raises(PipelineError) as refused:
        check_move("visit", "terminated")
    assert refused.value.code == "stop_needs_reason"
    check_move("visit", "terminated", "对方转投湖北")
    with pytest.raises(PipelineError) as refused:
        check_move("operating", "terminated", "停产")
    assert refused.value.code == "stop_operating"


def test_reopening_a_stopped_lead_needs_a_reason_and_a_standstill_is_no_move() -> None:
    with pytest.raises(PipelineError) as refused:
        check_move("terminated", "contact")
    assert refused.value.code == "reopen_needs_reason"
    check_move("terminated", "contact", "对方重新联系")
    with pytest.raises(PipelineError) as refused:
        check_move("visit", "visit")
    assert refused.value.code == "unchanged"
    with pytest.raises(PipelineError) as refused:
        check_move("visit", "won")
    assert refused.value.code == "unknown_stage"


def test_project_statuses_map_onto_stages_and_building_is_started() -> None:
    assert {
        s: pipeline.stage_of_project(s) for s in ("lead", "negotiating", "signed", "building", "operating")
    } == {
        "lead": "lead",
        "negotiating": "negotiating",
        "signed": "signed",
        "building": "building",
        "operating": "operating",
    }


def test_a_lead_is_company_and_segment() -> None:
    assert pipeline.lead_key("甲公司", "煅烧") == pipeline.lead_key("甲公司\u200b ", "煅烧")
    assert pipeline.lead_key("甲公司", "煅烧") != pipeline.lead_key("甲公司", "电极")


def test_a_lead_without_company_or_with_negative_money_is_refused() -> None:
    with pytest.raises(PipelineError, match="company"):
        pipeline.LeadFields(" ", "煅烧").check()
    with pytest.raises(PipelineError, match="segment"):
        pipeline.LeadFields("甲", "").check()
    with pytest.raises(PipelineError) as refused:
        pipeline.LeadFields("甲", "煅烧", expected_output=-1.0).check()
    assert refused.value.code == "negative"


def test_overdue_and_due_soon_as_of_a_fixed_date() -> None:
    frame = leads(
        ("甲", "煅烧", "visit", D(2023, 10, 9), 0.0, 0.0, ""),  # a day late: overdue
        ("乙", "煅烧", "visit", D(2023, 10, 10), 0.0, 0.0, ""),  # due today: not overdue, due soon
        ("丙", "电极", "operating", D(2023, 1, 1), 0.0, 0.0, ""),  # landed: never overdue
        ("丁", "电极", "terminated", D(2023, 1, 1), 0.0, 0.0, ""),  # stopped: never overdue
        ("戊", "包装", "contact", None, 0.0, 0.0, ""),  # no date: never overdue
        ("己", "包装", "signed", D(2023, 10, 17), 0.0, 0.0, ""),  # 7 days ahead: due soon
        ("庚", "包装", "signed", D(2023, 10, 18), 0.0, 0.0, ""),  # 8 days ahead: not yet
    )
    as_of = D(2023, 10, 10)
    assert pipeline.overdue(frame, as_of).tolist() == [True, False, False, False, False, False, False]
    assert pipeline.due_soon(frame, as_of).tolist() == [False, True, False, False, False, True, False]
    # A later as-of date makes more of them overdue.
    assert pipeline.overdue(frame, D(2023, 10, 18)).tolist() == [True, True, False, False, False, True, False]


def test_the_funnel_counts_every_stage_in_order() -> None:
    frame = leads(
        ("甲", "煅烧", "visit", None, 100.0, 0.0, ""),
        ("乙", "煅烧", "visit", None, 50.0, 0.0, ""),
        ("丙", "电极", "signed", None, 3000.0, 0.0, ""),
        ("丁", "电极", "terminated", None, float("nan"), 0.0, ""),
    )
    funnel = pipeline.funnel(frame)
    assert funnel["lead_stage"].tolist() == list(cat.LEAD_STAGES)
    assert funnel["leads"].tolist() == [0, 0, 2, 0, 1, 0, 0, 1]
    assert funnel["planned_investment"].tolist() == [0.0, 0.0, 150.0, 0.0, 3000.0, 0.0, 0.0, 0.0]


def test_what_is_done_per_gap_segment() -> None:
    frame = leads(
        ("甲", "煅烧", "visit", None, 0.0, 0.0, ""),
        ("乙", "煅烧", "signed", None, 0.0, 0.0, ""),
        ("丙", "煅烧", "terminated", None, 0.0, 0.0, ""),
        ("丁", "电极", "operating", None, 0.0, 0.0, ""),
    )
    work = pipeline.segment_work(frame, ["煅烧", "电极", "包装"]).set_index("segment")
    assert work.loc["煅烧", "active"] == 2 and work.loc["煅烧", "signed"] == 1
    assert work.loc["煅烧", "lead_stage"] == "signed" and work.loc["煅烧", "companies"] == ("乙", "甲")
    assert work.loc["电极", "active"] == 0 and work.loc["电极", "signed"] == 1
    assert work.loc["电极", "lead_stage"] == "operating"
    assert work.loc["包装", "lead_stage"] == "" and work.loc["包装", "companies"] == ()


def test_the_projection_takes_signed_projects_once() -> None:
    frame = leads(
        ("甲", "煅烧", "negotiating", None, 0.0, 500.0, ""),  # not signed yet: not counted
        ("乙", "煅烧", "signed", None, 0.0, 300.0, ""),  # counted
        ("丙集团", "电极", "operating", None, 0.0, 800.0, "丙电极"),  # became 丙电极, listed: not again
        ("丁电极", "电极", "building", None, 0.0, 200.0, ""),  # the company itself is listed
        ("戊", "包装", "building", None, 0.0, float("nan"), ""),  # no expected output: nothing to add
    )
    listed = ["丙电极", "丁电极 "]
    projected = pipeline.projected_projects(frame, listed)
    assert projected[["company", "segment", "expected_output"]].to_numpy().tolist() == [["乙", "煅烧", 300.0]]
    assert pipeline.listed_projects(frame, listed)["company"].tolist() == ["丙集团", "丁电极"]


def test_an_import_fills_but_never_erases() -> None:
    now = {"owner": "张三", "expected_output": 100.0, "region": ""}
    incoming = {"owner": "李四", "expected_output": float("nan"), "region": "江苏"}
    assert pipeline.changes(now, incoming, ["owner", "expected_output", "region"]) == {
        "owner": ("张三", "李四"),
        "region": ("", "江苏"),
    }


def test_signed_projects_on_line_complete_the_tiny_chain_by_hand() -> None:
    from chain.gaps import what_if_projects
    from chain.load import load_workbook
    from tests.factory import make_workbook

    data = load_workbook(make_workbook()).data
    # TINY by hand: demand 原料 100 + 煅烧 150 + 包装 10 = 260, local supply 40 + 100 = 140; 3 of 4 segments
    # have a firm. A 包装 plant of 10 and a 煅烧 plant of 30 take 10 + 30 off the leakage: 180 / 260, 4 of 4.
    result = what_if_projects(data, None, [("包装", 10.0, "新纸箱厂"), ("煅烧", 30.0, "新煅烧厂")])
    assert result.before.completeness.segments == 0.75
    assert result.before.completeness.value == pytest.approx(140 / 260)
    assert result.after.completeness.segments == 1.0
    assert result.after.completeness.value == pytest.approx(180 / 260)
    # Two plants of one segment share its leakage: 50 bought outside, 30 + 40 meet all of it and no more.
    both = what_if_projects(data, None, [("煅烧", 30.0, "一厂"), ("煅烧", 40.0, "二厂")])
    after = both.after.segments.set_index("segment")
    assert after.loc["煅烧", "leakage"] == pytest.approx(0.0)
    assert after.loc["煅烧", "local_supply"] == pytest.approx(150.0)
    with pytest.raises(ValueError, match="same name"):
        what_if_projects(data, None, [("煅烧", 1.0, "一厂"), ("包装", 1.0, "一厂")])
    with pytest.raises(ValueError, match="already a local enterprise"):
        what_if_projects(data, None, [("煅烧", 1.0, "乙碳素")])
    assert what_if_projects(data, None, []).changes["delta"].tolist() == [0.0, 0.0]


def test_projects_signed_this_period_count_by_the_day_their_stage_changed() -> None:
    frame = pd.DataFrame(
        {
            "lead_stage": ["signed", "building", "signed", "visit"],
            "stage_changed_on": [D(2026, 1, 5), D(2025, 12, 31), None, D(2026, 3, 1)],
        }
    )
    assert pipeline.signed_since(frame, D(2026, 1, 1)) == 1
    assert pipeline.signed_since(frame, D(2025, 1, 1)) == 2

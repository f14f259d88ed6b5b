"""The recruiting loop's records in the database (chain.ledger): leads and demands written only by editors,
each write audited, imports that add and that change only when told, and the weekly list read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from chain import ledger
from chain.access import Actor
from chain.load import load_workbook
from chain.pipeline import PipelineError
from chain.store import Store, StoreError
from tests.store_support import BACKENDS, database

D = dt.date
ME = Actor.local()
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.xlsx"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    opened = Store.open(database(request.param, tmp_path))
    yield opened
    opened.close()


def lead(**fields: object) -> dict[str, object]:
    return {"company": "苏州吴江华弹化纤有限公司", "segment": "PBT高弹丝", "region": "江苏苏州", **fields}


def test_a_lead_is_added_once_per_company_and_segment(store: Store) -> None:
    first = ledger.add_lead(
        store, lead(score=0.8, reasons_zh=("外购多",), reasons_en=("bought outside",)), by=ME, origin="target"
    )
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.add_lead(store, lead(company=" 苏州吴江华弹化纤有限公司\u200b"), by=ME)
    assert refused.value.code == "lead_exists" and "线索" in refused.value.message("zh")
    ledger.add_lead(store, lead(segment="针织手套"), by=ME)
    frame = ledger.lead_frame(store)
    assert frame["lead_id"].tolist() == [first, first + 1]
    row = frame.iloc[0]
    assert (row["lead_stage"], row["origin"], row["score"], row["reasons_en"]) == (
        "lead",
        "target",
        0.8,
        ("bought outside",),
    )


def test_moves_follow_the_rules_and_are_logged(store: Store) -> None:
    lead_id = ledger.add_lead(store, lead(), by=ME)
    ledger.update_lead(
        store, lead_id, {"lead_stage": "signed", "expected_output": 24000.0}, by=ME, on=D(2023, 9, 1)
    )
    with pytest.raises(PipelineError):
        ledger.update_lead(store, lead_id, {"lead_stage": "contact"}, by=ME)
    with pytest.raises(PipelineError):
        ledger.update_lead(store, lead_id, {"lead_stage": "terminated"}, by=ME)
    after = ledger.update_lead(
        store, lead_id, {"lead_stage": "terminated"}, by=ME, reason="对方转投湖北", on=D(2023, 9, 5)
    )
    assert (after["lead_stage"], after["stop_reason"], after["expected_output"]) == (
        "terminated",
        "对方转投湖北",
        24000.0,
    )
    ledger.add_activity(store, lead_id, D(2023, 9, 6), "call", "电话回访", by=ME)
    log = ledger.activities(store, lead_id)
    assert log["activity_kind"].tolist() == ["call", "stage", "stage"]
    assert log["activity_note"].iloc[1] == "签约 → 终止：对方转投湖北"


def test_a_refused_move_changes_nothing(store: Store) -> None:
    lead_id = ledger.add_lead(store, lead(), by=ME)
    with pytest.raises(PipelineError):
        ledger.update_lead(store, lead_id, {"owner": "张三", "lead_stage": "terminated"}, by=ME)
    row = ledger.lead_frame(store).iloc[0]
    assert (row["owner"], row["lead_stage"]) == ("", "lead")
    assert ledger.activities(store, lead_id).empty


def test_a_viewer_cannot_write_leads_or_demands(store: Store) -> None:
    viewer = Actor("visitor", "proxy")  # unknown users are viewers by default
    with pytest.raises(StoreError) as refused:
        ledger.add_lead(store, lead(), by=viewer)
    assert refused.value.code == "forbidden"
    lead_id = ledger.add_lead(store, lead(), by=ME)
    with pytest.raises(StoreError):
        ledger.update_lead(store, lead_id, {"lead_stage": "signed"}, by=viewer)
    with pytest.raises(StoreError):
        ledger.add_demand(
            store,
            {"enterprise": "甲", "demand_type": "power", "detail": "x", "raised": D(2023, 1, 1)},
            by=viewer,
        )
    assert ledger.lead_frame(store)["lead_stage"].tolist() == ["lead"]
    assert ledger.demand_frame(store).empty


def demand(**fields: object) -> dict[str, object]:
    return {
        "enterprise": "汉阴县恒丰纺织有限公司",
        "demand_type": "labour",
        "detail": "挡车工缺口60人",
        "raised": D(2023, 6, 5),
        "responsible": "县人社局",
        "due": D(2023, 8, 31),
        "demand_status": "open",
        **fields,
    }


def test_a_demand_is_added_once_and_closed_with_a_date(store: Store) -> None:
    demand_id = ledger.add_demand(store, demand(), by=ME)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.add_demand(store, demand(detail=" 挡车工缺口60人 "), by=ME)
    assert refused.value.code == "demand_exists"
    with pytest.raises(ValueError, match="closed"):
        ledger.update_demand(store, demand_id, {"demand_status": "closed"}, by=ME)
    closed = ledger.update_demand(
        store,
        demand_id,
        {"demand_status": "closed", "closed": D(2023, 8, 22), "resolution": "培训补贴到位"},
        by=ME,
    )
    assert (closed["demand_status"], closed["closed"]) == ("closed", D(2023, 8, 22))
    reopened = ledger.update_demand(store, demand_id, {"demand_status": "in_progress"}, by=ME)
    assert reopened["closed"] is None


def test_importing_the_sample_adds_then_changes_only_when_told(store: Store) -> None:
    data = load_workbook(SAMPLE.read_bytes()).data
    projects = ledger.leads_from_projects(data.projects)
    plan = ledger.plan_leads(store, projects)
    assert len(plan.new) == len(data.projects) == 8 and not plan.changed
    assert ledger.apply_leads(store, plan, by=ME, overwrite=False) == (8, 0)
    stages = dict(
        zip(ledger.lead_frame(store)["segment"], ledger.lead_frame(store)["lead_stage"], strict=True)
    )
    assert stages["PBT高弹丝"] == "negotiating" and stages["装配式构件"] == "building"
    # The app moves the PBT lead on and gives it an owner; the sheet, imported again, says 洽谈.
    pbt = int(ledger.lead_frame(store).set_index("segment").loc["PBT高弹丝", "lead_id"])
    ledger.update_lead(store, pbt, {"lead_stage": "signed", "owner": "招商专班"}, by=ME)
    again = ledger.plan_leads(store, projects)
    assert not again.new and not again.changed and again.unchanged == 7
    assert len(again.refused) == 1 and "PBT" in again.refused[0][0]
    # A changed investment in the sheet is a change the user is asked about.
    edited = projects.assign(
        planned_investment=projects["planned_investment"].where(projects["segment"] != "针织手套", 9000.0)
    )
    plan = ledger.plan_leads(store, edited)
    assert [diff for _, diff in plan.changed] == [{"planned_investment": (8000.0, 9000.0)}]
    assert ledger.apply_leads(store, plan, by=ME, overwrite=False) == (0, 0)
    assert ledger.lead_frame(store).set_index("segment").loc["针织手套", "planned_investment"] == 8000.0
    assert ledger.apply_leads(store, plan, by=ME, overwrite=True) == (0, 1)
    assert ledger.lead_frame(store).set_index("segment").loc["针织手套", "planned_investment"] == 9000.0
    assert ledger.lead_frame(store).set_index("segment").loc["PBT高弹丝", "lead_stage"] == "signed"


def test_importing_the_demand_sheet_twice_adds_nothing_the_second_time(store: Store) -> None:
    data = load_workbook(SAMPLE.read_bytes()).data
    rows = ledger.demands_from_sheet(data.demands)
    plan = ledger.plan_demands(store, rows)
    assert len(plan.new) == len(data.demands) and not plan.refused
    ledger.apply_demands(store, plan, by=ME, overwrite=False)
    again = ledger.plan_demands(store, rows)
    assert again.empty and again.unchanged == len(data.demands)


def test_the_weekly_list_reads_back_and_updates_the_leads(store: Store) -> None:
    enterprises = pd.DataFrame({"name": ["汉阴县恒丰纺织有限公司"], "deputy": ["王XX"]})
    lead_id = ledger.add_lead(store, lead(owner="张三", next_step="回访", next_due=D(2023, 10, 9)), by=ME)
    ledger.add_demand(store, demand(), by=ME)
    for lang in ("zh", "en"):
        book = ledger.workspace_workbook(store, enterprises, lang, D(2023, 10, 10))
        leads_back = ledger.read_leads_xlsx(book)
        assert leads_back[["company", "owner", "next_step", "next_due"]].to_numpy().tolist() == [
            ["苏州吴江华弹化纤有限公司", "张三", "回访", D(2023, 10, 9)]
        ]
        demands_back = ledger.read_demands_xlsx(book)
        assert demands_back[["demand_type", "demand_status", "raised"]].to_numpy().tolist() == [
            ["labour", "open", D(2023, 6, 5)]
        ]
        assert ledger.plan_leads(store, leads_back).empty
        assert ledger.plan_demands(store, demands_back).empty
    # The team edits the owner and moves the lead on in Excel; the list, re-imported, updates the lead.
    edited = leads_back.assign(owner="李四", lead_stage="visit")
    plan = ledger.plan_leads(store, edited)
    assert plan.changed == ((lead_id, {"owner": ("张三", "李四"), "lead_stage": ("lead", "visit")}),)
    ledger.apply_leads(store, plan, by=ME, overwrite=True)
    assert ledger.lead_frame(store)[["owner", "lead_stage"]].to_numpy().tolist() == [["李四", "visit"]]


def test_a_weekly_list_with_a_bad_cell_is_refused_where_it_is(store: Store) -> None:
    import io

    import openpyxl

    ledger.add_lead(store, lead(), by=ME)
    book = openpyxl.load_workbook(
        io.BytesIO(
            ledger.workspace_workbook(store, pd.DataFrame({"name": [], "deputy": []}), "zh", D(2023, 1, 1))
        )
    )
    sheet = book["招商线索"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("阶段") + 1, value="谈妥了")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.read_leads_xlsx(buffer.getvalue())
    assert "第 2 行" in refused.value.message("zh") and "row 2" in refused.value.message("en")
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.read_leads_xlsx(b"not a workbook")
    assert refused.value.code == "bad_file"


def test_the_sample_seeds_a_pipeline_at_every_stage_and_a_ledger_once(store: Store) -> None:
    from chain import demands, pipeline

    data = load_workbook(SAMPLE.read_bytes()).data
    day = D(2026, 11, 30)
    assert ledger.seed_sample(store, data.projects, data.demands, by=Actor.system(), on=day)
    assert not ledger.seed_sample(store, data.projects, data.demands, by=Actor.system(), on=day)
    leads = ledger.lead_frame(store)
    assert set(leads["lead_stage"]) == {*pipeline.STAGES, pipeline.TERMINATED}
    assert leads.set_index("segment").loc["PBT高弹丝", "lead_stage"] == "negotiating"
    # Overdue by hand: 装配式 (6 days), 东营 (3), 魔芋 (2); due within 7 days: PBT (4), 延安 (5).
    assert pipeline.overdue(leads, day).sum() == 3 and pipeline.due_soon(leads, day).sum() == 2
    # The plants in production are listed firms now: the projection takes the signed glove plant and the
    # precast plant under construction, not them again.
    projected = pipeline.projected_projects(leads, data.enterprises["name"])
    assert sorted(projected["segment"]) == ["装配式构件", "针织手套"]
    ledger_rows = ledger.demand_frame(store)
    assert len(ledger_rows) == len(data.demands)
    assert (ledger_rows["demand_status"] == "closed").sum() == 9
    assert demands.overdue(ledger_rows, day).sum() == len(data.demands) - 9 == 11
    assert len(ledger.activities(store)) == 9


def test_every_write_is_audited_with_who_and_before_and_after(store: Store) -> None:
    lead_id = ledger.add_lead(store, lead(), by=ME)
    ledger.update_lead(store, lead_id, {"owner": "张三"}, by=ME)
    demand_id = ledger.add_demand(store, demand(), by=ME)
    ledger.update_demand(store, demand_id, {"resolution": "已对接培训机构"}, by=ME)
    trail = list(reversed(store.audit_log()))
    mine = [e for e in trail if e.action in ("lead.write", "demand.write")]
    assert [(e.action, e.target, e.user) for e in mine] == [
        ("lead.write", f"lead:{lead_id}", "local"),
        ("lead.write", f"lead:{lead_id}", "local"),
        ("demand.write", f"demand:{demand_id}", "local"),
        ("demand.write", f"demand:{demand_id}", "local"),
    ]
    assert mine[0].before is None and mine[0].after["company"] == "苏州吴江华弹化纤有限公司"
    assert (mine[1].before["owner"], mine[1].after["owner"]) == ("", "张三")
    assert mine[3].after["resolution"] == "已对接培训机构" and mine[3].after["raised"] == "2023-06-05"
    # A refused write leaves no trace.
    with pytest.raises(PipelineError):
        ledger.update_lead(store, lead_id, {"owner": "李四", "lead_stage": "terminated"}, by=ME)
    assert len(store.audit_log()) == len(trail)


def test_saving_a_lead_unchanged_writes_nothing(store: Store) -> None:
    lead_id = ledger.add_lead(store, lead(owner="张三"), by=ME)
    entries = len(store.audit_log())
    same = {
        "owner": "张三",
        "planned_investment": None,
        "next_due": None,
        "lead_stage": "lead",
        "region": "江苏苏州",
    }
    ledger.update_lead(store, lead_id, same, by=ME)
    assert len(store.audit_log()) == entries

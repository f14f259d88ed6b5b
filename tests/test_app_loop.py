"""The recruiting loop in the app (AppTest): a target added to the leads and moved to 签约 changes the
projected chain; a demand recorded and closed changes the overview's KPIs; a viewer's edit is refused by
the store, not only hidden; every page of the loop draws in both languages on the seeded sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chain import ledger
from chain.store import Store
from ui import workspace

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.usefixtures("fresh_caches", "own_data_dir")


@pytest.fixture(autouse=True)
def restart() -> None:
    workspace.clear()
    yield
    workspace.clear()


def start(path: str = "dashboard.py", lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    if path != "dashboard.py":
        at.switch_page(path).run()
    return at


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def stored(own_data_dir: Path) -> Store:
    return Store.open(f"sqlite:///{own_data_dir / 'chain.sqlite3'}", create=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "page",
    [
        "pages/10_pipeline.py",
        "pages/11_demands.py",
        "dashboard.py",
        "pages/6_what_if.py",
        "pages/5_enterprise.py",
        "pages/3_targets.py",
    ],
)
def test_the_loops_pages_draw_on_the_seeded_sample(page: str, lang: str) -> None:
    at = start(page, lang)
    clean(at)


def test_the_gap_pages_say_what_is_in_the_pipeline_and_the_data_page_exports_the_ledger() -> None:
    at = start("pages/2_gaps.py")
    clean(at)
    said = " ".join(str(i.value) for i in at.info)
    assert "在招商管道中" in said and "针织手套" in said and "装配式构件" in said
    assert len(at.get("plotly_chart")) == 2, "the gap charts are drawn whether or not a project is coming"
    at.switch_page("pages/1_chain_map.py").run()
    clean(at)
    assert any("在招商管道中" in str(c.value) for c in at.caption)
    at.switch_page("pages/7_data.py").run()
    clean(at)
    assert any("诉求台账是在本系统中编辑的记录" in str(c.value) for c in at.caption)


def test_a_target_added_to_the_leads_and_signed_changes_the_projected_chain(own_data_dir: Path) -> None:
    at = start("pages/6_what_if.py")
    clean(at)
    before = metrics(at)["环节完整度：现在 → 签约项目投产后"]
    at.switch_page("pages/3_targets.py").run()
    # 石油焦 is missing; its first target is not a lead yet.
    at.selectbox(key="targets_segment").set_value("石油焦").run()
    pick = at.multiselect(key="tg_leads_pick")
    first = next(o for o in pick.options if o.startswith("兰州西固"))
    pick.select(first).run()
    at.button(key="tg_leads_button").click().run()
    clean(at)
    assert "线索" in list(at.dataframe[0].value["lead_stage"])
    with stored(own_data_dir) as store:
        leads = ledger.lead_frame(store).set_index("company")
        lead_id = int(leads.loc["兰州西固炼化焦业有限公司", "lead_id"])
        assert leads.loc["兰州西固炼化焦业有限公司", "origin"] == "target"
        assert leads.loc["兰州西固炼化焦业有限公司", "reasons_zh"]
    at.switch_page("pages/10_pipeline.py").run()
    at.selectbox(key="pl_pick").set_value(lead_id).run()
    at.selectbox(key=f"pl_edit_stage_{lead_id}").set_value("signed")
    at.number_input(key=f"pl_edit_output_{lead_id}").set_value(20000.0)
    next(b for b in at.button if b.label == "保存").click().run()
    clean(at)
    at.switch_page("pages/6_what_if.py").run()
    clean(at)
    after = metrics(at)
    assert after["环节完整度：现在 → 签约项目投产后"] != before
    assert "兰州西固炼化焦业有限公司" in " ".join(str(m.value) for m in at.markdown)


def test_a_demand_recorded_and_closed_changes_the_overviews_kpis(own_data_dir: Path) -> None:
    import datetime as dt

    at = start()
    first = metrics(at)
    at.switch_page("pages/11_demands.py").run()
    at.text_input(key="dm_add_detail").input("申请标准化厂房")
    at.text_input(key="dm_add_responsible").input("县工信局")
    next(b for b in at.button if b.label == "登记").click().run()
    clean(at)
    at.switch_page("dashboard.py").run()
    added = metrics(at)
    assert int(added["未办结诉求"]) == int(first["未办结诉求"]) + 1
    with stored(own_data_dir) as store:
        rows = ledger.demand_frame(store)
        demand_id = int(rows[rows["detail"] == "申请标准化厂房"]["demand_id"].iloc[0])
    at.switch_page("pages/11_demands.py").run()
    at.selectbox(key="dm_pick").set_value(demand_id).run()
    at.selectbox(key=f"dm_edit_status_{demand_id}").set_value("closed")
    at.date_input(key=f"dm_edit_closed_{demand_id}").set_value(dt.date.today())
    next(b for b in at.button if b.label == "保存").click().run()
    clean(at)
    at.switch_page("dashboard.py").run()
    closed = metrics(at)
    assert int(closed["未办结诉求"]) == int(first["未办结诉求"])
    assert int(closed["已办结诉求"]) == int(first["已办结诉求"]) + 1


def test_closing_without_a_date_is_refused_in_the_page() -> None:
    at = start("pages/11_demands.py")
    pick = at.selectbox(key="dm_pick")
    demand_id = pick.value
    at.selectbox(key=f"dm_edit_status_{demand_id}").set_value("in_progress")
    at.selectbox(key=f"dm_edit_status_{demand_id}").set_value("closed")
    at.date_input(key=f"dm_edit_closed_{demand_id}").set_value(None)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert any("办结日期" in str(e.value) for e in at.error)


def test_a_viewers_edit_is_refused_by_the_store(own_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chain.access import Actor

    at = start("pages/10_pipeline.py")
    clean(at)
    monkeypatch.setattr(workspace, "acting_user", lambda: Actor("visitor", "proxy"))
    with stored(own_data_dir) as store:
        before = ledger.lead_frame(store)
    lead_id = at.selectbox(key="pl_pick").value
    at.text_input(key=f"pl_edit_owner_{lead_id}").input("不该改")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert at.error, "the refusal is said"
    with stored(own_data_dir) as store:
        assert ledger.lead_frame(store)["owner"].tolist() == before["owner"].tolist()


def test_a_viewer_reads_the_loop_without_edit_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    from chain.access import Actor, Role
    from ui import access

    monkeypatch.setattr(access, "current", lambda: access.Session(Actor("visitor", "proxy"), Role.VIEWER))
    for page in ("pages/10_pipeline.py", "pages/11_demands.py"):
        at = start(page)
        clean(at)
        assert any("修改需要编辑者角色" in str(c.value) for c in at.caption), page
        assert not list(at.get("form")), page
    at = start("pages/3_targets.py")
    clean(at)
    assert not at.multiselect, "no 加入线索库 for a viewer"

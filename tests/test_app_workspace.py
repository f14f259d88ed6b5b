"""The workspace in the app (AppTest): seeded on first start, uploads kept as snapshots, listed, switched,
made current, renamed and deleted, and still there after a server restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chain.store import BUNDLED_SAMPLES, Store
from tests.factory import make_workbook
from tests.markup import visible
from tests.store_support import workbook
from ui import workspace

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = pytest.mark.usefixtures("fresh_caches")

#: Snapshots the first start seeds (data/sample.xlsx, and data/sample_2022.xlsx once it ships): an upload's
#: snapshot id comes after them.
SEEDED = sum(path.is_file() for path in BUNDLED_SAMPLES)
UPLOADED = SEEDED + 1


@pytest.fixture(autouse=True)
def restart() -> None:
    """Each test starts a server afresh: no store left open by another test."""
    workspace.clear()
    yield
    workspace.clear()


def start(path: str = "dashboard.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if path != "dashboard.py":
        at.switch_page(path).run()
    return at


def sidebar_text(at: AppTest) -> str:
    return " ".join(visible(str(c.value)) for c in at.sidebar.caption)


def snapshot_table(at: AppTest):
    """The data page's list of snapshots (the audit trail and roles are tables too)."""
    return next(d.value for d in at.dataframe if "上传人" in d.value.columns)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def stored(own_data_dir: Path) -> Store:
    return Store.open(f"sqlite:///{own_data_dir / 'chain.sqlite3'}", create=False)


def test_the_first_start_seeds_the_bundled_sample_and_opens_on_it(own_data_dir: Path) -> None:
    at = start()
    assert_clean(at)
    assert "内置样例数据" in sidebar_text(at)
    assert "快照：2023年1-9月 · 内置样例（当前）" in sidebar_text(at)
    with stored(own_data_dir) as store:
        assert store.current().file_name == "sample.xlsx"


def test_an_upload_becomes_a_snapshot_that_survives_a_restart_once_made_current(own_data_dir: Path) -> None:
    at = start("pages/7_data.py")
    at.file_uploader[0].set_value(("tiny.xlsx", workbook("2024Q1"), XLSX)).run()
    assert_clean(at)
    status = " ".join(visible(str(m.value)) for m in at.markdown)
    assert f"已保存为快照 {UPLOADED}（tiny）" in status
    table = snapshot_table(at)
    assert list(table["报告期"])[:2] == ["2024Q1", "2023年1-9月"]
    assert list(table["上传人"]) == ["local"] + ["system"] * SEEDED
    assert list(table["当前"])[:2] == [False, True], "an upload does not take over what everyone opens on"

    at.selectbox(key="ws_pick").set_value(UPLOADED).run()
    at.button(key="ws_make_current").click().run()
    assert_clean(at)

    workspace.clear()  # the server restarts; a new session opens the app
    again = start()
    assert_clean(again)
    assert "快照：2024Q1 · tiny（当前）" in sidebar_text(again)
    assert "文件：tiny.xlsx" in sidebar_text(again)
    assert {m.label: m.value for m in again.metric}["产业链总产值"] == "1,100 万元"
    again.switch_page("pages/7_data.py").run()
    assert list(snapshot_table(again)["当前"]) == [True] + [False] * SEEDED


def test_the_sidebar_switches_this_session_to_another_snapshot() -> None:
    at = start("pages/7_data.py")
    at.file_uploader[0].set_value(("tiny.xlsx", workbook("2024Q1"), XLSX)).run()
    at.button(key="back_to_sample").click().run()
    assert "内置样例数据" in sidebar_text(at)
    at.sidebar.selectbox(key="snapshot_choice").set_value(UPLOADED).run()
    assert_clean(at)
    assert "快照：2024Q1 · tiny" in sidebar_text(at)
    at.switch_page("dashboard.py").run()
    assert {m.label: m.value for m in at.metric}["产业链总产值"] == "1,100 万元"
    # Another session still opens on the current snapshot.
    assert "内置样例数据" in sidebar_text(start())


def test_a_missing_period_is_asked_for_before_the_upload_is_kept(own_data_dir: Path) -> None:
    at = start("pages/7_data.py")
    at.file_uploader[0].set_value(("noperiod.xlsx", workbook(None), XLSX)).run()
    assert_clean(at)
    assert len(snapshot_table(at)) == SEEDED, "not kept without a period"
    at.text_input(key="ws_keep_period").input("2023年前三季度")
    at.text_input(key="ws_keep_label").input("补报")
    submit = next(b for b in at.button if b.label == "保存为快照")
    submit.click().run()
    assert_clean(at)
    with stored(own_data_dir) as store:
        kept = [s for s in store.snapshots() if s.label == "补报"]
        assert [(s.period, s.period_first_month, s.period_last_month) for s in kept] == [
            ("2023年前三季度", 1, 9)
        ]


def test_a_workbook_with_errors_is_not_kept(own_data_dir: Path) -> None:
    from tests.factory import TINY

    rows = [list(row) for row in TINY["企业"]]
    rows[2][4] = -5
    at = start("pages/7_data.py")
    at.file_uploader[0].set_value(("bad.xlsx", make_workbook(**{"企业": rows}), XLSX)).run()
    assert not at.exception
    with stored(own_data_dir) as store:
        assert len(store.snapshots()) == SEEDED


def test_rename_and_delete_after_confirmation(own_data_dir: Path) -> None:
    at = start("pages/7_data.py")
    at.file_uploader[0].set_value(("tiny.xlsx", workbook("2024Q1"), XLSX)).run()
    at.selectbox(key="ws_pick").set_value(UPLOADED).run()
    at.text_input(key=f"ws_label_{UPLOADED}").input("一季度").run()
    at.button(key="ws_rename").click().run()
    assert_clean(at)
    assert "一季度" in list(snapshot_table(at)["名称"])
    assert at.button(key="ws_delete").disabled, "delete waits for the confirmation"
    at.checkbox(key=f"ws_confirm_{UPLOADED}").check().run()
    at.button(key="ws_delete").click().run()
    assert_clean(at)
    with stored(own_data_dir) as store:
        assert sorted(s.id for s in store.snapshots()) == list(range(1, SEEDED + 1))


def test_an_unavailable_database_is_said_and_the_sample_still_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAIN_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    at = start()
    assert not at.exception
    assert "内置样例数据" in sidebar_text(at)
    assert "工作区数据库不可用" in sidebar_text(at)
    assert at.metric


def test_upload_times_read_on_the_readers_clock() -> None:
    """The snapshot list shows times in the browser's zone; UTC, said so, when there is none to use."""
    moment = dt.datetime(2026, 11, 29, 23, 53, tzinfo=dt.UTC)
    assert workspace.clock(moment, "Asia/Shanghai") == "2026-11-30 07:53"
    assert workspace.clock(moment, None) == workspace.clock(moment, "Nowhere/Town") == "2026-11-29 23:53 UTC"

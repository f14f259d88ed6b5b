"""Who may do what (issue #15): the policy, the store's check inside every write, the audit trail, the roles
command, and the app under each login mode (AppTest with ``st.user`` and the request's address mocked)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from chain import audit
from chain.__main__ import main as cli_main
from chain.access import ACTIONS, Actor, Policy, Role, authorise, effective_role, permits
from chain.errors import AccessDenied
from chain.load import load_workbook
from chain.store import Store, StoreError
from tests.markup import visible
from tests.store_support import BACKENDS, database, workbook
from ui import access as ui_access
from ui import workspace

ROOT = Path(__file__).resolve().parent.parent
ADMIN = Actor.system("admin-cli")
ALICE = Actor("alice@county.gov.cn", "oidc")
BOB = Actor("bob", "proxy")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    opened = Store.open(database(request.param, tmp_path))
    yield opened
    opened.close()


def add(store: Store, by: Actor, period: str = "2024Q1"):
    data = workbook(period)
    return store.add(data, "tiny.xlsx", load_workbook(data, source_name="tiny.xlsx"), by=by)


# ------------------------------------------------------------------------------------------------- policy


def test_roles_are_ordered_and_every_action_names_the_least_role() -> None:
    assert Role.VIEWER.rank < Role.EDITOR.rank < Role.ADMIN.rank
    assert permits(Role.EDITOR, "snapshot.add") and not permits(Role.VIEWER, "snapshot.add")
    assert permits(Role.ADMIN, "role.set") and not permits(Role.EDITOR, "role.set")
    assert not any(permits(None, action) for action in ACTIONS)
    with pytest.raises(KeyError):
        permits(Role.ADMIN, "no.such.action")  # an unknown write is a bug, never allowed by default


def test_the_installation_owner_is_an_admin_and_others_get_their_role_or_the_unknown_default() -> None:
    assert effective_role(Actor.local(), None, None) is Role.ADMIN
    assert effective_role(Actor.system(), Role.VIEWER, None) is Role.ADMIN
    assert effective_role(ALICE, Role.EDITOR, Role.VIEWER) is Role.EDITOR
    assert effective_role(ALICE, None, Role.VIEWER) is Role.VIEWER
    assert effective_role(ALICE, None, None) is None


def test_authorise_refuses_with_a_message_naming_the_user_and_action() -> None:
    with pytest.raises(AccessDenied) as raised:
        authorise(ALICE, Role.VIEWER, "snapshot.delete")
    assert raised.value.code == "forbidden"
    assert "alice@county.gov.cn" in raised.value.message("zh") and "snapshot.delete" in raised.value.message(
        "en"
    )
    authorise(ALICE, Role.EDITOR, "snapshot.delete")


def test_the_policy_is_one_setting_read_from_the_environment() -> None:
    assert Policy.from_env({}) == Policy()
    chosen = Policy.from_env(
        {
            "CHAIN_AUTH": "proxy",
            "CHAIN_AUTH_UNKNOWN_ROLE": "none",
            "CHAIN_PROXY_HEADER": "X-Remote-User",
            "CHAIN_TRUSTED_PROXIES": "10.0.0.5, 192.168.1.0/24",
        }
    )
    assert chosen.mode == "proxy" and chosen.unknown_role is None
    assert chosen.proxy_header == "X-Remote-User"
    assert chosen.trusted_proxies == ("10.0.0.5", "192.168.1.0/24")
    with pytest.raises(ValueError, match="CHAIN_AUTH"):
        Policy.from_env({"CHAIN_AUTH": "ldap"})
    with pytest.raises(ValueError):
        Policy.from_env({"CHAIN_AUTH": "proxy", "CHAIN_TRUSTED_PROXIES": "10.0.0.300"})
    with pytest.raises(StoreError):
        Policy.from_env({"CHAIN_AUTH_UNKNOWN_ROLE": "superuser"})


def test_the_proxy_header_is_honoured_only_from_the_configured_proxy() -> None:
    chosen = Policy(mode="proxy", trusted_proxies=("10.0.0.5", "192.168.1.0/24"))
    headers = {"Host": "chain", "x-forwarded-user": "bob"}
    assert chosen.proxy_actor("10.0.0.5", headers) == Actor("bob", "proxy")
    assert chosen.proxy_actor("192.168.1.77", headers) == Actor("bob", "proxy")
    for elsewhere in ("10.0.0.6", "127.0.0.1", "::1", "", None, "not-an-ip"):
        assert chosen.proxy_actor(elsewhere, headers) is None, elsewhere
    assert chosen.proxy_actor("10.0.0.5", {"Host": "chain"}) is None, "no header: nobody"
    assert chosen.proxy_actor("10.0.0.5", {"X-Forwarded-User": "  "}) is None


# ------------------------------------------------------------------------------------ the store's check


def test_a_viewers_writes_are_refused_by_the_store_itself(store: Store) -> None:
    kept = add(store, ADMIN).snapshot
    store.set_role(ALICE.name, Role.VIEWER, by=ADMIN)
    writes = {
        "snapshot.add": lambda: add(store, ALICE, "2024Q2"),
        "snapshot.rename": lambda: store.rename(kept.id, "x", by=ALICE),
        "snapshot.set_current": lambda: store.set_current(kept.id, by=ALICE),
        "snapshot.delete": lambda: store.delete(kept.id, by=ALICE),
        "role.set": lambda: store.set_role(ALICE.name, Role.ADMIN, by=ALICE),
    }
    for action, write in writes.items():
        with pytest.raises(AccessDenied) as raised:
            write()
        assert action in raised.value.message("en")
    assert [s.id for s in store.snapshots()] == [kept.id] and store.snapshot(kept.id).label == kept.label
    assert store.role_of(ALICE) is Role.VIEWER


def test_an_editor_manages_snapshots_but_not_roles_and_an_unknown_user_gets_the_default(store: Store) -> None:
    store.set_role(BOB.name, Role.EDITOR, by=ADMIN)
    kept = add(store, BOB).snapshot
    assert store.rename(kept.id, "一季度", by=BOB).label == "一季度"
    with pytest.raises(AccessDenied):
        store.set_role(BOB.name, Role.ADMIN, by=BOB)
    stranger = Actor("carol", "oidc")
    assert store.role_of(stranger) is Role.VIEWER
    closed = Store(store.engine, store.where, store.busy_timeout, unknown_role=None)
    assert closed.role_of(stranger) is None
    with pytest.raises(AccessDenied):
        closed.rename(kept.id, "y", by=stranger)


def test_a_role_taken_away_refuses_at_once_and_the_last_admin_stays(store: Store) -> None:
    store.set_role(ALICE.name, Role.ADMIN, by=ADMIN)
    store.set_role(BOB.name, Role.EDITOR, by=ALICE)
    store.set_role(BOB.name, None, by=ALICE)
    assert store.role_of(BOB) is Role.VIEWER
    with pytest.raises(AccessDenied):
        add(store, BOB)
    with pytest.raises(StoreError) as raised:
        store.set_role(ALICE.name, Role.EDITOR, by=ADMIN)
    assert raised.value.code == "last_admin"
    assert [(g.user, g.role) for g in store.roles()] == [(ALICE.name, Role.ADMIN)]


# ---------------------------------------------------------------------------------------------- audit


def test_every_write_leaves_who_when_what_and_before_after(store: Store) -> None:
    first = add(store, ADMIN, "2024Q1").snapshot
    second = add(store, ADMIN, "2024Q2").snapshot
    store.rename(second.id, "二季度", by=ADMIN)
    store.set_current(second.id, by=ADMIN)
    store.set_role(ALICE.name, Role.EDITOR, by=ADMIN)
    add(store, ADMIN, "2024Q2")  # the same bytes again: nothing written, nothing audited
    store.delete(first.id, by=ADMIN)
    trail = list(reversed(store.audit_log()))
    actions = [e.action for e in trail]
    assert actions == [
        "snapshot.add",
        "snapshot.add",
        "snapshot.rename",
        "snapshot.set_current",
        "role.set",
        "snapshot.delete",
    ]
    assert all(e.user == "admin-cli" and e.source == "system" for e in trail)
    added, _, renamed, current, role, deleted = trail
    assert added.before is None and added.after["period"] == "2024Q1" and str(first.id) in added.target
    assert renamed.before == {"label": "tiny"} and renamed.after == {"label": "二季度"}
    assert current.before == {"current": first.id} and current.after == {"current": second.id}
    assert role.target == f"user {ALICE.name}" and role.before is None and role.after == {"role": "editor"}
    assert deleted.before["id"] == first.id and deleted.after is None
    assert store.audit_log(limit=2) == list(reversed(trail))[:2]


def test_a_refused_write_leaves_no_audit_entry_and_nothing_changed(store: Store) -> None:
    kept = add(store, ADMIN).snapshot
    before = store.audit_log()
    with pytest.raises(AccessDenied):
        store.delete(kept.id, by=ALICE)  # an unknown user: viewer
    assert store.audit_log() == before and store.snapshot(kept.id) == kept


def test_the_audit_export_reads_back_with_its_headers_and_text_kept_as_text(store: Store) -> None:
    kept = add(store, ADMIN).snapshot
    store.rename(kept.id, "=HYPERLINK(1)", by=ADMIN)
    table = audit.frame(store.audit_log())
    headers = {key: key.upper() for key in audit.COLUMNS}
    sheet = openpyxl.load_workbook(io.BytesIO(audit.to_xlsx(table, headers, "Audit"))).active
    rows = list(sheet.values)
    assert rows[0] == tuple(key.upper() for key in audit.COLUMNS)
    assert [row[3] for row in rows[1:]] == ["snapshot.rename", "snapshot.add"]
    assert rows[1][6] == '{"label": "=HYPERLINK(1)"}' and sheet.cell(2, 7).data_type == "s"
    assert rows[1][0].year >= 2026 and sheet.freeze_panes == "A2"


# ------------------------------------------------------------------------------------------ command line


def test_the_role_and_audit_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    assert cli_main(["db", "init", "--db", url]) == 0
    assert cli_main(["db", "role", "alice@county.gov.cn", "editor", "--db", url]) == 0
    assert cli_main(["db", "role", "bob", "superuser", "--db", url]) == 2
    capsys.readouterr()
    assert cli_main(["db", "role", "--db", url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["alice@county.gov.cn", "editor"]]
    assert cli_main(["db", "audit", "--json", "--db", url]) == 0
    entries = json.loads(capsys.readouterr().out)["audit"]
    assert [(e["action"], e["target"], e["after"]) for e in entries] == [
        ("role.set", "user alice@county.gov.cn", {"role": "editor"})
    ]
    assert entries[0]["user"].startswith("cli:") or entries[0]["source"] == "system"


# ------------------------------------------------------------------------------------------------ the app


def _app(monkeypatch: pytest.MonkeyPatch, mode: str, **env: str) -> AppTest:
    monkeypatch.setenv("CHAIN_AUTH", mode)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    ui_access.policy.clear()
    workspace.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    return at


@pytest.fixture
def app_env(own_data_dir: Path) -> Path:
    yield own_data_dir
    ui_access.policy.clear()
    workspace.clear()


def _texts(at: AppTest) -> str:
    return " ".join(visible(str(e.value)) for e in [*at.info, *at.error, *at.caption, *at.markdown])


def test_oidc_mode_asks_a_signed_out_user_to_sign_in(monkeypatch: pytest.MonkeyPatch, app_env: Path) -> None:
    at = _app(monkeypatch, "oidc")
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert "请先登录" in _texts(at)
    assert at.button(key="auth_login") is not None
    assert not at.metric, "nothing of the chain is shown before signing in"


def _open_data_page(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/7_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_viewer_explores_but_sees_no_upload_or_management(
    monkeypatch: pytest.MonkeyPatch, app_env: Path
) -> None:
    at = _app(monkeypatch, "oidc")
    at.user = {"is_logged_in": True, "email": "viewer@county.gov.cn"}
    _open_data_page(at)
    assert "您的角色是“查看”" in _texts(at)
    assert not at.file_uploader
    keys = {b.key for b in at.button}
    assert "ws_open" in keys and not keys & {"ws_make_current", "ws_rename", "ws_delete"}
    assert "当前用户：viewer@county.gov.cn（查看）" in _texts(at)


def test_an_editor_uploads_and_manages_and_an_admin_assigns_roles(
    monkeypatch: pytest.MonkeyPatch, app_env: Path
) -> None:
    with Store.open(f"sqlite:///{app_env / 'chain.sqlite3'}") as store:
        store.set_role("ed@county.gov.cn", Role.EDITOR, by=ADMIN)
        store.set_role("boss@county.gov.cn", Role.ADMIN, by=ADMIN)
    at = _app(monkeypatch, "oidc")
    at.user = {"is_logged_in": True, "email": "ed@county.gov.cn"}
    _open_data_page(at)
    assert at.file_uploader and {"ws_make_current", "ws_delete"} <= {b.key for b in at.button}
    assert "roles_user" not in {t.key for t in at.text_input}, "roles are for admins"
    assert any("操作人" in d.value.columns for d in at.dataframe), "editors see the audit trail"

    at = _app(monkeypatch, "oidc")
    at.user = {"is_logged_in": True, "email": "boss@county.gov.cn"}
    _open_data_page(at)
    at.text_input(key="roles_user").input("new@county.gov.cn")
    at.selectbox(key="roles_role_zh").set_value("editor")
    at.button[[b.label for b in at.button].index("保存角色")].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Store.open(f"sqlite:///{app_env / 'chain.sqlite3'}") as store:
        assert store.role_of(Actor("new@county.gov.cn", "oidc")) is Role.EDITOR
        assert store.audit_log(limit=1)[0].user == "boss@county.gov.cn"


def test_a_user_without_a_role_is_refused_when_unknown_users_get_none(
    monkeypatch: pytest.MonkeyPatch, app_env: Path
) -> None:
    at = _app(monkeypatch, "oidc", CHAIN_AUTH_UNKNOWN_ROLE="none")
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert not at.exception
    assert "stranger@example.com 已登录，但还没有使用权限" in _texts(at)
    assert not at.metric


def test_local_mode_needs_no_login_and_the_local_user_is_an_admin(
    monkeypatch: pytest.MonkeyPatch, app_env: Path
) -> None:
    at = _app(monkeypatch, "local")
    _open_data_page(at)
    assert at.file_uploader and "roles_user" in {t.key for t in at.text_input}
    assert "当前用户" not in _texts(at), "no badge: there is nobody else"

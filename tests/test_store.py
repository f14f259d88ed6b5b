"""The workspace store on SQLite and on a real PostgreSQL server: snapshots, transactions, migrations, errors."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import chain.store as store_module
from chain.access import Actor
from chain.load import load_workbook
from chain.store import SNAPSHOT_JSON, Store, StoreError, alembic_config, metadata, seed
from tests.factory import TINY, make_workbook
from tests.store_support import BACKENDS, database, workbook

TESTER = Actor.system("tester")
#: The newest migration: a new one must not make these tests stale.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database(request.param, tmp_path)


@pytest.fixture
def store(url: str) -> Store:
    opened = Store.open(url)
    yield opened
    opened.close()


def add(store: Store, data: bytes, name: str = "tiny.xlsx", **kwargs: object):
    return store.add(data, name, load_workbook(data, source_name=name), by=TESTER, **kwargs)


# ---------------------------------------------------------------------------------------------- snapshots


def test_a_new_database_is_at_the_newest_schema_and_empty(store: Store) -> None:
    assert store.revision() == HEAD
    assert store.snapshots() == []
    assert store.current() is None


def test_an_accepted_workbook_becomes_a_snapshot_with_everything_kept(store: Store) -> None:
    template = [list(row) for row in TINY["产业链图谱"]]
    template[1][3] = "原料"  # a self-loop: a warning the report must keep
    settings = [["项目", "值"], ["县名", "测试县"], ["报告期", "2023年1—9月"]]
    data = make_workbook(**{"产业链图谱": template, "设置": settings})
    imported = add(store, data, label="三季度报表")
    snapshot = imported.snapshot
    assert imported.created
    assert (snapshot.county, snapshot.period, snapshot.label) == ("测试县", "2023年1—9月", "三季度报表")
    assert (snapshot.period_year, snapshot.period_first_month, snapshot.period_last_month) == (2023, 1, 9)
    assert snapshot.sha256 == hashlib.sha256(data).hexdigest()
    assert snapshot.file_name == "tiny.xlsx" and snapshot.size == len(data)
    assert snapshot.uploaded_by == "tester"
    assert snapshot.uploaded_at.tzinfo is not None and snapshot.uploaded_at.utcoffset().total_seconds() == 0
    assert snapshot.current, "the first snapshot of a workspace is current"
    assert store.file(snapshot.id) == data
    assert store.snapshots() == [snapshot]
    report = store.report(snapshot.id)
    assert report["errors"] == []
    expected = load_workbook(data).warnings
    assert [w["code"] for w in report["warnings"]] == [w.code for w in expected]
    assert {"sheet", "row", "column", "value", "message_zh", "message_en"} <= set(report["warnings"][0])
    assert list(snapshot.to_json()) == list(SNAPSHOT_JSON), "docs/cli.md documents exactly the keys printed"


def test_the_label_defaults_to_the_file_name_and_the_period_can_be_given(store: Store) -> None:
    snapshot = add(store, workbook(None), "县报表.xlsx", period="2024年上半年").snapshot
    assert snapshot.label == "县报表"
    assert (snapshot.period, snapshot.period_first_month, snapshot.period_last_month) == (
        "2024年上半年",
        1,
        6,
    )


def test_the_same_bytes_again_are_not_a_second_snapshot(store: Store) -> None:
    data = workbook()
    first = add(store, data)
    again = add(store, data, "renamed.xlsx", label="another")
    assert not again.created
    assert again.snapshot == first.snapshot
    assert len(store.snapshots()) == 1


@pytest.mark.parametrize(
    ("period", "code"), [(None, "period_missing"), ("", "period_missing"), ("明年", "period_invalid")]
)
def test_a_workbook_without_a_readable_period_is_refused_until_one_is_given(
    store: Store, period: str | None, code: str
) -> None:
    data = workbook(period)
    with pytest.raises(StoreError) as raised:
        add(store, data)
    assert raised.value.code == code
    assert raised.value.message("zh") and raised.value.message("en")
    assert store.snapshots() == []
    assert add(store, data, period="2023Q3").snapshot.period_first_month == 7


def test_only_a_workbook_without_errors_becomes_a_snapshot(store: Store) -> None:
    rows = [list(row) for row in TINY["企业"]]
    rows[2][4] = -5
    data = make_workbook(**{"企业": rows})
    with pytest.raises(StoreError) as raised:
        add(store, data)
    assert raised.value.code == "not_accepted"
    skipped = load_workbook(data, skip_error_rows=True)
    assert skipped.ok and skipped.data.excluded_rows, "rows left out are still errors: not a snapshot"
    with pytest.raises(StoreError) as raised:
        store.add(data, "bad.xlsx", skipped, by=TESTER)
    assert raised.value.code == "not_accepted"
    assert store.snapshots() == []


def test_one_snapshot_is_current_and_an_upload_does_not_take_over_unless_asked(store: Store) -> None:
    first = add(store, workbook("2022年1-9月", output=1)).snapshot
    second = add(store, workbook("2023年1-9月", output=2)).snapshot
    assert not second.current and store.current() == store.snapshot(first.id)
    third = add(store, workbook("2024年1-9月", output=3), current=True).snapshot
    assert third.current
    assert [s.id for s in store.snapshots() if s.current] == [third.id]
    store.set_current(first.id, by=TESTER)
    assert [s.id for s in store.snapshots() if s.current] == [first.id]
    # Newest period first.
    assert [s.period for s in store.snapshots()] == ["2024年1-9月", "2023年1-9月", "2022年1-9月"]


def test_rename_changes_the_label_only(store: Store) -> None:
    data = workbook()
    snapshot = add(store, data).snapshot
    renamed = store.rename(snapshot.id, "  定稿  ", by=TESTER)
    assert renamed.label == "定稿"
    assert renamed.sha256 == snapshot.sha256 and store.file(snapshot.id) == data
    with pytest.raises(StoreError) as raised:
        store.rename(snapshot.id, " ", by=TESTER)
    assert raised.value.code == "empty_label"


def test_deleting_the_current_snapshot_makes_the_newest_period_left_current(store: Store) -> None:
    old = add(store, workbook("2021年", output=1)).snapshot
    newest = add(store, workbook("2023年1-9月", output=2)).snapshot
    current = add(store, workbook("2022年1-9月", output=3), current=True).snapshot
    assert store.delete(current.id, by=TESTER) == store.snapshot(newest.id)
    assert store.current().id == newest.id
    assert store.delete(old.id, by=TESTER) is None
    assert [s.id for s in store.snapshots()] == [newest.id]
    with pytest.raises(StoreError) as raised:
        store.file(old.id)
    assert raised.value.code == "not_found"
    store.delete(newest.id, by=TESTER)
    assert store.current() is None and store.snapshots() == []


@pytest.mark.parametrize("write", ["rename", "set_current", "delete"])
def test_a_write_on_a_snapshot_that_does_not_exist_says_so(store: Store, write: str) -> None:
    args = (99, "x") if write == "rename" else (99,)
    with pytest.raises(StoreError) as raised:
        getattr(store, write)(*args, by=TESTER)
    assert raised.value.code == "not_found" and "99" in raised.value.message("zh")


def test_every_write_names_the_acting_user() -> None:
    with pytest.raises(StoreError) as raised:
        Actor(" ", "oidc")
    assert raised.value.code == "no_user"


def test_the_backup_zip_holds_every_original_workbook_and_what_each_is(store: Store) -> None:
    files = {
        add(store, data).snapshot.id: data for data in (workbook(output=1), workbook("2022年", output=2))
    }
    with zipfile.ZipFile(io.BytesIO(store.backup_zip())) as archive:
        manifest = json.loads(archive.read("snapshots.json"))["snapshots"]
        assert {entry["id"] for entry in manifest} == set(files)
        for entry in manifest:
            assert archive.read(entry["file"]) == files[entry["id"]]
            assert entry["file"].endswith("tiny.xlsx") and "测试县" in entry["file"]


def test_seeding_imports_the_bundled_samples_once_the_last_current(store: Store, tmp_path: Path) -> None:
    older, newer = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    older.write_bytes(workbook("2022年1-9月", output=1))
    newer.write_bytes(workbook("2023年1-9月", output=2))
    imported = seed(store, (older, tmp_path / "absent.xlsx", newer))
    assert [i.snapshot.period for i in imported] == ["2022年1-9月", "2023年1-9月"]
    assert store.current().period == "2023年1-9月"
    assert all(s.uploaded_by == "system" for s in store.snapshots())
    assert seed(store, (older, newer)) == [], "a workspace with snapshots is never seeded again"


def test_seeding_the_bundled_sample(store: Store) -> None:
    imported = seed(store)
    assert imported, "data/sample.xlsx ships with the app"
    assert store.current().county and store.current().period_year


# ------------------------------------------------------------------------------------------- reliability


def test_a_crash_in_the_middle_of_an_import_leaves_nothing_behind(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = add(store, workbook(output=1)).snapshot

    def crash(*_: object) -> None:
        raise RuntimeError("power cut after the snapshot row, before its bytes")

    monkeypatch.setattr(store_module, "_write_bytes", crash)
    with pytest.raises(RuntimeError):
        add(store, workbook("2024年", output=2), current=True)
    assert store.snapshots() == [kept]
    assert store.current() == kept
    with store.engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(store_module.snapshot_files)).scalar()
            == 1
        )


def _race(url: str, payloads: list[bytes]) -> list[object]:
    """Two writers, each with its own store (own connections), importing at the same moment: the first
    holds its transaction open until the second has started its import, so they overlap."""
    results: list[object] = [None, None]
    started = threading.Event()
    barrier = threading.Barrier(2)
    original = store_module._write_bytes

    def slow_first(connection, snapshot_id, data):
        if threading.current_thread().name == "writer-0":
            started.wait(timeout=60)
        original(connection, snapshot_id, data)

    def run(index: int) -> None:
        own = Store.open(url)
        try:
            barrier.wait()
            if index == 1:
                started.set()
            results[index] = add(own, payloads[index], f"w{index}.xlsx")
        except Exception as exc:
            results[index] = exc
        finally:
            own.close()

    store_module._write_bytes = slow_first
    try:
        threads = [threading.Thread(target=run, args=(i,), name=f"writer-{i}") for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        store_module._write_bytes = original
    return results


def test_two_sessions_importing_at_once_both_succeed(store: Store, url: str) -> None:
    results = _race(url, [workbook(output=1), workbook("2024年", output=2)])
    assert all(getattr(r, "created", False) for r in results), results
    assert len(store.snapshots()) == 2
    assert len([s for s in store.snapshots() if s.current]) == 1


def test_two_sessions_importing_the_same_bytes_at_once_keep_one(store: Store, url: str) -> None:
    data = workbook()
    results = _race(url, [data, data])
    assert sorted(getattr(r, "created", None) for r in results) == [False, True], results
    assert len(store.snapshots()) == 1


def test_a_locked_sqlite_database_gets_a_clear_message(tmp_path: Path) -> None:
    url = database("sqlite", tmp_path)
    Store.open(url).close()
    holder = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # The wait is bounded by the store's busy timeout; the lock is held until after the attempt.
        waiting = Store.open(url, busy_timeout=0.2)
        with pytest.raises(StoreError) as raised:
            add(waiting, workbook())
        assert raised.value.code == "locked"
        assert "占用" in raised.value.message("zh") and "locked" in raised.value.message("en")
        waiting.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_read_only_database_is_read_and_refuses_writes_clearly(tmp_path: Path) -> None:
    url = database("sqlite", tmp_path)
    with Store.open(url) as writable:
        add(writable, workbook())
    read_only = Store.open(f"sqlite:///file:{tmp_path / 'store.sqlite3'}?mode=ro&uri=true")
    assert len(read_only.snapshots()) == 1
    with pytest.raises(StoreError) as raised:
        add(read_only, workbook("2024年", output=2))
    assert raised.value.code == "read_only"
    read_only.close()


def test_a_missing_database_is_not_created_when_only_reading(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as raised:
        Store.open(f"sqlite:///{tmp_path / 'typo.sqlite3'}", create=False)
    assert raised.value.code == "missing"
    assert not (tmp_path / "typo.sqlite3").exists()


def test_the_default_database_is_created_in_the_data_folder(own_data_dir: Path) -> None:
    with Store.open() as opened:
        assert opened.snapshots() == []
    assert (own_data_dir / "chain.sqlite3").is_file()


def test_an_unreachable_postgresql_server_gets_a_clear_message() -> None:
    with pytest.raises(StoreError) as raised:
        Store.open("postgresql://nobody@127.0.0.1:1/none")
    assert raised.value.code == "unreachable"
    assert "无法连接" in raised.value.message("zh")


def test_a_database_written_by_a_newer_version_is_refused(store: Store, url: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    assert raised.value.code == "newer_schema" and "9999" in raised.value.message("en")


def test_the_sqlite_online_backup_is_a_working_database(tmp_path: Path) -> None:
    with Store.open(database("sqlite", tmp_path)) as opened:
        data = workbook()
        add(opened, data)
        opened.backup_database(tmp_path / "backup.sqlite3")
    with Store.open(f"sqlite:///{tmp_path / 'backup.sqlite3'}", create=False) as copy:
        assert copy.file(copy.current().id) == data


# -------------------------------------------------------------------------------------------- migrations


def test_the_migrated_schema_is_the_schema_the_code_uses(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_upgrading_from_the_previous_revision_keeps_the_data_and_reads_the_periods(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        rows = [(1, "2023年1-9月", "a" * 64, b"first"), (2, "某年某月", "b" * 64, b"second")]
        for snapshot_id, period, sha, data in rows:
            connection.execute(
                sa.text(
                    "INSERT INTO snapshots (id, workspace_id, county, period, label, uploaded_at, uploaded_by,"
                    " sha256, file_name, size, is_current, report) VALUES (:id, 1, '测试县', :period, 'l',"
                    " :at, 'u', :sha, 'f.xlsx', 5, :current, '{\"errors\": [], \"warnings\": []}')"
                ),
                {
                    "id": snapshot_id,
                    "period": period,
                    "sha": sha,
                    "at": datetime(2024, 1, 1, tzinfo=UTC),
                    "current": snapshot_id == 1,
                },
            )
            connection.execute(
                sa.text("INSERT INTO snapshot_files (snapshot_id, data) VALUES (:id, :data)"),
                {"id": snapshot_id, "data": data},
            )
    engine.dispose()
    with Store.open(url) as upgraded:
        assert upgraded.revision() == HEAD
        listed = {s.id: s for s in upgraded.snapshots()}
        assert (listed[1].period_year, listed[1].period_first_month, listed[1].period_last_month) == (
            2023,
            1,
            9,
        )
        assert listed[2].period_year is None, "an unreadable period is kept as text, not guessed"
        assert upgraded.file(1) == b"first" and upgraded.file(2) == b"second"
        assert upgraded.current().id == 1


def test_every_revision_downgrades_and_upgrades_again(store: Store) -> None:
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert MigrationContext.configure(connection).get_current_heads() == ()
    store.migrate()
    assert store.revision() == HEAD

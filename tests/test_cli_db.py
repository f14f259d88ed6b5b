"""``python -m chain db``: init, import, list, export, rename, current, delete and backups, on a test database."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from chain.__main__ import main
from chain.store import Store, alembic_config
from tests.factory import TINY, make_workbook
from tests.store_support import BACKENDS, database, workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database(request.param, tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def listed(capsys: pytest.CaptureFixture[str], url: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "db", "list", "--json", "--db", url)
    assert code == 0
    return json.loads(out)["snapshots"]


def test_init_creates_an_empty_database(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = run(capsys, "db", "init", "--db", url)
    assert code == 0 and out == ""
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() in err
    assert listed(capsys, url) == []


def test_import_prints_the_new_id_and_list_shows_it(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    data = workbook("2023年1-9月")
    path = write(tmp_path, "q3.xlsx", data)
    code, out, _ = run(capsys, "db", "import", path, "--label", "三季度", "--db", url)
    assert code == 0
    new_id = int(out)
    [record] = listed(capsys, url)
    assert set(record) == {"id", "county", "period", "label", "sha256", "uploaded_at", "current"}
    assert (record["id"], record["county"], record["period"], record["label"], record["current"]) == (
        new_id,
        "测试县",
        "2023年1-9月",
        "三季度",
        True,
    )
    assert record["uploaded_at"].endswith("+00:00")


def test_importing_the_same_bytes_again_says_so_and_exits_0(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "q3.xlsx", workbook())
    _, first, _ = run(capsys, "db", "import", path, "--db", url)
    code, again, err = run(capsys, "db", "import", path, "--db", url, "--lang", "en")
    assert code == 0 and again == first
    assert "already imported" in err
    assert len(listed(capsys, url)) == 1


def test_a_workbook_with_errors_is_not_imported(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    rows = [list(row) for row in TINY["企业"]]
    rows[2][4] = -5
    path = write(tmp_path, "bad.xlsx", make_workbook(**{"企业": rows}))
    assert run(capsys, "db", "init", "--db", url)[0] == 0
    code, out, err = run(capsys, "db", "import", path, "--db", url)
    assert code == 1 and out == ""
    assert "企业 第3行" in err and "没有保存为快照" in err
    assert listed(capsys, url) == []


def test_a_missing_period_is_given_with_period(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "noperiod.xlsx", workbook(None))
    code, out, err = run(capsys, "db", "import", path, "--db", url, "--lang", "en")
    assert code == 1 and out == "" and "--period" in err
    code, out, _ = run(capsys, "db", "import", path, "--period", "2023年前三季度", "--db", url)
    assert code == 0
    assert listed(capsys, url)[0]["period"] == "2023年前三季度"


def test_export_rename_current_and_delete(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    first = workbook("2022年1-9月", output=1)
    second = workbook("2023年1-9月", output=2)
    one = run(capsys, "db", "import", write(tmp_path, "a.xlsx", first), "--db", url)[1].strip()
    two = run(capsys, "db", "import", write(tmp_path, "b.xlsx", second), "--db", url)[1].strip()

    out_file = tmp_path / "out.xlsx"
    assert run(capsys, "db", "export", two, "-o", str(out_file), "--db", url)[0] == 0
    assert out_file.read_bytes() == second

    assert run(capsys, "db", "rename", one, "去年同期", "--db", url)[0] == 0
    assert run(capsys, "db", "current", two, "--db", url)[0] == 0
    records = {str(r["id"]): r for r in listed(capsys, url)}
    assert records[one]["label"] == "去年同期"
    assert records[two]["current"] and not records[one]["current"]

    code, _, err = run(capsys, "db", "delete", two, "--db", url)
    assert code == 2 and "--yes" in err
    assert len(listed(capsys, url)) == 2, "nothing is deleted without --yes"
    assert run(capsys, "db", "delete", two, "--yes", "--db", url)[0] == 0
    [left] = listed(capsys, url)
    assert str(left["id"]) == one and left["current"]

    code, _, err = run(capsys, "db", "export", "99", "-o", str(out_file), "--db", url)
    assert code == 2 and "99" in err


def test_backup_zip_holds_the_original_workbooks(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    data = workbook()
    run(capsys, "db", "import", write(tmp_path, "a.xlsx", data), "--db", url)
    target = tmp_path / "all.zip"
    assert run(capsys, "db", "backup-zip", "-o", str(target), "--db", url)[0] == 0
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".xlsx")]
        assert archive.read(name) == data


def test_list_on_a_database_that_does_not_exist_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "db", "list", "--db", f"sqlite:///{tmp_path / 'nothing.sqlite3'}")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "db init" in err and "Traceback" not in err


def test_the_data_folder_setting_is_where_the_database_lives(
    capsys: pytest.CaptureFixture[str], own_data_dir: Path, tmp_path: Path
) -> None:
    assert run(capsys, "db", "import", write(tmp_path, "a.xlsx", workbook()))[0] == 0
    with Store.open(f"sqlite:///{own_data_dir / 'chain.sqlite3'}", create=False) as store:
        assert len(store.snapshots()) == 1


def test_python_m_chain_db_runs_as_a_program(tmp_path: Path, own_data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chain", "db", "import", write(tmp_path, "a.xlsx", workbook())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"

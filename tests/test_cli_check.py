"""``python -m chain check``: exit codes 0/1/2, readable lines on stderr, the JSON shape on stdout."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook as open_with_openpyxl

from chain.__main__ import main
from tests.factory import TINY, make_workbook

ROOT = Path(__file__).resolve().parent.parent


def bad_enterprises() -> list[list[object]]:
    rows = copy.deepcopy(TINY["企业"])
    rows[1][4] = "约500"
    rows[2][5] = 20.5
    return rows


@pytest.fixture
def workbooks(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "ok": make_workbook(),
        "warned": make_workbook(**{"设置": [["项目", "值"], ["负责人", "张三"]]}),
        "bad": make_workbook(**{"企业": bad_enterprises()}),
        "refused": b"name,output\n",
    }
    for name, data in paths.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    return {name: tmp_path / f"{name}.xlsx" for name in paths}


@pytest.mark.parametrize(
    ("case", "extra", "code"),
    [
        ("ok", [], 0),
        ("warned", [], 0),
        ("bad", [], 1),
        ("ok", ["--json"], 0),
        ("bad", ["--json", "--lang", "en"], 1),
        ("refused", [], 2),
        ("refused", ["--json"], 2),
        ("missing", [], 2),
    ],
)
def test_exit_codes(workbooks, tmp_path, capsys, case: str, extra: list[str], code: int) -> None:
    path = workbooks.get(case, tmp_path / "missing.xlsx")
    assert main(["check", str(path), *extra]) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if code == 2:
        assert captured.out == ""
        assert len(captured.err.strip().splitlines()) == 1


def test_errors_are_readable_lines_on_stderr(workbooks, capsys) -> None:
    assert main(["check", str(workbooks["bad"])]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert (
        "企业 第2行 产值(万元): “约500”不是数字。请只填数字（可带千分位逗号），不要带“约”“万”等文字。"
        in lines
    )
    assert "企业 第3行 用工人数: “20.5”不是整数。" in lines


def test_english_lines(workbooks, capsys) -> None:
    assert main(["check", str(workbooks["bad"]), "--lang", "en"]) == 1
    assert "企业 row 3 用工人数: '20.5' is not a whole number." in capsys.readouterr().err.splitlines()


def test_json_shape(workbooks, capsys) -> None:
    assert main(["check", str(workbooks["bad"]), "--json", "--lang", "en"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"errors", "warnings"}
    assert report["warnings"] == []
    assert report["errors"][0] == {
        "sheet": "企业",
        "row": 2,
        "column": "产值(万元)",
        "value": "约500",
        "code": "not_a_number",
        "message": "'约500' is not a number: write digits only (thousands commas are fine), no words or units.",
    }
    assert [e["code"] for e in report["errors"]] == ["not_a_number", "not_an_integer"]


def test_json_of_a_workbook_with_warnings_only(workbooks, capsys) -> None:
    assert main(["check", str(workbooks["warned"]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == []
    assert [w["code"] for w in report["warnings"]] == ["unknown_setting"]


@pytest.mark.parametrize("argv", [[], ["check"], ["nonsense", "x.xlsx"], ["check", "x.xlsx", "--lang", "fr"]])
def test_usage_errors_exit_2(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_module_runs_as_a_command(workbooks) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chain", "check", str(workbooks["bad"]), "--json"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    report = json.loads(done.stdout.decode("utf-8"))
    assert report["errors"][0]["message"].startswith("“约500”不是数字")


def test_analysis_commands_leave_out_rows_in_error_only_when_asked(workbooks, tmp_path, capsys) -> None:
    assert main(["gaps", str(workbooks["bad"]), "--lang", "en"]) == 1
    refused = capsys.readouterr().err
    assert "--skip-error-rows" in refused
    out = tmp_path / "gaps.xlsx"
    assert main(["gaps", str(workbooks["bad"]), "--skip-error-rows", "--lang", "en", "-o", str(out)]) == 0
    named = capsys.readouterr().err
    assert "left out: 企业 row 2 产值(万元)" in named and "left out: 企业 row 3 用工人数" in named
    about = {row[0]: row[1] for row in open_with_openpyxl(out).worksheets[0].iter_rows(values_only=True)}
    # The two firms, and the three links to them (甲矿业 -> 乙碳素, 外地矿 -> 乙碳素, 乙碳素 -> 丁电极).
    assert about["Rows left out"] == 5
    assert {"企业 row 2", "企业 row 3", "供需关系 row 2", "供需关系 row 3", "供需关系 row 4"} <= set(about)

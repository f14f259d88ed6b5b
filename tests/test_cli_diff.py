"""``python -m chain db diff A B [--json] [-o file.xlsx]`` on two hand-computed snapshots (tests/factory.py
COMPARE_BEFORE / COMPARE_AFTER; every figure is worked out in tests/test_compare.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chain.__main__ import main
from tests.factory import COMPARE_AFTER, COMPARE_BEFORE, make_workbook


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def imported(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, name: str, data: bytes) -> int:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, "db", "import", str(path), "--db", url)
    assert code == 0, err
    return int(out)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture
def pair(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path) -> tuple[int, int]:
    first = imported(capsys, url, tmp_path, "2024.xlsx", make_workbook(COMPARE_BEFORE))
    second = imported(capsys, url, tmp_path, "2025.xlsx", make_workbook(COMPARE_AFTER))
    return first, second


def test_json_has_the_issues_shape(
    capsys: pytest.CaptureFixture[str], url: str, pair: tuple[int, int]
) -> None:
    code, out, err = run(capsys, "db", "diff", *map(str, pair), "--json", "--db", url)
    assert code == 0, err
    document = json.loads(out)
    assert "戊包装" in out  # names as written, not \u-escaped
    assert document["comparable"] == "same_months"
    assert (document["from"]["id"], document["to"]["id"]) == pair
    assert document["from"]["period"] == "2024年1-3月" and document["to"]["months"] == 3
    packing = next(record for record in document["segments"] if record["segment"] == "包装")
    assert list(packing)[:5] == ["segment", "status_from", "status_to", "reason_from", "reason_to"]
    assert (packing["status_from"], packing["status_to"]) == ("missing", "weak")
    assert packing["reason_to"] == "只有1家本地企业，本地配套率 40% < 50%"
    assert (packing["firms_from"], packing["firms_to"]) == (0, 1)
    assert (packing["leakage_from"], packing["leakage_to"]) == (10, 6)
    assert (packing["local_share_from"], packing["local_share_to"]) == (0, 0.4)
    electrodes = next(record for record in document["segments"] if record["segment"] == "电极")
    assert electrodes["local_share_from"] is None
    assert document["firms_added"] == [
        {
            "segment": "包装",
            "name": "戊包装",
            "credit_code": document["firms_added"][0]["credit_code"],
            "output": 50,
        }
    ]
    assert [firm["name"] for firm in document["firms_removed"]] == ["甲矿业"]
    assert document["links_added"] == [
        {"segment": "包装", "supplier": "戊包装", "buyer": "丁电极", "value": 4}
    ]
    assert document["links_removed"] == [
        {"segment": "原料", "supplier": "甲矿业", "buyer": "乙碳素", "value": 40}
    ]
    assert document["changes"][1] == "原料：弱链 → 缺链 —— 本地减少 1 家企业，本地配套率 40% → 0%"
    assert document["completeness"]["to"]["value"] == pytest.approx(104 / 250)


def test_the_readable_diff_and_its_workbook(
    capsys: pytest.CaptureFixture[str], url: str, pair: tuple[int, int], tmp_path: Path
) -> None:
    target = tmp_path / "diff.xlsx"
    code, out, err = run(
        capsys, "db", "diff", *map(str, pair), "--lang", "en", "-o", str(target), "--db", url
    )
    assert code == 0, err
    assert "packing" not in out and "包装: missing → weak — 1 new local firm; local share 0% → 40%" in out
    assert "Same months of two years" in out
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == [
        "About",
        "What changed",
        "Comparison",
        "Firms added",
        "Firms gone",
        "Links added",
        "Links gone",
    ]
    header = [cell.value for cell in book["Comparison"][1]]
    assert header[:4] == ["Segment", "Category", "Status, from", "Status, to"]
    assert "Output, from (10k yuan)" in header
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["How amounts compare"] == "Same months of two years: amounts compared directly"


def test_periods_of_different_lengths_say_monthly_averages(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    first = imported(capsys, url, tmp_path, "2024.xlsx", make_workbook(COMPARE_BEFORE))
    half = {**COMPARE_AFTER, "设置": [["项目", "值"], ["县名", "测试县"], ["报告期", "2025年上半年"]]}
    second = imported(capsys, url, tmp_path, "2025h1.xlsx", make_workbook(half))
    code, out, _ = run(capsys, "db", "diff", str(first), str(second), "--json", "--db", url)
    assert code == 0
    document = json.loads(out)
    assert document["comparable"] == "monthly_average"
    calcined = next(record for record in document["segments"] if record["segment"] == "煅烧")
    assert calcined["output_from"] == pytest.approx(500 / 3)
    assert calcined["output_to"] == pytest.approx(590 / 6)


def test_refusals_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    first = imported(capsys, url, tmp_path, "2024.xlsx", make_workbook(COMPARE_BEFORE))
    other = {**COMPARE_AFTER, "设置": [["项目", "值"], ["县名", "别的县"], ["报告期", "2025年1-3月"]]}
    second = imported(capsys, url, tmp_path, "other.xlsx", make_workbook(other))
    code, out, err = run(capsys, "db", "diff", str(first), str(second), "--db", url)
    assert (code, out) == (2, "")
    assert (
        err.strip()
        == f"快照 {first} 属于“测试县”，快照 {second} 属于“别的县”：只能对比同一个县的两个报告期。"
    )
    code, _, err = run(capsys, "db", "diff", str(first), str(first), "--lang", "en", "--db", url)
    assert code == 2 and "the same period" in err
    code, _, err = run(capsys, "db", "diff", str(first), "99", "--db", url)
    assert code == 2 and "没有编号为 99 的快照" in err
    code, _, err = run(capsys, "db", "diff", str(first), str(second), "-o", "x.csv", "--db", url)
    assert code == 2 and ".xlsx" in err

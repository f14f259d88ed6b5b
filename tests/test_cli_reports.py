"""``python -m chain gaps|targets|pairs``: the JSON contract of DESIGN.md, tables, exports, exit codes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import openpyxl
import pytest

from chain.__main__ import main
from tests.factory import TINY, TINY_COUNTY, make_workbook

SEGMENT_KEYS = {
    "segment", "category", "stage", "status", "reason", "firms", "output", "employees", "demand",
    "local_supply", "leakage", "local_share", "exports", "local_final_demand", "gaps", "score",
}  # fmt: skip
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.xlsx"
TARGET_KEYS = {
    "segment",
    "gap",
    "name",
    "region",
    "value",
    "local_partners",
    "distance_km",
    "score",
    "reasons",
}
PAIR_KEYS = {"supplier", "buyer", "segment", "buyer_segment", "value_from_outside", "score"}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(make_workbook())
    return path


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_gaps_json_follows_the_contract(tiny, capsys) -> None:
    document = run_json(capsys, "gaps", str(tiny))
    by_segment = {row["segment"]: row for row in document["segments"]}
    assert [row["segment"] for row in document["segments"]] == ["原料", "煅烧", "电极", "包装"]
    for row in document["segments"]:
        assert row.keys() >= SEGMENT_KEYS
    # 煅烧: demand = 100 (乙碳素 -> 丁电极) + 50 (外地煅烧厂 -> 丁电极); local share = 100 / 150.
    calcining = by_segment["煅烧"]
    assert calcining["demand"] == 150
    assert calcining["leakage"] == 50
    assert calcining["local_share"] == pytest.approx(100 / 150)
    assert calcining["status"] == "strong"
    assert by_segment["包装"]["status"] == "missing"
    assert by_segment["包装"]["gaps"] == ["upstream"]
    assert by_segment["电极"]["local_share"] is None  # no local demand: empty, not 0
    # 3 of 4 segments have a local firm; value: local supply (40 + 100) / demand (100 + 150 + 10).
    assert document["completeness"] == {"segments": 0.75, "value": pytest.approx(140 / 260)}


def test_gaps_json_counts_sales_to_the_county_as_local_final_demand(tmp_path, capsys) -> None:
    path = tmp_path / "county.xlsx"
    path.write_bytes(make_workbook(TINY_COUNTY))
    by_segment = {row["segment"]: row for row in run_json(capsys, "gaps", str(path))["segments"]}
    # 煅烧: 乙碳素 -> 县医院 (测试县) 30 is local final demand, 丙碳素 -> 外地铝厂 (河南郑州) 20 an export;
    # 县煅烧作坊 (陕西省测试县) -> 丁电极 15 is local supply: leakage stays 外地煅烧厂's 50.
    calcining = by_segment["煅烧"]
    assert (calcining["exports"], calcining["local_final_demand"]) == (20, 30)
    assert (calcining["demand"], calcining["local_supply"], calcining["leakage"]) == (165, 115, 50)
    # 电极: 400 to 外地钢厂 is an export, 12 to XX县人民医院 is not; its downstream gap is the 20 only.
    electrodes = by_segment["电极"]
    assert electrodes["exports"] == 400 and electrodes["local_final_demand"] == 12
    assert electrodes["downstream_gap"] == 20


def test_sample_county_projects_are_local_final_demand_not_exports(capsys) -> None:
    # The sample's 11 links to project departments in 陕西汉阴 (县名 汉阴县(示例数据)): 7 of 商品混凝土 worth
    # 7,573.7 + 7,350 + 1,694.5 + 12,182.8 + 10,304.6 + 2,052.8 + 2,240.1 = 43,398.5 (all its sales
    # outside 企业) and 4 of 新型墙材 worth 3,081.8 + 7,877.9 + 9,131.5 + 1,162.6 = 21,253.8, of 30,655.8.
    by_segment = {row["segment"]: row for row in run_json(capsys, "gaps", str(SAMPLE))["segments"]}
    concrete, walls = by_segment["商品混凝土"], by_segment["新型墙材"]
    assert concrete["exports"] == pytest.approx(0)
    assert concrete["local_final_demand"] == pytest.approx(43398.5)
    assert walls["exports"] == pytest.approx(30655.8 - 21253.8)
    assert walls["local_final_demand"] == pytest.approx(21253.8)
    # 装配式构件 was "fed" only by concrete sold to those county sites: no downstream gap any more.
    assert by_segment["装配式构件"]["downstream_gap"] == 0
    assert by_segment["装配式构件"]["gaps"] == []
    targets = run_json(capsys, "targets", str(SAMPLE))["targets"]
    assert not [row["name"] for row in targets if "汉阴" in row["region"]]


def test_targets_json_is_best_first_with_reasons(tiny, capsys) -> None:
    targets = run_json(capsys, "targets", str(tiny), "--lang", "en")["targets"]
    assert targets, "the tiny chain leaks 煅烧, 原料 and 包装: each has an outside supplier"
    for row in targets:
        assert row.keys() >= TARGET_KEYS
        assert row["gap"] in ("upstream", "downstream")
        assert row["reasons"] and all(isinstance(reason, str) for reason in row["reasons"])
    scores = [row["score"] for row in targets]
    assert scores == sorted(scores, reverse=True)
    only = run_json(capsys, "targets", str(tiny), "--segment", "包装")["targets"]
    assert [(row["name"], row["region"]) for row in only] == [("外地纸箱厂", "湖北十堰")]


def test_pairs_json(tiny, capsys) -> None:
    # TINY has one pair: 丙碳素 (煅烧) could supply 丁电极, which buys 煅烧 from outside for 50.
    pairs = run_json(capsys, "pairs", str(tiny))["pairs"]
    assert [(p["supplier"], p["buyer"], p["segment"], p["value_from_outside"]) for p in pairs] == [
        ("丙碳素", "丁电极", "煅烧", 50)
    ]
    assert pairs[0].keys() >= PAIR_KEYS


def test_weak_share_changes_statuses(tiny, capsys) -> None:
    # 煅烧's local share is 2/3: strong at the default 0.5, weak at 0.7.
    strict = run_json(capsys, "gaps", str(tiny), "--weak-share", "0.7")
    assert {row["segment"]: row["status"] for row in strict["segments"]}["煅烧"] == "weak"


@pytest.mark.parametrize("command", ["gaps", "targets", "pairs"])
def test_plain_table_in_both_languages(tiny, capsys, command: str) -> None:
    assert main([command, str(tiny)]) == 0
    zh = capsys.readouterr().out
    assert main([command, str(tiny), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "环节" in zh or "本地供应方" in zh
    assert "Segment" in en or "Local supplier" in en
    assert "Traceback" not in zh + en


@pytest.mark.parametrize(
    ("command", "sheet"), [("gaps", "环节分析"), ("targets", "招商目标"), ("pairs", "本地配套")]
)
def test_xlsx_export(tiny, tmp_path, capsys, command: str, sheet: str) -> None:
    out = tmp_path / f"{command}.xlsx"
    assert main([command, str(tiny), "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["说明", sheet]
    first = {"gaps": "环节", "targets": "排名", "pairs": "本地供应方"}[command]
    assert book[sheet]["A1"].value == first


def test_csv_export_has_a_bom(tiny, tmp_path, capsys) -> None:
    out = tmp_path / "targets.csv"
    assert main(["targets", str(tiny), "-o", str(out), "--lang", "en"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_workbook_with_errors_exits_1_with_problems(tmp_path, capsys) -> None:
    rows = copy.deepcopy(TINY["企业"])
    rows[1][4] = -5
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make_workbook(**{"企业": rows}))
    assert main(["gaps", str(path), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["sheet"], p["row"], p["code"]) for p in problems["errors"]] == [("企业", 2, "negative")]


@pytest.mark.parametrize(
    "argv",
    [
        ["gaps", "{tiny}", "--weak-share", "1.5"],
        ["targets", "{tiny}", "--segment", "不存在"],
        ["pairs", "{tiny}", "-o", "{tmp}/out.txt"],
        ["targets", "{tiny}", "--top", "-1"],
        ["gaps", "{tmp}/missing.xlsx"],
    ],
)
def test_usage_errors_exit_2_in_one_line(tiny, tmp_path, capsys, argv: list[str]) -> None:
    args = [a.format(tiny=tiny, tmp=tmp_path) for a in argv]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err

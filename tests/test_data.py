"""The bundled sample and template: made by data/make_data.py, true to the public figures, loadable."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook as open_workbook
from openpyxl.utils import get_column_letter

from chain.credit_code import is_valid_credit_code
from chain.schema import (
    DEMANDS,
    ENTERPRISES,
    LINKS,
    PROJECTS,
    SETTING_KEYS,
    SETTINGS,
    SHEETS,
    TEMPLATE,
    split_list,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "sample.xlsx"
PREVIOUS = DATA / "sample_2022.xlsx"
BLANK = DATA / "template.xlsx"


@cache
def make_data() -> ModuleType:
    """data/make_data.py as a module (data/ is a folder of files, not a package)."""
    spec = importlib.util.spec_from_file_location("make_data", DATA / "make_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def records(path: Path, sheet_zh: str) -> tuple[dict[str, Any], ...]:
    """Rows of a sheet as dicts keyed by the zh header."""
    sheet = open_workbook(path, read_only=True)[sheet_zh]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return tuple(dict(zip(header, row, strict=True)) for row in rows[1:])


def zh(sheet: Any, key: str) -> str:
    return sheet.column_by_key[key].zh


def above_scale() -> list[dict[str, Any]]:
    return [r for r in records(SAMPLE, ENTERPRISES.zh) if r[zh(ENTERPRISES, "above_scale")] == "是"]


def test_the_script_makes_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    make_data().main(["--out", str(tmp_path)])
    for name in ("sample.xlsx", "sample_2022.xlsx", "template.xlsx"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"run: python data/make_data.py ({name})"
        )


def test_above_scale_firms_add_up_to_the_public_figures() -> None:
    firms = above_scale()
    assert len(firms) == 55
    assert round(sum(r[zh(ENTERPRISES, "output")] for r in firms), 1) == 866_000.0
    assert sum(r[zh(ENTERPRISES, "employees")] for r in firms) == 4_544
    small = len(records(SAMPLE, ENTERPRISES.zh)) - len(firms)
    assert 5 <= small <= 10


def test_eleven_deputies_each_pair_with_five_above_scale_firms() -> None:
    deputy = zh(ENTERPRISES, "deputy")
    counts = Counter(r[deputy] for r in above_scale())
    assert len(counts) == 11
    assert set(counts.values()) == {5}
    small = [r for r in records(SAMPLE, ENTERPRISES.zh) if r[zh(ENTERPRISES, "above_scale")] != "是"]
    assert not any(r[deputy] for r in small)


def test_settings_name_the_county_period_and_county_output() -> None:
    values = {r[zh(SETTINGS, "key")]: r[zh(SETTINGS, "value")] for r in records(SAMPLE, SETTINGS.zh)}
    # 行政区划代码 is for a county whose name is shared (chain/geo.py); 汉阴县's is not.
    assert list(values) == [key.zh for key in SETTING_KEYS if key.key != "county_code"]
    output = next(key.zh for key in SETTING_KEYS if key.key == "county_industrial_output")
    # The chain's 86.6 亿元 is 76 % of the county's industrial output.
    assert round(866_000 / values[output], 2) == 0.76


def test_every_credit_code_passes_the_checksum() -> None:
    codes = [r[zh(ENTERPRISES, "credit_code")] for r in records(SAMPLE, ENTERPRISES.zh)]
    assert all(is_valid_credit_code(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_links_are_many_and_no_local_firm_sells_more_than_it_makes() -> None:
    links = records(SAMPLE, LINKS.zh)
    assert 300 <= len(links) <= 450
    output = {
        r[zh(ENTERPRISES, "name")]: r[zh(ENTERPRISES, "output")] for r in records(SAMPLE, ENTERPRISES.zh)
    }
    sold = Counter[str]()
    for link in links:
        if link[zh(LINKS, "supplier")] in output:
            sold[link[zh(LINKS, "supplier")]] += link[zh(LINKS, "value")]
    assert all(sold[name] <= output[name] for name in sold)
    distances = [link[zh(LINKS, "distance_km")] for link in links]
    assert all(d is not None and d >= 0 for d in distances)


@pytest.mark.parametrize("path", [SAMPLE, BLANK], ids=["sample", "template"])
def test_every_template_input_is_a_segment_and_the_chain_has_all_categories(path: Path) -> None:
    rows = records(path, TEMPLATE.zh)
    segments = [r[zh(TEMPLATE, "segment")] for r in rows]
    assert 25 <= len(segments) <= 40
    assert len(set(segments)) == len(segments)
    for row in rows:
        assert set(split_list(row[zh(TEMPLATE, "inputs")] or "")) <= set(segments), row
    categories = {r[zh(TEMPLATE, "category")] for r in rows}
    assert categories == {"碳素", "化工", "新型建筑材料", "生物材料", "精细轻纺"}


def test_the_template_pre_fills_the_same_chain_as_the_sample() -> None:
    assert records(BLANK, TEMPLATE.zh) == records(SAMPLE, TEMPLATE.zh)


def test_the_template_has_every_sheet_with_commented_frozen_headers_and_no_data() -> None:
    book = open_workbook(BLANK)
    assert book.sheetnames == ["说明", *(sheet.zh for sheet in SHEETS)]
    for sheet in SHEETS:
        ws = book[sheet.zh]
        header = [cell.value for cell in ws[1]]
        assert header == [column.zh for column in sheet.columns]
        assert all(
            cell.comment and column.zh in cell.comment.text
            for cell, column in zip(ws[1], sheet.columns, strict=True)
        )
        assert ws.freeze_panes == "A2"
        if sheet in (ENTERPRISES, LINKS, PROJECTS, DEMANDS):
            assert ws.max_row == 1, f"{sheet.zh} must hold no rows"
    settings = book[SETTINGS.zh]
    assert [row[0].value for row in settings.iter_rows(min_row=2)] == [key.zh for key in SETTING_KEYS]
    assert all(row[1].value is None for row in settings.iter_rows(min_row=2))


@pytest.mark.parametrize(
    ("sheet", "key", "source"),
    [
        (ENTERPRISES, "above_scale", '"是,否"'),
        (ENTERPRISES, "segment", "产业链图谱"),
        (LINKS, "segment", "产业链图谱"),
        (LINKS, "buyer_segment", "产业链图谱"),
        (TEMPLATE, "stage", '"上游,中游,下游"'),
        (PROJECTS, "segment", "产业链图谱"),
        (PROJECTS, "status", '"线索,洽谈,签约,在建,投产"'),
        (DEMANDS, "type", '"融资,土地,电力,用工,办证,销售,其他"'),
        (DEMANDS, "status", '"待办,办理中,已办结"'),
    ],
)
def test_template_dropdowns(sheet: Any, key: str, source: str) -> None:
    ws = open_workbook(BLANK)[sheet.zh]
    letter = get_column_letter([c.key for c in sheet.columns].index(key) + 1)
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation if f"{letter}2:" in str(dv.sqref)]
    assert len(formulas) == 1 and source in formulas[0]


def test_examples_live_only_in_the_instructions_sheet_and_are_marked() -> None:
    book = open_workbook(BLANK, read_only=True)
    for sheet in SHEETS:
        cells = [c for row in book[sheet.zh].iter_rows(min_row=2, values_only=True) for c in row if c]
        assert not any("示例" in str(c) for c in cells), sheet.zh
    flagged = [row for row in book["说明"].iter_rows(values_only=True) if row[0] == "示例"]
    headers = [row for row in flagged if row[1] in {sheet.columns[0].zh for sheet in SHEETS}]
    examples = [row for row in flagged if row not in headers]
    assert len(headers) == 5 and len(examples) >= 6
    # Every example names made-up parties, so it can't pass for a real firm if copied.
    assert all(any("示例" in str(c) for c in row[1:] if c) for row in examples)


@pytest.mark.parametrize("path", [SAMPLE, PREVIOUS, BLANK], ids=["sample", "sample_2022", "template"])
def test_every_workbook_loads_with_no_errors_and_only_the_intended_warnings(path: Path) -> None:
    # The cycle (anode butts recycled) is intended; so are the sample's building sites in the county itself.
    load = pytest.importorskip("chain.load")
    result = load.load_workbook(path.read_bytes())
    assert not result.errors, [p.to_dict() for p in result.errors]
    expected = ["cycle"] if path == BLANK else ["county_parties", "cycle"]
    assert [p.code for p in result.warnings] == expected
    cycle = result.warnings[-1]
    assert "预焙阳极" in cycle.message_zh and "碳素回收料" in cycle.message_zh


@cache
def sample_report() -> Any:
    load = pytest.importorskip("chain.load")
    gaps = pytest.importorskip("chain.gaps")
    data = load.load_workbook(SAMPLE.read_bytes()).data
    return data, gaps.analyze(data)


def test_the_sample_shows_every_status_and_gap_kind() -> None:
    _, report = sample_report()
    segments = report.segments.set_index("segment")
    assert set(segments["status"]) == {"strong", "weak", "missing"}
    kinds = {kind for gaps in segments["gaps"] for kind in gaps}
    assert kinds == {"upstream", "downstream"}
    assert (segments["downstream_gap"] > 0).sum() >= 2
    assert (segments["leakage"] > 0).sum() >= 5


@pytest.mark.parametrize(
    ("segment", "status", "gaps"),
    [
        ("石油焦", "missing", ("upstream",)),  # all petroleum coke comes from refineries 600-1,400 km away
        ("PBT高弹丝", "missing", ("upstream",)),  # the spinning mills' yarn from Jiangsu
        ("针织手套", "missing", ("upstream", "downstream")),  # core-spun yarn leaves for glove makers
        ("丝绸制品", "missing", ("downstream",)),  # raw silk leaves for Huzhou and Nanchong weavers
        ("电极糊", "weak", ("downstream",)),  # one recruited firm; calcined coke leaves for paste plants
        ("纸箱包装", "weak", ("upstream",)),  # two local carton makers, most cartons still bought outside
        ("重晶石", "weak", ("upstream",)),  # local barite covers under half of the barium plants' needs
        ("尾矿及工业固废", "weak", ("upstream",)),  # one gold mine
        ("煅后焦", "strong", ("upstream",)),
        ("石墨电极", "strong", ()),
    ],
)
def test_designed_segments(segment: str, status: str, gaps: tuple[str, ...]) -> None:
    _, report = sample_report()
    row = report.segments.set_index("segment").loc[segment]
    assert (row["status"], tuple(row["gaps"])) == (status, gaps)


def test_the_anode_segment_is_concentrated_and_the_pairings_are_there() -> None:
    data, report = sample_report()
    segments = report.segments.set_index("segment")
    assert segments.loc["预焙阳极", "concentrated"] and segments.loc["预焙阳极", "concentration"] > 0.8
    pairing = pytest.importorskip("chain.pairing")
    pairs = pairing.local_pairs(data, report)
    found = set(zip(pairs["supplier"], pairs["buyer"], strict=True))
    assert ("汉阴县金山矿业有限公司", "汉阴县恒力新型建材有限公司") in found
    assert ("汉阴县华美纸箱包装有限公司", "汉阴县康源精细化工有限公司") in found
    assert ("汉阴县鑫源碳素有限公司", "汉阴县中晟电极材料有限公司") in found


def test_the_previous_period_is_the_same_county_a_year_earlier() -> None:
    def settings(path: Path) -> dict[str, Any]:
        return {r[zh(SETTINGS, "key")]: r[zh(SETTINGS, "value")] for r in records(path, SETTINGS.zh)}

    now, before = settings(SAMPLE), settings(PREVIOUS)
    county, period = (next(k.zh for k in SETTING_KEYS if k.key == key) for key in ("county", "period"))
    assert before[county] == now[county]
    assert (now[period], before[period]) == ("2023年1-9月", "2022年1-9月")
    assert records(PREVIOUS, TEMPLATE.zh) == records(SAMPLE, TEMPLATE.zh)


def test_the_previous_period_has_lower_outputs_fewer_firms_and_fewer_links() -> None:
    name, output = zh(ENTERPRISES, "name"), zh(ENTERPRISES, "output")
    now = {r[name]: r[output] for r in records(SAMPLE, ENTERPRISES.zh)}
    before = {r[name]: r[output] for r in records(PREVIOUS, ENTERPRISES.zh)}
    assert set(before) < set(now)
    lower = [firm for firm in before if before[firm] < now[firm]]
    assert len(lower) > len(before) / 2
    assert sum(before.values()) < sum(now.values())

    def pairs(path: Path) -> set[tuple[str, str]]:
        return {(r[zh(LINKS, "supplier")], r[zh(LINKS, "buyer")]) for r in records(path, LINKS.zh)}

    assert pairs(PREVIOUS) < pairs(SAMPLE)


def test_a_segment_changes_status_between_the_periods() -> None:
    load = pytest.importorskip("chain.load")
    gaps = pytest.importorskip("chain.gaps")
    statuses = {
        path: gaps.analyze(load.load_workbook(path.read_bytes()).data).segments.set_index("segment")["status"]
        for path in (PREVIOUS, SAMPLE)
    }
    better = {"missing": 0, "weak": 1, "strong": 2}
    changed = {
        segment: (statuses[PREVIOUS][segment], status)
        for segment, status in statuses[SAMPLE].items()
        if better[status] > better[statuses[PREVIOUS][segment]]
    }
    # The electrode-paste plant recruited in 2023 did not operate in 2022.
    assert changed.get("电极糊") == ("missing", "weak")


def test_a_sample_csv_with_a_wrong_header_says_which_file_and_what_header(tmp_path: Path) -> None:
    (tmp_path / "settings.csv").write_text("key,wert\n县名,汉阴县\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"settings\.csv: the header must be key,value"):
        make_data().read_rows(tmp_path, SETTINGS)


def test_a_sample_csv_with_a_bad_number_says_which_line(tmp_path: Path) -> None:
    header = ",".join(column.key for column in PROJECTS.columns)
    (tmp_path / "projects.csv").write_text(
        f"{header}\n项目,煅后焦,某公司,很多,1万吨,洽谈,1\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"projects\.csv, line 2"):
        make_data().read_rows(tmp_path, PROJECTS)

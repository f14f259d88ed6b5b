"""The byte guard refuses every hostile file with its code, passes real workbooks, and the server config agrees."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from chain.guard import GUARD_CODES, SCAN_SHEET_BYTES, check_bytes, sheet_extent
from chain.settings import Limits
from tests import hostile
from tests.factory import make_workbook

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


HARD = hostile.HARD


@pytest.mark.parametrize(("build", "code"), [(b, c) for _, b, c in HARD], ids=[i for i, _, _ in HARD])
def test_hostile_file_is_refused_with_its_code(build, code):
    found = check_bytes(build())
    assert found is not None
    assert (found.code, found.severity, found.row, found.column) == (code, "error", None, None)
    assert found.code in GUARD_CODES
    assert found.message_zh
    assert found.message_en


@pytest.mark.parametrize("build", [b for _, b, _ in hostile.SOFT], ids=[i for i, _, _ in hostile.SOFT])
def test_valid_files_pass_even_with_bad_data(build):
    assert check_bytes(build()) is None


def test_whole_file_refusals_name_no_sheet():
    assert check_bytes(hostile.billion_laughs()).sheet == ""
    assert check_bytes(hostile.zip_bomb_ratio()).sheet == ""


@pytest.mark.parametrize(
    "build", [hostile.far_cell, hostile.far_cell_no_dimension, hostile.far_cell_lying_dimension]
)
def test_far_cell_is_refused_by_sheet_name_and_range(build):
    found = check_bytes(build())
    assert found.sheet == "企业"
    assert "A1:XFD1048576" in found.message_en
    assert "17,179,869,184" in found.message_en


def test_sheet_names_follow_the_workbook_relationships():
    # The tiny links sheet (the second) is 9 columns x 7 rows = 63 cells, the biggest of the workbook.
    found = check_bytes(make_workbook(), Limits(max_cells_per_sheet=62))
    assert (found.code, found.sheet) == ("sheet_too_large", "供需关系")
    assert check_bytes(make_workbook(), Limits(max_cells_per_sheet=63)) is None


def test_limits_are_read_not_hardcoded():
    assert check_bytes(make_workbook(), Limits(max_unpacked_mb=0)).code == "unpacked_too_large"
    assert check_bytes(hostile.zip_bomb_ratio(), Limits(max_ratio=10_000)) is None
    assert check_bytes(hostile.million_blank_rows(), Limits(max_cells_per_sheet=30_000_000)) is None


def test_dimension_declares_the_cost_of_a_big_sheet():
    # A sheet too big to scan whole is judged by its <dimension> alone.
    filler = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r * 7919 % 100_003}</v></c></row>' for r in range(1, 200_000)
    )
    assert len(filler) > SCAN_SHEET_BYTES
    big = hostile.raw_xlsx(
        f'<?xml version="1.0"?>\n<worksheet xmlns="{hostile.MAIN_NS}"><dimension ref="A1:ZZ49999"/>'
        f"<sheetData>{filler}</sheetData></worksheet>"
    )
    found = check_bytes(big)
    assert (found.code, found.sheet) == ("sheet_too_large", "企业")
    assert "A1:ZZ49999" in found.message_en


def test_a_member_larger_than_its_headers_declare_is_corrupt():
    # Reads stop at the declared size, where the checksum of the real content cannot match.
    sheet = '<?xml version="1.0"?>\n<worksheet><sheetData><row r="1"/></sheetData></worksheet>'
    lie = hostile.raw_xlsx(sheet, declared_sizes={"xl/worksheets/sheet1.xml": 10})
    assert check_bytes(lie).code == "zip_corrupt"


@pytest.mark.parametrize(
    ("xml", "extent"),
    [
        (b'<row r="1"><c r="A1"/></row>', (1, 1)),
        (b"<row r='7'><c\nr='C7'/></row>", (7, 3)),
        (b'<x:c r="XFD1048576"/>', (1_048_576, 16_384)),
        (b'<row><c t="s"><v>1</v></c></row>', (0, 0)),
    ],
)
def test_sheet_extent_reads_row_and_cell_references(xml, extent):
    assert sheet_extent(xml) == extent


def test_truncations_of_a_good_workbook_never_raise():
    data = make_workbook()
    for cut in range(0, len(data), 97):
        found = check_bytes(data[:cut])
        assert found is not None
        assert found.code in {"file_empty", "not_xlsx", "zip_corrupt"}


def test_corpus_ids_are_unique_and_codes_catalogued():
    from chain.problems import CATALOGUE

    ids = [i for i, _, _ in hostile.CORPUS]
    assert len(ids) == len(set(ids))
    assert {code for _, _, code in hostile.CORPUS} - {hostile.OK} <= set(CATALOGUE)
    assert set(CATALOGUE) >= GUARD_CODES


def test_streamlit_config_mirrors_limits_and_keeps_the_security_settings():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == Limits().max_file_mb
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["headless"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showSidebarNavigation"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False


def test_streamlit_config_names_only_real_options():
    from streamlit import config as streamlit_config

    known = set(streamlit_config._config_options_template)
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    keys = {f"{section}.{key}" for section, options in config.items() for key in options}
    assert keys - known == set()


def test_deploy_doc_lists_every_limit_with_its_default():
    doc = (CONFIG.parent.parent / "docs" / "deploy.md").read_text(encoding="utf-8")
    rows = {
        cells[0].strip("` "): cells[1].strip()
        for line in doc.splitlines()
        if line.startswith("| `") and len(cells := line.strip("|").split("|")) > 2
    }
    for field in dataclasses.fields(Limits):
        assert field.name in rows, f"docs/deploy.md has no row for Limits.{field.name}"
        assert float(rows[field.name].replace(",", "")) == field.default, field.name
    assert f"client_max_body_size {Limits().max_file_mb + 1}m;" in doc

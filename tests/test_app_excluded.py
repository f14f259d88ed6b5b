"""Analysing without the rows in error: the data page offers it only when every error sits on a data row of
a required sheet, the user chooses it explicitly, and the rows left out are then named on every page (a
banner) and in the About sheet of every export. Driven like tests/test_app.py: the upload goes through the
real file_uploader, so the isolated parse runs with the user's choice as it does on the server."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from chain import load
from chain.settings import AnalysisSettings
from tests.factory import TINY, make_workbook
from ui import facade
from ui.frame import PAGES, UPLOAD_KEY
from ui.i18n import t
from ui.widgets import places

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("fresh_caches")


def firms(row: int, output: object) -> list[list[object]]:
    """TINY's 企业 sheet with the 产值 of Excel row ``row`` written as ``output``."""
    rows = [list(r) for r in TINY["企业"]]
    rows[row - 1][4] = output
    return rows


#: 丙碳素 (企业, Excel row 4) with its output written as words: one row in error, nothing refers to it.
ONE_ROW = make_workbook(**{"企业": firms(4, "约500")})
#: 乙碳素 (企业, row 3) likewise; links on rows 2-4 of 供需关系 name it, so leaving it out leaves them out.
CASCADE = make_workbook(**{"企业": firms(3, "约200")})


def upload(name: str, data: bytes, lang: str = "zh") -> AppTest:
    """The data page after uploading ``data`` through its widget (the page reruns itself once it is in)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/7_data.py").run()
    return at.file_uploader[0].set_value((name, data, XLSX)).run()


def banner(lang: str, rows: list[tuple[str, int]]) -> str:
    return t("banner_excluded", lang, count=len(rows), rows=places(rows, lang))


def warnings(at: AppTest) -> list[str]:
    return [str(w.value) for w in at.warning]


def about(xlsx: bytes) -> dict[str, object]:
    """The About sheet (first sheet) of an export as item -> value."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book.worksheets[0]
    return {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}


def test_rows_in_error_can_be_left_out_and_are_named_on_every_page_and_export() -> None:
    at = upload("county.xlsx", ONE_ROW)
    assert not at.exception, [e.value for e in at.exception]
    # Not analysed yet: the errors block every page, and the report offers the explicit choice.
    assert "1 个错误" in " ".join(str(c.value) for c in at.sidebar.caption)
    choice = at.button(key="skip_error_rows")
    assert choice.label == t("data_skip_button", "zh", count=1) == "不含这 1 行，继续分析"
    explanation = " ".join(str(m.value) for m in at.markdown)
    assert "企业 第4行" in explanation and "每个导出文件" in explanation
    assert not any(banner("zh", [("企业", 4)]) in w for w in warnings(at))

    choice.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    expected = banner("zh", [("企业", 4)])
    assert "企业 第4行" in expected
    assert expected in warnings(at)
    assert at.session_state[UPLOAD_KEY].skip_error_rows
    # The data page says so and offers every row back; the choice is not offered twice.
    assert t("data_excluded_notice", "zh", count=1) in warnings(at)
    assert at.button(key="include_all_rows").label == "包含全部行重新检查"
    assert not [b for b in at.button if b.key == "skip_error_rows"]
    # The left-out row's error stays in the report.
    report = at.dataframe[0].value
    assert ("4", "不是数字") in set(zip(report["row"], report["problem"], strict=True))
    assert "未纳入 1 行" in " ".join(str(c.value) for c in at.sidebar.caption)

    for page in PAGES:
        at.switch_page(page.path).run()
        assert not at.exception, page.key
        assert not at.error, (page.key, [e.value for e in at.error])
        assert expected in warnings(at), page.key
    # The overview is an analysis without 丙碳素: 100 + 200 + 500 万元.
    at.switch_page("dashboard.py").run()
    assert {m.label: m.value for m in at.metric}["产业链总产值"] == "800 万元"

    source = at.session_state[UPLOAD_KEY]
    targets_xlsx, _ = facade.targets_downloads(source, AnalysisSettings(), "zh")
    rows = about(targets_xlsx())
    assert rows["未纳入分析的行"] == 1
    assert rows["企业 第4行"].startswith("产值(万元)：“约500”")


def test_every_export_names_the_rows_left_out_in_its_language() -> None:
    at = upload("county.xlsx", CASCADE, lang="en")
    at.button(key="skip_error_rows").click().run()
    assert not at.exception
    # Leaving 乙碳素 out leaves out the links that name it too (how the loader words that is its own).
    excluded = load.load_workbook(CASCADE, skip_error_rows=True).data.excluded
    left_out = list(dict.fromkeys((p.sheet, p.row) for p in excluded))
    assert left_out == [("企业", 3), ("供需关系", 2), ("供需关系", 3), ("供需关系", 4)]
    assert banner("en", left_out) in warnings(at)
    source = at.session_state[UPLOAD_KEY]
    settings = AnalysisSettings()
    exports = {
        "targets": facade.targets_downloads(source, settings, "en"),
        "pairs": facade.pairs_downloads(source, settings, "en"),
        "segments": facade.segments_downloads(source, settings, "en"),
        "problems": facade.problems_downloads(source, "en"),
    }
    for key, (xlsx, _) in exports.items():
        rows = about(xlsx())
        assert rows["Rows left out"] == 4, key
        assert [k for k in rows if " row " in str(k)] == [f"{s} row {r}" for s, r in left_out], key
        assert str(rows["企业 row 3"]).startswith("产值(万元): '约200'"), key
        for found in excluded:
            assert found.message("en") in str(rows[f"{found.sheet} row {found.row}"]), key
    # The validation report download still counts the errors of the rows left out.
    assert about(exports["problems"][0]())["Errors"] == len(excluded)


def test_the_choice_is_undone_with_every_row_back() -> None:
    at = upload("county.xlsx", ONE_ROW)
    at.button(key="skip_error_rows").click().run()
    at.switch_page("dashboard.py").run()
    assert at.metric
    at.switch_page("pages/7_data.py").run()
    at.button(key="include_all_rows").click().run()
    assert not at.exception
    assert not at.session_state[UPLOAD_KEY].skip_error_rows
    assert not any("企业 第4行" in w for w in warnings(at))
    assert at.button(key="skip_error_rows").label == "不含这 1 行，继续分析"
    at.switch_page("dashboard.py").run()
    assert [e.value for e in at.error] == [t("banner_errors", "zh", count=1)]
    assert not at.metric


def test_errors_that_are_not_on_rows_offer_no_choice() -> None:
    at = upload("no_firms.xlsx", make_workbook(**{"企业": None}))
    assert not at.exception
    assert at.error
    assert not [b for b in at.button if b.key == "skip_error_rows"]


def test_a_clean_upload_offers_no_choice_and_names_nothing() -> None:
    at = upload("tiny.xlsx", make_workbook())
    assert not at.exception
    assert not at.error
    assert not [b for b in at.button if b.key in ("skip_error_rows", "include_all_rows")]
    assert not any("未纳入" in w for w in warnings(at))


def test_the_data_page_summarises_the_interpretations() -> None:
    sample = facade.sample_source()
    assert sample is not None
    count = len(load.load_workbook(sample.data, source_name=sample.name).warnings)
    assert count, "the sample should carry at least one interpretation or note"
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/7_data.py").run()
    assert not at.exception
    assert t("data_interpretations", "zh", count=count) in [str(i.value) for i in at.info]
    assert t("data_interpretations", "zh", count=1) == "读取时作了 1 项解读或提醒 —— 详见下方检查报告"
    assert t("data_interpretations", "en", count=12).startswith("12 interpretations or notes")


def test_sheet_names_in_the_banner_are_text_not_markdown() -> None:
    assert places([("*企业*", 4)], "zh") == "\\*企业\\* 第4行"
    named = places([(f"S{i}", i) for i in range(1, 12)], "en")
    assert named.endswith("S8 row 8; …") and "S9" not in named

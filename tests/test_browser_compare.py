"""The 期间对比 page in a real browser on the two bundled periods (2022年1-9月 and 2023年1-9月), in zh and en:
what it says matches ``python -m chain db diff --json`` on the same workspace, the trend chart draws, the
xlsx downloads; screenshots at 1440, 1280 and 1024 px for a person to look at."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.browser_support import (
    ROOT,
    chromium,
    chromium_path,
    open_app,
    screenshot,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
MAIN = "[data-testid='stMain']"
PLOT = ".js-plotly-plot"
WIDTHS = (1440, 1280, 1024)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("compare-data")


@pytest.fixture(scope="module")
def base_url(data_dir: Path) -> Iterator[str]:
    chromium_path()
    with streamlit_server(data_dir=data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def diff(data_dir: Path, lang: str) -> dict[str, Any]:
    """``python -m chain db diff 1 2 --json`` on the server's workspace (seeded: 1 = 2022, 2 = 2023)."""
    environment = {**os.environ, "CHAIN_DATA_DIR": str(data_dir)}
    environment.pop("CHAIN_DB_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "chain", "db", "diff", "1", "2", "--json", "--lang", lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=environment,
    )
    return json.loads(done.stdout)


def open_compare(browser: Any, base_url: str, lang: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    open_app(page, base_url)
    if lang == "en":
        page.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
        page.locator("[data-testid='stSidebar']").get_by_text("Pages", exact=True).wait_for(state="visible")
        wait_idle(page)
    title = "期间对比" if lang == "zh" else "Compare periods"
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']").filter(
        has=page.get_by_text(title, exact=True)
    ).click()
    page.locator(f"{MAIN} h1").filter(has_text=title).wait_for(state="visible")
    wait_idle(page)
    page.locator(f"{PLOT} .main-svg").first.wait_for(state="visible")
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_says_what_the_command_line_says(
    browser: Any, base_url: str, data_dir: Path, lang: str
) -> None:
    page = open_compare(browser, base_url, lang, 1440)
    try:
        assert page.locator("[data-testid='stException']").count() == 0
        text = str(page.locator(MAIN).inner_text())
        expected = diff(data_dir, lang)
        assert expected["comparable"] == "same_months"
        for sentence in expected["changes"]:
            assert sentence in text, sentence
        changed = [s["segment"] for s in expected["segments"] if s["status_from"] != s["status_to"]]
        assert changed == ["电极糊", "生物质颗粒燃料"]
        # The trend draws one point per bundled period on each of its two lines.
        points = page.locator(f"{PLOT} .scatterlayer .trace").first.locator(".point")
        assert points.count() == 2
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(500)
            screenshot(page, f"{lang}_compare_{width}")
        with page.expect_download() as caught:
            page.locator(".st-key-cmp_download button").click()
        book = load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes()))
        sheets = ["说明", "变化摘要", "期间对比"] if lang == "zh" else ["About", "What changed", "Comparison"]
        assert book.sheetnames[:3] == sheets
        assert book.sheetnames[-1] == ("完整度趋势" if lang == "zh" else "Completeness trend")
        summary = [row[0].value for row in book[sheets[1]].iter_rows(min_row=2)]
        assert summary == expected["changes"]
    finally:
        page.context.close()

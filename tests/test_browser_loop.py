"""The recruiting loop in the real app and Chromium (#16): a target becomes a lead, is moved to 签约 and the
what-if page's projected chain changes; a demand is recorded and closed and the overview's KPIs follow;
screenshots of the loop's pages at three widths in both languages for a human to look at.

A viewer's refused edit is checked without a browser (tests/test_app_loop.py, tests/test_ledger.py): local
mode, the browser's mode here, has one user who owns the app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import (
    chromium,
    chromium_path,
    open_app,
    screenshot,
    streamlit_server,
    wait_idle,
)
from tests.test_browser import MAIN, TIMEOUT_MS, combobox, go, metric_value, pick

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_path()
    with streamlit_server(data_dir=tmp_path_factory.mktemp("loop-data")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def new_page(browser: Any, base_url: str, width: int = 1440) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    open_app(tab, base_url)
    return tab


def clean(page: Any, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, where
    assert page.get_by_text("Traceback").count() == 0, where


def submit(page: Any, label: str) -> None:
    """Press the form submit button labelled ``label`` and wait for the rerun."""
    page.locator("[data-testid='stFormSubmitButton'] button").filter(has_text=label).first.click()
    page.wait_for_timeout(500)
    wait_idle(page)


def test_a_target_signed_changes_the_projected_chain(browser: Any, base_url: str) -> None:
    page = new_page(browser, base_url)
    go(page, "what_if")
    before = metric_value(page, "环节完整度：现在 → 签约项目投产后")
    go(page, "targets")
    pick(page, "targets_segment", "石油焦")
    box = page.locator(".st-key-tg_leads_pick [role='combobox']")
    box.click()
    box.fill("兰州西固")
    page.get_by_role("option", name=re.compile("兰州西固炼化焦业有限公司")).click()
    page.keyboard.press("Escape")
    page.locator(".st-key-tg_leads_button button").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    clean(page, "targets after adding a lead")
    go(page, "pipeline")
    pick(page, "pl_pick", "兰州西固炼化焦业有限公司 · 石油焦 · 线索")
    lead = page.locator("[class*='st-key-pl_edit_stage_'] [role='combobox']")
    lead.click()
    page.get_by_role("option", name="签约", exact=True).click()
    output = page.locator("[class*='st-key-pl_edit_output_'] input")
    output.fill("20000")
    submit(page, "保存")
    clean(page, "pipeline after signing")
    # The move is in the lead's activity log (a table whose visible cells are also in the DOM).
    page.locator(MAIN).get_by_text("线索 → 签约").first.wait_for(state="attached")
    go(page, "what_if")
    after = metric_value(page, "环节完整度：现在 → 签约项目投产后")
    assert after != before, (before, after)
    assert "兰州西固炼化焦业有限公司" in str(page.locator(MAIN).inner_text())


def test_a_demand_recorded_and_closed_moves_the_overview(browser: Any, base_url: str) -> None:
    page = new_page(browser, base_url)
    opened = int(metric_value(page, "未办结诉求"))
    closed = int(metric_value(page, "已办结诉求"))
    go(page, "demands")
    page.locator(".st-key-dm_add_title, [data-testid='stExpander']").filter(
        has_text="登记新诉求"
    ).first.click()
    page.locator(".st-key-dm_add_detail input").fill("申请标准化厂房（浏览器测试）")
    submit(page, "登记")
    clean(page, "demands after recording")
    go(page, "overview")
    assert int(metric_value(page, "未办结诉求")) == opened + 1
    go(page, "demands")
    pick_box = combobox(page, "dm_pick")
    pick_box.click()
    pick_box.fill("申请标准化厂房")
    page.get_by_role("option", name=re.compile("申请标准化厂房")).click()
    wait_idle(page)
    status = page.locator("[class*='st-key-dm_edit_status_'] [role='combobox']")
    status.click()
    page.get_by_role("option", name="已办结", exact=True).click()
    # The date field is a row of year / month / day segments: type into the first, it moves on by itself.
    page.locator("[class*='st-key-dm_edit_closed_'] [role='spinbutton']").first.click()
    page.keyboard.type(dt.date.today().strftime("%Y%m%d"), delay=40)
    page.keyboard.press("Escape")
    submit(page, "保存")
    clean(page, "demands after closing")
    go(page, "overview")
    assert int(metric_value(page, "未办结诉求")) == opened
    assert int(metric_value(page, "已办结诉求")) == closed + 1


@pytest.mark.parametrize("width", [1440, 1280, 1024])
def test_screenshots_of_the_loop_in_both_languages(browser: Any, base_url: str, width: int) -> None:
    page = new_page(browser, base_url, width)
    for lang in ("zh", "en"):
        if lang == "en":
            page.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
            page.locator("[data-testid='stSidebar']").get_by_text("Pages", exact=True).wait_for(
                state="visible"
            )
            wait_idle(page)
        for key in ("overview", "pipeline", "demands", "what_if"):
            if key != "overview" or lang == "en":
                go(page, key, lang=lang)
            clean(page, f"{key} {lang} {width}")
            screenshot(page, f"loop_{lang}_{key}_{width}")

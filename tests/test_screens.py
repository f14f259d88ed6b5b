"""Every page at a projector's and a desktop's widths, in both languages, as an official would see it (#18).

One Streamlit server and one browser session walk every page of ``ui.frame.PAGES`` (iterated, so pages added
later are covered) at 1440, 1280 and 1024 px in Chinese, then in English, and check what a test can see:

- no card (``st.metric``) cuts its value: the value's box is as wide as its text, and the text is whole;
- the English UI's own words (menu, page title, widget and card labels, buttons) have no Chinese in them;
- the Chinese UI shows no catalogue key (what ``ui.i18n.t`` returns for a key it does not know);
- a worded choice ("全部") is relabelled ("all") after the language switch, its value kept;
- printing hides the sidebar, shows the page header with the county and period, and prints each report
  table whole (its print copy) instead of its scrolling grid;
- not one request leaves the machine (the page icon and every asset come from the app's own server).

A screenshot of every page, width and language lands in ``.artifacts/screenshots/screens/`` for a person to
look at. Run: ``python -m pytest tests/test_screens.py -q -m browser``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import (
    MENU,
    chromium,
    open_app,
    screenshot,
    streamlit_server,
    wait_idle,
)
from ui.frame import PAGES
from ui.i18n import TEXT, t
from ui.style import PRINT_HEADER_CLASS

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
WIDTHS = (1440, 1280, 1024)
SIDEBAR = "[data-testid='stSidebar']"
MAIN = "[data-testid='stMain']"
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")
#: What ``t`` returns for a key it does not know: the key itself, a lower-case word with underscores.
UNTRANSLATED = re.compile(r"\b(?:" + "|".join(sorted({k.split("_")[0] for k in TEXT})) + r")_[a-z_]+\b")

#: Every card value on the page: its text and whether its box is narrower than the text (cut, "87.3…").
_CARDS_JS = """() => [...document.querySelectorAll("[data-testid='stMetricValue']")].map(value => {
  const boxes = [value, ...value.querySelectorAll('*')];
  return {
    text: value.innerText.trim(),
    cut: boxes.some(box => box.scrollWidth > box.clientWidth + 1),
  };
})"""

#: The UI's own words on the page: the menu, the title, widget and card labels, buttons and expanders.
_OWN_WORDS_JS = """() => [
  ...document.querySelectorAll(
    "[data-testid='stSidebar'] [data-testid='stPageLink-NavLink'] span:last-child, " +
    "[data-testid='stMain'] h1, [data-testid='stWidgetLabel'], [data-testid='stMetricLabel'], " +
    "[data-testid='stMain'] button p, [data-testid='stExpander'] summary p"
  )].map(e => e.innerText.trim()).filter(Boolean)"""


@pytest.fixture(scope="module")
def session() -> Iterator[tuple[Any, str, list[str]]]:
    """One server, one browser, one session (a page and the requests it made) for the whole walk."""
    requests: list[str] = []
    with chromium() as browser, streamlit_server() as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda socket: requests.append(socket.url))
        open_app(page, url)
        yield page, url, requests


def _go(page: Any, index: int, lang: str) -> None:
    """Open the page at ``index`` of PAGES from the menu and wait until it has run to the end."""
    spec = PAGES[index]
    page.locator(MENU).nth(index).click()
    title = t(f"page_{spec.key}", lang)
    page.locator(f"{MAIN} h1").filter(has_text=title).wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)


def _switch_language(page: Any, lang: str) -> None:
    page.locator(".st-key-lang_switch").get_by_role(
        "radio", name="English" if lang == "en" else "中文"
    ).click()
    page.locator(SIDEBAR).get_by_text(t("menu", lang), exact=True).wait_for(state="visible")
    wait_idle(page)


def _check_page(page: Any, key: str, lang: str) -> list[str]:
    """Screenshot the page at every width and return what is wrong with it."""
    found: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 1024 else 768})
        page.wait_for_timeout(400)  # cards and charts re-measure on resize
        where = f"{key} ({lang}, {width} px)"
        for card in page.evaluate(_CARDS_JS):
            if card["cut"] or card["text"].endswith("…"):
                found.append(f"{where}: card value cut: {card['text']!r}")
        screenshot(page, f"screens/{lang}_{key}_{width}")
    page.set_viewport_size({"width": 1440, "height": 900})
    words = page.evaluate(_OWN_WORDS_JS)
    if lang == "en":
        # The language switch names both languages on purpose: a reader of either finds it.
        own = [w for w in words if w != t("language", "en")]
        found += [f"{key} (en): Chinese in the UI's words: {w!r}" for w in own if CJK.search(w)]
    text = f"{page.locator(SIDEBAR).inner_text()}\n{page.locator(MAIN).inner_text()}"
    found += [f"{key} ({lang}): untranslated key {k!r}" for k in sorted(set(UNTRANSLATED.findall(text)))]
    if lang == "zh":
        # Streamlit's own English placeholders: every choice widget says in the page's words what to pick.
        shown = text + "\n".join(
            page.eval_on_selector_all(
                f"{MAIN} input[placeholder]", "els => els.filter(e => !e.value).map(e => e.placeholder)"
            )
        )
        found += [f"{key} (zh): Streamlit's English {w!r}" for w in STREAMLIT_ENGLISH if w in shown]
    return found


#: Streamlit's default widget texts, which the Chinese UI must not show.
STREAMLIT_ENGLISH = ("Choose an option", "Choose options", "Select all", "No options to select")


def _check_print(page: Any, key: str) -> list[str]:
    """Print media: no sidebar, the header with the app's and the page's name shown."""
    found: list[str] = []
    page.emulate_media(media="print")
    try:
        if page.locator(SIDEBAR).is_visible():
            found.append(f"{key}: the sidebar prints")
        # A report table prints whole: its grid (a canvas, cut to what is in view) gives way to its copy.
        for grid in page.locator("div[class*='st-key-printable_'] [data-testid='stDataFrame']").all():
            if grid.is_visible():
                found.append(f"{key}: a report table prints as its scrolling grid")
        for copy in page.locator("div[class*='st-key-paper_'] table").all():
            if not copy.is_visible():
                found.append(f"{key}: a report table's print copy is hidden on paper")
        header = page.locator(f".{PRINT_HEADER_CLASS}")
        if not header.is_visible() or t(f"page_{key}", "zh") not in header.inner_text():
            found.append(f"{key}: no print header naming the page")
    finally:
        page.emulate_media(media="screen")
    return found


def test_every_page_at_every_width_in_both_languages(session: tuple[Any, str, list[str]]) -> None:
    page, url, requests = session
    targets = next(i for i, spec in enumerate(PAGES) if spec.key == "targets")
    found: list[str] = []
    for lang in ("zh", "en"):
        if lang == "en":
            # Switched on the targets page: its "all" choices must be relabelled, their value kept.
            _go(page, targets, "zh")
            box = page.locator(".st-key-targets_segment [role='combobox']")
            assert box.input_value() == t("all", "zh")
            _switch_language(page, "en")
            assert box.input_value() == t("all", "en"), box.input_value()
        for index, spec in enumerate(PAGES):
            _go(page, index, lang)
            found += _check_page(page, spec.key, lang)
            if lang == "zh":
                found += _check_print(page, spec.key)
    assert not found, "\n".join(found)
    off_machine = sorted(
        {u for u in requests if not u.startswith(("data:", "blob:", url, url.replace("http://", "ws://")))}
    )
    assert not off_machine, f"requests off the machine: {off_machine}"

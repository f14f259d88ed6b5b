"""Browser end-to-end tests: the real app in Debian's Chromium, driven like a county official would.

One Streamlit server and one browser per module; a fresh browser context (so a fresh Streamlit session)
per test. Every test navigates through the sidebar menu, never by typing URLs, because the menu is what
users see and what DESIGN.md's multipage mechanics rely on. Screenshots land in the git-ignored
``.artifacts/screenshots/`` for a human to look at.

Run: ``python -m pytest tests/test_browser.py -q -m browser``. Without Chromium or Playwright the tests
skip loudly (and fail under ``REQUIRE_BROWSER=1``), see :mod:`tests.browser_support`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from chain.problems import CATALOGUE
from chain.store import BUNDLED_SAMPLES
from tests import hostile
from tests.browser_support import (
    MENU,
    ROOT,
    chromium,
    chromium_path,
    healthy,
    open_app,
    screenshot,
    streamlit_server,
    wait_idle,
)
from tests.factory import make_workbook

pytestmark = pytest.mark.browser

#: Generous: two loaded cores, a cold cache, and an isolated parse of a hostile file can be slow.
TIMEOUT_MS = 60_000
SAMPLE = ROOT / "data" / "sample.xlsx"
SIDEBAR = "[data-testid='stSidebar']"
MAIN = "[data-testid='stMain']"
MENU_LINK = MENU
PLOT = ".js-plotly-plot"

#: (page key, zh menu label, en menu label, URL path, selector of a page-specific element, has charts).
PAGES: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("overview", "概览", "Overview", "", ".st-key-overview_treemap", True),
    ("chain_map", "产业链图谱", "Chain map", "chain_map", ".st-key-map_segment", True),
    ("flow_map", "来源与去向地图", "Flow map", "flow_map", ".st-key-flowmap_segment", True),
    ("gaps", "强弱缺分析", "Gaps", "gaps", ".st-key-gaps_weak_share", True),
    ("targets", "招商目标", "Targets", "targets", ".st-key-targets_segment", False),
    ("pairing", "本地配套", "Local pairing", "pairing", ".st-key-pairing_segment", False),
    ("enterprise", "企业画像", "Enterprise", "enterprise", ".st-key-ent_firm", True),
    ("what_if", "项目模拟", "What-if", "what_if", ".st-key-wi_segment", True),
    ("compare", "期间对比", "Compare periods", "compare", ".st-key-cmp_from", True),
    ("pipeline", "招商项目", "Pipeline", "pipeline", ".st-key-pl_as_of", True),
    ("demands", "诉求台账", "Demands", "demands", ".st-key-dm_as_of", False),
    ("data", "数据", "Data", "data", "[data-testid='stFileUploaderDropzone']", False),
)
ZH = {key: zh for key, zh, *_ in PAGES}
EN = {key: en for key, _, en, *_ in PAGES}
PATHS = {key: path for key, _, _, path, *_ in PAGES}


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """One Streamlit server for the module (each start costs ~10 s on two loaded cores)."""
    chromium_path()  # skip (or fail under REQUIRE_BROWSER=1) before paying for a server
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module, Debian's, never a downloaded one."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh context (cookies, storage, so a new Streamlit session) and the app's home page in it."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    open_app(tab, base_url)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="module")
def sample_gaps() -> dict[str, Any]:
    """``python -m chain gaps data/sample.xlsx --json``: the command-line contract, read as a script would."""
    return _cli_json("gaps", SAMPLE)


# ---------------------------------------------------------------------------------------------- helpers


def _cli_json(command: str, workbook: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "chain", command, str(workbook), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def biggest_upstream_gap(gaps: dict[str, Any]) -> str:
    """The segment with the largest leakage among upstream gaps (石油焦 in today's sample)."""
    upstream = [s for s in gaps["segments"] if "upstream" in s["gaps"]]
    return str(max(upstream, key=lambda s: s["leakage"])["segment"])


def assert_clean(page: Any, where: str) -> None:
    """No Streamlit exception box and no Python traceback anywhere on the page."""
    assert page.locator("[data-testid='stException']").count() == 0, f"exception element on {where}"
    assert page.get_by_text("Traceback").count() == 0, f"a traceback is shown on {where}"


def menu_link(page: Any, label: str) -> Any:
    """The sidebar menu link whose label is exactly ``label`` (the link text also holds the icon name)."""
    return page.locator(MENU_LINK).filter(has=page.get_by_text(label, exact=True))


def go(page: Any, key: str, lang: str = "zh") -> None:
    """Open page ``key`` by clicking its menu link; return once it has run to the end."""
    label = (ZH if lang == "zh" else EN)[key]
    menu_link(page, label).click()
    # The URL changes first; the title proves the new page's script has started drawing; idle, that it ended.
    page.wait_for_url(re.compile(rf"/{PATHS[key]}(\?.*)?$"), timeout=TIMEOUT_MS)
    page.locator(f"{MAIN} h1").filter(has_text=label).wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)


def menu_labels(page: Any) -> list[str]:
    """The menu's labels in order (the last line of each link; the first is its material icon's name)."""
    return [text.split("\n")[-1].strip() for text in page.locator(MENU_LINK).all_inner_texts()]


def sidebar_text(page: Any) -> str:
    return str(page.locator(SIDEBAR).inner_text())


def metric_value(page: Any, label: str) -> str:
    """The value shown by the metric card labelled ``label``."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True)
    )
    return str(card.locator("[data-testid='stMetricValue']").inner_text()).strip()


def combobox(page: Any, key: str) -> Any:
    """The text input of the selectbox with widget key ``key`` (Streamlit 1.67: a react-aria ComboBox)."""
    return page.locator(f".st-key-{key} [role='combobox']")


def pick(page: Any, key: str, option: str) -> None:
    """Choose ``option`` in the selectbox with widget key ``key`` and wait for the rerun.

    Typing first filters the list: long option lists are virtualised, so an option far down may not exist
    in the DOM until the list is narrowed.
    """
    box = combobox(page, key)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
    assert box.input_value() == option, box.input_value()


def upload(page: Any, path: Path) -> None:
    """Upload ``path`` on the data page and wait until the app has taken it in.

    The data page handles an upload in one run and reruns; only the rerun's sidebar names the new file, so
    waiting for that name (unique per file) cannot be fooled by the idle state before the upload started.
    """
    page.set_input_files("input[type=file]", str(path))
    page.locator(SIDEBAR).get_by_text(f"文件：{path.name}", exact=True).wait_for(
        state="visible", timeout=TIMEOUT_MS
    )
    wait_idle(page)


def expected_fragment(code: str) -> str:
    """The longest literal piece of ``code``'s Chinese message: what the page must show, whatever the
    parameters (sizes, sheet names, ratios) filled into the template."""
    template = CATALOGUE[code][1]
    pieces = re.split(r"\{[^{}]*\}", template)
    return max((p.strip() for p in pieces), key=len)


def main_text(page: Any) -> str:
    """All text of the main area, including the validation report: st.dataframe draws on a canvas, but
    keeps an accessible table of its visible cells in the DOM, which text_content reads."""
    return str(page.locator(MAIN).text_content() or "")


# ------------------------------------------------------------------------------------------------ tests


def test_every_page_through_the_menu_in_chinese(page: Any) -> None:
    """Each page, reached from the menu, runs clean in Chinese, shows its own content and its charts."""
    assert "导航" in sidebar_text(page), "the app does not start in Chinese"
    assert menu_labels(page) == [ZH[key] for key, *_ in PAGES]
    for key, label, _, _, marker, has_charts in PAGES:
        if key != "overview":
            go(page, key)
        where = f"the {key} page"
        assert_clean(page, where)
        assert page.locator(f"{MAIN} h1").filter(has_text=label).is_visible(), where
        page.locator(marker).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        if has_charts:
            # Plotly draws after the script run ends; its SVG is the proof that a chart rendered.
            page.locator(f"{PLOT} .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        screenshot(page, f"zh_{key}")


def test_language_switch_to_english_sticks_across_pages(page: Any) -> None:
    """One click on English translates the menu, and it stays English on two other pages."""
    page.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
    page.locator(SIDEBAR).get_by_text("Pages", exact=True).wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)
    english = [EN[key] for key, *_ in PAGES]
    assert menu_labels(page) == english
    assert page.locator(f"{MAIN} h1").filter(has_text="Overview").is_visible()
    screenshot(page, "en_overview")
    for key in ("gaps", "targets"):
        go(page, key, lang="en")
        assert_clean(page, f"the {key} page in English")
        assert menu_labels(page) == english, key
        assert "导航" not in sidebar_text(page), key
        screenshot(page, f"en_{key}")


def test_biggest_upstream_gap_to_a_downloaded_target_list(
    page: Any, sample_gaps: dict[str, Any], tmp_path: Path
) -> None:
    """The official's task: the biggest upstream gap, its outside suppliers, the list in Excel."""
    segment = biggest_upstream_gap(sample_gaps)
    suppliers = [t["name"] for t in _cli_json("targets", SAMPLE)["targets"] if t["segment"] == segment]
    assert suppliers, f"the sample has no targets for {segment}"

    # Overview lists the upstream gaps biggest first: the first card names the segment.
    first_card = page.locator(MAIN).get_by_text(segment, exact=True).first
    first_card.wait_for(state="visible", timeout=TIMEOUT_MS)

    go(page, "targets")
    pick(page, "targets_segment", segment)
    assert_clean(page, "the targets page filtered")
    shown = main_text(page)
    assert f"{segment} · 补链" in shown, "the top target card does not name the segment"
    # The top card names the best target; the table (its accessible cells) lists the others.
    assert any(name in shown for name in suppliers[:2]), suppliers[:2]
    screenshot(page, "zh_targets_filtered")

    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.locator(".st-key-targets_download_xlsx button").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = tmp_path / "targets.xlsx"
    download.save_as(saved)

    book = openpyxl.load_workbook(saved)  # formulas stay formulas: data_type "f" would show them
    assert book.sheetnames[0] == "说明", book.sheetnames
    assert "招商目标" in book.sheetnames, book.sheetnames
    sheet = book["招商目标"]
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    for header in ("环节", "企业名称", "所在地", "年交易额(万元)"):
        assert header in headers, headers
    body = rows[1:]
    assert body, "the downloaded target list is empty"
    segment_col, name_col, value_col = (headers.index(h) for h in ("环节", "企业名称", "年交易额(万元)"))
    assert {row[segment_col].value for row in body} == {segment}
    assert {row[name_col].value for row in body} == set(suppliers)
    for row in body:
        assert isinstance(row[value_col].value, int | float), row[value_col].value
    formulas = [
        c.coordinate for ws in book.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"
    ]
    assert not formulas, f"formula cells in the download: {formulas}"


def test_the_overview_downloads_the_brief(page: Any, sample_gaps: dict[str, Any], tmp_path: Path) -> None:
    """The chain chief's one click (#19): the overview's brief downloads as a .docx that opens, names the
    biggest upstream gap first and, the workspace holding the sample's earlier period, says what changed."""
    import docx

    button = page.locator(".st-key-overview_brief").get_by_role("button", name="下载分析简报（Word）")
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    screenshot(page, "zh_overview_brief_button")
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith("产业链分析简报.docx"), download.suggested_filename
    saved = tmp_path / "brief.docx"
    download.save_as(saved)
    document = docx.Document(str(saved))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[0].endswith("产业链分析简报"), texts[0]
    assert "三、主要缺口" in texts and "六、与上期相比" in texts, texts
    upstream = document.tables[1]
    assert upstream.rows[1].cells[0].text == biggest_upstream_gap(sample_gaps)
    assert len(document.inline_shapes) == 3
    assert_clean(page, "the overview after the brief's download")


def test_uploading_a_workbook_replaces_the_data_and_back_to_sample(page: Any, tmp_path: Path) -> None:
    """A good upload shows its file name and its own numbers; "back to sample" restores the sample's."""
    sample_output = metric_value(page, "产业链总产值")
    go(page, "data")
    tiny = tmp_path / "tiny.xlsx"
    tiny.write_bytes(make_workbook())
    upload(page, tiny)
    assert_clean(page, "the data page after an upload")
    assert "tiny.xlsx 已载入" in main_text(page)
    screenshot(page, "zh_data_uploaded")

    go(page, "overview")
    assert "文件：tiny.xlsx" in sidebar_text(page)
    # TINY: 100 + 200 + 300 + 500 万元 of output, 110 employees, 3 of 4 segments with a local firm.
    assert metric_value(page, "产业链总产值") == "1,100 万元"
    assert metric_value(page, "从业人数") == "110 人"
    assert metric_value(page, "环节完整度") == "75.0%"
    assert sample_output != "1,100 万元"
    screenshot(page, "zh_overview_uploaded")

    go(page, "data")
    page.locator(".st-key-back_to_sample button").click()
    page.locator(SIDEBAR).get_by_text("内置样例数据", exact=True).wait_for(state="visible")
    wait_idle(page)
    assert_clean(page, "the data page after back to sample")
    go(page, "overview")
    assert metric_value(page, "产业链总产值") == sample_output


def test_hostile_uploads_in_one_session(page: Any, base_url: str, tmp_path: Path) -> None:
    """Every hostile or broken workbook gets its message; the server and the session survive them all."""
    go(page, "data")
    started = time.monotonic()
    for name, build, code in hostile.CORPUS:
        if name == "oversize":
            continue  # the widget itself refuses it: see test_the_uploader_refuses_an_oversize_file
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(build())
        upload(page, path)
        where = f"the data page after uploading {name}"
        assert_clean(page, where)
        text = main_text(page)
        if code == hostile.OK:
            assert f"{path.name} 已载入" in text, where
            assert "0 个错误" in text or "没有发现问题" in text, where
        else:
            fragment = expected_fragment(code)
            assert fragment in text, f"{where}: no message for {code} ({fragment!r})"
            if CATALOGUE[code][0] == "error":
                assert "未载入分析" in text, where
        assert healthy(base_url), f"the server stopped answering after {name}"
        if name in ("far_cell", "far_cell_beyond_scan", "formulas_without_values"):
            screenshot(page, f"zh_data_{name}")
    elapsed = time.monotonic() - started

    # The same session still analyses a good workbook.
    good = tmp_path / "after_hostile.xlsx"
    good.write_bytes(make_workbook())
    upload(page, good)
    go(page, "overview")
    assert_clean(page, "the overview after the hostile uploads")
    assert metric_value(page, "产业链总产值") == "1,100 万元"
    page.locator(f"{PLOT} .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert healthy(base_url)
    print(f"{len(hostile.CORPUS) - 1} hostile uploads in {elapsed:.1f} s")


def test_the_uploader_refuses_an_oversize_file(page: Any, base_url: str, tmp_path: Path) -> None:
    """A file over server.maxUploadSize (50 MB) never reaches the app: the widget shows its own error."""
    go(page, "data")
    path = tmp_path / "oversize.xlsx"
    path.write_bytes(hostile.oversize())
    page.set_input_files("input[type=file]", str(path))
    # Streamlit's own refusal: the file chip turns invalid and carries an alert (English, from Streamlit,
    # shown only as a hover tooltip; see the report).
    chip = page.locator("[data-testid='stFileUploader'] [data-testid='stFileChip'][aria-invalid='true']")
    chip.wait_for(state="visible", timeout=TIMEOUT_MS)
    alert = str(chip.get_by_role("alert").text_content())
    assert re.search(r"50(\.0)?\s?MB", alert), alert
    wait_idle(page)
    assert "内置样例数据" in sidebar_text(page), "an oversize file replaced the data"
    assert_clean(page, "the data page after an oversize file")
    assert healthy(base_url)
    screenshot(page, "zh_data_oversize")


#: Where the first chain-map node with a segment name in its customdata sits, in page pixels.
_NODE_JS = """
(gd) => {
  const layout = gd._fullLayout;
  for (const trace of gd._fullData) {
    if (!trace.visible || trace.type !== 'scatter' || !trace.customdata) continue;
    if (!String(trace.mode).includes('markers')) continue;
    for (let i = 0; i < trace.customdata.length; i++) {
      const x = trace.x[i], y = trace.y[i];
      if (x === null || y === null || x === undefined || y === undefined) continue;
      const xa = layout[trace.xaxis.replace('x', 'xaxis')], ya = layout[trace.yaxis.replace('y', 'yaxis')];
      const box = gd.getBoundingClientRect();
      return {
        segment: String(trace.customdata[i]),
        x: box.left + xa._offset + xa.l2p(xa.d2l(x)),
        y: box.top + ya._offset + ya.l2p(ya.d2l(y)),
      };
    }
  }
  return null;
}
"""


def test_chain_map_click_on_a_node_shows_its_segment(page: Any) -> None:
    """A click on a node of the chain map picks that segment: its numbers and firms appear."""
    go(page, "chain_map")
    chart = page.locator(f".st-key-map_chart {PLOT}")
    chart.locator(".main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    chart.scroll_into_view_if_needed()
    node = chart.evaluate(_NODE_JS)
    assert node is not None, "no clickable node found in the chain map"
    segment = node["segment"]
    # The node sits under plotly's drag layer, so click the page at its position rather than the element.
    page.mouse.click(node["x"], node["y"])
    page.locator(f"{MAIN} h3").filter(has_text=segment).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_idle(page)
    assert_clean(page, "the chain map after a click")
    assert combobox(page, "map_segment").input_value() == segment
    assert page.locator(MAIN).get_by_text("本环节企业", exact=True).is_visible()
    screenshot(page, "zh_chain_map_clicked")


def test_chain_map_select_a_segment(page: Any, sample_gaps: dict[str, Any]) -> None:
    """Choosing a segment in the selectbox shows its detail: heading, reason and metric cards."""
    segment = biggest_upstream_gap(sample_gaps)
    go(page, "chain_map")
    pick(page, "map_segment", segment)
    assert_clean(page, "the chain map with a segment chosen")
    page.locator(f"{MAIN} h3").filter(has_text=segment).first.wait_for(state="visible")
    row = next(s for s in sample_gaps["segments"] if s["segment"] == segment)
    assert row["reason"] and row["reason"] in main_text(page), row["reason"]
    assert metric_value(page, "外购额") != "—"
    screenshot(page, "zh_chain_map_selected")


def test_flow_map_draws_offline_and_a_click_lists_a_place(browser: Any, base_url: str) -> None:
    """The flow map with every request that is not to the app aborted (and recorded): its curves, places
    and province names render, nothing leaves the machine (no tile server, no topojson from a CDN), and a
    click on a place lists its suppliers and buyers."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(lambda url: not _same_machine(url, base_url), lambda route: route.abort())
    page = context.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    try:
        open_app(page, base_url)
        go(page, "flow_map")
        chart = page.locator(f".st-key-flowmap_chart {PLOT}")
        chart.locator(".main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        chart.scroll_into_view_if_needed()
        # Curves (lines), places (markers) and province names (text), all in the cartesian plot: no geo layer.
        assert chart.locator(".scatterlayer .trace .js-line").count() > 20
        assert chart.locator(".scatterlayer .trace .point").count() > 20
        names = chart.locator(".scatterlayer .trace .textpoint text").all_text_contents()
        assert {"陕西", "江苏", "四川"} <= {n.strip() for n in names}, names
        # plotly keeps an empty geo layer in every figure: nothing may be drawn in it.
        assert chart.locator(".geolayer > *, .mapboxgl-map, .maplibregl-map").count() == 0
        screenshot(page, "zh_flow_map")
        place = chart.evaluate(_NODE_JS)
        assert place is not None, "no clickable place found on the flow map"
        page.mouse.click(place["x"], place["y"])
        page.locator(f"{MAIN} h3").filter(has_text="与本县的交易").first.wait_for(
            state="visible", timeout=TIMEOUT_MS
        )
        wait_idle(page)
        assert_clean(page, "the flow map after a click")
        assert page.locator(f"{MAIN} [data-testid='stDataFrame']").first.is_visible()
        screenshot(page, "zh_flow_map_clicked")
    finally:
        context.close()
    off_machine = sorted({url for url in requests if not _same_machine(url, base_url)})
    assert not off_machine, f"requests off the machine: {off_machine}"


# ------------------------------------------------------------------------------------ workbook text as text

#: Attributes through which a page loads or links something.
_URL_ATTRIBUTES_JS = """
(host) => {
  const names = ['href', 'src', 'srcset', 'xlink:href', 'action', 'formaction', 'poster', 'data', 'background'];
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const name of names) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const url = new URL(value.trim().split(/[\\s,]/)[0] || '#', document.baseURI);
      const local = ['data:', 'blob:', 'about:'].includes(url.protocol) || url.origin === location.origin;
      if (!local || value.includes(host)) found.push(`<${tag} ${name}="${value}">`);
    }
    const style = el.getAttribute('style') || '';
    if (style.includes(host) || /url\\(\\s*['"]?([a-z]+:)?\\/\\//i.test(style)) found.push(`<${tag} style="${style}">`);
  }
  return found;
}
"""


def _same_machine(url: str, base_url: str) -> bool:
    """Whether the browser's request ``url`` stays on this machine: the app's own server, or no network."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    origin = re.match(r"^[a-z]+://[^/]+", url)
    return origin is not None and origin.group(0).replace("ws://", "http://") == base_url


def _upload_named(page: Any, name: str, data: bytes) -> None:
    """Upload ``data`` as a file called ``name`` and wait until the sidebar names it (the file name is
    workbook text: Markdown-escaped, with invisible word joiners where it holds addresses)."""
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.wait_for_function(
        "(name) => (document.querySelector(\"[data-testid='stSidebar']\")?.innerText || '')"
        ".replaceAll('\\u2060', '').includes(name)",
        arg=f"文件：{name}",
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)


def _no_markup(page: Any, where: str) -> None:
    """No link or image to the payload host, nor any off-machine URL, anywhere in the page's DOM."""
    host = hostile.MARKUP_HOST
    assert page.locator(f"a[href*='{host}']").count() == 0, f"a link to {host} on {where}"
    assert page.locator(f"img[src*='{host}']").count() == 0, f"an image from {host} on {where}"
    found = page.evaluate(_URL_ATTRIBUTES_JS, host)
    assert not found, f"{where}: {found}"


def test_workbook_markup_is_shown_as_text_and_nothing_calls_out(browser: Any, base_url: str) -> None:
    """A workbook whose names are Markdown and HTML (tests.hostile.markup_payloads) on every page, in both
    languages: no link or image to any host in the DOM, and not one request off the machine (each is
    recorded, and blocked to be safe: the payload host is TEST-NET-2 and never answers anyway)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(lambda url: not _same_machine(url, base_url), lambda route: route.abort())
    page = context.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    names = hostile.markup_names()
    markup = hostile.MARKUP
    file_name = f"![f](x.png) www.{hostile.MARKUP_HOST} up@{hostile.MARKUP_HOST}.xlsx"
    try:
        open_app(page, base_url)
        go(page, "data")
        _upload_named(page, file_name, hostile.markup_payloads())
        assert_clean(page, "the data page after the markup upload")
        # Accepted; its one note is the <img> region, which names no place (chain/geo.py), shown as text.
        accepted = main_text(page)
        assert "0 个错误" in accepted or "没有发现问题" in accepted, accepted
        shown: list[str] = []
        for lang in ("zh", "en"):
            if lang == "en":
                page.locator(".st-key-lang_switch").get_by_role("radio", name="English").click()
                page.locator(SIDEBAR).get_by_text("Pages", exact=True).wait_for(state="visible")
                wait_idle(page)
            for key, *_rest, has_charts in PAGES:
                go(page, key, lang)
                where = f"the {key} page ({lang})"
                assert_clean(page, where)
                if has_charts:
                    page.locator(f"{PLOT} .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
                if key == "chain_map":
                    pick(page, "map_segment", names["煅烧"])
                    page.locator(f"{PLOT} .main-svg").first.wait_for(state="visible", timeout=TIMEOUT_MS)
                if key == "what_if":
                    box = combobox(page, "wi_project")
                    box.click()
                    page.get_by_role("option").last.click()
                    wait_idle(page)
                _no_markup(page, where)
                shown.append(str(page.locator(SIDEBAR).inner_text()) + main_text(page))
                screenshot(page, f"markup_{lang}_{key}")
        text = "\n".join(shown).replace("\u2060", "")  # plain()'s invisible word joiners
        # The payloads were drawn, as typed: the county, the top target, a firm, a segment, the file name.
        for payload in (markup["image"], markup["link"], markup["a_tag"], names["煅烧"], file_name):
            assert payload in text, payload
    finally:
        context.close()
    off_machine = sorted({url for url in requests if not _same_machine(url, base_url)})
    assert not off_machine, f"requests off the machine: {off_machine}"


def test_an_upload_kept_as_a_snapshot_is_still_current_after_a_server_restart(
    browser: Any, tmp_path: Path
) -> None:
    """Upload -> kept as a snapshot and listed -> made current -> the server restarts on the same data
    folder -> a new session opens on it."""
    data_dir = tmp_path / "data"
    tiny = tmp_path / "tiny.xlsx"
    tiny.write_bytes(make_workbook())  # TINY's 报告期 is 2024Q1

    def session(url: str) -> tuple[Any, Any]:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        tab = context.new_page()
        open_app(tab, url)
        return context, tab

    with streamlit_server(data_dir=data_dir) as url:
        context, page = session(url)
        try:
            assert "快照：2023年1-9月 · 内置样例（当前）" in sidebar_text(page), "seeded on first start"
            go(page, "data")
            upload(page, tiny)
            assert_clean(page, "the data page after an upload")
            # After the bundled sample(s) the first start seeded.
            uploaded = 1 + sum(path.is_file() for path in BUNDLED_SAMPLES)
            assert f"已保存为快照 {uploaded}（tiny）" in main_text(page)
            pick(page, "ws_pick", f"{uploaded} · 2024Q1 · tiny")
            page.locator(".st-key-ws_make_current button").click()
            page.locator(".st-key-ws_make_current button[disabled]").wait_for(state="attached")
            wait_idle(page)
            assert_clean(page, "the data page after making the upload current")
            screenshot(page, "zh_data_snapshots")
        finally:
            context.close()

    with streamlit_server(data_dir=data_dir) as url:
        context, page = session(url)
        try:
            assert "快照：2024Q1 · tiny（当前）" in sidebar_text(page)
            assert "文件：tiny.xlsx" in sidebar_text(page)
            assert metric_value(page, "产业链总产值") == "1,100 万元"
        finally:
            context.close()

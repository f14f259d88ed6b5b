"""Workbook text is data, never markup (DESIGN.md "Bad input"; issue 10, finding 1).

Enterprises supply the workbook. A county named ``![c](http://host/x.png)`` must not make every page load an
image, and a supplier named ``[更新数据请点此](http://host/phish)`` must not become a link. This module drives
every page with Streamlit's AppTest on :func:`tests.hostile.markup_payloads` (county, period, firms,
suppliers, buyers, regions, products, segments, categories, town, deputy, project, request, file name and
problem messages all carry Markdown and HTML payloads) in both languages, and checks every string of every
element that Streamlit renders as Markdown, and every string of every figure, for markup left active. The
same for the command line (terminal control characters) and the exports (no hyperlinks). What the browser
finally draws and requests is tests/test_browser.py's part.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from chain.__main__ import json_text, main, terminal_text
from chain.settings import AnalysisSettings
from tests import hostile
from tests.factory import TINY, make_workbook
from tests.markup import TEMPLATES, active_markdown, active_plotly, figure_strings, visible
from ui import facade
from ui.frame import PAGES
from ui.i18n import LANGS
from ui.style import SCROLL_SCRIPT, style_sheet
from ui.widgets import WORD_JOINER, plain

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARKUP = hostile.MARKUP
NAMES = hostile.markup_names()
#: A file name carries payloads too (no "/" in a file name: a relative image, bare addresses).
FILE_NAME = f"![f](x.png) www.{hostile.MARKUP_HOST} up@{hostile.MARKUP_HOST}.xlsx"

#: Element fields Streamlit shows as plain text (option lists, input values): workbook text belongs there
#: as written, so they are not Markdown to check. ``plotly_chart.spec`` is checked as a figure.
_PLAIN_FIELDS = {
    ("selectbox", "options"),
    ("selectbox", "default"),
    ("selectbox", "value"),
    ("selectbox", "raw_value"),
    ("multiselect", "options"),
    ("multiselect", "default"),
    ("multiselect", "value"),
    ("multiselect", "raw_values"),
    ("text_input", "value"),
    ("text_input", "default"),
    ("plotly_chart", "spec"),
}


pytestmark = pytest.mark.usefixtures("fresh_caches")


# ------------------------------------------------------------------------------------------------ plain()


@pytest.mark.parametrize("kind", list(MARKUP))
def test_plain_shows_every_payload_as_written(kind: str) -> None:
    payload = MARKUP[kind]
    shown = plain(payload)
    assert active_markdown(shown) == [], shown
    assert visible(shown) == payload
    # Inside the chrome's own Markdown (a bold name, a list item) too.
    assert active_markdown(f"**{shown}** · - {shown}") == []


def test_plain_breaks_what_a_backslash_cannot() -> None:
    """GFM links bare addresses after reading escapes, Streamlit reads icons before Markdown: a word joiner
    breaks each, where the reader sees nothing of it."""
    for text in ("http://h.cn/a", "HTTPS://h.cn", "www.h.cn", "WWW.h.cn", "a@h.cn", ":material/home:"):
        assert WORD_JOINER in plain(text), text
        assert visible(plain(text)) == text
    # Ordinary text keeps no joiner: a colon before a space or a digit, Chinese punctuation.
    for text in ("份额: 25%", "10:30", "说明：无", "A&B (甲)"):
        assert WORD_JOINER not in plain(text), text


def test_plain_keeps_text_on_one_line() -> None:
    assert plain("甲\n# 标题\r\n- 项\u2028乙") == "甲 \\# 标题 \\- 项 乙"


# ---------------------------------------------------------------------------------------------- AppTest


def _strings(message: Message, element: str) -> Iterator[tuple[str, str]]:
    """(field, text) of every string field of an element's proto, nested messages included."""
    for field, value in message.ListFields():
        for item in value if field.is_repeated else [value]:
            if isinstance(item, Message):
                yield from _strings(item, element)
            elif isinstance(item, str):
                yield field.name, item


def rendered(at: AppTest) -> Iterator[tuple[str, str, str]]:
    """(element type, field, text) of every string of every element and block the run drew."""

    def walk(node: object) -> Iterator[tuple[str, str, str]]:
        proto = getattr(node, "proto", None)
        element = str(getattr(node, "type", ""))
        if isinstance(proto, Message):
            for field, text in _strings(proto, element):
                yield element, field, text
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


#: The frame's style sheet, as st.html draws it in each language.
_STYLE_SHEETS = frozenset(f"<style>{style_sheet(lang)}</style>" for lang in LANGS)


#: The scroll script (ui.style.scroll_into_view) with any count, to any keyed container.
_SCROLL = re.compile(
    re.escape(SCROLL_SCRIPT.format(count="COUNT", key="KEY"))
    .replace("COUNT", r"\d+")
    .replace("KEY", "[a-z_]+")
)


class Tour:
    """What a tour of the app drew: the Markdown texts and the figures, each with where it was drawn."""

    def __init__(self) -> None:
        self.markdown: list[tuple[str, str]] = []
        self.figures: list[tuple[str, str]] = []

    def take(self, at: AppTest, where: str) -> None:
        assert not at.exception, (where, [e.value for e in at.exception])
        for element, field, text in rendered(at):
            if (element, field) == ("plotly_chart", "spec"):
                self.figures.append((where, text))
            elif (element, field) == ("html", "body") and (text in _STYLE_SHEETS or _SCROLL.fullmatch(text)):
                continue  # the app's own CSS and scroll script: no workbook text can reach them
            elif (element, field) not in _PLAIN_FIELDS and field != "icon":  # an icon is named, not Markdown
                self.markdown.append((f"{where}: {element}.{field}", text))

    def seen(self) -> str:
        """All Markdown text as a reader sees it."""
        return "\n".join(visible(text) for _, text in self.markdown)


def tour(lang: str) -> Tour:
    """Upload the payload workbook and visit every page, choosing payload segments, firms and projects; then
    upload a version with errors quoting payload cells, and leave its rows out."""
    seen = Tour()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/7_data.py").run()
    at.file_uploader[0].set_value((FILE_NAME, hostile.markup_payloads(), XLSX)).run()
    seen.take(at, "data after the upload")
    for page in PAGES:
        at.switch_page(page.path).run()
        seen.take(at, page.key)

    at.switch_page("pages/1_chain_map.py").run()
    at.selectbox(key="map_segment").set_value(NAMES["煅烧"]).run()
    seen.take(at, "chain map, a segment")
    at.selectbox(key="map_category").set_value(NAMES["碳素"]).run()
    seen.take(at, "chain map, a category")
    at.switch_page("pages/5_enterprise.py").run()
    for firm in (NAMES["丁电极"], NAMES["乙碳素"], "甲矿业"):
        at.selectbox(key="ent_firm").set_value(firm).run()
        seen.take(at, f"enterprise {firm}")
    at.switch_page("pages/6_what_if.py").run()
    at.selectbox(key="wi_project").set_value(at.selectbox(key="wi_project").options[-1]).run()
    seen.take(at, "what-if, the project")
    assert at.text_input(key="wi_name").value == f"[申报入口](http://{hostile.MARKUP_HOST}/p)"
    at.text_input(key="wi_name").set_value(NAMES["丁电极"]).run()
    seen.take(at, "what-if, a taken name")
    assert at.error, "naming the project like a local firm shows an error"
    at.switch_page("pages/3_targets.py").run()
    at.selectbox(key="targets_region").set_value(MARKUP["img_tag"]).run()
    seen.take(at, "targets, a region")

    # Errors quote the cells that caused them: the upload's steps show the first one.
    rows = [list(row) for row in hostile.markup_sheets()["企业"]]
    rows[3][4] = MARKUP["link"]
    broken = hostile.markup_payloads(**{"企业": rows})
    at.switch_page("pages/7_data.py").run()
    at.file_uploader[0].set_value((FILE_NAME.replace(".xlsx", " 2.xlsx"), broken, XLSX)).run()
    seen.take(at, "data, an upload with errors")
    at.button(key="skip_error_rows").click().run()
    seen.take(at, "data, rows left out")
    for page in PAGES:
        at.switch_page(page.path).run()
        seen.take(at, f"{page.key} without the rows in error")
    return seen


@pytest.fixture(scope="module", params=["zh", "en"])
def toured(request: pytest.FixtureRequest) -> Tour:
    st.cache_data.clear()
    facade.clear_caches()
    return tour(request.param)


def test_no_markdown_acts_on_workbook_text(toured: Tour) -> None:
    active = [(where, found, text) for where, text in toured.markdown if (found := active_markdown(text))]
    assert not active, active


def test_the_payloads_are_shown_as_written(toured: Tour) -> None:
    """The check above is not vacuous: the payloads were drawn, and read as typed."""
    seen = toured.seen()
    for text in (
        MARKUP["image"],  # the county, in the sidebar
        FILE_NAME,  # the file name, in the sidebar and the upload's status
        MARKUP["link"],  # the top recruiting target's name, and the first error's cell
        NAMES["煅烧"],  # a segment: overview cards, chain map heading, reasons
        NAMES["包装"],
        MARKUP["a_tag"],  # a local firm: pairing cards, enterprise page
        NAMES["城关镇"],  # a town, in the enterprise facts
        MARKUP["mail"],  # a deputy
        MARKUP["autolink"],  # a product
        NAMES["煅后焦"],  # a product with an icon
        NAMES["碳素"],  # a category
    ):
        assert text in seen, text


def test_figures_draw_workbook_text_as_text(toured: Tour) -> None:
    assert len({where for where, _ in toured.figures}) >= 6, "charts of the tour"
    active = [(where, found) for where, spec in toured.figures if (found := active_plotly(spec))]
    assert not active, active
    texts = "\n".join(text for _, spec in toured.figures for _, text in figure_strings(spec))
    # Segment, firm and region names are drawn, escaped for plotly's pseudo-HTML.
    for name in (NAMES["电极"], NAMES["煅烧"], MARKUP["a_tag"], MARKUP["img_tag"], NAMES["精细轻纺"]):
        assert html.escape(name, quote=False) in texts, name
    templates = {
        text
        for _, spec in toured.figures
        for path, text in figure_strings(spec)
        if path.endswith(".hovertemplate")
    }
    assert templates <= TEMPLATES


# ----------------------------------------------------------------------------------------- command line

#: What a cell can do to a terminal: colour (ESC [ 31 m), retitle (OSC ... BEL), an 8-bit CSI, a carriage
#: return over the line, a new line that forges a report line, a right-to-left override.
_CONTROLS = "_x001B_[31m红_x001B_]0;pwned_x0007_\u009b2J\r覆盖\n错误（1）：\u202e反"
#: The same as the loader reads it (XML reads a carriage return as a line feed).
_READ = "\x1b[31m红\x1b]0;pwned\x07\x9b2J\n覆盖\n错误（1）：\u202e反"
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _with_controls(**sheets: list[list[object]]) -> bytes:
    """TINY with the given sheets, whose "CTRL" cells become :data:`_CONTROLS`: Excel writes control
    characters as ``_xHHHH_`` and the reader decodes them, so a workbook can carry ESC."""
    data = make_workbook(**sheets)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            content = (
                content.replace(b"CTRL", _CONTROLS.encode()) if info.filename.endswith(".xml") else content
            )
            target.writestr(info, content)
    return out.getvalue()


def _cli_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def test_cli_tables_and_problem_lines_cannot_drive_the_terminal(tmp_path: Path, capsys) -> None:
    links = [list(row) for row in TINY["供需关系"]]
    links[2][0] = "外地矿CTRL"  # an outside supplier: a recruiting target
    firms = [list(row) for row in TINY["企业"]]
    firms[2][6] = "CTRL"  # a growth rate that is no number: an error quoting the cell
    good = tmp_path / "controls.xlsx"
    good.write_bytes(_with_controls(**{"供需关系": links}))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_with_controls(**{"供需关系": links, "企业": firms}))

    assert main(["targets", str(good)]) == 0
    out, err = capsys.readouterr()
    assert not _RAW.search(out + err), repr(out + err)
    assert terminal_text(f"外地矿{_READ}") in out
    # The forged "错误（1）：" line stays inside its cell.
    assert not any(line.startswith("错误") for line in _cli_lines(out))

    assert main(["check", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert not _RAW.search(out + err), repr(out + err)
    problems = [line for line in _cli_lines(err) if line.startswith("企业 第3行")]
    assert len(problems) == 1 and "\\x1b[31m" in problems[0], err
    assert sum(line.startswith("错误（") for line in _cli_lines(err)) == 1, err


def test_cli_json_keeps_the_text_exact_and_prints_safely(tmp_path: Path, capsys) -> None:
    links = [list(row) for row in TINY["供需关系"]]
    links[2][0] = "外地矿CTRL"
    path = tmp_path / "controls.xlsx"
    path.write_bytes(_with_controls(**{"供需关系": links}))
    assert main(["targets", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert not _RAW.search(out), repr(out)
    names = {target["name"] for target in json.loads(out)["targets"]}
    assert f"外地矿{_READ}" in names, names


def test_terminal_and_json_text() -> None:
    assert terminal_text("甲\x1b[2J\u202e乙\r\n") == "甲\\x1b[2J\\u202e乙\\r\\n"
    assert terminal_text(MARKUP["link"]) == MARKUP["link"]
    document = {"name": "甲\x1b\x9b\u202e\u2066乙\x7f"}
    assert json.loads(json_text(document)) == document
    assert not _RAW.search(json_text(document))


# ------------------------------------------------------------------------------------------------ exports


def test_exports_hold_addresses_as_plain_strings_never_hyperlinks() -> None:
    """openpyxl writes a hyperlink only when asked: a cell holding an address is a string, with no hyperlink
    element in the sheet and no hyperlink relationship in the package."""
    source = facade.upload_source(FILE_NAME, hostile.markup_payloads())
    xlsx, csv = facade.targets_downloads(source, AnalysisSettings(), "zh")
    data = xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        parts = {name: book.read(name).decode("utf-8") for name in book.namelist()}
    sheets = {name: text for name, text in parts.items() if name.startswith("xl/worksheets/")}
    assert sheets and not [name for name, text in sheets.items() if "hyperlink" in text.lower()]
    assert not [
        name for name, text in parts.items() if name.endswith(".rels") and "hyperlink" in text.lower()
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.hyperlink is not None]
    values = {cell.value for cell in cells}
    assert MARKUP["autolink"] in values  # a product, as a plain string cell
    assert MARKUP["link"] in values  # the target's name
    assert any(isinstance(v, str) and MARKUP["image"] in v for v in values)  # the county, in About
    assert MARKUP["link"].encode("utf-8") in csv()

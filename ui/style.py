"""How every page looks on a projector and on paper: the app's own style sheet, the print header and the
card rows.

Streamlit draws chrome the product does not need (the app menu with print, screencast and "Made with
Streamlit", the deploy button) and some texts only in English (the uploader's instructions and button). The
style sheet hides the first and lets the page say the rest in its own words. Print (``@media print``) drops
the sidebar and the toolbar, gives the main area the paper's width and shows a header with the county and
period that the screen does not need, so any page prints on A4 with what it is about.

Cards (``st.metric``) sit in a wrapping row (:func:`cards`): each card is as wide as its value and a card
that does not fit moves to the next line, so a number is never cut to "87.3…" however narrow the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from ui.widgets import plain

__all__ = [
    "CARDS_CLASS",
    "PRINT_HEADER_CLASS",
    "SCROLL_SCRIPT",
    "apply",
    "card",
    "cards",
    "scroll_into_view",
    "style_sheet",
]

#: Class prefix of every card row (Streamlit gives a keyed container the class ``st-key-<key>``).
CARDS_CLASS = "st-key-cards_"
#: The print-only header: a keyed container, so its class is ``st-key-<key>``.
_PRINT_HEADER_KEY = "print_header"
PRINT_HEADER_CLASS = f"st-key-{_PRINT_HEADER_KEY}"

#: The uploader's English button text, said in the page's language instead (CSS ``content``).
_BROWSE = {"zh": "选择文件", "en": "Choose file"}
#: The multiselect's "Select all" entry, said in the page's language.
_SELECT_ALL = {"zh": "全选", "en": "Select all"}

_SHEET = """
/* Chrome the product does not need: the app menu (print, record, "Made with Streamlit"), deploy, footer. */
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], [data-testid="stStatusWidget"] a,
footer, #MainMenu { display: none !important; }

/* Card rows: each card at least as wide as its value, growing to fill the row, wrapping when it does not fit. */
div[class*="CARDS"] > div[data-testid="stElementContainer"] { flex: 1 1 auto; min-width: fit-content; }
div[class*="CARDS"] [data-testid="stMetricValue"] > div { overflow: visible; text-overflow: clip; }
div[class*="CARDS"] [data-testid="stMetricValue"] { font-size: 1.9rem; }

/* The uploader's English instructions are said by the page (the label and its help); the button in its
   language. */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "BROWSE"; }

/* A filter's "Select all" in the page's language; "Press Enter to apply" is how every form field works. */
[data-key="__select_all__"] > div { font-size: 0; }
[data-key="__select_all__"] > div::after { content: "SELECT_ALL"; font-size: 0.875rem; }
[data-testid="InputInstructions"] { display: none; }

.HEADER { display: none !important; }
/* Print-only copies of the report tables (ui.widgets.table). */
div[class*="st-key-paper_"] { display: none !important; }

@media print {
  /* Landscape: a report table's columns need the width more than its rows need the height. */
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stDecoration"], .stDownloadButton, [data-testid="stFileUploader"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .stMain, .block-container {
    max-width: 100% !important; width: 100% !important; padding: 0 !important; margin: 0 !important;
    overflow: visible !important; }
  [data-testid="stAppViewContainer"], [data-testid="stApp"] { overflow: visible !important;
    position: static !important; height: auto !important; }
  .HEADER { display: block !important; border-bottom: 1px solid #888; margin-bottom: 6px; padding-bottom: 4px;
    font-size: 10pt; color: #333; }
  /* The report tables: the grid (a canvas, cut to what is in view) gives way to its full copy. */
  div[class*="st-key-printable_"] [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) {
    display: none !important; }
  div[class*="st-key-paper_"] { display: block !important; }
  /* Paper has no tabs to click: every tab's content prints, one after the other. */
  [data-testid="stTabPanel"], [role="tabpanel"] { display: block !important; }
  div[class*="st-key-paper_"] table { font-size: 7.5pt; width: 100%; }
  div[class*="st-key-paper_"] td, div[class*="st-key-paper_"] th { padding: 2px 4px !important;
    min-width: 3.2em; }
  div[class*="st-key-paper_"] tr { break-inside: avoid; }
  /* Tables and charts as wide as the paper; rows never split across pages. */
  [data-testid="stDataFrame"], .stPlotlyChart { max-width: 100% !important; break-inside: avoid; }
  [data-testid="stTable"] td, [data-testid="stTable"] th { white-space: normal !important;
    word-break: break-word; }
  [data-testid="stMetric"] { break-inside: avoid; }
  h1 { font-size: 18pt !important; padding-top: 0 !important; }
}
"""


def style_sheet(lang: str) -> str:
    """The app's style sheet in ``lang`` (the words it puts in place of Streamlit's own depend on it)."""
    return (
        _SHEET.replace("CARDS", CARDS_CLASS)
        .replace("BROWSE", _BROWSE.get(lang, _BROWSE["en"]))
        .replace("SELECT_ALL", _SELECT_ALL.get(lang, _SELECT_ALL["en"]))
        .replace(".HEADER", f".{PRINT_HEADER_CLASS}")
    )


def apply(lang: str, heading: str) -> None:
    """Add the style sheet and the print-only header to the page. ``heading`` names the county and period,
    workbook text: plain() shows it as text (Markdown, like every other place that shows it)."""
    st.html(f"<style>{style_sheet(lang)}</style>")
    with st.container(key=_PRINT_HEADER_KEY):
        st.markdown(plain(heading))


@contextmanager
def cards(key: str) -> Iterator[None]:
    """A row of cards that wraps instead of cutting a value: draw them with :func:`card` inside."""
    with st.container(horizontal=True, gap="small", key=f"cards_{key}"):
        yield


def card(label: str, value: str, **options: Any) -> None:
    """One card of a :func:`cards` row: bordered, as wide as its content (the row stretches it)."""
    st.metric(label, value, border=True, width="content", **options)


#: Brings the keyed container ``key`` into view. ``count`` makes each script new text, so that the browser
#: runs it again the next time (the same text would be left as it is).
SCROLL_SCRIPT = (
    "<script>/* {count} */ document.querySelector('.st-key-{key}')"
    ".scrollIntoView({{behavior: 'smooth', block: 'start'}});</script>"
)
_SCROLLS = "scroll_count"


def scroll_into_view(key: str) -> None:
    """Scroll the page to the keyed container ``key`` (drawn before this call) once, now."""
    count = int(st.session_state.get(_SCROLLS, 0)) + 1
    st.session_state[_SCROLLS] = count
    st.html(SCROLL_SCRIPT.format(count=count, key=key), unsafe_allow_javascript=True)

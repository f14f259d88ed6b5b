"""The frame every page is drawn in: page config, language, menu, data source, shared settings.

``dashboard.py`` and every page call :func:`frame` first. The menu is drawn here with ``st.page_link``
(``client.showSidebarNavigation`` is off and Streamlit's navigation API is not called: with a ``pages/`` folder the
first request after a server start is routed by the folder). Language, the weak-share threshold and the
uploaded workbook live in plain ``st.session_state`` keys, not only widget keys, because Streamlit drops
a widget's state on a page that does not draw it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from chain import render
from chain.gaps import ChainReport
from chain.model import ChainData, LoadResult
from chain.settings import AnalysisSettings
from ui import access, choices, facade, server, style, workspace
from ui.facade import Source
from ui.i18n import LANGS, t
from ui.widgets import places, plain

__all__ = [
    "GENERATION_KEY",
    "LANG_KEY",
    "OUTCOME_KEY",
    "PAGES",
    "UPLOAD_KEY",
    "WEAK_SHARE_KEY",
    "Frame",
    "PageSpec",
    "frame",
    "use_sample",
    "use_upload",
]

log = logging.getLogger(__name__)

#: session_state keys shared by every page.
LANG_KEY = "lang"
WEAK_SHARE_KEY = "weak_share"
#: The uploaded workbook as a :class:`ui.facade.Source`; absent = the bundled sample.
UPLOAD_KEY = "upload_source"
#: What the data page's last upload went through (kept so its steps stay visible after a rerun).
OUTCOME_KEY = "upload_outcome"
#: Bumped to give the data page's uploader a new key, which empties it.
GENERATION_KEY = "uploader_generation"
_LANG_WIDGET = "lang_switch"


@dataclass(frozen=True)
class PageSpec:
    """One page of the menu: its key in the UI catalogue (``page_<key>``), file and icon."""

    key: str
    path: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "dashboard.py", ":material/dashboard:"),
    PageSpec("chain_map", "pages/1_chain_map.py", ":material/account_tree:"),
    PageSpec("flow_map", "pages/8_flow_map.py", ":material/public:"),
    PageSpec("gaps", "pages/2_gaps.py", ":material/troubleshoot:"),
    PageSpec("targets", "pages/3_targets.py", ":material/target:"),
    PageSpec("pairing", "pages/4_pairing.py", ":material/handshake:"),
    PageSpec("enterprise", "pages/5_enterprise.py", ":material/factory:"),
    PageSpec("what_if", "pages/6_what_if.py", ":material/science:"),
    PageSpec("compare", "pages/9_compare.py", ":material/compare_arrows:"),
    PageSpec("pipeline", "pages/10_pipeline.py", ":material/conversion_path:"),
    PageSpec("demands", "pages/11_demands.py", ":material/assignment:"),
    PageSpec("data", "pages/7_data.py", ":material/upload_file:"),
)
_BY_KEY = {page.key: page for page in PAGES}


@dataclass(frozen=True)
class Frame:
    """What a page needs from the frame: the language, the data source, its load result and the settings."""

    page: str
    lang: str
    source: Source | None
    loaded: LoadResult | None
    settings: AnalysisSettings

    def t(self, key: str, **params: object) -> str:
        """UI text in the page's language."""
        return t(key, self.lang, **params)

    @property
    def error_count(self) -> int:
        return len(self.loaded.errors) if self.loaded is not None else 0

    def analysis(self) -> tuple[ChainData, ChainReport]:
        """The loaded data and its analysis; stops the page (after the frame's banner) when there is none."""
        if self.source is None or self.loaded is None or not self.loaded.ok or self.loaded.data is None:
            st.stop()
        with self.guard(), st.spinner(self.t("analysing")):
            report = facade.analyze(self.source, self.settings)
        return self.loaded.data, report

    def link(self, key: str, *, label: str | None = None) -> None:
        """A link to another page, labelled with its translated name unless told otherwise."""
        page = _BY_KEY[key]
        st.page_link(page.path, label=label or self.t(f"page_{key}"), icon=page.icon)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Show any failure inside as a message in the UI language, never a traceback, and stop the page.

        Streamlit's own stop and rerun signals are BaseExceptions and pass through untouched.
        """
        try:
            yield
        except Exception as exc:
            log.exception("page %s failed", self.page)
            # An exception's text can quote the workbook (a name, a cell): shown as text, never as Markdown.
            st.error(self.t("failed", detail=plain(str(exc) or type(exc).__name__)))
            st.stop()


def use_upload(source: Source) -> None:
    """Make an uploaded workbook the data every page shows."""
    st.session_state[UPLOAD_KEY] = source


def use_sample() -> None:
    """Go back to the workspace's snapshot (the current one, or the one picked in the sidebar; the bundled
    sample when the workspace is empty), and empty the uploader so the upload does not come straight back."""
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop(OUTCOME_KEY, None)
    server.forget_lost_upload()
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def _init_state() -> None:
    st.session_state.setdefault(LANG_KEY, "zh")
    st.session_state.setdefault(WEAK_SHARE_KEY, AnalysisSettings().weak_share)


def _on_language() -> None:
    chosen = st.session_state.get(_LANG_WIDGET)
    if chosen in LANGS:
        st.session_state[LANG_KEY] = chosen
        choices.relabel()


def _current_source() -> Source | None:
    upload = st.session_state.get(UPLOAD_KEY)
    return upload if isinstance(upload, Source) else workspace.current_source()


def _sidebar(lang: str, source: Source | None, loaded: LoadResult | None) -> None:
    with st.sidebar:
        st.markdown(f"### {t('app_title', lang)}")
        st.caption(t("app_subtitle", lang))
        access.sidebar_badge(lang)
        st.segmented_control(
            t("language", lang),
            options=list(LANGS),
            format_func=LANGS.__getitem__,
            default=lang,
            required=True,
            key=_LANG_WIDGET,
            on_change=_on_language,
        )
        st.markdown(f"**{t('menu', lang)}**")
        for page in PAGES:
            st.page_link(page.path, label=t(f"page_{page.key}", lang), icon=page.icon)
        st.divider()
        st.markdown(f"**{t('source_title', lang)}**")
        if source is None:
            st.caption(t("sample_missing", lang))
            return
        # The file name, county and period are the uploader's text: plain() shows them as text, not Markdown.
        st.caption(
            t("source_sample", lang) if source.sample else t("source_file", lang, name=plain(source.name))
        )
        workspace.sidebar(lang, upload_in_use=isinstance(st.session_state.get(UPLOAD_KEY), Source))
        if loaded is None:
            return
        if loaded.ok and loaded.data is not None:
            county, period = loaded.data.county, loaded.data.period
            if county or period:
                shown = {
                    "county": plain(county) if county else "—",
                    "period": plain(period) if period else "—",
                }
                st.caption(t("source_county_period", lang, **shown))
            st.caption(
                f":green[{t('source_ok', lang)}] · {render.severity_count('warning', len(loaded.warnings), lang)}"
            )
            if loaded.data.excluded_rows:
                st.caption(f":orange[{t('source_excluded', lang, count=len(loaded.data.excluded_rows))}]")
        else:
            st.caption(
                f":red[{render.severity_count('error', len(loaded.errors), lang)}] · "
                f"{render.severity_count('warning', len(loaded.warnings), lang)}"
            )


def _print_heading(page_key: str, lang: str, loaded: LoadResult | None) -> str:
    """The printed page's header: the app, the page, and the county and period of the data shown."""
    parts = [t("app_title", lang), t(f"page_{page_key}", lang)]
    data = loaded.data if loaded is not None else None
    if data is not None:
        parts += [text for text in (data.county, data.period) if text]
    return " · ".join(parts)


def _excluded_banner(lang: str, loaded: LoadResult | None) -> None:
    """Name the rows the analysis leaves out (the user's choice on the data page), on every page."""
    data = loaded.data if loaded is not None else None
    rows = data.excluded_rows if data is not None else ()
    if rows:
        # Sheet names come from the workbook: places() escapes them, so they show as written.
        text = t("banner_excluded", lang, count=len(rows), rows=places(rows, lang))
        st.warning(text, icon=":material/playlist_remove:")


def _lost_session_notice(lang: str) -> None:
    """Say so when the address names an upload this session does not hold (a restart, a new tab);
    otherwise keep the address naming the upload in use."""
    upload = st.session_state.get(UPLOAD_KEY)
    sha = upload.sha if isinstance(upload, Source) else None
    lost = server.lost_upload(sha)
    if lost is None or sha is not None:
        server.mark_upload(sha)
        return
    st.warning(t("session_lost", lang, code=lost), icon=":material/restart_alt:")
    st.button(t("session_lost_ok", lang), key="session_lost_ok", on_click=server.forget_lost_upload)


def frame(page_key: str) -> Frame:
    """Draw the frame of page ``page_key`` and return what the page needs to draw the rest.

    Loads the current workbook (cached on its SHA-256), shows the menu and the data source in the sidebar,
    the page's title, on every page a banner naming the rows left out of the analysis (when the user chose
    to leave the rows in error out), and, on every page but the data page, a banner when the workbook has
    errors.
    """
    _init_state()
    lang = str(st.session_state[LANG_KEY])
    st.set_page_config(
        page_title=f"{t(f'page_{page_key}', lang)} · {t('app_title', lang)}",
        page_icon=server.page_icon(),
        layout="wide",
    )
    access.gate(lang)  # before anything of the chain's data is read or shown
    settings = AnalysisSettings(weak_share=float(st.session_state[WEAK_SHARE_KEY]))
    source = _current_source()
    loaded: LoadResult | None = None
    failure: str | None = None
    if source is not None:
        try:
            with st.spinner(t("loading", lang)):
                loaded = facade.load_data(source)
        except Exception as exc:
            log.exception("loading %s failed", source.name)
            failure = str(exc) or type(exc).__name__
    _sidebar(lang, source, loaded)
    style.apply(lang, _print_heading(page_key, lang, loaded))

    st.title(t(f"page_{page_key}", lang))
    st.caption(t(f"page_{page_key}_intro", lang))
    _lost_session_notice(lang)
    result = Frame(page_key, lang, source, loaded, settings)
    if failure is not None:
        st.error(t("failed", lang, detail=plain(failure)))
    _excluded_banner(lang, loaded)
    if page_key == "data":
        return result
    if source is None:
        st.warning(t("sample_missing", lang))
        result.link("data")
    elif loaded is not None and loaded.errors:
        st.error(t("banner_errors", lang, count=len(loaded.errors)))
        go, back = st.columns(2, width=520)
        with go:
            result.link("data", label=t("banner_go_data", lang))
        back.button(t("data_back", lang), key="banner_back", on_click=use_sample, icon=":material/undo:")
    return result

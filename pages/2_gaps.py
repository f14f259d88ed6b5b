"""强弱缺分析 Gaps — every segment's status with its reason, filters, the weak-share threshold, charts."""

from __future__ import annotations

import streamlit as st

from chain import columns as cat
from chain import views
from ui import facade
from ui import ledger as loop
from ui.choices import worded
from ui.frame import WEAK_SHARE_KEY, frame
from ui.style import card, cards
from ui.widgets import download_pair, gap_name, plain, stage_name, status_markdown, status_name, table

_SLIDER_KEY = "gaps_weak_share"
_COLUMNS = cat.TABLES["segments"].screen


def _on_threshold() -> None:
    # The slider shows percent; the shared setting is a share. Copied to a plain key so that it outlives
    # this page's widget and applies on every page.
    st.session_state[WEAK_SHARE_KEY] = st.session_state[_SLIDER_KEY] / 100


def main() -> None:
    fr = frame("gaps")
    _, report = fr.analysis()
    with fr.guard():
        lang = fr.lang
        st.slider(
            fr.t("gaps_threshold"),
            min_value=0,
            max_value=100,
            step=5,
            value=round(fr.settings.weak_share * 100),
            format="%d%%",
            key=_SLIDER_KEY,
            help=fr.t("gaps_threshold_help"),
            on_change=_on_threshold,
        )
        segments = report.segments
        columns = st.columns(4)
        categories = columns[0].multiselect(
            fr.t("gaps_filter_category"),
            list(dict.fromkeys(segments["category"])),
            key=worded("gaps_category"),
            placeholder=fr.t("all"),
        )
        stages = columns[1].multiselect(
            fr.t("gaps_filter_stage"),
            list(dict.fromkeys(segments["stage"])),
            format_func=lambda s: stage_name(s, lang),
            key=worded("gaps_stage"),
            placeholder=fr.t("all"),
        )
        statuses = columns[2].multiselect(
            fr.t("gaps_filter_status"),
            list(cat.STATUSES),
            format_func=lambda s: status_name(s, lang),
            key=worded("gaps_status"),
            placeholder=fr.t("all"),
        )
        gap_kinds = columns[3].multiselect(
            fr.t("gaps_filter_gap"),
            list(cat.GAP_KINDS),
            format_func=lambda g: gap_name(g, lang),
            key=worded("gaps_gap"),
            placeholder=fr.t("all"),
        )
        filters = (tuple(categories), tuple(stages), tuple(statuses), tuple(gap_kinds))
        shown = views.filter_segments(
            segments, categories=categories, stages=stages, statuses=statuses, gap_kinds=gap_kinds
        )
        counts = views.status_counts(report)
        with cards("gaps"):
            for status in ("strong", "weak", "missing"):
                card(status_markdown(status, lang), fr.t("overview_status_count", count=counts[status]))

        st.subheader(fr.t("gaps_table"))
        st.caption(fr.t("gaps_count", shown=len(shown), total=len(segments)))
        if shown.empty:
            st.info(fr.t("empty_filtered"))
        else:
            # Two lines a row: the 判定依据 (a sentence) wraps instead of being cut.
            table(shown, _COLUMNS, lang, key="gaps_table", height=640, lines=2)
            download_pair(
                facade.segments_downloads(fr.source, fr.settings, lang),
                fr.t("page_gaps"),
                lang,
                key="gaps_download",
            )
            left, right = st.columns(2)
            with left:
                st.subheader(fr.t("gaps_leakage_chart"))
                st.plotly_chart(
                    facade.segment_chart("leakage", fr.source, fr.settings, lang, filters), key="gaps_leakage"
                )
            with right:
                st.subheader(fr.t("gaps_exports_chart"))
                st.plotly_chart(
                    facade.segment_chart("exports", fr.source, fr.settings, lang, filters), key="gaps_exports"
                )
        coming = loop.in_pipeline(lang, list(shown["segment"]))
        if coming:
            st.info(fr.t("loop_in_pipeline", projects=plain(coming)), icon=":material/conversion_path:")


main()

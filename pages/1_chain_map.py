"""产业链图谱 Chain map — the layered chain coloured by status, one segment in depth, and the money flows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import render, views
from chain.model import ChainData
from chain.reasons import segment_reason
from ui import facade
from ui import ledger as loop
from ui.choices import worded
from ui.frame import Frame, frame
from ui.style import card, cards, scroll_into_view
from ui.widgets import (
    column_config,
    metric_label,
    partners_table,
    plain,
    status_markdown,
)

_NONE = ""
_CATEGORY = "map_category"
_SEGMENT = "map_segment"
_CHART = "map_chart"
_DETAIL = "map_detail"
#: Set by a click or a choice: the run that follows scrolls the detail into view.
_SCROLL = "map_scroll"
_FIRM_COLUMNS = ("name", "town", "output", "employees", "growth_pct", "deputy")


def _segment(fr: Frame, data: ChainData, row: pd.Series) -> None:
    """One segment in depth: its numbers, the reason for its status, its firms, suppliers and buyers.

    The segment's name and its reason (which quotes names) are workbook text: plain() shows them as text."""
    lang = fr.lang
    segment = str(row["segment"])
    st.subheader(f"{plain(segment)} · {status_markdown(str(row['status']), lang)}")
    st.caption(plain(segment_reason(row, lang)))
    # Amounts in 亿元 / 万元 (m / bn yuan), in a row that wraps rather than cut a number.
    with cards("map_segment"):
        card(cat.name("firms", lang), f"{int(row['firms']):,}")
        card(metric_label("output", lang), render.amount(row["output"], lang, compact=True))
        card(cat.name("local_share", lang), render.percent(row["local_share"]))
        for key in ("demand", "leakage", "exports"):
            card(metric_label(key, lang), render.amount(row[key], lang, compact=True))

    # One table under the other, each the page's full width, so no column hides off to the right.
    st.markdown(f"**{fr.t('map_firms')}**")
    chosen = views.segment_firms(data, segment)
    if chosen.empty:
        st.caption(fr.t("none"))
    else:
        st.dataframe(
            chosen,
            hide_index=True,
            column_order=list(_FIRM_COLUMNS),
            column_config={
                "name": column_config("name", lang),
                "town": st.column_config.TextColumn(fr.t("ent_town")),
                "output": column_config("output", lang),
                "employees": column_config("employees", lang),
                "growth_pct": column_config("growth_pct", lang),
                "deputy": st.column_config.TextColumn(fr.t("ent_deputy")),
            },
            key="map_firms_table",
        )
    st.markdown(f"**{fr.t('map_suppliers')}**")
    partners_table(views.segment_suppliers(data, segment), lang, key="map_suppliers_table")
    st.markdown(f"**{fr.t('map_buyers')}**")
    partners_table(views.segment_buyers(data, segment), lang, key="map_buyers_table")


def _on_click(segments: pd.DataFrame) -> None:
    """A click on a node picks that segment in the selectbox (a callback: it runs before the widgets)."""
    points = st.session_state[_CHART].selection.points
    known = set(segments["segment"])
    clicked = [p.get("customdata") for p in points if p.get("customdata") in known]
    if not clicked:
        return
    segment = clicked[0]
    category = st.session_state.get(_CATEGORY, _NONE)
    if category and segments.loc[segments["segment"] == segment, "category"].iloc[0] != category:
        # A grey neighbour from another category: show the whole chain so the selectbox can hold it.
        st.session_state[_CATEGORY] = _NONE
    st.session_state[_SEGMENT] = segment
    _scroll_to_detail()


@st.fragment
def _map(fr: Frame, data: ChainData, segments: pd.DataFrame) -> None:
    """The selectors, the map and the chosen segment: a fragment, so a click on a node reruns only this
    part (not the frame, the Sankey below or anything else), and the detail then scrolls into view."""
    with fr.guard():
        lang = fr.lang
        left, right = st.columns(2)
        category = left.selectbox(
            fr.t("map_category"),
            [_NONE, *dict.fromkeys(segments["category"])],
            format_func=lambda c: c or fr.t("all"),
            key=worded(_CATEGORY),
        )
        choices = segments if not category else segments[segments["category"] == category]
        if st.session_state.get(_SEGMENT, _NONE) not in {_NONE, *choices["segment"]}:
            # The segment picked before belongs to another category than the one now chosen.
            st.session_state[_SEGMENT] = _NONE
        selected = right.selectbox(
            fr.t("map_segment"),
            [_NONE, *choices["segment"]],
            format_func=lambda s: s or fr.t("map_segment_none"),
            key=worded(_SEGMENT),
            on_change=_scroll_to_detail,
        )
        figure = facade.chain_map_figure(
            fr.source, fr.settings, lang, category=category or None, selected=selected or None
        )
        st.plotly_chart(
            figure,
            key=_CHART,
            on_select=lambda: _on_click(segments),
            selection_mode="points",
        )
        coming = loop.in_pipeline(lang)
        if coming:
            st.caption(fr.t("loop_in_pipeline", projects=plain(coming)))
        with st.container(key=_DETAIL):
            if selected:
                _segment(fr, data, segments[segments["segment"] == selected].iloc[0])
            else:
                st.info(fr.t("map_pick_hint"))
        if st.session_state.pop(_SCROLL, False) and selected:
            # The detail sits below the map, out of sight: bring it into view.
            scroll_into_view(_DETAIL)


def _scroll_to_detail() -> None:
    """Ask the next run to scroll the chosen segment's detail into view."""
    st.session_state[_SCROLL] = True


def main() -> None:
    fr = frame("chain_map")
    data, report = fr.analysis()
    _map(fr, data, report.segments)
    with fr.guard():
        st.subheader(fr.t("map_flow"))
        st.caption(fr.t("map_flow_hint"))
        st.plotly_chart(facade.flow_figure(fr.source, fr.settings, fr.lang), key="map_sankey")


main()

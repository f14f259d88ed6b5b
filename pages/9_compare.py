"""期间对比 Compare periods — two snapshots of one county: what changed, segment by segment, and why."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from chain import charts, render
from chain import columns as cat
from chain.compare import CompareError, Comparison, closest_earlier, one_per_period
from chain.periods import Period, PeriodError
from chain.store import Snapshot
from ui import facade, workspace
from ui.frame import UPLOAD_KEY, Frame, frame
from ui.widgets import plain, table

_FROM = "cmp_from"
_TO = "cmp_to"
_ONLY_CHANGED = "cmp_only_changed"
_COLUMNS = cat.TABLES["compare"].screen
#: The firms and links that came and went, each shown as its catalogue table.
_CAME_AND_WENT = ("firms_added", "firms_removed", "links_added", "links_removed")


def _period(snapshot: Snapshot) -> Period | None:
    try:
        return snapshot.reporting_period
    except PeriodError:
        return None  # a row kept before periods were read: not offered for comparison


def _name(snapshot: Snapshot, fr: Frame) -> str:
    mark = fr.t("ws_current_mark") if snapshot.current else ""
    return f"{snapshot.period} · {snapshot.label}{mark}"


def _named(snapshot: Snapshot, period: Period) -> facade.Named:
    """What names a period in the comparison: its label, its county and its period."""
    return snapshot.label, snapshot.county, period


def _pick(fr: Frame, listed: list[Snapshot], periods: dict[int, Period]) -> tuple[Snapshot, Snapshot]:
    """The two snapshots to compare: by default the one this session shows and the closest earlier period of
    its county."""
    by_id = {snapshot.id: snapshot for snapshot in listed}
    shown = workspace.shown_snapshot()
    later = shown if shown is not None and shown.id in periods else listed[0]
    earlier = closest_earlier(
        later.county,
        periods[later.id],
        [(s.id, s.county, periods[s.id]) for s in listed if s.id in periods and s.id != later.id],
    )
    if earlier is None:
        earlier = next(s.id for s in listed if s.id != later.id)
    ids = list(by_id)
    left, right = st.columns(2)
    chosen_from = left.selectbox(
        fr.t("cmp_from"), ids, index=ids.index(earlier), format_func=lambda i: _name(by_id[i], fr), key=_FROM
    )
    chosen_to = right.selectbox(
        fr.t("cmp_to"), ids, index=ids.index(later.id), format_func=lambda i: _name(by_id[i], fr), key=_TO
    )
    return by_id[chosen_from], by_id[chosen_to]


def _summary(fr: Frame, compared: Comparison) -> None:
    st.subheader(fr.t("cmp_summary"))
    sentences = render.source(compared.changes, "change", fr.lang).tolist()
    # Segment names are the workbook's text: plain() shows them as text, not Markdown.
    st.markdown("\n".join(f"- {plain(sentence)}" for sentence in sentences))
    if len(sentences) == 1:
        st.caption(fr.t("cmp_no_change"))
    before, after = compared.completeness.iloc[0], compared.completeness.iloc[1]
    # The firms that came and went are counted in the sentences and on the tabs below: two wide cards, so
    # the catalogue's names fit at 1024 px.
    cards = st.columns(2)
    for column, key in zip(cards, ("completeness_segments", "completeness_value"), strict=True):
        was, now = float(before[key]), float(after[key])
        change = None if math.isnan(was) or math.isnan(now) or was == now else now - was
        column.metric(
            cat.name(key, fr.lang),
            render.value(key, now, fr.lang),
            delta=render.point_change(change, fr.lang) if change is not None else None,
            help=f"{fr.t('cmp_from')}: {render.value(key, was, fr.lang)}",
            border=True,
        )


def _changed(segments: pd.DataFrame) -> pd.Series:
    """Segments whose status changed, that gained or lost local firms, or that one template lacks."""
    return (
        (segments["status_from"] != segments["status_to"])
        | (segments["firms_added"] > 0)
        | (segments["firms_removed"] > 0)
    )


def _segments(fr: Frame, compared: Comparison) -> None:
    st.subheader(fr.t("cmp_segments"))
    segments = compared.segments
    only = st.toggle(fr.t("cmp_only_changed"), value=True, key=_ONLY_CHANGED)
    shown = segments[_changed(segments)] if only else segments
    st.caption(fr.t("cmp_changed_count", shown=len(shown), total=len(segments)))
    if shown.empty:
        st.info(fr.t("cmp_no_change"))
    else:
        table(shown, _COLUMNS, fr.lang, key="cmp_segments_table", height=420)


def _came_and_went(fr: Frame, compared: Comparison) -> None:
    st.subheader(fr.t("cmp_came_and_went"))
    tables = [cat.TABLES[key] for key in _CAME_AND_WENT]
    tabs = st.tabs([f"{spec.title(fr.lang)} ({len(getattr(compared, spec.key))})" for spec in tables])
    for tab, spec in zip(tabs, tables, strict=True):
        frame_ = getattr(compared, spec.key)
        with tab:
            if frame_.empty:
                st.caption(fr.t("cmp_none"))
            else:
                table(frame_, spec.columns, fr.lang, key=f"cmp_{spec.key}", height=320)


def _trend(fr: Frame, listed: list[Snapshot], periods: dict[int, Period], county: str) -> pd.DataFrame:
    """The completeness of every period of ``county`` (the newest upload of each period), oldest first."""
    by_id = {snapshot.id: snapshot for snapshot in listed}
    chosen = one_per_period(county, [(s.id, s.county, periods[s.id]) for s in listed if s.id in periods])
    sources = [(workspace.snapshot_source(by_id[i]), _named(by_id[i], periods[i])) for i in chosen]
    return facade.completeness_trend(sources, fr.settings)


def _draw(fr: Frame) -> None:
    if fr.loaded is not None and fr.loaded.errors:
        # The frame's banner says it: an upload with errors shows no analysis until fixed, on every page.
        return
    store, error = workspace.opened()
    if store is None:
        st.warning(fr.t("ws_unavailable", detail=plain(error.message(fr.lang) if error else "")))
        return
    listed = store.snapshots()
    periods = {s.id: p for s in listed if (p := _period(s)) is not None}
    if len(periods) < 2:
        st.info(fr.t("cmp_need_two", count=len(listed)))
        fr.link("data")
        return
    if isinstance(st.session_state.get(UPLOAD_KEY), facade.Source):
        st.caption(fr.t("cmp_uses_snapshots"))
    before, after = _pick(fr, [s for s in listed if s.id in periods], periods)
    try:
        named = _named(before, periods[before.id]), _named(after, periods[after.id])
        sources = workspace.snapshot_source(before), workspace.snapshot_source(after)
        with st.spinner(fr.t("analysing")):
            compared = facade.comparison(sources[0], named[0], sources[1], named[1], fr.settings)
    except CompareError as refused:
        st.warning(plain(refused.message(fr.lang)), icon=":material/block:")
        compared = None
    if compared is not None:
        how = cat.value_name(cat.COMPARABLE, compared.comparable, fr.lang)
        if compared.comparable == "monthly_average":
            months = compared.months
            text = fr.t("cmp_months", how=how, before=months[0], after=months[1])
            st.info(text, icon=":material/calendar_month:")
        else:
            st.caption(how)
        _summary(fr, compared)
        _segments(fr, compared)
        _came_and_went(fr, compared)
    st.subheader(cat.TABLES["completeness_trend"].title(fr.lang))
    with st.spinner(fr.t("analysing")):
        trend = _trend(fr, listed, periods, after.county)
    st.caption(fr.t("cmp_trend_hint", county=plain(after.county), count=len(trend)))
    st.plotly_chart(charts.completeness_trend(trend, fr.lang), key="cmp_trend")
    if compared is not None:
        st.download_button(
            fr.t("cmp_download"),
            data=facade.comparison_download(
                sources[0], named[0], sources[1], named[1], fr.settings, trend, fr.lang
            ),
            file_name=f"{cat.TABLES['compare'].title(fr.lang)}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="cmp_download",
            on_click="ignore",
            icon=":material/table_view:",
            type="primary",
        )


def main() -> None:
    fr = frame("compare")
    with fr.guard():
        _draw(fr)


main()

"""项目模拟 What-if — suppose a project comes on line: leakage, local share, status and completeness after."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from chain import pipeline, render, views
from chain.gaps import ChainReport, WhatIf
from chain.model import ChainData
from ui import facade
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.widgets import column_config, metric_label, plain, status_name

_PROJECT = "wi_project"
_SEGMENT = "wi_segment"
_OUTPUT = "wi_output"
_NAME = "wi_name"
_MANUAL = -1
_DEFAULT_OUTPUT = 10_000.0


def _prefill(projects: pd.DataFrame) -> None:
    """Copy the chosen 招商项目 row into the form (a callback: it runs before the widgets are drawn)."""
    index = st.session_state.get(_PROJECT, _MANUAL)
    if index == _MANUAL or index not in projects.index:
        return
    project = projects.loc[index]
    st.session_state[_SEGMENT] = project["segment"]
    expected = project["expected_output"]
    st.session_state[_OUTPUT] = float(expected) if pd.notna(expected) else 0.0
    st.session_state[_NAME] = project["name"]


def _form(fr: Frame, report: ChainReport, projects: pd.DataFrame) -> tuple[str, float, str]:
    segments = list(report.segments["segment"])
    # Defaults go into session_state (not value=) so that the pre-fill callback may overwrite them.
    # The largest upstream gap is the natural first question ("what if we recruited for it?").
    largest = views.top_gaps(report, "upstream", 1)
    st.session_state.setdefault(_SEGMENT, str(largest["segment"].iloc[0]) if len(largest) else segments[0])
    st.session_state.setdefault(_OUTPUT, _DEFAULT_OUTPUT)
    st.session_state.setdefault(_NAME, fr.t("wi_name_default"))
    if st.session_state[_SEGMENT] not in segments:
        st.session_state[_SEGMENT] = segments[0]

    if st.session_state.get(_PROJECT, _MANUAL) not in {_MANUAL, *projects.index}:
        # Chosen in another workbook, since replaced by an upload.
        st.session_state[_PROJECT] = _MANUAL
    if not projects.empty:
        st.selectbox(
            fr.t("wi_prefill"),
            [_MANUAL, *projects.index],
            format_func=lambda i: (
                fr.t("wi_prefill_none")
                if i == _MANUAL
                else f"{projects.loc[i, 'name']} · {projects.loc[i, 'segment']}"
            ),
            key=_PROJECT,
            on_change=_prefill,
            args=(projects,),
        )
    left, middle, right = st.columns(3)
    segment = left.selectbox(fr.t("wi_segment"), segments, key=_SEGMENT)
    output = middle.number_input(fr.t("wi_output"), min_value=0.0, step=500.0, format="%.0f", key=_OUTPUT)
    name = right.text_input(fr.t("wi_name"), key=_NAME)
    return str(segment), float(output), name.strip() or fr.t("wi_name_default")


def _delta(after: float, before: float) -> float | None:
    return None if math.isnan(after) or math.isnan(before) else after - before


def _results(fr: Frame, result: WhatIf, segment: str, output: float, name: str) -> None:
    lang = fr.lang
    before = result.before.segments.set_index("segment").loc[segment]
    after = result.after.segments.set_index("segment").loc[segment]
    st.subheader(f"{plain(segment)}: {fr.t('wi_before')} → {fr.t('wi_after')}")
    cards = st.columns(5)
    cards[0].metric(
        fr.t("wi_status"),
        status_name(after["status"], lang),
        delta=f"{status_name(before['status'], lang)} → {status_name(after['status'], lang)}"
        if before["status"] != after["status"]
        else None,
        delta_arrow="off",
        border=True,
    )
    leak_before, leak_after = float(before["leakage"]), float(after["leakage"])
    cards[1].metric(
        fr.t("wi_leakage"),
        render.amount(leak_after, lang, compact=True),
        delta=render.amount(leak_after - leak_before, lang) if leak_after != leak_before else None,
        delta_color="inverse",
        help=f"{fr.t('wi_before')}: {render.amount(leak_before, lang)}",
        border=True,
    )
    share_before, share_after = float(before["local_share"]), float(after["local_share"])
    change = _delta(share_after, share_before)
    cards[2].metric(
        fr.t("wi_share"),
        render.percent(share_after),
        delta=f"{change * 100:+.1f}pp" if change else None,
        help=f"{fr.t('wi_before')}: {render.percent(share_before)}",
        border=True,
    )
    for column, key, metric in (
        (cards[3], "wi_completeness_segments", "segments"),
        (cards[4], "wi_completeness_value", "value"),
    ):
        was = float(getattr(result.before.completeness, metric))
        now = float(getattr(result.after.completeness, metric))
        change = _delta(now, was)
        column.metric(
            fr.t(key),
            render.percent(now),
            delta=f"{change * 100:+.1f}pp" if change else None,
            help=f"{fr.t('wi_before')}: {render.percent(was)}",
            border=True,
        )
    st.caption(fr.t("wi_hint"))

    st.subheader(fr.t("wi_changes"))
    changes = result.changes
    segment_changes = changes[changes["segment"] != ""]
    if segment_changes.empty:
        st.info(fr.t("wi_no_change"))
        return
    st.plotly_chart(
        facade.what_if_figure(fr.source, fr.settings, segment, output, name, lang), key="wi_chart"
    )
    # Priority scores are relative to the largest gap, so every segment's score moves when one gap
    # shrinks; the chart shows them, the table keeps to what changed in substance.
    substantive = segment_changes[segment_changes["metric"] != "score"]
    shown = substantive.assign(
        metric=substantive["metric"].map(lambda m: metric_label(m, lang)),
        before=[
            _value(m, v, lang) for m, v in zip(substantive["metric"], substantive["before"], strict=True)
        ],
        after=[_value(m, v, lang) for m, v in zip(substantive["metric"], substantive["after"], strict=True)],
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_order=["segment", "metric", "before", "after"],
        column_config={
            "segment": column_config("segment", lang),
            "metric": st.column_config.TextColumn(fr.t("wi_metric")),
            "before": st.column_config.TextColumn(fr.t("wi_before")),
            "after": st.column_config.TextColumn(fr.t("wi_after")),
        },
        key="wi_changes_table",
    )


def _value(metric: str, value: object, lang: str) -> str:
    """A changed metric's value in its own unit."""
    return render.value(metric, value, lang)


def _projected(fr: Frame, data: ChainData) -> None:
    """Completeness now and when every signed project of the pipeline comes on line, side by side."""
    opened = loop.store()
    if opened is None:
        return
    leads = loop.lead_frame(opened)
    names = data.enterprises["name"]
    counted = pipeline.projected_projects(leads, names)
    counted = counted[counted["segment"].isin(set(data.template["segment"]))]
    skipped = pipeline.listed_projects(leads, names)
    with st.container(border=True):
        st.subheader(fr.t("wi_projected"))
        if counted.empty:
            st.caption(fr.t("wi_projected_none"))
            return
        st.caption(fr.t("wi_projected_intro"))
        projects = tuple(
            (str(segment), float(output), f"{company}（{segment}）")
            for company, segment, output in zip(
                counted["company"], counted["segment"], counted["expected_output"], strict=True
            )
        )
        result = facade.projected(fr.source, fr.settings, projects)
        cards = st.columns(2)
        for card, metric in zip(cards, ("segments", "value"), strict=True):
            was = float(getattr(result.before.completeness, metric))
            now = float(getattr(result.after.completeness, metric))
            change = _delta(now, was)
            card.metric(
                fr.t(f"wi_projected_{metric}"),
                f"{render.percent(was)} → {render.percent(now)}",
                delta=f"{change * 100:+.1f}pp" if change else None,
                border=True,
            )
        listed = [
            f"{company} · {segment} · {render.amount(output, fr.lang)}"
            for company, segment, output in zip(
                counted["company"], counted["segment"], counted["expected_output"], strict=True
            )
        ]
        st.markdown(f"**{fr.t('wi_projected_counted')}**: " + plain(render.joined(listed, fr.lang)))
        if not skipped.empty:
            st.caption(
                fr.t("wi_projected_skipped", names=plain(render.joined(skipped["company"].tolist(), fr.lang)))
            )


def main() -> None:
    fr = frame("what_if")
    data, report = fr.analysis()
    with fr.guard():
        _projected(fr, data)
        segment, output, name = _form(fr, report, data.projects)
        if output <= 0:
            st.info(fr.t("wi_output_positive"))
            return
        if name in set(data.enterprises["name"]):
            st.error(fr.t("wi_name_taken", name=plain(name)))
            return
        with st.spinner(fr.t("analysing")):
            result = facade.what_if(fr.source, fr.settings, segment, output, name)
        _results(fr, result, segment, output, name)


main()

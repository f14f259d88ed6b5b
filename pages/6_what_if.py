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
from ui.choices import worded
from ui.frame import Frame, frame
from ui.style import card, cards
from ui.widgets import column_config, metric_label, plain

_PROJECT = "wi_project"
_SEGMENT = "wi_segment"
_OUTPUT = "wi_output"
_NAME = "wi_name"
_MANUAL = -1
_DEFAULT_OUTPUT = 10_000.0
#: Changes that restate the project (one more firm, its output) or move with every gap (the score).
_RESTATED = frozenset({"firms", "output", "concentration", "score"})


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
            key=worded(_PROJECT),
            on_change=_prefill,
            args=(projects,),
        )
    left, middle, right = st.columns(3)
    segment = left.selectbox(fr.t("wi_segment"), segments, key=_SEGMENT)
    output = middle.number_input(fr.t("wi_output"), min_value=0.0, step=500.0, format="%.0f", key=_OUTPUT)
    name = right.text_input(fr.t("wi_name"), key=_NAME)
    return str(segment), float(output), name.strip() or fr.t("wi_name_default")


def _results(fr: Frame, result: WhatIf, segment: str, output: float, name: str) -> None:
    lang = fr.lang
    st.subheader(fr.t("wi_heading", segment=plain(segment)))
    changes = result.changes
    # Cards for what the project changes, and only that: a downstream project moves 外流待加工额, not 外购额.
    # The firm count and output restate the project itself; the largest firm's share and the score are in
    # the chart below.
    moved = changes[
        ((changes["segment"] == segment) & ~changes["metric"].isin(_RESTATED))
        | ((changes["segment"] == "") & (changes["delta"].fillna(0) != 0))
    ]
    with cards("what_if"):
        for metric, was, now in zip(moved["metric"], moved["before"], moved["after"], strict=True):
            label = fr.t("wi_status") if metric == "status" else metric_label(metric, lang)
            card(
                label,
                render.value(metric, now, lang),
                delta=fr.t("wi_was", value=render.value(metric, was, lang)),
                delta_color="off",
                delta_arrow="off",
            )
    st.caption(fr.t("wi_hint"))

    st.subheader(fr.t("wi_changes"))
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
        with cards("projected"):
            for metric in ("segments", "value"):
                was = float(getattr(result.before.completeness, metric))
                now = float(getattr(result.after.completeness, metric))
                moved = not (math.isnan(was) or math.isnan(now)) and now != was
                card(
                    fr.t(f"wi_projected_{metric}"),
                    f"{render.percent(was)} → {render.percent(now)}",
                    delta=render.point_change(now - was, fr.lang) if moved else None,
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

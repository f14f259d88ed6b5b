"""概览 Overview — the app's entry (`streamlit run dashboard.py`): the whole chain at a glance."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import demands, pipeline, render, views
from chain.model import ChainData, ChainReport
from ui import facade
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.widgets import plain, status_markdown, status_name


def _kpis(fr: Frame, totals: views.ChainTotals, report: ChainReport) -> None:
    lang = fr.lang
    done = report.completeness
    first = st.columns(4)
    first[0].metric(
        fr.t("kpi_output"),
        render.amount(totals.output, lang, compact=True),
        help=fr.t("kpi_output_help", amount=render.amount(totals.output, lang)),
        border=True,
    )
    if math.isnan(totals.county_share):
        first[1].metric(fr.t("kpi_share"), "—", help=fr.t("kpi_share_missing"), border=True)
    else:
        first[1].metric(
            fr.t("kpi_share"),
            render.percent(totals.county_share),
            help=fr.t("kpi_share_help", amount=render.amount(totals.county_output, lang)),
            border=True,
        )
    first[2].metric(fr.t("kpi_employees"), render.count(totals.employees, "people", lang), border=True)
    first[3].metric(
        fr.t("kpi_growth"), render.points(totals.growth_pct), help=fr.t("kpi_growth_help"), border=True
    )

    second = st.columns(4)
    second[0].metric(
        fr.t("kpi_above_scale"),
        render.count(totals.above_scale_firms, "firms", lang),
        help=fr.t("kpi_above_scale_delta", total=totals.firms),
        border=True,
    )
    second[1].metric(
        fr.t("kpi_completeness_segments"),
        render.percent(done.segments),
        help=fr.t("kpi_completeness_segments_help", have=done.segments_with_firms, total=done.segments_total),
        border=True,
    )
    second[2].metric(
        fr.t("kpi_completeness_value"),
        render.percent(done.value),
        help=fr.t(
            "kpi_completeness_value_help",
            demand=render.amount(done.demand, lang),
            supply=render.amount(done.local_supply, lang),
        ),
        border=True,
    )
    counts = views.status_counts(report)
    second[3].metric(
        fr.t("overview_status"),
        " / ".join(str(counts[s]) for s in ("strong", "weak", "missing")),
        help=" · ".join(f"{status_name(s, lang)} {n}" for s, n in counts.items()),
        border=True,
    )


def _gap_list(fr: Frame, data: ChainData, gaps: pd.DataFrame, kind: str) -> None:
    """Gap cards: the segment, its status and size, the reason for its status and what makes it a gap.

    Segment names and reasons (which quote names) come from the workbook: plain() shows them as text."""
    if gaps.empty:
        st.caption(fr.t("overview_no_gaps"))
        return
    for row, reason in zip(gaps.itertuples(index=False), render.source(gaps, "reason", fr.lang), strict=True):
        reasons = [plain(reason)]
        if kind == "upstream":
            size = fr.t("overview_gap_line", leakage=render.amount(row.leakage, fr.lang))
            reasons.append(fr.t("overview_up_buyers", count=int(row.local_buyers)))
            if not math.isnan(row.leakage_distance_km):
                reasons.append(
                    fr.t("overview_up_distance", km=render.distance(row.leakage_distance_km, fr.lang))
                )
        else:
            size = fr.t("overview_down_line", value=render.amount(row.downstream_gap, fr.lang))
            inputs = views.segment_inputs(data, row.segment)
            if inputs:
                reasons.append(fr.t("overview_down_inputs", inputs=plain(render.joined(inputs, fr.lang))))
        with st.container(border=True):
            st.markdown(f"**{plain(row.segment)}** · {status_markdown(row.status, fr.lang)} · {size}")
            st.caption(" · ".join(reasons))


def _loop(fr: Frame, data: ChainData) -> None:
    """The recruiting loop at a glance: leads by stage, projects signed this year, demands open, overdue
    and closed (as of today)."""
    opened = loop.store()
    if opened is None:
        return
    leads = loop.lead_frame(opened)
    ledger_rows = loop.demand_frame(opened, data.enterprises)
    today = dt.date.today()
    st.subheader(fr.t("ov_loop"))
    cards = st.columns(5)
    funnel = pipeline.funnel(leads)
    counts = [
        f"{cat.value_name(cat.LEAD_STAGES, s, fr.lang)} {n}"
        for s, n in zip(funnel["lead_stage"], funnel["leads"], strict=True)
        if n
    ]
    cards[0].metric(
        fr.t("ov_leads_by_stage"), len(leads), help=" · ".join(counts) if counts else None, border=True
    )
    cards[1].metric(
        fr.t("ov_signed_year"), pipeline.signed_since(leads, dt.date(today.year, 1, 1)), border=True
    )
    closed = int((ledger_rows["demand_status"] == demands.CLOSED).sum())
    cards[2].metric(fr.t("ov_demands_open"), len(ledger_rows) - closed, border=True)
    cards[3].metric(fr.t("ov_demands_overdue"), int(demands.overdue(ledger_rows, today).sum()), border=True)
    cards[4].metric(fr.t("ov_demands_closed"), closed, border=True)
    st.caption(" · ".join(counts))
    links = st.columns(2, width=520)
    with links[0]:
        fr.link("pipeline")
    with links[1]:
        fr.link("demands")


def main() -> None:
    fr = frame("overview")
    data, report = fr.analysis()
    with fr.guard():
        totals = views.chain_totals(data, report)
        _kpis(fr, totals, report)
        _loop(fr, data)
        if report.cycles:
            cycles = render.joined((" → ".join(c) for c in report.cycles), fr.lang)
            st.info(fr.t("overview_cycles", cycles=plain(cycles)))

        left, right = st.columns(2)
        with left:
            st.subheader(fr.t("overview_structure"))
            st.plotly_chart(
                facade.segment_chart("treemap", fr.source, fr.settings, fr.lang), key="overview_treemap"
            )
        with right:
            st.subheader(fr.t("overview_status"))
            st.plotly_chart(
                facade.segment_chart("category", fr.source, fr.settings, fr.lang), key="overview_status_bar"
            )

        up, down = st.columns(2)
        with up:
            st.subheader(fr.t("overview_up_gaps"))
            _gap_list(fr, data, views.top_gaps(report, "upstream"), "upstream")
        with down:
            st.subheader(fr.t("overview_down_gaps"))
            _gap_list(fr, data, views.top_gaps(report, "downstream"), "downstream")

        st.subheader(fr.t("overview_more"))
        details = ("gaps", "targets", "pairing", "chain_map", "enterprise", "what_if")
        for column, key in zip(st.columns(len(details)), details, strict=True):
            with column:
                fr.link(key)


main()

"""概览 Overview — the app's entry (`streamlit run dashboard.py`): the whole chain at a glance."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from chain import brief, demands, pipeline, render, views
from chain import columns as cat
from chain.model import ChainData, ChainReport
from ui import facade, workspace
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.style import card, cards
from ui.widgets import plain, status_markdown, status_name


def _kpis(fr: Frame, totals: views.ChainTotals, report: ChainReport) -> None:
    lang = fr.lang
    done = report.completeness
    counts = views.status_counts(report)
    # One wrapping row: at 1024 px the eight cards take three lines rather than cut a number.
    with cards("overview"):
        card(
            fr.t("kpi_output"),
            render.amount(totals.output, lang, compact=True),
            help=fr.t("kpi_output_help", amount=render.amount(totals.output, lang)),
        )
        if math.isnan(totals.county_share):
            card(fr.t("kpi_share"), "—", help=fr.t("kpi_share_missing"))
        else:
            card(
                fr.t("kpi_share"),
                render.percent(totals.county_share),
                help=fr.t("kpi_share_help", amount=render.amount(totals.county_output, lang)),
            )
        card(fr.t("kpi_employees"), render.count(totals.employees, "people", lang))
        card(fr.t("kpi_growth"), render.points(totals.growth_pct), help=fr.t("kpi_growth_help"))
        card(
            fr.t("kpi_above_scale"),
            render.count(totals.above_scale_firms, "firms", lang),
            help=fr.t("kpi_above_scale_delta", total=totals.firms),
        )
        card(
            fr.t("kpi_completeness_segments"),
            render.percent(done.segments),
            help=fr.t(
                "kpi_completeness_segments_help", have=done.segments_with_firms, total=done.segments_total
            ),
        )
        card(
            fr.t("kpi_completeness_value"),
            render.percent(done.value),
            help=fr.t(
                "kpi_completeness_value_help",
                demand=render.amount(done.demand, lang),
                supply=render.amount(done.local_supply, lang),
            ),
        )
        card(
            fr.t("overview_status"),
            " / ".join(str(counts[s]) for s in ("strong", "weak", "missing")),
            help=" · ".join(f"{status_name(s, lang)} {n}" for s, n in counts.items()),
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


def _brief_button(fr: Frame, data: ChainData) -> None:
    """The one-click brief (.docx), made when clicked, compared with the workspace's earlier period."""
    st.download_button(
        fr.t("overview_brief"),
        data=facade.brief_download(
            fr.source, fr.settings, fr.lang, lambda: workspace.earlier_source(data.county, data.period)
        ),
        file_name=f"{brief.file_stem(data, fr.lang)}.docx",
        mime=brief.DOCX_MIME,
        key="overview_brief",
        help=fr.t("overview_brief_help"),
        on_click="ignore",
        icon=":material/description:",
    )


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
    funnel = pipeline.funnel(leads)
    counts = [
        f"{cat.value_name(cat.LEAD_STAGES, s, fr.lang)} {n}"
        for s, n in zip(funnel["lead_stage"], funnel["leads"], strict=True)
        if n
    ]
    closed = int((ledger_rows["demand_status"] == demands.CLOSED).sum())
    with cards("loop"):
        card(fr.t("ov_leads_by_stage"), str(len(leads)), help=" · ".join(counts) if counts else None)
        card(fr.t("ov_signed_year"), str(pipeline.signed_since(leads, dt.date(today.year, 1, 1))))
        card(fr.t("ov_demands_open"), str(len(ledger_rows) - closed))
        card(fr.t("ov_demands_overdue"), str(int(demands.overdue(ledger_rows, today).sum())))
        card(fr.t("ov_demands_closed"), str(closed))
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
        _brief_button(fr, data)
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
        # A wrapping row of links as wide as their names: six columns cut them to "强弱缺" at 1024 px.
        with st.container(horizontal=True, key="overview_details"):
            for key in ("gaps", "targets", "pairing", "chain_map", "enterprise", "what_if"):
                fr.link(key)


main()

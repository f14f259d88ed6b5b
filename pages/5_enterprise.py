"""企业画像 Enterprise — one firm: its numbers, its suppliers and customers, its segment, deputy and requests."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chain import render, schema, views
from chain.model import ChainData, ChainReport
from chain.reasons import segment_reason
from ui import facade
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.style import card, cards
from ui.widgets import partners_table, plain, sheet_table, status_markdown


def _profile(fr: Frame, data: ChainData, firm: pd.Series) -> None:
    lang = fr.lang
    with cards("enterprise"):
        card(
            fr.t("ent_output"),
            render.amount(firm["output"], lang, compact=True),
            help=render.amount(firm["output"], lang),
        )
        card(fr.t("ent_employees"), render.count(firm["employees"], "people", lang))
        card(fr.t("ent_growth"), render.points(firm["growth_pct"]))
        card(fr.t("ent_above"), render.boolean(firm["above_scale"], lang))
    facts = [
        (
            fr.t("ent_segment"),
            f"{firm['segment']} ({firm['category']})" if firm["category"] else firm["segment"],
        ),
        (fr.t("ent_town"), firm["town"] or "—"),
        (fr.t("ent_deputy"), firm["deputy"] or "—"),
        (fr.t("ent_products"), render.joined(firm["products"], lang) or "—"),
    ]
    # The facts are the firm's own cells: plain() shows them as text, not Markdown.
    st.markdown(
        "  \n".join(fr.t("labelled", label=f"**{name}**", value=plain(value)) for name, value in facts)
    )
    if firm["deputy"]:
        firms = [
            n
            for n, d in zip(data.enterprises["name"], data.enterprises["deputy"], strict=True)
            if d == firm["deputy"]
        ]
        st.caption(plain(fr.t("ent_deputy_firms", deputy=firm["deputy"], firms=render.joined(firms, lang))))


def _segment_status(fr: Frame, report: ChainReport, segment: str) -> None:
    rows = report.segments[report.segments["segment"] == segment]
    if rows.empty:
        return
    row = rows.iloc[0]
    with st.container(border=True):
        status = status_markdown(row["status"], fr.lang)
        st.markdown(f"**{fr.t('ent_segment_status', segment=plain(segment), status=status)}**")
        st.caption(plain(segment_reason(row, fr.lang)))
        fr.link("chain_map")


def _requests_and_projects(fr: Frame, data: ChainData, name: str, segment: str) -> None:
    # One under the other, each the page's width: side by side the requests' 状态 hid off to the right.
    left, right = st.container(), st.container()
    with left:
        st.subheader(fr.t("ent_demands"))
        opened = loop.store()
        if opened is None:
            demands = data.demands[data.demands["enterprise"] == name]
            if demands.empty:
                st.caption(fr.t("ent_no_demands"))
            else:
                sheet_table(demands, schema.DEMANDS, fr.lang, key="ent_demands_table", hide=("enterprise",))
        else:
            # The ledger (edited in the app), not the sheet as uploaded: one truth per demand.
            ledger_rows = loop.demand_frame(opened, data.enterprises)
            mine = ledger_rows[ledger_rows["enterprise"] == name]
            if mine.empty:
                st.caption(fr.t("ent_no_demands"))
            else:
                columns = ("demand_type", "detail", "raised", "due", "demand_status", "closed")
                loop.ledger_table(mine, columns, fr.lang, key="ent_demands_table")
            fr.link("demands")
    with right:
        st.subheader(fr.t("ent_projects"))
        projects = data.projects[data.projects["segment"] == segment]
        if projects.empty:
            st.caption(fr.t("ent_no_projects"))
        else:
            sheet_table(projects, schema.PROJECTS, fr.lang, key="ent_projects_table", hide=("segment",))


def main() -> None:
    fr = frame("enterprise")
    data, report = fr.analysis()
    with fr.guard():
        firms = data.enterprises.sort_values("output", ascending=False, kind="stable")
        if firms.empty:
            st.info(fr.t("ent_none"))
            return
        name = st.selectbox(fr.t("ent_pick"), list(firms["name"]), key="ent_firm")
        firm = firms[firms["name"] == name].iloc[0]
        _profile(fr, data, firm)
        _segment_status(fr, report, str(firm["segment"]))

        st.subheader(fr.t("ent_network"))
        st.plotly_chart(facade.firm_network_figure(fr.source, fr.lang, name), key="ent_network_chart")
        st.subheader(fr.t("flowmap_enterprise"))
        st.plotly_chart(
            facade.flow_map_figure(fr.source, fr.settings, fr.lang, firm=name, height=440),
            key="ent_map_chart",
        )
        # One under the other: side by side, the value column of each was cut even at 1440 px.
        suppliers, customers = st.container(), st.container()
        with suppliers:
            st.markdown(f"**{fr.t('ent_suppliers')}**")
            partners_table(views.firm_suppliers(data, name), fr.lang, key="ent_suppliers_table")
        with customers:
            st.markdown(f"**{fr.t('ent_customers')}**")
            partners_table(views.firm_customers(data, name), fr.lang, key="ent_customers_table")
        _requests_and_projects(fr, data, name, str(firm["segment"]))


main()

"""招商项目 Pipeline — leads by stage (funnel and table), overdue next steps, what is done per gap, edits,
the weekly list as xlsx and its re-import."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from chain import charts, ledger, pipeline, render
from chain import columns as cat
from chain.model import ChainData, ChainReport
from chain.store import Store
from ui import access
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.widgets import plain, status_name
from ui.workspace import acting_user

_TABLE = (
    "company",
    "segment",
    "lead_stage",
    "owner",
    "next_step",
    "next_due",
    "overdue",
    "planned_investment",
    "expected_output",
    "region",
    "local_name",
    "stop_reason",
)
_WORK = ("segment", "status", "active", "signed", "lead_stage", "companies")
_ALL = ""


def _kpis(fr: Frame, leads: pd.DataFrame, day: dt.date) -> None:
    cards = st.columns(4)
    active = int(leads["lead_stage"].isin(pipeline.ACTIVE).sum())
    signed = int(leads["lead_stage"].isin(pipeline.IN_PIPELINE).sum())
    cards[0].metric(fr.t("pl_active"), active, border=True)
    cards[1].metric(fr.t("pl_signed"), signed, border=True)
    cards[2].metric(fr.t("pl_overdue"), int(pipeline.overdue(leads, day).sum()), border=True)
    cards[3].metric(
        fr.t("pl_due_soon", days=pipeline.DUE_SOON_DAYS),
        int(pipeline.due_soon(leads, day).sum()),
        border=True,
    )


def _filters(fr: Frame, leads: pd.DataFrame) -> pd.DataFrame:
    first, second, third = st.columns(3)
    segment = first.selectbox(
        fr.t("pl_filter_segment"),
        [_ALL, *sorted(set(leads["segment"]))],
        format_func=lambda s: s or fr.t("all"),
        key="pl_segment",
    )
    owner = second.selectbox(
        fr.t("pl_filter_owner"),
        [_ALL, *sorted(set(leads["owner"]) - {""})],
        format_func=lambda s: s or fr.t("all"),
        key="pl_owner",
    )
    stage = third.selectbox(
        fr.t("pl_filter_stage"),
        [_ALL, *cat.LEAD_STAGES],
        format_func=lambda s: cat.value_name(cat.LEAD_STAGES, s, fr.lang) if s else fr.t("all"),
        key="pl_stage",
    )
    shown = leads
    if segment:
        shown = shown[shown["segment"] == segment]
    if owner:
        shown = shown[shown["owner"] == owner]
    if stage:
        shown = shown[shown["lead_stage"] == stage]
    return shown


def _gap_work(fr: Frame, report: ChainReport, leads: pd.DataFrame) -> None:
    """Per gap segment (missing or weak, or with a gap kind): the leads on it and how far they got."""
    segments = report.segments
    gaps = segments[(segments["status"] != "strong") | segments["gaps"].map(bool)]
    work = pipeline.segment_work(leads, gaps["segment"])
    work = work.assign(status=gaps["status"].to_numpy())
    work = work.assign(
        lead_stage=[cat.value_name(cat.LEAD_STAGES, s, fr.lang) if s else "—" for s in work["lead_stage"]],
        status=[status_name(s, fr.lang) for s in work["status"]],
        companies=[render.joined(c, fr.lang) for c in work["companies"]],
    )
    st.dataframe(
        work,
        hide_index=True,
        column_order=list(_WORK),
        column_config={
            "segment": st.column_config.TextColumn(cat.name("segment", fr.lang), pinned=True),
            "status": st.column_config.TextColumn(cat.name("status", fr.lang)),
            "active": st.column_config.NumberColumn(fr.t("pl_active")),
            "signed": st.column_config.NumberColumn(fr.t("pl_signed")),
            "lead_stage": st.column_config.TextColumn(fr.t("pl_furthest")),
            "companies": st.column_config.TextColumn(fr.t("pl_companies"), width="large"),
        },
        key="pl_gap_work",
    )


def _edit(fr: Frame, opened: Store, leads: pd.DataFrame) -> None:
    """Move a lead on (or back, or stop it, with a reason), change its next step, log an activity."""
    lang = fr.lang
    ids = leads["lead_id"].tolist()
    by_id = leads.set_index("lead_id")
    picked = st.selectbox(
        fr.t("pl_pick"),
        ids,
        format_func=lambda i: (
            f"{by_id.loc[i, 'company']} · {by_id.loc[i, 'segment']} · "
            f"{cat.value_name(cat.LEAD_STAGES, by_id.loc[i, 'lead_stage'], lang)}"
        ),
        key="pl_pick",
    )
    if picked is None:
        return
    lead = by_id.loc[picked]
    left, right = st.columns(2)
    with left, st.form(f"pl_edit_{picked}", border=True):
        stages = list(cat.LEAD_STAGES)
        stage = st.selectbox(
            cat.name("lead_stage", lang),
            stages,
            index=stages.index(lead["lead_stage"]),
            format_func=lambda s: cat.value_name(cat.LEAD_STAGES, s, lang),
            key=f"pl_edit_stage_{picked}",
        )
        reason = st.text_input(fr.t("pl_reason"), key=f"pl_edit_reason_{picked}", help=fr.t("pl_reason_help"))
        owner = st.text_input(cat.name("owner", lang), value=lead["owner"], key=f"pl_edit_owner_{picked}")
        step = st.text_input(
            cat.name("next_step", lang), value=lead["next_step"], key=f"pl_edit_step_{picked}"
        )
        due = st.date_input(
            cat.name("next_due", lang),
            value=lead["next_due"] if isinstance(lead["next_due"], dt.date) else None,
            key=f"pl_edit_due_{picked}",
        )
        money = st.columns(2)
        invest = money[0].number_input(
            cat.header("planned_investment", lang),
            min_value=0.0,
            value=None if pd.isna(lead["planned_investment"]) else float(lead["planned_investment"]),
            format="%.0f",
            key=f"pl_edit_invest_{picked}",
        )
        output = money[1].number_input(
            cat.header("expected_output", lang),
            min_value=0.0,
            value=None if pd.isna(lead["expected_output"]) else float(lead["expected_output"]),
            format="%.0f",
            key=f"pl_edit_output_{picked}",
        )
        local = st.text_input(
            cat.name("local_name", lang), value=lead["local_name"], key=f"pl_edit_local_{picked}"
        )
        if st.form_submit_button(fr.t("pl_save"), type="primary", icon=":material/save:"):
            changes = {
                "lead_stage": stage,
                "owner": owner,
                "next_step": step,
                "next_due": due,
                "planned_investment": invest,
                "expected_output": output,
                "local_name": local,
            }
            loop.write(
                lang,
                lambda: ledger.update_lead(opened, int(picked), changes, by=acting_user(), reason=reason),
                done=fr.t("pl_saved"),
            )
    with right:
        with st.form(f"pl_log_{picked}", border=True):
            st.markdown(f"**{fr.t('pl_log')}**")
            when = st.date_input(
                cat.name("activity_date", lang), value=dt.date.today(), key=f"pl_log_date_{picked}"
            )
            kinds = [k for k in cat.ACTIVITY_KINDS if k != "stage"]
            kind = st.selectbox(
                cat.name("activity_kind", lang),
                kinds,
                format_func=lambda k: cat.value_name(cat.ACTIVITY_KINDS, k, lang),
                key=f"pl_log_kind_{picked}",
            )
            note = st.text_input(cat.name("activity_note", lang), key=f"pl_log_note_{picked}")
            if st.form_submit_button(fr.t("pl_log_add"), icon=":material/add_comment:"):
                loop.write(
                    lang, lambda: ledger.add_activity(opened, int(picked), when, kind, note, by=acting_user())
                )
        log = ledger.activities(opened, int(picked))
        if log.empty:
            st.caption(fr.t("pl_log_empty"))
        else:
            loop.ledger_table(
                log, ("activity_date", "activity_kind", "activity_note"), lang, key=f"pl_log_table_{picked}"
            )


def _add(fr: Frame, opened: Store, report: ChainReport) -> None:
    lang = fr.lang
    with st.form("pl_add", border=True):
        first, second = st.columns(2)
        company = first.text_input(cat.name("company", lang), key="pl_add_company")
        segment = second.selectbox(
            cat.name("segment", lang), list(report.segments["segment"]), key="pl_add_segment"
        )
        third, fourth = st.columns(2)
        region = third.text_input(cat.name("region", lang), key="pl_add_region")
        owner = fourth.text_input(cat.name("owner", lang), key="pl_add_owner")
        if st.form_submit_button(fr.t("pl_add_button"), icon=":material/add:"):
            fields = {"company": company, "segment": segment, "region": region, "owner": owner}
            loop.write(lang, lambda: ledger.add_lead(opened, fields, by=acting_user()), done=fr.t("pl_saved"))


def _import(fr: Frame, opened: Store, data: ChainData) -> None:
    """Import the snapshot's 招商项目 or an edited weekly list: see what it would do, then add the new leads,
    and overwrite the app's values only when the user says so."""
    lang = fr.lang
    source = st.radio(
        fr.t("pl_import_from"),
        ["projects", "file"],
        format_func=lambda s: fr.t(f"pl_import_{s}"),
        horizontal=True,
        key="pl_import_source",
    )
    incoming: pd.DataFrame | None = None
    if source == "projects":
        if data.projects.empty:
            st.caption(fr.t("pl_import_no_projects"))
            return
        incoming = ledger.leads_from_projects(data.projects)
    else:
        upload = st.file_uploader(fr.t("pl_import_file"), type=["xlsx"], key="pl_import_upload")
        if upload is None:
            return
        try:
            incoming = ledger.read_leads_xlsx(upload.getvalue())
        except ledger.LedgerError as error:
            st.error(plain(error.message(lang)))
            return
    plan = ledger.plan_leads(opened, incoming)
    loop.import_plan(
        plan,
        lang,
        fr.t,
        lambda overwrite: ledger.apply_leads(opened, plan, by=acting_user(), overwrite=overwrite),
        key="pl_import",
    )


def main() -> None:
    fr = frame("pipeline")
    data, report = fr.analysis()
    with fr.guard():
        opened = loop.store()
        if opened is None:
            st.warning(fr.t("loop_no_store"))
            return
        leads = loop.lead_frame(opened)
        day = loop.as_of(fr.t("loop_as_of"), key="pl_as_of")
        leads = leads.assign(overdue=pipeline.overdue(leads, day))
        _kpis(fr, leads, day)
        left, right = st.columns([2, 3])
        with left:
            st.subheader(fr.t("pl_funnel"))
            st.plotly_chart(charts.pipeline_funnel(pipeline.funnel(leads), fr.lang), key="pl_funnel_chart")
        with right:
            st.subheader(fr.t("pl_gap_work"))
            _gap_work(fr, report, leads)

        st.subheader(fr.t("pl_table"))
        shown = _filters(fr, leads)
        st.caption(fr.t("pl_count", count=len(shown), overdue=int(shown["overdue"].sum())))
        if shown.empty:
            st.info(fr.t("empty_filtered"))
        else:
            loop.ledger_table(shown, _TABLE, fr.lang, key="pl_leads_table", height=420)
        loop.download(opened, data.enterprises, fr.lang, day, key="pl_download", label=fr.t("loop_download"))

        if not access.can("lead.write"):  # what to show; the store refuses a viewer's write anyway
            st.caption(fr.t("loop_read_only"))
            return
        if not leads.empty:
            st.subheader(fr.t("pl_edit"))
            _edit(fr, opened, shown if not shown.empty else leads)
        with st.expander(fr.t("pl_add_title"), icon=":material/add:"):
            _add(fr, opened, report)
        with st.expander(fr.t("pl_import_title"), icon=":material/upload:"):
            _import(fr, opened, data)


main()

"""诉求台账 Demands — enterprises' demands: the ledger, overdue and due-soon lists, closure statistics per type
and per deputy, the deputies and the firms they look after (包联), edits, export and import."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import demands, ledger
from chain.model import ChainData
from chain.store import Store
from ui import access
from ui import ledger as loop
from ui.frame import Frame, frame
from ui.widgets import plain
from ui.workspace import acting_user

# The ledger as the catalogue lists it; days to close is for the statistics, not each row.
_LEDGER = tuple(key for key in cat.TABLES["demands"].columns if key != "days_to_close")
_SHORT = ("enterprise", "deputy", "demand_type", "detail", "responsible", "due", "demand_status")
_STATS = ("group", "total", "closed_count", "closure_rate", "avg_days")
_ALL = ""


def _kpis(fr: Frame, rows: pd.DataFrame, day: dt.date) -> None:
    cards = st.columns(4)
    closed = int((rows["demand_status"] == demands.CLOSED).sum())
    cards[0].metric(fr.t("dm_open"), len(rows) - closed, border=True)
    cards[1].metric(fr.t("dm_overdue"), int(demands.overdue(rows, day).sum()), border=True)
    cards[2].metric(
        fr.t("dm_due_soon", days=demands.DUE_SOON_DAYS), int(demands.due_soon(rows, day).sum()), border=True
    )
    total = demands.closure_stats(rows, "demand_type").iloc[-1]
    cards[3].metric(
        cat.name("closure_rate", fr.lang),
        "—" if pd.isna(total["closure_rate"]) else f"{total['closure_rate']:.0%}",
        help=fr.t("dm_rate_help", closed=closed, total=len(rows)),
        border=True,
    )


def _stats(fr: Frame, rows: pd.DataFrame) -> None:
    left, right = st.columns(2)
    for column, by, title in ((left, "demand_type", "dm_by_type"), (right, "deputy", "dm_by_deputy")):
        with column:
            st.markdown(f"**{fr.t(title)}**")
            stats = demands.closure_stats(rows, by)
            if by == "demand_type":
                stats = stats.assign(
                    group=[cat.value_name(cat.DEMAND_KINDS, g, fr.lang) if g else g for g in stats["group"]]
                )
            # The last row is the whole ledger; a blank group before it is a firm with no deputy.
            stats = stats.assign(group=[*(g or "—" for g in stats["group"].iloc[:-1]), fr.t("dm_total")])
            loop.ledger_table(stats, _STATS, fr.lang, key=f"dm_stats_{by}")


def _deputies(fr: Frame, data: ChainData) -> None:
    firms = data.enterprises[data.enterprises["deputy"] != ""]
    if firms.empty:
        st.caption(fr.t("dm_no_deputies"))
        return
    grouped = firms.groupby("deputy", sort=True)["name"].agg(tuple).reset_index()
    st.dataframe(
        grouped.assign(
            count=grouped["name"].map(len),
            name=grouped["name"].map("、".join if fr.lang == "zh" else ", ".join),
        ),
        hide_index=True,
        column_order=["deputy", "count", "name"],
        column_config={
            "deputy": st.column_config.TextColumn(cat.name("deputy", fr.lang), pinned=True),
            "count": st.column_config.NumberColumn(fr.t("dm_firm_count")),
            "name": st.column_config.TextColumn(fr.t("dm_firms"), width="large"),
        },
        key="dm_deputies",
    )


def _edit(fr: Frame, opened: Store, rows: pd.DataFrame) -> None:
    lang = fr.lang
    by_id = rows.set_index("demand_id")
    picked = st.selectbox(
        fr.t("dm_pick"),
        by_id.index.tolist(),
        format_func=lambda i: (
            f"{by_id.loc[i, 'enterprise']} · "
            f"{cat.value_name(cat.DEMAND_KINDS, by_id.loc[i, 'demand_type'], lang)} · {by_id.loc[i, 'detail'][:30]}"
        ),
        key="dm_pick",
    )
    if picked is None:
        return
    row = by_id.loc[picked]
    with st.form(f"dm_edit_{picked}", border=True):
        first, second = st.columns(2)
        states = list(cat.DEMAND_STATES)
        status = first.selectbox(
            cat.name("demand_status", lang),
            states,
            index=states.index(row["demand_status"]),
            format_func=lambda s: cat.value_name(cat.DEMAND_STATES, s, lang),
            key=f"dm_edit_status_{picked}",
        )
        closed = second.date_input(
            cat.name("closed", lang),
            value=row["closed"] if isinstance(row["closed"], dt.date) else None,
            key=f"dm_edit_closed_{picked}",
        )
        third, fourth = st.columns(2)
        responsible = third.text_input(
            cat.name("responsible", lang), value=row["responsible"], key=f"dm_edit_resp_{picked}"
        )
        due = fourth.date_input(
            cat.name("due", lang),
            value=row["due"] if isinstance(row["due"], dt.date) else None,
            key=f"dm_edit_due_{picked}",
        )
        resolution = st.text_input(
            cat.name("resolution", lang), value=row["resolution"], key=f"dm_edit_res_{picked}"
        )
        if st.form_submit_button(fr.t("pl_save"), type="primary", icon=":material/save:"):
            changes = {
                "demand_status": status,
                "closed": closed,
                "responsible": responsible,
                "due": due,
                "resolution": resolution,
            }
            loop.write(
                lang,
                lambda: ledger.update_demand(opened, int(picked), changes, by=acting_user()),
                done=fr.t("pl_saved"),
            )


def _add(fr: Frame, opened: Store, data: ChainData) -> None:
    lang = fr.lang
    with st.form("dm_add", border=True):
        first, second, third = st.columns(3)
        enterprise = first.selectbox(
            cat.name("enterprise", lang), sorted(data.enterprises["name"]), key="dm_add_enterprise"
        )
        kind = second.selectbox(
            cat.name("demand_type", lang),
            list(cat.DEMAND_KINDS),
            format_func=lambda k: cat.value_name(cat.DEMAND_KINDS, k, lang),
            key="dm_add_type",
        )
        raised = third.date_input(cat.name("raised", lang), value=dt.date.today(), key="dm_add_raised")
        detail = st.text_input(cat.name("detail", lang), key="dm_add_detail")
        fourth, fifth = st.columns(2)
        responsible = fourth.text_input(cat.name("responsible", lang), key="dm_add_responsible")
        due = fifth.date_input(cat.name("due", lang), value=None, key="dm_add_due")
        if st.form_submit_button(fr.t("dm_add_button"), icon=":material/add:"):
            record = {
                "enterprise": enterprise,
                "demand_type": kind,
                "detail": detail,
                "raised": raised,
                "responsible": responsible,
                "due": due,
                "demand_status": "open",
            }
            loop.write(
                lang, lambda: ledger.add_demand(opened, record, by=acting_user()), done=fr.t("pl_saved")
            )


def _import(fr: Frame, opened: Store, data: ChainData) -> None:
    lang = fr.lang
    source = st.radio(
        fr.t("pl_import_from"),
        ["sheet", "file"],
        format_func=lambda s: fr.t(f"dm_import_{s}"),
        horizontal=True,
        key="dm_import_source",
    )
    if source == "sheet":
        if data.demands.empty:
            st.caption(fr.t("dm_import_no_sheet"))
            return
        incoming = ledger.demands_from_sheet(data.demands)
    else:
        upload = st.file_uploader(fr.t("pl_import_file"), type=["xlsx"], key="dm_import_upload")
        if upload is None:
            return
        try:
            incoming = ledger.read_demands_xlsx(upload.getvalue())
        except ledger.LedgerError as error:
            st.error(plain(error.message(lang)))
            return
    plan = ledger.plan_demands(opened, incoming)
    loop.import_plan(
        plan,
        lang,
        fr.t,
        lambda overwrite: ledger.apply_demands(opened, plan, by=acting_user(), overwrite=overwrite),
        key="dm_import",
    )


def main() -> None:
    fr = frame("demands")
    data, _ = fr.analysis()
    with fr.guard():
        opened = loop.store()
        if opened is None:
            st.warning(fr.t("loop_no_store"))
            return
        day = loop.as_of(fr.t("loop_as_of"), key="dm_as_of")
        rows = loop.demand_frame(opened, data.enterprises)
        rows = rows.assign(overdue=demands.overdue(rows, day))
        _kpis(fr, rows, day)
        ledger_tab, due_tab, stats_tab, deputies_tab = st.tabs(
            [fr.t("dm_tab_ledger"), fr.t("dm_tab_due"), fr.t("dm_tab_stats"), fr.t("dm_tab_deputies")]
        )
        with ledger_tab:
            first, second = st.columns(2)
            status = first.selectbox(
                cat.name("demand_status", fr.lang),
                [_ALL, *cat.DEMAND_STATES],
                format_func=lambda s: cat.value_name(cat.DEMAND_STATES, s, fr.lang) if s else fr.t("all"),
                key="dm_status",
            )
            kind = second.selectbox(
                cat.name("demand_type", fr.lang),
                [_ALL, *cat.DEMAND_KINDS],
                format_func=lambda s: cat.value_name(cat.DEMAND_KINDS, s, fr.lang) if s else fr.t("all"),
                key="dm_type",
            )
            shown = rows
            if status:
                shown = shown[shown["demand_status"] == status]
            if kind:
                shown = shown[shown["demand_type"] == kind]
            st.caption(fr.t("dm_count", count=len(shown)))
            if shown.empty:
                st.info(fr.t("empty_filtered"))
            else:
                loop.ledger_table(shown, _LEDGER, fr.lang, key="dm_table", height=420)
            loop.download(
                opened, data.enterprises, fr.lang, day, key="dm_download", label=fr.t("loop_download")
            )
        with due_tab:
            st.markdown(f"**{fr.t('dm_overdue_list')}**")
            late = rows[demands.overdue(rows, day)]
            if late.empty:
                st.caption(fr.t("dm_none"))
            else:
                loop.ledger_table(late, _SHORT, fr.lang, key="dm_overdue_table", flag="")
            st.markdown(f"**{fr.t('dm_due_soon_list', days=demands.DUE_SOON_DAYS)}**")
            soon = rows[demands.due_soon(rows, day)]
            if soon.empty:
                st.caption(fr.t("dm_none"))
            else:
                loop.ledger_table(soon, _SHORT, fr.lang, key="dm_soon_table", flag="")
        with stats_tab:
            _stats(fr, rows)
        with deputies_tab:
            _deputies(fr, data)
        if not access.can("demand.write"):  # what to show; the store refuses a viewer's write anyway
            st.caption(fr.t("loop_read_only"))
            return
        if not rows.empty:
            st.subheader(fr.t("dm_edit"))
            _edit(fr, opened, rows)
        with st.expander(fr.t("dm_add_title"), icon=":material/add:"):
            _add(fr, opened, data)
        with st.expander(fr.t("dm_import_title"), icon=":material/upload:"):
            _import(fr, opened, data)


main()

"""The recruiting loop in the app (#16): the workspace's leads and demands, written as the session's user.

Reads are small (a county's leads and demands) and always fresh from the database, so an edit shows on
every page at once. Every write names :func:`ui.workspace.acting_user`; the store refuses a viewer's write
(:mod:`chain.access`), and the refusal, like any rule the ledger enforces, is shown in the page's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import demands, ledger, pipeline, render
from chain.store import Store, StoreError
from ui import workspace
from ui.widgets import column_config, plain

__all__ = [
    "REFUSALS",
    "as_of",
    "demand_frame",
    "in_pipeline",
    "lead_frame",
    "ledger_table",
    "plan_summary",
    "store",
    "write",
]

#: Everything a write can be refused with, each carrying its own zh/en message.
REFUSALS = (StoreError, ledger.LedgerError, pipeline.PipelineError, demands.DemandError)
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How an overdue row is tinted: the chart's red for a missing segment, light.
_FLAGGED = "background-color: #FDECEA; color: #B71C1C"
#: session_state key of the as-of date shared by the pipeline, demands and overview pages.
AS_OF_KEY = "ledger_as_of"


def store() -> Store | None:
    """The workspace's store, or None (the page says the workspace is unavailable)."""
    opened, _ = workspace.opened()
    return opened


def lead_frame(opened: Store) -> pd.DataFrame:
    return ledger.lead_frame(opened)


def demand_frame(opened: Store, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The ledger with each enterprise's deputy (包联) and days to close."""
    frame = demands.with_deputies(ledger.demand_frame(opened), enterprises)
    return frame.assign(days_to_close=demands.days_to_close(frame))


def in_pipeline(lang: str, segments: list[str] | None = None) -> str:
    """The projects in the pipeline (签约 or later, not yet in production) per segment, in words: what the
    gap pages and the chain map say is on its way ("" when none, or no workspace)."""
    opened = store()
    if opened is None:
        return ""
    leads = ledger.lead_frame(opened)
    coming = leads[leads["lead_stage"].isin(pipeline.IN_PIPELINE) & (leads["lead_stage"] != "operating")]
    if segments is not None:
        coming = coming[coming["segment"].isin(segments)]
    return render.joined(
        [
            f"{segment}: {company} ({cat.value_name(cat.LEAD_STAGES, stage, lang)})"
            for segment, company, stage in zip(
                coming["segment"], coming["company"], coming["lead_stage"], strict=True
            )
        ],
        lang,
    )


def as_of(label: str, *, key: str) -> dt.date:
    """The date overdue and due-soon are judged on: today unless the user picks another (kept across
    pages in :data:`AS_OF_KEY`)."""
    st.session_state.setdefault(AS_OF_KEY, dt.date.today())
    if key not in st.session_state:
        st.session_state[key] = st.session_state[AS_OF_KEY]
    chosen = st.date_input(
        label, key=key, on_change=lambda: st.session_state.update({AS_OF_KEY: st.session_state[key]})
    )
    return chosen if isinstance(chosen, dt.date) else dt.date.today()


def write(lang: str, action: Callable[[], object], *, done: str | None = None) -> bool:
    """Run a write; a refusal (no right to edit, a rule of the ledger, the database) is shown in ``lang``
    and False returned. On success the page is redrawn (with ``done`` said as a toast)."""
    try:
        action()
    except REFUSALS as refused:
        st.error(plain(refused.message(lang)))
        return False
    if done:
        st.toast(done)
    st.rerun()
    return True


def ledger_table(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    lang: str,
    *,
    key: str,
    flag: str = "overdue",
    height: int | str = "auto",
) -> None:
    """Rows with catalogue headers and worded values; a row whose ``flag`` column is true is tinted red
    (overdue)."""
    frame = frame.reset_index(drop=True)
    worded = render.display_frame(frame, columns, lang)
    for key in columns:
        if cat.column(key).format is not None:
            # A missing amount is an empty cell, not the word None.
            worded[key] = pd.to_numeric(worded[key], errors="coerce")
    shown: object = worded
    if flag in frame.columns and frame[flag].any():
        marks = frame[flag].to_numpy(dtype=bool)
        shown = shown.style.apply(  # type: ignore[attr-defined]
            lambda row: [_FLAGGED if marks[row.name] else "" for _ in row], axis=1
        )
    config = {k: column_config(k, lang) for k in columns}
    st.dataframe(
        shown, hide_index=True, column_order=list(columns), column_config=config, key=key, height=height
    )


def plan_summary(plan: ledger.ImportPlan, lang: str, t: Callable[..., str]) -> None:
    """What an import would do, in words: new rows, changes (field: now → incoming) and refused rows."""
    st.markdown(t("loop_plan", new=len(plan.new), changed=len(plan.changed), same=plan.unchanged))
    if plan.changed:
        rows = [
            {
                t("loop_plan_id"): row_id,
                t("loop_plan_field"): cat.name(field, lang),
                t("loop_plan_now"): render.value(field, old, lang) if field in cat.CATALOGUE else str(old),
                t("loop_plan_incoming"): render.value(field, new, lang)
                if field in cat.CATALOGUE
                else str(new),
            }
            for row_id, diff in plan.changed
            for field, (old, new) in diff.items()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    for zh, en in plan.refused:
        st.warning(plain(zh if lang == "zh" else en))


def import_plan(
    plan: ledger.ImportPlan, lang: str, t: Callable[..., str], apply: Callable[[bool], object], *, key: str
) -> None:
    """The second step of an import: what it would do (:func:`plan_summary`), then add the new rows only, or
    also overwrite the rows that changed (``apply(overwrite)``): edits made in the app are never overwritten
    without this second, explicit choice."""
    plan_summary(plan, lang, t)
    if plan.empty:
        return
    add, overwrite = st.columns(2)
    if add.button(
        t("loop_import_new"), key=f"{key}_new", disabled=not plan.new, icon=":material/playlist_add:"
    ):
        write(lang, lambda: apply(False))
    if overwrite.button(
        t("loop_import_all"), key=f"{key}_all", disabled=not plan.changed, icon=":material/sync:"
    ):
        write(lang, lambda: apply(True))


def download(
    opened: Store, enterprises: pd.DataFrame, lang: str, day: dt.date, *, key: str, label: str
) -> None:
    """The workspace workbook (leads, activity log, demands) as one xlsx, built when clicked."""
    st.download_button(
        label,
        data=lambda: ledger.workspace_workbook(opened, enterprises, lang, day),
        file_name=f"workspace_{day.isoformat()}.xlsx",
        mime=_XLSX,
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )

"""数据 Data — upload a workbook, read its validation report, download the template and the sample; the
workspace's snapshots (every accepted upload is kept as one) listed with their actions (ui/workspace.py).

When every error of an upload sits on a data row of a required sheet, the report offers to analyse without
those rows: an explicit choice, undone here, and the rows left out are named on every page and export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from chain import columns as cat
from chain import guard, problems, schema
from chain.isolate import QueuePosition
from chain.model import LoadResult
from chain.problems import Problem
from ui import access, admin, facade, server, workspace
from ui import ledger as loop
from ui.facade import Source
from ui.frame import GENERATION_KEY, OUTCOME_KEY, UPLOAD_KEY, Frame, frame, use_sample, use_upload
from ui.style import card, cards
from ui.widgets import capitalised, download_pair, places, plain, severity_name, table

_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The uploader's id of the last upload seen: a new id is a new upload, even of the same bytes.
_UPLOAD_ID_KEY = "upload_file_id"


def _both(problem: Problem) -> dict[str, str]:
    """A problem's message in both languages, so a step shows in whichever language is chosen later."""
    return {"zh": problem.message("zh"), "en": problem.message("en")}


def _step(fr: Frame, key: str, params: dict[str, object]) -> str:
    """A recorded step in the current language (a parameter given in both languages picks its own).

    Its text parameters (a problem's message quoting a cell, an error's detail) are shown as text: plain().
    """
    chosen = {k: v[fr.lang] if isinstance(v, dict) else v for k, v in params.items()}
    return fr.t(key, **{k: plain(v) if isinstance(v, str) else v for k, v in chosen.items()})


def _queue_progress(fr: Frame) -> Callable[[QueuePosition], None]:
    """Shows, while an upload waits for its turn to be read, its place in the queue as a progress bar."""
    slot = st.empty()
    first: list[int] = []

    def show(position: QueuePosition) -> None:
        first[:] = first or [position.ahead]
        text = fr.t("data_queue", ahead=position.ahead, running=position.running, seconds=position.waited)
        slot.progress(max(0.0, (first[0] - position.ahead) / (first[0] + 1)), text=text)

    return show


def _process(fr: Frame, source: Source, retry: bool = False) -> None:
    """Guard -> parse -> validate -> analyse an upload, with each step shown, and make it the data in use.

    A workbook with errors still becomes the data in use: every page then says so instead of showing an
    analysis of the previous data, which would be easy to mistake for the new one. ``retry`` reads it
    again after the machinery failed on it (facade.can_retry).
    """
    steps: list[tuple[str, dict[str, object]]] = []
    state = "complete"
    with st.status(fr.t("data_status_running", name=plain(source.name)), expanded=True) as status:
        try:
            # Loading guards the bytes (once), then parses them; a refusal is the load's only error.
            st.write(fr.t("data_step_guard"))
            st.write(fr.t("data_step_parse"))
            loaded = facade.load_data(source, on_wait=_queue_progress(fr), retry=retry)
            refusal = guard.refusal(loaded.errors)
            steps.append(("data_step_guard", {}))
            if refusal is not None:
                steps.append(("data_refused", {"message": _both(refusal)}))
                state = "error"
            else:
                steps.append(("data_step_parse", {}))
            counts: dict[str, object] = {"errors": len(loaded.errors), "warnings": len(loaded.warnings)}
            if refusal is None:
                # A file that could not be read at all has one error: say which, not only how many.
                step = (
                    ("data_step_first_error", {**counts, "message": _both(loaded.errors[0])})
                    if loaded.errors
                    else ("data_step_validate", counts)
                )
                st.write(_step(fr, *step))
                steps.append(step)
                left_out = loaded.data.excluded_rows if loaded.data is not None else ()
                if left_out:
                    step = ("data_step_excluded", {"count": len(left_out)})
                    st.write(_step(fr, *step))
                    steps.append(step)
            if loaded.ok:
                st.write(fr.t("data_step_analyse"))
                steps.append(("data_step_analyse", {}))
                facade.analyze(source, fr.settings)
                kept = workspace.keep_upload(source, loaded)
                st.write(_step(fr, kept.key, kept.params))
                steps.append((kept.key, kept.params))
            else:
                state = "error"
        except Exception as exc:
            steps.append(("failed", {"detail": str(exc) or type(exc).__name__}))
            state = "error"
        status.update(state=state)
    use_upload(source)
    # The steps, as catalogue keys and parameters, so they show in whichever language is chosen later.
    st.session_state[OUTCOME_KEY] = {
        "sha": source.sha,
        "skip": source.skip_error_rows,
        "name": source.name,
        "state": state,
        "steps": steps,
    }
    st.rerun()


def _outcome(fr: Frame) -> None:
    """The steps of the upload now in use, as a finished status box."""
    outcome = st.session_state.get(OUTCOME_KEY)
    current = st.session_state.get(UPLOAD_KEY)
    if not outcome or not isinstance(current, Source) or outcome["sha"] != current.sha:
        return
    if outcome.get("skip", False) != current.skip_error_rows:
        return
    failed = outcome["state"] == "error"
    count = fr.error_count
    data = fr.loaded.data if fr.loaded is not None else None
    left_out = data.excluded_rows if data is not None else ()
    name = plain(outcome["name"])  # the uploader's file name: a status label is Markdown
    if failed:
        label = fr.t("data_status_errors", name=name, count=count)
    elif left_out:
        label = fr.t("data_status_excluded", name=name, count=len(left_out))
    else:
        label = fr.t("data_status_ok", name=name)
    with st.status(label, state=outcome["state"], expanded=failed):
        for key, params in outcome["steps"]:
            st.write(_step(fr, key, params))
    if failed and facade.can_retry(current):
        # Not a verdict about the file (a reader killed, out of memory, past its deadline): offer to read it again.
        st.caption(fr.t("data_retry_hint"))
        if st.button(fr.t("data_retry"), key="retry_upload", type="primary", icon=":material/refresh:"):
            _process(fr, current, retry=True)


def _upload(fr: Frame) -> None:
    if not access.can("snapshot.add"):
        st.info(fr.t("auth_viewer_upload"))
        return
    facade.prepare_uploads()
    space = server.temp_space()
    if space is not None and space.short:
        st.warning(fr.t("data_tmp_full", path=space.path, free=space.free_mb, needed=space.needed_mb))
    generation = st.session_state.get(GENERATION_KEY, 0)
    uploaded = st.file_uploader(
        fr.t("data_upload"),
        type=["xlsx", "xls", "ods"],
        key=f"uploader_{generation}",
        # The size limit in the user's language: Streamlit's own refusal of a bigger file is in English.
        help=fr.t("data_upload_help", mb=facade.LIMITS.max_file_mb),
    )
    # Streamlit's own instructions in the box are English only: the style sheet hides them, this says them.
    st.caption(fr.t("data_upload_drop", mb=facade.LIMITS.max_file_mb))
    if uploaded is None and isinstance(st.session_state.get(UPLOAD_KEY), Source):
        # The uploader is empty again after a page or language switch, but its file is still the one in use.
        in_use = st.session_state[UPLOAD_KEY]
        st.caption(fr.t("data_in_use", name=plain(in_use.name)))
    if uploaded is not None:
        source = facade.upload_source(uploaded.name, uploaded.getvalue())
        current = st.session_state.get(UPLOAD_KEY)
        new_upload = st.session_state.get(_UPLOAD_ID_KEY) != uploaded.file_id
        st.session_state[_UPLOAD_ID_KEY] = uploaded.file_id
        if not isinstance(current, Source) or current.sha != source.sha:
            _process(fr, source)
        elif new_upload and facade.can_retry(current):
            # The same bytes uploaded again after the machinery failed on them: read them again.
            _process(fr, source, retry=True)
    _outcome(fr)
    current = st.session_state.get(UPLOAD_KEY)
    if isinstance(current, Source) and fr.loaded is not None:
        workspace.upload_panel(fr, current, fr.loaded)
    if isinstance(current, Source):
        st.button(fr.t("data_back"), key="back_to_sample", on_click=use_sample, icon=":material/undo:")


def _files(fr: Frame) -> None:
    st.subheader(fr.t("data_files"))
    st.caption(fr.t("data_files_hint"))
    for path, label, key in (
        (facade.TEMPLATE_PATH, fr.t("data_template"), "download_template"),
        (facade.SAMPLE_PATH, fr.t("data_sample"), "download_sample"),
    ):
        if path.is_file():
            st.download_button(
                label,
                data=path.read_bytes(),
                file_name=path.name,
                mime=_XLSX_MIME,
                key=key,
                on_click="ignore",
                icon=":material/download:",
            )
        else:
            st.caption(fr.t("data_file_missing", name=path.name))


def _loaded(fr: Frame, loaded: LoadResult) -> None:
    data = loaded.data
    if data is None or not loaded.ok:
        return
    st.subheader(fr.t("data_loaded"))
    frames = {
        schema.ENTERPRISES: data.enterprises,
        schema.LINKS: data.links,
        schema.TEMPLATE: data.template,
        schema.PROJECTS: data.projects,
        schema.DEMANDS: data.demands,
    }
    with cards("data_loaded"):
        for sheet, rows in frames.items():
            card(capitalised(sheet.name(fr.lang), fr.lang), f"{len(rows):,}")
        card(capitalised(schema.SETTINGS.name(fr.lang), fr.lang), f"{len(data.settings):,}")


def _interpretations(fr: Frame, loaded: LoadResult) -> None:
    """How many things were interpreted or noted while reading (every one is a warning of the report)."""
    if loaded.warnings:
        st.info(fr.t("data_interpretations", count=len(loaded.warnings)), icon=":material/info:")


def _excluded(fr: Frame, source: Source, loaded: LoadResult) -> None:
    """When the data in use leaves rows out (the user's choice), say so and offer to check every row."""
    if not source.skip_error_rows:
        return
    data = loaded.data
    left_out = data.excluded_rows if data is not None else ()
    if left_out:
        st.warning(fr.t("data_excluded_notice", count=len(left_out)), icon=":material/playlist_remove:")
    if st.button(fr.t("data_include_all"), key="include_all_rows", icon=":material/restart_alt:"):
        _process(fr, facade.with_error_rows_left_out(source, False))


def _leave_out_choice(fr: Frame, source: Source, loaded: LoadResult) -> None:
    """The explicit choice to analyse without the rows in error, when every error sits on such a row."""
    rows = loaded.skippable_rows
    if not loaded.errors or not rows or source.skip_error_rows:
        return
    with st.container(border=True):
        st.markdown(fr.t("data_skip_explain", count=len(rows), rows=places(rows, fr.lang)))
        if st.button(
            fr.t("data_skip_button", count=len(rows)),
            key="skip_error_rows",
            type="primary",
            icon=":material/playlist_remove:",
        ):
            _process(fr, facade.with_error_rows_left_out(source))


def _report(fr: Frame, source: Source, loaded: LoadResult) -> None:
    st.subheader(fr.t("data_report"))
    report = facade.problems_frame(source)
    if report.empty:
        st.success(fr.t("data_report_clean"))
        return
    # The errors of rows left out of the analysis are listed with the rest, and counted.
    errors = int((report["severity"] == "error").sum())
    summary = fr.t("data_report_summary", errors=errors, warnings=len(loaded.warnings))
    (st.error if loaded.errors else st.warning)(summary)
    _leave_out_choice(fr, source, loaded)
    left, right = st.columns(2)
    sheets = sorted(set(report["sheet"]))
    chosen_sheets = left.multiselect(
        fr.t("data_filter_sheet"), sheets, key="report_sheets", placeholder=fr.t("all")
    )
    severities = right.multiselect(
        fr.t("data_filter_severity"),
        ["error", "warning"],
        format_func=lambda s: severity_name(s, fr.lang),
        key="report_severity",
        placeholder=fr.t("all"),
    )
    shown = report
    if chosen_sheets:
        shown = shown[shown["sheet"].isin(chosen_sheets)]
    if severities:
        shown = shown[shown["severity"].isin(severities)]
    table(shown, problems.REPORT_COLUMNS, fr.lang, key="report_table")
    stem = f"{cat.TABLES['problems'].title(fr.lang)}_{source.name.rsplit('.', 1)[0]}"
    download_pair(facade.problems_downloads(source, fr.lang), stem, fr.lang, key="report_download")


def _ledger_export(fr: Frame) -> None:
    """The workspace's own records (leads, activity log, demands) as one workbook, apart from the snapshots'
    original bytes (#16)."""
    opened = loop.store()
    if opened is None:
        return
    data = fr.loaded.data if fr.loaded is not None and fr.loaded.ok else None
    enterprises = data.enterprises if data is not None else pd.DataFrame({"name": [], "deputy": []})
    st.caption(fr.t("loop_export_hint"))
    loop.download(
        opened, enterprises, fr.lang, dt.date.today(), key="data_ledger_download", label=fr.t("loop_download")
    )


def main() -> None:
    fr = frame("data")
    with fr.guard():
        upload, files = st.columns([3, 2], gap="large")
        with upload:
            _upload(fr)
        with files:
            _files(fr)
        if fr.source is not None and fr.loaded is not None:
            _loaded(fr, fr.loaded)
            _excluded(fr, fr.source, fr.loaded)
            _interpretations(fr, fr.loaded)
            _report(fr, fr.source, fr.loaded)
        workspace.snapshots_section(fr)
        _ledger_export(fr)
        admin.roles_section(fr)
        admin.audit_section(fr)


main()

"""The workspace in the app: the server's one store, the snapshot a session opens on, and the snapshot list.

The store (:mod:`chain.store`) is opened once per server and database (``st.cache_resource``) and seeded with
the bundled samples when empty, so the app is useful on its first start. Every session opens on the current
snapshot unless it picked another in the sidebar or has an upload of its own in hand. Every accepted upload
is kept as a snapshot; making it current, renaming and deleting are explicit actions on the data page.

Writes name the acting user (:func:`acting_user`, the session :mod:`ui.access` let in); the store refuses
what their role does not allow, and the page hides it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from chain import brief, ledger
from chain import store as stores
from chain.access import Actor
from chain.load import load_workbook
from chain.model import LoadResult
from chain.periods import PeriodError, parse_period
from chain.store import Snapshot, Store, StoreError
from ui import access, facade
from ui.choices import worded
from ui.facade import Source
from ui.i18n import t
from ui.widgets import plain

if TYPE_CHECKING:
    from collections.abc import Callable

    from streamlit.delta_generator import DeltaGenerator

    from ui.frame import Frame  # ui.frame imports this module: for annotations only

__all__ = [
    "SNAPSHOT_KEY",
    "Kept",
    "acting_user",
    "choose_snapshot",
    "clear",
    "current_source",
    "earlier_source",
    "keep_upload",
    "opened",
    "sidebar",
    "snapshots_section",
    "upload_panel",
]

log = logging.getLogger(__name__)

#: session_state key of the snapshot id this session chose in the sidebar (absent: the current one).
SNAPSHOT_KEY = "snapshot_id"
_CHOICE_WIDGET = "snapshot_choice"
#: The data page's snapshot picker.
_PICK = "ws_pick"
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def acting_user() -> Actor:
    """Who is acting in this session (every write names them)."""
    return access.current().actor


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    """The store at ``url``, migrated, and seeded with the bundled samples when it has no snapshot."""
    opened = Store.open(url, unknown_role=access.policy().unknown_role)
    seeded = stores.seed(opened)
    if seeded:
        log.info("seeded the workspace with %d bundled snapshot(s)", len(seeded))
        _seed_ledger(opened)
    return opened


def _seed_ledger(opened: Store) -> None:
    """On a first start, the bundled sample's pipeline and demand ledger (#16), dated around today."""
    newest = stores.BUNDLED_SAMPLES[-1]
    if not newest.is_file():
        return
    data = load_workbook(newest.read_bytes(), source_name=newest.name).data
    if data is not None:
        ledger.seed_sample(opened, data.projects, data.demands, by=Actor.system(), on=dt.date.today())


def opened() -> tuple[Store | None, StoreError | None]:
    """The server's store, or the reason there is none (shown, never raised: the app still shows the sample)."""
    try:
        return _open(stores.database_url()), None
    except StoreError as error:
        log.warning("workspace unavailable: %s", error)
        return None, error


def clear() -> None:
    """Forget the opened store (tests: what a server restart does)."""
    _open.clear()
    _bytes.clear()


@st.cache_resource(show_spinner=False, max_entries=8)
def _bytes(url: str, snapshot_id: int, sha: str) -> bytes:
    """A snapshot's bytes, read once per server (a snapshot never changes: its id and hash name them)."""
    store, _ = opened()
    if store is None:
        raise StoreError("missing", where=url)
    return store.file(snapshot_id)


def _source(store: Store, snapshot: Snapshot) -> Source:
    """A snapshot as a source of the facade: cached on its hash like any workbook. A bundled sample's bytes
    are ours and load in-process, exactly as the sample always did."""
    data = _bytes(stores.database_url(), snapshot.id, snapshot.sha256)
    for path in stores.BUNDLED_SAMPLES:
        if (
            path.is_file()
            and path.name == snapshot.file_name
            and hashlib.sha256(path.read_bytes()).hexdigest() == snapshot.sha256
        ):
            return Source(snapshot.sha256, path.name, data, sample=True)
    return facade.upload_source(snapshot.file_name, data)


def _chosen(store: Store) -> Snapshot | None:
    """The snapshot this session shows: its own pick when that still exists, else the current one."""
    chosen = st.session_state.get(SNAPSHOT_KEY)
    if isinstance(chosen, int):
        try:
            return store.snapshot(chosen)
        except StoreError:
            st.session_state.pop(SNAPSHOT_KEY, None)
    return store.current()


def current_source() -> Source | None:
    """What a session without an upload of its own shows: its chosen snapshot or the current one; the bundled
    sample when the workspace is empty or unavailable."""
    store, _ = opened()
    snapshot = _chosen(store) if store is not None else None
    if store is None or snapshot is None:
        return facade.sample_source()
    return _source(store, snapshot)


def choose_snapshot(snapshot_id: int | None) -> None:
    """Open snapshot ``snapshot_id`` in this session (None: the current one), leaving any upload."""
    from ui.frame import OUTCOME_KEY, UPLOAD_KEY

    if snapshot_id is None:
        st.session_state.pop(SNAPSHOT_KEY, None)
    else:
        st.session_state[SNAPSHOT_KEY] = snapshot_id
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop(OUTCOME_KEY, None)


def _on_choice() -> None:
    choice = st.session_state.get(_CHOICE_WIDGET)
    if isinstance(choice, int):
        choose_snapshot(choice)


def _name(snapshot: Snapshot, lang: str) -> str:
    """A snapshot as people name it: period, label, and whether it is current (plain text: a selectbox)."""
    mark = t("ws_current_mark", lang) if snapshot.current else ""
    return f"{snapshot.period} · {snapshot.label}{mark}"


def sidebar(lang: str, upload_in_use: bool) -> None:
    """In the sidebar: which snapshot is open and a switch to another (or why the workspace is unavailable)."""
    store, error = opened()
    if store is None:
        st.caption(
            f":orange[{t('ws_unavailable', lang, detail=plain(error.message(lang) if error else ''))}]"
        )
        return
    listed = store.snapshots()
    if not listed:
        return
    chosen = _chosen(store)
    if chosen is not None and not upload_in_use:
        st.caption(t("ws_open", lang, name=plain(_name(chosen, lang))))
    ids = [snapshot.id for snapshot in listed]
    names = {snapshot.id: _name(snapshot, lang) for snapshot in listed}
    st.session_state[_CHOICE_WIDGET] = None if upload_in_use or chosen is None else chosen.id
    st.selectbox(
        t("ws_switch", lang),
        ids,
        format_func=names.__getitem__,
        key=_CHOICE_WIDGET,
        on_change=_on_choice,
        placeholder=t("ws_switch_placeholder", lang),
    )


# -- the data page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """What keeping an upload did: the snapshot (None when it was not kept) and a catalogue key saying so."""

    snapshot: Snapshot | None
    key: str
    params: dict[str, object]


def keep_upload(
    source: Source, loaded: LoadResult, period: str | None = None, label: str | None = None
) -> Kept:
    """Keep an accepted upload as a snapshot (period from 设置 unless given): the outcome as a step of the
    upload. A workbook with errors, or with rows left out, is not kept; a missing or unreadable period asks
    for one on the data page."""
    if not loaded.ok or loaded.data is None or loaded.data.excluded:
        return Kept(None, "ws_not_kept", {})
    store, error = opened()
    if store is None:
        detail = {"zh": error.message("zh"), "en": error.message("en")} if error else ""
        return Kept(None, "ws_unavailable", {"detail": detail})
    try:
        outcome = store.add(source.data, source.name, loaded, by=acting_user(), period=period, label=label)
    except StoreError as failure:
        if failure.code in ("period_missing", "period_invalid"):
            return Kept(None, "ws_period_needed", {})
        return Kept(None, "failed", {"detail": {"zh": failure.message("zh"), "en": failure.message("en")}})
    snapshot = outcome.snapshot
    key = "ws_saved" if outcome.created else "ws_already"
    return Kept(snapshot, key, {"id": snapshot.id, "label": snapshot.label})


def _in_store(store: Store, sha: str) -> Snapshot | None:
    return next((snapshot for snapshot in store.snapshots() if snapshot.sha256 == sha), None)


def upload_panel(fr: Frame, source: Source, loaded: LoadResult) -> None:
    """For the upload in use: the snapshot it was kept as, or (accepted, but its 报告期 missing or unreadable)
    a form to give the period and a label and keep it."""
    store, _ = opened()
    if store is None or source.sample or not loaded.ok or loaded.data is None or loaded.data.excluded:
        return
    kept = _in_store(store, source.sha)
    if kept is not None:
        st.caption(fr.t("ws_kept_as", id=kept.id, label=plain(kept.label)))
        return
    written = loaded.data.period
    try:
        parse_period(written)
        return  # readable: keep_upload kept it, unless the store failed (said in the upload's steps)
    except PeriodError as error:
        problem = error.message(fr.lang) if written.strip() else fr.t("ws_period_missing")
    with st.form("ws_keep_form", border=True):
        st.markdown(fr.t("ws_period_needed"))
        st.caption(plain(problem))
        period = st.text_input(fr.t("ws_period"), value=written, key="ws_keep_period")
        label = st.text_input(fr.t("ws_label"), value=source.name.rsplit(".", 1)[0], key="ws_keep_label")
        submitted = st.form_submit_button(fr.t("ws_save"), type="primary", icon=":material/save:")
    if submitted:
        try:
            store.add(source.data, source.name, loaded, by=acting_user(), period=period, label=label)
        except StoreError as failure:
            st.error(plain(failure.message(fr.lang)))
            return
        st.rerun()


def _frame(listed: list[Snapshot], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("ws_col_id", lang): [s.id for s in listed],
            t("ws_col_current", lang): [s.current for s in listed],
            t("ws_col_period", lang): [s.period for s in listed],
            t("ws_col_label", lang): [s.label for s in listed],
            t("ws_col_county", lang): [s.county for s in listed],
            t("ws_col_file", lang): [s.file_name for s in listed],
            t("ws_col_by", lang): [s.uploaded_by for s in listed],
            t("ws_col_at", lang): [clock(s.uploaded_at, st.context.timezone) for s in listed],
        }
    )


def clock(moment: dt.datetime, zone: str | None) -> str:
    """An upload time as the reader's clock shows it: in ``zone`` (the browser's time zone,
    ``st.context.timezone``), or in UTC, said so, when the browser gives none or the server knows no such zone.

    >>> moment = dt.datetime(2026, 11, 29, 23, 53, tzinfo=dt.UTC)
    >>> clock(moment, "Asia/Shanghai"), clock(moment, None), clock(moment, "Nowhere/Town")
    ('2026-11-30 07:53', '2026-11-29 23:53 UTC', '2026-11-29 23:53 UTC')
    """
    try:
        local = ZoneInfo(zone) if zone else None
    except (ZoneInfoNotFoundError, ValueError):
        local = None
    if local is None:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.astimezone(local).strftime("%Y-%m-%d %H:%M")


def snapshots_section(fr: Frame) -> None:
    """The data page's list of snapshots, with a download of each original and rename, set current and
    delete (after a confirmation) on the one picked, and one zip of every original workbook."""
    st.subheader(fr.t("ws_title"))
    store, error = opened()
    if store is None:
        st.warning(fr.t("ws_unavailable", detail=plain(error.message(fr.lang) if error else "")))
        return
    listed = store.snapshots()
    if not listed:
        st.caption(fr.t("ws_empty"))
        return
    st.caption(fr.t("ws_hint"))
    st.dataframe(_frame(listed, fr.lang), hide_index=True, key="ws_table", width="stretch")
    by_id = {snapshot.id: snapshot for snapshot in listed}
    current = next((s.id for s in listed if s.current), listed[0].id)
    if st.session_state.get(_PICK) not in by_id:
        # The default as state, not index=: a language switch sets the value again (ui.choices.relabel).
        st.session_state[_PICK] = current
    picked_id = st.selectbox(
        fr.t("ws_pick"),
        list(by_id),
        format_func=lambda i: f"{i} · {_name(by_id[i], fr.lang)}",
        key=worded(_PICK),
    )
    picked = by_id[picked_id]
    left, middle, right = st.columns(3)
    with left:
        st.download_button(
            fr.t("ws_download"),
            data=lambda: store.file(picked.id),
            file_name=picked.file_name,
            mime=_XLSX_MIME,
            key="ws_download",
            on_click="ignore",
            icon=":material/download:",
        )
        if st.button(fr.t("ws_open_button"), key="ws_open", icon=":material/visibility:"):
            choose_snapshot(picked.id)
            st.rerun()
    if access.can("snapshot.set_current"):  # a viewer downloads and opens; the store refuses the rest anyway
        _manage(fr, store, picked, middle, right)
    st.download_button(
        fr.t("ws_download_all"),
        data=store.backup_zip,
        file_name="snapshots.zip",
        mime="application/zip",
        key="ws_download_all",
        on_click="ignore",
        icon=":material/folder_zip:",
    )


def _manage(fr: Frame, store: Store, picked: Snapshot, middle: DeltaGenerator, right: DeltaGenerator) -> None:
    """Make current, rename and delete (after a confirmation) the picked snapshot."""
    with middle:
        if st.button(
            fr.t("ws_make_current"), key="ws_make_current", disabled=picked.current, icon=":material/star:"
        ):
            _write(fr, lambda: store.set_current(picked.id, by=acting_user()))
        label = st.text_input(fr.t("ws_label"), value=picked.label, key=f"ws_label_{picked.id}")
        if st.button(fr.t("ws_rename"), key="ws_rename", icon=":material/edit:"):
            _write(fr, lambda: store.rename(picked.id, label, by=acting_user()))
    with right:
        confirm = st.checkbox(fr.t("ws_delete_confirm", id=picked.id), key=f"ws_confirm_{picked.id}")
        if st.button(
            fr.t("ws_delete"), key="ws_delete", disabled=not confirm, type="primary", icon=":material/delete:"
        ):
            _write(fr, lambda: store.delete(picked.id, by=acting_user()))


def _write(fr: Frame, action: Callable[[], object]) -> None:
    """Run a write on the store; its StoreError is shown in the page's language, then the page is redrawn."""
    try:
        action()
    except StoreError as error:
        st.error(plain(error.message(fr.lang)))
        return
    st.rerun()


# -- the period comparison (#14) -----------------------------------------------------------------------


def shown_snapshot() -> Snapshot | None:
    """The snapshot this session shows when it has no upload of its own: its pick, else the current one."""
    store, _ = opened()
    return _chosen(store) if store is not None else None


def snapshot_source(snapshot: Snapshot) -> Source:
    """A snapshot of the server's store as a facade source (cached on its hash, like the one a session shows)."""
    store, error = opened()
    if store is None:
        raise error or StoreError("missing", where=stores.database_url())
    return _source(store, snapshot)


def earlier_source(county: str, period: str) -> tuple[str, Source] | None:
    """The workspace's latest snapshot of ``county`` before ``period`` that compares with it
    (:func:`chain.brief.previous_period`), as (label, source): what the brief compares with. None when the
    workspace has none, or is unavailable."""
    store, _ = opened()
    if store is None:
        return None
    try:
        listed = {s.id: s for s in store.snapshots()}
    except StoreError:
        return None
    key = brief.previous_period([(s.id, s.county, s.period) for s in listed.values()], county, period)
    snapshot = listed.get(key) if isinstance(key, int) else None
    return None if snapshot is None else (snapshot.label, _source(store, snapshot))

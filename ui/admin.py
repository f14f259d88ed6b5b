"""The data page's access sections: users and their roles (admins), and the audit trail (editors and admins).

Both read and write through the store; every write here is checked again by the store
(:func:`chain.access.authorise`) whatever this page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from chain import audit
from chain.access import Role
from chain.store import StoreError
from ui import access, workspace
from ui.i18n import TEXT, t
from ui.widgets import plain

if TYPE_CHECKING:
    from ui.frame import Frame

__all__ = ["audit_section", "roles_section"]

_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NO_ROLE = "none"


def _word(prefix: str, key: str, lang: str) -> str:
    """A catalogued word (an action, an identity source), or the key itself for one written by a newer part."""
    return t(f"{prefix}_{key}", lang) if f"{prefix}_{key}" in TEXT else key


def roles_section(fr: Frame) -> None:
    """Admins: who has which role, and a form to give or take one (``role.set``)."""
    if not access.can("role.set"):
        return
    store, _ = workspace.opened()
    if store is None:
        return
    st.subheader(fr.t("roles_title"))
    unknown = access.policy().unknown_role
    st.caption(fr.t("roles_hint", unknown=fr.t(f"auth_role_{unknown.value if unknown else _NO_ROLE}")))
    grants = store.roles()
    if grants:
        st.dataframe(
            {
                fr.t("roles_col_user"): [g.user for g in grants],
                fr.t("roles_col_role"): [fr.t(f"auth_role_{g.role.value}") for g in grants],
                fr.t("roles_col_by"): [g.granted_by for g in grants],
                fr.t("roles_col_at"): [workspace.clock(g.granted_at, st.context.timezone) for g in grants],
            },
            hide_index=True,
            key="roles_table",
        )
    else:
        st.caption(fr.t("roles_empty"))
    with st.form("roles_form", border=True):
        user = st.text_input(fr.t("roles_user"), key="roles_user")
        choices = [*(role.value for role in Role), _NO_ROLE]
        chosen = st.selectbox(
            fr.t("roles_role"),
            choices,
            format_func=lambda v: fr.t("roles_none") if v == _NO_ROLE else fr.t(f"auth_role_{v}"),
            key=f"roles_role_{fr.lang}",
        )
        if st.form_submit_button(fr.t("roles_apply"), icon=":material/badge:"):
            try:
                store.set_role(user, None if chosen == _NO_ROLE else Role(chosen), by=workspace.acting_user())
            except StoreError as error:
                st.error(plain(error.message(fr.lang)))
            else:
                st.rerun()


def audit_section(fr: Frame) -> None:
    """Editors and admins: every write, newest first, and its Excel export."""
    if not access.can("snapshot.add"):
        return
    store, _ = workspace.opened()
    if store is None:
        return
    st.subheader(fr.t("audit_title"))
    st.caption(fr.t("audit_hint"))
    entries = store.audit_log()
    if not entries:
        st.caption(fr.t("audit_empty"))
        return
    table = audit.frame(entries)
    table["source"] = [_word("audit_source", v, fr.lang) for v in table["source"]]
    table["action"] = [_word("audit_action", v, fr.lang) for v in table["action"]]
    headers = {key: fr.t(f"audit_col_{key}") for key in audit.COLUMNS}
    shown = table.assign(at=[workspace.clock(moment, st.context.timezone) for moment in table["at"]])
    st.dataframe(shown.rename(columns=headers), hide_index=True, key="audit_table", height=320)
    st.download_button(
        fr.t("audit_download"),
        data=lambda: audit.to_xlsx(table, headers, fr.t("audit_title")),
        file_name="audit.xlsx",
        mime=_XLSX_MIME,
        key="audit_download",
        on_click="ignore",
        icon=":material/download:",
    )

"""Who is using this session, and the gate every page passes before it draws anything (issue #15).

The identity comes from the server's one login setting (:class:`chain.access.Policy`, ``CHAIN_AUTH``): the
local single user, Streamlit's OIDC login (``st.login`` / ``st.user``), or a trusted proxy's header (honoured
only from the configured proxy addresses, ``st.context.ip_address``). The role comes from the database. The
pages hide what the role does not allow; the store refuses it anyway (:func:`chain.access.authorise`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from chain.access import Actor, Policy, Role, effective_role, permits
from ui.i18n import t
from ui.widgets import plain

__all__ = ["Session", "can", "current", "gate", "policy", "sidebar_badge"]

log = logging.getLogger(__name__)

_SESSION_KEY = "access_session"


@dataclass(frozen=True)
class Session:
    """The acting user of this session and their role (None: signed in, but no access)."""

    actor: Actor
    role: Role | None


@st.cache_resource(show_spinner=False)
def policy() -> Policy:
    """The server's login setting, read once from the environment."""
    return Policy.from_env()


def _identify(chosen: Policy) -> Actor | None:
    """The signed-in user of this request, or None when there is none (yet)."""
    if chosen.mode == "local":
        return Actor.local()
    if chosen.mode == "oidc":
        if not st.user.get("is_logged_in", False):
            return None
        name = st.user.get("email") or st.user.get("sub") or st.user.get("name")
        return Actor(str(name), "oidc") if name else None
    return chosen.proxy_actor(st.context.ip_address, dict(st.context.headers))


def _role(actor: Actor, chosen: Policy) -> Role | None:
    from ui import workspace  # the workspace draws on this module's session: imported when needed

    store, _ = workspace.opened()
    if store is None:  # no database: nothing can be written anyway, reading stays possible for the known
        return effective_role(actor, None, chosen.unknown_role)
    return store.role_of(actor)


def gate(lang: str) -> Session:
    """The session's user and role; on a page a user may not see, the reason (and the way in) and a stop."""
    chosen = policy()
    actor = _identify(chosen)
    if actor is None:
        if chosen.mode == "oidc":
            st.info(t("auth_login_needed", lang))
            st.button(t("auth_login", lang), on_click=st.login, key="auth_login", type="primary")
        else:
            log.warning("proxy mode: request from %s without a trusted user header", st.context.ip_address)
            st.error(t("auth_proxy_refused", lang))
        st.stop()
    role = _role(actor, chosen)
    if role is None:
        st.error(t("auth_no_role", lang, user=plain(actor.name)))
        if chosen.mode == "oidc":
            st.button(t("auth_logout", lang), on_click=st.logout, key="auth_logout_denied")
        st.stop()
    session = Session(actor, role)
    st.session_state[_SESSION_KEY] = session
    return session


def current() -> Session:
    """The session :func:`gate` let in (the local user when no page has drawn the gate: tests of a part)."""
    found = st.session_state.get(_SESSION_KEY)
    return found if isinstance(found, Session) else Session(Actor.local(), Role.ADMIN)


def can(action: str) -> bool:
    """Whether this session's role allows ``action`` (what to show; the store checks again)."""
    return permits(current().role, action)


def sidebar_badge(lang: str) -> None:
    """Who is signed in and as what, with a way out (not in local mode: there is nobody else)."""
    if policy().mode == "local":
        return
    session = current()
    role = session.role.value if session.role else "none"
    st.caption(t("auth_signed_in", lang, user=plain(session.actor.name), role=t(f"auth_role_{role}", lang)))
    if policy().mode == "oidc":
        st.button(t("auth_logout", lang), on_click=st.logout, key="auth_logout")

"""Who may do what: the acting user, their role, and the one check every write of the workspace passes.

Enterprise output, suppliers and customers are commercially sensitive, and once uploads persist and leads and
demands are edited in the app, the server must know who acts. Three roles, each allowing what the one below
allows: **viewer** (explore, export), **editor** (upload and manage snapshots, leads and demands), **admin**
(also assign roles). Role assignments live in the database (:class:`chain.store.Store`); this module is the
policy, pure and testable without one.

Identity comes from one setting, :data:`MODE_ENV` (:class:`Policy`):

- ``local`` (the default): single-user mode on a server bound to 127.0.0.1 (``.streamlit/config.toml``); the
  one person at the machine owns it and needs no login.
- ``oidc``: Streamlit's built-in login (``st.login``, configured in ``.streamlit/secrets.toml``).
- ``proxy``: a trusted reverse proxy authenticates and names the user in a header, honoured only when the
  request comes from one of the configured proxy addresses (anyone else could send the header too).

The command line and the app's own seeding act as :meth:`Actor.system` — whoever can run them can open the
database file anyway. Hiding a button is never the check: :func:`authorise` is, and the store calls it inside
every write transaction.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from chain.errors import AccessDenied, StoreError

__all__ = [
    "ACTIONS",
    "MODE_ENV",
    "PROXY_HEADER_ENV",
    "TRUSTED_PROXIES_ENV",
    "UNKNOWN_ROLE_ENV",
    "AccessDenied",
    "Actor",
    "Policy",
    "Role",
    "authorise",
    "effective_role",
    "permits",
]

#: The login mode: local | oidc | proxy.
MODE_ENV = "CHAIN_AUTH"
#: The role of a signed-in user the database does not know: viewer, or none (no access until given a role).
UNKNOWN_ROLE_ENV = "CHAIN_AUTH_UNKNOWN_ROLE"
#: The request header a trusted proxy names the user in (proxy mode).
PROXY_HEADER_ENV = "CHAIN_PROXY_HEADER"
#: Comma-separated addresses or networks of the trusted proxy (proxy mode); requests from anywhere else are
#: refused, whatever headers they carry.
TRUSTED_PROXIES_ENV = "CHAIN_TRUSTED_PROXIES"

Mode = Literal["local", "oidc", "proxy"]
Source = Literal["local", "system", "oidc", "proxy"]
MODES: tuple[Mode, ...] = ("local", "oidc", "proxy")


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named ``text`` (any case); ``bad_role`` otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise StoreError("bad_role", detail=text) from None


_RANKS = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}

#: Every write and the least role that may do it. Reading (and exporting what is read) needs only a role.
ACTIONS: dict[str, Role] = {
    "snapshot.add": Role.EDITOR,
    "snapshot.rename": Role.EDITOR,
    "snapshot.set_current": Role.EDITOR,
    "snapshot.delete": Role.EDITOR,
    "role.set": Role.ADMIN,
    # The recruiting loop (#16): leads with their activity log, and the demand ledger.
    "lead.write": Role.EDITOR,
    "demand.write": Role.EDITOR,
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a name and where the name comes from (a signed-in ``oidc``/``proxy`` user, the ``local``
    single user, or the ``system`` — the command line and the app's own seeding)."""

    name: str
    source: Source

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise StoreError("no_user")

    @classmethod
    def local(cls) -> Actor:
        return cls("local", "local")

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name, "system")

    @property
    def trusted(self) -> bool:
        """Whether the actor owns the installation (local single user, command line): always an admin."""
        return self.source in ("local", "system")


def effective_role(actor: Actor, assigned: Role | None, unknown: Role | None) -> Role | None:
    """The actor's role: admin for the installation's owner, else the role assigned in the database, else the
    role of unknown users (``None``: no access)."""
    if actor.trusted:
        return Role.ADMIN
    return assigned if assigned is not None else unknown


def permits(role: Role | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (for the pages, which hide what would be refused anyway)."""
    return role is not None and role.rank >= ACTIONS[action].rank


def authorise(actor: Actor, role: Role | None, action: str) -> None:
    """The one check of every write: raise :class:`AccessDenied` unless ``role`` allows ``action``.

    An action not in :data:`ACTIONS` is a programming error (KeyError), never silently allowed."""
    if not permits(role, action):
        raise AccessDenied("forbidden", where=action, detail=actor.name)


@dataclass(frozen=True)
class Policy:
    """The login setting of a server (:meth:`from_env`)."""

    mode: Mode = "local"
    unknown_role: Role | None = Role.VIEWER
    proxy_header: str = "X-Forwarded-User"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1/32", "::1/128")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Policy:
        env = os.environ if environ is None else environ
        mode = env.get(MODE_ENV, "local").strip().lower() or "local"
        if mode not in MODES:
            raise ValueError(f"{MODE_ENV}={mode!r}: choose one of {', '.join(MODES)}")
        unknown_text = env.get(UNKNOWN_ROLE_ENV, "viewer").strip().lower()
        unknown = None if unknown_text in ("none", "") else Role.parse(unknown_text)
        proxies = tuple(p.strip() for p in env.get(TRUSTED_PROXIES_ENV, "").split(",") if p.strip())
        for proxy in proxies:
            ipaddress.ip_network(proxy, strict=False)  # a typo is an error at start-up, not a silent refusal
        return cls(
            mode=mode,  # type: ignore[arg-type]  # checked against MODES above
            unknown_role=unknown,
            proxy_header=env.get(PROXY_HEADER_ENV, "").strip() or cls.proxy_header,
            trusted_proxies=proxies or cls.trusted_proxies,
        )

    def from_trusted_proxy(self, address: str | None) -> bool:
        """Whether a request from ``address`` may name its user in :attr:`proxy_header`."""
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.trusted_proxies)

    def proxy_actor(self, address: str | None, headers: Mapping[str, str]) -> Actor | None:
        """The user a trusted proxy names, or None: the header from any other address is ignored."""
        if not self.from_trusted_proxy(address):
            return None
        wanted = self.proxy_header.lower()
        name = next((value for key, value in headers.items() if key.lower() == wanted), "").strip()
        return Actor(name, "proxy") if name else None

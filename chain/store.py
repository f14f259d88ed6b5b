"""The workspace store: every accepted workbook kept as an immutable, dated snapshot in a real database.

SQLite by default (a file in the data folder, created on first use, WAL mode, a busy timeout), PostgreSQL by
URL, through one SQLAlchemy Core code path. The schema changes only through the Alembic migrations of
:mod:`chain.migrations`, run here in code whenever a store is opened on a database behind the newest revision,
so that a county's database survives upgrades. Every write is one transaction and takes the acting user;
everything that can go wrong with the database itself (missing, locked, read-only, unreachable, written by a
newer version) is a :class:`StoreError` with a code and a message in zh and en, never a traceback.

Writers take turns: SQLite writes start with ``BEGIN IMMEDIATE`` (the second writer waits for the busy
timeout instead of failing to upgrade a read lock), PostgreSQL writes lock the workspace's row.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from chain.access import Actor, Role, authorise, effective_role
from chain.errors import ERRORS, StoreError
from chain.model import LoadResult
from chain.periods import Period, PeriodError, parse_period
from chain.problems import Problem

__all__ = [
    "BUNDLED_SAMPLES",
    "DATA_DIR_ENV",
    "DB_FILE",
    "DB_URL_ENV",
    "DEFAULT_DATA_DIR",
    "DEFAULT_WORKSPACE",
    "ERRORS",
    "SYSTEM_USER",
    "AuditEntry",
    "Imported",
    "RoleGrant",
    "Snapshot",
    "Store",
    "StoreError",
    "Write",
    "alembic_config",
    "database_url",
    "metadata",
    "seed",
]

ROOT = Path(__file__).resolve().parent.parent
#: The folder of the embedded database; its own setting so a server keeps data apart from the code.
DATA_DIR_ENV = "CHAIN_DATA_DIR"
#: A database URL (``postgresql://user@host/db``, or a SQLite file); wins over the data folder.
DB_URL_ENV = "CHAIN_DB_URL"
#: Next to the app and ignored by git: ``make run`` works with no set-up, and the data stays with the copy
#: of the app it belongs to (see docs/deploy.md for a server's own folder).
DEFAULT_DATA_DIR = ROOT / "workspace"
DB_FILE = "chain.sqlite3"
DEFAULT_WORKSPACE = "default"
#: Who wrote what the app did by itself (the bundled samples on first start).
SYSTEM_USER = "system"
#: The bundled periods, oldest first: on first start they are imported and the last becomes current.
BUNDLED_SAMPLES: tuple[Path, ...] = (ROOT / "data" / "sample_2022.xlsx", ROOT / "data" / "sample.xlsx")
#: The label of a bundled sample's snapshot (its period tells the bundled periods apart).
SAMPLE_LABEL = "内置样例"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Taken by every migration on PostgreSQL, so two servers starting on an empty database take turns.
_MIGRATION_LOCK = 72_430_113

metadata = sa.MetaData()
workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("county", sa.String(200), nullable=False),
    sa.Column("period", sa.String(100), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("report", sa.JSON, nullable=False),
    sa.Column("period_year", sa.Integer, nullable=True),
    sa.Column("period_first_month", sa.Integer, nullable=True),
    sa.Column("period_last_month", sa.Integer, nullable=True),
    sa.UniqueConstraint("workspace_id", "sha256", name="uq_snapshots_workspace_sha256"),
    sa.Index(
        "uq_snapshots_one_current",
        "workspace_id",
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    ),
    sa.Index("ix_snapshots_county_year", "workspace_id", "county", "period_year"),
)
snapshot_files = sa.Table(
    "snapshot_files",
    metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

roles = sa.Table(
    "roles",
    metadata,
    sa.Column("user_name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("granted_by", sa.String(200), nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("user_source", sa.String(20), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("target", sa.String(400), nullable=False),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
    sa.Index("ix_audit_workspace_at", "workspace_id", "at"),
)

# --- recruiting loop (#16): leads, their activity log and the demand ledger (migration 0004) ---
#: A lead (招商线索) per company + segment (``company_key`` / ``segment_key``: :func:`chain.names.name_key`).
leads = sa.Table(
    "leads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("company_key", sa.String(200), nullable=False),
    sa.Column("segment", sa.String(200), nullable=False),
    sa.Column("segment_key", sa.String(200), nullable=False),
    sa.Column("project", sa.String(300), nullable=False, server_default=""),
    sa.Column("region", sa.String(200), nullable=False, server_default=""),
    sa.Column("gap", sa.String(20), nullable=False, server_default=""),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("reasons", sa.JSON, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False, server_default=""),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("stop_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("planned_investment", sa.Float, nullable=True),
    sa.Column("expected_output", sa.Float, nullable=True),
    sa.Column("next_step", sa.Text, nullable=False, server_default=""),
    sa.Column("next_due", sa.Date, nullable=True),
    sa.Column("local_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("stage_changed_on", sa.Date, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("workspace_id", "company_key", "segment_key", name="uq_leads_company_segment"),
)
#: A lead's dated log: calls, visits, meetings, notes and every stage change.
lead_activities = sa.Table(
    "lead_activities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    sa.Column("happened_on", sa.Date, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Index("ix_lead_activities_lead", "lead_id"),
)
#: A demand (诉求) per enterprise + type + raised date + content.
demands = sa.Table(
    "demands",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("enterprise", sa.String(200), nullable=False),
    sa.Column("enterprise_key", sa.String(200), nullable=False),
    sa.Column("demand_type", sa.String(20), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("detail_key", sa.Text, nullable=False),
    sa.Column("raised", sa.Date, nullable=False),
    sa.Column("responsible", sa.String(200), nullable=False, server_default=""),
    sa.Column("due", sa.Date, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("resolution", sa.Text, nullable=False, server_default=""),
    sa.Column("closed", sa.Date, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.UniqueConstraint(
        "workspace_id", "enterprise_key", "demand_type", "raised", "detail_key", name="uq_demands_identity"
    ),
)
# --- end recruiting loop (#16) ---

#: The record of ``python -m chain db list --json`` (:meth:`Snapshot.to_json`): key -> (JSON type, meaning);
#: docs/cli.md is generated from it.
SNAPSHOT_JSON: dict[str, tuple[str, str]] = {
    "id": ("integer", "the snapshot's id, as the other `db` commands take it"),
    "county": ("string", "设置's 县名"),
    "period": ("string", "设置's 报告期 (or `--period`), as written"),
    "label": ("string", "the snapshot's name (default: the file name)"),
    "sha256": ("string", "SHA-256 of the original workbook's bytes: the same bytes are never kept twice"),
    "uploaded_at": ("string", "when it was imported, ISO 8601 in UTC"),
    "current": ("boolean", "whether the app opens on it (one current snapshot per workspace)"),
}


@dataclass(frozen=True)
class Snapshot:
    """One accepted workbook as the store keeps it (without its bytes and report: :meth:`Store.file`)."""

    id: int
    county: str
    period: str
    label: str
    uploaded_at: datetime
    uploaded_by: str
    sha256: str
    file_name: str
    size: int
    current: bool
    period_year: int | None
    period_first_month: int | None
    period_last_month: int | None

    @property
    def reporting_period(self) -> Period:
        """The 报告期 as read on import (read again from the text for a row kept before revision 0002).

        Raises:
            PeriodError: the text says no period (only a row from before 0002 can hold such text).
        """
        if self.period_year is None or self.period_first_month is None or self.period_last_month is None:
            return parse_period(self.period)
        return Period(self.period_year, self.period_first_month, self.period_last_month)

    def to_json(self) -> dict[str, object]:
        """The record of ``python -m chain db list --json``."""
        return {
            "id": self.id,
            "county": self.county,
            "period": self.period,
            "label": self.label,
            "sha256": self.sha256,
            "uploaded_at": self.uploaded_at.isoformat(),
            "current": self.current,
        }


def _url_options(url: URL) -> list[str]:
    """The libpq ``options`` a PostgreSQL URL carries (none, one, or repeated ``options=`` parameters).

    >>> _url_options(make_url("postgresql://u@h/db?options=-csearch_path%3Dchain"))
    ['-csearch_path=chain']
    """
    given = url.query.get("options", ())
    return [given] if isinstance(given, str) else list(given)


@dataclass(frozen=True)
class Imported:
    """The outcome of an import: the snapshot, and whether it is new (False: the same bytes were already in)."""

    snapshot: Snapshot
    created: bool


@dataclass(frozen=True)
class RoleGrant:
    """A role assigned in the database to a signed-in user name."""

    user: str
    role: Role
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    """One write as the audit trail keeps it: who, when, what, and the record before and after."""

    id: int
    at: datetime
    user: str
    source: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user": self.user,
            "source": self.source,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class Write:
    """One authorised write transaction (:meth:`Store.writing`): its connection, the workspace it writes to,
    the acting user, and :meth:`audit` to record what it did in the same transaction."""

    connection: Connection
    workspace_id: int
    actor: Actor
    action: str

    def audit(
        self,
        target: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        *,
        action: str | None = None,
    ) -> None:
        """Record the write: rolled back with it, so neither exists without the other."""
        self.connection.execute(
            audit.insert().values(
                workspace_id=self.workspace_id,
                at=datetime.now(UTC),
                user_name=self.actor.name,
                user_source=self.actor.source,
                action=action or self.action,
                target=target[:400],
                before=_jsonable(before),
                after=_jsonable(after),
            )
        )


def _jsonable(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A record as JSON keeps it (dates as ISO text)."""
    if record is None:
        return None
    return json.loads(json.dumps(dict(record), default=str, ensure_ascii=False))


def database_url(url: str | None = None) -> str:
    """The database to use: ``url`` when given, else ``$CHAIN_DB_URL``, else the SQLite file ``chain.sqlite3``
    in ``$CHAIN_DATA_DIR`` (default: the ``workspace/`` folder next to the app)."""
    if url:
        return url
    if os.environ.get(DB_URL_ENV):
        return os.environ[DB_URL_ENV]
    folder = Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).expanduser()
    return URL.create("sqlite", database=str(folder.resolve() / DB_FILE)).render_as_string()


def alembic_config() -> Config:
    """Alembic's configuration built in code: the migrations ship inside the package, no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _problem_record(problem: Problem) -> dict[str, object]:
    return dataclasses.asdict(problem)


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no time zone: everything written here is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver's own BEGIN is off: the "begin" hook below says which kind of transaction to start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL: readers never wait for the writer. A read-only database keeps the mode it has.
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip() or "_"


class Store:
    """A workspace database: its snapshots, read and written in transactions. Open with :meth:`open`."""

    def __init__(
        self,
        engine: Engine,
        where: str,
        busy_timeout: float,
        workspace: str = DEFAULT_WORKSPACE,
        unknown_role: Role | None = Role.VIEWER,
    ):
        self.engine = engine
        #: The role of a signed-in user without an assignment (None: no access), :class:`chain.access.Policy`.
        self.unknown_role = unknown_role
        #: The database named for people (the password of a URL hidden).
        self.where = where
        self.busy_timeout = busy_timeout
        self.workspace = workspace

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        create: bool = True,
        busy_timeout: float = 30.0,
        unknown_role: Role | None = Role.VIEWER,
    ) -> Store:
        """The store at ``url`` (:func:`database_url`), migrated to the newest schema.

        A SQLite file (and its folder) is created when ``create``; otherwise a missing file is a
        ``missing`` error, so that a mistyped path is said, not silently made into a new empty database.
        """
        try:
            parsed = make_url(database_url(url))
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError("bad_url", detail=exc) from None
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        where = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not parsed.query.get("uri"):
                path = Path(database)
                if not path.exists():
                    if not create:
                        raise StoreError("missing", where=where, detail=path)
                    try:
                        path.parent.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise StoreError("read_only", where=where, detail=exc.strerror or exc) from None
            try:
                engine = sa.create_engine(parsed, connect_args={"timeout": busy_timeout})
            except (SQLAlchemyError, ImportError) as exc:
                raise StoreError("bad_url", detail=exc) from None
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            try:
                engine = sa.create_engine(
                    parsed,
                    pool_pre_ping=True,
                    connect_args={
                        "connect_timeout": 10,
                        # A writer waits for another's lock at most this long, then gets a clear message.
                        # Options the URL gives (``?options=-csearch_path%3Dchain``) are kept, not replaced.
                        "options": " ".join(
                            [*_url_options(parsed), f"-c lock_timeout={int(busy_timeout * 1000)}"]
                        ),
                    },
                )
            except (SQLAlchemyError, ImportError) as exc:
                raise StoreError("bad_url", detail=exc) from None
        store = cls(engine, where, busy_timeout, unknown_role=unknown_role)
        try:
            store.migrate()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- errors and transactions -------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn what the database driver raises into a StoreError that says what to do."""
        try:
            yield
        except StoreError:
            raise
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise self._classify(exc) from None
        except SQLAlchemyError as exc:
            raise StoreError("failed", where=self.where, detail=exc) from None

    def _classify(self, exc: DBAPIError) -> StoreError:
        original = exc.orig
        text = str(original).lower()
        state = getattr(original, "sqlstate", None) or ""
        detail = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        if "database is locked" in text or state == "55P03" or "lock timeout" in text:
            return StoreError("locked", where=self.where, detail=detail, seconds=self.busy_timeout)
        if "readonly" in text or "read-only" in text or state in ("25006", "42501"):
            return StoreError("read_only", where=self.where, detail=detail)
        if (
            "unable to open database" in text
            or state == "3D000"
            or ("database" in text and "does not exist" in text)
        ):
            return StoreError("missing", where=self.where, detail=detail)
        if isinstance(exc, sa.exc.OperationalError) and self.engine.dialect.name != "sqlite":
            return StoreError("unreachable", where=self.where, detail=detail)
        return StoreError("failed", where=self.where, detail=detail)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as connection:
            yield connection

    def reading(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection to read with, every database failure a :class:`StoreError` (the recruiting loop's
        records, :mod:`chain.ledger`, are read through it)."""
        return self._reading()

    @contextmanager
    def writing(self, by: Actor, action: str) -> Iterator[Write]:
        """One write transaction on the workspace, taken in turn with every other writer, by ``by`` doing
        ``action`` (a key of :data:`chain.access.ACTIONS`).

        The actor's role is read and :func:`chain.access.authorise` applied inside the transaction, so a role
        taken away a moment ago already refuses; anything raised inside rolls all of it back, audit included.
        """
        with self._errors(), self.engine.connect() as connection:
            connection.execution_options(write=True)
            with connection.begin():
                authorise(by, self._role(connection, by), action)
                query = sa.select(workspaces.c.id).where(workspaces.c.name == self.workspace)
                if connection.dialect.name != "sqlite":
                    query = query.with_for_update()
                workspace_id = connection.execute(query).scalar_one_or_none()
                if workspace_id is None:
                    workspace_id = connection.execute(
                        workspaces.insert().values(name=self.workspace, created_at=datetime.now(UTC))
                    ).inserted_primary_key[0]
                yield Write(connection, int(workspace_id), by, action)

    # -- schema ------------------------------------------------------------------------------------------

    def revision(self) -> str | None:
        """The schema revision of the database (None when it has none yet)."""
        with self._reading() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
        return heads[0] if heads else None

    def migrate(self, target: str = "head") -> None:
        """Bring the schema to ``target`` (default the newest); refuse a database of a newer version."""
        config = alembic_config()
        script = ScriptDirectory.from_config(config)
        known = {revision.revision for revision in script.walk_revisions()}
        with self._reading() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        unknown = [revision for revision in current if revision not in known]
        if unknown:
            raise StoreError("newer_schema", where=self.where, detail=", ".join(unknown))
        if target == "head" and current == (script.get_current_head(),):
            return  # nothing to write: a read-only database at the newest schema can still be read
        with self._errors(), self.engine.connect() as connection:
            connection.execution_options(write=True)
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, target)

    # -- reading -----------------------------------------------------------------------------------------

    def _listing(self) -> sa.Select[Any]:
        columns = [column for column in snapshots.c if column.name not in ("report", "workspace_id")]
        return (
            sa.select(*columns)
            .join(workspaces, workspaces.c.id == snapshots.c.workspace_id)
            .where(workspaces.c.name == self.workspace)
        )

    @staticmethod
    def _snapshot(row: sa.Row[Any]) -> Snapshot:
        values = row._mapping
        return Snapshot(
            id=int(values["id"]),
            county=values["county"],
            period=values["period"],
            label=values["label"],
            uploaded_at=_utc(values["uploaded_at"]),
            uploaded_by=values["uploaded_by"],
            sha256=values["sha256"],
            file_name=values["file_name"],
            size=int(values["size"]),
            current=bool(values["is_current"]),
            period_year=values["period_year"],
            period_first_month=values["period_first_month"],
            period_last_month=values["period_last_month"],
        )

    def snapshots(self) -> list[Snapshot]:
        """Every snapshot of the workspace, newest period first (then newest upload)."""
        query = self._listing().order_by(
            snapshots.c.period_year.desc().nulls_last(),
            snapshots.c.period_last_month.desc().nulls_last(),
            snapshots.c.id.desc(),
        )
        with self._reading() as connection:
            return [self._snapshot(row) for row in connection.execute(query)]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        """The snapshot ``snapshot_id`` of this workspace; ``not_found`` when there is none."""
        with self._reading() as connection:
            row = connection.execute(self._listing().where(snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise StoreError("not_found", detail=snapshot_id)
        return self._snapshot(row)

    def current(self) -> Snapshot | None:
        """The workspace's current snapshot: the one the app opens on for every user."""
        with self._reading() as connection:
            row = connection.execute(self._listing().where(snapshots.c.is_current)).first()
        return None if row is None else self._snapshot(row)

    def file(self, snapshot_id: int) -> bytes:
        """The original bytes of a snapshot, exactly as they were uploaded."""
        query = (
            sa.select(snapshot_files.c.data)
            .join(snapshots, snapshots.c.id == snapshot_files.c.snapshot_id)
            .join(workspaces, workspaces.c.id == snapshots.c.workspace_id)
            .where(snapshot_files.c.snapshot_id == snapshot_id, workspaces.c.name == self.workspace)
        )
        with self._reading() as connection:
            data = connection.execute(query).scalar_one_or_none()
        if data is None:
            raise StoreError("not_found", detail=snapshot_id)
        return bytes(data)

    def report(self, snapshot_id: int) -> dict[str, list[dict[str, object]]]:
        """The validation report of a snapshot when it was imported: ``{"errors": [], "warnings": [...]}``,
        each problem with its sheet, row, column, value, code and both messages."""
        query = (
            sa.select(snapshots.c.report)
            .join(workspaces, workspaces.c.id == snapshots.c.workspace_id)
            .where(snapshots.c.id == snapshot_id, workspaces.c.name == self.workspace)
        )
        with self._reading() as connection:
            report = connection.execute(query).scalar_one_or_none()
        if report is None:
            raise StoreError("not_found", detail=snapshot_id)
        return report

    # -- writing -----------------------------------------------------------------------------------------

    def add(
        self,
        data: bytes,
        file_name: str,
        result: LoadResult,
        *,
        by: Actor,
        period: str | None = None,
        label: str | None = None,
        current: bool | None = None,
    ) -> Imported:
        """Keep an accepted workbook (``result`` = its load: no errors, no rows left out) as a snapshot, in one
        transaction.

        ``period`` replaces the workbook's 报告期 (required when it has none); ``label`` defaults to the file
        name without its extension. The same bytes already in the workspace are not added again
        (``Imported.created`` is False). The new snapshot becomes current when ``current`` is True, or when
        ``current`` is None and the workspace has no current one: on a shared server, one user's upload does
        not change what everyone else opens on unless asked to.
        """
        if result.data is None or result.errors or result.data.excluded:
            # Rows left out on request are still errors of these bytes: such a workbook is not accepted.
            raise StoreError("not_accepted", detail=len(result.errors) or len(result.data.excluded_rows))
        period_text = (period if period is not None else result.data.period).strip()
        if not period_text:
            raise StoreError("period_missing")
        try:
            parsed = parse_period(period_text)
        except PeriodError as exc:
            raise StoreError("period_invalid", detail=exc.message_en) from None
        chosen_label = (label or "").strip() or Path(file_name).stem
        sha = hashlib.sha256(data).hexdigest()
        report = {"errors": [], "warnings": [_problem_record(p) for p in result.warnings]}
        try:
            with self.writing(by, "snapshot.add") as write:
                connection, workspace_id = write.connection, write.workspace_id
                existing = connection.execute(
                    self._listing().where(snapshots.c.sha256 == sha, snapshots.c.workspace_id == workspace_id)
                ).first()
                if existing is not None:
                    return Imported(self._snapshot(existing), created=False)
                has_current = connection.execute(
                    sa.select(snapshots.c.id).where(
                        snapshots.c.workspace_id == workspace_id, snapshots.c.is_current
                    )
                ).first()
                snapshot_id = connection.execute(
                    snapshots.insert().values(
                        workspace_id=workspace_id,
                        county=result.data.county.strip(),
                        period=period_text,
                        label=chosen_label,
                        uploaded_at=datetime.now(UTC),
                        uploaded_by=by.name,
                        sha256=sha,
                        file_name=file_name,
                        size=len(data),
                        is_current=False,
                        report=report,
                        period_year=parsed.year,
                        period_first_month=parsed.first_month,
                        period_last_month=parsed.last_month,
                    )
                ).inserted_primary_key[0]
                _write_bytes(connection, int(snapshot_id), data)
                if current or (current is None and has_current is None):
                    _make_current(connection, workspace_id, int(snapshot_id))
                row = connection.execute(self._listing().where(snapshots.c.id == snapshot_id)).one()
                added = self._snapshot(row)
                write.audit(_target(added), None, added.to_json())
                return Imported(added, created=True)
        except IntegrityError:
            # The same bytes committed by another writer between our check and our insert.
            with self._reading() as connection:
                row = connection.execute(self._listing().where(snapshots.c.sha256 == sha)).first()
            if row is None:
                raise
            return Imported(self._snapshot(row), created=False)

    def rename(self, snapshot_id: int, label: str, *, by: Actor) -> Snapshot:
        """Give a snapshot a new label (its data never changes)."""
        if not label.strip():
            raise StoreError("empty_label")
        with self.writing(by, "snapshot.rename") as write:
            before = self._require(write.connection, write.workspace_id, snapshot_id)
            write.connection.execute(
                snapshots.update().where(snapshots.c.id == snapshot_id).values(label=label.strip())
            )
            write.audit(_target(before), {"label": before.label}, {"label": label.strip()})
        return self.snapshot(snapshot_id)

    def set_current(self, snapshot_id: int, *, by: Actor) -> Snapshot:
        """Make a snapshot the workspace's current one (the previous current one no longer is)."""
        with self.writing(by, "snapshot.set_current") as write:
            chosen = self._require(write.connection, write.workspace_id, snapshot_id)
            previous = self._current_id(write.connection, write.workspace_id)
            _make_current(write.connection, write.workspace_id, snapshot_id)
            write.audit(_target(chosen), {"current": previous}, {"current": snapshot_id})
        return self.snapshot(snapshot_id)

    def delete(self, snapshot_id: int, *, by: Actor) -> Snapshot | None:
        """Delete a snapshot and its bytes. When it was current, the snapshot of the newest period left
        becomes current, so that the app keeps opening on data; that snapshot is returned (or None)."""
        with self.writing(by, "snapshot.delete") as write:
            connection, workspace_id = write.connection, write.workspace_id
            gone = self._require(connection, workspace_id, snapshot_id)
            connection.execute(snapshot_files.delete().where(snapshot_files.c.snapshot_id == snapshot_id))
            connection.execute(snapshots.delete().where(snapshots.c.id == snapshot_id))
            write.audit(_target(gone), gone.to_json(), None)
            if not gone.current:
                return None
            successor = connection.execute(
                sa.select(snapshots.c.id)
                .where(snapshots.c.workspace_id == workspace_id)
                .order_by(
                    snapshots.c.period_year.desc().nulls_last(),
                    snapshots.c.period_last_month.desc().nulls_last(),
                    snapshots.c.id.desc(),
                )
            ).first()
            if successor is None:
                return None
            _make_current(connection, workspace_id, int(successor[0]))
            new_current = int(successor[0])
        return self.snapshot(new_current)

    def _require(self, connection: Connection, workspace_id: int, snapshot_id: int) -> Snapshot:
        """The workspace's snapshot ``snapshot_id``; ``not_found`` when it has no such snapshot."""
        found = connection.execute(
            self._listing().where(snapshots.c.id == snapshot_id, snapshots.c.workspace_id == workspace_id)
        ).first()
        if found is None:
            raise StoreError("not_found", detail=snapshot_id)
        return self._snapshot(found)

    @staticmethod
    def _current_id(connection: Connection, workspace_id: int) -> int | None:
        found = connection.execute(
            sa.select(snapshots.c.id).where(snapshots.c.workspace_id == workspace_id, snapshots.c.is_current)
        ).scalar_one_or_none()
        return None if found is None else int(found)

    # -- access ------------------------------------------------------------------------------------------

    @staticmethod
    def _assigned(connection: Connection, user: str) -> Role | None:
        found = connection.execute(sa.select(roles.c.role).where(roles.c.user_name == user)).scalar()
        return None if found is None else Role(found)

    def _role(self, connection: Connection, actor: Actor) -> Role | None:
        assigned = None if actor.trusted else self._assigned(connection, actor.name)
        return effective_role(actor, assigned, self.unknown_role)

    def role_of(self, actor: Actor) -> Role | None:
        """The actor's role now (None: no access): what the pages show and hide by; writes check again.
        Every page's rerun asks: the installation's owner (local, system) is answered without the database."""
        if actor.trusted:
            return effective_role(actor, None, self.unknown_role)
        with self._reading() as connection:
            return self._role(connection, actor)

    def roles(self) -> list[RoleGrant]:
        """Every role assigned in the database, by user name."""
        with self._reading() as connection:
            rows = connection.execute(sa.select(roles).order_by(roles.c.user_name)).all()
        return [
            RoleGrant(row.user_name, Role(row.role), row.granted_by, _utc(row.granted_at)) for row in rows
        ]

    def set_role(self, user: str, role: Role | None, *, by: Actor) -> RoleGrant | None:
        """Give ``user`` a role, or take their assignment away (``None``: they fall back to the unknown
        users' role). The last assigned admin keeps the role: somebody must be able to assign roles on a
        server where nobody is local."""
        user = user.strip()
        if not user:
            raise StoreError("no_user")
        with self.writing(by, "role.set") as write:
            connection = write.connection
            before = self._assigned(connection, user)
            if before is Role.ADMIN and role is not Role.ADMIN:
                admins = connection.execute(
                    sa.select(sa.func.count()).select_from(roles).where(roles.c.role == Role.ADMIN.value)
                ).scalar_one()
                if admins <= 1:
                    raise StoreError("last_admin", detail=user)
            connection.execute(roles.delete().where(roles.c.user_name == user))
            grant = None
            if role is not None:
                grant = RoleGrant(user, role, by.name, datetime.now(UTC))
                connection.execute(
                    roles.insert().values(
                        user_name=user,
                        role=role.value,
                        granted_by=grant.granted_by,
                        granted_at=grant.granted_at,
                    )
                )
            write.audit(
                f"user {user}",
                None if before is None else {"role": before.value},
                None if role is None else {"role": role.value},
            )
        return grant

    def audit_log(self, *, limit: int | None = None) -> list[AuditEntry]:
        """The workspace's audit trail, newest first (role changes, which belong to no workspace's data but
        to the server, included)."""
        query = (
            sa.select(audit)
            .select_from(audit.outerjoin(workspaces, audit.c.workspace_id == workspaces.c.id))
            .where(
                sa.or_(
                    workspaces.c.name == self.workspace,
                    audit.c.workspace_id.is_(None),
                    audit.c.action == "role.set",
                )
            )
            .order_by(audit.c.at.desc(), audit.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        with self._reading() as connection:
            rows = connection.execute(query).all()
        return [
            AuditEntry(
                int(row.id),
                _utc(row.at),
                row.user_name,
                row.user_source,
                row.action,
                row.target,
                row.before,
                row.after,
            )
            for row in rows
        ]

    # -- backups -----------------------------------------------------------------------------------------

    def write_backup_zip(self, target: BinaryIO) -> int:
        """Write every snapshot's original workbook into a zip (with ``snapshots.json`` listing what each
        file is); returns how many workbooks. One snapshot's bytes are in memory at a time."""
        listed = self.snapshots()
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for snapshot in listed:
                archive.writestr(self.backup_name(snapshot), self.file(snapshot.id))
            manifest = [
                {**s.to_json(), "file": self.backup_name(s), "file_name": s.file_name} for s in listed
            ]
            archive.writestr(
                "snapshots.json", json.dumps({"snapshots": manifest}, ensure_ascii=False, indent=2)
            )
        return len(listed)

    def backup_zip(self) -> bytes:
        """:meth:`write_backup_zip` as bytes (for a download button)."""
        buffer = io.BytesIO()
        self.write_backup_zip(buffer)
        return buffer.getvalue()

    @staticmethod
    def backup_name(snapshot: Snapshot) -> str:
        """A snapshot's file name in the backup zip: id, county, period, then the original name."""
        parts = (f"{snapshot.id:04d}", snapshot.county, snapshot.period, snapshot.file_name)
        return "_".join(_safe_name(part) for part in parts if part)

    def backup_database(self, path: Path) -> None:
        """Copy a SQLite database to ``path`` with SQLite's online backup API (consistent while in use)."""
        if self.engine.dialect.name != "sqlite":
            raise StoreError("sqlite_only")
        with self._errors():
            raw = self.engine.raw_connection()
            try:
                destination = sqlite3.connect(path)
                try:
                    raw.driver_connection.backup(destination)
                finally:
                    destination.close()
            finally:
                raw.close()


def _target(snapshot: Snapshot) -> str:
    """How the audit trail names a snapshot."""
    return f"snapshot {snapshot.id} ({snapshot.county} {snapshot.period} · {snapshot.label})"


def _write_bytes(connection: Connection, snapshot_id: int, data: bytes) -> None:
    """Store a snapshot's original bytes (its own table: listing snapshots never reads them)."""
    connection.execute(snapshot_files.insert().values(snapshot_id=snapshot_id, data=data))


def _make_current(connection: Connection, workspace_id: int, snapshot_id: int) -> None:
    # Clear first: the partial unique index allows one current snapshot per workspace at any moment.
    connection.execute(
        snapshots.update()
        .where(snapshots.c.workspace_id == workspace_id, snapshots.c.is_current)
        .values(is_current=False)
    )
    connection.execute(snapshots.update().where(snapshots.c.id == snapshot_id).values(is_current=True))


def seed(store: Store, paths: Sequence[Path] = BUNDLED_SAMPLES, *, by: Actor | None = None) -> list[Imported]:
    """Import the bundled sample workbooks that exist when the workspace has no snapshot yet, the last one
    current: the app is useful on its first start. Returns what was imported (nothing when not empty)."""
    from chain.load import load_workbook

    if store.snapshots():
        return []
    by = by or Actor.system(SYSTEM_USER)
    present = [path for path in paths if path.is_file()]
    imported = []
    for index, path in enumerate(present):
        data = path.read_bytes()
        # Bundled files are ours: read in-process like the app's sample, not in a child.
        result = load_workbook(data, source_name=path.name)
        imported.append(
            store.add(data, path.name, result, by=by, label=SAMPLE_LABEL, current=index == len(present) - 1)
        )
    return imported

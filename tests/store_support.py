"""Databases for the store's tests: a SQLite file always, a real PostgreSQL server when one is reachable.

PostgreSQL comes from ``CHAIN_TEST_PG_URL``, else the role and database ``make postgres`` creates on the
local cluster. Unreachable, its tests are reported SKIPPED with the reason; under ``REQUIRE_POSTGRES=1`` (CI)
they fail instead. Each test gets an empty schema.
"""

from __future__ import annotations

import atexit
import functools
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factory import TINY, make_workbook

#: The role and database ``make postgres`` creates (a throwaway local test account, not a secret).
LOCAL_PG_URL = "postgresql+psycopg://chain_test:chain_test@127.0.0.1:5432/chain_test"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    return os.environ.get("CHAIN_TEST_PG_URL") or LOCAL_PG_URL


@functools.cache
def pg_unreachable() -> str | None:
    """Why PostgreSQL can't be used for tests, or None when it can."""
    engine = sa.create_engine(pg_url(), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()
        return (
            f"{engine.url.render_as_string(hide_password=True)}: {first[0] if first else type(exc).__name__}"
        )
    finally:
        engine.dispose()
    return None


#: This test process's own schema: test runs sharing one server (two checkouts, two developers) never see or
#: empty each other's tables.
PG_SCHEMA = f"chain_test_{os.getpid()}"


def empty_pg() -> str:
    """A PostgreSQL URL whose search path is this process's own schema, emptied; or skip (fail under
    REQUIRE_POSTGRES=1). The schema is dropped when the process ends."""
    reason = pg_unreachable()
    if reason is not None:
        message = f"POSTGRESQL TESTS NOT RUN: cannot reach {reason} (make postgres, or set CHAIN_TEST_PG_URL)"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    engine = sa.create_engine(pg_url())
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    _drop_schema_at_exit()
    url = sa.make_url(pg_url())
    return url.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(
        hide_password=False
    )


@functools.cache
def _drop_schema_at_exit() -> None:
    def drop() -> None:
        engine = sa.create_engine(pg_url())
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        except Exception:  # the server went away first: nothing left to clean
            pass
        finally:
            engine.dispose()

    atexit.register(drop)


def database(backend: str, folder: Path) -> str:
    """An empty database of ``backend`` as a URL."""
    if backend == "postgresql":
        return empty_pg()
    return f"sqlite:///{folder / 'store.sqlite3'}"


def workbook(period: object = "2023年1-9月", county: str = "测试县", output: int = 100) -> bytes:
    """TINY with its own 报告期 and 县名 (None drops the row), and 甲矿业's output: different bytes each."""
    settings = [["项目", "值"], ["县名", county], ["县域工业总产值(万元)", 2000]]
    if period is not None:
        settings.append(["报告期", period])
    firms = [list(row) for row in TINY["企业"]]
    firms[1][4] = output
    return make_workbook(**{"设置": settings, "企业": firms})

"""Database fixtures: every store test runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (with PROFILING_REQUIRE_POSTGRES=1 a missing one is a failure)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from settings import normalize_database_url
from store.engine import create_engine
from store.migrate import migrate
from store.month_partitions import month_partitions
from store.running import shielded
from store.tables import METADATA

# The HTTP client fixtures shared by the schema and server suites, and the streaming standby.
pytest_plugins = ["tests.api_client", "tests.standby"]

# Speed is measured by the scripts in bench/, never by tests: no per-example deadlines, which
# fail at random on a loaded machine (a first call that builds a locale's formatters, say).
settings.register_profile("profiling", deadline=None)
settings.load_profile("profiling")

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
REQUIRE_POSTGRES = os.environ.get("PROFILING_REQUIRE_POSTGRES") == "1"

LOCK_TIMEOUT = "60s"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        # A clean slate for the run: drop what an earlier run or schema version left.
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await migrate(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("PROFILING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("TEST_DATABASE_URL is not set")
    url = normalize_database_url(POSTGRES_URL)
    asyncio.run(_reset_postgres(url))
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


# The most month partitions dropped in one transaction: each holds about six locks (its table,
# indexes, TOAST table) until the commit, in a lock table that every database of the server
# shares (64 x max_connections entries by default).
_DROPPED_AT_ONCE = 50


async def _empty_postgres(engine: AsyncEngine) -> None:
    """The database as the migrations build it, without rows: what a test on PostgreSQL starts
    from. TRUNCATE empties metric_value's month partitions but keeps them, and a freshly
    migrated database has none (only the default one): left in place they would pile up over
    a run (hundreds, from tests that load many months), TRUNCATE would rebuild and sync every
    one of their indexes before each test, and a test's load would find its months already
    attached. So the partitions that loads attached are dropped first."""
    while True:
        async with engine.begin() as connection:
            # A connection that an earlier test leaked inside a transaction would make these
            # statements wait forever: fail this test with a reason instead.
            await connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            partitions = await month_partitions(connection)
            if not partitions:
                break
            dropped = ", ".join(p.name for p in partitions[:_DROPPED_AT_ONCE])
            await connection.execute(text(f"DROP TABLE {dropped}"))
    # metric_value first: a load locks it before it locks metric_definition (to attach a
    # partition, whose foreign key needs that), so TRUNCATE, which locks the tables in the
    # order given, must not hold metric_definition while it waits for a load's metric_value.
    tables = ["metric_value"] + [
        table.name for table in METADATA.sorted_tables if table.name != "metric_value"
    ]
    async with engine.begin() as connection:
        await connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database."""
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        await _empty_postgres(engine)
    else:
        await migrate(engine)
    yield engine
    # A request that timed out leaves its reads to finish on their own.
    await shielded.settle_all()
    if engine.dialect.name == "postgresql":
        await _check_no_transaction_left_open(engine)
    await engine.dispose()


async def _check_no_transaction_left_open(engine: AsyncEngine) -> None:
    """A request must return every connection it took, whatever happened to it (an error that
    cancelled the fields beside it, a timeout): a connection left inside a transaction holds
    its locks until the server kills it."""
    query = text(
        "SELECT state, query FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND state LIKE 'idle in transaction%'"
    )
    # Closing a connection takes a moment to reach the server's view.
    for _ in range(50):
        async with engine.connect() as connection:
            leaked = (await connection.execute(query)).all()
        if not leaked:
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"connections left open inside a transaction: {leaked}")


_postgres_tests_passed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_tests_passed
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _postgres_tests_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI promises PostgreSQL coverage: a run that required it and ran none of it fails.
    if REQUIRE_POSTGRES and session.testscollected and _postgres_tests_passed == 0:
        print("\nPROFILING_REQUIRE_POSTGRES=1 but no PostgreSQL test passed")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

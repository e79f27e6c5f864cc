"""Database fixtures: every store test runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (with PROFILING_REQUIRE_POSTGRES=1 a missing one is a failure)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import make_url, text
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
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = asyncio.run(_worker_database(url, worker))
    asyncio.run(_reset_postgres(url))
    return url


async def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist (`-n 2`), each worker's own database beside TEST_DATABASE_URL's
    (`test_gw0`, `test_gw1`), created if missing: a worker resetting or truncating the shared
    one would empty it under the other's tests."""
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(
        given.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


async def _migrated_sqlite(path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    # Closing the last connection checkpoints the write-ahead log into the file: the file
    # alone is then the whole database.
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per run. Running the migrations costs about 0.15 s of
    CPU (Alembic reading every revision, then a few hundred statements); a test's database is
    a copy of this file instead, byte for byte what the migrations build.
    tests/store/test_migrate.py runs the migrations themselves, from an empty file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.db"
    asyncio.run(_migrated_sqlite(path))
    leftover = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftover, f"the migrated template left {leftover} beside it"
    return path


def copy_sqlite_template(template: Path, url: str) -> None:
    """The migrated template copied to the SQLite database `url` names (which must not exist)."""
    database = make_url(url).database
    assert database, url
    target = Path(database)
    assert not target.exists(), f"{target} exists already"
    shutil.copyfile(template, target)


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
    async with engine.begin() as connection:
        await connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        holding = {str(name) for name in (await connection.execute(_TABLES_WITH_ROWS)).scalars()}
        tables = tables_to_truncate(holding)
        if tables:
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))


# Every table in one statement, named when it holds a row: a probe of a millisecond, where
# truncating costs tens of milliseconds per table (new files for the table, its indexes and
# TOAST table), about half a second for all of them, before every PostgreSQL test.
_TABLES_WITH_ROWS = text(
    " UNION ALL ".join(
        f"SELECT '{table.name}' WHERE EXISTS (SELECT FROM {table.name})"
        for table in METADATA.sorted_tables
    )
)


def tables_to_truncate(holding: set[str]) -> list[str]:
    """The tables that hold rows and every table that refers to one of them (TRUNCATE must name
    those too), in the order TRUNCATE should lock them; an empty list when all are empty.

    metric_value first: a load locks it before it locks metric_definition (to attach a
    partition, whose foreign key needs that), so TRUNCATE, which locks the tables in the order
    given, must not hold metric_definition while it waits for a load's metric_value."""
    referring: dict[str, set[str]] = {table.name: set() for table in METADATA.sorted_tables}
    for table in METADATA.sorted_tables:
        for key in table.foreign_keys:
            referring[key.column.table.name].add(table.name)
    chosen: set[str] = set()
    pending = list(holding)
    while pending:
        name = pending.pop()
        if name not in chosen:
            chosen.add(name)
            pending.extend(referring[name])
    order = ["metric_value"] + [
        table.name for table in METADATA.sorted_tables if table.name != "metric_value"
    ]
    return [name for name in order if name in chosen]


@pytest.fixture
async def engine(database_url: str, sqlite_template: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database."""
    if make_url(database_url).get_backend_name() == "sqlite":
        copy_sqlite_template(sqlite_template, database_url)
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        await _empty_postgres(engine)
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

"""Writers beside another writer on one SQLite file: each waits for the database's write lock
(up to the busy timeout) and writes from what the other committed.

A SQLite transaction that has read the database cannot wait for the write lock: its first write
fails at once as "database is locked" when another connection holds the lock or committed since
the read. And a writer that reads before it takes the lock writes from rows that may have
changed by the time it writes. Every writer that reads before it writes therefore takes the
lock first (`store.write_locks.hold_sqlite_writes`).

The writer beside is a second connection, in a thread of its own, on the same file: it takes
the write lock (BEGIN IMMEDIATE), writes, holds the lock a while, then commits. The two-writer
race runs on both stores."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.keys import create_key, list_keys
from store.scope import Role
from store.tables import INDUSTRY_TABLE, METRIC_TABLE
from tests.factories import Seed

# How long the writer beside holds the lock: far longer than the writer under test takes to
# read, far below the busy timeout (30 s).
HOLD = 1.5
# Rounds of the two-writer race, and the values each of its loads writes.
ROUNDS = 4
VALUES_PER_LOAD = 400


def _sqlite_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock for the whole database (PostgreSQL locks rows)")


@contextlib.asynccontextmanager
async def writer_beside(engine: AsyncEngine, *statements: str) -> AsyncIterator[None]:
    """Another connection to the engine's SQLite file holds the write lock, having run
    `statements`, from before the block starts until `HOLD` seconds later, then commits."""
    path = engine.url.database
    assert path
    taken = threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            connection.execute("BEGIN IMMEDIATE")
            for statement in statements:
                connection.execute(statement)
            taken.set()
            time.sleep(HOLD)
            connection.execute("COMMIT")
        except BaseException as exc:
            failures.append(exc)
        finally:
            taken.set()
            connection.close()

    holder = asyncio.ensure_future(asyncio.to_thread(hold))
    await asyncio.to_thread(taken.wait)
    try:
        yield
    finally:
        await holder
    assert not failures


async def _seed_revenue(engine: AsyncEngine, accounts: int) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR", aggregation="sum")
    seed.industry("retail")
    for n in range(accounts):
        seed.account(f"a{n}", industry="retail")
    await seed.write(engine)


def _metrics_file(path: Path, accounts: range, month: str, value: int) -> Path:
    lines = [f"account,a{n},revenue,{month},{value + n}" for n in accounts]
    path.write_text("level,entity_id,metric_name,effective_date,value\n" + "\n".join(lines) + "\n")
    return path


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(METRIC_TABLE)) or 0)


async def test_a_metrics_load_waits_for_a_writer_holding_the_database(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The load reads what it compares its values with inside its transaction (begun by its
    staging): it took no lock before, and failed at once as locked."""
    _sqlite_only(engine)
    await _seed_revenue(engine, 3)
    path = _metrics_file(tmp_path / "metrics.csv", range(3), "2024-01-01", 10)
    async with writer_beside(engine, "INSERT INTO industry VALUES ('food', 'Food')"):
        report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    assert report.rows_written == 3
    assert await _count(engine) == 3


async def test_a_load_compares_with_what_a_writer_committed_while_it_waited(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """An industries load of a name as stored, while another writer renames it: the load waits
    for the rename and writes its name back (a change), where it compared with the name as it
    was, counted it unchanged, wrote nothing, and left the rename."""
    _sqlite_only(engine)
    seed = Seed()
    seed.industry("retail", name="Retail")
    await seed.write(engine)
    path = tmp_path / "industries.csv"
    path.write_text("industry_id,name\nretail,Retail\n")
    rename = "UPDATE industry SET name = 'Shops' WHERE industry_id = 'retail'"
    async with writer_beside(engine, rename):
        report = await ingest_file(engine, kind=IngestKind.INDUSTRIES, path=path)
    async with engine.connect() as connection:
        name = await connection.scalar(select(INDUSTRY_TABLE.c.name))
    assert name == "Retail"
    assert report.changes is not None
    assert (report.changes.changed, report.changes.unchanged) == (1, 0)


async def test_a_key_of_an_app_another_writer_is_adding_waits_for_it(engine: AsyncEngine) -> None:
    """`keys create --app` reads the app, then writes the key: it waits for the writer adding
    the app, where it read before and refused the key."""
    _sqlite_only(engine)
    async with writer_beside(engine, "INSERT INTO app VALUES ('late')"):
        record, _key = await create_key(engine, role=Role.APP, app_id="late")
    assert record.app_id == "late"


async def test_two_metrics_loads_racing_both_finish_and_keep_every_value(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two loads at once, each on a connection of its own engine (each with its own thread on
    SQLite), over several rounds: both finish, and every value of both is stored."""
    await _seed_revenue(engine, 2 * VALUES_PER_LOAD)
    second = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        for round_ in range(ROUNDS):
            month = f"20{10 + round_}-01-01"
            first_file = _metrics_file(
                tmp_path / f"first{round_}.csv", range(VALUES_PER_LOAD), month, 1
            )
            second_file = _metrics_file(
                tmp_path / f"second{round_}.csv",
                range(VALUES_PER_LOAD, 2 * VALUES_PER_LOAD),
                month,
                2,
            )
            reports = await asyncio.gather(
                ingest_file(engine, kind=IngestKind.METRICS, path=first_file),
                ingest_file(second, kind=IngestKind.METRICS, path=second_file),
            )
            assert [report.rows_written for report in reports] == [VALUES_PER_LOAD] * 2
            assert await _count(engine) == 2 * VALUES_PER_LOAD * (round_ + 1)
    finally:
        await second.dispose()


async def test_writers_of_each_kind_racing_all_finish_and_keep_what_they_wrote(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A metrics load, an industries load and `keys create`, at once on engines of their own,
    over several rounds: each finishes, and what each wrote is stored."""
    await _seed_revenue(engine, VALUES_PER_LOAD)
    others = [create_engine(engine.url.render_as_string(hide_password=False)) for _ in range(2)]
    try:
        for round_ in range(ROUNDS):
            metrics = _metrics_file(
                tmp_path / f"metrics{round_}.csv",
                range(VALUES_PER_LOAD),
                f"20{10 + round_}-01-01",
                round_,
            )
            industries = tmp_path / f"industries{round_}.csv"
            industries.write_text(
                "industry_id,name\n"
                + "".join(f"i{round_}_{n},Industry {n}\n" for n in range(VALUES_PER_LOAD))
            )
            loaded, named, (record, _key) = await asyncio.gather(
                ingest_file(engine, kind=IngestKind.METRICS, path=metrics),
                ingest_file(others[0], kind=IngestKind.INDUSTRIES, path=industries),
                create_key(others[1], role=Role.INTERNAL, name=f"round {round_}"),
            )
            assert (loaded.rows_written, named.rows_written) == (VALUES_PER_LOAD,) * 2
            assert record.name == f"round {round_}"
        assert await _count(engine) == VALUES_PER_LOAD * ROUNDS
        async with engine.connect() as connection:
            industries_stored = await connection.scalar(
                select(func.count()).select_from(INDUSTRY_TABLE)
            )
        assert industries_stored == 1 + VALUES_PER_LOAD * ROUNDS
        assert len(await list_keys(engine)) == ROUNDS
    finally:
        for other in others:
            await other.dispose()

"""The SQLite reads on the plain `sqlite3` driver (store/running/sqlite_connection.py, the
connections thread_reads.py keeps): the same values and the same errors as through SQLAlchemy's
Connection, statements counted, one connection kept per thread and closed with the engine."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.reads import entities as reads
from store.reads.entities import MetricFilter
from store.running import thread_reads
from store.running.reader import reader_for
from store.running.sqlite_connection import SQLiteConnection
from store.scope import INTERNAL
from store.tables import METRIC_TABLE, Level
from tests.store.running.plain_driver_support import MONTH, READS, readers, seed

pytestmark = pytest.mark.usefixtures("sqlite_only")


@pytest.fixture
def sqlite_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the plain sqlite3 reads are SQLite's; PostgreSQL's: test_driver_reads.py")


async def test_reads_answer_the_same_values_on_both_paths(engine: AsyncEngine) -> None:
    await seed(engine)
    driver, standard = readers(engine)
    for read in READS:
        for rows_at_most in (1, None):  # on the loop's thread, then in a reader thread
            on_driver = await driver.read(read, rows_at_most=rows_at_most)
            assert on_driver == await standard.read(read, rows_at_most=rows_at_most)
    rows = await driver.read(
        lambda c: reads.metrics_by_entity(
            c, level=Level.ACCOUNT, entity_ids=["acc-1"], metric_filter=MONTH
        )
    )
    assert [record.value for record in rows["acc-1"]] == [Decimal("1.25"), Decimal("1")]


async def test_the_reads_run_on_the_plain_driver(engine: AsyncEngine) -> None:
    async def kind(connection: AsyncConnection) -> type:
        return type(connection)

    driver, standard = readers(engine)
    assert await driver.read(kind, rows_at_most=1) is SQLiteConnection
    assert await driver.read(kind) is SQLiteConnection
    assert await standard.read(kind) is not SQLiteConnection


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=st.lists(st.sampled_from(["acc-0", "acc-1", "acc-2", "nobody", "acc-'1"]), max_size=6),
    names=st.none() | st.lists(st.sampled_from(["revenue", "tickets", "absent"]), max_size=3),
)
async def test_any_keys_and_names_read_the_same_on_both_paths(
    engine: AsyncEngine, ids: list[str], names: list[str] | None
) -> None:
    if not await reader_for(engine).read(reads.metric_definitions):
        await seed(engine)
    metric_filter = MetricFilter(names=None if names is None else tuple(names), months=None)

    async def both(connection: AsyncConnection) -> Any:
        return (
            await reads.accounts_by_id(connection, account_ids=ids, scope=INTERNAL),
            await reads.metrics_by_entity(
                connection, level=Level.ACCOUNT, entity_ids=ids, metric_filter=metric_filter
            ),
        )

    driver, standard = readers(engine)
    assert await driver.read(both, rows_at_most=1) == await standard.read(both)


async def test_core_results_keep_their_shape(engine: AsyncEngine) -> None:
    await seed(engine)

    async def shapes(connection: AsyncConnection) -> tuple[Any, ...]:
        value = METRIC_TABLE.c.value
        scalar = (await connection.execute(select(value).where(value > 1))).scalars().all()
        one = (await connection.execute(text("SELECT 1 AS one"))).scalar_one()
        named = (await connection.execute(select(value.label("v")).limit(1))).first()
        keyed = (await connection.execute(text("SELECT 2 AS two"))).mappings().one()
        empty = (await connection.execute(select(value).where(value > 99))).all()
        return sorted(scalar), one, named is not None and named.v, dict(keyed), empty

    driver, standard = readers(engine)
    assert await driver.read(shapes) == await standard.read(shapes)


async def test_errors_are_sqlalchemys_on_both_paths(engine: AsyncEngine) -> None:
    async def broken(connection: AsyncConnection) -> None:
        await connection.execute(text("SELECT * FROM no_such_table"))

    async def overflows(connection: AsyncConnection) -> None:
        # Fails while the rows are stepped through, not when the statement is prepared.
        await connection.execute(text("SELECT abs(-9223372036854775807 - 1)"))

    for reader in readers(engine):
        for rows_at_most in (1, None):
            with pytest.raises(OperationalError, match="no_such_table"):
                await reader.read(broken, rows_at_most=rows_at_most)
            with pytest.raises(OperationalError, match="overflow"):
                await reader.read(overflows, rows_at_most=rows_at_most)
    # The connection that failed is kept and still reads.
    assert await reader_for(engine).read(reads.metric_definitions, rows_at_most=1) == []


async def test_statements_are_announced_to_the_engines_listeners(engine: AsyncEngine) -> None:
    await seed(engine)
    seen: list[str] = []

    def listen(*arguments: Any) -> None:
        seen.append(arguments[2])

    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    try:
        await reader_for(engine).read(reads.metric_definitions)
        await reader_for(engine).read(
            lambda c: reads.accounts_by_id(c, account_ids=["acc-0"], scope=INTERNAL),
            rows_at_most=1,
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listen)
    assert len(seen) == 2
    assert "metric_definition" in seen[0]
    assert "account" in seen[1]


@pytest.mark.parametrize("inline", [False, True])
async def test_a_read_sees_one_snapshot_when_a_write_commits_midway(
    engine: AsyncEngine, inline: bool
) -> None:
    """Two statements of one read that asks for one snapshot (the default) see the database as
    it was at the first, on both paths, in a reader thread and inline, while another session
    commits between them (pysqlite would open no transaction for a read by itself)."""
    await seed(engine)
    assert engine.url.database is not None
    count = text("SELECT count(*) FROM metric_value")
    seen: dict[str, tuple[int, int]] = {}

    for label, reader in zip(("driver", "standard"), readers(engine), strict=True):
        deleted = f"acc-{len(seen)}"

        async def twice(connection: AsyncConnection, deleted: str = deleted) -> tuple[int, int]:
            before = (await connection.execute(count)).scalar_one()
            writer = sqlite3.connect(engine.url.database or "")
            with writer:  # another session commits meanwhile
                writer.execute("DELETE FROM metric_value WHERE entity_id = ?", (deleted,))
            writer.close()
            return before, (await connection.execute(count)).scalar_one()

        seen[label] = await reader.read(twice, rows_at_most=1 if inline else None)
    assert seen == {"driver": (6, 6), "standard": (4, 4)}


async def test_each_thread_keeps_one_connection_closed_with_the_engine(
    engine: AsyncEngine,
) -> None:
    companion = thread_reads.companion_for(engine)
    assert companion is not None
    reader = reader_for(engine)
    for _ in range(20):
        await asyncio.gather(
            reader.read(reads.metric_definitions, rows_at_most=1),
            *(reader.read(reads.metric_definitions) for _ in range(4)),
        )
    # The loop's thread and at most one per reader thread.
    kept = thread_reads.kept_connections(companion)
    assert 2 <= kept <= 1 + (os.cpu_count() or 1)
    connections: list[sqlite3.Connection] = []

    async def driver(connection: AsyncConnection) -> None:
        assert isinstance(connection, SQLiteConnection)
        connections.append(connection.driver_connection)

    await reader.read(driver, rows_at_most=1)
    await engine.dispose()
    assert thread_reads.kept_connections(companion) == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connections[0].execute("SELECT 1")
    # An engine disposed of reads again, on new connections.
    assert await reader.read(reads.metric_definitions, rows_at_most=1) == []

"""The PostgreSQL reads on asyncpg (store/running/driver_connection.py, driver_pool.py): the
same values and the same errors as through SQLAlchemy's engine, statements counted, a pool of
the engine's size that never opens a connection per read, and reads that see one snapshot."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_serving_engine
from store.reads import entities as reads
from store.reads.entities import MetricFilter
from store.running import driver_pool
from store.running.reader import close_readers, reader_for
from store.scope import INTERNAL
from store.tables import METRIC_TABLE, Level
from tests.factories import Seed
from tests.store.running.plain_driver_support import MONTH, READS, readers, seed

pytestmark = pytest.mark.usefixtures("postgresql_only")


@pytest.fixture
def postgresql_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the driver reads are PostgreSQL's; SQLite reads are tests/store/running/")


async def test_reads_answer_the_same_values_on_both_paths(engine: AsyncEngine) -> None:
    await seed(engine)
    driver, standard = readers(engine)
    for read in READS:
        for one_snapshot in (True, False):
            on_driver = await driver.read(read, one_snapshot=one_snapshot)
            assert on_driver == await standard.read(read, one_snapshot=one_snapshot)
    rows = await driver.read(
        lambda c: reads.metrics_by_entity(
            c, level=Level.ACCOUNT, entity_ids=["acc-1"], metric_filter=MONTH
        )
    )
    assert [record.value for record in rows["acc-1"]] == [Decimal("1.25"), Decimal("1")]


# NUMERIC values whose Decimal could be written in more than one way: whole numbers with
# trailing zeros (asyncpg's binary form gives 1.5E+4), scales kept, tiny values and zeros
# that Decimal prints with an exponent, negatives, many digits, NaN.
WRITTEN_VALUES = [
    "15000",
    "15000.0",
    "-2500000",
    "10",
    "0",
    "0.00",
    "0.0000001",
    "0.000000000",
    "-0.0000120",
    "123.4500",
    "100000000000000000000",
    "98765432109876543210.0123456789",
    "NaN",
]


async def test_values_are_written_as_on_the_engine(engine: AsyncEngine) -> None:
    # Decimal equality ignores how a value is written ("1.5E+4" == "15000"), the API does not:
    # the reads' NUMERIC text codec must give the digits the engine gives.
    data = Seed()
    data.definition("revenue", "EUR")
    data.account("acc-0")
    for month, value in enumerate(WRITTEN_VALUES, start=1):
        day = f"{2020 + month // 12}-{month % 12 + 1:02d}-01"
        data.metric("account", "acc-0", "revenue", day, value)
    await data.write(engine)
    driver, standard = readers(engine)

    def read(connection: AsyncConnection) -> Any:
        return reads.metrics_by_entity(
            connection,
            level=Level.ACCOUNT,
            entity_ids=["acc-0"],
            metric_filter=MetricFilter(names=None, months=None),
        )

    on_driver = [str(row.value) for row in (await driver.read(read))["acc-0"]]
    on_engine = [str(row.value) for row in (await standard.read(read))["acc-0"]]
    assert on_driver == on_engine
    assert sorted(on_driver) == sorted(str(Decimal(value)) for value in WRITTEN_VALUES)


async def test_core_results_keep_their_shape(engine: AsyncEngine) -> None:
    await seed(engine)

    async def shapes(connection: AsyncConnection) -> tuple[Any, ...]:
        value = METRIC_TABLE.c.value
        scalar = (await connection.execute(select(value).where(value > 1))).scalars().all()
        one = (await connection.execute(text("SELECT 1 AS one"))).scalar_one()
        named = (await connection.execute(select(value.label("v")).limit(1))).first()
        empty = (await connection.execute(select(value).where(value > 99))).all()
        return sorted(scalar), one, named is not None and named.v, empty

    driver, standard = readers(engine)
    assert await driver.read(shapes) == await standard.read(shapes)


async def test_errors_are_sqlalchemys_on_both_paths(engine: AsyncEngine) -> None:
    async def broken(connection: AsyncConnection) -> None:
        await connection.execute(text("SELECT * FROM no_such_table"))

    for reader in readers(engine):
        with pytest.raises(ProgrammingError, match="no_such_table"):
            await reader.read(broken, one_snapshot=False)
    # The connection that failed is back in the pool and usable.
    assert await reader_for(engine).read(lambda c: reads.metric_definitions(c)) == []


async def test_a_statement_past_the_servers_timeout_fails_as_on_the_engine(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no statement timeout")
    engine = create_serving_engine(database_url, statement_timeout=0.2, pool_size=1)
    try:

        async def slow(connection: AsyncConnection) -> None:
            await connection.execute(text("SELECT pg_sleep(3)"))

        for reader in readers(engine):
            with pytest.raises(DBAPIError, match="statement timeout"):
                await reader.read(slow, one_snapshot=False)
    finally:
        await close_readers(engine)
        await engine.dispose()


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
            one_snapshot=False,
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listen)
    assert len(seen) == 2
    assert "metric_definition" in seen[0]
    assert "account" in seen[1]


async def test_reads_that_need_one_snapshot_see_one(engine: AsyncEngine) -> None:
    """Two statements of one read agree even when a write commits between them."""
    await seed(engine)
    count = text("SELECT count(*) FROM metric_value")

    async def twice(connection: AsyncConnection) -> tuple[int, int]:
        before = (await connection.execute(count)).scalar_one()
        async with engine.begin() as writer:  # another session commits meanwhile
            await writer.execute(text("DELETE FROM metric_value WHERE entity_id = 'acc-0'"))
        return before, (await connection.execute(count)).scalar_one()

    before, after = await reader_for(engine).read(twice)
    assert before == after == 6
    before, after = await reader_for(engine).read(twice, one_snapshot=False)
    assert (before, after) == (4, 4)  # the second read deletes nothing more: already gone


async def _sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        )
        return int(found.scalar_one())


async def test_concurrent_reads_share_a_pool_of_the_engines_size(database_url: str) -> None:
    """Eight clients of two reads each, several times over: the reads open the pool's
    connections once and keep them (never a session per read or per request)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("sessions are PostgreSQL's")
    engine = create_serving_engine(database_url, statement_timeout=10, pool_size=3)
    counting = create_serving_engine(database_url, statement_timeout=10, pool_size=1)
    try:
        reader = reader_for(engine)
        backends: set[int] = set()

        async def backend(connection: AsyncConnection) -> None:
            found = await connection.execute(text("SELECT pg_backend_pid()"))
            backends.add(found.scalar_one())
            await asyncio.sleep(0.01)  # holds its connection while the others wait

        async def request() -> None:
            await asyncio.gather(reader.read(backend), reader.read(backend, one_snapshot=False))

        before = await _sessions(counting)
        for _ in range(5):
            await asyncio.gather(*(request() for _ in range(8)))
        opened = await _sessions(counting) - before
        assert len(backends) == driver_pool.pool_size_of(engine) == 3
        assert opened <= 3
    finally:
        await close_readers(engine)
        await engine.dispose()
        await counting.dispose()


async def test_disposing_of_the_engine_closes_its_read_pool(engine: AsyncEngine) -> None:
    await reader_for(engine).read(reads.metric_definitions)
    pool = await driver_pool.pool_of(engine)
    connections = pool.connections()
    assert len(connections) == pool.size
    await engine.dispose()
    assert all(connection.is_closed() for connection in connections)
    # A read after disposal opens a new pool, as the engine opens new connections.
    assert await reader_for(engine).read(reads.metric_definitions) == []


async def test_a_database_that_refuses_the_connection_fails_as_on_the_engine(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite opens any file")
    missing = database_url.rsplit("/", 1)[0] + "/no_such_database_for_reads"
    engine = create_serving_engine(missing, statement_timeout=1, pool_size=1)
    try:
        for reader in readers(engine):
            with pytest.raises(DBAPIError, match="does not exist"):
                await reader.read(reads.metric_definitions)
    finally:
        await close_readers(engine)
        await engine.dispose()

"""The PostgreSQL reads' own pool (store/running/read_pool.py), on a real server: a fixed set of
connections that reads wait for, a connection lost while idle or left unsure by an interrupted
read replaced by a new one, a failed reopening that fails one read only, and closing that waits
for the connections in use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_serving_engine
from store.running import driver_pool
from store.running.read_pool import PoolClosed, ReadPool
from store.running.reader import close_readers, reader_for


@pytest.fixture
def dsn(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("the read pool is PostgreSQL's (SQLite reads keep a connection per thread)")
    return database_url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[ReadPool]:
    pool = ReadPool(lambda: asyncpg.connect(dsn), 2)
    await pool.open()
    yield pool
    pool.terminate()


async def _pid(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT pg_backend_pid()"))


async def test_reads_wait_for_one_of_the_connections(pool: ReadPool) -> None:
    pids: list[int] = []

    async def read() -> None:
        connection = await pool.acquire()
        try:
            pids.append(await _pid(connection))
            await asyncio.sleep(0.01)  # held while the others wait
        finally:
            pool.release(connection)

    await asyncio.gather(*(read() for _ in range(10)))
    assert len(pids) == 10
    assert len(set(pids)) == 2
    assert len(pool.connections()) == 2


async def test_a_connection_lost_while_idle_is_opened_again(pool: ReadPool, dsn: str) -> None:
    first = await pool.acquire()
    lost = await _pid(first)
    pool.release(first)
    killer = await asyncpg.connect(dsn)
    try:
        await killer.execute("SELECT pg_terminate_backend($1)", lost)
        async with asyncio.timeout(5):
            # Polled: asyncpg offers nothing to wait on for the server's goodbye.
            while not first.is_closed():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        await killer.close()
    again = await pool.acquire()
    try:
        assert again is not first
        assert await _pid(again) != lost
    finally:
        pool.release(again)


async def test_an_interrupted_or_unfinished_read_gives_back_a_connection_never_reused(
    pool: ReadPool,
) -> None:
    connection = await pool.acquire()
    await connection.execute("BEGIN")  # given back inside a transaction
    pool.release(connection)
    assert connection.is_closed()
    interrupted = await pool.acquire()
    pool.release(interrupted, trusted=False)
    assert interrupted.is_closed()
    for _ in range(2):  # both places open again
        connection = await pool.acquire()
        assert await connection.fetchval("SELECT 1") == 1
        assert not connection.is_in_transaction()
        pool.release(connection)


async def test_taking_an_idle_connection_takes_only_an_open_one(pool: ReadPool) -> None:
    # take_idle is acquire's path without a coroutine: it must leave every other case to it.
    first, second = pool.take_idle(), pool.take_idle()
    assert first is not None
    assert second is not None
    assert first is not second
    assert pool.take_idle() is None  # none idle: acquire waits
    pool.release(first)
    pool.release(second, trusted=False)  # its place is to be opened again: acquire's work
    assert pool.take_idle() is None
    reopened = await pool.acquire()
    assert reopened is not second
    assert not reopened.is_closed()
    assert pool.take_idle() is first
    pool.release(first)
    pool.release(reopened)
    await pool.close()
    assert pool.take_idle() is None  # closed: acquire raises PoolClosed


async def test_failing_to_open_again_fails_one_read_and_keeps_the_place(dsn: str) -> None:
    refused = dsn.rsplit("/", 1)[0].replace(":5432", ":1") + "/none"
    attempts: list[str] = []

    async def connect() -> asyncpg.Connection:
        # Opening the place again is refused once (a server restarting).
        target = refused if len(attempts) == 1 else dsn
        attempts.append(target)
        return await asyncpg.connect(target)

    pool = ReadPool(connect, 1)
    await pool.open()
    try:
        connection = await pool.acquire()
        pool.release(connection, trusted=False)  # closed: its place opens on next use
        with pytest.raises(OSError, match=r"Connect call failed|refused"):
            await pool.acquire()
        connection = await pool.acquire()
        assert await connection.fetchval("SELECT 1") == 1
        pool.release(connection)
    finally:
        pool.terminate()
    assert attempts == [dsn, refused, dsn]


async def test_closing_waits_for_the_connections_in_use(pool: ReadPool) -> None:
    connection = await pool.acquire()
    closing = asyncio.ensure_future(pool.close())
    await asyncio.sleep(0.05)
    assert not closing.done()
    with pytest.raises(PoolClosed):
        await pool.acquire()
    assert await connection.fetchval("SELECT 1") == 1  # the read in flight finishes
    pool.release(connection)
    await asyncio.wait_for(closing, 5)
    assert connection.is_closed()


async def test_a_read_cancelled_inside_its_statement_does_not_hand_on_its_connection(
    engine: AsyncEngine, dsn: str
) -> None:
    """A read's own task cancelled (a server shutting down hard) while its statement runs: its
    connection is closed, not given to the next read in the middle of a statement (the pool
    has one connection: the next read gets a new one and answers at once)."""
    serving = create_serving_engine(str(engine.url), statement_timeout=10, pool_size=1)
    try:
        reader = reader_for(serving)

        # A read through connection_of, cancelled as a task (not the caller of a shielded read).
        async def read() -> None:
            async with driver_pool.connection_of(serving) as raw:
                await raw.execute("SELECT pg_sleep(5)")

        task = asyncio.ensure_future(read())
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

        async def one(connection: AsyncConnection) -> int:
            return int((await connection.execute(text("SELECT 1"))).scalar_one())

        assert await asyncio.wait_for(reader.read(one, one_snapshot=False), 3) == 1
    finally:
        await close_readers(serving)
        await serving.dispose()

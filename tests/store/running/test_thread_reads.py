"""SQLite reads run whole on a companion engine over the same file: in a worker thread, or on
the event loop's thread when the caller knows they return few rows."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_engine
from store.migrate import migrate
from store.running import thread_reads
from store.running.driver_connection import DriverConnection
from store.running.reader import reader_for


async def _count(connection: AsyncConnection) -> int:
    rows = await connection.execute(text("SELECT count(*) FROM app"))
    return int(rows.scalar_one())


async def test_only_sqlite_files_get_a_companion(engine: AsyncEngine, tmp_path: Path) -> None:
    companion = thread_reads.companion_for(engine)
    if engine.dialect.name == "sqlite":
        assert companion is not None
        assert companion.url.database == engine.url.database
        assert thread_reads.companion_for(engine) is companion  # one per engine
    else:
        assert companion is None
    memory = create_engine("sqlite+aiosqlite://")
    assert thread_reads.companion_for(memory) is None
    await memory.dispose()


async def test_a_read_sees_what_the_async_engine_committed(engine: AsyncEngine) -> None:
    assert await reader_for(engine).read(_count) == 0
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO app (app_id) VALUES ('north')"))
    assert await reader_for(engine).read(_count) == 1


async def test_reads_that_do_more_than_execute_are_refused(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}")
    await migrate(engine)
    companion = thread_reads.companion_for(engine)
    assert companion is not None

    async def sleeps(connection: AsyncConnection) -> int:
        await asyncio.sleep(0)
        return 1

    with pytest.raises(RuntimeError, match="awaited something other than"):
        await asyncio.to_thread(thread_reads.run, companion, sleeps)
    with pytest.raises(TypeError, match="must be a coroutine"):
        await asyncio.to_thread(thread_reads.run, companion, lambda _connection: 1)  # type: ignore[arg-type, return-value]
    assert await asyncio.to_thread(thread_reads.run, companion, _count) == 0
    assert companion.pool.checkedin() == 1  # every connection went back, refused or not
    await engine.dispose()
    assert companion.pool.checkedin() == 0  # disposed with the async engine


async def _thread_name(connection: AsyncConnection) -> str:
    await connection.execute(text("SELECT 1"))
    return threading.current_thread().name


async def test_a_read_of_few_rows_runs_on_the_loop_thread_others_in_a_worker(
    engine: AsyncEngine,
) -> None:
    loop_thread = threading.current_thread().name
    bounds = {
        "unknown": None,
        "few": 1,
        "the most inline": thread_reads.INLINE_ROWS,
        "too many": thread_reads.INLINE_ROWS + 1,
    }
    ran_on = {
        label: await reader_for(engine).read(_thread_name, rows_at_most=rows)
        for label, rows in bounds.items()
    }
    if engine.dialect.name == "sqlite":
        assert ran_on["few"] == ran_on["the most inline"] == loop_thread
        assert loop_thread not in (ran_on["unknown"], ran_on["too many"])
    else:  # the async driver reads on the loop in any case
        assert set(ran_on.values()) == {loop_thread}


async def _collector_on_and_thread(connection: AsyncConnection) -> tuple[bool, str]:
    """Whether the cyclic collector runs while the read runs (before its statement and after
    its rows are in), and the read's thread."""
    before = gc.isenabled()
    await connection.execute(text("SELECT 1"))
    return before or gc.isenabled(), threading.current_thread().name


async def test_a_worker_thread_read_runs_whole_with_the_collector_paused(
    engine: AsyncEngine,
) -> None:
    """A worker thread's read is one synchronous stretch: paused whole, the collector never
    runs between its fetch and its conversion over the driver's rows (gc_pause.py); it runs
    again once the read is over. Reads on the loop's thread keep it as it is."""
    loop_thread = threading.current_thread().name
    assert gc.isenabled()
    collector_on, thread = await reader_for(engine).read(_collector_on_and_thread)
    assert gc.isenabled()
    if engine.dialect.name == "sqlite":
        assert thread != loop_thread
        assert not collector_on
    else:  # the async driver reads on the loop, where nothing pauses the collector
        assert thread == loop_thread
        assert collector_on
    inline_on, thread = await reader_for(engine).read(_collector_on_and_thread, rows_at_most=1)
    assert (inline_on, thread) == (True, loop_thread)


async def test_an_inline_read_sees_commits_is_counted_and_returns_its_connection(
    engine: AsyncEngine,
) -> None:
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert await reader_for(engine).read(_count, rows_at_most=1) == 0
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO app (app_id) VALUES ('north')"))
    assert await reader_for(engine).read(_count, rows_at_most=1) == 1
    assert sum("count(*) FROM app" in statement for statement in statements) == 2
    companion = thread_reads.companion_for(engine)
    if companion is not None:
        assert companion.pool.checkedout() == 0


async def test_a_reader_keeps_its_inline_connection_until_the_engine_is_disposed(
    tmp_path: Path,
) -> None:
    # A server's reader reads inline on its loop's thread through the connection it keeps;
    # once the engine is disposed of (its kept connections closed), it takes a new one.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'kept.db'}")
    await migrate(engine)
    companion = thread_reads.companion_for(engine)
    assert companion is not None
    reader = reader_for(engine)
    assert await reader.read(_count, rows_at_most=1) == 0
    assert await reader.read(_count, rows_at_most=1) == 0
    assert thread_reads.kept_connections(companion) == 1
    await engine.dispose()
    assert thread_reads.kept_connections(companion) == 0
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO app (app_id) VALUES ('north')"))
    assert await reader.read(_count, rows_at_most=1) == 1
    assert thread_reads.kept_connections(companion) == 1
    # Another thread's inline read (a test's client, another loop) uses a connection of its own.
    assert await asyncio.to_thread(asyncio.run, reader.read(_count, rows_at_most=1)) == 1
    assert thread_reads.kept_connections(companion) == 2
    assert await reader.read(_count, rows_at_most=1) == 1
    await engine.dispose()


async def test_an_inline_read_that_fails_raises_to_its_caller(engine: AsyncEngine) -> None:
    async def broken(connection: AsyncConnection) -> int:
        await connection.execute(text("SELECT * FROM no_such_table"))
        return 0

    with pytest.raises(DBAPIError, match="no_such_table"):
        await reader_for(engine).read(broken, rows_at_most=1)
    assert await reader_for(engine).read(_count, rows_at_most=1) == 0


_caller: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="nobody")


async def test_worker_reads_see_their_callers_context_and_are_at_most_one_per_core(
    engine: AsyncEngine,
) -> None:
    async def who_and_where(connection: AsyncConnection) -> tuple[str, str]:
        await connection.execute(text("SELECT 1"))
        # Blocking on purpose: on SQLite the read runs whole in a reader thread.
        time.sleep(0.01)  # noqa: ASYNC251
        return _caller.get(), threading.current_thread().name

    async def as_caller(name: str) -> tuple[str, str]:
        _caller.set(name)
        return await reader_for(engine).read(who_and_where)

    names = [f"request-{n}" for n in range(12)]
    answers = await asyncio.gather(*(as_caller(name) for name in names))
    assert [caller for caller, _thread in answers] == names
    if engine.dialect.name == "sqlite":
        threads = {thread for _caller_name, thread in answers}
        assert 1 <= len(threads) <= (os.cpu_count() or 1)
        assert all(thread.startswith("sqlite-reader") for thread in threads)


@pytest.mark.parametrize("driver_reads", [True, False], ids=["driver", "engine"])
async def test_a_read_outside_a_snapshot_leaves_the_pool_as_it_was(
    engine: AsyncEngine, driver_reads: bool
) -> None:
    async def in_transaction_block(connection: AsyncConnection) -> bool | None:
        await connection.execute(text("SELECT 1"))
        if engine.dialect.name != "postgresql":
            return None
        if isinstance(connection, DriverConnection):
            driver = connection.driver_connection
        else:
            driver = (await connection.get_raw_connection()).driver_connection
        return bool(driver.is_in_transaction())  # asyncpg's own answer

    reader = reader_for(engine, driver_reads=driver_reads)
    outside = await reader.read(in_transaction_block, one_snapshot=False)
    inside = [await reader.read(in_transaction_block) for _ in range(3)]
    if engine.dialect.name == "postgresql":
        assert outside is False  # autocommit: no BEGIN before the statement, no ROLLBACK after
        assert inside == [True] * 3  # whichever pooled connection comes next: a transaction

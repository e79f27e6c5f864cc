"""SQLite reads run whole in a worker thread on a companion engine over the same file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store import shielded, thread_reads
from store.engine import create_engine
from store.migrate import migrate


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
    assert await shielded.read(engine, _count) == 0
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO app (app_id) VALUES ('north')"))
    assert await shielded.read(engine, _count) == 1


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

"""What the read benchmarks (bench/read_cost.py, bench/read_layer.py) share: the store's engine
and, beside it, the plain driver on the same database that is their floor (`sqlite3` on a copy
of the SQLite file, asyncpg on a connection of its own), and the accounts and month they read.

Not run on its own: the two scripts import it by name, as `python bench/x.py` runs them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_serving_engine
from store.running.reader import close_readers

# The floor: a statement's SQL text and arguments on the plain driver, its rows unconverted.
Driver = Callable[[str, Sequence[Any]], Awaitable[Any]]


@asynccontextmanager
async def on_sqlite(path: Path) -> AsyncIterator[tuple[AsyncEngine, Driver]]:
    """The engine and the `sqlite3` floor on a copy of the file (the benchmark writes nothing
    to the original, whatever the reads leave behind)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        engine = create_serving_engine(f"sqlite+aiosqlite:///{copy}", statement_timeout=30)
        raw = sqlite3.connect(copy)

        async def driver(sql: str, arguments: Sequence[Any]) -> Any:
            return raw.execute(sql, arguments).fetchall()

        try:
            yield engine, driver
        finally:
            raw.close()
            await _dispose(engine)


@asynccontextmanager
async def on_postgres(url: str) -> AsyncIterator[tuple[AsyncEngine, Driver]]:
    """The engine and the asyncpg floor (its statement cache prepares each text once) on the
    database at `url`, only read."""
    engine = create_serving_engine(url, statement_timeout=30)
    raw = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))

    async def driver(sql: str, arguments: Sequence[Any]) -> Any:
        return await raw.fetch(sql, *arguments)

    try:
        yield engine, driver
    finally:
        await raw.close()
        await _dispose(engine)


async def accounts_and_month(engine: AsyncEngine) -> tuple[list[str], dt.date]:
    """Every account id in order, and the latest month with metric values."""
    async with engine.connect() as connection:
        accounts = list(
            (await connection.execute(text("SELECT account_id FROM account ORDER BY 1"))).scalars()
        )
        month = (
            await connection.execute(text("SELECT max(effective_date) FROM metric_value"))
        ).scalar_one()
    if isinstance(month, str):
        month = dt.date.fromisoformat(month)
    return accounts, month


async def _dispose(engine: AsyncEngine) -> None:
    await close_readers(engine)
    await engine.dispose()

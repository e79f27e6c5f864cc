"""What the last complete `profiling demo` wrote: a rerun that would change nothing says so at
once, rather than generate the whole demo and read every row of it back (about 10 s of CPU on
the full demo, docs/performance.md).

The stamp is the fingerprint of everything the demo is planned from (the demo package's
source, its scale and its months), the summary the run printed, and how many rows each table it
writes or derives held after it. A rerun whose fingerprint matches, over tables that hold the
same numbers of rows, has nothing to add: a changed demo file (or scale, or a new month) changes
the fingerprint and the demo is checked and written as before, and so is a demo some of whose
rows were deleted. A row edited in place keeps the counts: `profiling demo --check` reads every
row back and restores it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path

import orjson
from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from demo.calendar import MonthWindow
from demo.tables import STAMPED_TABLES
from store import write_locks
from store.tables import DEMO_LOAD_TABLE

_SOURCES = Path(__file__).parent


def demo_fingerprint(*, today: dt.date, scale: float) -> str:
    """The demo's plan, named without generating it: its source files, its scale, its months."""
    digest = hashlib.sha256()
    for path in sorted(_SOURCES.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    window = MonthWindow.before(today)
    digest.update(f"scale={scale!r};months={window.first}-{window.last}".encode())
    return digest.hexdigest()


async def _row_counts(connection: AsyncConnection, tables: tuple[Table, ...]) -> dict[str, int]:
    counts = {}
    for table in tables:
        found = await connection.execute(select(func.count()).select_from(table))
        counts[str(table.name)] = int(found.scalar_one())
    return counts


async def stamped_summary(engine: AsyncEngine, fingerprint: str) -> dict[str, int] | None:
    """The summary the last complete run printed, when it was planned as `fingerprint` and
    its tables hold as many rows as it left; None otherwise (check the demo's rows)."""
    async with engine.connect() as connection:
        found = (
            await connection.execute(
                select(DEMO_LOAD_TABLE.c.summary, DEMO_LOAD_TABLE.c.row_counts).where(
                    DEMO_LOAD_TABLE.c.fingerprint == fingerprint
                )
            )
        ).first()
        if found is None:
            return None
        summary, counts = found
        if orjson.loads(counts) != await _row_counts(connection, STAMPED_TABLES):
            return None
    loaded: dict[str, int] = orjson.loads(summary)
    return loaded


async def record_stamp(engine: AsyncEngine, fingerprint: str, summary: Mapping[str, int]) -> None:
    """Record what a complete run wrote and printed: the only stamp kept."""
    async with engine.begin() as connection:
        # The counts recorded are those of the database the stamp is written in.
        await write_locks.hold_sqlite_writes(connection)
        counts = await _row_counts(connection, STAMPED_TABLES)
        await connection.execute(delete(DEMO_LOAD_TABLE))
        await connection.execute(
            DEMO_LOAD_TABLE.insert(),
            [
                {
                    "fingerprint": fingerprint,
                    "summary": orjson.dumps(dict(summary)).decode(),
                    "row_counts": orjson.dumps(counts).decode(),
                    "written_at": dt.datetime.now(dt.UTC),
                }
            ],
        )

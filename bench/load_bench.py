"""What the load benchmarks (bench/ingest.py, bench/sales.py) share: a migrated database of
their own on each store, a load timed phase by phase, and the command line of row counts and
stores. Not run on its own: the two scripts import it by name, as `python bench/x.py` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from settings import normalize_database_url
from store.engine import create_engine
from store.ingest import IngestKind, IngestReport, ingest_file
from store.migrate import migrate


class PhaseClock:
    """An IngestProgress that notes when each phase starts."""

    def __init__(self) -> None:
        self.starts: list[tuple[str, float]] = []

    def start(self, phase: str, total: int | None = None) -> None:
        self.starts.append((phase.split()[0].lower(), time.perf_counter()))

    def advance(self, amount: int) -> None:
        pass


async def timed_load(
    engine: AsyncEngine, kind: IngestKind, path: Path
) -> tuple[IngestReport, float, dict[str, float]]:
    """The load's report, its seconds, and the seconds of each of its phases."""
    clock = PhaseClock()
    started = time.perf_counter()
    report = await ingest_file(engine, kind=kind, path=path, progress=clock)
    ended = time.perf_counter()
    marks = [*clock.starts, ("end", ended)]
    phases = {name: marks[i + 1][1] - at for i, (name, at) in enumerate(marks[:-1])}
    return report, ended - started, phases


@asynccontextmanager
async def database_of_its_own(url: str, folder: Path, name: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database: for `url` "sqlite" a file in `folder`; on PostgreSQL a
    schema `name` (with the process id) that is dropped afterwards."""
    if url == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
        await migrate(engine)
        yield engine
        await engine.dispose()
        return
    schema = f"{name}_{os.getpid()}"
    url = normalize_database_url(url)
    admin = create_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


def run_sizes(
    description: str, bench: Callable[[str, str, int], Coroutine[Any, Any, None]]
) -> None:
    """`bench(backend, url, rows)` for each --rows, on SQLite (unless --skip-sqlite) and on
    PostgreSQL when --database-url (or TEST_DATABASE_URL) names one."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    backends = [] if args.skip_sqlite else [("sqlite", "sqlite")]
    if args.database_url:
        backends.append(("postgresql", args.database_url))
    for rows in args.rows:
        for backend, url in backends:
            asyncio.run(bench(backend, url, rows))

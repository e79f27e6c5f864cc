"""How many SQL statements one first publish of a month runs (six accounts, one metric), on
SQLite and, with --database-url, PostgreSQL (wiped and refilled: point it at a scratch database;
there also on a pool of one connection, where the checkout supports it). Counts the statements
SQLAlchemy sends on every connection of the engine, so the figure does not depend on the
machine's load (docs/performance.md).

    PYTHONPATH=. .venv/bin/python bench/publish_statements.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from scratch import fresh_database
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_engine
from store.jobs.publish import publish_month
from tests.factories import Seed  # the tests' data builder: six accounts need no more

MONTH, TODAY = dt.date(2023, 3, 1), dt.date(2023, 4, 10)


async def _statements(engine: AsyncEngine) -> int:
    seed = Seed()
    seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
    seed.industry("retail")
    for n in range(6):
        seed.account(f"r{n}", industry="retail")
        seed.metric("account", f"r{n}", "csat", MONTH.isoformat(), str(50 + n))
    await seed.write(engine)
    statements = 0

    def counted(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    await publish_month(engine, month=MONTH, today=TODAY, min_cohort=5)
    event.remove(engine.sync_engine, "before_cursor_execute", counted)
    return statements


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = await fresh_database(f"sqlite+aiosqlite:///{Path(folder) / 'publish.db'}")
        print(f"SQLite                          {await _statements(engine):>4} statements")
        await engine.dispose()
    if arguments.database_url:
        engine = await fresh_database(arguments.database_url)
        print(f"PostgreSQL                      {await _statements(engine):>4} statements")
        await engine.dispose()
        engine = await fresh_database(arguments.database_url)
        await engine.dispose()
        one = create_engine(arguments.database_url, pool_size=1, max_overflow=0, pool_timeout=5)
        try:
            print(f"PostgreSQL, a pool of one       {await _statements(one):>4} statements")
        except Exception as failed:  # the figure is that it fails (the pool's timeout)
            print(f"PostgreSQL, a pool of one       fails: {type(failed).__name__}")
        await one.dispose()


if __name__ == "__main__":
    asyncio.run(main())

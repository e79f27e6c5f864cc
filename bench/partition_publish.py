"""Publish of one month on a loaded PostgreSQL database, client and server CPU and wall,
each run rolled back by deleting what it froze (the month is published again next run):

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD python bench/partition_publish.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from pathlib import Path

from sqlalchemy import text

from store.engine import create_engine
from store.jobs.publish import publish_month

TICKS = os.sysconf("SC_CLK_TCK")


def _server_cpu(database: str) -> float:
    """CPU of the PostgreSQL backends of this database (the server on this machine)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_text()
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres") and f" {database} " in title:
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


async def main() -> None:
    engine = create_engine(os.environ["DATABASE_URL"])
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    async with engine.connect() as connection:
        months = sorted(
            row[0]
            for row in await connection.execute(
                text("SELECT DISTINCT effective_date FROM metric_value")
            )
        )
    month = months[len(months) // 2]
    for _ in range(3):
        async with engine.begin() as connection:
            for table in ("cohort_revision", "cohort", "published_month"):
                await connection.execute(text(f"DELETE FROM {table}"))
        wall, cpu, server = time.perf_counter(), time.process_time(), _server_cpu(database)
        await publish_month(engine, month=month, today=dt.date(2100, 1, 1), min_cohort=5)
        print(
            f"publish {month:%Y-%m}: wall {time.perf_counter() - wall:.2f} s, client CPU "
            f"{time.process_time() - cpu:.2f} s, "
            f"postgres CPU {_server_cpu(database) - server:.2f} s"
        )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())

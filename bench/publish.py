"""Publishing a month, and serving its benchmarks, at 1k, 10k and 100k accounts x 20 metrics.

    .venv/bin/python bench/publish.py [--database-url URL] [--sizes 1000,10000,100000]

Without --database-url it uses a temporary SQLite database; a PostgreSQL URL is wiped and
refilled (point it at a scratch database). Prints, per size: values in the month, the time to
publish it, and the median time of `sectorBenchmarks` for all sectors of one metric (HTTP in
process) and of one account's comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import httpx
from scratch import fresh_database
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings, normalize_database_url
from store.jobs.publish import publish_month
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    METRIC_TABLE,
)
from store.upsert import upsert

SECTORS = 12
METRICS = 20
MONTH = dt.date(2024, 1, 1)
TODAY = dt.date(2024, 2, 15)


async def fill(engine: AsyncEngine, accounts: int) -> int:
    rng = random.Random(accounts)
    async with engine.begin() as connection:
        await upsert(connection, APP_TABLE, [{"app_id": "bench"}])
        await upsert(
            connection,
            INDUSTRY_TABLE,
            [{"industry_id": f"s{s:02d}", "name": f"Sector {s}"} for s in range(SECTORS)],
        )
        await upsert(
            connection,
            DEFINITION_TABLE,
            [
                {
                    "name": f"m{m:02d}",
                    "unit": "count",
                    "description": "",
                    "higher_is_better": m % 3 != 0,
                    "aggregation": ("sum", "mean", "median", "min", "max")[m % 5],
                }
                for m in range(METRICS)
            ],
        )
        await upsert(
            connection,
            ACCOUNT_TABLE,
            [
                {
                    "account_id": f"a{a:06d}",
                    "app_id": "bench",
                    "name": f"Account {a}",
                    "industry_id": f"s{a % SECTORS:02d}",
                    "is_key_account": False,
                    "n_employees": None,
                }
                for a in range(accounts)
            ],
        )
        rows = [
            {
                "level": "account",
                "entity_id": f"a{a:06d}",
                "metric_name": f"m{m:02d}",
                "effective_date": MONTH,
                "value": Decimal(rng.randint(0, 10**6)) / 100,
            }
            for a in range(accounts)
            for m in range(METRICS)
        ]
        await upsert(connection, METRIC_TABLE, rows)
    return len(rows)


async def median_request(http: httpx.AsyncClient, query: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query})
        times.append(time.perf_counter() - started)
        assert "errors" not in response.json(), response.text
    return statistics.median(times[1:])


async def run(url: str, accounts: int) -> None:
    engine = await fresh_database(url)
    values = await fill(engine, accounts)
    started = time.perf_counter()
    await publish_month(engine, month=MONTH, today=TODAY, min_cohort=5)
    publish_seconds = time.perf_counter() - started
    app = create_app(
        require_keys=False,
        settings=load_settings({"PROFILING_TODAY": TODAY.isoformat()}),
        engine=engine,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as http:
        benchmarks = await median_request(
            http, '{ sectorBenchmarks(metric: "m01") { sector cohortSize p25 p50 p75 p90 } }'
        )
        comparison = await median_request(
            http,
            '{ account(accountId: "a000007") { comparison(metric: "m01") '
            "{ customerPercentile sectorP50 insight } } }",
        )
    print(
        f"{engine.dialect.name:>10} {accounts:>8,} {values:>10,} {publish_seconds:>10.2f} "
        f"{benchmarks * 1000:>14.1f} {comparison * 1000:>14.1f}"
    )
    await engine.dispose()


def main_over_sizes(
    run: Callable[[str, int], Awaitable[None]], header: str, *, doc: str, stem: str, sizes: str
) -> None:
    """The command line of a benchmark over sizes: `--database-url` (default a temporary SQLite
    database a size, named after `stem`) and `--sizes` (default `sizes`); prints `header`, then
    awaits `run(url, accounts)` for each size."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default=sizes)
    arguments = parser.parse_args()

    async def main() -> None:
        print(header)
        with tempfile.TemporaryDirectory() as folder:
            for accounts in map(int, arguments.sizes.split(",")):
                url = normalize_database_url(
                    arguments.database_url
                    or f"sqlite+aiosqlite:///{Path(folder) / f'{stem}{accounts}.db'}"
                )
                await run(url, accounts)

    asyncio.run(main())


if __name__ == "__main__":
    main_over_sizes(
        run,
        f"{'store':>10} {'accounts':>8} {'values':>10} {'publish s':>10} "
        f"{'benchmarks ms':>14} {'comparison ms':>14}",
        doc=__doc__,
        stem="publish",
        sizes="1000,10000,100000",
    )

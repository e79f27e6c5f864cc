"""PostgreSQL reads on asyncpg against the same reads through SQLAlchemy, in one process.

    .venv/bin/python bench/read_path.py --database-url postgresql://... [--requests 1000]

Two apps over one database, one with PROFILING_DRIVER_READS on (the default) and one with it
off, take turns (three rounds) on the small query (one account, its ten rows of the last full
month) and on 100 accounts (12,000 rows), one client and then eight at once (the ASGI app in
process, HTTP request to JSON bytes). It prints, per request, the wall time and the CPU time of
the process (the figure that holds on a busy machine: the wall time follows the machine's
load), and the PostgreSQL sessions each app opened. The database is filled as
bench/metrics_query.py fills it if it holds no metric values (a PostgreSQL URL only; it is not
wiped).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from metrics_query import accounts_query, fill
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.served_app import freeze_startup_objects
from settings import load_settings, normalize_database_url
from store.engine import create_engine, create_serving_engine
from store.migrate import migrate

TODAY = "2024-01-15"
SMALL = """query ($id: String!) { account(accountId: $id) {
    metrics(lastFullMonth: true) { metricName value unit effectiveDate } } }"""
SHAPES = {
    "one account (10 rows)": {"query": SMALL, "variables": {"id": "acc-00001"}},
    "100 accounts (12,000 rows)": {
        "query": accounts_query("metricName value unit effectiveDate"),
        "variables": {"first": 100},
    },
}


async def sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        )
        return int(found.scalar_one())


@contextlib.asynccontextmanager
async def app_client(url: str, driver_reads: bool) -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(
        {"PROFILING_TODAY": TODAY, "DATABASE_URL": url, "PROFILING_DRIVER_READS": str(driver_reads)}
    )
    engine = create_serving_engine(
        url, statement_timeout=settings.request_timeout, pool_size=settings.database_pool_size
    )
    app = create_app(require_keys=False, settings=settings, engine=engine)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench"
            ) as http,
        ):
            yield http
    finally:
        await engine.dispose()


async def measure(
    http: httpx.AsyncClient, body: dict[str, Any], requests: int, clients: int
) -> tuple[float, float]:
    async def client(count: int) -> None:
        for _ in range(count):
            response = await http.post("/graphql", json=body)
            assert response.status_code == 200, response.text
            assert b'"errors"' not in response.content, response.text[:300]

    await client(5)  # warm: pools, plans, caches
    each = max(1, requests // clients)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(each) for _ in range(clients)))
    done = each * clients
    return (time.perf_counter() - wall) / done, (time.process_time() - cpu) / done


async def main(url: str, requests: int, rounds: int) -> None:
    counting = create_engine(url)
    await migrate(counting)
    async with counting.connect() as connection:
        empty = (await connection.execute(text("SELECT count(*) FROM metric_value"))).scalar_one()
    if not empty:
        await fill(counting)
    freeze_startup_objects()
    results: dict[tuple[str, int, bool], list[tuple[float, float]]] = {}
    opened: dict[bool, int] = {True: 0, False: 0}
    for _round in range(rounds):
        for driver_reads in (False, True):
            before = await sessions(counting)
            async with app_client(url, driver_reads) as http:
                for label, body in SHAPES.items():
                    count = requests if "one account" in label else max(20, requests // 50)
                    for clients in (1, 8):
                        results.setdefault((label, clients, driver_reads), []).append(
                            await measure(http, body, count, clients)
                        )
            opened[driver_reads] += await sessions(counting) - before
    await counting.dispose()
    load = os.getloadavg()[0]
    print(
        f"median of {rounds} rounds; load average at the end {load:.1f} on {os.cpu_count()} cores"
    )
    header = ("shape", "clients", "engine ms (cpu)", "asyncpg ms (cpu)", "cpu ratio")
    print(f"{header[0]:<28} {header[1]:>7} {header[2]:>16} {header[3]:>17} {header[4]:>9}")
    for label in SHAPES:
        for clients in (1, 8):
            standard = results[label, clients, False]
            driver = results[label, clients, True]
            s_wall, s_cpu = (statistics.median(v) * 1000 for v in zip(*standard, strict=True))
            d_wall, d_cpu = (statistics.median(v) * 1000 for v in zip(*driver, strict=True))
            print(
                f"{label:<28} {clients:>7} {s_wall:>8.2f} ({s_cpu:.2f}) "
                f"{d_wall:>9.2f} ({d_cpu:.2f}) {d_cpu / s_cpu:>8.2f}x"
            )
    print(f"sessions opened: engine reads {opened[False]}, asyncpg reads {opened[True]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    url = normalize_database_url(arguments.database_url)
    asyncio.run(main(url, arguments.requests, arguments.rounds))

"""The cost of a read above its driver: the store's reads against the same SQL on the driver.

    PYTHONPATH=$PWD .venv/bin/python bench/read_cost.py [--sqlite-path PATH]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_peers] [--rounds 3]

The reads of the peers benchmark's two queries (bench/peers.py), each through
`reader_for(engine).read(...)` as the DataLoaders call it:

- small: one account by id, then its 10 metric rows of one month (two reads, as a request
  before the look-ahead joined them), and the account with its rows in one statement (the read
  the small query makes now, store/reads/account_metrics.py);
- large: the 12,000 metric rows of the first 100 accounts (the 100-account query's second read).

Beside each, the floor: the same SQL text with the same arguments on the plain driver
(`sqlite3.Connection.execute(...).fetchall()`, asyncpg's `Connection.fetch` on a connection of
its own, statements prepared and cached by asyncpg), no conversion. It prints CPU microseconds
per read and Python function calls per read (cProfile), the reads and the floor taking turns
for `--rounds` rounds. The SQLite file is copied first; the PostgreSQL database is only read
(bench/peers.py fills `bench_peers`; bench/read_path.py fills a database of yours)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from read_floor import Driver, accounts_and_month, on_postgres, on_sqlite  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from settings import normalize_database_url  # noqa: E402
from store.reads import account_metrics  # noqa: E402
from store.reads import entities as reads  # noqa: E402
from store.reads.entities import MetricFilter  # noqa: E402
from store.running.reader import reader_for  # noqa: E402
from store.scope import INTERNAL  # noqa: E402
from store.tables import Level  # noqa: E402

Step = Callable[[int], Awaitable[Any]]


def _sql_of(
    statement: Any, engine: AsyncEngine, parameters: dict[str, Any]
) -> tuple[str, list[Any]]:
    """The text and arguments a DriverSelect sends for these parameters."""
    sql, arguments = statement.sql(engine.dialect, parameters)
    return sql, list(arguments)


async def _time(step: Step, count: int) -> tuple[float, float]:
    """CPU us per call, and Python calls per call (a second pass under cProfile)."""
    for number in range(min(count, 50)):  # warm: caches, plans, prepared statements
        await step(number)
    cpu = time.process_time()
    for number in range(count):
        await step(number)
    cpu = (time.process_time() - cpu) / count * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(count):
        await step(number)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / count  # type: ignore[attr-defined]
    return cpu, calls


async def measure(engine: AsyncEngine, driver: Driver, rounds: int, small: int, large: int) -> None:
    accounts, month = await accounts_and_month(engine)
    reader = reader_for(engine)
    month_filter = MetricFilter(months=(month,))
    everything = MetricFilter()
    first_100 = accounts[:100]

    def account_read(number: int) -> Any:
        ids = [accounts[number % len(accounts)]]
        return reader.read(
            lambda c: reads.accounts_by_id(c, account_ids=ids, scope=INTERNAL),
            rows_at_most=1,
            one_snapshot=False,
        )

    def metrics_read(number: int) -> Any:
        ids = [accounts[number % len(accounts)]]
        return reader.read(
            lambda c: reads.metrics_by_entity(
                c, level=Level.ACCOUNT, entity_ids=ids, metric_filter=month_filter
            ),
            rows_at_most=reads.metric_rows_at_most([(month_filter, 1)]),
            one_snapshot=False,
        )

    def large_read(_number: int) -> Any:
        return reader.read(
            lambda c: reads.metrics_by_entity(
                c, level=Level.ACCOUNT, entity_ids=first_100, metric_filter=everything
            ),
            rows_at_most=None,
            one_snapshot=False,
        )

    def joined_read(number: int) -> Any:
        ids = [accounts[number % len(accounts)]]
        return reader.read(
            lambda c: account_metrics.accounts_with_metrics(
                c, account_ids=ids, metric_filter=month_filter, scope=INTERNAL
            ),
            rows_at_most=account_metrics.rows_at_most(
                reads.metric_rows_at_most([(month_filter, 1)]), 1
            ),
            one_snapshot=False,
        )

    async def small_pair(number: int) -> Any:
        await account_read(number)
        return await metrics_read(number)

    account_statement = reads._accounts_by_id(INTERNAL)
    metrics_statement = reads._metrics_by_entity(False, True)
    large_statement = reads._metrics_by_entity(False, False)

    def floor_of(statement: Any, parameters: Callable[[int], dict[str, Any]]) -> Step:
        async def step(number: int) -> Any:
            sql, arguments = _sql_of(statement, engine, parameters(number))
            return await driver(sql, arguments)

        return step

    def one(number: int) -> list[str]:
        return [accounts[number % len(accounts)]]

    account_floor = floor_of(account_statement, lambda n: {"ids": one(n)})
    metrics_floor = floor_of(
        metrics_statement, lambda n: {"level": "account", "ids": one(n), "months": [month]}
    )
    joined_floor = floor_of(
        account_metrics.statement_of([], month_filter, INTERNAL)[0],
        lambda n: {"ids": one(n), "months": [month]},
    )
    large_floor = floor_of(large_statement, lambda n: {"level": "account", "ids": first_100})

    async def floor_pair(number: int) -> Any:
        await account_floor(number)
        return await metrics_floor(number)

    shapes: list[tuple[str, Step, Step, int]] = [
        ("account by id (1 row)", account_read, account_floor, small),
        ("one account's month (10 rows)", metrics_read, metrics_floor, small),
        ("the small query's two reads", small_pair, floor_pair, small),
        ("the account with its rows (1 read)", joined_read, joined_floor, small),
        ("100 accounts' rows (12,000)", large_read, large_floor, large),
    ]
    results: dict[str, list[tuple[float, float, float, float]]] = {}
    for _round in range(rounds):
        for label, ours, floor, count in shapes:
            our_cpu, our_calls = await _time(ours, count)
            floor_cpu, floor_calls = await _time(floor, count)
            results.setdefault(label, []).append((our_cpu, our_calls, floor_cpu, floor_calls))
    print(
        f"{engine.dialect.name}: median of {rounds} rounds, load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print(
        f"{'read':<36} {'ours us CPU':>12} {'calls':>7} {'driver us CPU':>14} {'calls':>7}"
        f" {'above driver':>13} {'ratio':>6}"
    )
    for label, values in results.items():
        ours_cpu, ours_calls, floor_cpu, floor_calls = (
            statistics.median(column) for column in zip(*values, strict=True)
        )
        spread = "/".join(f"{value[0]:.0f}" for value in values)
        print(
            f"{label:<36} {ours_cpu:>12,.1f} {ours_calls:>7,.0f} {floor_cpu:>14,.1f}"
            f" {floor_calls:>7,.0f} {ours_cpu - floor_cpu:>13,.1f} {ours_cpu / floor_cpu:>5.2f}x"
            f"   (ours per round: {spread})"
        )


async def on_target(
    target: AbstractAsyncContextManager[tuple[AsyncEngine, Driver]], arguments: argparse.Namespace
) -> None:
    async with target as (engine, driver):
        await measure(engine, driver, arguments.rounds, arguments.small, arguments.large)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sqlite-path", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=2000, help="small reads per measurement")
    parser.add_argument("--large", type=int, default=20, help="large reads per measurement")
    arguments = parser.parse_args()
    if arguments.sqlite_path is None and arguments.database_url is None:
        arguments.sqlite_path = Path.home() / ".cache/profiling-bench/peers.db"
    try:
        import uvloop

        run: Callable[[Any], Any] = uvloop.run
    except ImportError:
        run = asyncio.run
    if arguments.sqlite_path is not None:
        run(on_target(on_sqlite(arguments.sqlite_path.expanduser()), arguments))
    if arguments.database_url is not None:
        run(on_target(on_postgres(normalize_database_url(arguments.database_url)), arguments))


if __name__ == "__main__":
    main()

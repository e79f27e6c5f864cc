"""The small query's read against a bare driver call of the same SQL, in one process.

    PYTHONPATH=$PWD .venv/bin/python bench/read_layer.py [--store sqlite|postgres]
        [--sqlite-path ~/.cache/profiling-bench/peers.db]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_peers] [--reads 5000]

The read: one account with its 10 metric rows of the last month
(`store/reads/account_metrics.py`), through `reader_for(engine).read` as the DataLoader calls
it, the account changing every read. The floor: the same SQL text and arguments (computed
before the loop) on the bare driver, `sqlite3` `execute().fetchall()` or asyncpg `fetch` (its
statement cache prepares the text once), no conversion. Prints CPU microseconds per read of
each, three rounds in turn (`time.process_time`: on PostgreSQL the client's side only)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from functools import partial
from pathlib import Path

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


async def measure(engine: AsyncEngine, driver: Driver, reads_count: int) -> None:
    accounts, month = await accounts_and_month(engine)
    metric_filter = MetricFilter(months=(month,))
    reader = reader_for(engine)
    bound = account_metrics.rows_at_most(reads.metric_rows_at_most([(metric_filter, 1)]), 1)
    ids = [[accounts[number % len(accounts)]] for number in range(reads_count)]
    statement, _ = account_metrics.statement_of(ids[0], metric_filter, INTERNAL)
    texts = [
        statement.sql(engine.dialect, {"ids": account_ids, "months": [month]})
        for account_ids in ids
    ]

    async def ours() -> None:
        for account_ids in ids:
            await reader.read(
                partial(
                    account_metrics.accounts_with_metrics,
                    account_ids=account_ids,
                    metric_filter=metric_filter,
                    scope=INTERNAL,
                ),
                rows_at_most=bound,
                one_snapshot=False,
            )

    async def floor() -> None:
        for sql, arguments in texts:
            await driver(sql, arguments)

    await ours()  # warm: texts, converters, prepared statements
    await floor()
    print(
        f"{engine.dialect.name}, {reads_count} reads a round, load average "
        f"{' '.join(f'{value:.2f}' for value in os.getloadavg())}"
    )
    for _round in range(3):
        started = time.process_time()
        await floor()
        floor_us = (time.process_time() - started) / reads_count * 1e6
        started = time.process_time()
        await ours()
        ours_us = (time.process_time() - started) / reads_count * 1e6
        print(
            f"  driver {floor_us:6.1f} us, the read {ours_us:6.1f} us a read: "
            f"{ours_us - floor_us:5.1f} us above, {ours_us / floor_us:.2f}x"
        )


async def on_store(arguments: argparse.Namespace) -> None:
    target = (
        on_postgres(normalize_database_url(arguments.postgres_url))
        if arguments.store == "postgres"
        else on_sqlite(arguments.sqlite_path.expanduser())
    )
    async with target as (engine, driver):
        await measure(engine, driver, arguments.reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument("--reads", type=int, default=5000)
    asyncio.run(on_store(parser.parse_args()))


if __name__ == "__main__":
    main()

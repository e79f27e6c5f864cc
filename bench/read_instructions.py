"""Loops of PostgreSQL reads to run under callgrind: the instructions of a read, not its time.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python \\
        bench/read_instructions.py reader|fetch [--reads 3000] [--accounts 1] \\
        [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_peers]

Runs 200 reads of warm-up, then `--reads` more, and nothing else: the instructions of a run with
`--reads 0` taken from one with N are N reads' (the load of the machine does not move them).

- `reader`: `SELECT 1` through the server's PostgreSQL reader (`reader_for(engine).read(...)`,
  store/running/reader.py): what a read costs above its statement (the pool, the reader);
- `fetch`: the rows of `--accounts` accounts of one month in one statement on a plain asyncpg
  connection with the read pool's NUMERIC codec (store/running/driver_pool.py): what a
  statement costs on its own and what each of its rows adds.

Data: bench/peers_data.py's data set (`bench/peers.py --only postgres` builds it)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.engine import create_serving_engine
from store.running.reader import close_readers, reader_for

WARM_UP = 200
MONTH = dt.date(2023, 12, 1)
ROWS_SQL = (
    "SELECT v.entity_id, v.metric_name, v.value, v.effective_date FROM metric_value v "
    "WHERE v.level = 'account' AND v.entity_id = ANY($1) AND v.effective_date = $2 "
    "ORDER BY v.entity_id, v.metric_name"
)


async def reader_reads(url: str, reads: int) -> None:
    engine = create_serving_engine(
        "postgresql+asyncpg://" + url.removeprefix("postgresql://"), statement_timeout=10
    )
    reader = reader_for(engine)

    async def query(connection: Any) -> list[Any]:
        rows: list[Any] = await connection.fetch("SELECT 1", ())
        return rows

    try:
        for _ in range(WARM_UP + reads):
            await reader.read(query, one_snapshot=False)
    finally:
        await close_readers(engine)
        await engine.dispose()


async def fetches(url: str, reads: int, accounts: int) -> None:
    connection = await asyncpg.connect(url)
    await connection.set_type_codec(
        "numeric", schema="pg_catalog", encoder=str, decoder=Decimal, format="text"
    )
    try:
        for number in range(WARM_UP + reads):
            ids = [f"acc-{(number * accounts + k) % 1000:05d}" for k in range(accounts)]
            rows = await connection.fetch(ROWS_SQL, ids, MONTH)
            if len(rows) != 10 * accounts:
                raise SystemExit(f"{len(rows)} rows for {accounts} accounts: not the data set")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("what", choices=["reader", "fetch"])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--accounts", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    arguments = parser.parse_args()
    if arguments.what == "reader":
        run = reader_reads(arguments.postgres_url, arguments.reads)
    else:
        run = fetches(arguments.postgres_url, arguments.reads, arguments.accounts)
    try:
        import uvloop
    except ImportError:
        asyncio.run(run)
    else:
        uvloop.run(run)


if __name__ == "__main__":
    main()

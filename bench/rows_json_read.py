"""The small query's inline SQLite read alone, from the compiled plan's call down to the driver:
its instructions a read under callgrind, against the same statement text run bare.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD valgrind --tool=callgrind --callgrind-out-file=/tmp/r.out \\
        .venv/bin/python bench/rows_json_read.py read|bare [--reads 2000] [--sqlite-path PEERS]
    # and the same with --reads 0: (N reads' - 0 reads') / N from `grep summary /tmp/r.out`

- `read`: `account_rows_json_now` (resolvers/loaders.py), as schema/execution/account_rows.py
  calls it for the small query: the reader's inline read, the store's read of the account and
  its rows as JSON text (store/reads/account_metrics_json.py), the driver;
- `bare`: the same SQL text and arguments on a plain `sqlite3` connection (`execute`,
  `fetchall`): what SQLite and its binding cost. `read` less `bare` is the Python around it.

300 reads of warm-up, then `--reads` more, a different account each, the month of
bench/peers.py. Data: bench/peers_data.py's SQLite file (a copy: the engine's start may write)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.ext.asyncio import create_async_engine

from resolvers.loaders import account_rows_bound, account_rows_json_now
from store.reads.account_metrics_json import RowColumn, RowField, statement_of
from store.reads.entities import MetricFilter
from store.running.reader import reader_for
from store.scope import INTERNAL

WARM_UP = 300
MONTH = dt.date(2023, 12, 1)
FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("value", RowColumn.VALUE),
    RowField("unit", RowColumn.UNIT),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("mode", choices=["read", "bare"])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    path = arguments.sqlite_path.expanduser().resolve()
    accounts = [
        row[0] for row in sqlite3.connect(path).execute("SELECT account_id FROM account ORDER BY 1")
    ]
    metric_filter = MetricFilter(months=(MONTH,))
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    reads = WARM_UP + arguments.reads
    if arguments.mode == "bare":
        statement, parameters = statement_of(
            ["a"], metric_filter, INTERNAL, FIELDS, engine.sync_engine.dialect
        )
        sql, given = statement.sql(engine.sync_engine.dialect, parameters)
        connection = sqlite3.connect(path)
        for number in range(reads):
            account = accounts[number % len(accounts)]
            connection.execute(sql, tuple(account if a == "a" else a for a in given)).fetchall()
        return
    reader = reader_for(engine)
    bound = account_rows_bound(metric_filter)
    for number in range(reads):
        account_rows_json_now(
            reader, INTERNAL, accounts[number % len(accounts)], metric_filter, FIELDS, bound
        )
    asyncio.run(engine.dispose())


if __name__ == "__main__":
    main()

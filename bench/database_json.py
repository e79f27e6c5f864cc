"""The small query's read and answer, its rows' JSON written by Python or by the database.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python \\
        bench/database_json.py standard|json [--reads 2000] [--store sqlite|postgres] \\
        [--sqlite-path /tmp/peers.sqlite] [--postgres-url postgresql://postgres@.../bench_peers]

Runs 200 reads of warm-up, then `--reads` more, and nothing else: the instructions of a run
with `--reads 0` taken from one with N are N requests' (the load does not move them). Each
read is the small query's (one account of bench/peers_data.py's data set, one month, ten rows)
through the server's reader, as the request's DataLoader batch runs it, then the answer's bytes:

- `standard`: `accounts_with_metrics` (store/reads/account_metrics.py), the records turned into
  the answer's objects (str of the Decimal, isoformat of the date), orjson;
- `json`: `accounts_with_rows_json` (store/reads/account_metrics_json.py), its text embedded
  by orjson as it is (orjson.Fragment);
- `server` (PostgreSQL): the two statements alone on one asyncpg connection, interleaved in
  blocks, and the CPU its server process (the backend) spends on each, from /proc (the
  database's share of the work the `json` form moves into it).

Both print the last answer, which must be the same. Data: bench/peers.py builds it (or
bench/peers_data.py's ensure_sqlite / ensure_postgres)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resolvers.loaders import _ACCOUNTS_WITH_METRICS, _account_rows_at_most
from resolvers.loaders import _accounts_with_metrics_of as standard_of
from resolvers.metrics import _filter_of
from store.engine import create_serving_engine
from store.reads.account_metrics_json import RowColumn, RowField, accounts_with_rows_json
from store.running.reader import close_readers, reader_for
from store.scope import INTERNAL

WARM_UP = 200
MONTH = dt.date(2023, 12, 1)
FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("value", RowColumn.VALUE),
    RowField("unit", RowColumn.UNIT),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)


def _json_of(metric_filter: Any, connection: Any, account_ids: Any) -> Any:
    return accounts_with_rows_json(
        connection,
        account_ids=account_ids,
        metric_filter=metric_filter,
        scope=INTERNAL,
        fields=FIELDS,
    )


async def run(url: str, what: str, reads: int) -> bytes:
    engine = create_serving_engine(url, statement_timeout=10)
    reader = reader_for(engine)
    metric_filter = _filter_of(None, (MONTH,), None)
    bound = partial(_account_rows_at_most, metric_filter)
    answer = b""
    try:
        for number in range(WARM_UP + reads):
            account_id = f"acc-{number % 1000:05d}"
            if what == "standard":
                found = await reader.read_keys(
                    (_ACCOUNTS_WITH_METRICS, INTERNAL, metric_filter),
                    [account_id],
                    partial(standard_of, metric_filter, INTERNAL),
                    rows_at_most=bound,
                )
                _record, rows = found[account_id]
                answer = orjson.dumps(
                    {
                        "data": {
                            "account": {
                                "metrics": [
                                    {
                                        "metricName": row.metric_name,
                                        "value": str(row.value),
                                        "unit": row.unit,
                                        "effectiveDate": row.effective_date.isoformat(),
                                    }
                                    for row in rows
                                ]
                            }
                        }
                    }
                )
            else:
                texts = await reader.read_keys(
                    ("json", INTERNAL, metric_filter),
                    [account_id],
                    partial(_json_of, metric_filter),
                    rows_at_most=bound,
                )
                _record, text = texts[account_id]
                answer = orjson.dumps({"data": {"account": {"metrics": orjson.Fragment(text)}}})
    finally:
        await close_readers(engine)
        await engine.dispose()
    return answer


async def server_cpu(url: str, reads: int) -> None:
    """Prints the backend's CPU (us) a statement, standard and JSON, interleaved in blocks."""
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

    from store.reads.account_metrics import statement_of as standard_statement
    from store.reads.account_metrics_json import statement_of as json_statement

    dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]
    metric_filter = _filter_of(None, (MONTH,), None)
    texts = {
        "standard": standard_statement(["acc-00001"], metric_filter, INTERNAL)[0].sql(
            dialect, {"ids": ["acc-00001"], "months": [MONTH]}
        ),
        "json": json_statement(["acc-00001"], metric_filter, INTERNAL, FIELDS, dialect)[0].sql(
            dialect, {"ids": ["acc-00001"], "months": [MONTH]}
        ),
    }
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        pid = await connection.fetchval("SELECT pg_backend_pid()")
        ticks = os.sysconf("SC_CLK_TCK")

        def cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks

        prepared = {name: await connection.prepare(sql) for name, (sql, _a) in texts.items()}
        spent = dict.fromkeys(texts, 0.0)
        block = 200
        for number in range(WARM_UP // block + reads // block):
            for name, statement in prepared.items():
                arguments = list(texts[name][1])
                at = arguments.index("acc-00001")
                started = cpu()
                for k in range(block):
                    arguments[at] = f"acc-{(number * block + k) % 1000:05d}"
                    await statement.fetch(*arguments)
                if number >= WARM_UP // block:
                    spent[name] += cpu() - started
        for name, seconds in spent.items():
            print(f"{name}: {seconds / reads * 1e6:.1f} us of backend CPU a statement")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("what", choices=["standard", "json", "server"])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sqlite-path", default="/tmp/peers.sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    arguments = parser.parse_args()
    if arguments.store == "sqlite":
        url = f"sqlite+aiosqlite:///{arguments.sqlite_path}"
    else:
        url = "postgresql+asyncpg://" + arguments.postgres_url.removeprefix("postgresql://")
    if arguments.what == "server":
        asyncio.run(server_cpu(url, arguments.reads))
        return
    try:
        import uvloop
    except ImportError:
        answer = asyncio.run(run(url, arguments.what, arguments.reads))
    else:
        answer = uvloop.run(run(url, arguments.what, arguments.reads))
    sys.stdout.buffer.write(answer + b"\n")


if __name__ == "__main__":
    main()

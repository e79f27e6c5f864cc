"""Every read of metric_value that may use one of its indexes, planned and run by PostgreSQL:
EXPLAIN (ANALYZE, BUFFERS) of each statement as the server sends it (its custom plan, the
parameters known), with the median planning and execution times, the buffers its plan touched
(shared hit + read, the plan's root, which the load of the machine does not move) and the
indexes it went through (month partitions folded into one name). Run against a database
loaded by `bench/ingest_setup.py`'s file (1,000 accounts x 20 metrics x 50 months):

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD .venv/bin/python \\
        bench/metric_index_plans.py [--without INDEX] [--plans FILE]

The reads: the account's metrics (store/reads/account_metrics.py) and metrics_by_entity
(store/reads/entities.py) in the shapes the API sends (one account and one month, some months,
every month; one and 100 accounts, or --accounts), the published months of accounts' metrics
(store/reads/benchmarks.py, over the latest 12 months marked published: `--publish` marks them
once, committed), publish's values of a month (store/jobs/publish.py), a party move's check
for an account's values (store/ingest/party_moves.py) and the list sizes' count of months
(store/reads/list_sizes.py: the default partition's skip scan, then a probe of each month
partition). `--without INDEX` drops that index in a transaction rolled back at the end: the
plans without it, on the same data. `--cpu S`: also the server's CPU per execution of each read
as asyncpg runs it (a prepared statement), executed until it used S seconds of CPU (the
backend's, from /proc: the server must run on this machine)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Date, column, exists, select, table
from sqlalchemy.dialects import postgresql

from store.jobs.publish import _MONTH_VALUES
from store.month_partitions import MonthPartition
from store.reads.account_metrics import statement_of
from store.reads.entities import MetricFilter, _metrics_by_entity
from store.reads.list_sizes import _distinct_dates, _partition
from store.scope import INTERNAL
from store.tables import (
    ACCOUNT_TABLE,
    METRIC_DEFAULT_PARTITION,
    METRIC_TABLE,
    Level,
)

ROUNDS = 5
_MONTH_NAME = re.compile(r"y\d{4}m\d{2}")
_DIALECT = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]

Read = tuple[str, str, list[Any]]


def _core(statement: Any) -> tuple[str, list[Any]]:
    """A Core statement as text with its values written in (what a custom plan sees)."""
    compiled = statement.compile(
        dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"literal_binds": True},
    )
    return str(compiled), []


def _reads(
    ids: list[str],
    months: list[dt.date],
    names: list[str],
    partitions: list[MonthPartition],
    many: int,
) -> list[Read]:
    month = months[len(months) // 2]
    latest = months[-12:]
    reads: list[Read] = []
    shapes = {
        "1 account, 1 month": (ids[:1], MetricFilter(months=(month,))),
        "1 account, 12 months": (ids[:1], MetricFilter(months=tuple(latest))),
        "1 account, every month": (ids[:1], MetricFilter()),
        f"{many} accounts, 1 month": (ids[:many], MetricFilter(months=(month,))),
        f"{many} accounts, 12 months": (ids[:many], MetricFilter(months=tuple(latest))),
        f"{many} accounts, every month": (ids[:many], MetricFilter()),
        f"{many} accounts, 3 metrics, every month": (
            ids[:many],
            MetricFilter(names=tuple(names[:3])),
        ),
    }
    for shape, (accounts, metric_filter) in shapes.items():
        statement, parameters = statement_of(accounts, metric_filter, INTERNAL)
        sql, arguments = statement.sql(_DIALECT, parameters)
        reads.append((f"account metrics: {shape}", sql, list(arguments)))
    for shape in (
        "1 account, 1 month",
        f"{many} accounts, 12 months",
        f"{many} accounts, every month",
    ):
        accounts, metric_filter = shapes[shape]
        by_level: dict[str, Any] = {"level": Level.ACCOUNT.value, "ids": accounts}
        if metric_filter.months is not None:
            by_level["months"] = list(metric_filter.months)
        by_entity = _metrics_by_entity(False, metric_filter.months is not None)
        sql, arguments = by_entity.sql(_DIALECT, by_level)
        reads.append((f"metrics_by_entity: {shape}", sql, list(arguments)))
    metric, account = METRIC_TABLE.c, ACCOUNT_TABLE.c
    published = table("published_month", column("month", Date))
    # store/reads/benchmarks.py: published_value_months (its statement, built here as it
    # builds it: the scope is the internal one's, no condition).
    value_months = (
        select(metric.entity_id, metric.metric_name, metric.effective_date)
        .join_from(METRIC_TABLE, published, published.c.month == metric.effective_date)
        .join(ACCOUNT_TABLE, account.account_id == metric.entity_id)
        .where(
            metric.level == Level.ACCOUNT,
            metric.entity_id.in_(ids[:many]),
            metric.metric_name.in_(names[:5]),
        )
        .order_by(metric.entity_id, metric.metric_name, metric.effective_date.desc())
    )
    reads.append((f"published value months: {many} accounts x 5 metrics", *_core(value_months)))
    sql, arguments = _MONTH_VALUES.sql(_DIALECT, {"level": Level.ACCOUNT.value, "month": month})
    reads.append(("publish: a month's account values", sql, list(arguments)))
    # store/ingest/party_moves.py: _referred_to's condition on metric_value.
    referred = select(account.account_id).where(
        account.account_id.in_(ids[:many]),
        exists().where(metric.level == Level.ACCOUNT.value, metric.entity_id == account.account_id),
    )
    reads.append((f"party moves: accounts with values ({many})", *_core(referred)))
    reads.append(
        (
            "list sizes: months of the default partition",
            *_core(_distinct_dates(_partition(METRIC_DEFAULT_PARTITION))),
        )
    )
    probes = ", ".join(f"((SELECT max(effective_date) FROM {p.name}))" for p in partitions)
    if probes:
        reads.append(
            (
                f"list sizes: latest date of {len(partitions)} month partitions",
                f"VALUES {probes}",
                [],
            )
        )
    return reads


def _walk(node: dict[str, Any], found: Counter[str]) -> None:
    if "Index Name" in node:
        found[f"{node['Node Type']} {_MONTH_NAME.sub('<month>', node['Index Name'])}"] += 1
    elif node.get("Node Type") == "Seq Scan":
        found[f"Seq Scan {_MONTH_NAME.sub('<month>', node['Relation Name'])}"] += 1
    for child in node.get("Plans", []):
        _walk(child, found)


async def _measure(connection: asyncpg.Connection, read: Read, plans: list[str]) -> str:
    name, sql, arguments = read
    planning, execution, buffers = [], [], []
    found: Counter[str] = Counter()
    for _ in range(ROUNDS):
        explained = await connection.fetchval(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", *arguments
        )
        plan = json.loads(explained)[0]
        planning.append(plan["Planning Time"])
        execution.append(plan["Execution Time"])
        root = plan["Plan"]
        buffers.append(root["Shared Hit Blocks"] + root["Shared Read Blocks"])
        found = Counter()
        _walk(root, found)
        rows = root["Actual Rows"]
    text = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *arguments)
    plans.append(f"## {name}\n\n" + "\n".join(r[0] for r in text) + "\n")
    indexes = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(found.items()))
    return (
        f"| {name} | {rows:,} | {statistics.median(planning):.2f} | "
        f"{statistics.median(execution):.2f} | {int(statistics.median(buffers)):,} | {indexes} |"
    )


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _server_cpu(connection: asyncpg.Connection, read: Read, seconds: float) -> str:
    """The backend's CPU per execution of the read as asyncpg runs it (prepared once, the
    server's default plan_cache_mode), executed until it has used `seconds` of it."""
    name, sql, arguments = read
    pid = await connection.fetchval("SELECT pg_backend_pid()")
    prepared = await connection.prepare(sql)
    for _ in range(7):  # past the custom plans of the first five
        await prepared.fetch(*arguments)
    start, executions = _backend_cpu(pid), 0
    while _backend_cpu(pid) - start < seconds and executions < 5_000:
        await prepared.fetch(*arguments)
        executions += 1
    used = _backend_cpu(pid) - start
    return f"| {name} | {executions:,} | {1000 * used / executions:.3f} |"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without", default=None, help="an index dropped for the run (rolled back)"
    )
    parser.add_argument(
        "--publish", action="store_true", help="mark the latest 12 months published"
    )
    parser.add_argument("--plans", type=Path, default=None, help="write the plans' text here")
    parser.add_argument(
        "--accounts", type=int, default=100, help="accounts of the many-account reads"
    )
    parser.add_argument("--only", default="", help="the reads whose name holds this text")
    parser.add_argument(
        "--set", action="append", default=[], help="a setting for the run: NAME=VALUE"
    )
    parser.add_argument(
        "--cpu", type=float, default=0.0, help="also the server CPU per execution, run for S s"
    )
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(url)
    ids = [r[0] for r in await connection.fetch("SELECT account_id FROM account ORDER BY 1")]
    names = [r[0] for r in await connection.fetch("SELECT name FROM metric_definition ORDER BY 1")]
    # The months, by the list sizes' own skip scan over the month index (no full read).
    months = [
        r[0]
        for r in await connection.fetch(
            "WITH RECURSIVE m(d) AS (SELECT min(effective_date) FROM metric_value UNION ALL "
            "SELECT (SELECT min(effective_date) FROM metric_value WHERE effective_date > m.d) "
            "FROM m WHERE m.d IS NOT NULL) SELECT d FROM m WHERE d IS NOT NULL"
        )
    ]
    if args.publish:
        await connection.executemany(
            "INSERT INTO published_month (month, published_at, revision, min_cohort) "
            "VALUES ($1, now(), 1, 5) ON CONFLICT DO NOTHING",
            [(m,) for m in months[-12:]],
        )
        await connection.execute("ANALYZE published_month")
    partitions = []
    for relname, bound in await connection.fetch(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'metric_value'::regclass"
    ):
        found = re.search(r"FROM \('([\d-]+)'\) TO \('([\d-]+)'\)", bound)
        if found:
            first, following = (dt.date.fromisoformat(d) for d in found.groups())
            partitions.append(MonthPartition(first, following, relname))
    partitions.sort()
    transaction = connection.transaction()
    await transaction.start()
    try:
        if args.without:
            await connection.execute(f"DROP INDEX {args.without}")
        for setting in args.set:
            name, value = setting.split("=", 1)
            await connection.execute(f"SET LOCAL {name} = {value}")
        reads = [
            read
            for read in _reads(ids, months, names, partitions, args.accounts)
            if args.only in read[0]
        ]
        plans: list[str] = []
        print(
            f"{len(months)} months, {len(partitions)} month partitions, without: {args.without}, "
            f"settings: {args.set}"
        )
        print("| read | rows | planning ms | execution ms | buffers | indexes (scans) |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for read in reads:
            print(await _measure(connection, read, plans), flush=True)
        if args.plans:
            args.plans.write_text("\n".join(plans))
        if args.cpu:
            print("| read | executions | server CPU ms each |")
            print("| --- | ---: | ---: |")
            for read in reads:
                print(await _server_cpu(connection, read, args.cpu), flush=True)
    finally:
        await transaction.rollback()
        await connection.close()
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    asyncio.run(main())

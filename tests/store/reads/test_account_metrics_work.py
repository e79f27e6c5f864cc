"""The account-with-rows statement does the same work for a hidden account whatever rows it has.

The look-ahead reads an account and its rows in one statement for every key
(resolvers/metrics.py), hidden accounts included: that is safe only if the scope's condition
drops a hidden account before any of its rows is looked for, so that neither the answer nor its
time says whether a hidden account has rows. Measured where it does not depend on the machine's
load: SQLite's virtual machine steps (a progress handler called at every instruction), and on
PostgreSQL the rows of the metric table the executed plan reads (EXPLAIN ANALYZE)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.reads.account_metrics import statement_of
from store.reads.entities import MetricFilter
from store.running.reader import close_readers, reader_for
from store.scope import INTERNAL, Role, Scope
from tests.factories import Seed

MONTHS = [f"2023-{month:02d}-01" for month in range(1, 13)]
NAMES = [f"metric-{number}" for number in range(6)]
FILTERS = [
    MetricFilter(),
    MetricFilter(months=(dt.date(2023, 4, 1),)),
    MetricFilter(names=("metric-1", "metric-2")),
]
# Each scope, with two accounts it does not see: one without rows, one with 72.
HIDDEN = {
    Scope(Role.APP, app_id="north"): ("south-empty", "south-full"),
    Scope(Role.ACCOUNT, account_id="north-1"): ("south-empty", "south-full"),
    Scope(Role.PUBLIC): ("north-empty", "north-full"),
}


async def _seed(engine: AsyncEngine) -> None:
    seed = Seed()
    for name in NAMES:
        seed.definition(name, "EUR")
    for account_id, app in (
        ("north-1", "north"),
        ("north-empty", "north"),
        ("north-full", "north"),
        ("south-empty", "south"),
        ("south-full", "south"),
    ):
        seed.account(account_id, app=app)
    for account_id in ("north-1", "north-full", "south-full"):
        for name in NAMES:
            for month in MONTHS:
                seed.metric("account", account_id, name, month, "1.5")
    await seed.write(engine)


def _sqlite_steps(raw: sqlite3.Connection, sql: str, arguments: Sequence[Any]) -> int:
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    raw.set_progress_handler(count, 1)
    try:
        raw.execute(sql, tuple(arguments)).fetchall()
    finally:
        raw.set_progress_handler(None, 1)
    return steps


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


async def _metric_rows_read(raw: Any, sql: str, arguments: Sequence[Any]) -> float:
    found = await raw.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *arguments)
    (explained,) = json.loads(found) if isinstance(found, str) else found
    return sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in _nodes(explained["Plan"])
        if node.get("Relation Name") == "metric_value"
        or "metric_value" in node.get("Index Name", "")
    )


async def _work(
    connection: AsyncConnection, ids: list[str], scope: Scope, f: MetricFilter
) -> float:
    statement, parameters = statement_of(ids, f, scope)
    sql, arguments = statement.sql(connection.dialect, parameters)
    raw: Any = connection.driver_connection  # type: ignore[attr-defined]
    if connection.dialect.name == "sqlite":
        return _sqlite_steps(raw, sql, arguments)
    return await _metric_rows_read(raw, sql, arguments)


async def test_a_hidden_accounts_rows_cost_the_database_nothing(engine: AsyncEngine) -> None:
    await _seed(engine)
    reader = reader_for(engine)
    try:
        for scope, (empty, full) in HIDDEN.items():
            for metric_filter in FILTERS:
                without_rows = await reader.read(
                    partial(_work, ids=[empty], scope=scope, f=metric_filter)
                )
                with_rows = await reader.read(
                    partial(_work, ids=[full], scope=scope, f=metric_filter)
                )
                assert with_rows == without_rows, (scope, metric_filter)
        # The measure does see rows: an internal key's read of the full account costs more.
        for metric_filter in FILTERS:
            empty_seen = await reader.read(
                partial(_work, ids=["south-empty"], scope=INTERNAL, f=metric_filter)
            )
            full_seen = await reader.read(
                partial(_work, ids=["south-full"], scope=INTERNAL, f=metric_filter)
            )
            assert full_seen > empty_seen, metric_filter
    finally:
        await close_readers(engine)

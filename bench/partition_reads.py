"""The API's metric reads on PostgreSQL, planned and run by the server: EXPLAIN (ANALYZE,
BUFFERS) of the small query (one account, one month) and the large one (100 accounts, every
month), their planning and execution times, and whether a prepared statement's generic plan
(plan_cache_mode = force_generic_plan, as asyncpg's prepared statements may end up with)
still reads one partition. Run against a loaded database, before and after partitioning:

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD python bench/partition_reads.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import statistics
from typing import Any

import asyncpg

from store.reads.account_metrics import _accounts_with_metrics
from store.scope import INTERNAL

ROUNDS = 7


def _sql(by_months: bool, ids: list[str], months: list[dt.date]) -> tuple[str, list[Any]]:
    """The statement the API runs, in asyncpg's form, with its arguments."""
    from sqlalchemy.dialects import postgresql

    statement = _accounts_with_metrics(INTERNAL, False, by_months)
    parameters: dict[str, Any] = {"ids": ids}
    if by_months:
        parameters["months"] = months
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    text = statement.expanded(dialect, parameters)
    return text.sql, list(text.arguments(parameters))


def _times(plan: str) -> tuple[float, float]:
    planning = float(re.search(r"Planning Time: ([\d.]+)", plan).group(1))  # type: ignore[union-attr]
    execution = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))  # type: ignore[union-attr]
    return planning, execution


async def main() -> None:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(url)
    ids = [r[0] for r in await connection.fetch("SELECT account_id FROM account ORDER BY 1")]
    months = [
        r[0] for r in await connection.fetch("SELECT DISTINCT effective_date FROM metric_value")
    ]
    month = sorted(months)[len(months) // 2]
    shapes = {
        "small (1 account, 1 month)": _sql(True, ids[:1], [month]),
        "large (100 accounts, all months)": _sql(False, ids[:100], []),
    }
    for name, (sql, arguments) in shapes.items():
        plans = []
        for _ in range(ROUNDS):
            plan = "\n".join(
                r[0]
                for r in await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *arguments)
            )
            plans.append(plan)
        planning = [_times(p)[0] for p in plans]
        execution = [_times(p)[1] for p in plans]
        rows = len(await connection.fetch(sql, *arguments))
        print(
            f"{name}: {rows} rows, planning median {statistics.median(planning):.3f} ms "
            f"(min {min(planning):.3f}), execution median {statistics.median(execution):.3f} ms "
            f"(min {min(execution):.3f})"
        )
        print("  " + "\n  ".join(plans[-1].splitlines()))
        # A prepared statement's generic plan: pruned at run time ("Subplans Removed").
        generic = await _generic(connection, sql, arguments)
        print("  generic plan:\n  " + "\n  ".join(generic.splitlines()))
    await connection.close()


async def _generic(connection: asyncpg.Connection, sql: str, arguments: list[Any]) -> str:
    """EXPLAIN ANALYZE of the statement under a generic plan (PREPARE .. EXECUTE)."""
    types = await connection.prepare(sql)
    oids = [
        t.name if t.schema == "pg_catalog" else f"{t.schema}.{t.name}"
        for t in types.get_parameters()
    ]
    await connection.execute("SET plan_cache_mode = force_generic_plan")
    await connection.execute(f"PREPARE generic_read ({', '.join(oids)}) AS {sql}")
    # EXECUTE takes no bound parameters over the protocol: the values go in as literals.
    values = ", ".join(_literal(value) for value in arguments)
    rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE generic_read ({values})")
    await connection.execute("DEALLOCATE generic_read")
    await connection.execute("RESET plan_cache_mode")
    return "\n".join(r[0] for r in rows)


def _literal(value: Any) -> str:
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


if __name__ == "__main__":
    asyncio.run(main())

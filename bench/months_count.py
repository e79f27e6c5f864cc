"""The list sizes' count of months on PostgreSQL (store/reads/list_sizes.py): `EXPLAIN (ANALYZE)`
of the skip scan of the partitioned metric_value against the count partition by partition (the
default partition's skip scan and one probe per month partition), interleaved, medians of 9.

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD .venv/bin/python bench/months_count.py

DATABASE_URL names a database whose metric_value holds month partitions (a database that loads
filled, or one filled by hand); it is only read."""

from __future__ import annotations

import asyncio
import os
import statistics

from sqlalchemy.dialects import postgresql

from store.engine import create_engine
from store.month_partitions import month_partitions
from store.reads import list_sizes
from store.tables import METRIC_DEFAULT_PARTITION

ROUNDS = 9


def _times(plan: list[str]) -> tuple[float, float]:
    """Planning and execution milliseconds of an EXPLAIN (ANALYZE)."""
    planning = execution = 0.0
    for line in plan:
        if line.startswith("Planning Time"):
            planning = float(line.split()[2])
        if line.startswith("Execution Time"):
            execution = float(line.split()[2])
    return planning, execution


async def main(url: str) -> None:
    engine = create_engine(url)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    try:
        async with engine.connect() as connection:
            partitions = await month_partitions(connection)
            whole = str(list_sizes.STATEMENTS["months"].compile(dialect=dialect))
            default = list_sizes._distinct_dates(list_sizes._partition(METRIC_DEFAULT_PARTITION))
            probes = ", ".join(f"((SELECT max(effective_date) FROM {p.name}))" for p in partitions)
            variants = {
                "skip scan of metric_value": [whole],
                "partition by partition": [
                    str(default.compile(dialect=dialect)),
                    f"VALUES {probes}",
                ],
            }
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
            for _ in range(ROUNDS):
                for name, statements in variants.items():
                    planning = execution = 0.0
                    for sql in statements:
                        found = await connection.exec_driver_sql(f"EXPLAIN (ANALYZE) {sql}")
                        spent = _times([str(row[0]) for row in found.all()])
                        planning, execution = planning + spent[0], execution + spent[1]
                    runs[name].append((planning, execution))
            months = (await list_sizes.list_sizes(connection))["months"]
    finally:
        await engine.dispose()
    print(f"{len(partitions)} month partitions, {months} months with values")
    for name, measured in runs.items():
        planning = statistics.median(run[0] for run in measured)
        execution = statistics.median(run[1] for run in measured)
        print(f"{name}: planning {planning:.2f} ms + execution {execution:.2f} ms (medians)")


if __name__ == "__main__":
    asyncio.run(main(os.environ["DATABASE_URL"]))

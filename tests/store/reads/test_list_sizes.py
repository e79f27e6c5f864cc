"""The count of months with values: a skip scan of the month index (on PostgreSQL of the
default partition, and two probes of each month partition), equal to
count(DISTINCT effective_date) for any set of values, and planned without reading the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, distinct, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads.list_sizes import STATEMENTS, list_sizes
from store.tables import DEFINITION_TABLE, METRIC_TABLE, metric_partition_name, month_bounds
from store.upsert import upsert

# Three years: few enough months that values often share one (with another day, in one
# partition), far enough apart that the skip scan steps over gaps.
_MONTHS = st.sampled_from(
    [dt.date(year, month, 1) for year in (1990, 2015, 2040) for month in range(1, 13)]
)


async def _define(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await upsert(connection, DEFINITION_TABLE, [{"name": "revenue", "unit": "EUR"}])


async def _attach_partitions(engine: AsyncEngine, months: set[dt.date]) -> None:
    """PostgreSQL: partitions of their own for these months, as a load of new months leaves
    them (the months' values are then written into them, the others into the default one)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as connection:
        for month in sorted(months):
            first, following = month_bounds(month)
            await connection.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {metric_partition_name(first)} "
                    f"PARTITION OF metric_value FOR VALUES FROM ('{first}') TO ('{following}')"
                )
            )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.tuples(st.sampled_from(["A1", "A2", "A3"]), _MONTHS, st.sampled_from([1, 1, 1, 15])),
        max_size=30,
    ),
    own=st.sets(st.integers(0, 29), max_size=10),
)
async def test_the_months_are_counted_as_distinct_months(
    engine: AsyncEngine, values: list[tuple[str, dt.date, int]], own: set[int]
) -> None:
    """For any values, on PostgreSQL with any of their months in partitions of their own and
    the others in the default one, and with a value on another day than the 1st now and then
    (no writer stores one, but the count must not depend on it)."""
    await _define(engine)
    rows = {
        (account, month.replace(day=day)): {
            "level": "account",
            "entity_id": account,
            "metric_name": "revenue",
            "effective_date": month.replace(day=day),
            "value": Decimal(1),
        }
        for account, month, day in values
    }
    async with engine.begin() as connection:
        await connection.execute(delete(METRIC_TABLE))
    await _attach_partitions(engine, {values[n][1] for n in own if n < len(values)})
    if rows:
        async with engine.begin() as connection:
            await upsert(connection, METRIC_TABLE, list(rows.values()))
    async with engine.connect() as connection:
        expected = (
            await connection.execute(select(func.count(distinct(METRIC_TABLE.c.effective_date))))
        ).scalar_one()
        assert (await list_sizes(connection))["months"] == expected == len({d for _, d in rows})


def _values(months: range) -> list[dict[str, object]]:
    return [
        {
            "level": "account",
            "entity_id": f"A{n}",
            "metric_name": "revenue",
            "effective_date": dt.date(2020 + month // 12, month % 12 + 1, 1),
            "value": Decimal(n),
        }
        for n in range(200)
        for month in months
    ]


async def test_the_months_are_counted_through_the_index(engine: AsyncEngine) -> None:
    """The plan probes the month index, never scans metric_value: its cost is one probe per
    month, not one step per value."""
    await _define(engine)
    async with engine.begin() as connection:
        await upsert(connection, METRIC_TABLE, _values(range(24)))
    statement = STATEMENTS["months"]
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE metric_value"))
            sql = str(statement.compile(dialect=postgresql.dialect()))
            plan = "\n".join(
                row[0] for row in (await connection.exec_driver_sql(f"EXPLAIN {sql}")).all()
            )
            assert "Seq Scan on metric_value" not in plan, plan
            # The month index of the table, or of its partitions (named by PostgreSQL after
            # the partition: metric_value_default_effective_date_level_idx).
            assert "ix_metric_value_month_level" in plan or "_effective_date_level_idx" in plan, (
                plan
            )
        else:
            sql = str(statement.compile(dialect=sqlite.dialect()))
            plan = "\n".join(
                str(row[-1])
                for row in (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")).all()
            )
            assert "SCAN value\n" not in f"{plan}\n", plan
            assert "SCAN later" not in plan, plan
            assert "COVERING INDEX ix_metric_value_month_level" in plan, plan
        assert (await list_sizes(connection))["months"] == 24


async def test_month_partitions_are_counted_one_probe_each(engine: AsyncEngine) -> None:
    """PostgreSQL: the months in partitions of their own are counted from each partition's
    latest date (one probe of its month index), never by a skip scan of the partitioned table,
    whose every step probes every partition; an empty partition counts no month."""
    if engine.dialect.name != "postgresql":
        pytest.skip("metric_value is partitioned on PostgreSQL only")
    await _define(engine)
    own = {dt.date(2020 + month // 12, month % 12 + 1, 1) for month in range(12, 36)}
    await _attach_partitions(engine, own | {dt.date(2031, 1, 1)})
    async with engine.begin() as connection:
        await upsert(connection, METRIC_TABLE, _values(range(36)))
        await connection.execute(text("ANALYZE metric_value"))
    statements: list[str] = []

    def record(*arguments: Any) -> None:
        statements.append(str(arguments[2]))

    async with engine.connect() as connection:
        event.listen(connection.sync_connection, "before_cursor_execute", record)
        assert (await list_sizes(connection))["months"] == 36
        event.remove(connection.sync_connection, "before_cursor_execute", record)
        (probes,) = [sql for sql in statements if sql.startswith("VALUES")]
        # One probe per month partition, the empty one included.
        assert probes.count("SELECT max(effective_date)") == len(own) + 1
        plan = "\n".join(
            row[0] for row in (await connection.exec_driver_sql(f"EXPLAIN {probes}")).all()
        )
        # Each probe reads its partition's index from one end (the empty partition's may be
        # read whole instead: it has no page).
        scans = [line for line in plan.splitlines() if "Scan" in line and "VALUES" not in line]
        assert len(scans) == len(own) + 1, plan
        for scan in scans:
            assert "Index Only Scan" in scan or "metric_value_y2031m01" in scan, plan
        # The skip scan reads the default partition alone (the months without a partition).
        (skip,) = [sql for sql in statements if "metric_value_default" in sql]
        assert "metric_value_y" not in skip, skip

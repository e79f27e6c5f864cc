"""The count of months with values: a skip scan of the month index, equal to
count(DISTINCT effective_date) for any set of values, and planned without reading the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, distinct, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads.list_sizes import STATEMENTS, list_sizes
from store.tables import DEFINITION_TABLE, METRIC_TABLE
from store.upsert import upsert

_MONTHS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 1)).map(
    lambda day: day.replace(day=1)
)


async def _define(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await upsert(connection, DEFINITION_TABLE, [{"name": "revenue", "unit": "EUR"}])


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.sampled_from(["A1", "A2", "A3"]), _MONTHS), max_size=30))
async def test_the_months_are_counted_as_distinct_months(
    engine: AsyncEngine, values: list[tuple[str, dt.date]]
) -> None:
    await _define(engine)
    rows = {
        (account, month): {
            "level": "account",
            "entity_id": account,
            "metric_name": "revenue",
            "effective_date": month,
            "value": Decimal(1),
        }
        for account, month in values
    }
    async with engine.begin() as connection:
        await connection.execute(delete(METRIC_TABLE))
        if rows:
            await upsert(connection, METRIC_TABLE, list(rows.values()))
    async with engine.connect() as connection:
        expected = (
            await connection.execute(select(func.count(distinct(METRIC_TABLE.c.effective_date))))
        ).scalar_one()
        assert (await list_sizes(connection))["months"] == expected == len({m for _, m in rows})


async def test_the_months_are_counted_through_the_index(engine: AsyncEngine) -> None:
    """The plan probes the month index, never scans metric_value: its cost is one probe per
    month, not one step per value."""
    await _define(engine)
    rows = [
        {
            "level": "account",
            "entity_id": f"A{n}",
            "metric_name": "revenue",
            "effective_date": dt.date(2020 + month // 12, month % 12 + 1, 1),
            "value": Decimal(n),
        }
        for n in range(200)
        for month in range(24)
    ]
    async with engine.begin() as connection:
        await upsert(connection, METRIC_TABLE, rows)
    statement = STATEMENTS["months"]
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE metric_value"))
            sql = str(statement.compile(dialect=postgresql.dialect()))
            plan = "\n".join(
                row[0] for row in (await connection.exec_driver_sql(f"EXPLAIN {sql}")).all()
            )
            assert "Seq Scan on metric_value" not in plan, plan
            # The month index of the table, or of its monthly partitions (named by PostgreSQL
            # after the partition: metric_value_y2020m01_effective_date_level_idx).
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

"""rows_to_write: exactly the planned rows the database does not hold as they would be written."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import ColumnElement, delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from demo.dataset import demo_rows, plan_demo
from demo.unchanged import rows_to_write
from store.tables import SALE_LINE_TABLE
from store.upsert import upsert

TODAY = dt.date(2025, 6, 15)
LINES = [dict(row) for row in plan_demo(today=TODAY, scale=0.05).sales.sale_lines[:300]]
KEYS = ("account_id", "sale_date", "invoice", "line")


def _where(row: dict[str, object]) -> list[ColumnElement[bool]]:
    return [SALE_LINE_TABLE.c[key] == row[key] for key in KEYS]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deleted=st.sets(st.integers(0, len(LINES) - 1), max_size=5),
    edited=st.sets(st.integers(0, len(LINES) - 1), max_size=5),
)
async def test_exactly_the_deleted_and_edited_rows_are_to_write(
    engine: AsyncEngine, deleted: set[int], edited: set[int]
) -> None:
    async with engine.begin() as connection:
        await connection.execute(delete(SALE_LINE_TABLE))
        # The accounts the lines belong to, then the lines, as the demo writes them.
        for table, rows in demo_rows(plan_demo(today=TODAY, scale=0.05)):
            if table.name in {"app", "industry", "account"}:
                await upsert(connection, table, rows)
        await upsert(connection, SALE_LINE_TABLE, LINES)
        for i in edited - deleted:
            await connection.execute(
                update(SALE_LINE_TABLE)
                .where(*_where(LINES[i]))
                .values(amount=LINES[i]["amount"] + 1)
            )
        for i in deleted:
            await connection.execute(delete(SALE_LINE_TABLE).where(*_where(LINES[i])))

        to_write = await rows_to_write(connection, SALE_LINE_TABLE, LINES)

    assert to_write == [row for i, row in enumerate(LINES) if i in deleted | edited]

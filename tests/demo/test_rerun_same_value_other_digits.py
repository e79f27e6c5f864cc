"""A demo rerun writes a row whose stored value differs from the plan's
in its digits only (`123.450` for `123.45`), as the full rewrite did and as SQLite's text
comparison finds; on PostgreSQL the NUMERIC keeps its scale too (what the metrics load calls a
change: `store/ingest/staging.py`, `_SAME_VALUE`), but Decimal's `==` ignores it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from demo.dataset import demo_rows, plan_demo
from demo.unchanged import rows_to_write
from store.tables import SALE_LINE_TABLE
from store.upsert import upsert
from tests.demo.test_unchanged import LINES, TODAY, _where


async def test_a_value_stored_with_other_digits_is_written_again(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table, rows in demo_rows(plan_demo(today=TODAY, scale=0.05)):
            if table.name in {"app", "industry", "account"}:
                await upsert(connection, table, rows)
        await upsert(connection, SALE_LINE_TABLE, LINES)
        row = LINES[0]
        amount = row["amount"]
        assert isinstance(amount, Decimal)
        await connection.execute(
            update(SALE_LINE_TABLE)
            .where(*_where(row))
            .values(amount=amount.quantize(Decimal("0.001")))
        )
        to_write = await rows_to_write(connection, SALE_LINE_TABLE, LINES)
    assert to_write == [row]

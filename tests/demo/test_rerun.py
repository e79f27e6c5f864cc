"""A rerun of the demo on a database that holds it reads the demo back instead of rewriting
it, and still restores whatever was deleted or edited, as a full rewrite did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from demo.dataset import DEMO_TABLES, load_demo
from store.tables import (
    ACCOUNT_TABLE,
    CREDIT_RISK_TABLE,
    LEDGER_TABLE,
    METRIC_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALE_LINE_TABLE,
    SALES_PROFILE_TABLE,
)

TODAY = dt.date(2025, 6, 15)
SCALE = 0.05
WRITTEN = (*DEMO_TABLES, SALE_LINE_TABLE, LEDGER_TABLE)
DERIVED = (QUARTER_SEGMENT_TABLE, SALES_PROFILE_TABLE, CREDIT_RISK_TABLE)


async def _rows(engine: AsyncEngine, tables: tuple[Table, ...]) -> dict[str, list[Any]]:
    async with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in (await connection.execute(select(table))).all()), key=repr
            )
            for table in tables
        }


@contextmanager
def _writes(engine: AsyncEngine) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements the engine runs meanwhile."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def test_a_rerun_on_the_whole_demo_writes_nothing(engine: AsyncEngine) -> None:
    first = await load_demo(engine, today=TODAY, scale=SCALE)
    before = await _rows(engine, WRITTEN + DERIVED)
    checked: list[int] = []

    with _writes(engine) as statements:
        second = await load_demo(engine, today=TODAY, scale=SCALE, progress=checked.append)

    assert statements == []
    assert second == first
    # The progress bar still counts every row (checked, not written) up to the plan's total.
    assert sum(checked) == first.total
    assert await _rows(engine, WRITTEN + DERIVED) == before


async def test_a_rerun_restores_deleted_and_edited_demo_rows(engine: AsyncEngine) -> None:
    await load_demo(engine, today=TODAY, scale=SCALE)
    before = await _rows(engine, WRITTEN + DERIVED)
    async with engine.begin() as connection:
        account = (await connection.execute(select(ACCOUNT_TABLE.c.account_id).limit(1))).scalar()
        sale = (await connection.execute(select(SALE_LINE_TABLE).limit(1))).mappings().one()
        entry = (await connection.execute(select(LEDGER_TABLE).limit(1))).mappings().one()
        value = (await connection.execute(select(METRIC_TABLE).limit(1))).mappings().one()
        await connection.execute(
            update(ACCOUNT_TABLE)
            .where(ACCOUNT_TABLE.c.account_id == account)
            .values(name="Renamed by hand")
        )
        await connection.execute(
            update(METRIC_TABLE)
            .where(*(METRIC_TABLE.c[key] == value[key] for key in _keys(METRIC_TABLE)))
            .values(value=value["value"] + Decimal(1))
        )
        await connection.execute(
            update(LEDGER_TABLE)
            .where(*(LEDGER_TABLE.c[key] == entry[key] for key in _keys(LEDGER_TABLE)))
            .values(amount=entry["amount"] * 2)
        )
        await connection.execute(
            delete(SALE_LINE_TABLE).where(
                *(SALE_LINE_TABLE.c[key] == sale[key] for key in _keys(SALE_LINE_TABLE))
            )
        )
    assert await _rows(engine, WRITTEN) != before

    with _writes(engine) as statements:
        await load_demo(engine, today=TODAY, scale=SCALE)

    assert await _rows(engine, WRITTEN + DERIVED) == before
    # Only what differed was written (then the segments were derived again from the sales).
    assert statements


async def test_a_rerun_derives_segments_that_are_missing(engine: AsyncEngine) -> None:
    await load_demo(engine, today=TODAY, scale=SCALE)
    before = await _rows(engine, DERIVED)
    async with engine.begin() as connection:
        for table in DERIVED:
            await connection.execute(delete(table))

    await load_demo(engine, today=TODAY, scale=SCALE)

    assert await _rows(engine, DERIVED) == before


def _keys(table: Table) -> list[str]:
    return [column.name for column in table.primary_key.columns]

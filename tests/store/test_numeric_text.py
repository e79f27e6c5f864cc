"""`numeric_text` (store/numeric_text.py): a value column cast to text on PostgreSQL only, read
back as the same Decimals, digits and all, as the column itself, on both stores and on both of
PostgreSQL's read paths (SQLAlchemy's engine and the plain driver)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.numeric_text import numeric_text
from store.running.driver_select import DriverSelect
from store.running.reader import close_readers, reader_for
from store.tables import METRIC_TABLE
from tests.factories import Seed

VALUE = METRIC_TABLE.c.value
# Values whose Decimal could be written more than one way (see tests/store/test_exact_decimal.py).
TEXTS = [
    "145519152283668518066406250000",
    "1500",
    "15000.0",
    "0.000120",
    "-42.50",
    "0",
    "12345678901234567890.123456789",
    "NaN",
]


def test_it_is_a_cast_on_postgresql_and_the_bare_column_on_sqlite() -> None:
    statement = select(numeric_text(VALUE))
    on_postgresql = str(statement.compile(dialect=asyncpg_dialect()))  # type: ignore[no-untyped-call]
    on_sqlite = str(statement.compile(dialect=aiosqlite_dialect()))
    assert "CAST(metric_value.value AS TEXT)" in on_postgresql
    assert "CAST" not in on_sqlite
    assert on_sqlite.startswith("SELECT metric_value.value")


async def test_the_values_read_back_as_the_columns_own(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.account("a")
    for month, text in enumerate(TEXTS, start=1):
        seed.metric("account", "a", "revenue", f"2023-{month:02d}-01", text)
    await seed.write(engine)
    ordered = METRIC_TABLE.c.effective_date
    as_text = DriverSelect(select(numeric_text(VALUE)).order_by(ordered))

    async def read(connection: AsyncConnection) -> list[Decimal]:
        values: list[Decimal] = (await as_text.columns(connection, {}))[0]
        return values

    async with engine.connect() as connection:
        expected = (await connection.execute(select(VALUE).order_by(ordered))).scalars().all()
    try:
        for driver_reads in (True, False):
            found = await reader_for(engine, driver_reads=driver_reads).read(read)
            assert [str(value) for value in found] == [str(value) for value in expected]
            assert [str(value) for value in found] == TEXTS
            assert all(type(value) is Decimal for value in found)
    finally:
        await close_readers(engine)

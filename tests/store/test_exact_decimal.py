"""Values come back exactly as they were given, digits and all, on both stores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import METRIC_TABLE
from tests.factories import Seed


@pytest.mark.parametrize(
    "text",
    [
        "145519152283668518066406250000",  # asyncpg returns 1.4551915228366851806640625E+29
        "1500",
        "15000.0",
        "0.000120",
        "-42.50",
        "0",
        "12345678901234567890.123456789",
    ],
)
async def test_a_value_reads_back_with_the_same_digits(engine: AsyncEngine, text: str) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.account("a")
    seed.metric("account", "a", "revenue", "2023-04-01", text)
    await seed.write(engine)
    async with engine.connect() as connection:
        value = (await connection.execute(select(METRIC_TABLE.c.value))).scalar_one()
    assert str(value) == text
    assert value.as_tuple() == Decimal(text).as_tuple()

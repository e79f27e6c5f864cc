"""A publish reads the month again under the write lock and compares it with what
it computed from. The month's rows came in the order the database returned them and were
compared as lists: on PostgreSQL a row rewritten with its own value (a new row version,
elsewhere in the table; a scan of a large table that starts where another left off) comes in
another order, so a month holding exactly what was read compared unequal, and the publish
computed it again (three times, then refused) although nothing it computed from had changed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs import publish
from store.jobs.publish import publish_month
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april


async def test_a_month_rewritten_with_its_own_values_is_written_without_computing_it_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_retail_april(engine)
    read, plan = publish._read_state, publish._plan
    plans: list[int] = []

    async def read_then_rewrite(*args: Any, **kwargs: Any) -> Any:
        found = await read(*args, **kwargs)
        if kwargs.get("cohorts", True) and not plans:
            async with engine.begin() as connection:
                # The same values written again (a reload, a repair): new row versions.
                await connection.execute(
                    text("UPDATE metric_value SET value = value WHERE entity_id IN ('r0', 'r1')")
                )
                await connection.execute(
                    text("UPDATE account SET name = name WHERE account_id IN ('r0', 'r1')")
                )
        return found

    def counted_plan(*args: Any, **kwargs: Any) -> Any:
        plans.append(1)
        return plan(*args, **kwargs)

    monkeypatch.setattr(publish, "_read_state", read_then_rewrite)
    monkeypatch.setattr(publish, "_plan", counted_plan)
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    assert (result.revision, result.publishable) == (1, 1)
    assert len(plans) == 1

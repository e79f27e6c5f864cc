"""A publish reads the month again under the write lock before it writes, and writes only if
the month is as it computed it from (store/jobs/publish.py). That read again must see the month
as it was at one instant: on PostgreSQL its statements ran in READ COMMITTED, each on what had
committed before it, so loads committing between two of them could make a month that no longer
was so compare equal, and its stale figures were written. And it must only compute the month
again when the month's own rows changed, not when a load beside it wrote other accounts."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import orjson
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from store import write_locks
from store.jobs import publish
from store.jobs.month_draws import month_draws
from store.jobs.publish import publish_month
from store.tables import COHORT_TABLE, DEFINITION_TABLE, METRIC_TABLE
from tests.factories import Seed
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april


class _PublishLocks:
    """`store.write_locks` as the publish module sees it, its `hold` (taken first in the write
    transaction) running `before` first: a load that commits while the publish computes."""

    def __init__(self, before: Any) -> None:
        self._before = before

    def __getattr__(self, name: str) -> Any:
        return getattr(write_locks, name)

    async def hold(self, *args: Any, **kwargs: Any) -> None:
        await self._before()
        await write_locks.hold(*args, **kwargs)


async def _set_upper_bound(engine: AsyncEngine, upper: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(DEFINITION_TABLE)
            .where(DEFINITION_TABLE.c.name == "revenue")
            .values(upper_bound=Decimal(upper))
        )


async def _bound_back_and_r0_at_7(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(DEFINITION_TABLE)
            .where(DEFINITION_TABLE.c.name == "revenue")
            .values(upper_bound=Decimal("1000"))
        )
        await connection.execute(
            update(METRIC_TABLE).where(METRIC_TABLE.c.entity_id == "r0").values(value=Decimal(7))
        )


async def test_the_month_read_again_is_one_instant_of_it(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the publish computes, a load raises the metric's bound to 2000 (the month is then
    r0 = 5 under 2000); while it reads the month again, between its reads of the values and of
    the definitions, another sets the bound back to 1000 and r0 to 7. The month was never again
    r0 = 5 under 1000, what the publish computed: it must compute again, and publish one of the
    two months that were."""
    await seed_retail_april(engine)
    postgres = engine.dialect.name == "postgresql"
    draws = month_draws
    holds: list[int] = []
    reads: list[int] = []
    left: list[asyncio.Task[None]] = []

    async def load_while_computing() -> None:
        if not holds:
            await _set_upper_bound(engine, "2000")
        holds.append(1)

    async def draws_after_a_load(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        if len(reads) == 2:  # the first read again, after its read of the values
            if postgres:
                await _bound_back_and_r0_at_7(engine)  # loads take no publish lock
            else:  # the publish holds the database's write lock: the load waits for it
                left.append(asyncio.ensure_future(_bound_back_and_r0_at_7(engine)))
        return await draws(*args, **kwargs)

    monkeypatch.setattr(publish, "write_locks", _PublishLocks(load_while_computing))
    monkeypatch.setattr(publish, "month_draws", draws_after_a_load)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    for task in left:
        await task
    async with engine.connect() as connection:
        values, upper = (
            await connection.execute(
                select(COHORT_TABLE.c.member_values, COHORT_TABLE.c.release_upper_bound)
            )
        ).one()
    published = (orjson.loads(values)[0], upper)
    assert published in [("5", Decimal("2000")), ("7", Decimal("1000"))], published
    assert len(holds) >= 2  # computed again


async def _computations_beside(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, loaded: Seed
) -> int:
    """Publish April with `loaded` written while the publish computes it the first time; how
    many times it computed the month."""
    plan = publish._plan
    plans: list[int] = []

    async def load_while_computing() -> None:
        if len(plans) == 1:
            await loaded.write(engine)

    def counted_plan(*args: Any, **kwargs: Any) -> Any:
        plans.append(1)
        return plan(*args, **kwargs)

    monkeypatch.setattr(publish, "write_locks", _PublishLocks(load_while_computing))
    monkeypatch.setattr(publish, "_plan", counted_plan)
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    assert result.revision == 1
    return len(plans)


async def test_a_load_of_other_accounts_beside_the_publish_does_not_make_it_compute_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the publish computes, a load adds an account of the sector with no value in the
    month and a definition of another metric: nothing the month's figures are computed from."""
    await seed_retail_april(engine)
    other = Seed()
    other.definition("visits", "count")
    other.account("newcomer", industry="retail")
    assert await _computations_beside(engine, monkeypatch, other) == 1


async def test_a_load_of_the_months_own_accounts_makes_it_compute_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account of the month moved to another sector while the publish computes: the
    figures computed with it in retail are dropped, and retail is published without it."""
    await seed_retail_april(engine)
    moved = Seed()
    moved.industry("food")
    moved.account("r5", industry="food")
    assert await _computations_beside(engine, monkeypatch, moved) == 2
    async with engine.connect() as connection:
        found = await connection.execute(
            select(COHORT_TABLE.c.industry_id, COHORT_TABLE.c.cohort_size)
        )
        sizes = dict(found.all())
    assert sizes == {"retail": 5, "food": 1}

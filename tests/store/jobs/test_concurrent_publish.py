"""Two publishes of one month at once (two operators, a cron beside a person): on PostgreSQL
both read the month before either writes. The second must wait for the first and then see it:
refused in one line as already published, or revised on top of it with the first's draws
counted by the privacy accountant; never a unique-key violation's traceback."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import PublishRefused, PublishResult, publish_month
from store.tables import COHORT_REVISION_TABLE, PUBLISHED_MONTH_TABLE
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april


async def _publish(engine: AsyncEngine, *, revise: bool) -> PublishResult | BaseException:
    try:
        return await publish_month(
            engine, month=APRIL, today=TODAY, min_cohort=5, revise=revise, month_cap=10.0
        )
    except PublishRefused as refused:
        return refused


async def test_two_first_publishes_at_once_one_is_refused_in_one_line(
    engine: AsyncEngine,
) -> None:
    await seed_retail_april(engine)
    results = await asyncio.gather(
        _publish(engine, revise=False), _publish(engine, revise=False), return_exceptions=True
    )
    published = [r for r in results if isinstance(r, PublishResult)]
    refused = [r for r in results if isinstance(r, PublishRefused)]
    assert (len(published), len(refused)) == (1, 1), results
    assert "already published" in str(refused[0])


async def test_two_revisions_at_once_both_count(engine: AsyncEngine) -> None:
    await seed_retail_april(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    await seed_retail_april(engine, value=1)
    results = await asyncio.gather(
        _publish(engine, revise=True), _publish(engine, revise=True), return_exceptions=True
    )
    assert all(isinstance(r, PublishResult) for r in results), results
    async with engine.connect() as connection:
        revisions = sorted(
            set((await connection.execute(select(COHORT_REVISION_TABLE.c.revision))).scalars())
        )
        latest = (await connection.execute(select(PUBLISHED_MONTH_TABLE.c.revision))).scalar_one()
    # The second revision waited for the first and was written on top of it.
    assert revisions[-1] == latest == 3

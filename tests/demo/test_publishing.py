"""The demo publishes every complete month of its data, once: on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from demo.calendar import WINDOW_MONTHS
from demo.dataset import load_demo
from demo.publishing import demo_months_to_publish, holds_demo, publish_demo_months
from store.jobs.publish import publish_month
from store.tables import COHORT_TABLE, PUBLISHED_MONTH_TABLE
from tests.factories import Seed

TODAY = dt.date(2025, 6, 15)
FIRST_MONTH = dt.date(2023, 6, 1)
LAST_FULL_MONTH = dt.date(2025, 5, 1)
SCALE = 0.05


class Phases:
    """Records what a progress display would show."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int | None]] = []
        self.advanced = 0

    def start(self, phase: str, total: int | None = None) -> None:
        self.started.append((phase, total))

    def advance(self, amount: int) -> None:
        self.advanced += amount


async def _published(engine: AsyncEngine) -> dict[dt.date, tuple[int, dt.datetime]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(
                PUBLISHED_MONTH_TABLE.c.month,
                PUBLISHED_MONTH_TABLE.c.revision,
                PUBLISHED_MONTH_TABLE.c.published_at,
            )
        )
        return {month: (revision, at) for month, revision, at in rows}


async def _cohorts(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(COHORT_TABLE))
        return sorted(tuple(row) for row in rows)


async def test_every_complete_month_is_published_once(engine: AsyncEngine) -> None:
    await load_demo(engine, today=TODAY, scale=SCALE)
    assert await holds_demo(engine)
    # One month published before (by hand, say): left as it is.
    await publish_month(engine, month=dt.date(2024, 1, 1), today=TODAY, min_cohort=5)
    before = await _published(engine)
    phases = Phases()

    result = await publish_demo_months(
        engine, today=TODAY, min_cohort=5, privacy_epsilon=1.0, progress=phases
    )

    assert result.already_published == (dt.date(2024, 1, 1),)
    assert len(result.published) == WINDOW_MONTHS - 1
    assert result.published[0] == FIRST_MONTH
    assert result.published[-1] == LAST_FULL_MONTH
    assert list(result.published) == sorted(result.published)
    assert phases.started == [("Publishing the demo's months", WINDOW_MONTHS - 1)]
    assert phases.advanced == WINDOW_MONTHS - 1
    published = await _published(engine)
    assert set(published) == {*result.published, dt.date(2024, 1, 1)}
    assert published[dt.date(2024, 1, 1)] == before[dt.date(2024, 1, 1)]  # not revised
    assert all(revision == 1 for revision, _ in published.values())
    assert result.summary() == "Published 23 demo months: 2023-06 to 2025-05 (1 published before)"

    # Again: nothing to do, nothing changes.
    cohorts = await _cohorts(engine)
    again = await publish_demo_months(engine, today=TODAY, min_cohort=5, privacy_epsilon=1.0)
    assert again.published == ()
    assert len(again.already_published) == WINDOW_MONTHS
    assert await _published(engine) == published
    assert await _cohorts(engine) == cohorts
    assert again.summary() == "Every demo month (2023-06 to 2025-05) is published already"


async def test_only_months_with_values_are_published(engine: AsyncEngine) -> None:
    # A later "today" than the data: the months after the data have nothing to publish.
    await load_demo(engine, today=TODAY, scale=SCALE)
    pending, published = await demo_months_to_publish(engine, today=dt.date(2025, 9, 2))
    assert published == []
    assert pending[0] == dt.date(2023, 9, 1)  # the window moved three months on
    assert pending[-1] == LAST_FULL_MONTH  # and the data stops here


async def test_a_database_of_ones_own_data_does_not_hold_the_demo(engine: AsyncEngine) -> None:
    assert not await holds_demo(engine)
    seed = Seed()
    seed.account("a1", app="acme")
    await seed.write(engine)
    assert not await holds_demo(engine)
    # Its own data has no account-level values: nothing is published behind its back.
    result = await publish_demo_months(engine, today=TODAY, min_cohort=5, privacy_epsilon=1.0)
    assert (result.published, result.already_published) == ((), ())
    assert result.summary() == "No demo month to publish"

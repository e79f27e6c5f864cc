"""Two declarations of one month's past epsilon at once on PostgreSQL (two `profiling publish
--month M --declare-past-epsilon E`): the second waits for the first and is checked against
it, a clean outcome either way, never a duplicate key of the month's row
(store/jobs/past_epsilon.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import PublishRefused, declare_past_epsilon, publish_month
from store.tables import MONTH_PAST_EPSILON_TABLE
from tests.store.jobs.test_privacy_accountant import APRIL, TODAY, _score_only
from tests.store.jobs.test_privacy_accountant_revisions import (
    _change_every_cohort,
    _declared,
    _forget_what_was_recorded,
    _migrate_to,
)

# Statements of this test's database waiting for a lock (other databases of the server may
# have their own).
_WAITING = text(
    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE NOT l.granted AND a.datname = current_database()"
)


async def _waits_for_a_lock(engine: AsyncEngine) -> None:
    """Until some statement of this database waits for a lock another transaction holds."""
    async with engine.connect() as watcher:
        for _ in range(500):
            waiting = await watcher.scalar(_WAITING)
            await watcher.rollback()
            if waiting:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("no statement waited for the declaration in progress")


async def _beside_a_declaration(
    engine: AsyncEngine, epsilon: float, other: Awaitable[object]
) -> object:
    """`other` run while another transaction has declared `epsilon` for April and not yet
    committed; what it returned, or the exception it raised."""
    async with engine.connect() as first:
        await first.begin()
        await first.execute(
            MONTH_PAST_EPSILON_TABLE.insert(),
            [{"month": APRIL, "epsilon": epsilon, "declared_at": dt.datetime.now(dt.UTC)}],
        )
        second = asyncio.ensure_future(other)
        await _waits_for_a_lock(engine)
        await first.commit()
    try:
        return await second
    except Exception as exc:
        return exc


async def test_two_declarations_at_once_run_one_after_the_other(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its declarations never overlap")
    await _score_only(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, privacy_epsilon=1.0)
    await _change_every_cohort(engine, 97)
    await publish_month(
        engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, privacy_epsilon=1.0
    )
    try:
        await _forget_what_was_recorded(engine)
        # A lower declaration beside one of 3 in progress: refused against it, in one line.
        lower = await _beside_a_declaration(
            engine,
            3.0,
            declare_past_epsilon(engine, month=APRIL, epsilon=2.0, privacy_epsilon=1.0),
        )
        assert isinstance(lower, PublishRefused), repr(lower)
        assert "declared drawn at epsilon 3" in str(lower)
        assert "\n" not in str(lower)
        assert await _declared(engine) == [(APRIL, 3.0)]

        # A revision declaring 4 beside a declaration of 4 in progress (the row deleted first,
        # as it is undeclared again): the same, so it revises.
        async with engine.begin() as connection:
            await connection.execute(MONTH_PAST_EPSILON_TABLE.delete())
        await _change_every_cohort(engine, 91)
        revised = await _beside_a_declaration(
            engine,
            4.0,
            publish_month(
                engine,
                month=APRIL,
                today=TODAY,
                min_cohort=5,
                revise=True,
                privacy_epsilon=1.0,
                month_cap=8.0,
                past_epsilon=4.0,
            ),
        )
        assert not isinstance(revised, Exception), repr(revised)
        assert await _declared(engine) == [(APRIL, 4.0)]
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")

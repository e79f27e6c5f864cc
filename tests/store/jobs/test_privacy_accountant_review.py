"""Review of the privacy accountant (wt-h8): sequences of revisions where what the accountant
counts for an account is less than what the account lost, or where a revision spends more than
the cap the month was published under. Each is a test that fails on the merged code; those
not fixed yet are strict xfails saying why."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.month_draws import month_privacy_loss
from store.jobs.publish import PublishRefused, publish_month
from tests.factories import Seed
from tests.store.jobs.test_privacy_accountant import APRIL, TODAY, _score_only


async def _change_every_cohort(engine: AsyncEngine, value: int) -> None:
    """A new value of one account in both cohorts: both are drawn again (whole budget)."""
    seed = Seed()
    for name in ("score", "level"):
        seed.metric("account", "a0", name, "2023-04-01", str(value))
    await seed.write(engine)


def _migrate_to(connection: Connection, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from store.migrate import alembic_config

    if down:
        command.downgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(connection), revision)


@pytest.mark.xfail(
    strict=True,
    reason="MEDIUM, not fixed: a revision published before migration 0013 is charged "
    "max(today's epsilon, the budgets recorded revisions show); the budget it was drawn with "
    "is stored nowhere, so one drawn at a larger epsilon is under-counted. Needs the past "
    "budget declared by the operator (or new draws refused in such months).",
)
async def test_an_unrecorded_revision_drawn_at_a_larger_budget_is_not_under_counted(
    engine: AsyncEngine,
) -> None:
    await _score_only(engine)
    # Revision 1 at epsilon 4 (its accounts lose 4), revision 2 at epsilon 1 drawing both
    # cohorts again (1 more): 5 in all, both before the accountant recorded anything.
    await publish_month(
        engine, month=APRIL, today=TODAY, min_cohort=5, privacy_epsilon=4.0, month_cap=8.0
    )
    await _change_every_cohort(engine, 97)
    second = await publish_month(
        engine,
        month=APRIL,
        today=TODAY,
        min_cohort=5,
        revise=True,
        privacy_epsilon=1.0,
        month_cap=8.0,
    )
    assert second.privacy_loss == pytest.approx(5.0)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0012", down=True)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        async with engine.connect() as connection:
            counted = await month_privacy_loss(connection, APRIL, month_epsilon=1.0)
        # The accountant counts 1 (revision 1, unrecorded) + 1 (revision 2): 2, not 5.
        assert counted >= 5.0
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def test_raising_the_budget_for_a_revision_does_not_raise_the_months_default_cap(
    engine: AsyncEngine,
) -> None:
    await _score_only(engine)
    first = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    assert first.privacy_loss == pytest.approx(1.0)
    assert first.month_cap == 2.0
    await _change_every_cohort(engine, 97)
    second = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert second.privacy_loss == pytest.approx(2.0)
    await _change_every_cohort(engine, 91)
    with pytest.raises(PublishRefused, match="over the cap"):
        await publish_month(
            engine,
            month=APRIL,
            today=TODAY,
            min_cohort=5,
            revise=True,
            privacy_epsilon=2.0,
        )

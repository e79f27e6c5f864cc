"""The privacy accountant against sequences of revisions where what the accountant
counts for an account is less than what the account lost, or where a revision spends more than
the cap the month was published under. Each failed before the accountant counted it.

Revisions published before the accountant (migration 0013) recorded no epsilon: a month with
them takes no new draw until the operator declares the epsilon they were drawn at
(migration 0017), never below today's, and the accountant counts them at it."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.privacy_loss import account_losses
from store.jobs.month_draws import flattened, month_draws, month_privacy_loss
from store.jobs.publish import PublishRefused, declare_past_epsilon, publish_month
from store.tables import (
    COHORT_REVISION_TABLE,
    COHORT_TABLE,
    METRIC_TABLE,
    MONTH_PAST_EPSILON_TABLE,
    PUBLISHED_MONTH_TABLE,
)
from tests.factories import Seed
from tests.store.jobs.test_privacy_accountant import (
    ACCOUNTS,
    APRIL,
    METRICS,
    TODAY,
    BruteForce,
    _change,
    _score_only,
    _seed,
    _tables,
)


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


async def _forget_what_was_recorded(engine: AsyncEngine) -> None:
    """The month as if published before the accountant (its downgrade drops what it added, and
    nothing else was written differently), then upgraded: every revision but the latest is
    unrecorded."""
    async with engine.begin() as connection:
        await connection.run_sync(_migrate_to, "0012", down=True)
    async with engine.begin() as connection:
        await connection.run_sync(_migrate_to, "head")


async def _counted(engine: AsyncEngine) -> float:
    async with engine.connect() as connection:
        return await month_privacy_loss(connection, APRIL, month_epsilon=1.0)


async def _declared(engine: AsyncEngine) -> list[tuple[dt.date, float]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(MONTH_PAST_EPSILON_TABLE.c.month, MONTH_PAST_EPSILON_TABLE.c.epsilon)
        )
        return sorted(map(tuple, rows))


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
        await _forget_what_was_recorded(engine)
        # On main the accountant counted 1 (revision 1 at today's epsilon) + 1: 2, not 5. Now
        # revision 1's epsilon is unknown, so the month's loss is too: never guessed lower.
        assert await _counted(engine) == math.inf
        await _change_every_cohort(engine, 91)
        before = await _tables(engine)
        with pytest.raises(PublishRefused, match=r"^revising 2023-04 is refused: its revision 1 "):
            await publish_month(
                engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, month_cap=8.0
            )
        # Below today's epsilon (assumed until now, and nothing can check it): refused too.
        with pytest.raises(PublishRefused, match=r"^--declare-past-epsilon 0.5 is below"):
            await declare_past_epsilon(engine, month=APRIL, epsilon=0.5, privacy_epsilon=1.0)
        assert await _tables(engine) == before
        # Declared with the revision, whose new draws take the month past the cap: refused,
        # and the declaration is not written either (one transaction).
        with pytest.raises(PublishRefused, match=r"to epsilon 6, over the cap of 5\.5"):
            await publish_month(
                engine,
                month=APRIL,
                today=TODAY,
                min_cohort=5,
                revise=True,
                month_cap=5.5,
                past_epsilon=4.0,
            )
        assert await _tables(engine) == before
        assert await _declared(engine) == []
        # Declared at the epsilon it was drawn at: counted at it, and the cap applies as usual.
        declared = await declare_past_epsilon(
            engine, month=APRIL, epsilon=4.0, privacy_epsilon=1.0, month_cap=8.0
        )
        assert (declared.privacy_loss, declared.month_cap) == (5.0, 8.0)
        assert await _counted(engine) == 5.0
        # A declaration may be raised, never lowered.
        with pytest.raises(PublishRefused, match=r"declared drawn at epsilon 4: .*never lower"):
            await declare_past_epsilon(engine, month=APRIL, epsilon=3.0, privacy_epsilon=1.0)
        assert await _declared(engine) == [(APRIL, 4.0)]
        third = await publish_month(
            engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, month_cap=8.0
        )
        assert third.privacy_loss == pytest.approx(6.0)
        assert await _counted(engine) == pytest.approx(6.0)
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def test_declaring_is_refused_where_there_is_nothing_to_declare(engine: AsyncEngine) -> None:
    await _score_only(engine)
    with pytest.raises(PublishRefused, match=r"^2023-04 is not published: it has no revision"):
        await declare_past_epsilon(engine, month=APRIL, epsilon=2.0, privacy_epsilon=1.0)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _change_every_cohort(engine, 97)
    with pytest.raises(PublishRefused, match=r"^2023-04 has no revision published before the"):
        await publish_month(
            engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, past_epsilon=2.0
        )
    assert await _declared(engine) == []
    # A month without unknown revisions behaves as before: revised, counted from its draws.
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert result.privacy_loss == pytest.approx(2.0)


async def test_migration_0017_keeps_every_row_up_and_down(engine: AsyncEngine) -> None:
    """Downgraded with a declaration stored, the month's revisions and releases stay as they
    were and the declaration goes with its table; upgraded again, the month is undeclared (the
    safe side: refused until declared again)."""
    await _score_only(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _change_every_cohort(engine, 97)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    try:
        await _forget_what_was_recorded(engine)
        await declare_past_epsilon(engine, month=APRIL, epsilon=2.0, privacy_epsilon=1.0)
        kept = await _tables(engine)
        assert kept.pop("month_past_epsilon")[0][:2] == (APRIL, 2.0)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0016", down=True)
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            assert "month_past_epsilon" not in tables
        async with engine.connect() as connection:
            for table in (PUBLISHED_MONTH_TABLE, COHORT_TABLE, COHORT_REVISION_TABLE):
                rows = await connection.execute(select(table))
                assert sorted(map(tuple, rows), key=repr) == kept[table.name]
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _declared(engine) == []
        assert await _tables(engine) == {
            **kept,
            "month_past_epsilon": [],
        }
        with pytest.raises(PublishRefused, match="is refused: its revision 1 was published"):
            await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
        assert (
            await declare_past_epsilon(engine, month=APRIL, epsilon=2.0, privacy_epsilon=1.0)
        ).privacy_loss == 3.0
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


# Revisions before the accountant, then after it: each the values it changes and its budget.
_CHANGES = st.lists(
    st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(METRICS), st.integers(0, 100)),
    max_size=4,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    before=st.lists(
        st.tuples(_CHANGES, st.sampled_from([0.5, 1.0, 2.0, 4.0])), min_size=2, max_size=4
    ),
    margin=st.sampled_from([1.0, 1.5]),
    after=st.lists(st.tuples(_CHANGES, st.sampled_from([0.5, 1.0, 2.0])), max_size=3),
)
async def test_the_accountant_never_counts_less_than_the_releases_served_cost(
    engine: AsyncEngine,
    before: list[tuple[list[tuple[str, str, int]], float]],
    margin: float,
    after: list[tuple[list[tuple[str, str, int]], float]],
) -> None:
    """Revisions at random budgets published before the accountant, the past epsilon declared
    honestly (at least each of their budgets and today's), then more revisions: after each, every
    account's loss as the accountant counts it is at least the brute-force sum over the releases
    the cohort table served (each at the epsilon it was drawn with)."""
    async with engine.begin() as connection:
        for table in (
            COHORT_REVISION_TABLE,
            COHORT_TABLE,
            PUBLISHED_MONTH_TABLE,
            MONTH_PAST_EPSILON_TABLE,
            METRIC_TABLE,
        ):
            await connection.execute(delete(table))
    await _seed(engine)
    brute = BruteForce()
    for number, (changes, epsilon) in enumerate(before):
        await _change(engine, changes)
        await publish_month(
            engine,
            month=APRIL,
            today=TODAY,
            min_cohort=5,
            revise=number > 0,
            privacy_epsilon=epsilon,
            month_cap=_NO_CAP,
        )
        await brute.observe(engine)
    try:
        await _forget_what_was_recorded(engine)
        past = margin * max(1.0, *(epsilon for _, epsilon in before[:-1]))
        declared = await declare_past_epsilon(
            engine, month=APRIL, epsilon=past, privacy_epsilon=1.0, month_cap=_NO_CAP
        )
        assert declared.revisions == tuple(range(1, len(before)))
        await _at_least_brute_force(engine, brute, past)
        for changes, epsilon in after:
            await _change(engine, changes)
            result = await publish_month(
                engine,
                month=APRIL,
                today=TODAY,
                min_cohort=5,
                revise=True,
                privacy_epsilon=epsilon,
                month_cap=_NO_CAP,
            )
            await brute.observe(engine)
            await _at_least_brute_force(engine, brute, past)
            assert result.privacy_loss >= max(brute.losses.values()) * (1 - 1e-9)
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


# The property is about counting, not refusing: no revision here reaches it.
_NO_CAP = 100.0


async def _at_least_brute_force(engine: AsyncEngine, brute: BruteForce, past: float) -> None:
    async with engine.connect() as connection:
        draws = flattened(await month_draws(connection, APRIL))
        largest = await month_privacy_loss(connection, APRIL, month_epsilon=1.0)
    counted = account_losses(draws, unrecorded_epsilon=past)
    for account, lost in brute.losses.items():
        assert counted.get(account, 0.0) >= lost * (1 - 1e-9), account
    assert largest == pytest.approx(max(counted.values()))


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

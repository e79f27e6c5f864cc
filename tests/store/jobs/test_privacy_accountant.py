"""The privacy accountant on both stores: a month's loss per account summed over the releases
every revision drew, the cap a revision is refused at, and months published before it."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, select, text
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

APRIL = dt.date(2023, 4, 1)
TODAY = dt.date(2023, 5, 17)
ACCOUNTS = [f"r{n}" for n in range(8)] + [f"e{n}" for n in range(6)]
# score: a sum (2 releases); level: a median (1 release, its roll-up is the p50); visits: no
# bounds, no release. Every third account has no level: cohorts of one industry differ.
METRICS = ("score", "level", "visits")
_PRIVATE = ("private_p25", "private_p50", "private_p75", "private_p90", "private_rollup")


def _has(account: str, metric: str) -> bool:
    return metric != "level" or int(account[1:]) % 3 != 0


async def _seed(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("score", "count", aggregation="sum", bounds=("0", "100"))
    seed.definition("level", "count", aggregation="median", bounds=("0", "100"))
    seed.definition("visits", "count", aggregation="mean")
    for industry in ("retail", "energy"):
        seed.industry(industry)
    for n, account in enumerate(ACCOUNTS):
        seed.account(account, industry="retail" if account[0] == "r" else "energy")
        for metric in METRICS:
            if _has(account, metric):
                seed.metric("account", account, metric, "2023-04-01", str(7 * n % 90 + 3))
    await seed.write(engine)


async def _change(engine: AsyncEngine, changes: list[tuple[str, str, int]]) -> None:
    seed = Seed()
    for account, metric, value in changes:
        if _has(account, metric):
            seed.metric("account", account, metric, "2023-04-01", str(value))
    await seed.write(engine)


async def _tables(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row publish writes, to tell that a refused revision wrote nothing."""
    found = {}
    async with engine.connect() as connection:
        for table in (
            PUBLISHED_MONTH_TABLE,
            COHORT_TABLE,
            COHORT_REVISION_TABLE,
            MONTH_PAST_EPSILON_TABLE,
        ):
            rows = await connection.execute(select(table))
            found[table.name] = sorted(map(tuple, rows), key=repr)
    return found


class BruteForce:
    """The month's loss per account from the releases the cohort table served after each
    accepted publication: a release is new when its figures (or the data it was drawn from)
    differ from those served before; it costs each member its epsilon per release."""

    def __init__(self) -> None:
        self.served: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.losses: dict[str, float] = defaultdict(float)

    async def observe(self, engine: AsyncEngine) -> None:
        async with engine.connect() as connection:
            rows = (await connection.execute(select(COHORT_TABLE))).mappings().all()
        for row in rows:
            if row["release_epsilon"] is None:
                continue
            key = row["industry_id"], row["metric_name"]
            release = (*(row[name] for name in _PRIVATE), row["member_values"])
            if self.served.get(key) == release:
                continue  # kept: served already, costs nothing again
            self.served[key] = release
            releases = 1 + (row["release_aggregation"] in ("sum", "mean"))
            for account in orjson.loads(row["member_ids"]):
                self.losses[account] += releases * row["release_epsilon"]


async def _accounted(engine: AsyncEngine) -> dict[str, float]:
    async with engine.connect() as connection:
        draws = flattened(await month_draws(connection, APRIL))
    # Every revision here was recorded: no past epsilon counts.
    assert all(draw.recorded for draw in draws)
    return account_losses(draws, unrecorded_epsilon=0.0)


# Each revision: the values it changes, and the budget it is published with.
revisions = st.lists(
    st.tuples(
        st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(METRICS), st.integers(0, 100)),
            max_size=4,
        ),
        st.sampled_from([0.5, 1.0, 2.0]),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(revisions=revisions, cap=st.sampled_from([1.0, 1.25, 1.5, 2.0, 3.0]))
async def test_the_loss_is_the_sum_of_stored_draws_and_stays_within_the_cap(
    engine: AsyncEngine, revisions: list[tuple[list[tuple[str, str, int]], float]], cap: float
) -> None:
    async with engine.begin() as connection:
        for table in (COHORT_REVISION_TABLE, COHORT_TABLE, PUBLISHED_MONTH_TABLE, METRIC_TABLE):
            await connection.execute(delete(table))
    await _seed(engine)
    brute = BruteForce()
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=cap)
    await brute.observe(engine)
    # A first publication spends at most the budget, whatever the cap.
    assert result.privacy_loss == pytest.approx(max(brute.losses.values()))
    assert result.privacy_loss <= 1.0 + 1e-9
    for changes, epsilon in revisions:
        await _change(engine, changes)
        before = await _tables(engine)
        refusal = ""
        try:
            result = await publish_month(
                engine,
                month=APRIL,
                today=TODAY,
                min_cohort=5,
                revise=True,
                privacy_epsilon=epsilon,
                month_cap=cap,
            )
        except PublishRefused as refused:
            refusal = str(refused)
        if refusal:
            event("a revision refused")
            assert "over the cap" in refusal or (cap < epsilon and "must be at least" in refusal)
            assert await _tables(engine) == before
            continue
        event("a revision accepted")
        await brute.observe(engine)
        accounted = await _accounted(engine)
        assert accounted == pytest.approx(dict(brute.losses))
        assert result.privacy_loss == pytest.approx(max(brute.losses.values()))
        assert result.privacy_loss <= cap * (1 + 1e-9)
        async with engine.connect() as connection:
            loss = await month_privacy_loss(connection, APRIL, month_epsilon=1.0)
        assert loss == pytest.approx(result.privacy_loss)


async def _score_only(engine: AsyncEngine) -> None:
    """Eight retail accounts, a sum and a mean with bounds: four releases of 0.25 each."""
    seed = Seed()
    seed.definition("score", "count", aggregation="sum", bounds=("0", "100"))
    seed.definition("level", "count", aggregation="mean", bounds=("0", "100"))
    seed.industry("retail")
    for n in range(8):
        seed.account(f"a{n}", industry="retail")
        for name in ("score", "level"):
            seed.metric("account", f"a{n}", name, "2023-04-01", str(10 * n + 3))
    await seed.write(engine)


async def test_kept_draws_are_not_counted_again(engine: AsyncEngine) -> None:
    await _score_only(engine)
    first = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    assert first.privacy_loss == pytest.approx(1.0)
    assert first.month_cap == 2.0
    for revision in (2, 3, 4):  # unchanged data: every draw kept
        result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
        assert result.revision == revision
        assert result.privacy_loss == pytest.approx(1.0)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(COHORT_REVISION_TABLE.c.revision, COHORT_REVISION_TABLE.c.drawn_in)
        )
        assert {drawn_in for _, drawn_in in rows} == {1}


async def test_a_revision_over_the_cap_is_refused_and_writes_nothing(engine: AsyncEngine) -> None:
    await _score_only(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=1.2)
    await _change(engine, [("a0", "score", 4)])  # score's two releases are drawn again
    before = await _tables(engine)
    with pytest.raises(PublishRefused) as refused:
        await publish_month(
            engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, month_cap=1.2
        )
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(
        "revising 2023-04 would take an account's privacy loss for the month to epsilon 1.5, "
        "over the cap of 1.2 (PROFILING_PRIVACY_MONTH_CAP): revise it with "
        "PROFILING_PRIVACY_EPSILON at most 0.4"
    )
    assert "raise the cap to at least 1.5" in message
    assert await _tables(engine) == before
    # The budget it suggests fits: 1 + 2 releases x 0.4 / 4.
    result = await publish_month(
        engine,
        month=APRIL,
        today=TODAY,
        min_cohort=5,
        revise=True,
        privacy_epsilon=0.4,
        month_cap=1.2,
    )
    assert result.privacy_loss == pytest.approx(1.2)


async def test_a_month_past_a_lowered_cap_may_still_be_revised_without_drawing_again(
    engine: AsyncEngine,
) -> None:
    await _score_only(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _change(engine, [("a0", "score", 4)])
    revised = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert revised.privacy_loss == pytest.approx(1.5)
    # The cap lowered below what was spent: nothing new drawn, nothing refused.
    unchanged = await publish_month(
        engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, month_cap=1.2
    )
    assert unchanged.privacy_loss == pytest.approx(1.5)
    assert unchanged.month_cap == 1.2
    await _change(engine, [("a1", "level", 4)])
    with pytest.raises(PublishRefused, match=r"to epsilon 2, over the cap of 1\.2"):
        await publish_month(
            engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, month_cap=1.2
        )


def _migrate_to(connection: Connection, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from store.migrate import alembic_config

    if down:
        command.downgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(connection), revision)


async def test_a_month_published_before_the_accountant_is_accounted_safely(
    engine: AsyncEngine,
) -> None:
    """Two revisions as the head before the accountant stored them (revision 0012: the
    migration's downgrade drops what it added, and nothing else was written differently), then
    upgraded: the latest revision's releases are read from the cohort table, as drawn by it;
    the first counts as a whole budget for its members."""
    await _score_only(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _change(engine, [("a0", "score", 4)])
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0012", down=True)
            columns = await connection.execute(text("SELECT * FROM cohort_revision"))
            assert "drawn_in" not in list(columns.keys())
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    COHORT_REVISION_TABLE.c.revision,
                    COHORT_REVISION_TABLE.c.metric_name,
                    COHORT_REVISION_TABLE.c.release_count,
                    COHORT_REVISION_TABLE.c.release_epsilon,
                    COHORT_REVISION_TABLE.c.drawn_in,
                )
            )
            assert sorted(rows) == [
                (1, "level", None, None, None),
                (1, "score", None, None, None),
                (2, "level", 2, 0.25, 2),  # kept in truth, but that was not recorded
                (2, "score", 2, 0.25, 2),
            ]
            # Revision 1's epsilon is stored nowhere: what the month cost is not known, and
            # not guessed (today's epsilon would under-count one drawn at more).
            assert await month_privacy_loss(connection, APRIL, month_epsilon=1.0) == math.inf
        # So the month takes no new draw, not even an unchanged revision, until it is declared:
        # one line saying why and how to go on, and nothing written.
        before = await _tables(engine)
        with pytest.raises(PublishRefused) as refused:
            await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
        assert str(refused.value) == (
            "revising 2023-04 is refused: its revision 1 was published before the privacy "
            "accountant recorded its epsilon, so what the month cost its accounts is not known; "
            "declare the epsilon it was drawn at (at least today's PROFILING_PRIVACY_EPSILON, 1) "
            "with `profiling publish --month 2023-04 --declare-past-epsilon E`, then revise"
        )
        assert await _tables(engine) == before
        # Declared at today's epsilon: revision 1 at a whole budget of 1, revision 2's four
        # releases of 0.25.
        declared = await declare_past_epsilon(engine, month=APRIL, epsilon=1.0, privacy_epsilon=1.0)
        assert (declared.revisions, declared.privacy_loss, declared.month_cap) == ((1,), 2.0, 2.0)
        async with engine.connect() as connection:
            assert await month_privacy_loss(connection, APRIL, month_epsilon=1.0) == 2.0
        # Nothing left under the default cap: a change is refused, an unchanged revision is not.
        await _change(engine, [("a1", "level", 5)])
        with pytest.raises(PublishRefused, match="no budget left this month"):
            await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
        await _change(engine, [("a1", "level", 13)])  # back to the published value
        result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
        assert result.privacy_loss == pytest.approx(2.0)
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")

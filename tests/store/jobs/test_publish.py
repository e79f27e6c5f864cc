"""The publish job on both stores: percentiles, roll-ups, freezing and guarded revisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.percentiles import percentiles, round_percentile
from store.jobs.publish import PublishRefused, publish_month
from store.tables import (
    COHORT_REVISION_TABLE,
    COHORT_TABLE,
    DEFINITION_TABLE,
    METRIC_TABLE,
    PUBLISHED_MONTH_TABLE,
)
from tests.factories import Seed

APRIL = dt.date(2023, 4, 1)
TODAY = dt.date(2023, 5, 17)


async def _seed(engine: AsyncEngine, sizes: dict[str, int], month: str = "2023-04-01") -> None:
    seed = Seed()
    seed.definition("revenue", "EUR", aggregation="sum")
    seed.definition("response_time", "minutes", higher_is_better=False, aggregation="median")
    for industry, size in sizes.items():
        seed.industry(industry)
        for n in range(size):
            account = f"{industry}-{n:02d}"
            seed.account(account, industry=industry)
            seed.metric("account", account, "revenue", month, f"{(n + 1) * 10}.5")
            seed.metric("account", account, "response_time", month, str(100 - n))
    await seed.write(engine)


async def _cohorts(engine: AsyncEngine) -> dict[tuple[str, str], dict[str, object]]:
    async with engine.connect() as connection:
        rows = (await connection.execute(select(COHORT_TABLE))).mappings().all()
    return {(row["industry_id"], row["metric_name"]): dict(row) for row in rows}


async def test_publish_computes_percentiles_rollups_and_members(engine: AsyncEngine) -> None:
    await _seed(engine, {"retail": 5, "energy": 4})
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    assert (result.cohorts, result.publishable, result.sectors, result.values) == (4, 2, 1, 18)
    cohorts = await _cohorts(engine)
    retail = cohorts["retail", "revenue"]
    values = [10.5, 20.5, 30.5, 40.5, 50.5]
    expected = [round_percentile(float(p)) for p in np.percentile(values, [25, 50, 75, 90])]
    assert [retail["p25"], retail["p50"], retail["p75"], retail["p90"]] == expected
    assert retail["cohort_size"] == 5
    assert retail["rollup"] == Decimal("152.5")  # revenue sums
    assert cohorts["retail", "response_time"]["rollup"] == Decimal(98)  # a median
    assert orjson.loads(str(retail["member_ids"])) == [f"retail-{n:02d}" for n in range(5)]
    # Too small: the membership is kept (for revisions), nothing derived is.
    energy = cohorts["energy", "revenue"]
    assert energy["cohort_size"] == 4
    assert [energy["p25"], energy["p50"], energy["p90"], energy["rollup"]] == [None] * 4


async def test_a_published_month_is_frozen(engine: AsyncEngine) -> None:
    await _seed(engine, {"retail": 6})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    before = await _cohorts(engine)
    seed = Seed()
    seed.account("late", industry="retail")
    seed.metric("account", "late", "revenue", "2023-04-01", "999999")
    await seed.write(engine)
    assert await _cohorts(engine) == before
    with pytest.raises(PublishRefused, match="already published"):
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    assert await _cohorts(engine) == before


async def test_a_revision_that_would_reveal_an_account_is_refused(engine: AsyncEngine) -> None:
    await _seed(engine, {"retail": 5})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    before = await _cohorts(engine)
    seed = Seed()
    seed.account("newcomer", industry="retail")
    seed.metric("account", "newcomer", "revenue", "2023-04-01", "47")
    await seed.write(engine)
    with pytest.raises(PublishRefused) as refused:
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert "retail x revenue: 5 -> 6 accounts (1 changed)" in str(refused.value)
    assert "response_time" not in str(refused.value)  # its membership did not change
    assert await _cohorts(engine) == before


async def _move_away(engine: AsyncEngine, accounts: list[str]) -> None:
    """The accounts' values of April leave the cohort (their data is deleted)."""
    async with engine.begin() as connection:
        await connection.execute(
            delete(METRIC_TABLE).where(
                METRIC_TABLE.c.entity_id.in_(accounts), METRIC_TABLE.c.metric_name == "revenue"
            )
        )


async def _add(engine: AsyncEngine, accounts: list[str], value: str = "47") -> None:
    seed = Seed()
    for account in accounts:
        seed.account(account, industry="retail")
        seed.metric("account", account, "revenue", "2023-04-01", value)
    await seed.write(engine)


async def test_a_revision_is_checked_against_every_earlier_one(engine: AsyncEngine) -> None:
    """Adding 5 accounts (allowed), then moving those 5 away and adding one: each step changes
    the previous revision by 5 or more, but the third differs from the first by one account."""
    await _seed(engine, {"retail": 5})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    five = [f"batch-{n}" for n in range(5)]
    await _add(engine, five)
    second = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert second.revision == 2
    await _move_away(engine, five)
    await _add(engine, ["newcomer"])
    with pytest.raises(PublishRefused, match="compared with revision 1"):
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)


async def test_the_fixed_floor_not_the_configured_minimum_guards_revisions(
    engine: AsyncEngine,
) -> None:
    """Published at 5, revised under a raised minimum of 7 with one account more (where the
    cohort of 6 would be refused, so it looked safe), then at 5 again: the two answers at 5
    would give the newcomer's value. The revision under 7 is refused already."""
    await _seed(engine, {"retail": 5})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _add(engine, ["newcomer"])
    with pytest.raises(PublishRefused, match="5 -> 6 accounts"):
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=7, revise=True)


async def test_every_revisions_membership_is_kept(engine: AsyncEngine) -> None:
    await _seed(engine, {"retail": 5})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    await _add(engine, [f"batch-{n}" for n in range(5)])
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(COHORT_REVISION_TABLE.c.revision, COHORT_REVISION_TABLE.c.member_ids).where(
                COHORT_REVISION_TABLE.c.metric_name == "revenue"
            )
        )
        sizes = {revision: len(orjson.loads(ids)) for revision, ids in rows}
    assert sizes == {1: 5, 2: 10}


async def test_private_figures_are_drawn_once_within_bounds(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("score", "count", aggregation="sum", bounds=("0", "100"))
    seed.definition("peak", "count", aggregation="max", bounds=("0", "100"))
    seed.definition("unbounded", "count")
    seed.industry("retail")
    for n in range(8):
        seed.account(f"a{n}", industry="retail")
        for name in ("score", "peak", "unbounded"):
            seed.metric("account", f"a{n}", name, "2023-04-01", str(10 * n + 3))
    await seed.write(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, privacy_epsilon=2.0)
    cohorts = await _cohorts(engine)
    score, peak, unbounded = (cohorts["retail", name] for name in ("score", "peak", "unbounded"))
    private = [score[f"private_p{p}"] for p in (25, 50, 75, 90)]
    assert all(isinstance(v, float) and 0 <= v <= 100 for v in private)
    assert private == sorted(private)
    assert score["private_rollup"] is not None
    assert 0 <= Decimal(str(score["private_rollup"])) <= 800
    assert peak["private_p50"] is not None
    assert peak["private_rollup"] is None  # a max is never released privately
    assert unbounded["private_p50"] is None  # no bounds: nothing private is drawn
    # Two metrics with bounds: 2 releases for score (percentiles, sum), 1 for peak.
    assert score["release_epsilon"] == pytest.approx(2.0 / 3, rel=1e-6)
    assert orjson.loads(str(score["member_apps"])) == {"default": 8}
    # A revision of unchanged data keeps the draw instead of spending the budget again.
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert (await _cohorts(engine))["retail", "score"] == score


async def test_a_revision_keeps_a_draw_with_its_bounds_and_counts_it_in_the_budget(
    engine: AsyncEngine,
) -> None:
    """A release records the bounds and roll-up it was drawn with. A revision keeps the draw of
    a cohort whose data did not change with them, even when its metric's bounds were dropped
    since, and splits the budget over the draws it keeps as well as the new ones: the month's
    releases still share it, as when it was first published."""
    seed = Seed()
    seed.definition("score", "count", aggregation="sum", bounds=("0", "100"))
    seed.definition("level", "count", aggregation="mean", bounds=("0", "100"))
    seed.industry("retail")
    for n in range(8):
        seed.account(f"a{n}", industry="retail")
        for name in ("score", "level"):
            seed.metric("account", f"a{n}", name, "2023-04-01", str(10 * n + 3))
    await seed.write(engine)
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, privacy_epsilon=2.0)
    first = await _cohorts(engine)
    level = first["retail", "level"]
    # Four releases (percentiles and roll-up of each metric) share the budget.
    assert level["release_epsilon"] == pytest.approx(0.5, rel=1e-6)
    for name, aggregation in (("score", "sum"), ("level", "mean")):
        release = first["retail", name]
        assert (release["release_lower_bound"], release["release_upper_bound"]) == (0, 100)
        assert release["release_aggregation"] == aggregation

    async with engine.begin() as connection:
        await connection.execute(
            update(DEFINITION_TABLE)
            .where(DEFINITION_TABLE.c.name == "level")
            .values(lower_bound=None, upper_bound=None, aggregation="max")
        )
    corrected = Seed()
    corrected.metric("account", "a0", "score", "2023-04-01", "4")
    await corrected.write(engine)
    result = await publish_month(
        engine, month=APRIL, today=TODAY, min_cohort=5, revise=True, privacy_epsilon=2.0
    )
    revised = await _cohorts(engine)
    # Kept, with the bounds and roll-up it was drawn with (the exact roll-up follows today's).
    release = [name for name in level if name.startswith(("private_", "release_"))]
    assert len(release) == 9
    assert {name: revised["retail", "level"][name] for name in release} == {
        name: level[name] for name in release
    }
    score = revised["retail", "score"]
    assert score["member_values"] != first["retail", "score"]["member_values"]
    assert score["release_epsilon"] == pytest.approx(0.5, rel=1e-6)
    assert result.internal_only == ()
    assert result.precision is not None
    assert result.precision.figures == 4  # the kept release counted with its own bounds


async def test_a_revision_with_unchanged_membership_is_allowed(engine: AsyncEngine) -> None:
    await _seed(engine, {"retail": 5})
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    seed = Seed()
    seed.metric("account", "retail-00", "revenue", "2023-04-01", "0.5")  # a corrected value
    await seed.write(engine)
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, revise=True)
    assert result.revision == 2
    assert (await _cohorts(engine))["retail", "revenue"]["p25"] == 20.5
    async with engine.connect() as connection:
        revision = (await connection.execute(select(PUBLISHED_MONTH_TABLE.c.revision))).scalar()
    assert revision == 2


@pytest.mark.parametrize(
    ("month", "revise", "message"),
    [
        (dt.date(2023, 5, 1), False, "not over yet"),
        (dt.date(2023, 3, 1), False, "nothing to publish"),
        (APRIL, True, "not published yet"),
    ],
)
async def test_refusals(engine: AsyncEngine, month: dt.date, revise: bool, message: str) -> None:
    await _seed(engine, {"retail": 5})
    with pytest.raises(PublishRefused, match=message):
        await publish_month(engine, month=month, today=TODAY, min_cohort=5, revise=revise)
    assert await _cohorts(engine) == {}


cohort_values = st.lists(
    st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False),
    min_size=5,
    max_size=30,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=cohort_values)
async def test_both_stores_publish_numpys_percentiles(
    engine: AsyncEngine, values: list[Decimal]
) -> None:
    # Both stores take them from numpy over the values publish reads (PostgreSQL used to run
    # percentile_cont too, a second read of the month: its rounded figures were the same).
    async with engine.begin() as connection:
        for table in (COHORT_REVISION_TABLE, COHORT_TABLE, PUBLISHED_MONTH_TABLE, METRIC_TABLE):
            await connection.execute(delete(table))
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.industry("retail")
    for n, value in enumerate(values):
        seed.account(f"a{n:02d}", industry="retail")
        seed.metric("account", f"a{n:02d}", "revenue", "2023-04-01", str(value))
    await seed.write(engine)  # accounts of an earlier example stay: upserts keep them
    await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5)
    retail = (await _cohorts(engine))["retail", "revenue"]
    assert (retail["p25"], retail["p50"], retail["p75"], retail["p90"]) == percentiles(values)
    expected = np.percentile([float(v) for v in values], [25, 50, 75, 90])
    assert all(
        abs(float(str(retail[name])) - exact) <= 0.0051
        for name, exact in zip(("p25", "p50", "p75", "p90"), expected, strict=True)
    )

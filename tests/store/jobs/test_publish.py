"""The publish job on both stores: percentiles, roll-ups, freezing and guarded revisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.percentiles import percentiles, round_percentile
from store.jobs.publish import PublishRefused, publish_month
from store.tables import COHORT_TABLE, METRIC_TABLE, PUBLISHED_MONTH_TABLE
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
    # On PostgreSQL these come from percentile_cont in the database, on SQLite from numpy.
    async with engine.begin() as connection:
        for table in (COHORT_TABLE, PUBLISHED_MONTH_TABLE, METRIC_TABLE):
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

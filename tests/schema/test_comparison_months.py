"""`comparison(latestWithValue: true)`: each metric compared in the latest published month
whose frozen cohort has the account's value, not in the latest published month, which may have
been published without that metric; with the sector's benchmark of that same month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import publish_month
from store.tables import METADATA
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

FEBRUARY, MARCH, APRIL = "2023-02-01", "2023-03-01", "2023-04-01"
MAY = "2023-05-01"  # not over on TODAY: never published
MEDIA = 6  # accounts with both metrics in March, enough for a cohort
ENERGY = 4  # too few

COMPARE = """query ($account: String!, $metric: String!) {
  account(accountId: $account) {
    comparison(metric: $metric, latestWithValue: true) {
      metric effectiveDate customerValue sectorP50 customerPercentile
      benchmark { sector metric effectiveDate publishable cohortSize p25 p50 p75 p90 }
    }
  }
}"""

BENCHMARK = """query ($sector: String!, $metric: String!, $month: Date!) {
  sectorBenchmarks(metric: $metric, sectors: [$sector], effectiveDate: $month) {
    sector metric effectiveDate publishable cohortSize p25 p50 p75 p90
  }
}"""


async def _publish(engine: AsyncEngine, *months: str) -> None:
    for month in months:
        await publish_month(
            engine,
            month=dt.date.fromisoformat(month),
            today=dt.date.fromisoformat(TODAY),
            min_cohort=5,
        )


@pytest.fixture
async def published(engine: AsyncEngine) -> None:
    """March published with both metrics, April with reply_rate only; every account has a
    response_time in May too, which is not published."""
    seed = Seed()
    seed.definition("reply_rate", "percent")
    seed.definition("response_time", "minutes", higher_is_better=False)
    for industry, size in (("media", MEDIA), ("energy", ENERGY)):
        seed.industry(industry)
        for n in range(size):
            account = f"{industry}-{n}"
            seed.account(account, industry=industry)
            for month in (MARCH, APRIL):
                seed.metric("account", account, "reply_rate", month, str(40 + n))
            for month in (MARCH, MAY):
                seed.metric("account", account, "response_time", month, str(30 - n))
    seed.account("newcomer", industry="media")  # values in May only
    seed.metric("account", "newcomer", "response_time", MAY, "12")
    await seed.write(engine)
    await _publish(engine, MARCH, APRIL)


async def test_each_metric_is_compared_in_its_own_latest_month(
    client: GraphQLClient, published: None
) -> None:
    latest = await client.data(COMPARE, {"account": "media-2", "metric": "reply_rate"})
    earlier = await client.data(COMPARE, {"account": "media-2", "metric": "response_time"})
    assert latest["account"]["comparison"]["effectiveDate"] == APRIL
    # April was published without response_time, and May is not published: March.
    comparison = earlier["account"]["comparison"]
    assert comparison["effectiveDate"] == MARCH
    assert comparison["customerValue"] == 28.0
    assert comparison["sectorP50"] is not None
    assert comparison["customerPercentile"] is not None
    # The latest published month by default: no response_time there, so no comparison.
    default = await client.data(
        '{ account(accountId: "media-2") { comparison(metric: "response_time") { metric } } }'
    )
    assert default["account"]["comparison"] is None


@pytest.mark.parametrize("metric", ["reply_rate", "response_time"])
async def test_the_benchmark_is_the_sector_benchmark_of_the_month_compared(
    client: GraphQLClient, published: None, metric: str
) -> None:
    comparison = (await client.data(COMPARE, {"account": "media-0", "metric": metric}))["account"][
        "comparison"
    ]
    benchmark = await client.data(
        BENCHMARK, {"sector": "media", "metric": metric, "month": comparison["effectiveDate"]}
    )
    assert [comparison["benchmark"]] == benchmark["sectorBenchmarks"]
    assert comparison["benchmark"]["publishable"]
    assert comparison["benchmark"]["p50"] == comparison["sectorP50"]


async def test_a_small_cohort_is_refused_in_the_month_compared(
    client: GraphQLClient, published: None
) -> None:
    body = await client.post(COMPARE, {"account": "energy-0", "metric": "response_time"})
    comparison = body["data"]["account"]["comparison"]
    assert comparison["effectiveDate"] == MARCH
    assert comparison["customerValue"] == 30.0  # its own value is its own
    assert (comparison["sectorP50"], comparison["customerPercentile"]) == (None, None)
    benchmark = comparison["benchmark"]
    assert (benchmark["publishable"], benchmark["cohortSize"], benchmark["p50"]) == (
        False,
        None,
        None,
    )
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"COHORT_TOO_SMALL"}


async def test_no_value_in_a_published_month_is_no_comparison(
    client: GraphQLClient, published: None
) -> None:
    data = await client.data(COMPARE, {"account": "newcomer", "metric": "response_time"})
    assert data["account"]["comparison"] is None


async def test_a_value_that_came_after_its_month_was_published_is_passed_over(
    engine: AsyncEngine, client: GraphQLClient, published: None
) -> None:
    # April's response_time of media-1 arrives after April was published: April's frozen
    # cohorts do not have it, so the comparison stays in March.
    late = Seed()
    late.metric("account", "media-1", "response_time", APRIL, "5")
    await late.write(engine)
    data = await client.data(COMPARE, {"account": "media-1", "metric": "response_time"})
    assert data["account"]["comparison"]["effectiveDate"] == MARCH
    assert data["account"]["comparison"]["customerValue"] == 29.0


async def test_a_month_given_beside_it_is_bad_input(client: GraphQLClient, published: None) -> None:
    for arguments in (f'effectiveDate: "{MARCH}"', "lastFullMonth: true"):
        body = await client.post(
            '{ account(accountId: "media-0") { comparison(metric: "reply_rate", '
            f"latestWithValue: true, {arguments}) {{ metric }} }} }}"
        )
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "latestWithValue" in error["message"]


async def test_nothing_published_yet(engine: AsyncEngine, client: GraphQLClient) -> None:
    seed = Seed()
    seed.definition("reply_rate", "percent")
    seed.industry("media")
    seed.account("media-0", industry="media")
    seed.metric("account", "media-0", "reply_rate", MARCH, "40")
    await seed.write(engine)
    body = await client.post(COMPARE, {"account": "media-0", "metric": "reply_rate"})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "MONTH_NOT_PUBLISHED"


async def test_statements_do_not_grow_with_accounts(
    client: GraphQLClient, published: None, sql_statements: StatementCounter
) -> None:
    query = """query ($first: Int!) { accounts(first: $first) { edges { node {
        rate: comparison(metric: "reply_rate", latestWithValue: true) {
          effectiveDate customerPercentile benchmark { p25 p90 } }
        time: comparison(metric: "response_time", latestWithValue: true) {
          effectiveDate customerPercentile benchmark { p25 p90 } } } } } }"""
    counts = []
    # Both pages hold accounts of refused and of publishable cohorts (energy-*, media-*).
    for first in (5, 10):
        sql_statements.reset()
        body = await client.post(query, {"first": first})
        assert len(body["data"]["accounts"]["edges"]) == first
        counts.append(sql_statements.count)
    assert counts[0] == counts[1], sql_statements.statements


MONTHS = (FEBRUARY, MARCH, APRIL)


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@hypothesis_settings(
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.lists(st.sets(st.sampled_from(MONTHS)), min_size=5, max_size=5),
    published_months=st.sets(st.sampled_from(MONTHS), min_size=1),
)
async def test_the_month_is_the_latest_published_with_the_value(
    engine: AsyncEngine,
    client: GraphQLClient,
    values: list[set[str]],
    published_months: set[str],
) -> None:
    """For any months with values and any months published: the latest published month in
    which the account has a value, or no comparison when there is none."""
    await _reset(engine)
    seed = Seed()
    seed.definition("reply_rate", "percent")
    seed.industry("media")
    for n, months in enumerate(values):
        seed.account(f"media-{n}", industry="media")
        for month in months:
            seed.metric("account", f"media-{n}", "reply_rate", month, str(40 + n))
    # A month is published only with some value: a sixth account has one in every month.
    seed.account("media-all", industry="media")
    for month in MONTHS:
        seed.metric("account", "media-all", "reply_rate", month, "50")
    await seed.write(engine)
    await _publish(engine, *sorted(published_months))
    for n, months in enumerate(values):
        # A cohort under 5 accounts refuses its figures (errors), not its month.
        body: Any = await client.post(COMPARE, {"account": f"media-{n}", "metric": "reply_rate"})
        expected = max(months & published_months, default=None)
        found = body["data"]["account"]["comparison"]
        assert (found and found["effectiveDate"]) == expected

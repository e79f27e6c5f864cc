"""Property: under any data and any query, nothing derived from fewer than 5 distinct accounts
leaves the server, through any field that carries derived data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import PublishRefused, publish_month
from store.tables import METADATA
from tests.api_client import TODAY, GraphQLClient
from tests.factories import Seed

METRICS = {"reply_rate": True, "response_time": False}
MONTHS = ("2023-03-01", "2023-04-01")


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@st.composite
def customer_bases(draw: st.DrawFn) -> dict[str, dict[str, dict[str, dict[str, int]]]]:
    """sector -> account -> month -> metric -> value; accounts may miss any value."""
    base: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for sector in range(draw(st.integers(1, 4))):
        accounts: dict[str, dict[str, dict[str, int]]] = {}
        for n in range(draw(st.integers(0, 8))):
            accounts[f"s{sector}-a{n}"] = {
                month: {
                    metric: draw(st.integers(0, 100))
                    for metric in METRICS
                    if draw(st.booleans()) or draw(st.booleans())
                }
                for month in MONTHS
            }
        base[f"s{sector}"] = accounts
    return base


def _cohort_sizes(base: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    sizes: dict[tuple[str, str, str], int] = defaultdict(int)
    for sector, accounts in base.items():
        for months in accounts.values():
            for month, values in months.items():
                for metric in values:
                    sizes[sector, metric, month] += 1
    return sizes


QUERY = """query ($metric: String!, $sectors: [String!], $month: Date) {
  sectorBenchmarks(metric: $metric, sectors: $sectors, effectiveDate: $month) {
    sector effectiveDate cohortSize p25 p50 p75 p90 }
  industries { industryId
    benchmark(metric: $metric, effectiveDate: $month) { effectiveDate cohortSize p50 p90 }
    metrics { metricName effectiveDate value }
    accounts(first: 100) { edges { node { accountId
      comparison(metric: $metric, effectiveDate: $month) {
        sector effectiveDate sectorP50 sectorP90 customerPercentile insight } } } } }
  pulseReport(month: $month) { benchmarks { sector metric effectiveDate cohortSize p50 }
    monthSummary }
}"""


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=customer_bases(), data=st.data())
async def test_nothing_derived_from_fewer_than_five_accounts_leaves(
    client: GraphQLClient, engine: AsyncEngine, base: dict[str, Any], data: st.DataObject
) -> None:
    await _reset(engine)
    seed = Seed()
    for metric, higher in METRICS.items():
        seed.definition(metric, "percent", higher_is_better=higher)
    for sector, accounts in base.items():
        seed.industry(sector)
        for account, months in accounts.items():
            seed.account(account, industry=sector)
            for month, values in months.items():
                for metric, value in values.items():
                    seed.metric("account", account, metric, month, str(value))
    await seed.write(engine)
    published = []
    for month in MONTHS:
        try:
            await publish_month(
                engine,
                month=dt.date.fromisoformat(month),
                today=dt.date.fromisoformat(TODAY),
                min_cohort=5,
            )
            published.append(month)
        except PublishRefused:  # a month without any value has nothing to publish
            pass
    if not published:
        return
    sizes = _cohort_sizes(base)
    accounts_in = {sector: len(accounts) for sector, accounts in base.items()}
    metric = data.draw(st.sampled_from(sorted(METRICS)))
    month = data.draw(st.sampled_from(published))
    sectors = data.draw(st.none() | st.lists(st.sampled_from(sorted(base)), unique=True))
    body = await client.post(QUERY, {"metric": metric, "sectors": sectors, "month": month})
    answer = body["data"]
    assert answer is not None, body

    def allowed(sector: str, name: str, effective: str) -> bool:
        return sizes[sector, name, effective] >= 5

    for benchmark in answer["sectorBenchmarks"]:
        derived = [benchmark[k] for k in ("cohortSize", "p25", "p50", "p75", "p90")]
        if any(v is not None for v in derived):
            assert allowed(benchmark["sector"], metric, benchmark["effectiveDate"])
    for industry in answer["industries"]:
        sector = industry["industryId"]
        benchmark = industry["benchmark"]
        if any(benchmark[k] is not None for k in ("cohortSize", "p50", "p90")):
            assert allowed(sector, metric, benchmark["effectiveDate"])
        if industry["metrics"]:
            assert accounts_in[sector] >= 5
        for row in industry["metrics"]:
            assert allowed(sector, row["metricName"], row["effectiveDate"])
        for edge in industry["accounts"]["edges"]:
            comparison = edge["node"]["comparison"]
            if comparison is None:
                continue
            derived = [
                comparison[k] for k in ("sectorP50", "sectorP90", "customerPercentile", "insight")
            ]
            if any(v is not None for v in derived):
                assert allowed(sector, metric, comparison["effectiveDate"])
    for benchmark in answer["pulseReport"]["benchmarks"]:
        assert allowed(benchmark["sector"], benchmark["metric"], benchmark["effectiveDate"])
    for line in answer["pulseReport"]["monthSummary"][1:]:
        # Every sector a summary line names has a publishable cohort that month.
        assert any(
            f"S{sector[1:]}" in line or sector.title() in line
            for sector in base
            if any(allowed(sector, m, month) for m in METRICS)
        ), line
    # Every error is a refusal, never a failure.
    assert {e["extensions"]["code"] for e in body.get("errors", [])} <= {"COHORT_TOO_SMALL"}

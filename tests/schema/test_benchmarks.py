"""Benchmarks, comparisons and the pulse report through HTTP, and the cohort rule on each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.jobs.publish import publish_month
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

MARCH, APRIL = dt.date(2023, 3, 1), dt.date(2023, 4, 1)
SIZES = {"empty": 0, "energy": 4, "media": 9, "retail": 5}
REFUSED = "COHORT_TOO_SMALL"


async def seed_and_publish(engine: AsyncEngine, sizes: dict[str, int] = SIZES) -> None:
    seed = Seed()
    seed.definition("reply_rate", "percent", aggregation="mean")
    seed.definition("response_time", "minutes", higher_is_better=False, aggregation="median")
    seed.definition("unused", "count")
    for industry, size in sizes.items():
        seed.industry(industry)
        for n in range(size):
            account = f"{industry}-{n}"
            seed.account(account, industry=industry)
            for month, bump in (("2023-03-01", 0), ("2023-04-01", 2)):
                seed.metric("account", account, "reply_rate", month, str(40 + 2 * n + bump))
                seed.metric("account", account, "response_time", month, str(30 - n))
    seed.account("loner")  # no industry: no cohort, no comparison
    seed.metric("account", "loner", "reply_rate", "2023-04-01", "50")
    await seed.write(engine)
    today = dt.date.fromisoformat(TODAY)
    for published in (MARCH, APRIL):
        await publish_month(engine, month=published, today=today, min_cohort=5)


@pytest.fixture
async def published(engine: AsyncEngine) -> None:
    await seed_and_publish(engine)


BENCHMARKS = """query ($metric: String!, $sectors: [String!], $date: Date, $last: Boolean) {
  sectorBenchmarks(metric: $metric, sectors: $sectors, effectiveDate: $date,
                   lastFullMonth: $last) {
    sector sectorName metric unit effectiveDate samplePeriodDays publishable cohortSize
    p25 p50 p75 p90
  }
}"""


def _errors_by_path(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


async def test_sector_benchmarks_publish_only_cohorts_of_five(
    client: GraphQLClient, published: None
) -> None:
    body = await client.post(BENCHMARKS, {"metric": "reply_rate"})
    by_sector = {b["sector"]: b for b in body["data"]["sectorBenchmarks"]}
    assert list(by_sector) == ["empty", "energy", "media", "retail"]
    retail = by_sector["retail"]
    # April reply rates of retail: 42, 44, 46, 48, 50.
    assert (retail["p25"], retail["p50"], retail["p75"], retail["p90"]) == (44, 46, 48, 49.2)
    assert (retail["publishable"], retail["cohortSize"]) == (True, 5)
    assert retail["effectiveDate"] == "2023-04-01"  # the latest published month by default
    assert retail["samplePeriodDays"] == 30
    assert retail["unit"] == "percent"
    assert by_sector["media"]["cohortSize"] == 9
    errors = _errors_by_path(body)
    for index, sector in enumerate(by_sector):
        refused = sector in ("empty", "energy")
        for field in ("p25", "p50", "p75", "p90"):
            path = ("sectorBenchmarks", index, field)
            assert (errors.get(path) == REFUSED) is refused
    assert len(errors) == 8


async def test_refusal_is_identical_for_0_and_4_accounts(
    client: GraphQLClient, published: None
) -> None:
    answers = []
    for sector in ("empty", "energy"):
        body = await client.post(BENCHMARKS, {"metric": "reply_rate", "sectors": [sector]})
        (benchmark,) = body["data"]["sectorBenchmarks"]
        benchmark.pop("sector")
        benchmark.pop("sectorName")
        errors = sorted(
            (tuple(e["path"]), e["message"], e["extensions"]["code"]) for e in body["errors"]
        )
        answers.append((benchmark, errors))
    assert answers[0] == answers[1]
    assert answers[0][0]["publishable"] is False
    assert answers[0][0]["cohortSize"] is None


async def test_industry_benchmark_and_month_selection(
    client: GraphQLClient, published: None
) -> None:
    query = """query ($date: Date, $last: Boolean) { industry(industryId: "retail") {
        benchmark(metric: "reply_rate", effectiveDate: $date, lastFullMonth: $last) {
          effectiveDate p50 } } }"""
    march = await client.data(query, {"date": "2023-03-20"})
    assert march["industry"]["benchmark"] == {"effectiveDate": "2023-03-01", "p50": 44}
    last = await client.data(query, {"last": True})
    assert last["industry"]["benchmark"]["effectiveDate"] == "2023-04-01"
    conflict = await client.post(query, {"date": "2023-03-01", "last": True})
    assert conflict["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unpublished = await client.post(query, {"date": "2023-02-01"})
    (error,) = unpublished["errors"]
    assert error["extensions"]["code"] == "MONTH_NOT_PUBLISHED"
    assert "2023-02" in error["message"]


async def test_nothing_published_yet(client: GraphQLClient, engine: AsyncEngine) -> None:
    body = await client.post("{ pulseReport { month } }")
    assert body["errors"][0]["extensions"]["code"] == "MONTH_NOT_PUBLISHED"


async def test_unknown_metric_or_sector_is_bad_input(
    client: GraphQLClient, published: None
) -> None:
    for variables in ({"metric": "nope"}, {"metric": "reply_rate", "sectors": ["atlantis"]}):
        body = await client.post(BENCHMARKS, variables)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


COMPARISON = """query ($id: String!, $metric: String!) { account(accountId: $id) {
  comparison(metric: $metric) { accountId sector metric effectiveDate customerValue
    sectorP50 sectorP90 customerPercentile insight } } }"""


async def test_comparison_ranks_the_customer_in_its_sector(
    client: GraphQLClient, published: None
) -> None:
    data = await client.data(COMPARISON, {"id": "retail-3", "metric": "reply_rate"})
    comparison = data["account"]["comparison"]
    assert comparison == {
        "accountId": "retail-3",
        "sector": "retail",
        "metric": "reply_rate",
        "effectiveDate": "2023-04-01",
        "customerValue": 48.0,
        "sectorP50": 46.0,
        "sectorP90": 49.2,
        "customerPercentile": 80,
        "insight": "Your reply rate of 48% is in the top quartile of Retail: "
        "as high as or higher than 80% of its accounts.",
    }


async def test_lower_is_better_is_ranked_the_other_way_round(
    client: GraphQLClient, published: None
) -> None:
    # Response times of retail: 30, 29, 28, 27, 26; retail-4 answers fastest.
    data = await client.data(COMPARISON, {"id": "retail-4", "metric": "response_time"})
    comparison = data["account"]["comparison"]
    assert comparison["customerPercentile"] == 100
    assert comparison["insight"].startswith("Your response time of 26min is in the top 10%")
    assert "as low as or lower than 100%" in comparison["insight"]


async def test_comparison_in_a_small_cohort_refuses_everything_derived(
    client: GraphQLClient, published: None
) -> None:
    body = await client.post(COMPARISON, {"id": "energy-1", "metric": "reply_rate"})
    comparison = body["data"]["account"]["comparison"]
    assert comparison["customerValue"] == 44.0  # its own value is its own
    assert [comparison[f] for f in ("sectorP50", "sectorP90", "customerPercentile")] == [None] * 3
    assert comparison["insight"] is None
    assert {tuple(e["path"])[-1]: e["extensions"]["code"] for e in body["errors"]} == {
        "sectorP50": REFUSED,
        "sectorP90": REFUSED,
        "customerPercentile": REFUSED,
    }


@pytest.mark.parametrize(("account", "metric"), [("loner", "reply_rate"), ("retail-1", "unused")])
async def test_no_value_means_no_comparison(
    client: GraphQLClient, published: None, account: str, metric: str
) -> None:
    data = await client.data(COMPARISON, {"id": account, "metric": metric})
    assert data["account"]["comparison"] is None


PULSE = """query ($month: Date) { pulseReport(month: $month) {
  reportName month monthSummary minCohortForPublication sectorsCovered methodology
  benchmarks { sector metric cohortSize p50 } } }"""


async def test_pulse_report_carries_only_publishable_benchmarks(
    client: GraphQLClient, published: None
) -> None:
    report = (await client.data(PULSE))["pulseReport"]
    assert report["month"] == "2023-04-01"
    assert report["reportName"] == "Customer Profiling Pulse"
    assert report["minCohortForPublication"] == 5
    assert report["sectorsCovered"] == 2
    assert {(b["sector"], b["metric"]) for b in report["benchmarks"]} == {
        ("media", "reply_rate"),
        ("media", "response_time"),
        ("retail", "reply_rate"),
        ("retail", "response_time"),
    }
    assert all(b["cohortSize"] >= 5 for b in report["benchmarks"])
    summary = report["monthSummary"]
    assert summary[0] == "April 2023: 2 sectors and 2 metrics had at least 5 contributing accounts."
    assert "Best reply rate: Media (median 50%)." in summary
    assert "Best response time: Media (median 26min)." in summary
    assert "Retail, reply rate: median 46%, against 44% in March 2023." in summary
    assert not any("Energy" in line or "Empty" in line for line in summary)
    assert "at least 5 distinct accounts" in report["methodology"]
    march = (await client.data(PULSE, {"month": "2023-03-31"}))["pulseReport"]
    assert march["month"] == "2023-03-01"
    assert not any("against" in line for line in march["monthSummary"])


async def test_industry_metrics_serve_published_rollups(
    client: GraphQLClient, published: None
) -> None:
    body = await client.post(
        """{ industries { industryId metrics(names: ["reply_rate"]) { value effectiveDate } } }"""
    )
    metrics = {i["industryId"]: i["metrics"] for i in body["data"]["industries"]}
    assert metrics["retail"] == [
        {"value": "44", "effectiveDate": "2023-03-01"},
        {"value": "46", "effectiveDate": "2023-04-01"},
    ]
    assert metrics["energy"] == []
    assert metrics["empty"] == []
    assert {e["extensions"]["code"] for e in body["errors"]} == {REFUSED}


async def _with_minimum(
    engine: AsyncEngine, minimum: str, query: str, **variables: Any
) -> dict[str, Any]:
    app = create_app(
        require_keys=False,
        settings=load_settings({"PROFILING_MIN_COHORT": minimum, "PROFILING_TODAY": TODAY}),
        engine=engine,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


async def test_raising_the_minimum_withholds_what_was_published_under_a_lower_one(
    engine: AsyncEngine, published: None
) -> None:
    body = await _with_minimum(engine, "6", BENCHMARKS, metric="reply_rate", sectors=["retail"])
    (retail,) = body["data"]["sectorBenchmarks"]
    assert (retail["publishable"], retail["cohortSize"], retail["p50"]) == (False, None, None)
    pulse = await _with_minimum(engine, "6", PULSE)
    assert {b["sector"] for b in pulse["data"]["pulseReport"]["benchmarks"]} == {"media"}
    assert pulse["data"]["pulseReport"]["minCohortForPublication"] == 6


async def test_comparisons_batch_across_accounts(
    client: GraphQLClient, published: None, sql_statements: StatementCounter
) -> None:
    # One query per path: where two paths load the same DataLoader (a comparison's cohort and
    # an industry benchmark's), which of their loads share a batch depends on I/O timing.
    queries = (
        """query ($first: Int!) { accounts(first: $first) { edges { node {
            comparison(metric: "reply_rate") { customerPercentile sectorP50 insight } } } } }""",
        """query ($first: Int!) { accounts(first: $first) { edges { node {
            industry { benchmark(metric: "response_time") { p50 } metrics { value } } } } } }""",
    )
    for query in queries:
        counts = []
        # Both pages hold accounts of refused and of publishable cohorts (ids sort energy-*,
        # loner, media-*, retail-*), so they take the same paths; only their number differs.
        for first in (6, 19):
            sql_statements.reset()
            body = await client.post(query, {"first": first})
            assert len(body["data"]["accounts"]["edges"]) == first
            counts.append(sql_statements.count)
        assert counts[0] == counts[1], sql_statements.statements


@pytest.mark.parametrize(("sector", "publishable"), [("energy", False), ("retail", True)])
async def test_four_against_five_through_every_derived_field(
    client: GraphQLClient, published: None, sector: str, publishable: bool
) -> None:
    body = await client.post(
        """query ($sector: String!, $account: String!) {
          industry(industryId: $sector) {
            benchmark(metric: "reply_rate") { publishable cohortSize p25 p50 p75 p90 }
            metrics(names: ["reply_rate"]) { value } }
          sectorBenchmarks(metric: "reply_rate", sectors: [$sector]) { cohortSize p50 }
          account(accountId: $account) {
            comparison(metric: "reply_rate") { sectorP50 sectorP90 customerPercentile insight } }
          pulseReport { benchmarks { sector } }
        }""",
        {"sector": sector, "account": f"{sector}-0"},
    )
    data = body["data"]
    benchmark = data["industry"]["benchmark"]
    derived = [
        benchmark["cohortSize"],
        *(benchmark[p] for p in ("p25", "p50", "p75", "p90")),
        data["sectorBenchmarks"][0]["cohortSize"],
        data["sectorBenchmarks"][0]["p50"],
        *data["account"]["comparison"].values(),
    ]
    assert benchmark["publishable"] is publishable
    assert all(value is not None for value in derived) is publishable
    assert all(value is None for value in derived) is not publishable
    assert bool(data["industry"]["metrics"]) is publishable
    assert (sector in {b["sector"] for b in data["pulseReport"]["benchmarks"]}) is publishable
    refusals = [e for e in body.get("errors", []) if e["extensions"]["code"] == REFUSED]
    # 4 benchmark percentiles, the sector's p50, 3 comparison fields, and the industry metrics.
    assert len(refusals) == (0 if publishable else 9)

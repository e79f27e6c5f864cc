"""A request's SQL statement count does not grow with the number of entities it returns."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient, StatementCounter
from tests.factories import Seed

ACCOUNTS = 120
MONTHS = ("2023-01-01", "2023-02-01", "2023-03-01")

NESTED = """
query ($first: Int!) {
  accounts(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      accountId industry { name }
      companies {
        account { accountId }
        contracts { company { companyId } account { name } metrics { value formattedValue } }
        metrics(names: ["revenue"]) { value }
      }
      contracts { contractId }
      metrics { metricName value unit effectiveDate formattedValue(locale: "fr") }
      lastMonth: metrics(lastFullMonth: true) { value }
    } }
  }
}
"""


@pytest.fixture
async def many(engine: AsyncEngine) -> None:
    seed = Seed()
    for industry in ("retail", "energy", "media"):
        seed.industry(industry)
    seed.definition("revenue", "EUR")
    seed.definition("minutes_saved", "minutes")
    industries = ("retail", "energy", "media")
    for a in range(ACCOUNTS):
        account = f"acc-{a:04d}"
        seed.account(account, industry=industries[a % 3], app=("north", "south")[a % 2])
        for c in range(2):
            company = f"{account}-co{c}"
            seed.company(company, account=account)
            seed.contract(f"{company}-ct", company=company)
            seed.metric("contract", f"{company}-ct", "revenue", MONTHS[0], str(a + c))
            seed.metric("company", company, "revenue", MONTHS[1], str(a * c))
        for month in MONTHS:
            seed.metric("account", account, "revenue", month, f"{a}.5")
            seed.metric("account", account, "minutes_saved", month, str(a * 7))
    await seed.write(engine)


async def _statements_for(
    client: GraphQLClient, counter: StatementCounter, query: str, first: int
) -> tuple[int, dict[str, object]]:
    counter.reset()
    data = await client.data(query, {"first": first})
    return counter.count, data


async def test_nested_query_runs_the_same_statements_for_1_and_100_accounts(
    client: GraphQLClient, many: None, sql_statements: StatementCounter
) -> None:
    # The app learns the metric names on its first request (resolvers/known_names.py).
    await _statements_for(client, sql_statements, NESTED, 1)
    one, data_one = await _statements_for(client, sql_statements, NESTED, 1)
    hundred, data_hundred = await _statements_for(client, sql_statements, NESTED, 100)
    edges = data_hundred["accounts"]["edges"]  # type: ignore[index]
    assert len(edges) == 100
    assert len(data_one["accounts"]["edges"]) == 1  # type: ignore[index]
    # The rows really are there: 2 metrics x 3 months per account, 2 companies each.
    assert all(len(edge["node"]["metrics"]) == 6 for edge in edges)
    assert all(len(edge["node"]["companies"]) == 2 for edge in edges)
    assert one == hundred, sql_statements.statements
    # And the count itself stays small: one per loader, not one per entity.
    assert hundred <= 14, sql_statements.statements


async def test_industry_connections_batch_across_industries(
    client: GraphQLClient, many: None, sql_statements: StatementCounter
) -> None:
    query = """{ industries { industryId
        accounts(first: 5) { totalCount edges { node { accountId companies { companyId } } } }
        metrics { value } } }"""
    sql_statements.reset()
    data = await client.post(query)
    industries = data["data"]["industries"]
    assert len(industries) == 3
    assert all(len(i["accounts"]["edges"]) == 5 for i in industries)
    assert all(i["accounts"]["totalCount"] == ACCOUNTS // 3 for i in industries)
    # industries, definitions, pages + totals, companies, the cohort counts, industry metrics.
    assert sql_statements.count <= 7, sql_statements.statements


async def test_metric_rows_of_every_industry_page_come_from_one_statement(
    client: GraphQLClient, many: None, sql_statements: StatementCounter
) -> None:
    """Each page's accounts read their rows as one batch (the batch form of
    schema.execution.columns), and the pages of all industries join the same DataLoader
    batch: one read of metric rows in all."""
    query = """{ industries { accounts(first: 100) { edges { node { accountId
        metrics { value } lastMonth: metrics(lastFullMonth: true) { value } } } } } }"""
    await client.post(query)  # the app learns the metric names
    sql_statements.reset()
    data = await client.data(query)
    edges = [edge for industry in data["industries"] for edge in industry["accounts"]["edges"]]
    assert len(edges) == ACCOUNTS
    assert all(len(edge["node"]["metrics"]) == 6 for edge in edges)
    metric_reads = [sql for sql in sql_statements.statements if "metric_value" in sql]
    # One per distinct filter (all rows, the last full month), whatever the accounts.
    assert len(metric_reads) == 2, metric_reads
    # The reads paused the garbage collector while they built records (store/running/gc_pause.py).
    assert gc.isenabled()


async def test_a_list_that_falls_back_reads_its_metric_rows_once(
    client: GraphQLClient, many: None, sql_statements: StatementCounter
) -> None:
    """A list's rows are read as columns for the lean executor; when a row fails (an unknown
    locale) the list goes to the standard executor, whose per-entity resolvers find the same
    rows in the loaders (records of the same read): no second read of metric rows."""
    query = """{ accounts(first: 100) { edges { node { accountId
        metrics { value formattedValue(locale: "xx") } } } } }"""
    await client.post(query)  # the app learns the metric names
    sql_statements.reset()
    answer = await client.post(query)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    metric_reads = [sql for sql in sql_statements.statements if "metric_value" in sql]
    assert len(metric_reads) == 1, metric_reads

"""Metric names are checked against definitions the app keeps across requests: a known name
costs no statement, a name defined after the app started is accepted at once, and an unknown
one is refused every time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient, StatementCounter
from tests.factories import Seed

QUERY = """query ($names: [String!]) { account(accountId: "acc-1") {
  metrics(names: $names) { metricName value } } }"""


async def _seed(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.industry("retail")
    seed.account("acc-1", industry="retail")
    seed.metric("account", "acc-1", "revenue", "2023-04-01", "12.5")
    await seed.write(engine)


async def test_known_names_cost_no_statement_and_new_ones_are_learned(
    client: GraphQLClient, engine: AsyncEngine, sql_statements: StatementCounter
) -> None:
    await _seed(engine)
    first = await client.data(QUERY, {"names": ["revenue"]})
    assert first["account"]["metrics"] == [{"metricName": "revenue", "value": "12.5"}]
    sql_statements.reset()
    await client.data(QUERY, {"names": ["revenue"]})
    assert not any("metric_definition.description" in s for s in sql_statements.statements)
    assert sql_statements.count == 1  # the account with its rows (store/reads/account_metrics.py)

    # Defined by another process after the app learned its names: accepted at once.
    later = Seed()
    later.definition("tickets", "count")
    later.metric("account", "acc-1", "tickets", "2023-04-01", "7")
    await later.write(engine)
    rows = await client.data(QUERY, {"names": ["tickets", "revenue"]})
    assert rows["account"]["metrics"] == [
        {"metricName": "revenue", "value": "12.5"},
        {"metricName": "tickets", "value": "7"},
    ]


async def test_an_unknown_name_is_refused_every_time(
    client: GraphQLClient, engine: AsyncEngine
) -> None:
    await _seed(engine)
    for _ in range(2):
        body = await client.post(QUERY, {"names": ["revenue", "nonsense"]})
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "nonsense" in error["message"]
        assert "revenue" not in error["message"]

"""Root lookups start reading the rows their `metrics` fields will ask for beside the entity's
own read. The field must then find them under the same key: one read of rows, whatever the
shape of the selection, and the same answer as without the look-ahead."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

ROWS = "{ metricName value effectiveDate }"


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("tickets", "count")
    seed.industry("retail")
    seed.account("acc-1", industry="retail", app="north")
    seed.account("acc-2", industry="retail", app="south")
    seed.company("co-1", account="acc-1")
    seed.contract("ct-1", company="co-1")
    for month in ("2023-03-01", "2023-04-01"):
        seed.metric("account", "acc-1", "revenue", month, "10.5")
        seed.metric("account", "acc-1", "tickets", month, "3")
        seed.metric("company", "co-1", "revenue", month, "7")
        seed.metric("contract", "ct-1", "tickets", month, "1")
    await seed.write(engine)


@pytest.mark.parametrize(
    ("query", "variables", "rows", "statements"),
    [
        # An account and its rows come from one statement (store/reads/account_metrics.py);
        # other entities from two: the entity, its rows.
        ('{ account(accountId: "acc-1") { metrics ROWS } }', {}, 4, 1),
        (
            'query ($n: [String!], $d: [Date!]) { account(accountId: "acc-1") {'
            " metrics(names: $n, effectiveDates: $d) ROWS } }",
            {"n": ["revenue"], "d": ["2023-04-15"]},
            1,
            1,
        ),
        (
            '{ account(accountId: "acc-1") { ...F } } fragment F on Account {'
            ' metrics(names: ["tickets", "tickets"], lastFullMonth: true) ROWS }',
            {},
            1,
            1,
        ),
        ('{ account(accountId: "acc-1") { ... on Account { m: metrics ROWS } } }', {}, 4, 1),
        ('{ company(companyId: "co-1") { metrics ROWS } }', {}, 2, 2),
        ('{ contract(contractId: "ct-1") { metrics(names: ["tickets"]) ROWS } }', {}, 2, 2),
    ],
)
async def test_the_rows_are_read_once_and_answer_as_asked(
    client: GraphQLClient,
    seeded: None,
    sql_statements: StatementCounter,
    query: str,
    variables: dict[str, Any],
    rows: int,
    statements: int,
) -> None:
    await client.data("{ metricDefinitions { name } }")  # the app learns the names
    sql_statements.reset()
    data = await client.data(query.replace("ROWS", ROWS), variables)
    (entity,) = data.values()
    (found,) = (value for key, value in entity.items())
    assert len(found) == rows
    assert sql_statements.count == statements, sql_statements.statements


async def test_accounts_with_their_rows_take_no_statement_per_account(
    client: GraphQLClient, seeded: None, sql_statements: StatementCounter
) -> None:
    await client.data("{ metricDefinitions { name } }")
    sql_statements.reset()
    data = await client.data(
        '{ a: account(accountId: "acc-1") { metrics ROWS } '
        'b: account(accountId: "acc-2") { metrics ROWS } }'.replace("ROWS", ROWS)
    )
    assert sql_statements.count == 1, sql_statements.statements  # both, with their rows
    assert [len(data[alias]["metrics"]) for alias in "ab"] == [4, 0]

    sql_statements.reset()
    data = await client.data(
        '{ account(accountId: "acc-1") { a: metrics(names: ["revenue"]) ROWS '
        'b: metrics(names: ["tickets"]) ROWS } }'.replace("ROWS", ROWS)
    )
    # A statement per filter, each with the account: none more for the account.
    assert sql_statements.count == 2, sql_statements.statements
    rows = data["account"]
    assert [row["metricName"] for alias in "ab" for row in rows[alias]] == [
        "revenue",
        "revenue",
        "tickets",
        "tickets",
    ]


async def test_an_unknown_account_with_rows_asked_is_not_found(
    client: GraphQLClient, seeded: None, sql_statements: StatementCounter
) -> None:
    sql_statements.reset()
    body = await client.post(
        '{ account(accountId: "nope") { metrics ROWS } }'.replace("ROWS", ROWS)
    )
    assert body["data"] == {"account": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]
    assert sql_statements.count <= 2, sql_statements.statements  # definitions at most, then one


async def test_a_field_under_a_directive_or_with_bad_arguments_reads_on_its_own(
    client: GraphQLClient, seeded: None
) -> None:
    query = """query ($yes: Boolean!) { account(accountId: "acc-1") {
        metrics(lastFullMonth: true) @include(if: $yes) { value }
        bad: metrics(names: ["nope"]) { value } } }"""
    body = await client.post(query, {"yes": True})
    assert body["data"] is not None or body["errors"]
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nope" in error["message"]


async def test_rows_of_what_a_key_may_not_see_never_leave(
    engine: AsyncEngine, seeded: None
) -> None:
    _, south = await create_key(engine, role=Role.APP, app_id="south")
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post(
            "/graphql",
            json={"query": '{ account(accountId: "acc-1") { metrics { value } } }'},
            headers={"Authorization": f"Bearer {south}"},
        )
    body = response.json()
    assert body["data"] == {"account": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]
    assert "10.5" not in response.text

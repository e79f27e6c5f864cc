"""Query.apps: the apps (tenants) a key sees, with how many of their accounts it sees, in one
statement whatever their number; a public key sees none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.jobs.segment import segment_apps
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

QUERY = "{ apps { appId accountCount } }"

KEYS = {
    "north": (Role.APP, "north", None),
    "south": (Role.APP, "south", None),
    "empty": (Role.APP, "empty", None),
    "account": (Role.ACCOUNT, None, "s-1"),
    "public": (Role.PUBLIC, None, None),
    "internal": (Role.INTERNAL, None, None),
}
EVERY_APP = [
    {"appId": "empty", "accountCount": 0},
    {"appId": "north", "accountCount": 3},
    {"appId": "south", "accountCount": 2},
]
SEES = {
    "north": [{"appId": "north", "accountCount": 3}],
    "south": [{"appId": "south", "accountCount": 2}],
    "empty": [{"appId": "empty", "accountCount": 0}],
    "account": [{"appId": "south", "accountCount": 1}],
    "public": [],
    "internal": EVERY_APP,
}


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    """Three accounts of north, two of south, and an app without accounts."""
    seed = Seed()
    for n in range(3):
        seed.account(f"n-{n}", app="north")
    for n in range(2):
        seed.account(f"s-{n}", app="south")
    seed.app("empty")
    await seed.write(engine)


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(engine: AsyncEngine, http: httpx.AsyncClient, key: str) -> tuple[Any, list[str]]:
    """The answer's data, and the statements run for it (not the key's check)."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        response = await http.post(
            "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["apps"], [statement for statement in seen if "api_key" not in statement]


@pytest.mark.parametrize("key", list(KEYS))
async def test_each_role_sees_its_apps_in_one_statement(
    engine: AsyncEngine, http: httpx.AsyncClient, seeded: None, key: str
) -> None:
    role, app, account = KEYS[key]
    _, secret = await create_key(engine, role=role, app_id=app, account_id=account)
    apps, statements = await _ask(engine, http, secret)
    assert apps == SEES[key]
    assert len(statements) == 1, statements


async def test_without_keys_every_app_is_seen(client: GraphQLClient, seeded: None) -> None:
    assert (await client.data(QUERY))["apps"] == EVERY_APP


async def test_statements_do_not_grow_with_the_apps(
    engine: AsyncEngine, client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    counts = []
    for apps in (1, 40):
        seed = Seed()
        for n in range(apps):  # upserted: the first is written again
            seed.account(f"acc-{n:02}", app=f"app-{n:02}")
        await seed.write(engine)
        sql_statements.reset()
        listed = (await client.data(QUERY))["apps"]
        assert [app["appId"] for app in listed] == [f"app-{n:02}" for n in range(apps)]
        assert all(app["accountCount"] == 1 for app in listed)
        counts.append(sql_statements.count)
    assert counts == [1, 1], sql_statements.statements


SPAN = "{ apps { appId firstSale lastSale } }"
# What each key is told of the sales' span: only of the accounts it sees.
SPANS = {
    "north": [{"appId": "north", "firstSale": None, "lastSale": None}],
    "south": [{"appId": "south", "firstSale": "2025-02-10", "lastSale": "2026-06-30"}],
    "empty": [{"appId": "empty", "firstSale": None, "lastSale": None}],
    "account": [{"appId": "south", "firstSale": "2025-11-03", "lastSale": "2026-06-30"}],
    "public": [],
    "internal": [
        {"appId": "empty", "firstSale": None, "lastSale": None},
        {"appId": "north", "firstSale": None, "lastSale": None},
        {"appId": "south", "firstSale": "2025-02-10", "lastSale": "2026-06-30"},
    ],
}


@pytest.mark.parametrize("key", list(KEYS))
async def test_each_role_is_told_the_span_of_the_sales_of_the_accounts_it_sees(
    engine: AsyncEngine, http: httpx.AsyncClient, seeded: None, key: str
) -> None:
    seed = Seed()
    seed.sale("s-0", "2025-02-10", "120.00")
    seed.sale("s-0", "2025-09-01", "80.00")
    seed.sale("s-1", "2025-11-03", "45.50")
    seed.sale("s-1", "2026-06-30", "12.00")
    await seed.write(engine)
    async with engine.begin() as connection:
        await segment_apps(connection)
    role, app, account = KEYS[key]
    _, secret = await create_key(engine, role=role, app_id=app, account_id=account)
    response = await http.post(
        "/graphql", json={"query": SPAN}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.json() == {"data": {"apps": SPANS[key]}}

"""`account(accountId:) { metrics }` for every kind of key: the statements it takes and what it
answers, over real HTTP on both stores.

Every key that may see an account gets the account and its rows in one statement (the scope's
condition is in that statement: resolvers/metrics.py argues the look-ahead's rule). A hidden or
unknown account answers exactly as it did when the rows were read after the account (NOT_FOUND,
no value of the hidden account anywhere in the response), and the database does no more work
for a hidden account with rows than for one without (test_account_metrics_work.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY, StatementCounter
from tests.factories import Seed

QUERY = '{ account(accountId: "ID") { accountId metrics { metricName value effectiveDate } } }'
ROWS = [
    {"metricName": "revenue", "value": "10.5", "effectiveDate": "2023-03-01"},
    {"metricName": "revenue", "value": "10.5", "effectiveDate": "2023-04-01"},
    {"metricName": "tickets", "value": "3", "effectiveDate": "2023-03-01"},
    {"metricName": "tickets", "value": "3", "effectiveDate": "2023-04-01"},
]
# The app's own account 'acc-1' (4 rows), 'acc-2' of another app (rows too), 'acc-3' of the
# same app without rows, and an id that no account has.
SEEN = {"account": {"accountId": "acc-1", "metrics": ROWS}}
EMPTY = {"account": {"accountId": "acc-3", "metrics": []}}

Post = Callable[[str, str], Coroutine[Any, Any, dict[str, Any]]]


@pytest.fixture
async def post(engine: AsyncEngine) -> AsyncIterator[Post]:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("tickets", "count")
    seed.account("acc-1", app="north")
    seed.account("acc-2", app="south")
    seed.account("acc-3", app="north")
    for month in ("2023-03-01", "2023-04-01"):
        seed.metric("account", "acc-1", "revenue", month, "10.5")
        seed.metric("account", "acc-1", "tickets", month, "3")
        seed.metric("account", "acc-2", "revenue", month, "99.25")
    await seed.write(engine)
    keys = {
        "internal": (await create_key(engine, role=Role.INTERNAL))[1],
        "app": (await create_key(engine, role=Role.APP, app_id="north"))[1],
        "account": (await create_key(engine, role=Role.ACCOUNT, account_id="acc-1"))[1],
        "other account": (await create_key(engine, role=Role.ACCOUNT, account_id="acc-3"))[1],
        "public": (await create_key(engine, role=Role.PUBLIC))[1],
    }
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:

        async def send(key: str, account_id: str) -> dict[str, Any]:
            response = await http.post(
                "/graphql",
                json={"query": QUERY.replace("ID", account_id)},
                headers={"Authorization": f"Bearer {keys[key]}"},
            )
            assert response.status_code == 200, response.text
            assert "99.25" not in response.text  # another app's account's value: never
            body: dict[str, Any] = response.json()
            return body

        # The names are learned once (a first request reads the definitions).
        await send("internal", "acc-1")
        yield send


NOT_FOUND = "NOT_FOUND"


@pytest.mark.parametrize(
    ("key", "account_id", "data", "codes", "statements"),
    [
        ("internal", "acc-1", SEEN, [], 1),
        ("internal", "acc-3", EMPTY, [], 1),
        ("internal", "nope", {"account": None}, [NOT_FOUND], 1),
        ("app", "acc-1", SEEN, [], 1),
        ("app", "acc-3", EMPTY, [], 1),
        ("app", "acc-2", {"account": None}, [NOT_FOUND], 1),  # another app's
        ("app", "nope", {"account": None}, [NOT_FOUND], 1),
        ("account", "acc-1", SEEN, [], 1),
        ("account", "acc-2", {"account": None}, [NOT_FOUND], 1),
        ("account", "nope", {"account": None}, [NOT_FOUND], 1),
        ("other account", "acc-1", {"account": None}, [NOT_FOUND], 1),
        ("other account", "acc-3", EMPTY, [], 1),
        ("public", "acc-1", {"account": None}, [NOT_FOUND], 1),
        ("public", "nope", {"account": None}, [NOT_FOUND], 1),
    ],
)
async def test_one_statement_for_every_key_and_hidden_accounts_not_found(
    post: Post,
    sql_statements: StatementCounter,
    key: str,
    account_id: str,
    data: dict[str, Any],
    codes: list[str],
    statements: int,
) -> None:
    sql_statements.reset()
    body = await post(key, account_id)
    # The key's own lookup (its hash, cached after the first request) is no read of the query.
    queried = [sql for sql in sql_statements.statements if "api_key" not in sql]
    assert body["data"] == data
    assert [error["extensions"]["code"] for error in body.get("errors", [])] == codes
    if codes:
        (error,) = body["errors"]
        assert error["path"] == ["account"]
        assert error["message"] == f"No account with id '{account_id}'"
    assert len(queried) == statements, queried


async def test_an_app_keys_accounts_with_their_rows_take_one_statement(
    engine: AsyncEngine, post: Post, sql_statements: StatementCounter
) -> None:
    """Seen and hidden accounts of one request share the statement: hidden ones bring nothing."""
    _, key = await create_key(engine, role=Role.APP, app_id="north")
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    query = " ".join(
        f'{alias}: account(accountId: "{account_id}") {{ metrics {{ value }} }}'
        for alias, account_id in (("a", "acc-1"), ("b", "acc-2"), ("c", "acc-3"), ("d", "nope"))
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        sql_statements.reset()
        response = await http.post(
            "/graphql",
            json={"query": f"{{ {query} }}"},
            headers={"Authorization": f"Bearer {key}"},
        )
    body = response.json()
    assert "99.25" not in response.text
    assert [len(body["data"]["a"]["metrics"]), body["data"]["b"], body["data"]["c"]] == [
        4,
        None,
        {"metrics": []},
    ]
    assert body["data"]["d"] is None
    assert sorted(error["path"][0] for error in body["errors"]) == ["b", "d"]
    queried = [sql for sql in sql_statements.statements if "api_key" not in sql]
    assert len(queried) == 1, queried

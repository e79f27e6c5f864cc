"""The small query's account read shared by the requests of one loop turn (the loader's sharing
key: store/running/shared_reads.py), through the schema on SQLite and PostgreSQL: two apps'
requests never share a statement and each gets only its own rows, requests of one app and one
filter share one statement, and a failed statement fails each request with the standard error."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from schema.build import build_schema
from settings import load_settings
from store.running.reader import Reader, reader_for
from store.scope import INTERNAL, Role, Scope
from tests.api_client import StatementCounter
from tests.factories import Seed

SMALL = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)
NORTH = Scope(Role.APP, app_id="north")
SOUTH = Scope(Role.APP, app_id="south")
SETTINGS = load_settings({"PROFILING_TODAY": "2024-05-17"})
SCHEMA = build_schema()


async def seed(engine: AsyncEngine) -> None:
    data = Seed()
    data.definition("revenue", "EUR")
    for number, (account, app) in enumerate(
        [("n-1", "north"), ("n-2", "north"), ("s-1", "south"), ("s-2", "south")], start=1
    ):
        data.account(account, app=app)
        data.metric("account", account, "revenue", "2023-12-01", str(number))
    await data.write(engine)


def sharing_reader(engine: AsyncEngine) -> Reader:
    reader = reader_for(engine)
    reader.share_statements()  # PostgreSQL's reader shares already; SQLite's, for the test
    return reader


async def small(reader: Reader, scope: Scope, account: str, month: str = "2023-12-01") -> Any:
    context = RequestContext.build(
        engine=reader.engine, settings=SETTINGS, scope=scope, reader=reader
    )
    return await SCHEMA.execute(
        SMALL, variable_values={"id": account, "month": month}, context_value=context
    )


def counted(engine: AsyncEngine) -> StatementCounter:
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    return counter


def value_of(result: Any) -> str:
    assert result.errors is None, result.errors
    return str(result.data["account"]["metrics"][0]["value"])


async def test_two_apps_requests_in_one_turn_get_only_their_own_rows(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    for _ in range(2):  # the first run prepares the operation (it reads definitions too)
        await small(reader, INTERNAL, "n-1")
    statements = counted(engine)
    asked = [(NORTH, "n-1"), (SOUTH, "s-1"), (NORTH, "s-2"), (SOUTH, "n-2"), (NORTH, "n-2")]
    results = await asyncio.gather(*(small(reader, scope, account) for scope, account in asked))
    assert value_of(results[0]) == "1"
    assert value_of(results[1]) == "3"
    assert value_of(results[4]) == "2"
    # Another app's account: not found, exactly as when it is asked alone.
    for hidden in (results[2], results[3]):
        assert hidden.data == {"account": None}
        assert hidden.errors is not None
        assert [error.extensions["code"] for error in hidden.errors] == ["NOT_FOUND"]
    # One statement for each app's three or two requests, never one for both apps.
    assert statements.count == 2


async def test_another_filter_is_another_statement(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    await small(reader, INTERNAL, "n-1")
    statements = counted(engine)
    results = await asyncio.gather(
        small(reader, NORTH, "n-1"), small(reader, NORTH, "n-2", month="2023-11-01")
    )
    assert value_of(results[0]) == "1"
    assert results[1].data == {"account": {"metrics": []}}
    assert statements.count == 2


async def test_a_failed_shared_statement_gives_each_request_the_standard_error(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    for _ in range(2):
        await small(reader, INTERNAL, "n-1")
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE metric_value RENAME TO value_away"))
    try:
        results = await asyncio.gather(*(small(reader, NORTH, f"n-{n}") for n in (1, 2, 1)))
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE value_away RENAME TO metric_value"))
    assert reader.shares is not None
    assert reader.shares.joined >= 2
    for result in results:
        assert result.data == {"account": None}
        assert [error.extensions["code"] for error in result.errors] == ["INTERNAL_SERVER_ERROR"]
    # The standard message of an unexpected failure, which tells nothing of the statement.
    assert len({result.errors[0].message for result in results}) == 1
    assert "metric_value" not in results[0].errors[0].message
    # The requests after it read as before.
    assert value_of(await small(reader, NORTH, "n-1")) == "1"

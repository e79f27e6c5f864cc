"""The compiled account-and-rows plan (schema/execution/account_rows.py) at its edges: a
`lastFullMonth` whose today changes between requests, and a value a completer refuses after
the read (the plan hands the request over, and nothing is read twice)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import ProfilingSchema, build_schema
from server import app as app_module
from settings import Settings, load_settings
from tests.api_client import TODAY, StatementCounter
from tests.factories import Seed
from tests.schema.execution.differential.support import (
    DifferentialClient,
    answer,
    count_account_rows,
)
from tests.schema.query_corpus import Request

LAST_FULL = """query ($id: String!) { account(accountId: $id) {
  metrics(lastFullMonth: true) { metricName value effectiveDate } } }"""


async def _seed(engine: AsyncEngine, *, big: bool = False) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.account("acc-1", employees=10)
    if big:
        # GraphQL's Int is 32 bits: the completer of nEmployees refuses this one (SQLite's
        # column holds it; PostgreSQL's does not).
        seed.account("acc-big", employees=2**31)
    for month in ("2023-02-01", "2023-03-01", "2023-04-01"):
        seed.metric("account", "acc-1", "revenue", month, month[5:7])
        if big:
            seed.metric("account", "acc-big", "revenue", month, "1")
    await seed.write(engine)


class _Counted:
    def __init__(self) -> None:
        self.answered = 0
        self.left = 0


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> _Counted:
    found = _Counted()

    def answered() -> None:
        found.answered += 1

    def left() -> None:
        found.left += 1

    count_account_rows(monkeypatch, answered=answered, left=left)
    return found


async def test_last_full_month_follows_today_across_midnight(
    client: DifferentialClient,
    engine: AsyncEngine,
    compiled: _Counted,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _seed(engine)
    today = [dt.date(2023, 3, 31)]
    monkeypatch.setattr(Settings, "today", lambda _self: today[0])
    request = Request(LAST_FULL, {"id": "acc-1"})
    await answer(client.http, request)  # prepared from now on
    before = await answer(client.http, request)
    today[0] = dt.date(2023, 4, 1)  # midnight has passed: another last full month
    after = await answer(client.http, request)
    with client.without_plans(), client.standard_executor():
        standard = await answer(client.http, request)
    assert compiled.answered == 2
    assert b'"2023-02-01"' in before
    assert b'"2023-03-01"' in after
    assert after == standard


async def test_a_value_a_completer_refuses_is_reported_as_graphql_core_reports_it(
    client: DifferentialClient,
    engine: AsyncEngine,
    compiled: _Counted,
    sql_statements: StatementCounter,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's n_employees is a 32-bit integer")
    await _seed(engine, big=True)
    query = """query ($id: String!) { account(accountId: $id) { nEmployees
        metrics(effectiveDates: ["2023-03-01"]) { metricName value } } }"""
    request = Request(query, {"id": "acc-big"})
    pipeline = await answer(client.http, request)  # prepared from now on
    sql_statements.reset()
    found = await answer(client.http, request)
    statements = sql_statements.statements[:]
    sql_statements.reset()
    with client.without_plans(), client.standard_executor():
        standard = await answer(client.http, request)
    assert compiled.left == 1
    assert b"32-bit" in found
    assert found == pipeline == standard
    # The plan's read handed to the path that took over: one statement, as graphql-core's.
    assert statements == sql_statements.statements
    assert len(statements) == 1


@pytest.mark.parametrize("account", ["acc-1", "missing"])
async def test_a_request_past_its_deadline_times_out_as_on_the_other_paths(
    engine: AsyncEngine, compiled: _Counted, monkeypatch: pytest.MonkeyPatch, account: str
) -> None:
    await _seed(engine)
    built: list[ProfilingSchema] = []

    def build_and_keep(**options: Any) -> ProfilingSchema:
        built.append(build_schema(**options))
        return built[-1]

    monkeypatch.setattr(app_module, "build_schema", build_and_keep)
    # A limit no request keeps: each is past its deadline at its first chance to be stopped.
    app = app_module.create_app(
        require_keys=False,
        settings=load_settings({"PROFILING_TODAY": TODAY, "PROFILING_REQUEST_TIMEOUT": "1e-9"}),
        engine=engine,
    )
    (schema,) = built
    query = """query ($id: String!) { account(accountId: $id) {
        metrics(effectiveDates: ["2023-03-01"]) { metricName value } } }"""
    request = Request(query, {"id": account})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        client = DifferentialClient(http, schema)
        pipeline = await answer(http, request)
        found = await answer(http, request)
        with client.without_plans():
            direct = await answer(http, request)
        with client.without_plans(), client.standard_executor():
            standard = await answer(http, request)
    assert b"TIMED_OUT" in standard
    assert found == pipeline == direct == standard

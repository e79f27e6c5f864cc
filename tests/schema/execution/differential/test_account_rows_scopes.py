"""The account-and-rows plan answered at once (`AccountRowsPlan.answer_now`) keeps the read it
ran for the next request of the same filter and scope: requests of other scopes and months in
any order each get their own read, as graphql-core's executor answers them (both stores; on
PostgreSQL nothing is answered at once and the awaited way answers)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types.graphql import OperationType

from resolvers.context import RequestContext
from settings import load_settings
from store.scope import INTERNAL, Role, Scope
from tests.api_client import TODAY
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    EXAMPLES,
    MONTHS,
    DifferentialClient,
    count_account_rows,
)

QUERY = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)
# Made once each, as a server's keys' scopes are: the kept read is found by identity.
SCOPES = (
    INTERNAL,
    Scope(Role.APP, app_id="north"),
    Scope(Role.APP, app_id="south"),
    Scope(Role.ACCOUNT, account_id=ACCOUNTS[1]),
    Scope(Role.ACCOUNT, account_id=ACCOUNTS[2]),
)
_QUERY_ONLY = frozenset({OperationType.QUERY})


async def _answer(
    client: DifferentialClient, engine: AsyncEngine, scope: Scope, account: str, month: str
) -> bytes:
    context = RequestContext.build(
        engine=engine,
        settings=load_settings({"PROFILING_TODAY": TODAY}),
        scope=scope,
        rows_as_json=True,
    )
    result = await client.schema.execute_post(
        QUERY, {"id": account, "month": month}, context, None, _QUERY_ONLY
    )
    errors: list[dict[str, Any]] = [dict(error.formatted) for error in result.errors or []]
    for error in errors:
        error.get("extensions", {}).pop("requestId", None)
    return orjson.dumps({"data": result.data, "errors": errors})


@settings(EXAMPLES, max_examples=30)
@given(
    asked=st.lists(
        st.tuples(st.sampled_from(SCOPES), st.sampled_from(ACCOUNTS[:4]), st.sampled_from(MONTHS)),
        min_size=2,
        max_size=12,
    )
)
async def test_each_scope_and_month_reads_its_own_rows(
    client: DifferentialClient,
    seeded: None,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    asked: list[tuple[Scope, str, str]],
) -> None:
    # The first request of the text takes the pipeline, which prepares it.
    planned = [await _answer(client, engine, *request) for request in [asked[0], *asked]]
    with client.without_plans(), client.standard_executor():
        standard = [await _answer(client, engine, *request) for request in [asked[0], *asked]]
    assert planned == standard, asked


async def test_scopes_in_turn_are_answered_by_the_plan(
    client: DifferentialClient,
    seeded: None,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answered: list[int] = []
    count_account_rows(monkeypatch, answered=lambda: answered.append(1))
    north, account_1 = SCOPES[1], SCOPES[3]
    asked = [
        (INTERNAL, ACCOUNTS[0], MONTHS[0]),  # the pipeline, which prepares the text
        (INTERNAL, ACCOUNTS[1], MONTHS[0]),
        (north, ACCOUNTS[0], MONTHS[0]),
        (north, ACCOUNTS[1], MONTHS[0]),  # an account of the other app: not found
        (north, ACCOUNTS[2], MONTHS[1]),
        (INTERNAL, ACCOUNTS[1], MONTHS[1]),
        (account_1, ACCOUNTS[1], MONTHS[1]),
        (account_1, ACCOUNTS[2], MONTHS[1]),  # not its own account: not found
        (INTERNAL, ACCOUNTS[2], MONTHS[1]),
        (north, ACCOUNTS[2], MONTHS[1]),
    ]
    planned = [await _answer(client, engine, *request) for request in asked]
    assert b'"NOT_FOUND"' in planned[3]
    assert b'"NOT_FOUND"' in planned[7]
    assert b'"metricName"' in planned[8]
    assert len(answered) >= 4
    with client.without_plans(), client.standard_executor():
        standard = [await _answer(client, engine, *request) for request in asked]
    assert planned == standard

"""An account and its rows compiled whole (schema/execution/account_rows.py) answer exactly as
Strawberry's pipeline and graphql-core's executor, with the same statements, under every scope.

Each request is sent three times over HTTP to the same app and database: through the pipeline
(nothing prepared yet), prepared (the compiled plan, when the operation has one), and prepared
without plans (graphql-core's executor). Which requests the compiled plan answered is counted:
the plain ones must be, anything unusual must be left to the other paths with their standard
answers and errors, and nothing read twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers import shared_loader
from schema import request_deadline
from schema.build import ProfilingSchema, build_schema
from schema.execution import account_rows
from server import app as app_module
from settings import load_settings
from store.scope import Role, Scope
from tests.api_client import TODAY, StatementCounter
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    EXAMPLES,
    MONTHS,
    DifferentialClient,
    answer,
    count_account_rows,
)
from tests.schema.query_corpus import Request

SMALL = """query ($id: String!, $month: Date!) {
  account(accountId: $id) {
    metrics(effectiveDates: [$month]) { metricName value unit effectiveDate }
  }
}"""

COMPILED = (
    SMALL,
    """query ($id: String!) { a: account(accountId: $id) { __typename accountId name id
        isKeyAccount nEmployees rows: metrics { metric: metricName value __typename } } }""",
    """query ($id: String!, $names: [String!]) { account(accountId: $id) { name
        metrics(names: $names, lastFullMonth: false) { unit metricName effectiveDate } } }""",
    """query ($id: String!, $month: Date!) { account(accountId: $id) {
        metrics(names: ["revenue", "legacy_score"], effectiveDates: [$month, "2023-02-15"]) {
          effectiveDate value } } }""",
    """query ($id: String!) { account(accountId: $id) {
        metrics(lastFullMonth: true) { metricName value } } }""",
    """{ account(accountId: "acc-2") { metrics(effectiveDates: ["2023-04-01"]) { value } } }""",
)

# Shapes it leaves to the direct path or graphql-core.
NOT_COMPILED = (
    """query ($id: String!) { __typename account(accountId: $id) { metrics { value } } }""",
    """query ($id: String!) { account(accountId: $id) { accountId } }""",
    """query ($id: String!) { account(accountId: $id) {
        a: metrics { value } b: metrics(names: ["revenue"]) { value } } }""",
    """query ($id: String!) { account(accountId: $id) { industry { name } metrics { value } } }""",
    """query ($id: String!) { account(accountId: $id) {
        metrics { metricName formattedValue(locale: "en") } } }""",
    """query ($id: String!) { account(accountId: $id) { ...f } }
       fragment f on Account { metrics { value } }""",
    """query ($id: String!, $on: Boolean!) { account(accountId: $id) {
        metrics @include(if: $on) { value } } }""",
    """query ($id: String!) { company(companyId: $id) { metrics { value } } }""",
)


class _Compiled:
    def __init__(self) -> None:
        self.answered = 0
        self.left = 0


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> _Compiled:
    """How often the compiled plans answered, and left the request to the other paths."""
    found = _Compiled()

    def answered() -> None:
        found.answered += 1

    def left() -> None:
        found.left += 1

    count_account_rows(monkeypatch, answered=answered, left=left)
    return found


async def _three_ways(client: DifferentialClient, request: Request) -> tuple[bytes, bytes, bytes]:
    prepared = client.schema.prepared
    assert prepared is not None
    prepared.clear()
    pipeline = await answer(client.http, request)
    compiled = await answer(client.http, request)
    with client.without_plans():
        standard = await answer(client.http, request)
    return pipeline, compiled, standard


@pytest.mark.parametrize("query", COMPILED)
async def test_the_compiled_shapes_answer_alike(
    client: DifferentialClient, seeded: None, compiled: _Compiled, query: str
) -> None:
    for account in ACCOUNTS[:4]:
        request = Request(query, {"id": account, "month": MONTHS[2], "names": ["revenue"]})
        pipeline, found, standard = await _three_ways(client, request)
        assert found == pipeline, request
        assert found == standard, request
        assert b'"errors"' not in found
    assert (compiled.answered, compiled.left) == (4, 0)


@pytest.mark.parametrize("query", NOT_COMPILED)
async def test_other_shapes_are_not_compiled(
    client: DifferentialClient, seeded: None, compiled: _Compiled, query: str
) -> None:
    request = Request(query, {"id": ACCOUNTS[1], "on": True})
    pipeline, found, standard = await _three_ways(client, request)
    assert found == pipeline
    assert found == standard
    assert compiled.answered == compiled.left == 0


@pytest.mark.parametrize(
    "variables",
    [
        {"id": "missing", "month": MONTHS[0]},  # NOT_FOUND: a null and its error
        {"id": "ACC-1", "month": MONTHS[0]},  # ids are kept as given: another id
        {"id": ACCOUNTS[3], "month": MONTHS[1], "names": ["unknown"]},  # BAD_USER_INPUT
        {"id": ACCOUNTS[3], "month": MONTHS[1], "names": []},  # a filter matching nothing
    ],
)
async def test_what_is_unusual_is_left_to_the_other_paths(
    client: DifferentialClient, seeded: None, compiled: _Compiled, variables: dict[str, Any]
) -> None:
    query = """query ($id: String!, $month: Date!, $names: [String!]) {
      account(accountId: $id) {
        accountId metrics(effectiveDates: [$month], names: $names) { metricName value unit }
      }
    }"""
    pipeline, found, standard = await _three_ways(client, Request(query, variables))
    assert found == pipeline
    assert found == standard
    assert compiled.answered == 0
    assert compiled.left == 1


@pytest.mark.parametrize("account", [ACCOUNTS[2], "missing"])
async def test_the_same_statements_as_the_standard_path(
    client: DifferentialClient,
    seeded: None,
    compiled: _Compiled,
    sql_statements: StatementCounter,
    account: str,
) -> None:
    request = Request(SMALL, {"id": account, "month": MONTHS[0]})
    await answer(client.http, request)  # prepared from now on
    sql_statements.reset()
    found = await answer(client.http, request)
    statements = sql_statements.statements[:]
    sql_statements.reset()
    with client.without_plans():
        standard = await answer(client.http, request)
    assert found == standard
    assert compiled.answered + compiled.left == 1
    # One statement (the account joined to its rows, here written as JSON text by the
    # database: account_rows_json.py), when answered and when left: the other paths find the
    # read's outcome in the request's DataLoader.
    assert len(statements) == 1
    assert len(sql_statements.statements) == 1
    assert "json" in statements[0]
    assert "json" not in sql_statements.statements[0]


@settings(EXAMPLES, max_examples=40)
@given(
    account=st.sampled_from([*ACCOUNTS, "missing", ""]),
    month=st.sampled_from([*MONTHS, "2023-02-28", "2023-13-01", "soon", 5, None]),
    names=st.sampled_from(
        [None, [], ["revenue"], ["revenue", "legacy_score", "revenue"], ["unknown"]]
    ),
)
async def test_any_variables_answer_alike(
    client: DifferentialClient, seeded: None, account: str, month: Any, names: Any
) -> None:
    query = """query ($id: String!, $month: Date!, $names: [String!]) {
      account(accountId: $id) { metrics(effectiveDates: [$month], names: $names) {
        metricName value unit effectiveDate } } }"""
    request = Request(query, {"id": account, "month": month, "names": names})
    pipeline, found, standard = await _three_ways(client, request)
    assert found == pipeline, request
    assert found == standard, request


@pytest.fixture
def scoped_client(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A client whose every request has the given scope (as a key of that scope would)."""

    def make(scope: Scope) -> Any:
        return _scoped(engine, monkeypatch, scope)

    return make


@pytest.mark.parametrize(
    "scope",
    [
        Scope(Role.APP, app_id="north"),
        Scope(Role.ACCOUNT, account_id=ACCOUNTS[1]),
        Scope(Role.PUBLIC),
    ],
    ids=["app", "account", "public"],
)
async def test_every_scope_sees_what_it_sees_on_the_other_paths(
    scoped_client: Any, seeded: None, compiled: _Compiled, scope: Scope
) -> None:
    seen = 0
    async with scoped_client(scope) as client:
        for account in ACCOUNTS[:4]:
            request = Request(SMALL, {"id": account, "month": MONTHS[2]})
            pipeline, found, standard = await _three_ways(client, request)
            assert found == pipeline, (scope, account)
            assert found == standard, (scope, account)
            visible = b'"errors"' not in found
            seen += visible
            if not visible:
                assert b'"NOT_FOUND"' in found
    expected = {Role.APP: 2, Role.ACCOUNT: 1, Role.PUBLIC: 0}[scope.role]
    assert seen == expected
    assert compiled.answered == expected
    assert compiled.left == 4 - expected


def _scoped(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, scope: Scope) -> Any:
    import contextlib

    @contextlib.asynccontextmanager
    async def client() -> AsyncIterator[DifferentialClient]:
        built: list[ProfilingSchema] = []

        def build_and_keep(**options: Any) -> ProfilingSchema:
            built.append(build_schema(**options))
            return built[-1]

        monkeypatch.setattr(app_module, "build_schema", build_and_keep)
        app = app_module.create_app(
            require_keys=False,
            keyless_scope=scope,
            settings=load_settings({"PROFILING_TODAY": TODAY}),
            engine=engine,
        )
        (schema,) = built
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield DifferentialClient(http, schema)

    return client()


async def test_a_request_alone_needs_no_loader_dispatch(
    client: DifferentialClient,
    seeded: None,
    compiled: _Compiled,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatched: list[object] = []
    dispatch = shared_loader._dispatch
    due_checks: list[object] = []
    fire_due = request_deadline.fire_due

    def counted(loader: Any, batch: Any) -> None:
        dispatched.append(loader)
        dispatch(loader, batch)

    def counted_due(loop: Any) -> bool:
        due_checks.append(loop)
        return fire_due(loop)

    monkeypatch.setattr(shared_loader, "_dispatch", counted)
    monkeypatch.setattr(account_rows, "fire_due", counted_due)
    request = Request(SMALL, {"id": ACCOUNTS[1], "month": MONTHS[0]})
    await answer(client.http, request)  # prepared from now on
    dispatched.clear()
    due_checks.clear()
    found = await answer(client.http, request)
    assert compiled.answered == 1
    assert b'"metrics":[{' in found
    # SQLite runs a read of a few rows inline; PostgreSQL's runs in a task of its own at once,
    # as a loader's batch would (where other requests' reads of its turn may join it), without
    # the loader's dispatch.
    assert dispatched == []
    # No request needs the deadline's timer fired after its read: PostgreSQL's awaited,
    # SQLite's ran inline in `answer_now`, which checks the time the request took instead
    # (schema/build.py `execute_post`; its timeouts: test_account_rows_edges.py).
    assert due_checks == []


async def test_a_failed_read_is_reported_as_the_standard_path_reports_it(
    client: DifferentialClient,
    seeded: None,
    compiled: _Compiled,
    engine: AsyncEngine,
    sql_statements: StatementCounter,
) -> None:
    request = Request(SMALL, {"id": ACCOUNTS[1], "month": MONTHS[0]})
    await answer(client.http, request)  # prepared from now on
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE metric_value RENAME TO metric_value_gone"))
    try:
        sql_statements.reset()
        found = await answer(client.http, request)
        statements = sql_statements.statements[:]
        sql_statements.reset()
        with client.without_plans():
            standard = await answer(client.http, request)
        standard_statements = sql_statements.statements[:]
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE metric_value_gone RENAME TO metric_value"))
    assert compiled.left == 1
    assert b'"errors"' in found
    assert found == standard
    # The compiled plan's read (its rows as JSON text) failed, and that error was reported:
    # nothing was read again.
    assert len(statements) == len(standard_statements) == 1

"""Plain operations answered by their direct plan (schema/execution/direct.py) answer exactly as
through Strawberry's pipeline and as graphql-core's executor by the compiled plan.

Each request is sent three times over HTTP to the same app and database: through the pipeline
(nothing prepared yet), prepared (the direct plan, when the operation has one), and prepared
without plans (graphql-core's executor). Which requests the direct plan answered, and which it
handed back to graphql-core, is recorded: the plain ones must be answered directly, the ones
with an error (a missing account, an unknown metric name) handed back, with the standard errors
and nothing read twice."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema.execution.direct import DirectPlan
from tests.api_client import StatementCounter
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

# Plain shapes: aliases, __typename, attributes beside the resolver, arguments given inline.
PLAIN = (
    SMALL,
    """query ($id: String!) { a: account(accountId: $id) { __typename accountId name id
        rows: metrics { metric: metricName value __typename } } }""",
    """query ($id: String!, $names: [String!]) { account(accountId: $id) { name
        metrics(names: $names, lastFullMonth: false) { unit metricName effectiveDate } } }""",
    """query ($id: String!) { __typename account(accountId: $id) { accountId } }""",
)

# Shapes the direct plan leaves to graphql-core altogether.
NOT_PLAIN = (
    """query ($id: String!) { account(accountId: $id) { ...f } }
       fragment f on Account { accountId }""",
    """query ($id: String!, $on: Boolean!) { account(accountId: $id) {
        accountId @include(if: $on) } }""",
    """query ($id: String!) { a: account(accountId: $id) { accountId }
        b: account(accountId: $id) { name } }""",
    """query ($id: String!) { account(accountId: $id) {
        metrics { metricName formattedValue(locale: "en") } } }""",
)


class _Outcomes:
    def __init__(self) -> None:
        self.answered = 0
        self.handed_back = 0


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> _Outcomes:
    """How often the direct plans answered, and handed their operation back."""
    found = _Outcomes()
    execute = DirectPlan.execute

    async def counted(self: DirectPlan, *args: Any, **kwargs: Any) -> Any:
        try:
            data = await execute(self, *args, **kwargs)
        except Exception:
            found.handed_back += 1
            raise
        found.answered += 1
        return data

    monkeypatch.setattr(DirectPlan, "execute", counted)
    # An account and its rows compiled whole (account_rows.py) is answered before the direct
    # plan is tried: answered by a plan all the same.

    def answered() -> None:
        found.answered += 1

    count_account_rows(monkeypatch, answered=answered)
    return found


async def _three_ways(client: DifferentialClient, request: Request) -> tuple[bytes, bytes, bytes]:
    prepared = client.schema.prepared
    assert prepared is not None
    prepared.clear()
    pipeline = await answer(client.http, request)
    direct = await answer(client.http, request)
    with client.without_plans():
        standard = await answer(client.http, request)
    return pipeline, direct, standard


@pytest.mark.parametrize("query", PLAIN)
async def test_plain_operations_are_answered_directly_and_alike(
    client: DifferentialClient, seeded: None, outcomes: _Outcomes, query: str
) -> None:
    for account in ACCOUNTS[:4]:
        request = Request(query, {"id": account, "month": MONTHS[2], "names": ["revenue"]})
        pipeline, direct, standard = await _three_ways(client, request)
        assert direct == pipeline, request
        assert direct == standard, request
    assert outcomes.answered == 4
    assert outcomes.handed_back == 0


@pytest.mark.parametrize(
    "variables",
    [
        {"id": "missing", "month": MONTHS[0]},  # NOT_FOUND: a null and its error
        {"id": ACCOUNTS[3], "month": MONTHS[1], "names": ["unknown"]},  # BAD_USER_INPUT
    ],
)
async def test_an_error_hands_the_operation_back_with_the_standard_answer(
    client: DifferentialClient, seeded: None, outcomes: _Outcomes, variables: dict[str, Any]
) -> None:
    query = """query ($id: String!, $month: Date!, $names: [String!]) {
      account(accountId: $id) {
        accountId metrics(effectiveDates: [$month], names: $names) {
          metricName value unit
        }
      }
    }"""
    request = Request(query, variables)
    pipeline, direct, standard = await _three_ways(client, request)
    assert direct == pipeline
    assert direct == standard
    assert b'"errors"' in direct
    assert outcomes.answered == 0
    assert outcomes.handed_back == 1


async def test_a_handed_back_operation_reads_nothing_twice(
    client: DifferentialClient,
    seeded: None,
    outcomes: _Outcomes,
    sql_statements: StatementCounter,
) -> None:
    request = Request(SMALL, {"id": "missing", "month": MONTHS[0]})
    await answer(client.http, request)  # prepared from now on
    sql_statements.reset()
    direct = await answer(client.http, request)
    handed_back = sql_statements.statements[:]
    sql_statements.reset()
    with client.without_plans():
        standard = await answer(client.http, request)
    assert outcomes.handed_back == 1
    assert direct == standard
    # One statement each: the compiled plan's read (its rows as JSON text, account_rows_json.py)
    # found no account, and the path that took over found that in the DataLoader.
    assert len(handed_back) == len(sql_statements.statements) == 1


@pytest.mark.parametrize("query", NOT_PLAIN)
async def test_other_shapes_are_left_to_graphql_core(
    client: DifferentialClient, seeded: None, outcomes: _Outcomes, query: str
) -> None:
    request = Request(query, {"id": ACCOUNTS[1], "on": True})
    pipeline, direct, standard = await _three_ways(client, request)
    assert direct == pipeline
    assert direct == standard
    assert outcomes.answered == outcomes.handed_back == 0


@settings(EXAMPLES, max_examples=40)
@given(
    account=st.sampled_from([*ACCOUNTS, "missing", ""]),
    month=st.sampled_from([*MONTHS, "2023-02-28", "2023-13-01", "soon", 5, None]),
)
async def test_the_small_query_with_any_variables_answers_alike(
    client: DifferentialClient, seeded: None, account: str, month: Any
) -> None:
    request = Request(SMALL, {"id": account, "month": month})
    pipeline, direct, standard = await _three_ways(client, request)
    assert direct == pipeline, request
    assert direct == standard, request

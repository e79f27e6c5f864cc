"""The account-and-rows plan's known keys (schema/execution/account_rows_keys.py): a read found
from raw variables seen before is the read the full coercion and the arguments give.

Two levels: a hypothesis property over generated operations and sequences of raw variables
(every kind the generated tests send: missing, null, numbers, lists, bad dates), checked
against `VariableCoercer.coerce` and the plan's own arguments; and, over HTTP on both stores,
one prepared operation asked for many accounts and months in a row (the known keys' hits)
answered as graphql-core's executor answers each."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from graphql import parse, validate
from hypothesis import event, given, settings
from hypothesis import strategies as st

from resolvers.context import RequestContext
from resolvers.known_names import KnownMetricNames
from resolvers.loaders import account_rows_bound
from schema.build import build_schema
from schema.execution.account_rows import AccountRowsPlan
from schema.execution.account_rows_keys import KnownKeys
from schema.execution.direct import Unusual
from schema.execution.internals import graphql_schema
from schema.execution.operation_plan import OperationPlan
from settings import load_settings
from store.scope import INTERNAL
from tests.api_client import TODAY
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    EXAMPLES,
    METRICS,
    MONTHS,
    DifferentialClient,
    answer,
    count_account_rows,
)
from tests.schema.execution.differential.test_account_rows_generated import (
    _DATE_VALUES,
    _DATES_VALUES,
    _LAST_VALUES,
    _NAMES_VALUES,
    account_rows_operations,
)
from tests.schema.query_corpus import Request

SCHEMA = build_schema()
GRAPHQL_SCHEMA = graphql_schema(SCHEMA)

_RAW = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from([*ACCOUNTS[:3], "missing", "", None, 5, ["acc-1"]]),
        "names": st.sampled_from(_NAMES_VALUES),
        "dates": st.sampled_from(_DATES_VALUES),
        "month": st.sampled_from([*_DATE_VALUES, True, 1.5]),
        "last": st.sampled_from(_LAST_VALUES),
    },
)


def _context(known: KnownMetricNames) -> RequestContext:
    # The key's parts read no database: only the known names and the settings are used.
    return RequestContext(
        reader=cast(Any, None),
        settings=load_settings({"PROFILING_TODAY": TODAY}),
        scope=INTERNAL,
        known_names=known,
    )


def _full_key(plan: OperationPlan, rows: AccountRowsPlan, context: RequestContext, raw: Any) -> Any:
    variables = plan.variables.coerce(raw)
    if variables is None:
        return None
    try:
        return rows._key(context, variables)
    except Unusual:
        return None


def _read_of(key: Any) -> Any:
    """The known read of the full coercion's key: its account, its filter and that filter's
    bound of rows."""
    return None if key is None else (*key, account_rows_bound(key.metric_filter))


@settings(EXAMPLES, max_examples=400)
@given(
    shape=account_rows_operations(),
    sequence=st.lists(st.one_of(st.none(), _RAW), min_size=1, max_size=8),
    learned=st.booleans(),
)
def test_a_known_key_is_the_read_the_full_coercion_gives(
    shape: Any, sequence: list[dict[str, Any] | None], learned: bool
) -> None:
    document = parse(_without_last_full_month(shape.query))
    if validate(GRAPHQL_SCHEMA, document):
        return
    plan = OperationPlan.build(GRAPHQL_SCHEMA, SCHEMA, document, None)
    assert plan is not None
    rows = plan.account_rows() if plan.direct() is not None else None
    known = None if rows is None else rows._known
    if rows is None or known is None:  # near misses, literals of other kinds
        return
    names = KnownMetricNames()
    if learned:
        names.learn(METRICS)
    context = _context(names)
    # The shape's own values again, for another account, among the others: the known keys'
    # common case (only the account changes).
    again = {**shape.variables, "id": ACCOUNTS[2]}
    for raw in [shape.variables, *sequence, again, shape.variables]:
        found = known.find(context, raw)
        full = _full_key(plan, rows, context, raw)
        if found is not None:
            event("a known key found")
            assert found == _read_of(full), (shape.query, raw)
        if full is not None:
            known.remember(raw, full.metric_filter)
            # Seen once, found from then on (unless a value is left out, or of a kind the
            # known keys leave to the full coercion): the same read.
            assert known.find(context, raw) in (None, _read_of(full)), (shape.query, raw)


def _without_last_full_month(query: str) -> str:
    """The generated operation without its `lastFullMonth` argument and variable (known keys
    never apply with it: its filter depends on the day)."""
    for pattern in (
        r"lastFullMonth: [^,)]+, ",
        r", lastFullMonth: [^,)]+",
        r"\(lastFullMonth: [^,)]+\)",
        r"\$last: Boolean( = true)?, ",
        r", \$last: Boolean( = true)?",
        r" \(\$last: Boolean( = true)?\)",
    ):
        query = re.sub(pattern, "", query)
    return query


def test_names_another_context_does_not_know_are_checked_again() -> None:
    query = (
        "query ($id: String!, $names: [String!]) "
        "{ account(accountId: $id) { metrics(names: $names) { value } } }"
    )
    plan = OperationPlan.build(GRAPHQL_SCHEMA, SCHEMA, parse(query), None)
    assert plan is not None
    rows = plan.account_rows()
    assert rows is not None
    assert rows._known is not None
    knows = KnownMetricNames()
    knows.learn(["revenue"])
    raw = {"id": "acc-1", "names": ["revenue"]}
    full = _full_key(plan, rows, _context(knows), raw)
    assert full is not None
    rows._known.remember(raw, full.metric_filter)
    assert rows._known.find(_context(knows), raw) == _read_of(full)
    # A context whose names do not include it: the full path, which asks the database.
    assert rows._known.find(_context(KnownMetricNames()), raw) is None


@pytest.mark.parametrize(
    "query",
    [
        """query ($id: String!, $month: Date!) { account(accountId: $id) {
            metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }""",
        """query ($id: String!, $names: [String!], $dates: [Date!]) { account(accountId: $id) {
            accountId metrics(names: $names, effectiveDates: $dates) { value effectiveDate } } }""",
    ],
)
async def test_one_operation_for_many_accounts_and_months_answers_as_graphql_core(
    client: DifferentialClient, seeded: None, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    answered: list[int] = []
    count_account_rows(monkeypatch, answered=lambda: answered.append(1))
    hits: list[object] = []
    find = KnownKeys.find

    def counted_find(self: KnownKeys, *args: Any) -> Any:
        found = find(self, *args)
        if found is not None:
            hits.append(found)
        return found

    monkeypatch.setattr(KnownKeys, "find", counted_find)
    requests = [
        Request(
            query,
            {
                "id": account,
                "month": month,
                "names": names,
                "dates": [month] if names is None else None,
            },
        )
        for names in (None, ["revenue", "tickets"])
        for month in (*MONTHS, "2023-03-15")
        for account in (*ACCOUNTS[:4], "missing", ACCOUNTS[1])
    ]
    compiled = [await answer(client.http, request) for request in requests]
    with client.without_plans(), client.standard_executor():
        standard = [await answer(client.http, request) for request in requests]
    assert compiled == standard
    # The accounts that exist answered by the plan (the missing one is left to the other
    # paths, the first request takes the pipeline), from the known keys once their values
    # were seen.
    assert len(answered) >= len(requests) // 2
    assert len(hits) >= len(requests) // 2

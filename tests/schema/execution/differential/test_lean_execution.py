"""The lean executor answers exactly as graphql-core's standard one: data, errors, their paths,
key order. A generated corpus of queries runs through both on the same seeded database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings

from analytics.formatting import format_value
from schema import metrics_field
from schema.execution.internals import graphql_schema
from schema.execution.lean import LeanExecutor, SharedPlans
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    CORPUS,
    EXAMPLES,
    LOCALES,
    DifferentialClient,
    answer,
)
from tests.schema.query_corpus import Request, data_requests, requests


async def _lean_and_standard(client: DifferentialClient, request: Request) -> tuple[bytes, bytes]:
    # Fields beside a failed one run to their end (schema/execution/field_gathering.py), so the
    # errors of an answer do not depend on which read finished first: one call each must agree.
    lean = await answer(client.http, request)
    with client.standard_executor():
        standard = await answer(client.http, request)
    return lean, standard


@settings(EXAMPLES, max_examples=60)
@given(request=requests(CORPUS))
async def test_generated_queries_answer_alike(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard, request.query


@settings(EXAMPLES, max_examples=100)
@given(request=data_requests(CORPUS))
async def test_generated_queries_over_the_seeded_data_answer_alike(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard, request.query


DRESSED = """
query ($yes: Boolean!, $loc: String) {
  account(accountId: "acc-1") {
    __typename
    ...Rows
    thisMonth: metrics(names: ["revenue", "tickets"], lastFullMonth: true) {
      ... on MetricRow { n: metricName v: value __typename }
      value @include(if: $yes)
      effectiveDate @skip(if: $yes)
      fr: formattedValue(locale: $loc)
      formattedValue
    }
    companies { __typename companyId name nEmployees }
  }
  industries { industryId name __typename }
}
fragment Rows on Account {
  metrics(names: ["minutes_saved"]) { unit formattedValue(locale: "de_CH") }
}
"""


@pytest.mark.parametrize("yes", [True, False])
async def test_aliases_fragments_typename_and_directives(
    client: DifferentialClient, seeded: None, yes: bool
) -> None:
    request = Request(DRESSED, {"yes": yes, "loc": "fr"})
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard
    account = orjson.loads(lean)["data"]["account"]
    rows = account["thisMonth"]
    assert [list(row) for row in rows] == [
        ["n", "v", "__typename", "value" if yes else "effectiveDate", "fr", "formattedValue"]
    ] * len(rows)
    assert rows[0]["n"] == "revenue"
    assert rows[0]["fr"] == format_value(Decimal("1020.0"), "EUR", "fr")
    assert rows[0]["formattedValue"] == "€1,020"
    assert account["metrics"][0] == {
        "unit": "minutes",
        "formattedValue": format_value(Decimal("1001.1"), "minutes", "de_CH"),
    }


async def test_an_unknown_locale_fails_at_the_first_row_and_nulls_up_to_the_account(
    client: DifferentialClient, seeded: None
) -> None:
    request = Request(
        '{ account(accountId: "acc-1") { metrics { value formattedValue(locale: "xx") } } }', {}
    )
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard
    body = orjson.loads(lean)
    assert body["data"] == {"account": None}
    assert [error["path"] for error in body["errors"]] == [
        ["account", "metrics", 0, "formattedValue"]
    ]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_unknown_unit_fails_at_its_own_row(
    client: DifferentialClient, seeded: None
) -> None:
    request = Request(
        '{ accounts(accountIds: ["acc-2", "acc-3"]) { edges { node { accountId '
        'metrics(effectiveDates: ["2023-03-01"]) { metricName formattedValue } } } } }',
        {},
    )
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard
    body = orjson.loads(lean)
    # legacy_score (unit furlongs) is the first of acc-3's rows in March.
    assert [error["path"] for error in body["errors"]] == [
        ["accounts", "edges", 1, "node", "metrics", 0, "formattedValue"]
    ]
    assert body["data"] is None  # every field up the path is non-null


async def test_metric_rows_never_reach_the_per_row_resolver(
    client: DifferentialClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def per_row(*_args: Any, **_kwargs: Any) -> str:
        raise AssertionError("a metric row went through graphql-core's per-field completion")

    monkeypatch.setattr(metrics_field, "formatted_value", per_row)
    known = '["revenue", "minutes_saved", "reply_rate", "tickets"]'
    data = await client.data(
        f"{{ accounts {{ edges {{ node {{ metrics(names: {known}) "
        '{ formattedValue(locale: "fr") } } } } }'
    )
    rows = [row for edge in data["accounts"]["edges"] for row in edge["node"]["metrics"]]
    assert len(rows) > 50
    assert all(isinstance(row["formattedValue"], str) for row in rows)


async def test_an_empty_selection_after_directives_gives_empty_objects(
    client: DifferentialClient, seeded: None
) -> None:
    request = Request(
        '{ account(accountId: "acc-1") { metrics(names: ["revenue"]) { value @skip(if: true) } } }',
        {},
    )
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard
    assert orjson.loads(lean)["data"]["account"]["metrics"] == [{}, {}, {}]


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_locale_answers_alike(
    client: DifferentialClient, seeded: None, locale: str
) -> None:
    request = Request(
        "query ($loc: String) { industries { accounts { edges { node { companies "
        "{ metrics { formattedValue(locale: $loc) } } metrics { formattedValue(locale: $loc) "
        "effectiveDate } } } } } }",
        {"loc": locale},
    )
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard


PLANNED = """query ($id: String!, $loc: String, $yes: Boolean!) {
  account(accountId: $id) {
    metrics(names: ["revenue", "tickets"]) {
      metricName value @include(if: $yes) formattedValue(locale: $loc)
    }
  }
}"""


async def test_plans_are_built_once_per_selection_and_variables_it_uses(
    client: DifferentialClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[tuple[str, ...]] = []
    build = LeanExecutor._build_plan

    def counted(self: LeanExecutor, *args: Any) -> Any:
        plan = build(self, *args)
        built.append(plan.names if plan is not None else ())
        return plan

    monkeypatch.setattr(LeanExecutor, "_build_plan", counted)
    monkeypatch.setattr(LeanExecutor, "shared_plans", SharedPlans())

    async def rows(variables: dict[str, Any]) -> list[dict[str, Any]]:
        lean, standard = await _lean_and_standard(client, Request(PLANNED, variables))
        assert lean == standard
        result: list[dict[str, Any]] = orjson.loads(lean)["data"]["account"]["metrics"]
        return result

    # The account is not under the rows: another account reuses the plan.
    for account in ACCOUNTS[:3]:
        assert (await rows({"id": account, "loc": "fr", "yes": True}))[0]["metricName"]
    assert built == [("metricName", "value", "formattedValue")]
    # Variables under the rows are part of the key: each new combination has its own plan.
    fewer = await rows({"id": ACCOUNTS[0], "loc": "fr", "yes": False})
    assert list(fewer[0]) == ["metricName", "formattedValue"]
    german = await rows({"id": ACCOUNTS[0], "loc": "de_CH", "yes": True})
    assert german[0]["formattedValue"] == format_value(Decimal(german[0]["value"]), "EUR", "de_CH")
    assert built[1:] == [
        ("metricName", "formattedValue"),
        ("metricName", "value", "formattedValue"),
    ]
    await rows({"id": ACCOUNTS[1], "loc": "de_CH", "yes": True})
    assert len(built) == 3


def test_shared_plans_are_bounded() -> None:
    from graphql import parse

    plans = SharedPlans(maxsize=2)
    document = parse("{ a b c }")
    fields = document.definitions[0].selection_set.selections  # type: ignore[attr-defined]
    for field in fields:
        plans.put((None, (id(field),), ()), (field,), None)  # type: ignore[arg-type]
    assert len(plans) == 2
    assert plans.get((None, (id(fields[0]),), ())) is None  # type: ignore[arg-type]
    assert plans.get((None, (id(fields[2]),), ())) is not None  # type: ignore[arg-type]


def test_dates_complete_through_a_bounded_memo_as_the_scalar_serializes_them() -> None:
    """Months repeat on every row, so their outputs are memoized: the same strings as the
    Date scalar's, for more distinct dates than the memo keeps."""
    import datetime as dt

    from graphql import GraphQLScalarType

    from schema.build import build_schema
    from schema.execution.lean import _leaf_completer, _Memo

    date_type = graphql_schema(build_schema()).type_map["Date"]
    assert isinstance(date_type, GraphQLScalarType)
    complete = _leaf_completer(date_type, non_null=True)
    many = [dt.date(2000, 1, 1) + dt.timedelta(days=n) for n in range(_Memo.MAX_SIZE + 10)]
    for days in (many, many[:3] * 4, many[::-1]):
        assert complete(days) == [date_type.serialize(day) for day in days]
    memo = _Memo(dt.date.isoformat)
    assert [memo[day] for day in many] == [day.isoformat() for day in many]
    assert len(memo) <= _Memo.MAX_SIZE


ENTITY_LISTS = """
query ($names: [String!], $loc: String) {
  accounts(first: 8) { edges { cursor node { __typename accountId id
    metrics(names: $names) { metricName value formattedValue(locale: $loc) }
    companies { companyId metrics(lastFullMonth: true) { unit value }
      contracts { contractId metrics { effectiveDate value } } } } } }
  industries { industryId accounts(first: 3) { edges { node { accountId
    metrics(effectiveDates: ["2023-03-15"]) { value } } } } }
}
"""


@pytest.mark.parametrize(
    ("names", "loc"),
    [(None, "fr"), (["revenue", "tickets"], "de_CH"), ([], "en"), (["revenue"], "xx")],
)
async def test_lists_of_entities_with_their_metrics_answer_alike(
    client: DifferentialClient, seeded: None, names: list[str] | None, loc: str
) -> None:
    """Connection edges, their nodes and each entity's metric rows complete list by list
    (one batch form call per list), including when a row fails and the list falls back."""
    lean, standard = await _lean_and_standard(
        client, Request(ENTITY_LISTS, {"names": names, "loc": loc})
    )
    assert lean == standard


# Every list here selects only leaves, attribute objects and metrics, and no row fails
# (legacy_score's unit has no format): each list completes lean.
LEAN_LISTS = """
{
  accounts(first: 8) { edges { cursor node { __typename accountId id
    metrics(names: ["revenue", "minutes_saved", "reply_rate", "tickets"]) {
      metricName value formattedValue(locale: "fr") } } } }
  account(accountId: "acc-5") {
    companies { companyId metrics(lastFullMonth: true) { unit value } }
    contracts { contractId metrics { effectiveDate value } }
  }
}
"""


async def test_lists_of_entities_never_call_the_per_entity_metrics_resolver(
    client: DifferentialClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean, standard = await _lean_and_standard(client, Request(LEAN_LISTS, {}))
    assert lean == standard

    async def per_entity(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise AssertionError("an entity's metrics went through graphql-core's per-field path")

    monkeypatch.setattr(metrics_field, "entity_rows", per_entity)
    data = await client.data(LEAN_LISTS)
    edges = data["accounts"]["edges"]
    assert len(edges) == len(ACCOUNTS)
    assert sum(len(edge["node"]["metrics"]) for edge in edges) > 50
    assert data["account"]["companies"]
    assert data["account"]["contracts"]
    assert all(contract["metrics"] for contract in data["account"]["contracts"])


async def test_an_unknown_metric_name_fails_the_list_as_the_standard_executor_does(
    client: DifferentialClient, seeded: None
) -> None:
    query = '{ accounts(first: 3) { edges { node { metrics(names: ["nope"]) { value } } } } }'
    request = Request(query, {})
    lean, standard = await _lean_and_standard(client, request)
    assert lean == standard
    body = orjson.loads(lean)
    assert body["data"] is None  # every field up the path is non-null
    assert body["errors"][0]["path"] == ["accounts", "edges", 0, "node", "metrics"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_reads_under_way_when_a_later_column_fails_run_to_their_end() -> None:
    """A list that goes to the standard path after a read started leaves nothing unawaited:
    the read finishes (and gives back its connection) with its outcome dropped."""
    import asyncio

    from schema.execution.lean import _ListPlan, _NotLean

    finished: list[str] = []

    async def read() -> list[Any]:
        await asyncio.sleep(0)
        finished.append("read")
        return [[], []]

    def reading(_rows: list[Any], _info: Any) -> Any:
        return read()

    def failing(_rows: list[Any], _info: Any) -> Any:
        raise _NotLean

    plan = _ListPlan(("rows", "other"), (reading, failing), None, (True, True))
    with pytest.raises(_NotLean):
        plan.complete([object(), object()], None)  # type: ignore[arg-type]
    for _ in range(5):
        await asyncio.sleep(0)
    assert finished == ["read"]


# Entities whose rows are not one stretch of the read: out of the read's order (accountIds in
# the order given), an unknown one, and sibling lists with the same filter and an account in
# common (their batch forms share one read, each joining its own runs).
OUT_OF_ORDER = """
{
  accounts(accountIds: ["acc-5", "acc-1", "acc-7", "acc-1", "acc-nope", "acc-0"]) {
    edges { node { accountId metrics { __typename metricName value unit currency
      effectiveDate formattedValue(locale: "fr") } } } }
  more: accounts(first: 3) { edges { node { accountId metrics { value effectiveDate } } } }
  industries { accounts(first: 2) { edges { node { metrics { value } } } } }
}
"""


async def test_rows_kept_as_columns_answer_alike_in_any_order(
    client: DifferentialClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean, standard = await _lean_and_standard(client, Request(OUT_OF_ORDER, {}))
    assert lean == standard
    # An enum (figureKind) takes the standard completion after the column forms ran.
    with_kinds = OUT_OF_ORDER.replace("currency", "currency figureKind")
    lean, standard = await _lean_and_standard(client, Request(with_kinds, {}))
    assert lean == standard

    async def per_entity(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise AssertionError("an entity's metrics went through graphql-core's per-field path")

    monkeypatch.setattr(metrics_field, "entity_rows", per_entity)
    data = await client.data(OUT_OF_ORDER)
    edges = data["accounts"]["edges"]
    assert [edge["node"]["accountId"] for edge in edges] == ["acc-5", "acc-1", "acc-7", "acc-0"]
    assert all(edge["node"]["metrics"] for edge in edges)
    # acc-1 in both lists: one run of the shared read, joined into each list's columns.
    again = data["more"]["edges"][1]["node"]
    assert again["accountId"] == "acc-1"
    assert [row["value"] for row in edges[1]["node"]["metrics"]] == [
        row["value"] for row in again["metrics"]
    ]


def test_a_leaf_type_that_gives_null_sends_the_column_to_the_standard_path() -> None:
    """Dates through the memo and values through the scalar's own function: a null output is
    refused as graphql-core refuses it (the list then completes the standard way)."""
    import datetime as dt

    from graphql import GraphQLScalarType

    from schema.execution.lean import _leaf_completer, _Memo, _NotLean

    def null_for_january(day: Any) -> Any:
        return None if getattr(day, "month", 0) == 1 else str(day)

    odd = GraphQLScalarType("Odd", serialize=null_for_january)
    complete = _leaf_completer(odd, non_null=True)
    february, january = dt.date(2023, 2, 1), dt.date(2023, 1, 1)
    assert complete([february, february]) == ["2023-02-01", "2023-02-01"]
    for values in ([february, january], [Decimal(1), january]):
        with pytest.raises(_NotLean):
            complete(values)
    memo = _Memo(null_for_january)
    with pytest.raises(_NotLean):
        memo[january]
    assert january not in memo

"""Query limits are checked before execution and say which limit and what figure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import fields
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_introspection_query,
    parse,
    validate,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import build_schema
from schema.execution.internals import graphql_schema
from schema.limits import (
    SIZE_NAMES,
    ListSizes,
    QueryTooComplex,
    current_sizes,
    estimated_cost,
    limits_rule,
    typical,
)
from server.app import create_app
from settings import QueryLimits, load_settings
from store.reads.list_sizes import STATEMENTS
from tests.api_client import TODAY, GraphQLClient

DEEP = (
    "{ accounts { edges { node { companies { account { companies { account { companies {"
    " account { companies { name } } } } } } } } } } }"
)
WIDE = "{ " + " ".join(f"a{n}: metricDefinitions {{ name }}" for n in range(16)) + " }"
COSTLY = """{ industries { accounts(first: 100) { edges { node {
  companies { contracts { metrics { value } } } } } } } }"""
LARGE_BUT_FINE = """{ industries { accounts(first: 100) { edges { node {
  metrics { metricName value unit effectiveDate formattedValue } } } } } }"""


async def _refusal(client: GraphQLClient, query: str) -> dict[str, Any]:
    body = await client.post(query)
    assert body["data"] is None, body
    (error,) = body["errors"]
    return error  # type: ignore[no-any-return]


async def test_depth(client: GraphQLClient) -> None:
    error = await _refusal(client, DEEP)
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["message"] == "Query refused: its depth is 11, over the limit of 10"


async def test_aliases(client: GraphQLClient) -> None:
    error = await _refusal(client, WIDE)
    assert error["message"] == "Query refused: it has 16 aliases, over the limit of 15"


async def test_tokens(client: GraphQLClient) -> None:
    query = "{ " + " ".join("__typename" for _ in range(2001)) + " }"
    error = await _refusal(client, query)
    assert "2000 tokens" in error["message"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_cost(client: GraphQLClient) -> None:
    error = await _refusal(client, COSTLY)
    assert error["message"].startswith("Query refused: its estimated cost is ")
    assert "over the limit of 3,000,000" in error["message"]


async def test_fragments_count_too(client: GraphQLClient) -> None:
    query = """query { industries { ...deep } }
      fragment deep on Industry { accounts(first: 100) { edges { node {
        companies { contracts { metrics { value } } } } } } }"""
    error = await _refusal(client, query)
    assert "estimated cost" in error["message"]


async def test_a_large_everyday_query_is_allowed(client: GraphQLClient) -> None:
    body = await client.post(LARGE_BUT_FINE)
    assert "errors" not in body


@pytest.fixture
async def locked_down(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(
        {
            "PROFILING_TODAY": TODAY,
            "PROFILING_GRAPHIQL": "false",
            "PROFILING_INTROSPECTION": "false",
            "PROFILING_REQUEST_TIMEOUT": "0.000001",
        }
    )
    app = create_app(require_keys=False, settings=settings, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http


async def test_production_switches(locked_down: httpx.AsyncClient) -> None:
    page = await locked_down.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    introspection = await locked_down.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}
    )
    assert introspection.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    slow = await locked_down.post("/graphql", json={"query": "{ industries { name } }"})
    (error,) = slow.json()["errors"]
    assert error["extensions"]["code"] == "TIMED_OUT"
    assert error["message"] == "Query stopped: it ran longer than the limit of 1e-06 s"


async def test_the_parse_stops_at_the_token_limit(client: GraphQLClient) -> None:
    # Past the limit comes a string never closed: the parse stops before it gets there.
    query = "{ " + "__typename " * 2001 + '"never closed'
    error = await _refusal(client, query)
    assert "2000 tokens" in error["message"]
    assert "Unterminated" not in error["message"]


# --- introspection is counted like any other field --------------------------------------------

# Every argument of every field of every type: 3,589 rows in this schema (once estimated 1).
WIDE_INTROSPECTION = "{ __schema { types { fields { args { name } } } } }"


@pytest.fixture
def schema() -> GraphQLSchema:
    return graphql_schema(build_schema())


def _cost(schema: GraphQLSchema, query: str) -> int:
    return estimated_cost(schema, parse(query))


def _most(counts: list[int]) -> int:
    return max(counts)


def test_introspection_lists_cost_their_sizes_in_the_schema(schema: GraphQLSchema) -> None:
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    most_fields = _most([len(t.fields) for t in with_fields])
    most_args = _most([len(f.args) for t in with_fields for f in t.fields.values()])
    assert _cost(schema, "{ __schema { types { name } } }") == 1 + len(types)
    assert _cost(schema, "{ __schema { directives { args { name } } } }") == 1 + len(
        schema.directives
    ) * (1 + _most([len(d.args) for d in schema.directives]))
    assert (
        _cost(schema, '{ __type(name: "Account") { fields { args { name } } } }')
        == 1 + most_fields + most_fields * most_args
    )
    # A single type (ofType) is one row, however deep.
    assert _cost(schema, '{ __type(name: "Account") { ofType { ofType { name } } } }') == 3


def test_typename_is_free_and_aliases_count_as_before(schema: GraphQLSchema) -> None:
    assert _cost(schema, "{ __typename }") == 0
    assert _cost(schema, "{ industries { __typename } }") == 50
    query = '{ a: __schema { queryType { name } } b: __typename c: __type(name: "A") { name } }'
    assert _cost(schema, query) == 3
    document = parse(query)
    errors = validate(schema, document, [limits_rule(QueryLimits(max_aliases=2))])
    assert [error.message for error in errors] == [
        "Query refused: it has 3 aliases, over the limit of 2"
    ]


async def test_introspection_over_the_cost_limit_is_refused(
    engine: AsyncEngine, schema: GraphQLSchema
) -> None:
    settings = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_MAX_COST": "1000"})
    app = create_app(require_keys=False, settings=settings, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post("/graphql", json={"query": WIDE_INTROSPECTION})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    cost = _cost(schema, WIDE_INTROSPECTION)
    assert cost > 1000
    assert error["message"] == (
        f"Query refused: its estimated cost is {cost:,} rows, over the limit of 1,000"
    )


async def test_graphiqls_own_introspection_query_is_allowed(client: GraphQLClient) -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    body = await client.post(query)
    assert "errors" not in body, body["errors"]
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


# --- costs from the sizes the store knows ----------------------------------------------------

ATTACK = '{ account(accountId: "acc-1") { contracts { metrics { value } } } }'


def test_costs_use_the_current_sizes_above_their_floors(schema: GraphQLSchema) -> None:
    # Nothing measured: the floors (5 contracts, 12 metrics, 24 months) as before.
    assert _cost(schema, ATTACK) == 1 + 5 + 5 * 12 * 24
    current_sizes(schema).update(
        ListSizes(contracts_per_account=1_000, metric_definitions=20, months=24, industries=3)
    )
    assert _cost(schema, ATTACK) == 1 + 1_000 + 1_000 * 20 * 24  # 481,001
    assert _cost(schema, "{ industries { name } }") == 50  # 3 industries: the floor stands
    named = '{ account(accountId: "a") { contracts { metrics(names: ["x", "y"]) { value } } } }'
    assert _cost(schema, named) == 1 + 1_000 + 1_000 * 2 * 24
    # The validation rule reads the same sizes.
    errors = validate(schema, parse(ATTACK), [limits_rule(QueryLimits(max_cost=100_000))])
    (error,) = errors
    assert isinstance(error, QueryTooComplex)
    assert error.exact_message == (
        "Query refused: its estimated cost is 481,001 rows, over the limit of 100,000"
    )
    # What a key other than an internal one is told: no figure derived from the store's data.
    assert error.message == (
        "Query refused: its estimated cost is over the limit of 100,000 rows; its lists "
        "multiply the rows: account.contracts, account.contracts.metrics. Ask for smaller pages "
        "(first) or fewer nested lists at once"
    )
    # Every other key's estimate and verdict use no measured size: the floors, whatever the store.
    assert estimated_cost(schema, parse(ATTACK), exact=False) == 1 + 5 + 5 * 12 * 24
    shared_rule = limits_rule(QueryLimits(max_cost=100_000), exact=False)
    assert validate(schema, parse(ATTACK), [shared_rule]) == []


def test_a_size_is_named_and_every_size_is_measured() -> None:
    with pytest.raises(ValueError, match="unknown list size 'contracts'"):
        typical("contracts", floor=5)  # type: ignore[arg-type]
    assert set(SIZE_NAMES) == {field.name for field in fields(ListSizes)}
    assert set(SIZE_NAMES) == set(STATEMENTS)


SEGMENT_LISTS = """{ segmentation(quarter: "2024-Q1", app: "a") {
  valueByCreditRisk { accounts }
  monetary { enteredAccounts { segment account { name } } lapsedAccounts { segment } }
} }"""


def test_segmentation_lists_cost_the_accounts_of_a_quarter(schema: GraphQLSchema) -> None:
    # The segmentation, its 12 cells, the flows, then each list at its floor of 50 accounts
    # (the entered ones with their account).
    assert _cost(schema, SEGMENT_LISTS) == 1 + 12 + 1 + 50 + 50 + 50
    current_sizes(schema).update(ListSizes(accounts_per_quarter=800))
    assert _cost(schema, SEGMENT_LISTS) == 1 + 12 + 1 + 800 + 800 + 800


def test_the_list_of_apps_costs_the_apps_in_the_store(schema: GraphQLSchema) -> None:
    # Its floor of 10 until the store holds more apps (one row each, whatever the key).
    assert _cost(schema, "{ apps { appId accountCount } }") == 10
    current_sizes(schema).update(ListSizes(apps=3))
    assert _cost(schema, "{ apps { appId } }") == 10
    current_sizes(schema).update(ListSizes(apps=250))
    assert _cost(schema, "{ apps { appId } }") == 250

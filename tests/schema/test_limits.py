"""Query limits are checked before execution and say which limit and what figure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
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
    assert error["message"] == "Query refused: its aliases is 16, over the limit of 15"


async def test_tokens(client: GraphQLClient) -> None:
    query = "{ " + " ".join("__typename" for _ in range(2001)) + " }"
    error = await _refusal(client, query)
    assert "2000 tokens" in error["message"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_cost(client: GraphQLClient) -> None:
    error = await _refusal(client, COSTLY)
    assert error["message"].startswith("Query refused: its estimated cost (rows) is ")
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
    assert "limit of 1e-06 s" in error["message"]

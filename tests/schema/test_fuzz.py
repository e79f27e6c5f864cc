"""Fuzzing: generated queries over every root field and argument never get a 5xx, and no
response carries a traceback, SQL text or an unexpected (INTERNAL_SERVER_ERROR) error."""

from __future__ import annotations

import pytest
from graphql import print_ast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import export_sdl
from tests.api_client import GraphQLClient
from tests.schema.test_benchmarks import seed_and_publish

SDL = export_sdl()
EXAMPLES = 1_000

GENERATED = queries(
    SDL,
    allow_x00=False,
    custom_scalars={
        "Date": st.dates().map(lambda day: nodes.String(day.isoformat())),
        "Decimal": st.decimals(allow_nan=False, allow_infinity=False).map(
            lambda value: nodes.String(str(value))
        ),
    },
    print_ast=print_ast,
)
LEAKS = ("Traceback", "SELECT ", "sqlalchemy", "asyncpg", "aiosqlite", 'File "')


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    """Seeded once for all examples: accounts in sectors of 0, 4, 5 and 9, two published months."""
    await seed_and_publish(engine)


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=GENERATED | st.text(max_size=200))
async def test_generated_queries_never_fail_the_server(
    client: GraphQLClient, seeded: None, query: str
) -> None:
    response = await client.http.post("/graphql", json={"query": query})
    assert response.status_code < 500, response.text
    # Error messages quote what the query sent (hypothesis also tries this file's strings).
    leaks = [leak for leak in LEAKS if leak in response.text and leak not in query]
    assert not leaks, response.text
    if response.status_code == 200:
        for error in response.json().get("errors", []):
            assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (query, error)

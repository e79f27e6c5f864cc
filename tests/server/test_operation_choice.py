"""Which operation a request runs (the GraphQL spec's GetOperation), on every execution path.

A document of several operations needs `operationName`, and a name must be one of the
document's: anything else is a request error (HTTP 400 BAD_REQUEST, one sentence that says what
to send), never the first operation's answer. Each path is asked: the plain POST's own path and
Strawberry's view (PROFILING_FAST_POSTS), the prepared documents and the compiled plans (the
same text asked again, first with a name that runs), the lean and the standard executors, and a
persisted query (always through the view)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from tests.api_client import TODAY
from tests.factories import Seed

TWO_OPERATIONS = "query A { apps { appId } } query B { metricDefinitions { name } }"
SEVERAL = 'The query holds 2 operations (A, B): name the one to run in "operationName"'
UNKNOWN = 'The query holds no operation named "C": set "operationName" to one of A, B'

# Every way a request can be executed: the defaults, then each fast path switched off.
PATHS = [
    pytest.param({}, id="defaults"),
    pytest.param({"PROFILING_FAST_POSTS": "false"}, id="view"),
    pytest.param({"PROFILING_PREPARED_QUERIES": "false"}, id="unprepared"),
    pytest.param({"PROFILING_COMPILED_EXECUTION": "false"}, id="uncompiled"),
    pytest.param({"PROFILING_LEAN_EXECUTION": "false"}, id="standard-executor"),
    pytest.param(
        {
            "PROFILING_FAST_POSTS": "false",
            "PROFILING_PREPARED_QUERIES": "false",
            "PROFILING_LEAN_EXECUTION": "false",
        },
        id="all-off",
    ),
]


@pytest.fixture
async def serve(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.industry("retail")
    seed.account("acc-1", app="north", industry="retail")
    await seed.write(engine)
    async with AsyncExitStack() as stack:

        async def start(env: dict[str, str]) -> httpx.AsyncClient:
            settings = load_settings({"PROFILING_TODAY": TODAY, **env})
            app = create_app(require_keys=False, settings=settings, engine=engine)
            await stack.enter_async_context(app.router.lifespan_context(app))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
            )

        yield start


def _refused(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }


@pytest.mark.parametrize("env", PATHS)
async def test_several_operations_without_a_name_are_refused_on_every_path(
    serve: Callable[..., Any], env: dict[str, str]
) -> None:
    http = await serve(env)
    # Asked first (Strawberry's pipeline), then after a name that runs prepared the text.
    _refused(await http.post("/graphql", json={"query": TWO_OPERATIONS}), SEVERAL)
    named = await http.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "B"})
    assert named.json() == {"data": {"metricDefinitions": [{"name": "revenue"}]}}
    named = await http.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "A"})
    assert named.json() == {"data": {"apps": [{"appId": "north"}]}}
    for _ in range(2):
        _refused(await http.post("/graphql", json={"query": TWO_OPERATIONS}), SEVERAL)
        _refused(
            await http.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": None}),
            SEVERAL,
        )
        _refused(
            await http.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "C"}),
            UNKNOWN,
        )


@pytest.mark.parametrize("env", PATHS[:2])
async def test_a_name_a_single_operation_does_not_have_is_refused(
    serve: Callable[..., Any], env: dict[str, str]
) -> None:
    http = await serve(env)
    for query, message in (
        (
            "{ apps { appId } }",
            'The query holds no operation named "C" (only an unnamed one): leave out '
            '"operationName"',
        ),
        (
            "query A { apps { appId } }",
            'The query holds no operation named "C": set "operationName" to one of A',
        ),
    ):
        for _ in range(2):
            body = {"query": query, "operationName": "C"}
            _refused(await http.post("/graphql", json=body), message)
        ran = await http.post("/graphql", json={"query": query})
        assert ran.json() == {"data": {"apps": [{"appId": "north"}]}}


async def test_several_anonymous_operations_are_left_to_validation(
    serve: Callable[..., Any],
) -> None:
    http = await serve({})
    answer = await http.post("/graphql", json={"query": "{ apps { appId } } { __typename }"})
    assert answer.status_code == 200
    errors = answer.json()["errors"]
    assert {error["message"] for error in errors} == {
        "This anonymous operation must be the only defined operation."
    }
    assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}


async def test_a_persisted_document_of_several_operations_needs_a_name(
    serve: Callable[..., Any],
) -> None:
    http = await serve({})
    digest = hashlib.sha256(TWO_OPERATIONS.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    registered = await http.post(
        "/graphql", json={"query": TWO_OPERATIONS, "operationName": "A", "extensions": extensions}
    )
    assert registered.json() == {"data": {"apps": [{"appId": "north"}]}}
    _refused(await http.post("/graphql", json={"extensions": extensions}), SEVERAL)
    by_hash = await http.post("/graphql", json={"operationName": "B", "extensions": extensions})
    assert by_hash.json() == {"data": {"metricDefinitions": [{"name": "revenue"}]}}


# --- for any document of named operations and any name asked --------------------------------

NAMES = st.sampled_from(["A", "B", "C", "Totals", "q_1"])


@st.composite
def _choices(draw: st.DrawFn) -> tuple[list[str], str | None]:
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    requested = draw(st.one_of(st.none(), st.sampled_from(names), NAMES))
    return names, requested


@pytest.fixture
async def both_paths(serve: Callable[..., Any]) -> dict[bool, httpx.AsyncClient]:
    """An app with the plain POST's own path (True) and one with the view only (False)."""
    return {
        fast: await serve({"PROFILING_FAST_POSTS": str(fast).lower()}) for fast in (True, False)
    }


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choice=_choices(), fast_posts=st.booleans())
async def test_a_request_runs_the_one_operation_it_picks_or_none(
    both_paths: dict[bool, httpx.AsyncClient],
    choice: tuple[list[str], str | None],
    fast_posts: bool,
) -> None:
    names, requested = choice
    http = both_paths[fast_posts]
    # Each operation answers its own name, so the answer says which one ran.
    query = " ".join(f"query {name} {{ {name}: __typename }}" for name in names)
    listed = ", ".join(names)
    for _ in range(2):  # the pipeline, then the prepared document
        response = await http.post("/graphql", json={"query": query, "operationName": requested})
        if requested in names or (requested is None and len(names) == 1):
            ran = requested or names[0]
            assert response.json() == {"data": {ran: "Query"}}
        elif requested is None:
            _refused(
                response,
                f"The query holds {len(names)} operations ({listed}): name the one to run in "
                '"operationName"',
            )
        else:
            _refused(
                response,
                f'The query holds no operation named "{requested}": set "operationName" to one '
                f"of {listed}",
            )

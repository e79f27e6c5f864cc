"""`GraphQLSteps.context` gives each field of the request's context what the view's and the
fast path's requests need (it passes them by position, in the fields' order)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from resolvers.known_names import KnownMetricNames
from server.graphql_steps import GraphQLSteps
from server.observability import Observability
from settings import load_settings
from store.running.reader import Reader
from store.scope import INTERNAL


def _steps(engine: AsyncEngine) -> GraphQLSteps:
    return GraphQLSteps(
        engine=engine,
        settings=load_settings({}),
        observability=Observability(engine),
        rate_limiter=None,
        read_router=None,
    )


async def test_context_puts_each_value_in_its_own_field(engine: AsyncEngine) -> None:
    steps = _steps(engine)
    context = steps.context(INTERNAL)
    by_keyword = RequestContext(
        reader=context.reader,
        settings=context.settings,
        scope=INTERNAL,
        known_names=context.known_names,
        rows_as_json=True,
    )
    assert context == by_keyword
    assert isinstance(context.reader, Reader)
    assert isinstance(context.known_names, KnownMetricNames)
    assert context.scope is INTERNAL
    assert context.rows_as_json is True
    assert context.side_errors == []
    assert context._loaders is None
    assert context._benchmarks is None
    assert context._definitions is None
    assert context._published_months is None


async def test_each_context_has_its_own_side_errors_and_shares_the_rest(
    engine: AsyncEngine,
) -> None:
    steps = _steps(engine)
    first, second = steps.context(INTERNAL), steps.context(INTERNAL)
    assert first.side_errors is not second.side_errors
    # The reader and the known names hold nothing of a request: made once, shared.
    assert first.reader is second.reader
    assert first.known_names is second.known_names
    assert first.settings is second.settings

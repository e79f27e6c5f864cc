"""A request's DataLoaders are made when a resolver first asks for them, once per request."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import create_async_engine

from resolvers.context import RequestContext
from settings import load_settings
from store.scope import INTERNAL


async def test_loaders_are_made_on_first_use_and_kept_for_the_request() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    try:
        settings = load_settings({})
        context = RequestContext.build(engine=engine, settings=settings, scope=INTERNAL)
        assert context._loaders is None
        assert context._benchmarks is None
        loaders = context.loaders
        assert "account_by_id" not in vars(loaders)  # none made until asked for
        assert loaders.account_by_id is context.loaders.account_by_id
        assert context.benchmarks is context.benchmarks
        other = RequestContext.build(engine=engine, settings=settings, scope=INTERNAL)
        assert other.loaders.account_by_id is not loaders.account_by_id  # one set per request
    finally:
        await engine.dispose()

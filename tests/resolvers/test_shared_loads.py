"""A field cancelled because a sibling failed does not cancel the reads other fields share.

graphql-core cancels the fields beside a failed non-null field; before the shields, a field
elsewhere in the query waiting for the same DataLoader key (or the request's definitions)
got CancelledError, and the whole request failed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from resolvers.shared_loader import SharedLoader
from settings import load_settings
from store.scope import INTERNAL
from tests.factories import Seed


async def test_a_cancelled_waiter_leaves_the_load_to_the_others() -> None:
    batches: list[list[str]] = []

    async def load(keys: Sequence[str]) -> list[str]:
        batches.append(list(keys))
        await asyncio.sleep(0)
        return [key.upper() for key in keys]

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)

    async def wait_for(key: str) -> str:
        return await loader.load(key)

    cancelled = asyncio.ensure_future(wait_for("a"))
    going_on = asyncio.ensure_future(wait_for("a"))
    await asyncio.sleep(0)  # both wait for the same future now
    cancelled.cancel()
    assert await going_on == "A"
    assert cancelled.cancelled()
    assert batches == [["a"]]
    assert await loader.load("a") == "A"  # and the value stays cached


async def test_a_cancelled_waiter_leaves_the_definitions_to_the_others(
    engine: AsyncEngine,
) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    await seed.write(engine)
    context = RequestContext.build(engine=engine, settings=load_settings({}), scope=INTERNAL)
    cancelled = asyncio.ensure_future(context.definitions())
    going_on = asyncio.ensure_future(context.definitions())
    await asyncio.sleep(0)
    cancelled.cancel()
    assert list(await going_on) == ["revenue"]
    assert cancelled.cancelled()

"""A field cancelled because a sibling failed does not cancel the reads other fields share.

graphql-core cancels the fields beside a failed non-null field; before the shields, a field
elsewhere in the query waiting for the same DataLoader key (or the request's definitions)
got CancelledError, and the whole request failed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from resolvers.shared_loader import KeyedFutures, SharedLoader
from settings import load_settings
from store.running import shielded
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


async def test_a_batchs_reads_run_in_its_task_to_their_end_and_the_request_waits_for_them() -> None:
    """Nothing cancels a SharedLoader's batch (its futures are shielded), so its reads need
    no task of their own: they run in the batch's, which the request's reads then hold until
    it has finished, and a cancelled waiter interrupts none of them."""
    release = asyncio.Event()
    seen: list[tuple[asyncio.Task[object] | None, asyncio.Task[object] | None]] = []
    finished: list[str] = []

    async def read(keys: Sequence[str]) -> list[str]:
        seen.append((batch_task, asyncio.current_task()))
        await release.wait()
        finished.append("read")
        return [key.upper() for key in keys]

    batch_task: asyncio.Task[object] | None = None

    async def load(keys: Sequence[str]) -> list[str]:
        nonlocal batch_task
        batch_task = asyncio.current_task()
        return await shielded.shield(read(keys))

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)
    reads = shielded.RequestReads()
    with reads.tracking():
        waiter = asyncio.ensure_future(loader.load("a"))
    for _ in range(5):
        await asyncio.sleep(0)
    ((batch, read_task),) = seen
    assert read_task is batch is not None  # no task of its own
    waiter.cancel()
    settling = asyncio.ensure_future(reads.settle())
    await asyncio.sleep(0)
    assert not settling.done()  # the request waits for its read
    release.set()
    await settling
    assert finished == ["read"]
    assert await loader.load("a") == "A"


async def test_a_task_started_by_a_batch_reads_in_a_task_of_its_own() -> None:
    """A task that a batch starts may be cancelled (gathered beside a failing sibling): its
    reads are shielded as anywhere else."""
    tasks: list[tuple[asyncio.Task[object] | None, asyncio.Task[object] | None]] = []

    async def read() -> None:
        tasks.append((outer, asyncio.current_task()))

    outer: asyncio.Task[object] | None = None

    async def load(keys: Sequence[str]) -> list[str]:
        async def inner() -> None:
            nonlocal outer
            outer = asyncio.current_task()
            await shielded.shield(read())

        await asyncio.ensure_future(inner())
        return list(keys)

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)
    assert await loader.load("a") == "a"
    ((started_by, read_in),) = tasks
    assert read_in is not started_by


KEYS = ("a", "bad", "bad-too")


async def test_a_load_settles_as_its_batch_does_whoever_is_cancelled() -> None:
    """The shield of a load (resolvers/shared_loader.py, a lighter `asyncio.shield`): a value
    or an error reaches every waiter left; a waiter cancelled before the batch fails leaves
    no error unretrieved (asyncio would log it when the future is freed); a settled key is
    handed back as it is."""
    release = asyncio.Event()

    async def load(keys: Sequence[str]) -> list[str | BaseException]:
        await release.wait()
        return [ValueError(key) if key.startswith("bad") else key.upper() for key in keys]

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)
    good, bad, dropped = (cast(asyncio.Future[str], loader.load(key)) for key in KEYS)
    assert not good.done()
    assert not bad.done()
    dropped.cancel()
    stored = loader.cache_map.get("bad-too")
    assert stored is not None
    assert not stored.cancelled()  # the batch's own future goes on
    release.set()
    assert await good == "A"
    with pytest.raises(ValueError, match=r"^bad$"):
        await bad
    await asyncio.sleep(0)
    assert stored.done()
    assert isinstance(stored.exception(), ValueError)
    again = loader.load("a")
    assert again is loader.cache_map.get("a")  # no shield needed
    assert await again == "A"


async def test_a_cancelled_batch_cancels_its_waiters() -> None:
    async def load(keys: Sequence[str]) -> list[str]:
        await asyncio.Event().wait()
        return list(keys)

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)
    waiter = cast(asyncio.Future[str], loader.load("a"))
    stored = loader.cache_map.get("a")
    assert stored is not None
    stored.cancel()
    await asyncio.sleep(0)
    assert waiter.cancelled()


async def test_the_cache_is_keyed_by_the_keys_themselves() -> None:
    async def load(keys: Sequence[tuple[str, int]]) -> list[str]:
        return [f"{name}{number}" for name, number in keys]

    loader: SharedLoader[tuple[str, int], str] = SharedLoader(load_fn=load)
    assert await loader.load(("a", 1)) == "a1"
    futures = cast(KeyedFutures[tuple[str, int], str], loader.cache_map)
    assert list(futures.cache_map) == [("a", 1)]
    loader.clear(("a", 1))
    assert loader.cache_map.get(("a", 1)) is None
    assert await loader.load(("a", 1)) == "a1"
    loader.clear_all()
    assert futures.cache_map == {}


async def test_loads_of_this_turn_and_the_next_share_one_batch() -> None:
    """The timing of Strawberry's DataLoader: a batch starts two turns of the event loop after
    its first load, so that fields that reach their loads a turn later still join it."""
    batches: list[list[str]] = []

    async def load(keys: Sequence[str]) -> list[str]:
        batches.append(list(keys))
        return list(keys)

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)

    async def later(key: str, turns: int) -> str:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await loader.load(key)

    first = loader.load("a")
    second = asyncio.ensure_future(later("b", 0))  # starts on the next turn
    third = asyncio.ensure_future(later("c", 3))  # long after the batch started
    assert [await first, await second, await third] == ["a", "b", "c"]
    assert batches == [["a", "b"], ["c"]]
    assert await loader.load("a") == "a"
    assert batches == [["a", "b"], ["c"]]  # from the cache


async def test_a_batch_holds_at_most_max_batch_size_keys() -> None:
    batches: list[list[int]] = []

    async def load(keys: Sequence[int]) -> list[int]:
        batches.append(list(keys))
        return [key * 2 for key in keys]

    loader: SharedLoader[int, int] = SharedLoader(load_fn=load, max_batch_size=2)
    assert await asyncio.gather(*map(loader.load, range(5))) == [0, 2, 4, 6, 8]
    assert batches == [[0, 1], [2, 3], [4]]


async def test_a_loader_with_a_cache_key_function_keeps_strawberrys_cache() -> None:
    async def load(keys: Sequence[str]) -> list[str]:
        return [key.upper() for key in keys]

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load, cache_key_fn=str.lower)
    assert await loader.load("a") == "A"
    assert await loader.load("A") == "A"  # the key function's: "a", loaded already


async def test_an_unshielded_load_is_the_loaders_own_future() -> None:
    # For a caller that only adds callbacks (the account's read answering two loaders): its
    # callbacks run as the read settles, not a turn later through a shield.
    async def load(keys: Sequence[str]) -> list[str]:
        return [key.upper() for key in keys]

    loader: SharedLoader[str, str] = SharedLoader(load_fn=load)
    own = loader.load_unshielded("a")
    assert loader.load_unshielded("a") is own
    shielded_load = loader.load("a")
    assert shielded_load is not own
    assert await own == "A"
    assert await shielded_load == "A"
    assert loader.load_unshielded("a") is own

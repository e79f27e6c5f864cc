"""A key of one DataLoader answered by a load of another: one read serving two loaders.

A read that answers two loaders at once (an account and its metric rows) puts, under each
loader's key, a future settled from the read's own: a field that later loads that key finds it
in the loader's cache and starts no batch (no statement, no dispatch). A key already in a
loader's cache is left alone: its own load answers it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
S = TypeVar("S")
V = TypeVar("V")


def is_loading(loader: DataLoader[K, Any], key: K) -> bool:
    """Whether a load of `key` would find it in the loader's cache (as DataLoader.load does:
    a cancelled future is no answer)."""
    future = loader.cache_map.get(key)
    return future is not None and not future.cancelled()


def answer_from(
    loader: DataLoader[K, V], key: K, source: Awaitable[S], part: Callable[[S], V]
) -> None:
    """Answer `key` of `loader` with `part` of what `source` gives (its error, if it fails),
    unless the loader already has the key."""
    if is_loading(loader, key):
        return
    future: asyncio.Future[V] = asyncio.get_running_loop().create_future()

    def settle(done: asyncio.Future[S]) -> None:
        if future.done():
            return
        if done.cancelled():
            future.cancel()
        elif (error := done.exception()) is not None:
            future.set_exception(error)
        else:
            future.set_result(part(done.result()))

    asyncio.ensure_future(source).add_done_callback(settle)
    # Nobody may ever wait for this key (the account does not exist, so its rows are never
    # asked for): its error must not be logged as never retrieved.
    future.add_done_callback(_retrieve)
    loader.cache_map.set(key, future)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()

"""A DataLoader whose loads survive the cancellation of one of the fields waiting for them.

A field can be cancelled (the request timed out; graphql-core on its own would also cancel the
fields beside a failed one, see schema/execution/field_gathering.py), and cancelling a task
cancels the future it waits for. A DataLoader hands the same future to every field that loads
the same key, including fields elsewhere in the query that go on: without a shield they would
get CancelledError, which escapes the executor and fails the whole request.

With every load shielded, no future of a batch is ever cancelled, so nothing cancels the task
that runs the batch (Strawberry cancels it only once all of its futures are): its reads run in
that task rather than in one of their own each (store/running/shielded.py, `in_own_task`).

Three loaders are made and used by the smallest request, so their per-request work is kept to
what they need (docs/performance.md): the cache is a plain dict keyed by the keys themselves
(Strawberry's default calls an identity key function on every lookup), the shield is
`asyncio.shield` without its checks for arbitrary awaitables (a load is always a future of
the running loop), and a load that starts a batch does what Strawberry's `DataLoader.load`
does, with the same timing (the batch's task is created on the next turn of the event loop
and runs on the one after, so that loads of both turns join it), less the callback on every
load's future that cancels the batch once all of them are cancelled: none of them is ever
cancelled here, only the shields around them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import AbstractCache, Batch, DataLoader, LoaderTask, dispatch_batch

from store.running.shielded import in_own_task

K = TypeVar("K")
V = TypeVar("V")


class KeyedFutures(AbstractCache[K, V]):
    """A DataLoader's futures by key: `get` and `set` are the dict's own (no Python frame)."""

    def __init__(self) -> None:
        futures: dict[K, asyncio.Future[V]] = {}
        self.cache_map = futures
        self.get = futures.get  # type: ignore[method-assign, assignment]
        self.set = futures.__setitem__  # type: ignore[method-assign, assignment]

    # The abstract methods, for the type's sake; instances answer through the attributes.
    def get(self, key: K) -> asyncio.Future[V] | None:  # pragma: no cover
        return self.cache_map.get(key)

    def set(self, key: K, value: asyncio.Future[V]) -> None:  # pragma: no cover
        self.cache_map[key] = value

    def delete(self, key: K) -> None:
        del self.cache_map[key]

    def clear(self) -> None:
        self.cache_map.clear()


class SharedLoader(DataLoader[K, V]):
    def __init__(
        self, load_fn: Callable[[list[K]], Awaitable[Sequence[V | BaseException]]], **options: Any
    ) -> None:
        plain = not {"cache", "cache_map", "cache_key_fn"} & options.keys()
        if plain:
            options["cache_map"] = KeyedFutures()
        super().__init__(in_own_task(load_fn), **options)
        # The futures by key when the cache is ours; None: Strawberry's load, as configured.
        self._futures: dict[K, asyncio.Future[V]] | None = (
            self.cache_map.cache_map if plain else None  # type: ignore[attr-defined]
        )

    def load(self, key: K) -> Awaitable[V]:
        futures = self._futures
        if futures is None:
            future: asyncio.Future[V] = super().load(key)  # type: ignore[assignment]
        else:
            found = futures.get(key)
            future = self._start_load(key) if found is None or found.cancelled() else found
        if future.done():  # as asyncio.shield: nothing left to cancel
            return future
        return _shield(future)

    def load_unshielded(self, key: K) -> asyncio.Future[V]:
        """The loader's own future of `key` (a load started if there is none), for a caller
        that only adds callbacks to it and never cancels it: without the shield, its callbacks
        run a turn of the event loop earlier."""
        futures = self._futures
        if futures is None:
            return super().load(key)  # type: ignore[return-value]  # the future itself
        found = futures.get(key)
        return self._start_load(key) if found is None or found.cancelled() else found

    def _start_load(self, key: K) -> asyncio.Future[V]:
        """What DataLoader.load does for a key not in the cache (strawberry/dataloader.py)."""
        loop = self.loop
        future: asyncio.Future[V] = loop.create_future()
        self._futures[key] = future  # type: ignore[index]
        batch = self.batch
        if (
            batch is None
            or not batch.tasks
            or batch.dispatched
            or (self.max_batch_size and len(batch.tasks) >= self.max_batch_size)
        ):
            batch = self.batch = Batch()
            loop.call_soon(_dispatch, self, batch)
        batch.tasks.append(LoaderTask(key, future))
        return future


# The event loop keeps only weak references to tasks: a batch's lives here until it ends
# (in a set rather than on its batch, which its coroutine holds: that would be a cycle).
_running: set[asyncio.Task[Any]] = set()


def _dispatch(loader: DataLoader[Any, Any], batch: Batch[Any, Any]) -> None:
    """Strawberry's `dispatch`, a turn of the event loop after the batch's first load."""
    task = loader.loop.create_task(dispatch_batch(loader, batch))
    _running.add(task)
    task.add_done_callback(_running.discard)


def _shield(inner: asyncio.Future[V]) -> asyncio.Future[V]:
    """`asyncio.shield(inner)` for a pending future of the running loop: a future that
    settles as `inner` does, and whose cancellation leaves `inner` running.

    Unlike asyncio.shield, a cancelled outer future leaves its callback on `inner` until
    `inner` settles (then retrieves its error, as asyncio.shield does, so that it is not
    logged as never retrieved): one callback fewer per load."""
    outer: asyncio.Future[V] = inner.get_loop().create_future()

    def settle(done: asyncio.Future[V]) -> None:
        if outer.cancelled():
            if not done.cancelled():
                done.exception()
            return
        if done.cancelled():
            outer.cancel()
        elif (error := done.exception()) is not None:
            outer.set_exception(error)
        else:
            outer.set_result(done.result())

    inner.add_done_callback(settle)
    return outer


def run_apart(batch: Coroutine[Any, Any, V]) -> asyncio.Future[V]:
    """`batch` (a coroutine of a function under `shielded.in_own_task`) run as this module's
    loaders run a batch, without a loader: for a caller that loads one key, first and only,
    and so has no cache to keep and none of its own request's keys to batch with
    (resolvers/loaders.py, `account_with_metrics_at_once`).

    The batch runs in a task of its own that nothing cancels, so its reads run in that task
    and may share a statement with other requests' as a loader's batch does
    (store/running/shared_reads.py); the future returned is shielded as a load is. The task is
    started at once: its first step is the next turn of the event loop, where a loader's batch
    starts a turn later (the loader's `call_soon` that gathers the keys of a turn), and none of
    the loader's batch, futures and dispatch is made."""
    task = asyncio.get_running_loop().create_task(batch)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return _shield(task)

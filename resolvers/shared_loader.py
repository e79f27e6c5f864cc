"""A DataLoader whose loads survive the cancellation of one of the fields waiting for them.

A field can be cancelled (the request timed out; graphql-core on its own would also cancel the
fields beside a failed one, see schema/execution/field_gathering.py), and cancelling a task
cancels the future it waits for. A DataLoader hands the same future to every field that loads
the same key, including fields elsewhere in the query that go on: without a shield they would
get CancelledError, which escapes the executor and fails the whole request.

With every load shielded, no future of a batch is ever cancelled, so nothing cancels the task
that runs the batch (Strawberry cancels it only once all of its futures are): its reads run in
that task rather than in one of their own each (store/running/shielded.py, `in_own_task`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from store.running.shielded import in_own_task

K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    def __init__(
        self, load_fn: Callable[[list[K]], Awaitable[Sequence[V | BaseException]]], **options: Any
    ) -> None:
        super().__init__(in_own_task(load_fn), **options)

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))

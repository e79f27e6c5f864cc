"""A DataLoader whose loads survive the cancellation of one of the fields waiting for them.

When a non-null field fails, graphql-core cancels the fields beside it, and cancelling a task
cancels the future it waits for. A DataLoader hands the same future to every field that loads
the same key, including fields elsewhere in the query that go on: without a shield they would
get CancelledError, which escapes the executor and fails the whole request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))

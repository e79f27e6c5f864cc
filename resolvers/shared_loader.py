"""A DataLoader whose loads survive the cancellation of one of the fields waiting for them.

A field can be cancelled (the request timed out; graphql-core on its own would also cancel the
fields beside a failed one, see schema/execution/field_gathering.py), and cancelling a task
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

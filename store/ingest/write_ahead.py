"""One write of a load's stage in flight while the file's next block is read and checked.

The database works on a block (SQLite in aiosqlite's thread, with the GIL released while it
steps; PostgreSQL in its server process) while this process reads the next one: on a 2-core
machine the two overlap instead of taking turns. One write at a time, in the order of the
blocks: the next one, or anything else on the load's connection, waits for it first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any


class WriteAhead:
    def __init__(self) -> None:
        self._pending: asyncio.Future[Any] | None = None

    async def start(
        self,
        write: Coroutine[Any, Any, Any],
        *,
        under_way: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        """Start `write` once the previous one is done, and return when it is under way: after
        its first step (which hands SQLite its work), or when `under_way()` returns (the data
        is sent)."""
        try:
            await self.wait()
        except BaseException:
            write.close()  # never started: not to be reported as never awaited
            raise
        self._pending = asyncio.ensure_future(write)
        if under_way is None:
            await asyncio.sleep(0)
            return
        waiting = asyncio.ensure_future(under_way())
        try:
            await asyncio.wait({self._pending, waiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Also when the load is cancelled while it waits: `waiting` must not outlive the
            # call (it would wait on the stage after the load gave up). The write itself goes
            # on until `wait` or `settle` (the load's transaction then rolls back whole).
            await _stop(waiting)

    async def wait(self) -> None:
        """Wait for the write in flight, if any (raising what it raised)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def settle(self) -> None:
        """Let a write in flight end, whatever it raises: the load is failing already (a write
        that failed while the load went on raised in `wait`)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await asyncio.wait({pending})
            if not pending.cancelled():
                pending.exception()  # retrieved: not reported as never retrieved


async def _stop(task: asyncio.Future[Any]) -> None:
    """Cancel `task` and let it end, whatever it raised (it only said the write was under
    way), even when the caller is being cancelled: that cancellation is raised after."""
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # retrieved: not reported as never retrieved

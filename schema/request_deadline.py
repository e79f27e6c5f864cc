"""The request's time limit: `asyncio.timeout` for the one way a request uses it, for less.

Every request runs under the limit, and `asyncio.timeout` (a Python object, an async context
manager's two coroutines, its state checks and the rescheduling logic it offers) was about a
fortieth of a small request's CPU (docs/performance.md). A request sets its deadline once, on
entry, and never moves it, so `RequestDeadline` keeps only what that needs, as the standard
library does it: a timer that cancels the task, and on exit the cancellation turned into
`TimeoutError` when it was the timer's and no other cancellation came with it (a client that
disconnects, a server shutting down: those stay `CancelledError`).

A sync context manager: entering and leaving need no await. Entered in the task that runs the
request's body, as `asyncio.timeout` must be."""

from __future__ import annotations

import asyncio
from types import TracebackType


class RequestDeadline:
    """`with RequestDeadline(seconds):` raises TimeoutError out of a body that ran longer."""

    __slots__ = ("_cancelling", "_expired", "_handle", "_seconds", "_task")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._expired = False
        self._handle: asyncio.TimerHandle | None = None

    def __enter__(self) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("RequestDeadline must be used inside a task")
        loop = asyncio.get_running_loop()
        self._task = task
        self._cancelling = task.cancelling()
        self._handle = loop.call_at(loop.time() + self._seconds, self._expire)

    def _expire(self) -> None:
        self._task.cancel()
        self._expired = True
        self._handle = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        handle = self._handle
        if handle is not None:
            handle.cancel()
            # No cycle left (the handle holds this object's bound method).
            self._handle = None
        if (
            self._expired
            and self._task.uncancel() <= self._cancelling
            and exc_type is asyncio.CancelledError
        ):
            raise TimeoutError from exc

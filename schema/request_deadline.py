"""The request's time limit: `asyncio.timeout` for the one way a request uses it, for less.

Every request runs under the limit, and `asyncio.timeout` (a Python object, an async context
manager's two coroutines, its state checks and the rescheduling logic it offers) was about a
fortieth of a small request's CPU (docs/performance.md). A request sets its deadline once, on
entry, and never moves it, so `RequestDeadline` keeps only what that needs, as the standard
library does it: the task is cancelled when the deadline passes, and on exit the cancellation
is turned into `TimeoutError` when it was the deadline's and no other cancellation came with it
(a client that disconnects, a server shutting down: those stay `CancelledError`).

No timer of its own: a loop timer per request (uvloop's `call_at` and its `cancel`, a libuv
timer started, stopped and closed) was most of what the deadline still cost. Requests under
the same limit end their deadlines in the order they started them, so the deadlines of one
event loop and one limit wait in a queue, in that order, under one timer armed for the first
of them that is still running. A request that ends in time leaves the queue, without touching
the timer; the timer, when it fires, cancels the requests whose deadline has come and is armed
again for the next one. With requests shorter than the limit it fires about once a limit,
whatever the number of requests.

A sync context manager: entering and leaving need no await. Entered in the task that runs the
request's body, as `asyncio.timeout` must be."""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from types import TracebackType


class RequestDeadline:
    """`with RequestDeadline(seconds):` raises TimeoutError out of a body that ran longer.

    `started`: the loop's time the request started, when it ran before the body (a read run
    inline, nothing awaited since): its deadline is `seconds` from then. A shorter limit of its
    own instead would be one more queue of the loop's, kept for good, for every such request."""

    __slots__ = ("_cancelling", "_expired", "_seconds", "_started", "_task", "_when")

    def __init__(self, seconds: float, started: float | None = None) -> None:
        self._seconds = seconds
        self._started = started
        self._expired = False
        # The task while the body runs; None once it has left (in time or not).
        self._task: asyncio.Task[object] | None = None
        self._when = 0.0

    def __enter__(self) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task(loop)
        if task is None:
            raise RuntimeError("RequestDeadline must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        _deadlines(loop, self._seconds).enter(self)

    def _expire(self) -> None:
        task = self._task
        if task is not None:
            task.cancel()
            self._expired = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        task = self._task
        # Out of the queue's hands: the timer skips it, and the task is not kept alive by it.
        self._task = None
        if task is None:
            return
        if (
            self._expired
            and task.uncancel() <= self._cancelling
            and exc_type is asyncio.CancelledError
        ):
            raise TimeoutError from exc


class Deadlines:
    """The running requests of one event loop under one limit, in the order they started
    (which is the order of their deadlines), and the one timer that waits for the first."""

    __slots__ = ("_armed", "_handle", "_loop", "_queue", "_seconds")

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        # Weak: the loop keeps this object (through the timer and `_by_loop`), not the reverse.
        self._loop = weakref.ref(loop)
        self._seconds = seconds
        self._queue: deque[RequestDeadline] = deque()
        self._handle: asyncio.TimerHandle | None = None
        self._armed = 0.0

    def enter(self, deadline: RequestDeadline) -> None:
        loop = self._loop()
        assert loop is not None  # the running loop: the caller's
        started = deadline._started
        # A request that started before it entered has awaited nothing since (see
        # RequestDeadline): no deadline entered after its start, so the queue stays in order.
        deadline._when = when = (loop.time() if started is None else started) + self._seconds
        queue = self._queue
        # Requests that ended in time at the front leave first: only a running one waits there.
        while queue and queue[0]._task is None:
            queue.popleft()
        queue.append(deadline)
        if self._handle is None:
            self._arm(loop, when)

    def _arm(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        self._armed = when
        self._handle = loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self._handle = None
        # Whatever the loop fires this timer for is due: every deadline up to the one it was
        # armed for (a loop may run a timer a clock tick before its time, as asyncio's does).
        due = max(self._armed, self._loop_time())
        queue = self._queue
        while queue:
            first = queue[0]
            if first._task is not None and first._when > due:
                break
            queue.popleft()
            first._expire()
        if queue:
            loop = self._loop()
            if loop is not None:
                self._arm(loop, queue[0]._when)

    def _loop_time(self) -> float:
        loop = self._loop()
        return 0.0 if loop is None else loop.time()


# The deadlines of each loop by limit; the last ones used are found without a lookup.
_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[float, Deadlines]] = (
    weakref.WeakKeyDictionary()
)
_last: (
    tuple[weakref.ref[asyncio.AbstractEventLoop], float, Deadlines, dict[float, Deadlines]] | None
) = None


def _deadlines(loop: asyncio.AbstractEventLoop, seconds: float) -> Deadlines:
    global _last
    last = _last
    if last is not None and last[0]() is loop and last[1] == seconds:
        return last[2]
    of_loop = _by_loop.get(loop)
    if of_loop is None:
        of_loop = _by_loop[loop] = {}
    deadlines = of_loop.get(seconds)
    if deadlines is None:
        deadlines = of_loop[seconds] = Deadlines(loop, seconds)
    _last = (weakref.ref(loop), seconds, deadlines, of_loop)
    return deadlines


def fire_due(loop: asyncio.AbstractEventLoop) -> bool:
    """Stop now the requests of `loop` whose deadline has passed while its timer could not run
    (a body that has awaited nothing since): True when there were some. A caller that has run
    without awaiting must then await once (`asyncio.sleep(0)`), where its own request, if it is
    one of them, is stopped as at any other await, instead of answering past its limit."""
    last = _last
    if last is not None and last[0]() is loop:
        of_loop = last[3]  # a server's loop has one limit: no lookup
    else:
        found = _by_loop.get(loop)
        if not found:
            return False
        of_loop = found
    now = loop.time()
    fired = False
    for deadlines in of_loop.values():
        handle = deadlines._handle
        if handle is not None and deadlines._armed <= now:
            handle.cancel()
            deadlines._fire()
            fired = True
    return fired

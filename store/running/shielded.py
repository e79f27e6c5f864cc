"""Reads that a cancelled request cannot interrupt halfway.

The request timeout cancels every field still running (and graphql-core on its own would
cancel the fields beside a failed one: schema/execution/field_gathering.py stops that). A task
cancelled while it holds a pooled connection (in the middle of a checkout, a query or the
rollback that returns it) can leave that connection checked out and inside its transaction:
on PostgreSQL it keeps its locks until the garbage collector happens to close it, and a
TRUNCATE, a migration or a publish waits on it. So every read runs in a task of its own that
the caller's cancellation does not reach: the read finishes and returns its connection, and
its answer is dropped if nobody waits for it any more.

A request settles its reads before it answers (`RequestReads.settle`), so that no read of a
request outlives it, except after a timeout, where answering in time matters more.

A read started from a task that nobody can cancel (`in_own_task`: a DataLoader's batch, which
runs in a task of its own that no field awaits) needs no second task: it runs in that one,
which is then tracked as a read task would be. On PostgreSQL that is a task, a shield and an
event-loop turn fewer per read."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar, Token
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# The event loop keeps only weak references to tasks: these must live until they finish.
_running: set[asyncio.Task[object]] = set()


class _Counts:
    """How many requests of one event loop are being executed (inside
    `RequestReads.tracking()`), and how many of them have not started a read yet
    (store/running/shared_reads.py: whether another request's read may join a statement that
    waits a turn for it)."""

    __slots__ = ("executing", "starting")

    def __init__(self) -> None:
        self.executing = 0
        self.starting = 0


# The counts of each event loop, dropped with the loop. Per loop, not per process: a loop
# closed under a request (a test's loop, a TestClient's thread, a server stopped mid-request)
# leaves that request counted, executing and not started, for as long as its coroutine lives;
# process-wide, every later request in another loop would wait a turn for it (or, once the
# garbage collector closes that coroutine, have another's count taken off). Two loops running
# at once in two threads each count their own requests too.
_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Counts] = (
    weakref.WeakKeyDictionary()
)
# The loop a request last entered `tracking()` in, and its counts: a server runs one loop, so
# the dictionary is looked up only when the loop changes (a call and a weak reference fewer a
# request). It keeps that one loop alive until another takes its place; one tuple, replaced
# whole, so that a thread reads a loop and its own counts.
_last: tuple[asyncio.AbstractEventLoop | None, _Counts] = (None, _Counts())


def _counts_of(loop: asyncio.AbstractEventLoop) -> _Counts:
    global _last
    counts = _by_loop.get(loop)
    if counts is None:
        counts = _by_loop[loop] = _Counts()
    _last = (loop, counts)
    return counts


class _Reads(set[asyncio.Task[object]]):
    """A request's read tasks, whether it has started any yet, and the counts of the loop it
    is executed in (the ones its entry changed: its exit and first read change the same)."""

    __slots__ = ("counts", "started")

    def __init__(self) -> None:
        super().__init__()
        self.started = False
        self.counts: _Counts | None = None


# The reads of the request being executed; tasks started for it inherit the variable.
_request_reads: ContextVar[_Reads | None] = ContextVar("request_reads", default=None)

# The task, if any, that the function running in it declared nobody can cancel
# (`in_own_task`). A task, not a flag: tasks it starts inherit the variable, and may be
# cancelled (gathered with a failing sibling, say).
_uncancellable: ContextVar[asyncio.Task[Any] | None] = ContextVar("uncancellable", default=None)


def in_own_task(
    function: Callable[P, Awaitable[T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """`function` for a caller that runs it in a task of its own that nothing cancels (a
    DataLoader's batch whose futures are all shielded: resolvers/shared_loader.py): the reads
    it starts run in that task instead of one of their own each."""

    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        token = _uncancellable.set(asyncio.current_task())
        try:
            return await function(*args, **kwargs)
        finally:
            _uncancellable.reset(token)

    return run


def uncancellable(task: asyncio.Task[Any]) -> bool:
    """Whether the function running in `task` declared that nothing cancels it (`in_own_task`)."""
    return _uncancellable.get() is task


def track(task: asyncio.Task[Any]) -> None:
    """Count `task`, which runs a read this request waits for, among the request's reads (a
    statement shared with other requests: store/running/shared_reads.py)."""
    request_reads = _request_reads.get()
    if request_reads is not None and not task.done():
        if not request_reads.started:
            request_reads.started = True
            # One request fewer to wait for, unless it has left `tracking()` already (a task
            # started for it, a DataLoader batch say, may read after a request ended by its
            # deadline): its exit took it off then. (Inline: every request passes here.)
            if (counts := request_reads.counts) is not None:
                counts.starting -= 1
        request_reads.add(task)
        task.add_done_callback(request_reads.discard)


def _track(task: asyncio.Task[Any]) -> None:
    """Keep `task` until it has finished, and in the request's reads (if any) until then."""
    if task in _running:
        return
    _running.add(task)
    task.add_done_callback(_finished)
    request_reads = _request_reads.get()
    if request_reads is not None:
        if not request_reads.started:
            request_reads.started = True
            # One request fewer to wait for, unless it has left `tracking()` already (a task
            # started for it, a DataLoader batch say, may read after a request ended by its
            # deadline): its exit took it off then. (Inline: every request passes here.)
            if (counts := request_reads.counts) is not None:
                counts.starting -= 1
        request_reads.add(task)
        # Out of the set once finished: the task runs in a copy of the context that holds the
        # set, so a finished task left in it would be a reference cycle (task -> context ->
        # set -> task) that keeps the read's answer (12,000 rows for the large query) until a
        # full collection of the garbage collector, instead of freeing it with the request.
        task.add_done_callback(request_reads.discard)


def _finished(task: asyncio.Task[object]) -> None:
    _running.discard(task)
    # Nobody may be waiting any more: fetch the outcome so that asyncio does not log
    # "exception was never retrieved" for a read whose field was cancelled.
    if not task.cancelled():
        task.exception()


async def shield(read: Coroutine[Any, Any, T]) -> T:
    """Run `read` in a task of its own that the caller's cancellation does not reach, owned by
    the request being executed (if any) until it has finished; in the caller's own task when
    nothing can cancel it (`in_own_task`)."""
    current = asyncio.current_task()
    if current is not None and _uncancellable.get() is current:
        _track(current)
        return await read
    task: asyncio.Task[T] = asyncio.get_running_loop().create_task(read)
    _track(task)
    return await asyncio.shield(task)


async def settle_all() -> None:
    """Wait for every read still running, whichever request started it (a server shutting
    down, before it disposes of its engine)."""
    while pending := [task for task in _running if not task.done()]:
        await asyncio.wait(pending)


def requests_executing() -> int:
    """How many requests are being executed now in the caller's event loop, the caller's own
    included (store/running/shared_reads.py shares statements only when there are others); 0
    outside a request."""
    request_reads = _request_reads.get()
    counts = None if request_reads is None else request_reads.counts
    return 0 if counts is None else counts.executing


def others_starting() -> int:
    """How many requests besides the caller's are being executed in its event loop and have not
    started a read yet (store/running/shared_reads.py waits a turn for them only when there are
    some); 0 outside a request."""
    request_reads = _request_reads.get()
    if request_reads is None or request_reads.counts is None:
        return 0
    return request_reads.counts.starting - (not request_reads.started)


class RequestReads:
    """The reads started while `tracking()` is active, whichever task started them.

    Every request makes one, so its two steps are kept cheap: tracking is a plain context
    manager (not a generator's), and a request whose reads have all finished (on SQLite every
    small one: they run inline) settles without a coroutine."""

    __slots__ = ("_tasks", "_token")

    def __init__(self) -> None:
        self._tasks = _Reads()
        self._token: Token[_Reads | None] | None = None

    def tracking(self) -> RequestReads:
        """`with reads.tracking():` tracks the reads started inside (one block at a time)."""
        return self

    def __enter__(self) -> None:
        if self._token is not None:
            raise RuntimeError("RequestReads is already tracking")
        tasks = self._tasks
        self._token = _request_reads.set(tasks)
        loop = asyncio.get_running_loop()
        last = _last
        counts = tasks.counts = last[1] if last[0] is loop else _counts_of(loop)
        counts.executing += 1
        if not tasks.started:
            counts.starting += 1

    def __exit__(self, *_exc: object) -> None:
        token, self._token = self._token, None
        if token is not None:
            tasks = self._tasks
            # The counts its entry changed: those of the loop it was entered in, even when
            # this runs later in another (a coroutine closed by the garbage collector).
            counts, tasks.counts = tasks.counts, None
            assert counts is not None
            counts.executing -= 1
            if not tasks.started:
                counts.starting -= 1
            try:  # noqa: SIM105  # a try costs nothing when it does not raise; suppress() does
                _request_reads.reset(token)
            except ValueError:
                # Run outside the request's own context: the garbage collector closing the
                # coroutine of a request whose loop was closed under it. That context dies
                # with its task; nothing to restore.
                pass

    def pending(self) -> bool:
        """Whether a read of the request has not finished yet."""
        return any(not task.done() for task in self._tasks)

    async def settle(self) -> None:
        """Wait until every read of the request has given its connection back."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.wait(pending)

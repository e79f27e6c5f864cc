"""A fixed set of asyncpg connections for reads: taken and given back without a task or a timer.

asyncpg's own Pool gives a connection back through `asyncio.shield(...)` (a task and a turn of
the event loop for every release), arms and cancels an inactivity timer, wraps the connection
in a proxy and enters a timeout context on both sides: about 50-100 us of CPU per read, against
about 70 us for the statement itself (bench/read_cost.py; docs/performance.md). The reads need
none of it: every read already runs in a task of its own that its caller's cancellation does not
reach (shielded.py), holds its connection for one statement or one read-only transaction, and
leaves nothing on it (no LISTEN, no SET, no cursor). So this pool is a stack of idle connections
and a queue of waiting reads:

- all `size` connections are opened at once and kept; a read that finds none idle waits for one
  (never a session opened for a burst);
- a connection that closed while idle (the server restarted, a standby stopped) is opened again
  when it is next taken, and failing to open it fails that read only: its place stays in the
  pool;
- a connection given back inside a transaction, or after its read was interrupted, is not
  trusted: it is terminated and its place opened again on next use. asyncpg's pool rolls such
  a transaction back instead; a read never leaves one behind when it ends normally, so this
  is the rare path, and closing is the safe end of it;
- the most recently given back connection is taken first (its socket and caches are warm).

`close()` waits for every connection to come back, then closes them; `terminate()` closes their
sockets at once (an engine disposed of)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable

import asyncpg

Connect = Callable[[], Awaitable[asyncpg.Connection]]


class PoolClosed(asyncpg.InterfaceError):  # type: ignore[misc]  # asyncpg is untyped
    """A read asked a pool that is closing or closed for a connection."""


class ReadPool:
    def __init__(self, connect: Connect, size: int) -> None:
        self._connect = connect
        self._size = size
        # Idle places: a connection, or None for a place to open again when taken.
        self._idle: deque[asyncpg.Connection | None] = deque()
        self._waiting: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._taken = 0
        self._all_back: asyncio.Event | None = None
        self._closing = False
        self._terminated = False

    @property
    def size(self) -> int:
        return self._size

    async def open(self) -> None:
        """Open every connection at once (a failure closes those that opened, and raises)."""
        opened = await asyncio.gather(
            *(self._connect() for _ in range(self._size)), return_exceptions=True
        )
        failures = [result for result in opened if isinstance(result, BaseException)]
        if failures:
            for result in opened:
                if isinstance(result, asyncpg.Connection):
                    result.terminate()
            raise failures[0]
        self._idle.extend(opened)  # no failures: all connections

    def connections(self) -> list[asyncpg.Connection]:
        """The idle connections (tests)."""
        return [connection for connection in self._idle if connection is not None]

    def take_idle(self) -> asyncpg.Connection | None:
        """An idle open connection, taken without a coroutine, or None when `acquire` must be
        awaited (none idle, a place to open again, or the pool closing): most reads find one."""
        idle = self._idle
        if self._closing or not idle:
            return None
        place = idle[-1]
        if place is None or place.is_closed():
            return None
        idle.pop()
        self._taken += 1
        return place

    async def acquire(self) -> asyncpg.Connection:
        if self._closing:
            raise PoolClosed("the read pool is closing")
        if self._idle:
            place = self._idle.pop()
        else:
            waiting: asyncio.Future[asyncpg.Connection | None] = (
                asyncio.get_running_loop().create_future()
            )
            self._waiting.append(waiting)
            try:
                place = await waiting
            except asyncio.CancelledError:
                if waiting.done() and not waiting.cancelled():
                    self._give_back(waiting.result())  # handed over as the wait was cancelled
                raise
        self._taken += 1
        if place is None or place.is_closed():
            try:
                place = await self._connect()
            except BaseException:
                self._taken -= 1
                self._give_back(None)
                raise
        return place

    def release(self, connection: asyncpg.Connection, *, trusted: bool = True) -> None:
        """Give a connection back; `trusted=False` when its read was interrupted midway."""
        self._taken -= 1
        place: asyncpg.Connection | None = connection
        if connection.is_closed():
            place = None
        elif not trusted or self._terminated or connection.is_in_transaction():
            connection.terminate()
            place = None
        self._give_back(place)
        if self._taken == 0 and self._all_back is not None:
            self._all_back.set()

    def _give_back(self, place: asyncpg.Connection | None) -> None:
        while self._waiting:
            waiting = self._waiting.popleft()
            if not waiting.done():
                waiting.set_result(place)
                return
        self._idle.append(place)

    async def close(self) -> None:
        """Wait until every connection is back, then close them."""
        self._closing = True
        if self._taken:
            self._all_back = asyncio.Event()
            await self._all_back.wait()
        while self._idle:
            connection = self._idle.pop()
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close()

    def terminate(self) -> None:
        """Close every idle connection's socket now; those in use are closed when given back."""
        self._closing = self._terminated = True
        while self._idle:
            connection = self._idle.pop()
            if connection is not None:
                connection.terminate()
        for waiting in self._waiting:
            if not waiting.done():
                waiting.set_exception(PoolClosed("the read pool was terminated"))

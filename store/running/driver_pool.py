"""The asyncpg pool that a PostgreSQL engine's reads run on, without SQLAlchemy between.

Through SQLAlchemy's asyncio engine every call to the driver crosses its greenlet bridge,
and a pooled connection costs a checkout, a reset on return and, past the pool's size, a new
session opened and closed for each burst: the small query spent about half its time there
and opened a session for every few requests under 8 clients (docs/performance.md has the
figures). Reads only ever run one statement or a few selects, so they can talk to asyncpg
directly: each engine gets one pool of its own, as many connections as the engine's pool
(`create_serving_engine(pool_size=...)`), all opened at once and kept: a read that finds them
all busy waits for one instead of opening another. The pool is read_pool.py's, not asyncpg's:
asyncpg's cost a small read more CPU than its statement (read_pool.py says where).

NUMERIC values come as PostgreSQL's text, through Decimal's constructor: asyncpg's binary form
cost more CPU (16-20 against 13.5-14 ms for the 12,000 values of the large query), and folds
the trailing zeros of a whole number into a positive exponent (1.5E+4) that ExactDecimal then
writes out again; from the text the Decimal is exact as it is.

The pool is made on first use in the event loop that uses it (a server's worker makes it in
its own process, after any fork). `close_pool(engine)` closes it at shutdown; disposing of the
engine terminates it too, so tests and commands that only dispose leave no session behind."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import connect_args_of
from store.running.driver_connection import standard_error
from store.running.error_causes import causes
from store.running.read_pool import ReadPool

T = TypeVar("T")

# The driver's options SQLAlchemy's URL may carry that asyncpg.connect takes as they are.
_ASYNCPG_OPTIONS = ("host", "port", "user", "password", "database", "ssl", "server_settings")


@dataclass
class _Pool:
    loop: asyncio.AbstractEventLoop
    opening: asyncio.Task[ReadPool]


_pools: weakref.WeakKeyDictionary[AsyncEngine, _Pool] = weakref.WeakKeyDictionary()
_listening: weakref.WeakSet[AsyncEngine] = weakref.WeakSet()
# The engine whose pool `open_pool` found last, with that pool: a server reads through one
# engine, found here without the weak dictionary's lookup (a weak reference made and the async
# engine's `__hash__` and `__eq__`, Python methods: four calls a read). Replaced whole, never
# kept past its pool's end (`_forget`, `_remember`).
_last: tuple[weakref.ref[AsyncEngine], _Pool] | None = None


def pool_size_of(engine: AsyncEngine) -> int:
    """The engine's own pool size (5 for SQLAlchemy's default pool)."""
    size = getattr(engine.pool, "size", None)
    return int(size()) if callable(size) else 5


async def _open(engine: AsyncEngine) -> ReadPool:
    _arguments, options = engine.dialect.create_connect_args(engine.url)
    options = {key: value for key, value in options.items() if key in _ASYNCPG_OPTIONS}
    options.update(connect_args_of(engine))

    async def connect() -> asyncpg.Connection:
        connection = await asyncpg.connect(**options)
        try:
            await connection.set_type_codec(
                "numeric", schema="pg_catalog", encoder=str, decoder=Decimal, format="text"
            )
        except BaseException:
            connection.terminate()
            raise
        return connection

    pool = ReadPool(connect, pool_size_of(engine))
    await pool.open()
    return pool


def _terminate(pool: _Pool) -> None:
    if not pool.opening.done():
        pool.opening.cancel()
        return
    if not pool.opening.cancelled() and pool.opening.exception() is None:
        # Only the connections' sockets are closed: nothing to await, whichever loop runs.
        with contextlib.suppress(Exception):
            pool.opening.result().terminate()


def _forget_last() -> None:
    """Whenever `_pools` changes: `open_pool` finds the pool there again, and remembers it."""
    global _last
    _last = None


def _forget(engine: AsyncEngine) -> None:
    _forget_last()
    pool = _pools.pop(engine, None)
    if pool is not None:
        _terminate(pool)


def open_pool(engine: AsyncEngine) -> ReadPool | None:
    """The engine's read pool if it is open in the running loop, without awaiting anything
    (the common case: one coroutine fewer per read); None when `pool_of` must be awaited."""
    global _last
    last = _last
    if last is not None and last[0]() is engine:
        pool: _Pool | None = last[1]
    else:
        pool = _pools.get(engine)
    if pool is None or not pool.opening.done() or pool.opening.cancelled():
        return None
    if pool.loop is not asyncio.get_running_loop() or pool.opening.exception() is not None:
        return None
    if last is None or last[1] is not pool:
        _last = (weakref.ref(engine), pool)
    return pool.opening.result()


async def pool_of(engine: AsyncEngine) -> ReadPool:
    """The engine's read pool in the running loop, made on first use (concurrent first reads
    share one opening; a failed opening is tried again by the next read)."""
    loop = asyncio.get_running_loop()
    pool = _pools.get(engine)
    if pool is None or pool.loop is not loop or pool.loop.is_closed():
        if engine not in _listening:
            # Disposing of the engine (tests, commands, the server's shutdown) ends its pool.
            event.listen(engine.sync_engine, "engine_disposed", lambda _: _forget(engine))
            _listening.add(engine)
        if pool is not None:
            _terminate(pool)  # a pool of a loop that ended (tests run a loop each)
        pool = _Pool(loop, loop.create_task(_open(engine)))
        _pools[engine] = pool
        _forget_last()
    elif pool.opening.done() and not pool.opening.cancelled() and not pool.opening.exception():
        return pool.opening.result()  # open: no wait, no shield (a future and a task step)
    try:
        return await asyncio.shield(pool.opening)
    except Exception:
        if _pools.get(engine) is pool:
            del _pools[engine]
            _forget_last()
        raise


async def close_pool(engine: AsyncEngine) -> None:
    """Close the engine's read pool, if it has one, waiting for its reads to give their
    connections back (a server shutting down, before it disposes of the engine)."""
    pool = _pools.pop(engine, None)
    _forget_last()
    if pool is None:
        return
    if pool.loop is asyncio.get_running_loop() and pool.opening.done():
        with contextlib.suppress(Exception):
            await pool.opening.result().close()
            return
    _terminate(pool)


async def using_connection(engine: AsyncEngine, use: Callable[[Any], Awaitable[T]]) -> T:
    """`use(connection)` on a connection of the engine's read pool, given back whatever
    happens. Failing to connect raises what the engine would raise (a DBAPIError for
    PostgreSQL's refusals).

    `connection_of` as one coroutine: an open pool with an idle connection is reached without
    awaiting (no generator, no context manager's coroutines, no pool's coroutines), which is
    what every small read finds; docs/performance.md has the figures."""
    pool = open_pool(engine)
    connection = None if pool is None else pool.take_idle()
    if pool is None or connection is None:
        try:
            pool = pool or await pool_of(engine)
            connection = await pool.acquire()
        except Exception as error:
            raise standard_error(engine.dialect, error, None, ()) from error
    trusted = False
    try:
        answer = await use(connection)
        trusted = True
        return answer
    except Exception as error:
        trusted = _still_sound(connection, error)
        raise
    finally:
        # Interrupted (cancelled) midway, the connection may still be inside a statement:
        # the pool closes it rather than give it to the next read.
        pool.release(connection, trusted=trusted)


@contextlib.asynccontextmanager
async def connection_of(engine: AsyncEngine) -> AsyncIterator[Any]:
    """A connection of the engine's read pool, given back whatever happens, for a block
    (`using_connection` for a function)."""
    try:
        pool = await pool_of(engine)
        connection = await pool.acquire()
    except Exception as error:
        raise standard_error(engine.dialect, error, None, ()) from error
    trusted = False
    try:
        yield connection
        trusted = True
    except Exception as error:
        trusted = _still_sound(connection, error)
        raise
    finally:
        pool.release(connection, trusted=trusted)


def _still_sound(connection: Any, error: Exception) -> bool:
    """Whether a connection whose read failed with `error` may serve another read."""
    if connection.is_closed() or _breaks_the_connection(error):
        # As the engine invalidates a connection that failed this way: the pool replaces
        # it, and the error says the connection was lost (a standby that stopped, say),
        # not that the read was wrong.
        connection.terminate()
        for cause in causes(error):
            if isinstance(cause, DBAPIError):
                cause.connection_invalidated = True
        return False
    return True  # the statement failed, the connection answered: it is sound


def _breaks_the_connection(error: BaseException) -> bool:
    # A connection the server closed (a shutdown's FATAL message may arrive while it is idle)
    # fails its next statement with an interface error, or with a protocol state conflict.
    return any(
        isinstance(cause, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError)
        for cause in causes(error)
    )

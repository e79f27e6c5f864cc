"""Engine creation for SQLite (aiosqlite) and PostgreSQL (asyncpg), and the one check of which
database URLs are supported."""

from __future__ import annotations

import inspect
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import URL, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import QueuePool

from settings import DEFAULT_POOL_SIZE
from store.text_folding import register_unicode_lower

# The URLs `DATABASE_URL` accepts (settings turn the plain `sqlite://` and `postgresql://` forms
# into these), as a user reads them in a refusal.
SUPPORTED_URLS = (
    "sqlite+aiosqlite:///PATH (or sqlite:///PATH) and "
    "postgresql+asyncpg://USER@HOST:PORT/DATABASE (or postgresql://...)"
)
_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
# The driver's own connection arguments of each engine (such as the server settings that bound
# a statement's time), for the reads that connect to PostgreSQL without SQLAlchemy
# (store/running/driver_pool.py).
_connect_args: weakref.WeakKeyDictionary[AsyncEngine, dict[str, Any]] = weakref.WeakKeyDictionary()
# SQLite: how long, in seconds, a writer waits for another's write lock before it fails as
# locked (every writer takes it before it reads what it writes: store/write_locks.py).
BUSY_TIMEOUT = 30.0
# The `max_overflow` each engine's queue pool was made with (SQLAlchemy keeps it private).
_max_overflow: weakref.WeakKeyDictionary[AsyncEngine, int] = weakref.WeakKeyDictionary()


class DatabaseUnavailable(Exception):
    """The database cannot be used as configured; the message is one line saying why and,
    where it can, what to do."""


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> URL:
    """The parsed URL, if it names a supported database; otherwise `DatabaseUnavailable`,
    naming the `variable` that holds it."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUnavailable(
            f"{variable} is not a database URL; the supported ones are {SUPPORTED_URLS}"
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if _DRIVERS.get(backend) != driver:
        raise DatabaseUnavailable(
            f"{variable} names {parsed.drivername}, which is not supported; "
            f"the supported ones are {SUPPORTED_URLS}"
        )
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The absolute path of a SQLite database file; None for an in-memory one."""
    if url.database in (None, "", ":memory:") or url.query.get("uri") == "true":
        return None
    return Path(url.database).expanduser().absolute()


def shown_url(url: URL) -> str:
    """The URL as a person may see it: never the password, a SQLite path made absolute."""
    path = sqlite_path(url) if url.get_backend_name() == "sqlite" else None
    shown = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=str(path) if path is not None else url.database,
        query=url.query,
    )
    return shown.render_as_string(hide_password=False)


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside one writer; FULL sync keeps every committed transaction
    # across a crash (ingest commits once per file, so the fsync cost is per file, not row).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(BUSY_TIMEOUT * 1000)}")
    cursor.close()
    # SQLite's own lower() and LIKE fold ASCII only; searches fold every letter.
    register_unicode_lower(dbapi_connection)


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    _connect_args[engine] = dict(kwargs.get("connect_args", {}))
    if isinstance(engine.sync_engine.pool, QueuePool):
        _max_overflow[engine] = int(kwargs.get("max_overflow", _DEFAULT_MAX_OVERFLOW))
    return engine


# SQLAlchemy's own default, as its QueuePool declares it.
_DEFAULT_MAX_OVERFLOW: int = inspect.signature(QueuePool).parameters["max_overflow"].default


def connections_at_most(engine: AsyncEngine) -> int | None:
    """The most connections the engine's pool holds at once; None when it has no bound (not a
    queue pool, or one made with `max_overflow=-1`). From the pool's size and the overflow the
    engine was made with; for an engine made elsewhere its size alone (its overflow is not
    known: work planned for fewer connections never waits for one that does not come)."""
    pool = engine.sync_engine.pool
    if not isinstance(pool, QueuePool):
        return None
    overflow = _max_overflow.get(engine, 0)
    return None if overflow < 0 else pool.size() + overflow


def connect_args_of(engine: AsyncEngine) -> dict[str, Any]:
    """The `connect_args` the engine was made with (none for an engine made elsewhere)."""
    return dict(_connect_args.get(engine, {}))


def create_serving_engine(
    database_url: str,
    *,
    statement_timeout: float,
    connect_timeout: float | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> AsyncEngine:
    """The engine of a server: on PostgreSQL no statement runs longer than `statement_timeout`
    seconds. A request that times out stops waiting for its reads, but they finish on their
    own (store/running/shielded.py): the server bounds them, so a hostile query cannot keep the
    database busy after its client has been answered. `connect_timeout` bounds the wait for a
    new PostgreSQL connection (a standby that stops answering, rather than refusing).

    On PostgreSQL the pool holds `pool_size` connections and never more: a read that finds
    them all busy waits for one. Overflow connections would be opened for a burst and closed
    when it ends, a new session per request under load; the reads' own pool takes its size
    from this one (store/running/driver_pool.py)."""
    if make_url(database_url).get_backend_name() == "postgresql":
        milliseconds = max(1, round(statement_timeout * 1000))
        # The default plan_cache_mode, on purpose: metric_value is partitioned by month, and a
        # forced generic plan, though cheaper for the one-account read (0.10 against 0.22 ms of
        # server CPU), locks every partition and its indexes at each execution (PostgreSQL 15
        # locks before pruning): about 250 locks a read at 60 months, which fill the shared
        # lock table (64 x max_connections by default) once a few dozen reads run at once over
        # the years of a deployment, and make every read wait for a load that attaches a new
        # month. A custom plan prunes when planned: one partition locked (docs/performance.md).
        connect_args: dict[str, Any] = {"server_settings": {"statement_timeout": str(milliseconds)}}
        if connect_timeout is not None:
            connect_args["timeout"] = connect_timeout
        return create_engine(
            database_url, connect_args=connect_args, pool_size=pool_size, max_overflow=0
        )
    return create_engine(database_url)

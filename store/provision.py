"""Before a command's first statement: make sure its database exists and can be written, create
a missing one where that is allowed, and say in one line why a database cannot be used.

SQLite creates its file on the first connection: here only its folder is checked. A missing
PostgreSQL database is created through the server's maintenance database when the role may
create databases; otherwise the refusal says how to create it."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import URL, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from store import engine as database_engine
from store.engine import DatabaseUnavailable, create_engine, sqlite_path
from store.lock_holder import write_lock_holder

# Seconds a PostgreSQL server has to accept a connection before it counts as unreachable.
CONNECT_TIMEOUT = 10.0
# Where CREATE DATABASE runs: every PostgreSQL server has one of them.
MAINTENANCE_DATABASES = ("postgres", "template1")

# PostgreSQL's error codes (SQLSTATE) that tell a user something about their setup.
_MISSING_DATABASE = "3D000"
_BAD_LOGIN = ("28000", "28P01")
_NO_PRIVILEGE = "42501"
_DUPLICATE_DATABASE = "42P04"
_DISK_FULL = "53100"
# Classes of environmental failures: connection (08), resources (53), operator (57).
_ENVIRONMENT_CLASSES = ("08", "53", "57")


def sqlite_is_new(url: URL) -> bool:
    """True for a SQLite database whose file does not exist yet (the first connection makes it)."""
    if url.get_backend_name() != "sqlite":
        return False
    path = sqlite_path(url)
    return path is not None and not path.exists()


async def provision(url: URL) -> bool:
    """Check that the database can be used, creating a missing PostgreSQL one; True when it was
    created. Raises `DatabaseUnavailable` with the reason otherwise."""
    if url.get_backend_name() == "sqlite":
        check_sqlite(url)
        return False
    try:
        await _connect_once(url)
    except DBAPIError as exc:
        if _sqlstate(exc) != _MISSING_DATABASE:
            raise
    else:
        return False
    await _create_postgres_database(url)
    return True


async def is_missing(url: URL) -> bool:
    """Whether the database does not exist yet: a SQLite file that is not there, a PostgreSQL
    database the server does not have. Creates nothing."""
    if url.get_backend_name() == "sqlite":
        return sqlite_is_new(url)
    try:
        await _connect_once(url)
    except DBAPIError as exc:
        if _sqlstate(exc) != _MISSING_DATABASE:
            raise
        return True
    return False


async def remove_if_unused(url: URL) -> bool:
    """Remove a database this command created, when nothing but its migrations was written into
    it: a command refused (a load's bad file) then leaves no new database behind. True when it
    was removed.

    Checked on a connection of its own after the command's engine is closed: a database that
    another command began to fill meanwhile holds rows, and is kept. On SQLite the check holds
    the write lock until the file is gone, so no writer slips in between."""
    if url.get_backend_name() == "sqlite":
        return _remove_unused_sqlite(url)
    engine = create_engine(
        url.render_as_string(hide_password=False),
        poolclass=NullPool,
        connect_args={"timeout": CONNECT_TIMEOUT},
    )
    try:
        async with engine.connect() as connection:
            used = await connection.run_sync(lambda sync: _holds_rows(sync.connection))
    finally:
        await engine.dispose()
    if used:
        return False
    return await _drop_postgres_database(url)


def _holds_rows(connection: Any) -> bool:
    """Whether any table but Alembic's own holds a row (`connection`: a DB-API connection)."""
    cursor = connection.cursor()
    try:
        if isinstance(connection, sqlite3.Connection):
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) "
                "FROM pg_tables WHERE schemaname = current_schema()"
            )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            if table.rsplit(".", 1)[-1].strip('"') in _BOOKKEEPING_TABLES:
                continue
            name = table if "." in table else f'"{table}"'
            cursor.execute(f"SELECT 1 FROM {name} LIMIT 1")
            if cursor.fetchone() is not None:
                return True
        return False
    finally:
        cursor.close()


# Tables a migration fills on its own: rows there say nothing of a command's work.
_BOOKKEEPING_TABLES = frozenset({"alembic_version", "sqlite_sequence"})


def _remove_unused_sqlite(url: URL) -> bool:
    path = sqlite_path(url)
    if path is None or not path.exists():
        return False
    connection = sqlite3.connect(path, timeout=CONNECT_TIMEOUT, isolation_level=None)
    try:
        # The write lock, held while looking and removing: no other writer commits meanwhile.
        connection.execute("BEGIN IMMEDIATE")
        if _holds_rows(connection):
            return False
        # The journal files go with it: a later database of that name must not adopt them.
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return True
    finally:
        connection.close()


async def _drop_postgres_database(url: URL) -> bool:
    """Drop the database `url` names; False when it cannot be (another session is connected)."""
    quoted = _quoted_name(url)
    for engine in _maintenance_engines(url):
        try:
            async with engine.connect() as connection:
                # Without FORCE: a database another session is using is kept, not cut off.
                await connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
            return True
        except DBAPIError as exc:
            if _sqlstate(exc) != _MISSING_DATABASE:  # the maintenance database itself
                return False
        finally:
            await engine.dispose()
    return False


def _maintenance_engines(url: URL) -> Iterator[AsyncEngine]:
    """An autocommit engine on each maintenance database of `url`'s server in turn (CREATE and
    DROP DATABASE run outside a transaction, from another database); the caller disposes of
    each and goes on to the next only where the one before is missing."""
    for maintenance in MAINTENANCE_DATABASES:
        yield create_engine(
            url.set(database=maintenance).render_as_string(hide_password=False),
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"timeout": CONNECT_TIMEOUT},
        )


def _quoted_name(url: URL) -> str:
    return _POSTGRES_QUOTING.quote(url.database or "")


# PostgreSQL's quoting of an identifier (the same for every driver of its dialect).
_POSTGRES_QUOTING = postgresql.dialect().identifier_preparer  # type: ignore[no-untyped-call]


def check_sqlite(url: URL) -> None:
    """Refuse a SQLite database whose folder is missing or read-only, or a read-only file."""
    if url.get_backend_name() != "sqlite":
        return
    path = sqlite_path(url)
    if path is None:  # in memory
        return
    folder = path.parent
    if path.is_dir():
        raise DatabaseUnavailable(f"the SQLite database {path} is a folder, not a file")
    if not folder.is_dir():
        raise DatabaseUnavailable(
            f"cannot create the SQLite database {path}: the folder {folder} does not exist"
        )
    if not path.exists() and not os.access(folder, os.W_OK):
        raise DatabaseUnavailable(
            f"cannot create the SQLite database {path}: the folder {folder} is read-only"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseUnavailable(
            f"the SQLite database {path} is read-only: make it writable, or point "
            "DATABASE_URL at a copy"
        )
    if path.exists() and not os.access(folder, os.W_OK):
        raise DatabaseUnavailable(
            f"the SQLite database {path} cannot be written: its folder {folder} is read-only "
            "(SQLite keeps its journal beside the database)"
        )


async def _connect_once(url: URL) -> None:
    engine = create_engine(
        url.render_as_string(hide_password=False),
        poolclass=NullPool,
        connect_args={"timeout": CONNECT_TIMEOUT},
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def _create_postgres_database(url: URL) -> None:
    quoted = _quoted_name(url)
    for engine in _maintenance_engines(url):
        try:
            async with engine.connect() as connection:
                await connection.execute(text(f"CREATE DATABASE {quoted}"))
            return
        except DBAPIError as exc:
            state = _sqlstate(exc)
            if state == _DUPLICATE_DATABASE:  # created meanwhile by another command
                return
            if state == _NO_PRIVILEGE:
                raise DatabaseUnavailable(_how_to_create(url)) from None
            if state != _MISSING_DATABASE:
                raise
        finally:
            await engine.dispose()
    raise DatabaseUnavailable(_how_to_create(url))


def _how_to_create(url: URL) -> str:
    role = url.username or "postgres"
    command = ["createdb"]
    if url.host:
        command += ["-h", url.host]
    if url.port:
        command += ["-p", str(url.port)]
    command += ["-O", role, url.database or ""]
    return (
        f'database "{url.database}" does not exist on {_server(url)} and role "{role}" may not '
        f"create it: ask an administrator to run `{' '.join(command)}` "
        f'(or in psql: CREATE DATABASE "{url.database}" OWNER "{role}";)'
    )


def _locked(url: URL) -> str:
    """Why a writer gave up on a SQLite database: another held its write lock longer than the
    busy timeout, named when it can be (the holder may have committed since)."""
    path = sqlite_path(url)
    holder = write_lock_holder(path) if path is not None else None
    return (
        f"the SQLite database {path} is locked: another writer "
        + (f"({holder}) " if holder else "")
        + f"held it longer than the {database_engine.BUSY_TIMEOUT:g} s this one waits; what "
        "this one had not committed was rolled back: run it again once that writer is done"
    )


def _server(url: URL) -> str:
    host = url.host or "localhost"
    return f"{host}:{url.port or 5432}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (a driver's error inside SQLAlchemy's) and what caused it."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(inner, BaseException):
                pending.append(inner)


def _sqlstate(exc: BaseException) -> str | None:
    for inner in _chain(exc):
        state = getattr(inner, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


def _message(exc: BaseException) -> str:
    """The driver's own message, first line only (SQLAlchemy's adds a link and the SQL)."""
    for inner in _chain(exc):
        if isinstance(inner, sqlite3.Error | OSError) or getattr(inner, "sqlstate", None):
            text_ = str(inner).strip()
            if isinstance(inner, OSError) and inner.errno:
                text_ = os.strerror(inner.errno)  # not asyncio's "Connect call failed (...)"
            return (text_.splitlines() or [type(inner).__name__])[0]
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def explain(exc: BaseException, url: URL, *, connecting: bool) -> str | None:
    """One line saying why the database failed, or None when `exc` is not a failure of the
    database (a bug keeps its traceback). While `connecting` (provisioning, migrating), every
    database error counts; during a job only the database's own errors that come from its
    environment do: an unreachable or lost server, a full disk, a read-only or locked file."""
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    state = _sqlstate(exc)
    chain = list(_chain(exc))
    from_database = state is not None or isinstance(exc, SQLAlchemyError | sqlite3.Error)
    if not (from_database or (connecting and isinstance(exc, OSError))):
        return None  # a bug, or an error of the job itself (a file it reads, say)
    message = _message(exc)
    sqlite = url.get_backend_name() == "sqlite"
    where = str(sqlite_path(url)) if sqlite else _server(url)
    lowered = message.lower()
    if (
        state == _DISK_FULL
        or "disk is full" in lowered
        or any(isinstance(inner, OSError) and inner.errno == errno.ENOSPC for inner in chain)
    ):
        return f"the disk of the database {where} is full: {message}"
    if sqlite and "readonly" in lowered:
        return f"the SQLite database {where} is read-only: {message}"
    if sqlite and "locked" in lowered:
        return _locked(url)
    if sqlite and ("unable to open" in lowered or "disk i/o error" in lowered):
        return f"cannot open the SQLite database {where}: {message}"
    if state in _BAD_LOGIN:
        return f"PostgreSQL at {where} refused the login: {message}"
    if state is not None and state.startswith(_ENVIRONMENT_CLASSES):
        return f"the database at {where} failed: {message}"
    if any(isinstance(inner, TimeoutError) for inner in chain):
        return f"cannot reach the database at {where}: no answer within {CONNECT_TIMEOUT:g} s"
    if not sqlite and any(isinstance(inner, OSError) for inner in chain):
        return f"cannot reach the database at {where}: {message} (is PostgreSQL running there?)"
    if connecting:
        return f"cannot use the database at {where}: {message}"
    return None

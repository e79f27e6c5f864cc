"""Engine creation for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside one writer; FULL sync keeps every committed transaction
    # across a crash (ingest commits once per file, so the fsync cost is per file, not row).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    return engine


def create_serving_engine(database_url: str, *, statement_timeout: float) -> AsyncEngine:
    """The engine of a server: on PostgreSQL no statement runs longer than `statement_timeout`
    seconds. A request that times out stops waiting for its reads, but they finish on their
    own (store/running/shielded.py): the server bounds them, so a hostile query cannot keep the
    database busy after its client has been answered."""
    if make_url(database_url).get_backend_name() == "postgresql":
        milliseconds = max(1, round(statement_timeout * 1000))
        settings = {"statement_timeout": str(milliseconds)}
        return create_engine(database_url, connect_args={"server_settings": settings})
    return create_engine(database_url)

"""Reads of several statements that must agree: each sees the database as it was at one
instant, whatever commits beside them.

`async with one_snapshot(engine, connection) as reader:` gives the connection to read on:

- PostgreSQL: a second connection of `engine`, in a read-only REPEATABLE READ transaction whose
  snapshot is taken at its first statement, after whatever lock `connection` holds. On
  `connection` itself each statement of a READ COMMITTED transaction sees what committed before
  it (a load committing between two of them is seen by the second only), and a REPEATABLE READ
  transaction there would take its snapshot at its first statement: the lock's, before waiting
  for it, blind to what the holder it waited for wrote.
- SQLite: `connection` itself. Under `write_locks.hold` (the database's one write lock) no other
  connection writes, so its reads agree; without it (a read before computing) its statements
  run in autocommit, each on what is committed then, and a caller that needs them to agree
  checks with `write_locks.changes_seen` / `unchanged_since` that nothing was written since.

`async with snapshot_on(connection) as reader:` is the same on the connection itself, for a
caller that has no second connection to spare (a PostgreSQL pool of one): its snapshot is
taken at its first read, so a lock it must come after is waited for in a transaction before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@asynccontextmanager
async def one_snapshot(
    engine: AsyncEngine, connection: AsyncConnection
) -> AsyncIterator[AsyncConnection]:
    """The connection whose reads see one snapshot, begun now (see the module)."""
    if connection.dialect.name != "postgresql":
        yield connection
        return
    async with engine.connect() as reader:
        # The pool sets the connection back to its default isolation on return.
        await reader.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        async with reader.begin():
            yield reader


# PostgreSQL: valid as the first statement of a transaction, which takes no snapshot itself.
_READ_ONLY_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


@asynccontextmanager
async def snapshot_on(connection: AsyncConnection) -> AsyncIterator[AsyncConnection]:
    """`connection` in a transaction of its own whose reads see one snapshot, taken at its first
    read (see the module); no transaction may be open on it. PostgreSQL only: on SQLite a
    plain transaction, whose reads do not agree unless it holds the write lock."""
    async with connection.begin():
        if connection.dialect.name == "postgresql":
            # For this transaction only: the connection goes back to READ COMMITTED after it.
            await connection.exec_driver_sql(_READ_ONLY_SNAPSHOT)
        yield connection

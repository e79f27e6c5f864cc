"""One writer at a time for work that reads what it is about to change: a transaction that
decides from the rows it reads what to write (a month's publication, its revision number and
privacy loss; a load's stored invoices) must not run beside another that read the same rows
before either wrote, or both write from a state that no longer holds.

`hold(connection, name, number)` is the first statement of such a transaction, and holds until
it ends:

- PostgreSQL: a transaction-level advisory lock on (`name`'s number, `number`): a second
  transaction on the same pair waits for the first to commit or roll back, then reads what it
  wrote (READ COMMITTED: each statement sees what committed before it).
- SQLite: a write that changes nothing, so that the transaction takes the database's one
  write lock before it reads anything (Python's sqlite3 opens it deferred, at the first write;
  reads before it would keep the snapshot they began in). A second writer waits for it up to
  the busy timeout (store/engine.py), then fails as a locked database (one line).

`hold_apart(connection, name, number)` is the same lock where it does not keep loads waiting
(PostgreSQL), and nothing on SQLite: work that reads and computes for long before it writes
(a publish) takes it to run apart from another of its kind, then writes under `hold` in a short
transaction that checks first that what it read is still so: `changes_seen` before the reads
and `unchanged_since` under `hold` answer that cheaply on SQLite, where nothing else wrote.

`hold_loads(connection)` is the lock every sales, ledger and accounts load takes first in its
write transaction (store/ingest/party_lock.py): work that reads what loads write (the segment
run) takes it too, so that it reads the sales and ledger as a load left them and writes before
the next one.

`hold_metric_loads(connection)` is the lock a metrics load takes first in its write transaction
(store/ingest/staging.py); `hold_every_load(connection)` takes both loads' locks, for work that
must check what loads write and write itself before the next load commits (a publish's write).

`hold_sqlite_writes(connection)` is SQLite's write lock alone (nothing on PostgreSQL): every
other writer that reads before it writes takes it first (the loads' writes, `keys create`, the
segment command, the demo's stamp), so that it waits for another writer instead of failing,
and writes from what it read under the lock. Every lock above is this one on SQLite.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# Any table: the write deletes nothing. This one is small and always there.
_SQLITE_WRITE = "DELETE FROM published_month WHERE 0"
# Conflicts with itself and with every write of the table, not with reads.
_LOADS_LOCK = "LOCK TABLE party_account IN SHARE ROW EXCLUSIVE MODE"
# Conflicts with itself (one metrics load at a time), not with reads or writes of rows.
_METRIC_LOADS_LOCK = "LOCK TABLE metric_value IN SHARE UPDATE EXCLUSIVE MODE"


def _int4(value: int) -> int:
    """`value` as PostgreSQL's signed 32-bit integer (pg_advisory_xact_lock(int4, int4))."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


async def hold_sqlite_writes(connection: AsyncConnection) -> None:
    """SQLite: take the database's one write lock now, waiting for another writer up to the busy
    timeout (store/engine.py); nothing on PostgreSQL, whose rows lock as they are written.
    Call it first in a transaction that reads what it then writes: a SQLite transaction that
    has read cannot wait for the lock (its first write fails at once as locked when another
    connection holds it or committed since the read), and what it read may have changed
    before it writes."""
    if connection.dialect.name != "postgresql":
        await connection.exec_driver_sql(_SQLITE_WRITE)


async def hold(connection: AsyncConnection, name: str, number: int = 0) -> None:
    """Wait until no other transaction holds (`name`, `number`), then hold it until this one
    ends. Call it first in the transaction."""
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:space, :number)"),
            {"space": _int4(zlib.crc32(name.encode())), "number": _int4(number)},
        )
    else:
        await hold_sqlite_writes(connection)


async def hold_loads(connection: AsyncConnection) -> None:
    """Wait until no load is writing, and keep every other load (and holder) waiting until
    this transaction ends. Call it first in the transaction."""
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql(_LOADS_LOCK)
    else:
        await hold_sqlite_writes(connection)


async def hold_metric_loads(connection: AsyncConnection) -> None:
    """PostgreSQL: wait until no metrics load is writing, and keep the next waiting until this
    transaction ends (reads and other writes of rows go on). SQLite: the database's one write
    lock. A load's transaction has begun already (its first write went to its temporary
    stage), and a SQLite transaction that has read the database cannot wait for that lock: its
    first write fails at once as locked if another connection holds the lock or committed
    since the read. Taken here, before the load reads anything it writes from, the lock is
    waited for (up to the busy timeout) like any first write."""
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql(_METRIC_LOADS_LOCK)
    else:
        await hold_sqlite_writes(connection)


async def hold_every_load(connection: AsyncConnection) -> None:
    """Wait until no load of any kind is writing, and keep every load waiting until this
    transaction ends. Each load takes one of the two locks, first in its transaction; they are
    taken here in one fixed order (the loads' lock, then the metrics loads'), and nothing takes
    them in the other, so two holders never wait for each other. SQLite: the write lock."""
    await hold_loads(connection)
    if connection.dialect.name == "postgresql":
        await hold_metric_loads(connection)


async def hold_apart(connection: AsyncConnection, name: str, number: int = 0) -> None:
    """`hold` where it blocks no load (PostgreSQL's advisory lock); nothing on SQLite, whose
    one lock is the whole database's write lock."""
    if connection.dialect.name == "postgresql":
        await hold(connection, name, number)


async def changes_seen(connection: AsyncConnection) -> int | None:
    """On SQLite, a number that changes when another connection commits a write (PRAGMA
    data_version): read before work reads what it will write from, then `unchanged_since`.
    None on PostgreSQL, which has no such number."""
    if connection.dialect.name == "postgresql":
        return None
    found = await connection.exec_driver_sql("PRAGMA data_version")
    return int(found.scalar_one())


async def unchanged_since(connection: AsyncConnection, seen: int | None) -> bool:
    """True when no other connection can have written since `changes_seen` returned `seen`
    on this same connection (SQLite, asked under `hold`); False when it may have: read again."""
    return seen is not None and await changes_seen(connection) == seen

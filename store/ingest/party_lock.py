"""One load at a time changes which accounts were created for parties (`party_account`).

A sales or ledger load decides its parties from the accounts it reads before the file is
checked, and writes minutes later; an accounts load may make one of those accounts a real
one in between, or while the two write. So every load that writes `party_account` (sales,
ledger, accounts) takes this lock first in its write transaction, and a sales or ledger load
checks again, under it, what it decided from accounts created for parties
(store/ingest/party_writes.py). Reads never wait for it. A definitions load takes it too: a
publish checks the month's accounts and definitions and writes its figures under it
(store/jobs/publish.py).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from store import write_locks
from store.ingest.progress import IngestProgress


async def lock_party_accounts(connection: AsyncConnection) -> None:
    """Waits until no other load's transaction may change `party_account`, and keeps it so
    until this transaction ends. (SQLite has one writer at a time, and pysqlite begins the
    transaction at its first write: a write that changes nothing takes the database's write
    lock now, so every read after it sees the last commit and nothing else commits before this
    one.) The segment run takes the same lock (store/write_locks.py)."""
    await write_locks.hold_loads(connection)


async def party_lock_step(connection: AsyncConnection, _progress: IngestProgress) -> list[str]:
    """`lock_party_accounts` as the first step of a write plan (`WritePlan.before`)."""
    await lock_party_accounts(connection)
    return []

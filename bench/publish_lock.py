"""How long a publish holds the store's write lock, and how long a load beside it waits.

    .venv/bin/python bench/publish_lock.py [--database-url URL] [--sizes 1000,10000]

Fills a month as bench/publish.py does (20 metrics, with bounds, so that noise is drawn), then
publishes it while a probe in a thread of its own (on SQLite: its own sqlite3 connection, with
the store's busy timeout) writes one row in a transaction every 20 ms, as a load beside the
publish would. Prints, per size: the publish's wall time, how long it held the write
lock (from `write_locks.hold` to its commit), and the probe's longest and median wait. On
SQLite the write lock is the whole database's: a probe waiting as long as the publish ran is a
load that waited for all of it (and failed as "locked" past the 30 s busy timeout).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import threading
import time
from typing import Any

from publish import MONTH, TODAY, fill, main_over_sizes
from scratch import fresh_database
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from store import write_locks
from store.jobs.publish import publish_month
from store.tables import DEFINITION_TABLE

PROBE_EVERY = 0.02


class LockClock:
    """The time from the last `write_locks.hold` to the next commit: the lock's hold time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.held: list[float] = []
        self._since: float | None = None
        hold = write_locks.hold

        async def timed_hold(*args: Any, **kwargs: Any) -> None:
            await hold(*args, **kwargs)
            self._since = time.perf_counter()

        write_locks.hold = timed_hold
        event.listen(engine.sync_engine, "commit", self._committed)

    def _committed(self, _connection: Any) -> None:
        if self._since is not None:
            self.held.append(time.perf_counter() - self._since)
            self._since = None


def probe(path: str, stop: threading.Event, waits: list[float]) -> None:
    """A writer beside the publish, off its event loop (whose computing would delay it too)."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT OR REPLACE INTO app (app_id) VALUES ('probe')")
        connection.execute("COMMIT")
        waits.append(time.perf_counter() - started)
        time.sleep(PROBE_EVERY)
    connection.close()


async def run(url: str, accounts: int) -> None:
    engine = await fresh_database(url)
    values = await fill(engine, accounts)
    async with engine.begin() as connection:
        await connection.execute(update(DEFINITION_TABLE).values(lower_bound=0, upper_bound=10**4))
    clock = LockClock(engine)
    stop, waits = threading.Event(), [0.0]
    database = engine.url.database
    probing = None
    if engine.dialect.name == "sqlite" and database:
        probing = threading.Thread(target=probe, args=(database, stop, waits))
        probing.start()
        await asyncio.sleep(0.2)
    started = time.perf_counter()
    await publish_month(engine, month=MONTH, today=TODAY, min_cohort=5)
    seconds = time.perf_counter() - started
    stop.set()
    if probing is not None:
        probing.join()
    print(
        f"{engine.dialect.name:>10} {accounts:>8,} {values:>10,} {seconds:>10.2f} "
        f"{sum(clock.held):>8.2f} {max(waits):>12.3f} {statistics.median(waits):>13.3f}"
    )
    await engine.dispose()


if __name__ == "__main__":
    main_over_sizes(
        run,
        f"{'store':>10} {'accounts':>8} {'values':>10} {'publish s':>10} "
        f"{'held s':>8} {'probe max s':>12} {'probe median':>13}",
        doc=__doc__,
        stem="lock",
        sizes="1000,10000",
    )

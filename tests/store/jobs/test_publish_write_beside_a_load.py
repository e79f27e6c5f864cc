"""A publish writes its figures only if the month is still what it computed them from, and no
load may commit between that check and the write. On PostgreSQL the check held the publish's
own lock only: a metrics load that had taken its lock before the check committed its values
after it, and the publish then wrote figures of values no longer there. The publish now takes
the loads' locks before it checks: such a load commits first, and the publish computes again
from its values; or the load waits for the publish and commits after it."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store import write_locks
from store.ingest import IngestKind, ingest_file, party_lock, writer
from store.ingest.staging import MetricStage
from store.jobs import publish
from store.jobs.publish import publish_month
from store.tables import COHORT_TABLE
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april

# How long the publish gives the held load to commit before it writes.
LOAD_WAIT = 3.0
# SQLite: how long after the publish reached its write lock the held load goes on (the wait for
# SQLite's write lock cannot be seen from outside, as PostgreSQL's in pg_locks can).
SQLITE_HOLD = 1.0

# Each load with its file and its lock, taken first in its write transaction: an accounts load
# moves r5 to another sector and a definitions load raises revenue's upper bound to 2000 (the
# loads' lock); a metrics load sets r0's April revenue to 999 (metric_value's lock).
_LOADS = {
    "accounts": (IngestKind.ACCOUNTS, "account_id,name,industry\nr5,R5,food\n"),
    "definitions": (
        IngestKind.DEFINITIONS,
        "name,unit,aggregation,lower_bound,upper_bound\nrevenue,EUR,sum,0,2000\n",
    ),
    "metrics": (
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\naccount,r0,revenue,2023-04-01,999\n",
    ),
}


class _PublishLocks:
    """`store.write_locks` as the publish module sees it, its `hold` (first in the publish's
    write transaction) setting `reached` first."""

    def __init__(self, reached: asyncio.Event) -> None:
        self._reached = reached

    def __getattr__(self, name: str) -> Any:
        return getattr(write_locks, name)

    async def hold(self, *args: Any, **kwargs: Any) -> None:
        self._reached.set()
        await write_locks.hold(*args, **kwargs)


async def _nothing() -> None:
    pass


async def _waiting_for_a_table_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation'")
        )
    return bool(found)


@pytest.mark.parametrize("load", sorted(_LOADS))
async def test_a_load_holding_its_lock_cannot_commit_between_the_check_and_the_write(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: str
) -> None:
    """A load takes its lock and is held there, with nothing written, while the publish that
    read the month before it goes to write: the load commits only once the publish waits for
    it (PostgreSQL: for its lock; SQLite: for the write lock), and the publish then computes
    again from the load's values, whatever the order the two ran in before."""
    postgres = engine.dialect.name == "postgresql"
    await seed_retail_april(engine)
    kind, content = _LOADS[load]
    path = tmp_path / f"{load}.csv"
    path.write_text(content)
    locked, release, reached = asyncio.Event(), asyncio.Event(), asyncio.Event()

    def held(take: Any) -> Any:
        async def take_then_hold(*args: Any) -> None:
            # The load at its lock (or, taking none, at its first write), nothing written yet:
            # held there until released.
            await take(*args)
            if not locked.is_set():
                locked.set()
                await release.wait()

        return take_then_hold

    def held_before(write: Any) -> Any:
        async def hold_then_write(*args: Any) -> Any:
            await held(_nothing)()
            return await write(*args)

        return hold_then_write

    monkeypatch.setattr(MetricStage, "lock_for_writes", held(MetricStage.lock_for_writes))
    monkeypatch.setattr(party_lock, "lock_party_accounts", held(party_lock.lock_party_accounts))
    monkeypatch.setattr(writer, "_write_table", held_before(writer._write_table))
    loads: list[asyncio.Task[Any]] = []
    read, write = publish._read_state, publish._write

    async def read_then_start_the_load(*args: Any, **kwargs: Any) -> Any:
        found = await read(*args, **kwargs)
        if kwargs.get("cohorts", True) and not loads:
            loads.append(asyncio.ensure_future(ingest_file(engine, kind=kind, path=path)))
            await locked.wait()
        return found

    async def release_when_the_publish_waits() -> None:
        # A publish that waits for the held load before its check would otherwise never
        # reach its write, where the load is released.
        await reached.wait()
        if not postgres:
            await asyncio.sleep(SQLITE_HOLD)
        else:  # seen waiting for a lock, or at its write; 10 s at most
            for _ in range(200):
                if release.is_set() or await _waiting_for_a_table_lock(engine):
                    break
                await asyncio.sleep(0.05)
        release.set()

    committed_before_the_write: list[bool] = []

    async def release_then_write(*args: Any, **kwargs: Any) -> None:
        release.set()
        await asyncio.wait(loads, timeout=LOAD_WAIT)
        committed_before_the_write.append(loads[0].done())
        await write(*args, **kwargs)

    monkeypatch.setattr(publish, "_read_state", read_then_start_the_load)
    monkeypatch.setattr(publish, "_write", release_then_write)
    monkeypatch.setattr(publish, "write_locks", _PublishLocks(reached))
    watcher = asyncio.ensure_future(release_when_the_publish_waits())
    try:
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    finally:
        release.set()
        reached.set()
        await watcher
        await asyncio.gather(*loads)
    async with engine.connect() as connection:
        found = await connection.execute(
            select(COHORT_TABLE.c.industry_id, COHORT_TABLE.c.member_values)
        )
        published = {industry: orjson.loads(values) for industry, values in found}
        upper = await connection.scalar(select(COHORT_TABLE.c.release_upper_bound))
    # The load committed before the publish wrote, and the figures are of its values.
    assert committed_before_the_write == [True]
    if load == "accounts":
        assert published == {"retail": ["5", "15", "25", "35", "45"], "food": ["55"]}
    elif load == "definitions":
        assert published == {"retail": ["5", "15", "25", "35", "45", "55"]}
        assert upper == Decimal(2000)
    else:
        assert published == {"retail": ["15", "25", "35", "45", "55", "999"]}

"""A PostgreSQL publish holds one pooled connection with its month's lock and reads the month on
a second one (store/one_snapshot.py). N publishes at once with a pool of N connections each held
one and waited for another: none came back, and every publish failed on the pool's timeout.
At most half the pool's publishes now run at once (store/jobs/publish_slots.py): each gets its
two connections, and the others wait their turn, not on the pool."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, QueuePool

from store import write_locks
from store.engine import connections_at_most, create_engine
from store.jobs import publish
from store.jobs.publish import PublishRefused, declare_past_epsilon, publish_month
from store.jobs.publish_slots import publishes_at_once, reads_beside
from store.tables import PUBLISHED_MONTH_TABLE
from tests.factories import Seed
from tests.store.jobs.publish_support import TODAY

MONTHS = [dt.date(2023, month, 1) for month in (1, 2, 3, 4)]
# A publish that waits this long for a pooled connection fails: before the limit all of them
# did, at once (the default of 30 s would only make the test slower to fail).
POOL_TIMEOUT = 5.0


async def _seed_months(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000"))
    seed.industry("retail")
    for n in range(6):
        seed.account(f"r{n}", industry="retail")
        for month in MONTHS:
            seed.metric("account", f"r{n}", "revenue", month.isoformat(), str(10 * n + month.month))
    await seed.write(engine)


async def test_publishes_of_as_many_months_as_the_pool_has_connections_all_publish(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's publish never took a second connection (its pool is not bounded)")
    await _seed_months(engine)
    pooled = create_engine(
        engine.url.render_as_string(hide_password=False),
        pool_size=len(MONTHS),
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
    )
    at_once = publishes_at_once(pooled)
    assert at_once == len(MONTHS) // 2
    # The publishes allowed at once all read together, two connections each: the whole pool in
    # use, and no more. Before the limit every publish had taken its first connection by then,
    # and none got its second.
    together = asyncio.Barrier(at_once)
    read = publish._read_state
    checked_out: list[int] = []

    async def read_together(*args: Any, **kwargs: Any) -> Any:
        found = await read(*args, **kwargs)
        if kwargs.get("cohorts", True):
            checked_out.append(pooled.sync_engine.pool.checkedout())  # type: ignore[attr-defined]
            await together.wait()
        return found

    monkeypatch.setattr(publish, "_read_state", read_together)
    try:
        results = await asyncio.gather(
            *(
                publish_month(pooled, month=month, today=TODAY, min_cohort=5, month_cap=10.0)
                for month in MONTHS
            )
        )
    finally:
        await pooled.dispose()
    assert [result.revision for result in results] == [1] * len(MONTHS)
    assert max(checked_out) == len(MONTHS)
    async with engine.connect() as connection:
        published = await connection.scalar(select(func.count()).select_from(PUBLISHED_MONTH_TABLE))
    assert published == len(MONTHS)


async def test_a_declaration_waits_its_turn_rather_than_take_a_publishs_second_connection(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A declaration of a past epsilon waits for the month's lock holding a connection: on a
    pool of two it took the one a publish holding that lock needed to read on."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's publish never took a second connection (its pool is not bounded)")
    await _seed_months(engine)
    pooled = create_engine(
        engine.url.render_as_string(hide_password=False),
        pool_size=2,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
    )
    locked = asyncio.Event()
    seen = write_locks.changes_seen

    async def pause_under_the_lock(connection: Any) -> Any:
        # The publish holds its month's lock and has not yet taken its second connection: the
        # declaration of the same month starts now (and, without turns, takes the pool's last).
        if not locked.is_set():
            locked.set()
            await asyncio.sleep(1.0)
        return await seen(connection)

    async def declare() -> None:
        await locked.wait()
        await declare_past_epsilon(pooled, month=MONTHS[0], epsilon=1.0, privacy_epsilon=1.0)

    monkeypatch.setattr(write_locks, "changes_seen", pause_under_the_lock)
    try:
        published, declared = await asyncio.gather(
            publish_month(pooled, month=MONTHS[0], today=TODAY, min_cohort=5, month_cap=10.0),
            declare(),
            return_exceptions=True,
        )
    finally:
        await pooled.dispose()
    assert not isinstance(published, BaseException), published
    assert published.revision == 1
    # After the publish: the month's one revision was drawn under the accountant, so there is
    # no past epsilon to declare (refused in one line, not failed on the pool).
    assert isinstance(declared, PublishRefused), declared


@given(pool_size=st.integers(1, 64), max_overflow=st.integers(0, 64))
def test_publishes_at_once_never_need_more_connections_than_the_pool_has(
    pool_size: int, max_overflow: int
) -> None:
    engine = create_engine(
        "postgresql+asyncpg://nobody@127.0.0.1:1/none",
        pool_size=pool_size,
        max_overflow=max_overflow,
    )
    at_once = publishes_at_once(engine)
    assert at_once is not None
    assert at_once >= 1
    # Two connections each (a pool of one cannot hold even one publish's two).
    if pool_size + max_overflow >= 2:
        assert 2 * at_once <= pool_size + max_overflow
        assert 2 * (at_once + 1) > pool_size + max_overflow  # and no fewer than fit
    assert isinstance(engine.sync_engine.pool, QueuePool)


def test_an_unbounded_pool_sets_no_limit() -> None:
    for engine in (
        create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none", poolclass=NullPool),
        create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none", max_overflow=-1),
        create_engine("sqlite+aiosqlite:///:memory:"),
    ):
        assert publishes_at_once(engine) is None


async def test_a_pool_of_one_connection_publishes_revises_and_declares(
    engine: AsyncEngine,
) -> None:
    """A pool of one connection (`PROFILING_DATABASE_POOL_SIZE=1`) cannot give a publish a
    second one to read on: the publish waited for it until the pool's timeout. It now reads on
    its one connection, in a snapshot of its own taken after the month's lock."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's publish never took a second connection (its pool is not bounded)")
    await _seed_months(engine)
    pooled = create_engine(
        engine.url.render_as_string(hide_password=False),
        pool_size=1,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT,
    )
    try:
        first = await publish_month(
            pooled, month=MONTHS[0], today=TODAY, min_cohort=5, month_cap=10.0
        )
        revised = await publish_month(
            pooled, month=MONTHS[0], today=TODAY, min_cohort=5, month_cap=10.0, revise=True
        )
        with pytest.raises(PublishRefused):  # no revision before the accountant: one line
            await declare_past_epsilon(pooled, month=MONTHS[0], epsilon=1.0, privacy_epsilon=1.0)
    finally:
        await pooled.dispose()
    assert (first.revision, first.publishable, revised.revision) == (1, 1, 2)


def test_a_pool_of_one_reads_on_its_one_connection_and_larger_ones_beside() -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    assert not reads_beside(create_engine(url, pool_size=1, max_overflow=0))
    assert reads_beside(create_engine(url, pool_size=1, max_overflow=1))
    assert reads_beside(create_engine(url, poolclass=NullPool))
    assert reads_beside(create_engine("sqlite+aiosqlite:///:memory:"))


def test_an_engine_made_elsewhere_counts_its_pool_size_alone() -> None:
    """Its overflow is not known (SQLAlchemy keeps it private): planned for the pool's size,
    publishes never wait for a connection the overflow might not give."""
    engine = create_async_engine(
        "postgresql+asyncpg://nobody@127.0.0.1:1/none", pool_size=3, max_overflow=7
    )
    assert connections_at_most(engine) == 3
    assert publishes_at_once(engine) == 1
    # Made here, the overflow counts (SQLAlchemy's default of 10 when none is given).
    assert connections_at_most(create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")) == 15

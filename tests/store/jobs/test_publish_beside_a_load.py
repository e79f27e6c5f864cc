"""A publish beside a load. On SQLite a write locks the whole database: a publish that held the
write lock for its whole run (reading the month, computing it, drawing its noise) kept every
sales or metrics load beside it waiting, up to the busy timeout (30 s), then failing as "locked".
A publish now reads and computes without it and holds it only to write, after checking that the
month is as it read it: a load that changed the month's values in between makes it compute the
month again from them (never publish stale counts), and loads that keep changing it make it
refuse in one line, having published nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.jobs import publish
from store.jobs.publish import PublishRefused, publish_month
from store.tables import COHORT_REVISION_TABLE, COHORT_TABLE, PUBLISHED_MONTH_TABLE
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april

# Far below the busy timeout: a load that waits for the publish's whole run does not make it.
WAIT = 5.0
SALES = "Customer,Date,Invoice,Amount\nAlpha,2024-01-10,1,100.00\n"


def _metrics_file(tmp_path: Path, value: str, name: str = "metrics.csv") -> Path:
    path = tmp_path / name
    path.write_text(
        f"level,entity_id,metric_name,effective_date,value\naccount,r0,revenue,2023-04-01,{value}\n"
    )
    return path


async def _finishes(work: Any) -> bool:
    """Run `work` beside the publish: True when it is done within WAIT seconds (it is left to
    finish after the publish otherwise)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait([task], timeout=WAIT)
    if not done:
        _LEFT.append(task)
    return bool(done)


_LEFT: list[asyncio.Task[Any]] = []


def _load_while_reading(
    monkeypatch: pytest.MonkeyPatch, loads: list[Any], finished: list[bool]
) -> None:
    """After each of the publish's reads of the month before it computes (not its reads again
    under the write lock, where a load would wait for it), the next of `loads` runs beside it;
    whether each finished in time goes in `finished`."""
    read = publish._read_state

    async def read_then_load(*args: Any, **kwargs: Any) -> Any:
        found = await read(*args, **kwargs)
        if kwargs.get("cohorts", True) and loads:
            finished.append(await _finishes(loads.pop(0)))
        return found

    monkeypatch.setattr(publish, "_read_state", read_then_load)


async def _finish_left() -> None:
    while _LEFT:
        await _LEFT.pop()


async def test_a_sales_load_beside_a_publish_is_not_kept_waiting(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_retail_april(engine)
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES)
    finished: list[bool] = []
    _load_while_reading(
        monkeypatch,
        [ingest_file(engine, kind=IngestKind.SALES, path=sales, app="shop")],
        finished,
    )
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    await _finish_left()
    assert finished == [True]
    assert (result.revision, result.publishable) == (1, 1)


async def test_a_load_that_changes_the_month_is_published_with_its_values(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_retail_april(engine)
    finished: list[bool] = []
    changed = _metrics_file(tmp_path, "999")
    _load_while_reading(
        monkeypatch,
        [ingest_file(engine, kind=IngestKind.METRICS, path=changed)],
        finished,
    )
    result = await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    await _finish_left()
    assert finished == [True]
    async with engine.connect() as connection:
        values = (await connection.execute(select(COHORT_TABLE.c.member_values))).scalar_one()
        revisions = (await connection.execute(select(COHORT_REVISION_TABLE.c.revision))).all()
    # The load's value, not the one read before it: computed again, and written once.
    assert "999" in orjson.loads(values)
    assert "5" not in orjson.loads(values)
    assert result.revision == 1
    assert revisions == [(1,)]


async def test_loads_that_keep_changing_the_month_refuse_it_in_one_line(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_retail_april(engine)
    finished: list[bool] = []
    loads = [
        ingest_file(engine, kind=IngestKind.METRICS, path=_metrics_file(tmp_path, str(v), f"{v}"))
        for v in range(900, 900 + publish._ATTEMPTS)
    ]
    _load_while_reading(monkeypatch, loads, finished)
    with pytest.raises(PublishRefused) as refused:
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, month_cap=10.0)
    await _finish_left()
    assert finished == [True] * publish._ATTEMPTS
    assert "\n" not in str(refused.value)
    assert "changed while it was being published" in str(refused.value)
    async with engine.connect() as connection:
        assert (await connection.execute(select(PUBLISHED_MONTH_TABLE))).all() == []

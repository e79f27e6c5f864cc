"""PostgreSQL: a load's months without a partition are loaded into partitions of their own,
indexed and attached; months already there take the upsert (store/ingest/staging.py)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected
from store.ingest.plan import RowChanges
from tests.store.ingest.support import load, load_text, table_rows, write_file

pytestmark = pytest.mark.postgres

_HEADER = ["level", "entity_id", "metric_name", "effective_date", "value"]
# Months no other test loads: each test starts without their partitions.
_MONTHS = ["1971-01", "1971-02", "1971-03"]


@pytest.fixture
async def partitioned(engine: AsyncEngine, tmp_path: Path) -> AsyncEngine:
    if engine.dialect.name != "postgresql":
        pytest.skip("metric_value is partitioned on PostgreSQL only")
    async with engine.begin() as connection:
        for month in _MONTHS:
            year, number = month.split("-")
            await connection.execute(text(f"DROP TABLE IF EXISTS metric_value_y{year}m{number}"))
    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, "name,unit\nrevenue,EUR\n")
    accounts = "".join(f"A{n},Account {n}\n" for n in range(3))
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, f"account_id,name\n{accounts}")
    return engine


def _rows(months: list[str], value: str = "1.50") -> list[list[str]]:
    return [["account", f"A{n}", "revenue", month, value] for month in months for n in range(3)]


async def _partition_of_rows(engine: AsyncEngine) -> dict[str, int]:
    """Rows per partition."""
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT tableoid::regclass::text, count(*) FROM metric_value GROUP BY 1")
        )
        return {str(name): int(count) for name, count in found}


async def _partitions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT inhrelid::regclass::text FROM pg_inherits "
                "WHERE inhparent = 'metric_value'::regclass"
            )
        )
        return {str(name) for (name,) in found}


async def test_new_months_get_partitions_of_their_own(
    partitioned: AsyncEngine, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "m", "comma", _HEADER, _rows(_MONTHS[:2]))
    report = await load(partitioned, IngestKind.METRICS, path)
    assert report.changes == RowChanges(new=6, changed=0, unchanged=0)
    assert await _partition_of_rows(partitioned) == {
        "metric_value_y1971m01": 3,
        "metric_value_y1971m02": 3,
    }
    async with partitioned.connect() as connection:
        # The attached partition has the parent's primary key, indexes and foreign key.
        indexes = await connection.execute(
            text("SELECT count(*) FROM pg_index WHERE indrelid = 'metric_value_y1971m01'::regclass")
        )
        assert indexes.scalar_one() == 3
        keys = await connection.execute(
            text(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = 'metric_value_y1971m01'::regclass"
            )
        )
        assert keys.scalar_one() == 1
        # And a CHECK of its month, which spared the attach a scan of its rows.
        checks = await connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'c' AND conrelid = 'metric_value_y1971m01'::regclass"
            )
        )
        assert checks.all() == [
            (
                "metric_value_y1971m01_month",
                "CHECK (((effective_date >= '1971-01-01'::date) "
                "AND (effective_date < '1971-02-01'::date)))",
            )
        ]


async def test_stored_and_new_months_in_one_file(partitioned: AsyncEngine, tmp_path: Path) -> None:
    first = write_file(tmp_path, "first", "comma", _HEADER, _rows(_MONTHS[:1]))
    await load(partitioned, IngestKind.METRICS, first)
    # The stored month: one value changed, two as they are; the new month: three new.
    rows = _rows(_MONTHS[:2])
    rows[0][4] = "2.50"
    second = write_file(tmp_path, "second", "comma", _HEADER, rows)
    report = await load(partitioned, IngestKind.METRICS, second)
    assert report.changes == RowChanges(new=3, changed=1, unchanged=2)
    stored = await table_rows(partitioned, "metric_value")
    assert len(stored) == 6
    assert ("account", "A0", "revenue", stored[0][3], Decimal("2.50")) in stored
    assert await _partition_of_rows(partitioned) == {
        "metric_value_y1971m01": 3,
        "metric_value_y1971m02": 3,
    }


async def test_a_rejected_file_leaves_no_partition(
    partitioned: AsyncEngine, tmp_path: Path
) -> None:
    before = await _partitions(partitioned)
    rows = _rows(_MONTHS)
    rows.append(list(rows[4]))
    path = write_file(tmp_path, "m", "comma", _HEADER, rows)
    with pytest.raises(IngestRejected) as rejected:
        await load(partitioned, IngestKind.METRICS, path)
    assert [problem.line for problem in rejected.value.problems] == [len(rows) + 1]
    assert "duplicate of line 6" in rejected.value.problems[0].reason
    assert await _partitions(partitioned) == before
    assert await table_rows(partitioned, "metric_value") == []
    # The same file without the duplicate loads into new partitions.
    path = write_file(tmp_path, "m2", "comma", _HEADER, rows[:-1])
    report = await load(partitioned, IngestKind.METRICS, path)
    assert report.changes == RowChanges(new=9, changed=0, unchanged=0)
    assert set(await _partition_of_rows(partitioned)) == {
        "metric_value_y1971m01",
        "metric_value_y1971m02",
        "metric_value_y1971m03",
    }


async def _waiting_for_metric_value(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = 'metric_value'::regclass"
            )
        )
        return int(found.scalar_one())


async def test_loads_that_define_metrics_and_attach_months_at_once_take_turns(
    partitioned: AsyncEngine, tmp_path: Path
) -> None:
    """Two loads, each defining a metric by its unit column and bringing a new month, started
    while metric_value is held: each waits for it before it writes its definitions. One that
    wrote them first would hold metric_definition against the other's attach (the partition's
    foreign key locks it) while it waited for metric_value: a deadlock, one load failed."""
    header = [*_HEADER, "unit"]
    paths = [
        write_file(
            tmp_path,
            metric,
            "comma",
            header,
            [[*row[:2], metric, *row[3:], "EUR"] for row in _rows([month])],
        )
        for metric, month in (("visits_a", _MONTHS[0]), ("visits_b", _MONTHS[1]))
    ]
    async with partitioned.begin() as holder:
        await holder.execute(text("LOCK TABLE metric_value IN SHARE UPDATE EXCLUSIVE MODE"))
        loads = [asyncio.create_task(load(partitioned, IngestKind.METRICS, p)) for p in paths]
        async with asyncio.timeout(60):
            while await _waiting_for_metric_value(partitioned) < len(loads):
                assert not any(task.done() for task in loads)
                await asyncio.sleep(0.05)
    reports = await asyncio.gather(*loads)
    assert [report.changes for report in reports] == [RowChanges(new=3, changed=0, unchanged=0)] * 2
    assert await _partition_of_rows(partitioned) == {
        "metric_value_y1971m01": 3,
        "metric_value_y1971m02": 3,
    }

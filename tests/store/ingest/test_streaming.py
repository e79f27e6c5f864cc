"""Metric files load in bounded memory: checked rows go to a staging table a chunk at a time,
and the database finds duplicates and counts changes (store/ingest/staging.py)."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected
from store.ingest.entry import STAGE_CHUNK_ROWS
from store.ingest.staging import ANALYZE_AFTER_ROWS
from tests.store.ingest.support import load, load_text, table_rows, write_file

_HEADER = ["level", "entity_id", "metric_name", "effective_date", "value"]
_ACCOUNTS = 200


async def _seed(engine: AsyncEngine, folder: Path) -> None:
    await load_text(engine, folder, IngestKind.DEFINITIONS, "name,unit\nrevenue,EUR\nusers,count\n")
    accounts = "".join(f"A{n},Account {n}\n" for n in range(_ACCOUNTS))
    await load_text(engine, folder, IngestKind.ACCOUNTS, f"account_id,name\n{accounts}")


def _rows(months: int) -> list[list[str]]:
    return [
        ["account", f"A{n}", metric, f"{2000 + month // 12}-{month % 12 + 1:02d}", f"{n}.{month}"]
        for month in range(months)
        for n in range(_ACCOUNTS)
        for metric in ("revenue", "users")
    ]


async def _peak_of_load(engine: AsyncEngine, path: Path) -> int:
    tracemalloc.start()
    try:
        report = await load(engine, IngestKind.METRICS, path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.rows_written > 0
    return peak


async def test_memory_does_not_grow_with_the_file(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine, tmp_path)
    small = write_file(tmp_path, "small", "comma", _HEADER, _rows(50))  # 20,000 values
    large = write_file(tmp_path, "large", "comma", _HEADER, _rows(200))  # 80,000 values
    small_peak = await _peak_of_load(engine, small)
    large_peak = await _peak_of_load(engine, large)
    # Four times the rows: kept in memory, the peak would be about four times as high.
    assert large_peak < 1.3 * small_peak + 1_000_000, (small_peak, large_peak)
    assert len(await table_rows(engine, "metric_value")) == 80_000


async def test_a_duplicate_chunks_apart_is_found(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine, tmp_path)
    rows = _rows(30)  # 12,000 values: more than one chunk
    assert len(rows) > STAGE_CHUNK_ROWS
    rows.append([*rows[0][:4], "9.5"])
    path = write_file(tmp_path, "metrics", "comma", _HEADER, rows)
    with pytest.raises(IngestRejected) as rejected:
        await load(engine, IngestKind.METRICS, path)
    assert [(p.line, p.reason) for p in rejected.value.problems] == [
        (
            len(rows) + 1,
            "duplicate of line 2: same account 'A0', metric 'revenue' and month 2000-01",
        )
    ]
    assert await table_rows(engine, "metric_value") == []
    # The rejected load left no stage behind: the file without its duplicate loads.
    path = write_file(tmp_path, "metrics", "comma", _HEADER, rows[:-1])
    report = await load(engine, IngestKind.METRICS, path)
    assert report.rows_written == 12_000


async def test_a_reload_counts_and_writes_only_changes(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine, tmp_path)
    rows = _rows(2)
    path = write_file(tmp_path, "metrics", "comma", _HEADER, rows)
    await load(engine, IngestKind.METRICS, path)
    rows[0][4] = "123.45"  # changed
    rows[1][4] = rows[1][4] + "0"  # same value, another number of digits: a change
    rows.append(["account", "A0", "revenue", "2001-01", "7"])  # new
    path = write_file(tmp_path, "metrics", "comma", _HEADER, rows)
    report = await load(engine, IngestKind.METRICS, path)
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.unchanged) == (
        1,
        2,
        len(rows) - 3,
    )
    stored = {(r[1], r[2], str(r[3])[:7]): r[4] for r in await table_rows(engine, "metric_value")}
    assert str(stored[("A0", "revenue", "2000-01")]) == "123.45"
    assert str(stored[("A0", "users", "2000-01")]) == "0.00"
    assert len(stored) == len(rows)


async def test_a_large_load_leaves_statistics_behind(engine: AsyncEngine, tmp_path: Path) -> None:
    """The reads after a large load are planned on the loaded table's statistics, not on those
    of the empty table it was (PostgreSQL: a read of 100 accounts took the month index) or on
    none (SQLite: a one-account read walked all of the account's rows by primary key)."""
    await _seed(engine, tmp_path)
    rows = _rows(25)
    assert len(rows) >= ANALYZE_AFTER_ROWS
    await load(engine, IngestKind.METRICS, write_file(tmp_path, "m", "comma", _HEADER, rows))
    statistics = (
        # metric_value's partitions hold the rows, and the statistics the reads plan on.
        "SELECT sum(reltuples) FROM pg_class AS c JOIN pg_inherits AS i ON i.inhrelid = c.oid"
        " WHERE i.inhparent = 'metric_value'::regclass AND c.reltuples > 0"
        if engine.dialect.name == "postgresql"
        # sqlite_stat1 holds the table's row count first in each index's row.
        else "SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = 'metric_value'"
    )
    async with engine.connect() as connection:
        counted = (await connection.execute(text(statistics))).scalar_one()
    if engine.dialect.name == "postgresql":
        assert counted == len(rows)
    else:  # estimated from a sample (`PRAGMA analysis_limit`)
        assert counted is not None
        assert abs(counted - len(rows)) <= len(rows) // 5


@pytest.mark.parametrize("entity_id", ["A\\1", "A\\N", "A 1", "Ä1"])
async def test_ids_copy_cannot_write_as_text_are_staged_as_records(
    engine: AsyncEngine, tmp_path: Path, entity_id: str
) -> None:
    """A block whose cells hold a backslash goes to PostgreSQL's stage as binary records (COPY's
    text format would read it as an escape); every store keeps ids and digits as written."""
    await _seed(engine, tmp_path)
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, f"account_id,name\n{entity_id},X\n")
    rows = [["account", entity_id, "revenue", "2000-01-15", "1.50"], *_rows(1)]
    report = await load(
        engine, IngestKind.METRICS, write_file(tmp_path, "m", "comma", _HEADER, rows)
    )
    assert report.rows_written == len(rows)
    stored = {(r[1], r[2]): str(r[4]) for r in await table_rows(engine, "metric_value")}
    assert stored[(entity_id, "revenue")] == "1.50"
    assert stored[("A7", "users")] == "7.0"


def _quoted_file(folder: Path, name: str, rows: list[list[str]]) -> Path:
    """The rows with every cell quoted (as some exports write them, and the csv module with
    QUOTE_ALL): read by column too, block by block."""
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL)
        writer.writerow(_HEADER)
        writer.writerows(rows)
    return path


async def test_quoted_lines_load_as_the_same_lines_unquoted(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed(engine, tmp_path)
    rows = _rows(30)  # 12,000 values: more than one block
    report = await load(engine, IngestKind.METRICS, _quoted_file(tmp_path, "quoted", rows))
    assert report.rows_written == 12_000
    loaded = await table_rows(engine, "metric_value")
    plain = write_file(tmp_path, "plain", "comma", _HEADER, rows)
    again = await load(engine, IngestKind.METRICS, plain)
    assert again.changes is not None
    assert again.changes.unchanged == 12_000
    assert await table_rows(engine, "metric_value") == loaded
    assert len(loaded) == 12_000


async def test_a_bad_quoted_line_rejects_the_file_by_its_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed(engine, tmp_path)
    rows = _rows(30)
    rows[STAGE_CHUNK_ROWS + 5][4] = "12,5 EUR"  # in the second block
    rows[7][1] = "A 7"  # an unknown account in the first
    with pytest.raises(IngestRejected) as rejected:
        await load(engine, IngestKind.METRICS, _quoted_file(tmp_path, "quoted", rows))
    lines = [problem.line for problem in rejected.value.problems]
    assert lines == [9, STAGE_CHUNK_ROWS + 7]
    assert "'A 7'" in rejected.value.problems[0].reason
    assert await table_rows(engine, "metric_value") == []

"""All or nothing: a write that fails part-way leaves nothing of the file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.entry import STAGE_CHUNK_ROWS
from store.upsert import CHUNK_ROWS
from tests.store.ingest.support import all_tables, seed_entities, write_text


class Crash(Exception):
    pass


class CrashWhileWriting:
    """Progress that fails after `chunks` reports of the writing phase, like a crash there."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.writing = False

    def start(self, phase: str, total: int | None = None) -> None:
        self.writing = phase.startswith("Writing")

    def advance(self, amount: int) -> None:
        if self.writing:
            self.chunks -= 1
            if self.chunks < 0:
                raise Crash


@pytest.mark.parametrize("chunks_written", [0, 1])
async def test_a_crash_part_way_through_the_write_leaves_nothing(
    engine: AsyncEngine, tmp_path: Path, chunks_written: int
) -> None:
    await seed_entities(engine, tmp_path)
    before = await all_tables(engine)
    # A new definition (written first), then more metric rows than one chunk holds.
    rows = [
        f"account,A{1 + n % 2},visits,{2000 + n // 24}-{(n // 2) % 12 + 1:02d}-01,{n},count\n"
        for n in range(CHUNK_ROWS + 10)
    ]
    path = write_text(
        tmp_path,
        "metrics.csv",
        "level,entity_id,metric_name,effective_date,value,unit\n" + "".join(rows),
    )
    with pytest.raises(Crash):
        await ingest_file(
            engine, kind=IngestKind.METRICS, path=path, progress=CrashWhileWriting(chunks_written)
        )
    assert await all_tables(engine) == before
    report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    assert report.rows_written == CHUNK_ROWS + 10


class CancelWhileReading:
    """Progress that cancels the load once `after` bytes of the file are read: the first
    blocks' writes are in flight (store/ingest/write_ahead.py), like Ctrl-C or a client gone."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.read = 0
        self.reading = False
        self.task: asyncio.Task[Any] | None = None

    def start(self, phase: str, total: int | None = None) -> None:
        self.reading = phase.startswith("Reading")

    def advance(self, amount: int) -> None:
        if self.reading:
            self.read += amount
            if self.read >= self.after and self.task is not None:
                self.task.cancel()
                self.task = None


# Two blocks and part of a third.
_ROWS = 2 * STAGE_CHUNK_ROWS + 100


@pytest.mark.parametrize("blocks_read", [1, 2])
async def test_a_load_cancelled_while_its_blocks_are_written_leaves_nothing_and_no_task(
    engine: AsyncEngine, tmp_path: Path, blocks_read: int
) -> None:
    await seed_entities(engine, tmp_path)
    before = await all_tables(engine)
    rows = [
        f"account,A{1 + n % 2},visits,{1900 + n // 24}-{(n // 2) % 12 + 1:02d}-01,{n},count\n"
        for n in range(_ROWS)
    ]
    header = "level,entity_id,metric_name,effective_date,value,unit\n"
    path = write_text(tmp_path, "metrics.csv", header + "".join(rows))
    block = len("".join(rows[:STAGE_CHUNK_ROWS]))
    progress = CancelWhileReading(len(header) + blocks_read * block + 1)
    task = asyncio.ensure_future(
        ingest_file(engine, kind=IngestKind.METRICS, path=path, progress=progress)
    )
    progress.task = task
    with pytest.raises(asyncio.CancelledError):
        await task
    assert progress.task is None  # cancelled while reading, not after the load
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert await all_tables(engine) == before
    report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    assert report.rows_written == _ROWS

"""All or nothing: a write that fails part-way leaves nothing of the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
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

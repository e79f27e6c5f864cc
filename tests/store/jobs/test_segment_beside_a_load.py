"""`profiling segment` run while a sales load writes (a nightly segment beside a load): the run
read the app's sales before the load committed and replaced the segments the load had just
computed with its own, which lack the load's sales, until the next run. A run now waits for a
load that writes and reads what it wrote (or the load waits for the run and recomputes)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from settings import SegmentOptions
from store.ingest import IngestKind, ingest_file
from store.jobs import segment
from tests.store.sales_support import rows_of

FIRST = "Customer,Date,Invoice,Amount\nAlpha,2024-01-10,1,100.00\nBeta,2024-01-12,2,80.00\n"
LATER = "Customer,Date,Invoice,Amount\nGamma,2024-02-03,3,250.00\n"


async def test_a_segment_run_beside_a_load_keeps_the_loads_sales(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first.csv"
    first.write_text(FIRST)
    later = tmp_path / "later.csv"
    later.write_text(LATER)
    await ingest_file(engine, kind=IngestKind.SALES, path=first, app="shop")

    read = segment._sales_activity
    loading: list[asyncio.Task[Any]] = []

    async def read_then_let_a_load_run(*args: Any, **kwargs: Any) -> Any:
        found = await read(*args, **kwargs)
        if not loading:
            # The load starts once the run has read the sales, and has time to commit.
            loading.append(
                asyncio.create_task(
                    ingest_file(engine, kind=IngestKind.SALES, path=later, app="shop")
                )
            )
            await asyncio.sleep(1)
        return found

    monkeypatch.setattr(segment, "_sales_activity", read_then_let_a_load_run)

    async def run() -> None:
        async with engine.begin() as connection:
            await segment.segment_apps(connection, options=SegmentOptions())

    await run()
    await loading[0]
    profiles = {row[0] for row in await rows_of(engine, "sales_profile")}
    assert profiles == {"Alpha", "Beta", "Gamma"}

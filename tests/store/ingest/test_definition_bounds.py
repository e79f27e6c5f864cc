"""Metric definitions may declare the bounds that private releases clamp values to."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected
from tests.store.ingest.support import load_text, table_rows


async def test_bounds_are_loaded_with_their_definition(engine: AsyncEngine, tmp_path: Path) -> None:
    await load_text(
        engine,
        tmp_path,
        IngestKind.DEFINITIONS,
        "name,unit,lower_bound,upper_bound\nscore,percent,0,100\nwait,hours,,\n",
    )
    rows = {row[0]: row[5:] for row in await table_rows(engine, "metric_definition")}
    assert rows == {"score": (Decimal(0), Decimal(100)), "wait": (None, None)}


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("0,", "go together"),
        (",5", "go together"),
        ("10,5", "must be below upper_bound"),
        ("a,5", "lower_bound 'a' is not a number"),
    ],
)
async def test_bad_bounds_are_refused_with_their_line(
    engine: AsyncEngine, tmp_path: Path, cells: str, reason: str
) -> None:
    with pytest.raises(IngestRejected) as refused:
        await load_text(
            engine,
            tmp_path,
            IngestKind.DEFINITIONS,
            f"name,unit,lower_bound,upper_bound\nok,count,0,1\nscore,percent,{cells}\n",
        )
    (problem,) = refused.value.problems
    assert problem.line == 3
    assert reason in problem.reason
    assert await table_rows(engine, "metric_definition") == []

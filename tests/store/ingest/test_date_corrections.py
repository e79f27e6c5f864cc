"""A load read with day and month the wrong way round can be corrected: the refusal of an
invoice met again at its swapped date tells the user to give the order with `--dates`, and a
load that gives it (`--dates day-first|month-first`) says which reading is right, so the
stored lines of its invoices at the swapped dates are the misreading and are replaced, never
counted twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import DatesOption, FileRejected, IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
_SALES = "Customer,Date,Invoice,Amount\nAcme,04/01/2024,A1,100\nBeta,05/02/2024,A2,200\n"


async def _sales(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return [row[:5] for row in await rows_of(engine, "sale_line")]


async def test_a_misread_load_is_corrected_by_giving_the_order(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(_SALES, encoding="utf-8")
    # Read the wrong way round: 4 January and 5 February were 1 April and 2 May.
    await ingest_file(engine, kind=IngestKind.SALES, path=path, dates=DatesOption.DAY_FIRST)
    # Without an order given now the refusal stands, and says what to do.
    with pytest.raises(FileRejected, match="give the order with --dates"):
        await ingest_file(engine, kind=IngestKind.SALES, path=path, dates=DatesOption.GUESS)

    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=path, dates=DatesOption.MONTH_FIRST
    )

    assert await _sales(engine) == [
        ("Acme", d("2024-04-01"), "A1", 1, D("100.00")),
        ("Beta", d("2024-05-02"), "A2", 1, D("200.00")),
    ]
    assert any("2 invoices stored with day and month swapped" in note for note in report.notes), (
        report.notes
    )

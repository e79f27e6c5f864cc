"""The order of day and month kept for an app (`--dates`) against a
file whose own title states its period (QuickBooks' `January - March, 2025`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.date_setting import DatesOption
from tests.store.sales_support import rows_of

DAY_FIRST = "Date,Customer,Invoice,Amount\n04/01/2025,Acme,A-1,100.00\n"
QUICKBOOKS = """Sales by Customer Detail
Craig's Design and Landscaping Services
"January - March, 2025"

,Date,Transaction Type,Num,Product/Service,Memo/Description,Qty,Sales Price,Amount,Balance
Amy's Bird Sanctuary,,,,,,,,,
,01/05/2025,Invoice,1001,Design,Custom Design,4,75.00,300.00,300.00
,02/11/2025,Invoice,1015,Gardening,Weekly Gardening Service,2,25.00,50.00,350.00
Total for Amy's Bird Sanctuary,,,,,,,,$350.00,
Bill's Windsurf Shop,,,,,,,,,
,03/09/2025,Invoice,1003,Installation,Installation of landscape design,10,50.00,500.00,500.00
Total for Bill's Windsurf Shop,,,,,,,,$500.00,
TOTAL,,,,,,,,$850.00,
"""


async def test_a_kept_order_never_dates_lines_outside_the_titles_period(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    day_first = tmp_path / "tally.csv"
    day_first.write_text(DAY_FIRST)
    report = tmp_path / "qbo.csv"
    report.write_text(QUICKBOOKS)
    await ingest_file(
        engine, kind=IngestKind.SALES, path=day_first, app="x", dates=DatesOption.DAY_FIRST
    )
    with pytest.raises(FileRejected, match="outside the months its title names"):
        await ingest_file(engine, kind=IngestKind.SALES, path=report, app="x")
    assert [row[0] for row in await rows_of(engine, "sale_line")] == ["Acme"]
    # As the refusal says: this file's order given, its dates are the title's months.
    await ingest_file(
        engine, kind=IngestKind.SALES, path=report, app="x", dates=DatesOption.MONTH_FIRST
    )
    dates = [row[1] for row in await rows_of(engine, "sale_line") if row[0] != "Acme"]
    assert sorted(dates) == [dt.date(2025, 1, 5), dt.date(2025, 2, 11), dt.date(2025, 3, 9)]

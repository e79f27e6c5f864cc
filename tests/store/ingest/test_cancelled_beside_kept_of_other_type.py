"""A cancelled voucher beside a kept voucher of another type with the same date and number in
one file: the cancellation is of its own type (Tally numbers `Export Sales` apart from
`Sales`), so the stored line of its type goes while the kept voucher stays."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
DAY_BOOK = (
    "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
)
BOTH = (
    DAY_BOOK + '2-Apr-2024,Mehta & Sons,Sales,7,"45,000.00",\n'
    '2-Apr-2024,Gupta Traders,Export Sales,7,"9,000.00",\n'
)
# The same Day Book after Export Sales 7 was cancelled: Sales 7 of that day is still kept.
CANCELLED = (
    DAY_BOOK + '2-Apr-2024,Mehta & Sons,Sales,7,"45,000.00",\n'
    "2-Apr-2024,(cancelled),Export Sales,7,,\n"
)


async def test_a_cancelled_export_sale_beside_its_numbers_sale_is_removed(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    before = tmp_path / "before.csv"
    before.write_text(BOTH, encoding="utf-8")
    after = tmp_path / "after.csv"
    after.write_text(CANCELLED, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=before, app="sharma")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=after, app="sharma")
    stored = sorted((row[0], row[2], row[4]) for row in await rows_of(engine, "sale_line"))
    assert stored == [("Mehta & Sons", "7", D("45000.00"))]
    assert any("1 line of an invoice loaded before" in note for note in report.notes), report.notes


async def test_a_cancelled_export_sale_leaves_an_untyped_line_of_the_kept_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A line stored without a type (a file without one) may be the kept Sales 7: it stays."""
    plain = tmp_path / "plain.csv"
    plain.write_text("Date,Customer,Invoice No,Amount\n2024-04-02,Mehta & Sons,7,45000\n")
    after = tmp_path / "after.csv"
    after.write_text(CANCELLED, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=plain, app="sharma")
    await ingest_file(engine, kind=IngestKind.SALES, path=after, app="sharma")
    stored = sorted((row[0], row[2], row[4]) for row in await rows_of(engine, "sale_line"))
    assert stored == [("Mehta & Sons", "7", D("45000.00"))]

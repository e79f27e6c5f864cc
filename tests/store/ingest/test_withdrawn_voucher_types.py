"""A withdrawn voucher removes its own stored lines only: Tally numbers each voucher type apart
(a cancelled `Export Sales 7` is no `Sales 7`), and a voided invoice that names its customer is
no other customer's invoice of the same number and day."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
ZOHO_WITH_VOID = FIXTURES / "zoho_with_void.csv"
DAY_BOOK = (
    "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
)
SALES_7 = DAY_BOOK + '2-Apr-2024,Mehta & Sons,Sales,7,"45,000.00",\n'
EXPORT_SALES_ONLY = (
    DAY_BOOK + '1-Apr-2024,Gupta Traders,Export Sales,6,"9,000.00",\n'
    "2-Apr-2024,(cancelled),Export Sales,7,,\n"
)


async def test_a_cancelled_export_sale_leaves_the_sale_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_7, encoding="utf-8")
    exports = tmp_path / "exports.csv"
    exports.write_text(EXPORT_SALES_ONLY, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=sales, app="sharma")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=exports, app="sharma")
    lines = {(row[0], row[2]): row[4] for row in await rows_of(engine, "sale_line")}
    assert lines[("Mehta & Sons", "7")] == D("45000.00")
    assert not any("loaded before" in note for note in report.notes), report.notes


async def test_a_cancelled_sale_still_removes_the_sale_of_its_type(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_7, encoding="utf-8")
    cancelled = tmp_path / "cancelled.csv"
    cancelled.write_text(
        EXPORT_SALES_ONLY.replace("(cancelled),Export Sales", "(cancelled),SALES"),
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=sales, app="sharma")
    await ingest_file(engine, kind=IngestKind.SALES, path=cancelled, app="sharma")
    assert [row[2] for row in await rows_of(engine, "sale_line")] == ["6"]


async def test_a_cancelled_export_sale_leaves_the_ledgers_sale_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_7, encoding="utf-8")
    exports = tmp_path / "exports.csv"
    exports.write_text(EXPORT_SALES_ONLY, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=sales, app="sharma")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=exports, app="sharma")
    entries = {(row[0], row[3]): row[5] for row in await rows_of(engine, "ledger_entry")}
    assert entries[("Mehta & Sons", "7")] == D("45000.00")


async def test_a_voided_invoice_leaves_another_customers_invoice_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Orbit Retail's INV-000005 of 25 June (another numbering, loaded into the same app) is
    not Pioneer Mart's voided INV-000005 of that day."""
    lines = ZOHO_WITH_VOID.read_text().splitlines()
    orbit = (
        next(line for line in lines if "INV-000005" in line)
        .replace("460000000010003,Pioneer Mart", "460000000010002,Orbit Retail")
        .replace(",Void,", ",Sent,")
    )
    other = tmp_path / "other.csv"
    other.write_text("\n".join([lines[0], lines[4], orbit]) + "\n", encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=other, app="zoho")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=ZOHO_WITH_VOID, app="zoho")
    stored = {(row[0], row[2]): row[4] for row in await rows_of(engine, "sale_line")}
    assert stored[("460000000010002", "INV-000005")] == D("99000.00")
    assert not any("loaded before" in note for note in report.notes), report.notes

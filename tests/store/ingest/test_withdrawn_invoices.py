"""An invoice withdrawn after it was loaded (voided or cancelled in the books, and exported so
by the next export of the same period) stops counting as a sale: the load that says so removes
the line an earlier load stored for it, and its notes say how many."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
from tests.store.sales_support import rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
ZOHO_WITH_VOID = FIXTURES / "zoho_with_void.csv"
PIONEER = "460000000010003"


async def _invoices(engine: AsyncEngine) -> dict[str, Decimal]:
    return {row[2]: row[4] for row in await rows_of(engine, "sale_line")}


async def test_an_invoice_voided_after_its_load_stops_counting(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Zoho's INV-000005 was Sent (99,000.00 before tax) when first exported, then voided:
    the next export of the quarter says Void, and Pioneer Mart's revenue is its one real
    invoice again."""
    sent = tmp_path / "zoho_sent.csv"
    sent.write_text(ZOHO_WITH_VOID.read_text().replace(",Void,", ",Sent,"), encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=sent, app="zoho")
    assert (await _invoices(engine))["INV-000005"] == D("99000.00")

    report = await ingest_file(engine, kind=IngestKind.SALES, path=ZOHO_WITH_VOID, app="zoho")

    assert "INV-000005" not in await _invoices(engine)
    revenue = {row[0]: row[3] for row in await rows_of(engine, "quarter_segment")}
    assert revenue[PIONEER] == D("15000.00")
    assert any("1 line of an invoice loaded before" in note for note in report.notes), report.notes


async def test_a_tally_voucher_cancelled_after_its_load_stops_counting(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's Day Book writes a cancelled voucher's number with `(cancelled)` for its party:
    the sale an earlier Day Book stored under that number and date goes."""
    header = (
        "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    )
    first = tmp_path / "daybook_first.csv"
    first.write_text(
        header + '1-Apr-2024,Gupta Traders,Sales,ST/24-25/101,"1,23,456.00",\n'
        '2-Apr-2024,Mehta & Sons,Sales,ST/24-25/102,"45,000.00",\n',
        encoding="utf-8",
    )
    again = tmp_path / "daybook_again.csv"
    again.write_text(
        header + '1-Apr-2024,Gupta Traders,Sales,ST/24-25/101,"1,23,456.00",\n'
        "2-Apr-2024,(cancelled),Sales,ST/24-25/102,,\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=first, app="sharma")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=again, app="sharma")
    assert await _invoices(engine) == {"ST/24-25/101": D("123456.00")}
    # The summary counts the removal: never `nothing written` alone after a deletion.
    assert report.changes_line() == "1 sale line: 0 new, 0 changed, 1 unchanged, 1 removed"
    assert report.summary().endswith("nothing written, 1 sale line unchanged, 1 removed")


async def test_a_tally_voucher_cancelled_after_its_load_leaves_the_ledger(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The same Day Book loaded as a ledger: the cancelled sale is no longer owed."""
    header = (
        "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    )
    first = tmp_path / "daybook_first.csv"
    first.write_text(
        header + '1-Apr-2024,Gupta Traders,Sales,ST/24-25/101,"1,23,456.00",\n'
        '2-Apr-2024,Gupta Traders,Sales,ST/24-25/102,"45,000.00",\n',
        encoding="utf-8",
    )
    again = tmp_path / "daybook_again.csv"
    again.write_text(
        header + '1-Apr-2024,Gupta Traders,Sales,ST/24-25/101,"1,23,456.00",\n'
        "2-Apr-2024,(cancelled),Sales,ST/24-25/102,,\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=first, app="sharma")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=again, app="sharma")
    assert [(row[3], row[5]) for row in await rows_of(engine, "ledger_entry")] == [
        ("ST/24-25/101", D("123456.00"))
    ]
    assert any("1 entry loaded before" in note for note in report.notes), report.notes
    assert report.summary().endswith("nothing written, 1 ledger entry unchanged, 1 removed")


async def test_a_cancelled_receipt_leaves_the_sale_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally numbers receipts apart from sales: a cancelled Receipt 102 is not Sales 102 (which
    a Sales Register, without the receipts, stored)."""
    register = tmp_path / "sales_register.csv"
    register.write_text(
        "Sharma Trading Co.\nSales Register\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Value\n"
        '2-Apr-2024,Mehta & Sons,Sales,102,"45,000.00"\n',
        encoding="utf-8",
    )
    receipts = tmp_path / "receipts.csv"
    receipts.write_text(
        "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '1-Apr-2024,Gupta Traders,Sales,101,"1,23,456.00",\n'
        "2-Apr-2024,(cancelled),Receipt,102,,\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=register, app="sharma")
    await ingest_file(engine, kind=IngestKind.SALES, path=receipts, app="sharma")
    assert await _invoices(engine) == {"101": D("123456.00"), "102": D("45000.00")}


async def test_a_cancelled_receipt_leaves_the_ledgers_invoice_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The same in a ledger: a Day Book of receipts whose Receipt 102 was cancelled leaves the
    invoice 102 that the customer's sales stored."""
    sales = tmp_path / "daybook_sales.csv"
    sales.write_text(
        "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '2-Apr-2024,Mehta & Sons,Sales,102,"45,000.00",\n',
        encoding="utf-8",
    )
    receipts = tmp_path / "daybook_receipts.csv"
    receipts.write_text(
        "Sharma Trading Co.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '1-Apr-2024,Mehta & Sons,Receipt,101,,"5,000.00"\n'
        "2-Apr-2024,(cancelled),Receipt,102,,\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=sales, app="sharma")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=receipts, app="sharma")
    assert [(row[2], row[3]) for row in await rows_of(engine, "ledger_entry")] == [
        ("payment", "101"),
        ("invoice", "102"),
    ]


async def test_a_merged_invoice_voided_loses_every_stored_line_and_stale_lines_go(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The two deletes of a reload do not fight: INV-000007 (two item rows repeating its
    SubTotal, counted once) is voided, so every line stored for it goes, line 1 and the line 2
    an earlier version left (store/ingest/kinds/withdrawn_invoices.py); INV-000008, still
    sent, keeps line 1 and loses its stale line 2 (store/ingest/kinds/stale_item_lines.py)."""
    header, *items = (FIXTURES / "zoho_items.csv").read_text().splitlines()
    # Without `Item Total`: the amount is the invoice's SubTotal, repeated on each item row.
    rows = [
        item.replace("INV-000007", f"INV-00000{number}").replace("12007", f"1200{number}")
        for number in (7, 8)
        for item in items
    ]
    sent = tmp_path / "sent.csv"
    sent.write_text("\n".join(line.rsplit(",", 1)[0] for line in (header, *rows)) + "\n")
    await ingest_file(engine, kind=IngestKind.SALES, path=sent, app="zoho")
    stored = await rows_of(engine, "sale_line")
    assert [(row[2], row[3]) for row in stored] == [("INV-000007", 1), ("INV-000008", 1)]
    sale_line = METADATA.tables["sale_line"]
    async with engine.begin() as connection:
        # What the earlier version left: a second line per invoice with the whole amount.
        await connection.execute(
            insert(sale_line),
            [
                {
                    "account_id": row[0],
                    "sale_date": row[1],
                    "invoice": row[2],
                    "line": 2,
                    "amount": row[4],
                    "quantity": D("1"),
                }
                for row in stored
            ],
        )
    voided = tmp_path / "voided.csv"
    voided.write_text(
        sent.read_text().replace("INV-000007,Paid,", "INV-000007,Void,"), encoding="utf-8"
    )

    report = await ingest_file(engine, kind=IngestKind.SALES, path=voided, app="zoho")

    assert [(row[2], row[3]) for row in await rows_of(engine, "sale_line")] == [("INV-000008", 1)]
    assert any("2 lines of invoices loaded before" in note for note in report.notes), report.notes
    assert report.changes is not None
    # Every line the reload deleted: INV-000008's stale line 2 and INV-000007's two lines.
    assert report.changes.removed == 3
    [segment] = await rows_of(engine, "quarter_segment")
    assert D("5000.00") in segment

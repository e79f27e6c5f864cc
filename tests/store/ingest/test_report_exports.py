"""Sales exports of a trial user (in `tally/`) that are reports around the sales: QuickBooks'
`Sales by Customer Detail` (a customer's name over its lines, `Total for NAME` under them),
Zoho's invoices (an amount before tax and a total with it), and Tally's monthly summary of
the Sales Register (totals per month, no voucher)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.keyed_rows import KEYS_PER_STATEMENT
from store.tables import METADATA
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"


async def _accounts(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")


async def test_quickbooks_totals_and_headings_are_not_sales(engine: AsyncEngine) -> None:
    await _accounts(engine)
    report = await ingest_file(
        engine,
        kind=IngestKind.SALES,
        path=FIXTURES / "quickbooks_sales_by_customer.csv",
        app="kaveri",
    )
    assert report.columns["invoice"] == "Num"
    assert "Skipped 3 total or balance lines" in report.notes
    assert any(note.startswith("Skipped 3 heading or note lines") for note in report.notes)
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("KAV-001", d("2025-04-01"), "1001", 1, D("12345.60")),
        ("KAV-001", d("2025-04-15"), "1004", 1, D("875.00")),
        ("KAV-002", d("2025-04-03"), "1002", 1, D("4560.00")),
        ("KAV-002", d("2025-05-02"), "CM-1", 1, D("-560.00")),
    ]


async def test_zoho_sales_are_the_amount_before_tax(engine: AsyncEngine) -> None:
    await _accounts(engine)
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_invoices.csv", app="kaveri"
    )
    assert report.columns["amount"] == "SubTotal"
    assert any(note.startswith("Amounts read from 'SubTotal', before tax") for note in report.notes)
    assert sorted(row[4] for row in await rows_of(engine, "sale_line")) == [
        D("5000.00"),
        D("20000.00"),
        D("100000.00"),
    ]


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_monthly_summary_is_refused_as_a_summary(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    with pytest.raises(FileRejected) as refused:
        await ingest_file(
            engine, kind=kind, path=FIXTURES / "sales_register_monthly_summary.csv", app="kaveri"
        )
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(
        f"{FIXTURES / 'sales_register_monthly_summary.csv'}: this is a summary of totals"
    )
    assert "not the register of vouchers" in message


async def test_zoho_items_are_counted_by_their_item_totals(engine: AsyncEngine) -> None:
    """One row per item repeats the invoice's SubTotal (5000.00 on both): the items' own
    totals are the sales, never the SubTotal once per item."""
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_items.csv", app="zoho"
    )
    assert report.columns["amount"] == "Item Total"
    assert [row[2:6] for row in await rows_of(engine, "sale_line")] == [
        ("INV-000007", 1, D("2000.00"), D("2")),
        ("INV-000007", 2, D("3000.00"), D("1")),
    ]


def _without_item_totals(tmp_path: Path, *, invoices: int = 1) -> Path:
    """Zoho's items export without its `Item Total` column, only the invoice's amounts left,
    with `invoices` invoices of the same two items."""
    header, *items = (FIXTURES / "zoho_items.csv").read_text().splitlines()
    rows = [
        item.replace("INV-000007", f"INV-{7 + number:06d}").replace("12007", f"{12007 + number}")
        for number in range(invoices)
        for item in items
    ]
    path = tmp_path / "items.csv"
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in (header, *rows)) + "\n")
    return path


@pytest.mark.parametrize(("amount", "invoices"), [("SubTotal", 1), ("Total", 2)])
async def test_an_invoice_amount_repeated_over_its_items_counts_once(
    engine: AsyncEngine, tmp_path: Path, amount: str, invoices: int
) -> None:
    """`SubTotal` is only ever the whole invoice's: one invoice repeating it is enough. A
    bare `Total` takes two invoices of several rows, all repeating theirs."""
    path = _without_item_totals(tmp_path, invoices=invoices)
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=path, app="zoho", columns={"amount": amount}
    )
    assert (
        f"Counted {invoices} invoice{'s' if invoices > 1 else ''} once over their "
        f"{2 * invoices} item rows: {amount!r} is the whole invoice's, repeated on each"
    ) in report.notes
    expected = D("5000.00") if amount == "SubTotal" else D("5900.00")
    assert [row[2:6] for row in await rows_of(engine, "sale_line")] == [
        (f"INV-{7 + number:06d}", 1, expected, D("3")) for number in range(invoices)
    ]


async def test_one_invoice_repeating_a_bare_total_is_kept_as_its_lines(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A register's `Total` is each line's: one invoice of two items at one price is two
    sales, and the load says why it did not count the invoice once."""
    path = tmp_path / "register.csv"
    path.write_text(
        "Date,Customer,Invoice No,Total\n"
        "2024-07-02,C1,INV-7,500.00\n2024-07-02,C1,INV-7,500.00\n2024-07-03,C2,INV-8,900.00\n"
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert not any(note.startswith("Counted") for note in report.notes)
    assert (
        "Kept the 2 lines of the one invoice that repeat one 'Total' as 2 sales: one such "
        "invoice does not show the column is the whole invoice's (as a second would)"
    ) in report.notes
    assert sum(row[4] for row in await rows_of(engine, "sale_line")) == D("1900.00")


async def test_lines_of_one_invoice_with_their_own_amounts_all_count(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "Date,Customer,Invoice No,Total\n"
        "2024-07-02,C1,INV-1,100.00\n2024-07-02,C1,INV-1,250.00\n2024-07-02,C1,,100.00\n"
        "2024-07-02,C1,,100.00\n"
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert sum(row[4] for row in await rows_of(engine, "sale_line")) == D("550.00")


async def test_equal_lines_of_an_invoice_count_when_another_invoice_shows_the_column_is_per_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Whether `Total` is the whole invoice's is decided once for the file: INV-2's lines differ,
    so INV-7's two items at one price are two sales, with their own costs."""
    path = tmp_path / "register.csv"
    path.write_text(
        "Date,Customer,Invoice No,Total,Cost\n"
        "2024-07-02,C1,INV-7,500.00,300.00\n2024-07-02,C1,INV-7,500.00,350.00\n"
        "2024-07-03,C2,INV-2,100.00,60.00\n2024-07-03,C2,INV-2,250.00,90.00\n"
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert not any(note.startswith("Counted") for note in report.notes)
    rows = await rows_of(engine, "sale_line")
    assert sum(row[4] for row in rows) == D("1350.00")


async def test_void_and_draft_invoices_are_skipped_and_counted(engine: AsyncEngine) -> None:
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_with_void.csv", app="zoho"
    )
    assert report.columns["status"] == "Invoice Status"
    assert (
        "Skipped 2 lines of invoices not issued (void, draft, cancelled): 1 Void, 1 Draft"
    ) in report.notes
    assert [row[2] for row in await rows_of(engine, "sale_line")] == [
        "INV-000001",
        "INV-000003",
        "INV-000002",
        "INV-000004",
    ]
    assert sum(row[4] for row in await rows_of(engine, "sale_line")) == D("58500.00")


async def test_a_reload_removes_the_item_lines_an_earlier_version_stored_for_an_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """An earlier version stored each item row of a Zoho invoice with the whole SubTotal
    (lines 1 and 2 of INV-000007, 5000.00 each: its revenue twice). Reloaded, the invoice is
    counted once: line 1 is the invoice, and line 2 is removed in the same load, which says so."""
    path = _without_item_totals(tmp_path)
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    [stored] = await rows_of(engine, "sale_line")
    sale_line = METADATA.tables["sale_line"]
    async with engine.begin() as connection:
        # What the earlier version left: one line per item row, each with the whole amount.
        await connection.execute(
            update(sale_line).where(sale_line.c.line == 1).values(quantity=D("2"))
        )
        await connection.execute(
            insert(sale_line).values(
                account_id=stored[0],
                sale_date=stored[1],
                invoice="INV-000007",
                line=2,
                amount=D("5000.00"),
                quantity=D("1"),
            )
        )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    assert [row[2:6] for row in await rows_of(engine, "sale_line")] == [
        ("INV-000007", 1, D("5000.00"), D("3"))
    ]
    assert report.changes is not None
    assert report.changes.removed == 1
    assert report.summary().endswith("1 sale line written, 1 removed")
    # Line 2, stored without a voucher type, is taken as the file's invoice, then removed as a
    # line the invoice no longer has: no type is recorded of it.
    assert report.changes_line() == "1 sale line: 0 new, 1 changed, 0 unchanged, 1 removed"
    # The segments are recomputed from the one line left.
    [segment] = await rows_of(engine, "quarter_segment")
    assert D("5000.00") in segment


async def test_an_invoice_of_lines_with_their_own_amounts_keeps_its_stored_lines(
    engine: AsyncEngine,
) -> None:
    """Lines are removed only under invoices counted once: item totals are lines of their own."""
    await ingest_file(engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_items.csv", app="zoho")
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_items.csv", app="zoho"
    )
    assert report.changes is not None
    assert report.changes.removed == 0
    assert len(await rows_of(engine, "sale_line")) == 2


async def test_a_submitted_e_invoice_is_a_sale_and_a_submitted_invoice_is_not(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A GST sales register's `E-Invoice Status` says what the tax portal did with an issued
    invoice (`Submitted`: reported): its lines are sales. In the invoice's own `Status`
    column (Xero's), `Submitted` is an invoice awaiting approval, not issued."""
    rows = (
        '2025-04-02,INV-101,Sharma Electricals,29ABCDE1234F1Z5,"1,00,000.00",Submitted\n'
        '2025-04-03,INV-102,Iyer Agencies,33ABCDE1234F1Z5,"20,000.00",Generated\n'
        '2025-04-04,INV-103,Gupta Traders,27ABCDE1234F1Z5,"5,000.00",Cancelled\n'
    )
    path = tmp_path / "gst_register.csv"
    path.write_text(
        "Invoice Date,Invoice Number,Customer Name,GSTIN,Taxable Value,E-Invoice Status\n" + rows
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="gst")
    assert report.columns["status"] == "E-Invoice Status"
    assert sorted(row[2] for row in await rows_of(engine, "sale_line")) == ["INV-101", "INV-102"]
    assert (
        "Skipped 1 line of invoices not issued (void, draft, cancelled): 1 Cancelled"
    ) in report.notes
    own = tmp_path / "xero.csv"
    # Other customers: an export's customers belong to its app.
    own.write_text(
        "Invoice Date,Invoice Number,Customer Name,GSTIN,Taxable Value,Status\n"
        + rows.replace("Agencies", "Foods")
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=own, app="xero")
    assert (
        "Skipped 2 lines of invoices not issued (void, draft, cancelled): 1 Submitted, 1 Cancelled"
    ) in report.notes


async def test_stale_lines_of_more_invoices_than_one_statement_takes_are_all_removed(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    invoices = KEYS_PER_STATEMENT + 1
    path = _without_item_totals(tmp_path, invoices=invoices)
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    stored = await rows_of(engine, "sale_line")
    sale_line = METADATA.tables["sale_line"]
    async with engine.begin() as connection:
        await connection.execute(
            insert(sale_line),
            [
                {
                    "account_id": account,
                    "sale_date": day,
                    "invoice": invoice,
                    "line": 2,
                    "amount": amount,
                    "quantity": D("1"),
                }
                for account, day, invoice, _line, amount, *_rest in stored
            ],
        )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    assert report.changes is not None
    assert report.changes.removed == invoices
    assert {row[3] for row in await rows_of(engine, "sale_line")} == {1}

"""A Day Book as Tally ERP 9 writes its voucher types, abbreviated (`Sale`, `Purc`, `Rcpt`,
`Pymt`, `Jrnl`, `Ctra`, `C/Note`, `D/Note`, `Dely Note`), with a supplier's purchase and
the payment made to it beside the customers' vouchers.

The fixture's shape: the Day Book's columns as the other Tally fixtures give them, its types
abbreviated as Tally's Day Book exported as text writes them (TN47/tally2ledger reads `Rcpt`,
`Pymt`, `Jrnl` and `Ctra` from one, and its dates as `2-4-2025`), the other abbreviations as
Tally's data keep them beside the types' names."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of, write_delimited

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
DAY_BOOK = FIXTURES / "daybook_abbreviated.csv"


async def test_abbreviated_types_as_sales(engine: AsyncEngine) -> None:
    # On main `Purc`, `Pymt`, `Jrnl`, `Ctra`, `D/Note` and `Dely Note` were sales, and the
    # credit note `C/Note` a sale too, on the Cr side taken for a return only by its side.
    report = await ingest_file(engine, kind=IngestKind.SALES, path=DAY_BOOK, app="kaveri")
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Gupta Traders", d("2025-04-05"), "KD/25-26/002", 1, D("45000.00")),
        ("Gupta Traders", d("2025-04-15"), "1", 1, D("-5000.00")),
        ("Sharma Electricals", d("2025-04-02"), "KD/25-26/001", 1, D("118000.00")),
    ]
    assert (
        "Skipped lines whose voucher type is not a sale: 1 Purc, 1 Rcpt, 2 Pymt, 1 Ctra, "
        "1 D/Note, 1 Jrnl, 1 Dely Note"
    ) in report.notes
    assert sorted(row[0] for row in await rows_of(engine, "account")) == [
        "Gupta Traders",
        "Sharma Electricals",
    ]


async def test_a_day_books_supplier_is_no_customer_of_the_ledger(engine: AsyncEngine) -> None:
    # On main the supplier was a customer: its purchase a payment, the payment made to it
    # an invoice; and the rent paid (a Payment under `Office Rent`, the ledger it debits) an
    # invoice of a customer `Office Rent`.
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=DAY_BOOK, app="kaveri")
    assert (
        "A Day Book: skipped 3 lines of 2 parties named on purchase or payment vouchers and on "
        "no sale, credit note or receipt: suppliers and expenses paid, not customers (parties: "
        "Bharat Steel Suppliers, Office Rent)"
    ) in report.notes
    entries = [row[:6] for row in await rows_of(engine, "ledger_entry")]
    assert entries == [
        ("Gupta Traders", d("2025-04-05"), "invoice", "KD/25-26/002", 1, D("45000.00")),
        ("Gupta Traders", d("2025-04-15"), "payment", "1", 1, D("5000.00")),
        ("Gupta Traders", d("2025-04-20"), "invoice", "1", 1, D("500.00")),
        ("Sharma Electricals", d("2025-04-02"), "invoice", "KD/25-26/001", 1, D("118000.00")),
        ("Sharma Electricals", d("2025-04-09"), "payment", "1", 1, D("50000.00")),
        ("Sharma Electricals", d("2025-04-25"), "invoice", "1", 1, D("1200.00")),
    ]
    assert sorted(row[0] for row in await rows_of(engine, "account")) == [
        "Gupta Traders",
        "Sharma Electricals",
    ]


async def test_a_customer_who_also_sells_keeps_its_customers_lines(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Day Book.csv"
    path.write_text(
        "Kaveri Distributors\nDay Book\n1-Apr-2025 to 30-Apr-2025\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        "1-Apr-2025,Mehta & Sons,Sales,S/1,10000.00,\n"
        "2-Apr-2025,Mehta & Sons,Purchase,P/9,,4000.00\n"
        "3-Apr-2025,Mehta & Sons,Receipt,R/1,,6000.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    assert (
        "A Day Book: skipped 1 purchase voucher of parties that are customers too (what we "
        "bought from them is not what they owe)"
    ) in report.notes
    assert [row[2:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("invoice", "S/1", 1, D("10000.00")),
        ("payment", "R/1", 1, D("6000.00")),
    ]


async def test_without_the_day_book_title_a_purchase_is_read_as_before(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # A receivables ledger (not a Day Book) lists only customers: a purchase journal there
    # is read by its side, as before.
    path = write_delimited(
        tmp_path,
        "debtors.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"],
        [
            ["1-Apr-2025", "Mehta & Sons", "Sales", "S/1", "10000.00", ""],
            ["2-Apr-2025", "Mehta & Sons", "Purchase", "P/9", "", "4000.00"],
        ],
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    assert [row[2] for row in await rows_of(engine, "ledger_entry")] == ["invoice", "payment"]

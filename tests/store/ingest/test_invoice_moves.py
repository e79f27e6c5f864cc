"""A corrected voucher date moves the invoice (a trial user's Tally Day Book, re-exported after
voucher KD/25-26/004 moved from 2-May-25 to 3-May-25): one invoice, at the new date, in sales
and in the ledger, and the load says so; across financial years a number is another invoice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.api_client import StatementCounter
from tests.store.sales_support import d, rows_of

D = Decimal
SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER
MEHTA = "Mehta & Sons"

DAY_BOOK = """Kaveri Distributors Pvt Ltd
"12, MG Road, Bengaluru"
Day Book
1-Apr-25 to 30-Sep-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00",
12-Apr-25,Cash,Sales,KD/25-26/003,"8,500.00",
20-Apr-25,Kaveri Traders,Receipt,1,,"1,00,000.00"
2-May-25,Mehta & Sons,Sales,KD/25-26/004,"2,10,000.00",
15-May-25,Patel Agencies,Sales,KD/25-26/005,"15,750.50",
10-Jun-25,Kaveri Traders,Credit Note,CN/001,,"3,456.00"
4-Jul-25,Kaveri Traders,Sales,KD/25-26/010,"60,000.00",
"""
FIXED = DAY_BOOK.replace("2-May-25,Mehta", "3-May-25,Mehta")


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


async def _mehta(engine: AsyncEngine, table: str) -> list[tuple[object, ...]]:
    return [row for row in await rows_of(engine, table) if row[0] == MEHTA]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_a_corrected_voucher_date_moves_the_invoice(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    table = "sale_line" if kind is SALES else "ledger_entry"
    original = _file(tmp_path, "daybook.csv", DAY_BOOK)
    fixed = _file(tmp_path, "daybook_fixed.csv", FIXED)
    await ingest_file(engine, kind=kind, path=original, app="distrib")
    report = await ingest_file(engine, kind=kind, path=fixed, app="distrib")
    assert report.changes is not None
    assert report.changes.new == 0
    assert any(
        note.startswith("1 invoice re-dated: KD/25-26/004 2025-05-02 -> 2025-05-03")
        for note in report.notes
    ), report.notes
    stored = await _mehta(engine, table)
    assert [row[1] for row in stored] == [d("2025-05-03")]
    # Reloading the original moves it back: never stored twice either way.
    back = await ingest_file(engine, kind=kind, path=original, app="distrib")
    assert any("2025-05-03 -> 2025-05-02" in note for note in back.notes)
    assert [row[1] for row in await _mehta(engine, table)] == [d("2025-05-02")]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_a_load_that_only_re_dates_says_so_in_its_last_line(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """The corrected file writes no row of its own (the re-dated invoice is then stored as the
    file has it), but it changed a stored line: its summary says what, not `nothing written`."""
    one, many = ("sale line", "sale lines") if kind is SALES else ("ledger entry", "ledger entries")
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "a.csv", DAY_BOOK), app="distrib")
    report = await ingest_file(
        engine, kind=kind, path=_file(tmp_path, "b.csv", FIXED), app="distrib"
    )
    assert report.changes is not None
    unchanged = report.changes.unchanged
    assert report.changes.moved == 1
    assert report.what_was_written() == f"1 {one} moved, {unchanged} unchanged"
    assert "nothing written" not in report.summary()
    assert report.changes_line() == (
        f"{unchanged} {many}: 0 new, 0 changed, {unchanged} unchanged, 1 moved"
    )
    # Loaded again, it moves nothing: nothing written.
    again = await ingest_file(
        engine, kind=kind, path=_file(tmp_path, "c.csv", FIXED), app="distrib"
    )
    assert again.what_was_written() == f"nothing written, {unchanged} {many} unchanged"


async def test_the_moved_invoice_counts_once_in_revenue_and_debt(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    original = _file(tmp_path, "daybook.csv", DAY_BOOK)
    fixed = _file(tmp_path, "daybook_fixed.csv", FIXED)
    for path in (original, fixed):
        await ingest_file(engine, kind=SALES, path=path, app="distrib")
        await ingest_file(engine, kind=LEDGER, path=path, app="distrib")
    quarters = {row[1]: row[3] for row in await _mehta(engine, "quarter_segment")}
    assert quarters == {"2025-Q2": D("210000.00")}
    (risk,) = await _mehta(engine, "credit_risk")
    assert (risk[4], risk[5]) == (D("210000.00"), D("210000.00"))


async def test_a_number_the_file_dates_twice_moves_nothing_and_a_later_file_settles_it(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A file giving one invoice two dates is ambiguous: both stay. A later file giving it one
    date keeps the lines at that date and drops the double (an earlier load's)."""
    twice = _file(
        tmp_path,
        "twice.csv",
        "Customer,Date,Invoice,Amount\nA,2025-05-02,7,10\nA,2025-05-03,7,10\n",
    )
    once = _file(tmp_path, "once.csv", "Customer,Date,Invoice,Amount\nA,2025-05-03,7,10\n")
    first = await ingest_file(engine, kind=SALES, path=twice)
    assert not any("re-dated" in note for note in first.notes)
    assert len(await rows_of(engine, "sale_line")) == 2
    report = await ingest_file(engine, kind=SALES, path=once)
    assert any("1 invoice re-dated: 7 2025-05-02 -> 2025-05-03" in n for n in report.notes)
    assert [row[1] for row in await rows_of(engine, "sale_line")] == [d("2025-05-03")]


async def test_another_customer_or_financial_year_is_another_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    first = _file(
        tmp_path, "first.csv", "Customer,Date,Invoice,Amount\nA,2025-03-31,7,10\nB,2025-05-02,7,5\n"
    )
    # 1 April starts another financial year; B's number 7 is not A's.
    later = _file(tmp_path, "later.csv", "Customer,Date,Invoice,Amount\nA,2025-04-01,7,20\n")
    await ingest_file(engine, kind=SALES, path=first)
    report = await ingest_file(engine, kind=SALES, path=later)
    assert not any("re-dated" in note for note in report.notes)
    assert [(row[0], row[1]) for row in await rows_of(engine, "sale_line")] == [
        ("A", d("2025-03-31")),
        ("A", d("2025-04-01")),
        ("B", d("2025-05-02")),
    ]


async def test_a_quickbooks_number_is_one_invoice_whatever_the_year(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """QuickBooks' numbers never restart: invoice 1001 re-dated into another year moves."""
    report = (
        "Acme LLC\nSales by Customer Detail\nAll Dates\n\n"
        ",Type,Date,Num,Name,Amount\n,Invoice,{day},1001,Amy's Bird Sanctuary,$300.00\n"
    )
    await ingest_file(
        engine, kind=SALES, path=_file(tmp_path, "a.csv", report.format(day="03/30/2025"))
    )
    moved = await ingest_file(
        engine, kind=SALES, path=_file(tmp_path, "b.csv", report.format(day="04/02/2025"))
    )
    assert any("1001 2025-03-30 -> 2025-04-02" in note for note in moved.notes)
    assert [row[1] for row in await rows_of(engine, "sale_line")] == [d("2025-04-02")]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_the_reads_of_stored_invoices_name_the_files_own(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, sql_statements: StatementCounter
) -> None:
    """The stored invoices are read once per load (the invoice-date check's read, shared with
    the re-dating and, for a Day Book's gross sales, the amounts before tax:
    store/ingest/kinds/stored_invoices.py), asking for the file's own invoices by customer and
    number, not for every stored invoice of the file's customers (a long history read per
    load)."""
    # Lines and entries are read of the load's book (store/ingest/kinds/ledger_books.py).
    table, number = (
        ("sale_line", "invoice, sale_line.book")
        if kind is SALES
        else ("ledger_entry", "reference, ledger_entry.book")
    )
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "a.csv", DAY_BOOK), app="distrib")
    sql_statements.reset()
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "b.csv", FIXED), app="distrib")
    # (Not the write's comparison by account and dates, nor the segments' read of every line
    # of the app, joined to its accounts, nor a ledger's read of the entries stored under a
    # bill that record the file's numbers as their own: store/ingest/kinds/ledger_vouchers.py,
    # one statement too, by the file's customers and numbers.)
    selects = [
        s
        for s in sql_statements.statements
        if s.startswith(f"SELECT {table}.account_id, ") and "JOIN" not in s and " BETWEEN " not in s
    ]
    # (The matching of one voucher stored under its own number and under its bill reads every
    # book's entries of the file's customers: a load of a named book takes over an entry of no
    # known book, and one of no known book borrows the named book's: ledger_vouchers.py.)
    own_numbers = [s for s in selects if f"{table}.voucher_number) IN" in s]
    assert len(own_numbers) == (1 if kind is LEDGER else 0), own_numbers
    # A ledger's read of the payments stored on the days of the file's payments whose own
    # number only one export gives (`ledger_vouchers`, by amount): by the file's customers and
    # days, one statement too.
    by_days = [s for s in selects if f"{table}.entry_date, {table}.kind) IN" in s]
    assert len(by_days) == (1 if kind is LEDGER else 0), by_days
    reads = [s for s in selects if s not in own_numbers and s not in by_days]
    assert len(reads) == 1, reads
    assert f"{table}.{number}) IN" in reads[0], reads

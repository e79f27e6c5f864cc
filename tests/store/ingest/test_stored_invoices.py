"""One read of the stored lines of a load's own invoices (store/ingest/kinds/stored_invoices.py)
feeds the invoice-date check, the re-dating of moved invoices, the gross amounts of a Day Book
and the stale lines' removal, each step seeing the lines as the steps before it left them; a
first load deletes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.api_client import StatementCounter
from tests.store.sales_support import d, rows_of

D = Decimal
SALES = IngestKind.SALES
REGISTER = (
    "Date,Customer,Invoice No,Amount\n2024-05-02,C1,INV-1,100.00\n2024-05-04,C3,INV-3,200.00\n"
)
DAY_BOOK = "Kaveri Distributors Pvt. Ltd.\nDay Book\n1-May-2024 to 31-May-2024\n\n"
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
# INV-4 entered twice under one number on 6 May (two lines of one invoice).
FIRST_DAY_BOOK = (
    DAY_BOOK + HEADER + "6-May-2024,C4,Sales,INV-4,59.00,\n6-May-2024,C4,Sales,INV-4,59.00,\n"
)
# The Day Book again: INV-1 gross, INV-3 re-dated to 5 May, INV-4 once.
SECOND_DAY_BOOK = (
    DAY_BOOK
    + HEADER
    + "2-May-2024,C1,Sales,INV-1,118.00,\n5-May-2024,C3,Sales,INV-3,236.00,\n"
    + "6-May-2024,C4,Sales,INV-4,59.00,\n"
)
ZOHO_HEADER = (
    "Invoice Date,Invoice Number,Invoice Status,Customer ID,Customer Name,SubTotal,Total\n"
)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _keyed_reads(statements: list[str], table: str) -> list[str]:
    """Reads of a table by invoice key (not the write's comparison by account and dates, nor
    the segments' read of the app's lines)."""
    return [
        s
        for s in statements
        if s.startswith(f"SELECT {table}.account_id, ")
        and f"({table}.account_id, {table}." in s
        and "JOIN" not in s
    ]


async def test_a_day_book_reload_reads_its_stored_invoices_once_and_answers_as_before(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """A Day Book whose invoices a register stored before tax (INV-1), dates otherwise (INV-3,
    moved to 5 May, then kept before tax at its new date) and has fewer lines of (INV-4): one
    keyed read of `sale_line` (three before: the date check's, the re-dating's, the gross
    amounts'), and the same answers: INV-3 re-dated, both kept before tax, INV-4's second line
    removed."""
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "r.csv", REGISTER), app="kd")
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "a.csv", FIRST_DAY_BOOK), app="kd")
    sql_statements.reset()

    report = await ingest_file(
        engine, kind=SALES, path=_file(tmp_path, "b.csv", SECOND_DAY_BOOK), app="kd"
    )

    assert any("1 invoice re-dated: INV-3 2024-05-04 -> 2024-05-05" in n for n in report.notes)
    [kept] = [n for n in report.notes if n.startswith("Kept the amount before tax")]
    assert "2 invoices" in kept
    assert "INV-1 100.00 (not 118.00)" in kept
    assert "INV-3 200.00 (not 236.00)" in kept
    assert report.changes is not None
    assert report.changes.removed == 1
    assert [
        (row[0], row[1], row[2], row[3], row[4], row[8])
        for row in await rows_of(engine, "sale_line")
    ] == [
        ("C1", d("2024-05-02"), "INV-1", 1, D("100.00"), False),
        ("C3", d("2024-05-05"), "INV-3", 1, D("200.00"), False),
        ("C4", d("2024-05-06"), "INV-4", 1, D("59.00"), True),
    ]
    assert len(_keyed_reads(sql_statements.statements, "sale_line")) == 1


async def test_a_first_load_reads_once_and_deletes_nothing(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """No stored line of its invoices yet: one keyed read (the date check's, shared), and no
    DELETE of stale lines (there are none); a ledger's first load alike."""
    sales = "Customer,Date,Invoice,Amount\n" + "".join(
        f"C{i},2024-04-{1 + i % 28:02d},INV-{i},10.00\n" for i in range(30)
    )
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "s.csv", sales), app="a")
    assert len(_keyed_reads(sql_statements.statements, "sale_line")) == 1
    assert not [s for s in sql_statements.statements if s.startswith("DELETE FROM sale_line")]

    sql_statements.reset()
    ledger = "Date,Customer,Kind,Invoice,Amount\n" + "".join(
        f"2024-04-{1 + i % 28:02d},C{i},invoice,INV-{i},10.00\n" for i in range(30)
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=_file(tmp_path, "l.csv", ledger))
    assert len(_keyed_reads(sql_statements.statements, "ledger_entry")) == 1
    assert not [s for s in sql_statements.statements if s.startswith("DELETE FROM ledger_entry")]


async def test_a_withdrawn_invoices_lines_are_read_again_after_their_removal(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """INV-9 of 2 July stored; the next export says INV-9 of 2 July is void and has an INV-9
    of 3 July: the void one's line goes (keyed by date and number, whoever's), and what the
    date check read of INV-9 is read again, so nothing is re-dated onto 3 July."""
    first = ZOHO_HEADER + "2024-07-02,INV-9,Paid,C1,Zenith Foods,100.00,100.00\n"
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "z1.csv", first), app="zoho")
    second = ZOHO_HEADER + (
        "2024-07-02,INV-9,Void,C1,Zenith Foods,100.00,100.00\n"
        "2024-07-03,INV-9,Paid,C1,Zenith Foods,150.00,150.00\n"
    )
    report = await ingest_file(
        engine, kind=SALES, path=_file(tmp_path, "z2.csv", second), app="zoho"
    )
    assert not any("re-dated" in note for note in report.notes), report.notes
    assert any(note.startswith("Removed 1 line") for note in report.notes), report.notes
    assert [(row[1], row[2], row[4]) for row in await rows_of(engine, "sale_line")] == [
        (d("2024-07-03"), "INV-9", D("150.00"))
    ]

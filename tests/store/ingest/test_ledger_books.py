"""Two books of one customer (a firm's two Tally companies: two GSTINs, two branches) in one
app: a ledger entry is of the book its export names above the columns, and a load of one book
never edits, moves or trims another's entries, however their bills and days coincide; credit
risk sums all books (store/ingest/kinds/ledger_books.py). A file naming no company keeps the
behaviour of loads before books were kept, and says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import IngestKind, IngestReport, ingest_file
from store.tables import LEDGER_TABLE
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
MAIN = "Shree Ganesh Distributors Pvt. Ltd."
PUNE = "Shree Ganesh Distributors (Pune Branch)"
# The books as stored: the names folded (analytics.book_names).
MAIN_BOOK = book_key(MAIN)
PUNE_BOOK = book_key(PUNE)
_TITLE = "{company}\nSundry Debtors - Bill-wise Details\n1-Apr-2024 to 31-Mar-2025\n\n"
_HEADER = "Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit\n"
# The main company's bill SG/24-25/002, settled on 10 May by a credit note and a receipt.
MAIN_LINES = (
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"50,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Credit Note,CN/003,,"5,000.00"\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
)
# The branch numbers its bills alike: its own SG/24-25/002 of the same day, and a receipt of
# the same amount on the same day.
PUNE_LINES = (
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"30,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/017,,"25,000.00"\n'
)
MAIN_ENTRIES = [
    (d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("50000.00"), MAIN_BOOK),
    (d("2024-05-10"), "payment", "SG/24-25/002", 1, D("5000.00"), MAIN_BOOK),
    (d("2024-05-10"), "payment", "SG/24-25/002", 2, D("25000.00"), MAIN_BOOK),
]
PUNE_ENTRIES = [
    (d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("30000.00"), PUNE_BOOK),
    (d("2024-05-10"), "payment", "SG/24-25/002", 1, D("25000.00"), PUNE_BOOK),
]


def ledger_file(folder: Path, name: str, lines: str, company: str | None) -> Path:
    title = "" if company is None else _TITLE.format(company=company)
    path = folder / name
    path.write_text(title + _HEADER + lines, encoding="utf-8")
    return path


async def entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    """date, kind, reference, line, amount, book of every entry, by book then key."""
    rows = await rows_of(engine, "ledger_entry")
    book = list(LEDGER_TABLE.c.keys()).index("book")
    return sorted(((*row[1:6], row[book]) for row in rows), key=lambda e: (e[5], e[:4]))


async def _load(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=LEDGER, path=path, app="sgd")


async def test_a_branchs_ledger_leaves_the_main_books_entries_of_its_bill_and_day(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The branch's whole ledger has SG/24-25/002 on the main books' days, at other amounts
    and with fewer payments: the main books' invoice keeps its amount and their credit note
    stays; the branch's entries are added beside them, and credit risk sums both books."""
    await _load(engine, ledger_file(tmp_path, "main.csv", MAIN_LINES, MAIN))
    report = await _load(engine, ledger_file(tmp_path, "pune.csv", PUNE_LINES, PUNE))

    assert await entries(engine) == [*MAIN_ENTRIES, *PUNE_ENTRIES]
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (2, 0, 0)
    assert any(note.startswith(f"Book: {PUNE!r}") for note in report.notes), report.notes
    # invoiced 50,000 + 30,000; owed 20,000 (main) + 5,000 (branch)
    credit = {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}
    assert credit == {"Sharma Electricals": (D("80000.00"), D("25000.00"))}

    # Each book's reload changes nothing, in either order.
    for name, lines, company in (("m2.csv", MAIN_LINES, MAIN), ("p2.csv", PUNE_LINES, PUNE)):
        again = await _load(engine, ledger_file(tmp_path, name, lines, company))
        assert again.changes is not None
        assert (again.changes.new, again.changes.changed, again.changes.removed) == (0, 0, 0)
    assert await entries(engine) == [*MAIN_ENTRIES, *PUNE_ENTRIES]


async def test_a_branchs_edit_trims_only_its_own_book(engine: AsyncEngine, tmp_path: Path) -> None:
    """The main books' receipt deleted (a whole ledger without it) removes that book's entry
    only; the branch's receipt of the same bill, day and amount stays."""
    await _load(engine, ledger_file(tmp_path, "main.csv", MAIN_LINES, MAIN))
    await _load(engine, ledger_file(tmp_path, "pune.csv", PUNE_LINES, PUNE))
    without = "".join(line for line in MAIN_LINES.splitlines(keepends=True) if "RC/090" not in line)

    report = await _load(engine, ledger_file(tmp_path, "main2.csv", without, MAIN))

    assert report.changes is not None
    assert report.changes.removed == 1
    assert await entries(engine) == [*MAIN_ENTRIES[:2], *PUNE_ENTRIES]


async def test_a_branchs_invoice_of_another_day_moves_not_the_main_books(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The branch's SG/24-25/002 is of 3 May: the main books' of 1 May is another voucher,
    not re-dated by the branch's load."""
    await _load(engine, ledger_file(tmp_path, "main.csv", MAIN_LINES, MAIN))
    later = PUNE_LINES.replace("1-May-2024", "3-May-2024")

    report = await _load(engine, ledger_file(tmp_path, "pune.csv", later, PUNE))

    assert not any("re-dated" in note for note in report.notes), report.notes
    assert await entries(engine) == [
        *MAIN_ENTRIES,
        (d("2024-05-03"), *PUNE_ENTRIES[0][1:]),
        PUNE_ENTRIES[1],
    ]


async def test_two_books_opening_balances_of_one_day_are_both_kept(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Each book's ledger of the customer opens the year with its own balance (entries without
    a number, on one day and of one kind): both are stored, each counted against its own
    book's entries, and what is owed sums them."""
    ledger = (
        "{company}\nLedger: Sharma Electricals\n1-Apr-25 to 30-Jun-25\n"
        "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
        ',Opening Balance,,,"{opening}",\n'
        '5-Apr-25,To Sales Account,Sales,KD/25-26/001,"{sale}",\n'
    )
    for name, company, opening, sale in (
        ("main.csv", MAIN, "10,000.00", "20,000.00"),
        ("pune.csv", PUNE, "4,000.00", "6,000.00"),
    ):
        path = tmp_path / name
        path.write_text(ledger.format(company=company, opening=opening, sale=sale))
        await _load(engine, path)

    assert await entries(engine) == [
        (d("2025-04-01"), "opening due", "", 1, D("10000.00"), MAIN_BOOK),
        (d("2025-04-05"), "invoice", "KD/25-26/001", 1, D("20000.00"), MAIN_BOOK),
        (d("2025-04-01"), "opening due", "", 1, D("4000.00"), PUNE_BOOK),
        (d("2025-04-05"), "invoice", "KD/25-26/001", 1, D("6000.00"), PUNE_BOOK),
    ]
    credit = {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}
    assert credit == {"Sharma Electricals": (D("26000.00"), D("40000.00"))}


async def test_a_file_naming_no_company_keeps_the_behaviour_before_books(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Without a company above the columns the entries are of no known book, and a later file
    naming none edits and trims them as every load did before books were kept; the load says
    so."""
    first = await _load(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, None))
    assert any(note.startswith("Book: no company named") for note in first.notes), first.notes
    report = await _load(engine, ledger_file(tmp_path, "b.csv", PUNE_LINES, None))

    assert report.changes is not None
    assert (report.changes.changed, report.changes.removed) == (1, 1)
    assert await entries(engine) == [
        (*PUNE_ENTRIES[0][:5], ""),
        (d("2024-05-10"), "payment", "SG/24-25/002", 2, D("25000.00"), ""),
    ]


async def test_a_named_books_load_takes_the_entries_of_no_known_book_it_matches(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Entries loaded from a file naming no company, then the same ledger with its company
    header: the entries become that book's, nothing doubles or changes, and the load says how
    many it took; a branch's load after it leaves them."""
    await _load(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, None))

    report = await _load(engine, ledger_file(tmp_path, "b.csv", MAIN_LINES, MAIN))

    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    assert any(note.startswith("Took 3 entries stored of no known book") for note in report.notes)
    assert await entries(engine) == MAIN_ENTRIES
    await _load(engine, ledger_file(tmp_path, "c.csv", PUNE_LINES, PUNE))
    assert await entries(engine) == [*MAIN_ENTRIES, *PUNE_ENTRIES]

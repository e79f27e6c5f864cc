"""A file naming no company, of invoices one named book holds (store/ingest/kinds/
unnamed_books.py): a Tally Day Book naming `Sharma Trading Co.` (gross 11,800) then a plain CSV
of the same invoice 7 (10,000 before tax) stored both lines, 21,800 of revenue, where before
books were kept the CSV's amount replaced the gross. Now the CSV's line is written into the one
named book that holds the invoice, in either order; an invoice two named books hold is refused;
invoices no named book holds stay of no known book. The ledger follows the same rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import IngestKind, IngestReport, ingest_file
from store.ingest.errors import FileRejected
from store.tables import METADATA
from tests.api_client import StatementCounter
from tests.store.ingest.test_ledger_books import (
    MAIN as LEDGER_MAIN,
)
from tests.store.ingest.test_ledger_books import (
    MAIN_ENTRIES,
    MAIN_LINES,
    PUNE_LINES,
    entries,
    ledger_file,
)
from tests.store.ingest.test_ledger_books import (
    PUNE as LEDGER_PUNE,
)
from tests.store.sales_support import d, rows_of

D = Decimal
SHARMA = "Sharma Trading Co."
OTHER = "Sharma Trading Co. (Pune Branch)"
# The books as stored and named in refusals: the names folded (analytics.book_names).
SHARMA_BOOK = book_key(SHARMA)
OTHER_BOOK = book_key(OTHER)
LEDGER_MAIN_BOOK = book_key(LEDGER_MAIN)
LEDGER_PUNE_BOOK = book_key(LEDGER_PUNE)
DAY_BOOK = (
    "{company}\nDay Book\n1-Apr-2024 to 30-Apr-2024\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
)
PLAIN = "Date,Customer,Invoice No,Amount\n"


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def day_book(folder: Path, name: str, lines: str, company: str = SHARMA) -> Path:
    return _file(folder, name, DAY_BOOK.format(company=company) + lines)


async def sales(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    """date, invoice, line, amount, book of every sale line, by book then key."""
    table = METADATA.tables["sale_line"]
    columns = ("sale_date", "invoice", "line", "amount", "book")
    async with engine.connect() as connection:
        rows = await connection.execute(select(*(table.c[name] for name in columns)))
    return sorted((tuple(row) for row in rows), key=lambda line: (line[4], line[:3]))


async def _sales(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=IngestKind.SALES, path=path, app="s")


async def _ledger(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="sgd")


async def _revenue(engine: AsyncEngine) -> dict[str, tuple[int, Decimal]]:
    return {row[1]: (row[2], row[3]) for row in await rows_of(engine, "quarter_segment")}


GROSS = '2-Apr-2024,Mehta & Sons,Sales,7,"11,800.00",\n'
NET = "2024-04-02,Mehta & Sons,7,10000\n"
NAMED_NET = (d("2024-04-02"), "7", 1, D("10000.00"), SHARMA_BOOK)


async def test_a_plain_csv_after_a_named_day_book_corrects_that_books_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The h9 repro: the CSV's amount before tax replaces the Day Book's gross in the Day
    Book's book (one line, 10,000 of revenue), and the load says so in one note."""
    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))

    report = await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + NET))

    assert await sales(engine) == [NAMED_NET]
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 1, 0)
    held = [note for note in report.notes if note.startswith("Book: 1 invoice of this file")]
    assert len(held) == 1, report.notes
    assert repr(SHARMA_BOOK) in held[0]
    assert await _revenue(engine) == {"2024-Q2": (1, D("10000.00"))}

    # Reloads of either file change nothing and double nothing.
    for name, text in (("p2.csv", PLAIN + NET), ("d2.csv", None)):
        path = day_book(tmp_path, name, GROSS) if text is None else _file(tmp_path, name, text)
        again = await _sales(engine, path)
        assert again.changes is not None
        assert (again.changes.new, again.changes.removed) == (0, 0)
        assert await sales(engine) == [NAMED_NET]


async def test_a_named_day_book_after_a_plain_csv_adopts_its_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The other order (as before this rule): the Day Book's load adopts the CSV's line and
    keeps its amount before tax."""
    await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + NET))

    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))

    assert await sales(engine) == [NAMED_NET]
    assert await _revenue(engine) == {"2024-Q2": (1, D("10000.00"))}


async def test_invoices_no_named_book_holds_stay_of_no_known_book(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The CSV's invoice 8, which no book holds, and its invoice 7 of the next financial year
    (Tally numbers each year afresh: another voucher) stay of no known book."""
    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))
    more = NET + "2024-04-03,Mehta & Sons,8,500\n2025-04-02,Mehta & Sons,7,700\n"

    await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + more))

    assert await sales(engine) == [
        (d("2024-04-03"), "8", 1, D("500.00"), ""),
        (d("2025-04-02"), "7", 1, D("700.00"), ""),
        NAMED_NET,
    ]


async def test_an_invoice_two_named_books_hold_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Both companies have a `Sales 7` of Mehta & Sons: a file naming no company cannot say
    whose its 7 is. Refused in one line naming both books; nothing is written."""
    await _sales(engine, day_book(tmp_path, "a.csv", GROSS))
    await _sales(engine, day_book(tmp_path, "b.csv", GROSS.replace("11,800", "5,900"), OTHER))
    before = await sales(engine)

    with pytest.raises(FileRejected) as caught:
        await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + NET))

    message = str(caught.value)
    assert "\n" not in message
    assert repr(SHARMA_BOOK) in message
    assert repr(OTHER_BOOK) in message
    assert await sales(engine) == before


async def test_a_ledger_without_its_company_line_after_with_it_is_stored_once(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A ledger exported with its company line, then without: its entries stay the named
    book's, nothing doubles or changes; the branch's book is left alone."""
    await _ledger(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, LEDGER_MAIN))

    report = await _ledger(engine, ledger_file(tmp_path, "b.csv", MAIN_LINES, None))

    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    assert any(note.startswith("Book: 2 invoices of this file") for note in report.notes), (
        report.notes
    )
    assert await entries(engine) == MAIN_ENTRIES


async def test_a_ledger_without_its_company_line_before_it_is_stored_once(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _ledger(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, None))
    await _ledger(engine, ledger_file(tmp_path, "b.csv", MAIN_LINES, LEDGER_MAIN))
    assert await entries(engine) == MAIN_ENTRIES


async def test_a_ledger_of_a_bill_two_books_hold_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _ledger(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, LEDGER_MAIN))
    await _ledger(engine, ledger_file(tmp_path, "b.csv", PUNE_LINES, LEDGER_PUNE))
    before = await entries(engine)

    with pytest.raises(FileRejected) as caught:
        await _ledger(engine, ledger_file(tmp_path, "c.csv", PUNE_LINES, None))

    assert repr(LEDGER_MAIN_BOOK) in str(caught.value)
    assert repr(LEDGER_PUNE_BOOK) in str(caught.value)
    assert await entries(engine) == before


async def test_one_read_of_the_files_invoices_however_many(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """The plain CSV's load reads its invoices once (all books) and lends and gives back each
    book's in one statement each: the statements do not grow with the invoices."""

    async def statements(invoices: int) -> int:
        lines = "".join(f'2-Apr-2024,Mehta & Sons,Sales,{n},"1,180.00",\n' for n in range(invoices))
        await _sales(engine, day_book(tmp_path, f"d{invoices}.csv", lines))
        rows = "".join(f"2024-04-02,Mehta & Sons,{n},1000\n" for n in range(invoices))
        sql_statements.reset()
        await _sales(engine, _file(tmp_path, f"p{invoices}.csv", PLAIN + rows))
        return len(sql_statements.statements)

    assert await statements(3) == await statements(30)
    assert {row[3] for row in await sales(engine)} == {D("1000.00")}


NEXT_YEAR = "2025-04-02,Mehta & Sons,7,700\n"
NEXT_YEAR_LINE = (d("2025-04-02"), "7", 1, D("700.00"), "")


async def test_an_invoice_of_no_known_book_in_another_year_leaves_this_years_lent(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`7` of the next financial year is of no known book (another voucher); a later plain
    CSV of this year's `7` still corrects the Day Book's, not writing a second line beside
    it: the lines of no known book that keep an invoice from being lent are those of the
    file's numbering period only."""
    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))
    await _sales(engine, _file(tmp_path, "next.csv", PLAIN + NEXT_YEAR))

    await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + NET))

    assert await sales(engine) == [NEXT_YEAR_LINE, NAMED_NET]


async def _copy_as_no_known_book(engine: AsyncEngine, amount: Decimal) -> None:
    """The named book's line stored a second time of no known book (as a plain CSV after a
    Day Book stored it before revision 423dbd0 lent such invoices), at `amount`."""
    table = METADATA.tables["sale_line"]
    async with engine.begin() as connection:
        row = (await connection.execute(select(table))).mappings().one()
        await connection.execute(table.insert().values({**row, "book": "", "amount": amount}))


async def test_an_invoice_a_named_book_and_no_known_book_both_hold_becomes_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`7` stored in the Day Book's book and again of no known book (one voucher in two
    places, counted twice): a plain CSV of `7` writes it once, into the named book."""
    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))
    await _copy_as_no_known_book(engine, D("9000.00"))

    report = await _sales(engine, _file(tmp_path, "plain.csv", PLAIN + NET))

    assert await sales(engine) == [NAMED_NET]
    assert await _revenue(engine) == {"2024-Q2": (1, D("10000.00"))}
    assert any(note.startswith("Book: 1 invoice of this file") for note in report.notes)


OPENING_LEDGER = (
    "{company}Ledger: Sharma Electricals\n1-Apr-25 to 30-Jun-25\n"
    "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    ',Opening Balance,,,"10,000.00",\n'
    '5-Apr-25,To Sales Account,Sales,KD/25-26/001,"20,000.00",\n'
)
OPENING_ENTRIES = [
    (d("2025-04-01"), "opening due", "", 1, D("10000.00"), LEDGER_MAIN_BOOK),
    (d("2025-04-05"), "invoice", "KD/25-26/001", 1, D("20000.00"), LEDGER_MAIN_BOOK),
]


def _opening_ledger(folder: Path, name: str, company: str | None, bill: str = "KD") -> Path:
    text = OPENING_LEDGER.format(company=f"{company}\n" if company else "")
    return _file(folder, name, text.replace("KD/", f"{bill}/"))


@pytest.mark.parametrize("named_first", [True, False], ids=["named-first", "unnamed-first"])
async def test_an_opening_balance_with_and_without_the_company_line_is_stored_once(
    engine: AsyncEngine, tmp_path: Path, named_first: bool
) -> None:
    """A ledger's opening balance (an entry without a number) loaded from the export with
    its company line and from the same export without it, in either order: stored once, in
    the named book, and credit risk counts it once."""
    order = [LEDGER_MAIN, None] if named_first else [None, LEDGER_MAIN]
    for n, company in enumerate(order):
        await _ledger(engine, _opening_ledger(tmp_path, f"{n}.csv", company))

    assert await entries(engine) == OPENING_ENTRIES
    credit = {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}
    assert credit["Sharma Electricals"][0] == D("20000.00")


async def test_an_opening_balance_two_named_books_hold_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Both companies open the customer's year with a balance on one day; the main books'
    ledger without its company line cannot say whose opening it is: refused in one line
    naming both books."""
    await _ledger(engine, _opening_ledger(tmp_path, "a.csv", LEDGER_MAIN))
    # The branch's bill is numbered apart: only the openings are held by both books.
    await _ledger(engine, _opening_ledger(tmp_path, "b.csv", LEDGER_PUNE, "KP"))
    before = await entries(engine)

    with pytest.raises(FileRejected) as caught:
        await _ledger(engine, _opening_ledger(tmp_path, "c.csv", None))

    message = str(caught.value)
    assert "\n" not in message
    assert repr(LEDGER_MAIN_BOOK) in message
    assert repr(LEDGER_PUNE_BOOK) in message
    assert await entries(engine) == before


CANCELLED = "2-Apr-2024,(cancelled),Sales,7,,\n"


def _unnamed_day_book(folder: Path, name: str, lines: str) -> Path:
    """The Day Book as exported without its company line."""
    return _file(folder, name, DAY_BOOK.format(company="").lstrip("\n") + lines)


async def test_a_cancelled_voucher_naming_no_company_removes_the_one_named_books(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`7` cancelled in a Day Book exported without its company line: the named book that
    holds `7` on its day loses it (where the file's `7` would have been written), with the
    copy of no known book; another number stays."""
    await _sales(engine, day_book(tmp_path, "day.csv", GROSS))
    await _copy_as_no_known_book(engine, D("9000.00"))
    await _sales(engine, day_book(tmp_path, "day8.csv", GROSS.replace(",7,", ",8,")))

    report = await _sales(engine, _unnamed_day_book(tmp_path, "cancel.csv", CANCELLED))

    assert [line[1] for line in await sales(engine)] == ["8"]
    assert any(note.startswith("Removed 2 lines") for note in report.notes), report.notes


async def test_a_cancelled_voucher_two_named_books_hold_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Both companies have a `Sales 7` of that day: a cancelled `7` in a file naming no
    company cannot say whose it is. Refused in one line; nothing is removed."""
    await _sales(engine, day_book(tmp_path, "a.csv", GROSS))
    await _sales(engine, day_book(tmp_path, "b.csv", GROSS, OTHER))
    before = await sales(engine)

    with pytest.raises(FileRejected) as caught:
        await _sales(engine, _unnamed_day_book(tmp_path, "cancel.csv", CANCELLED))

    message = str(caught.value)
    assert "\n" not in message
    assert repr(SHARMA_BOOK) in message
    assert repr(OTHER_BOOK) in message
    assert await sales(engine) == before


async def test_a_cancelled_voucher_naming_no_company_leaves_the_named_books_ledger(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The same Day Book loaded as a ledger: `7` cancelled in its export without the company
    line is no longer owed in the named book; `8` stays."""
    await _ledger(engine, day_book(tmp_path, "day.csv", GROSS + GROSS.replace(",7,", ",8,")))

    await _ledger(engine, _unnamed_day_book(tmp_path, "cancel.csv", CANCELLED))

    assert [(row[2], row[-1]) for row in await entries(engine)] == [("8", SHARMA_BOOK)]


UNNUMBERED = "{company}Sales Register\n1-Apr-24 to 30-Apr-24\n\nDate,Particulars,Value\n" + (
    '2-Apr-24,Mehta & Sons,"10,000.00"\n'
)


@pytest.mark.parametrize("named_first", [True, False], ids=["named-first", "unnamed-first"])
async def test_sale_lines_without_a_number_with_and_without_the_company_line_are_kept_once(
    engine: AsyncEngine, tmp_path: Path, named_first: bool
) -> None:
    """A register without invoice numbers, exported with its company line and without it, in
    either order: its line is stored once, in the named book."""
    order = [SHARMA, None] if named_first else [None, SHARMA]
    for n, company in enumerate(order):
        text = UNNUMBERED.format(company=f"{company}\n" if company else "")
        await _sales(engine, _file(tmp_path, f"{n}.csv", text))

    assert await sales(engine) == [(d("2024-04-02"), "", 1, D("10000.00"), SHARMA_BOOK)]


async def test_one_read_of_the_files_days_without_a_number_however_many(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """The register without numbers, then without its company line: its days are read once
    (all books) and lent and given back in one statement each, however many."""

    async def statements(days: int) -> int:
        lines = "".join(f'{n + 1}-Apr-24,Mehta & Sons,"1,000.00"\n' for n in range(days))
        head = UNNUMBERED.split("2-Apr-24")[0]
        await _sales(
            engine, _file(tmp_path, f"n{days}.csv", head.format(company=f"{SHARMA}\n") + lines)
        )
        sql_statements.reset()
        await _sales(engine, _file(tmp_path, f"u{days}.csv", head.format(company="") + lines))
        return len(sql_statements.statements)

    assert await statements(3) == await statements(25)
    assert {row[4] for row in await sales(engine)} == {SHARMA_BOOK}

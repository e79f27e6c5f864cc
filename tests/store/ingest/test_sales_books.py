"""Two books of one customer (a firm's two Tally companies: a head office and its branch) in
one app: a sale line is of the book its export names above the columns, and a sales load of
one book never edits, re-dates, withdraws or trims another's lines, however their numbers and
days coincide (Tally numbers each company's vouchers apart: `Sales 7` of 3 April may exist in
both). Revenue and orders sum all books (store/ingest/kinds/ledger_books.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import IngestKind, IngestReport, ingest_file
from store.tables import METADATA
from tests.store.sales_support import d, rows_of

D = Decimal
SALES = IngestKind.SALES
MAIN = "Kaveri Distributors Pvt. Ltd."
HUBLI = "Kaveri Distributors (Hubli Branch)"
# The books as stored: the names folded (analytics.book_names).
MAIN_BOOK = book_key(MAIN)
HUBLI_BOOK = book_key(HUBLI)
_TITLE = "{company}\nSales Register\n1-Apr-25 to 30-Apr-25\n\n"
_HEADER = "Date,Particulars,Vch Type,Vch No.,Value\n"
MAIN_LINES = '3-Apr-25,Sharma Electricals,Sales,7,"50,000.00"\n'
HUBLI_LINES = '3-Apr-25,Sharma Electricals,Sales,7,"30,000.00"\n'
MAIN_SALE = (d("2025-04-03"), "7", 1, D("50000.00"), MAIN_BOOK)
HUBLI_SALE = (d("2025-04-03"), "7", 1, D("30000.00"), HUBLI_BOOK)


def register(folder: Path, name: str, lines: str, company: str | None) -> Path:
    title = "" if company is None else _TITLE.format(company=company)
    path = folder / name
    path.write_text(title + _HEADER + lines, encoding="utf-8")
    return path


async def sales(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    """date, invoice, line, amount, book of every sale line, by book then key."""
    table = METADATA.tables["sale_line"]
    columns = ("sale_date", "invoice", "line", "amount", "book")
    async with engine.connect() as connection:
        rows = await connection.execute(select(*(table.c[name] for name in columns)))
    return sorted((tuple(row) for row in rows), key=lambda line: (line[4], line[:3]))


async def _load(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=SALES, path=path, app="kav")


async def test_a_branchs_sale_of_the_same_number_and_day_is_a_second_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The branch's `Sales 7` of 3 April leaves the head office's at 50,000 and is stored
    beside it; revenue and orders sum both books; each book's reload changes nothing."""
    await _load(engine, register(tmp_path, "main.csv", MAIN_LINES, MAIN))
    report = await _load(engine, register(tmp_path, "hubli.csv", HUBLI_LINES, HUBLI))

    assert await sales(engine) == [HUBLI_SALE, MAIN_SALE]
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (1, 0, 0)
    assert any(note.startswith(f"Book: {HUBLI!r}") for note in report.notes), report.notes
    quarters = {row[1]: (row[2], row[3]) for row in await rows_of(engine, "quarter_segment")}
    assert quarters == {"2025-Q2": (2, D("80000.00"))}

    for name, lines, company in (("m2.csv", MAIN_LINES, MAIN), ("h2.csv", HUBLI_LINES, HUBLI)):
        again = await _load(engine, register(tmp_path, name, lines, company))
        assert again.changes is not None
        assert (again.changes.new, again.changes.changed, again.changes.removed) == (0, 0, 0)
    assert await sales(engine) == [HUBLI_SALE, MAIN_SALE]


async def test_a_branchs_sale_of_another_day_re_dates_not_the_head_offices(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The branch's `Sales 7` is of 5 April: the head office's of 3 April is another voucher,
    not moved by the branch's load."""
    await _load(engine, register(tmp_path, "main.csv", MAIN_LINES, MAIN))
    later = HUBLI_LINES.replace("3-Apr-25", "5-Apr-25")

    report = await _load(engine, register(tmp_path, "hubli.csv", later, HUBLI))

    assert not any("re-dated" in note.lower() for note in report.notes), report.notes
    assert await sales(engine) == [(d("2025-04-05"), *HUBLI_SALE[1:]), MAIN_SALE]


async def test_a_branchs_cancelled_voucher_withdraws_only_its_own_books_sale(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The branch cancels its `Sales 7` (Tally lists it without a party): the head office's
    `Sales 7` of the same day stays."""
    await _load(engine, register(tmp_path, "main.csv", MAIN_LINES, MAIN))
    await _load(engine, register(tmp_path, "hubli.csv", HUBLI_LINES, HUBLI))
    cancelled = "3-Apr-25,(cancelled),Sales,7,\n" + '4-Apr-25,Sharma Electricals,Sales,8,"1.00"\n'

    await _load(engine, register(tmp_path, "hubli2.csv", cancelled, HUBLI))

    assert await sales(engine) == [(d("2025-04-04"), "8", 1, D("1.00"), HUBLI_BOOK), MAIN_SALE]


async def test_a_branchs_shorter_invoice_trims_only_its_own_books_lines(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Both books' `Sales 7` have two lines; the branch's edited down to one removes the
    branch's second line only."""
    two = HUBLI_LINES.replace("30,000", "50,000") + '3-Apr-25,Sharma Electricals,Sales,7,"5.00"\n'
    await _load(engine, register(tmp_path, "main.csv", two, MAIN))
    await _load(engine, register(tmp_path, "hubli.csv", two, HUBLI))

    report = await _load(engine, register(tmp_path, "hubli2.csv", HUBLI_LINES, HUBLI))

    assert report.changes is not None
    assert report.changes.removed == 1
    assert await sales(engine) == [
        HUBLI_SALE,
        MAIN_SALE,
        (d("2025-04-03"), "7", 2, D("5.00"), MAIN_BOOK),
    ]


async def test_a_named_books_load_takes_the_lines_of_no_known_book_it_matches(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Lines loaded from a register naming no company, then the same register with its
    company header: the lines become that book's, nothing doubles or changes, and the load
    says so; the branch's load after it adds its own."""
    await _load(engine, register(tmp_path, "a.csv", MAIN_LINES, None))
    assert await sales(engine) == [(*MAIN_SALE[:4], "")]

    report = await _load(engine, register(tmp_path, "b.csv", MAIN_LINES, MAIN))

    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    assert any(note.startswith("Took 1 line stored of no known book") for note in report.notes), (
        report.notes
    )
    assert await sales(engine) == [MAIN_SALE]
    await _load(engine, register(tmp_path, "c.csv", HUBLI_LINES, HUBLI))
    assert await sales(engine) == [HUBLI_SALE, MAIN_SALE]


async def test_a_register_naming_no_company_keeps_the_behaviour_before_books(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two registers without a company header are of one (unknown) book: the second's
    `Sales 7` corrects the first's, as before books were kept."""
    await _load(engine, register(tmp_path, "a.csv", MAIN_LINES, None))
    report = await _load(engine, register(tmp_path, "b.csv", HUBLI_LINES, None))

    assert report.changes is not None
    assert report.changes.changed == 1
    assert report.changes.examples == (
        "Sharma Electricals, 2025-04-03, 7, 1, sales: amount 50000.00 -> 30000.00",
    )
    assert await sales(engine) == [(*HUBLI_SALE[:4], "")]


async def test_a_named_books_load_leaves_another_years_line_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Sales 7` of the year before, of no known book, is another voucher (Tally numbers each
    financial year afresh): the head office's register of this year's `Sales 7` leaves it of
    no known book, beside its own."""
    last_year = MAIN_LINES.replace("3-Apr-25", "3-Apr-24").replace("50,000", "9,000")
    await _load(engine, register(tmp_path, "a.csv", last_year, None))

    report = await _load(engine, register(tmp_path, "b.csv", MAIN_LINES, MAIN))

    assert not any(note.startswith("Took") for note in report.notes), report.notes
    assert await sales(engine) == [(d("2024-04-03"), "7", 1, D("9000.00"), ""), MAIN_SALE]

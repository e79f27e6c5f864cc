"""The lending of a named book's vouchers to a file naming no company
(store/ingest/kinds/unnamed_books.py) tells two voucher types at one place apart: a sale line's
places are counted per type (`Sales 7` and `Export Sales 7` both at line 1), a ledger entry's
across types, so two types share one only once a voucher is re-dated onto the other's. A line
the named book and no known book both hold at one place (a voucher stored twice before the
lending was built) is kept once; that place was found by customer, date, number (a ledger's
kind) and line alone, so the other type's line at it was taken for the double too and
deleted: `Export Sales 7` lost when a file of `Sales 7` alone was loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import IngestKind, ingest_file
from store.tables import LEDGER_TABLE, SALE_LINE_TABLE

D = Decimal
SHARMA = "Sharma Trading Co."
BOOK = book_key(SHARMA)
DAY = dt.date(2024, 4, 2)
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
TITLE = f"{SHARMA}\nDay Book\n1-Apr-2024 to 30-Apr-2024\n\n"
SALES_7 = '2-Apr-2024,Mehta & Sons,Sales,7,"11,800.00",\n'
EXPORT_7 = '2-Apr-2024,Mehta & Sons,Export Sales,7,"5,000.00",\n'


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _stored(engine: AsyncEngine, ledger: bool) -> list[tuple[object, ...]]:
    """(voucher type, line, amount, book) of every stored sale line or ledger entry."""
    table = LEDGER_TABLE if ledger else SALE_LINE_TABLE
    c = table.c
    async with engine.connect() as connection:
        rows = await connection.execute(select(c.voucher_type, c.line, c.amount, c.book))
    return sorted((row[0], row[1], D(str(row[2])), row[3]) for row in rows)


async def _double_of_no_known_book(engine: AsyncEngine, ledger: bool) -> None:
    """The named book's `Sales 7` stored again of no known book, at its place."""
    table = LEDGER_TABLE if ledger else SALE_LINE_TABLE
    async with engine.begin() as connection:
        row = (
            (await connection.execute(select(table).where(table.c.voucher_type == "sales")))
            .mappings()
            .one()
        )
        await connection.execute(table.insert().values({**row, "book": ""}))


async def test_a_file_naming_no_company_keeps_the_other_types_sale_at_the_place(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    day_book = _file(tmp_path, "day.csv", TITLE + HEADER + SALES_7 + EXPORT_7)
    await ingest_file(engine, kind=IngestKind.SALES, path=day_book, app="s")
    await _double_of_no_known_book(engine, ledger=False)
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=_file(tmp_path, "s.csv", HEADER + SALES_7), app="s"
    )
    assert await _stored(engine, ledger=False) == [
        ("export sales", 1, D("5000.00"), BOOK),
        ("sales", 1, D("11800.00"), BOOK),
    ]
    assert any("1 line stored in that book and of no known book" in n for n in report.notes)


async def test_a_ledger_naming_no_company_keeps_the_other_types_entry_at_the_place(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Export Sales 7` of 5 April re-dated onto 2 April, where `Sales 7` is at place 1: the
    re-dated entry keeps its place 1 (places of one number and day are counted across types
    for the entries stored before 0029, which keep theirs)."""
    first = TITLE + HEADER + SALES_7 + EXPORT_7.replace("2-Apr-2024", "5-Apr-2024")
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=_file(tmp_path, "d1.csv", first), app="s"
    )
    await ingest_file(
        engine,
        kind=IngestKind.LEDGER,
        path=_file(tmp_path, "d2.csv", TITLE + HEADER + SALES_7 + EXPORT_7),
        app="s",
    )
    assert await _stored(engine, ledger=True) == [
        ("export sales", 1, D("5000.00"), BOOK),
        ("sales", 1, D("11800.00"), BOOK),
    ]
    await _double_of_no_known_book(engine, ledger=True)
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=_file(tmp_path, "s.csv", HEADER + SALES_7), app="s"
    )
    assert await _stored(engine, ledger=True) == [
        ("export sales", 1, D("5000.00"), BOOK),
        ("sales", 1, D("11800.00"), BOOK),
    ]

"""A gross load that keeps a stored amount before tax (`taxed_amounts`) still records what else
it says of the invoice: its voucher type and its book (`voucher_keys`, `ledger_books`), and its
date (`invoice_moves`). Before, the kept invoice's lines were left out of the load altogether,
so a plain CSV's `7` (100,000 before tax) stayed of no known type after the titled Sales
Register's `Sales 7` (1,20,000.00 in Debit Amount, the gross): later typed loads treated it as
a line of no known type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import DatesOption, IngestKind, ingest_file
from store.ingest.report import IngestReport
from store.tables import METADATA
from tests.api_client import StatementCounter

D = Decimal
COMPANY = "Kaveri Distributors Pvt. Ltd."
BOOK = book_key(COMPANY)
_HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
SALES_REGISTER = (
    f"{COMPANY}\nSales Register\n1-Apr-25 to 30-Apr-25\n\n"
    + _HEADER
    + '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
)
# A Day Book of the day holding one voucher type only: its party line is the gross too.
DAY_BOOK = (
    f"{COMPANY}\nDay Book\n1-Apr-25 to 30-Apr-25\n\n"
    + _HEADER
    + '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
)
PLAIN = "Date,Customer,Invoice,Amount\n2025-04-03,Kaveri Traders,7,100000\n"


async def _lines(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(date, line, voucher type, amount, includes tax, book) of every stored sale line."""
    c = METADATA.tables["sale_line"].c
    columns = (c.sale_date, c.line, c.voucher_type, c.amount, c.includes_tax, c.book)
    async with engine.connect() as connection:
        rows = await connection.execute(select(*columns))
    return sorted((r[0], r[1], r[2], D(str(r[3])), bool(r[4]), r[5]) for r in rows)


async def _load(engine: AsyncEngine, folder: Path, text: str) -> IngestReport:
    path = folder / "load.csv"
    path.write_text(text, encoding="utf-8")
    return await ingest_file(engine, kind=IngestKind.SALES, path=path, app="kav")


@pytest.mark.parametrize("gross", [SALES_REGISTER, DAY_BOOK], ids=["sales-register", "day-book"])
async def test_a_kept_amount_before_tax_takes_the_files_voucher_type_and_book(
    engine: AsyncEngine, tmp_path: Path, gross: str
) -> None:
    await _load(engine, tmp_path, PLAIN)
    report = await _load(engine, tmp_path, gross)
    day = dt.date(2025, 4, 3)
    assert await _lines(engine) == [(day, 1, "sales", D(100000), False, BOOK)]
    assert any(n.startswith("Kept the amount before tax of 1 invoice") for n in report.notes)
    assert any(n.startswith("Took 1 line stored of no known voucher type") for n in report.notes)
    assert report.changes is not None
    assert dict(report.changes.recorded).get("voucher_type") == 1, report.notes
    # The same file again: the line is its voucher already, nothing is written or recorded.
    again = await _load(engine, tmp_path, gross)
    assert await _lines(engine) == [(day, 1, "sales", D(100000), False, BOOK)]
    assert again.changes is not None
    assert again.changes.recorded == ()


async def test_a_kept_invoice_of_several_lines_takes_the_type_on_each(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Two item lines before tax (60,000 + 40,000): the gross keeps both, and types both.
    await _load(
        engine,
        tmp_path,
        "Date,Customer,Invoice,Amount\n"
        "2025-04-03,Kaveri Traders,7,60000\n2025-04-03,Kaveri Traders,7,40000\n",
    )
    report = await _load(engine, tmp_path, SALES_REGISTER)
    day = dt.date(2025, 4, 3)
    assert await _lines(engine) == [
        (day, 1, "sales", D(60000), False, BOOK),
        (day, 2, "sales", D(40000), False, BOOK),
    ]
    assert any(n.startswith("Took 2 lines stored of no known voucher type") for n in report.notes)
    assert report.changes is not None
    assert dict(report.changes.recorded).get("voucher_type") == 2, report.notes


async def test_a_kept_invoice_is_still_re_dated_to_the_files_date(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # The voucher's date corrected in the books (2 April -> 3 April) since the CSV.
    await _load(engine, tmp_path, PLAIN.replace("2025-04-03", "2025-04-02"))
    await _load(engine, tmp_path, SALES_REGISTER)
    assert await _lines(engine) == [(dt.date(2025, 4, 3), 1, "sales", D(100000), False, BOOK)]


async def test_a_double_of_no_known_type_is_not_summed_into_the_amount_before_tax(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Sales 7` stored before tax (100,000), and beside it the same line stored again of no
    known type (as an older revision kept a plain CSV loaded beside its register): the amount
    before tax is 100,000, not 200,000, so the gross 1,20,000.00 does not replace it."""
    await _load(engine, tmp_path, PLAIN)
    await _load(engine, tmp_path, SALES_REGISTER)
    async with engine.begin() as connection:
        await connection.execute(
            METADATA.tables["sale_line"]
            .insert()
            .values(
                account_id="Kaveri Traders",
                sale_date=dt.date(2025, 4, 3),
                invoice="7",
                line=1,
                amount=D(100000),
                voucher_type="",
                book="",
            )
        )
    await _load(engine, tmp_path, SALES_REGISTER)
    assert await _lines(engine) == [(dt.date(2025, 4, 3), 1, "sales", D(100000), False, BOOK)]


async def _both_ways(engine: AsyncEngine) -> list[tuple[object, object]]:
    c = METADATA.tables["sale_line"].c
    async with engine.connect() as connection:
        rows = await connection.execute(select(c.sale_date, c.date_ambiguous))
    return sorted((r[0], r[1]) for r in rows)


async def test_a_kept_invoice_takes_the_files_one_way_date(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A plain CSV's `04/03/2025` reads both ways, so its line may be a misreading; the Sales
    Register's `3-Apr-25` reads one way: the kept line is no longer taken for a misreading,
    as the register's own line would not have been."""
    path = tmp_path / "plain.csv"
    path.write_text(PLAIN.replace("2025-04-03", "04/03/2025"), encoding="utf-8")
    await ingest_file(
        engine, kind=IngestKind.SALES, path=path, app="kav", dates=DatesOption.MONTH_FIRST
    )
    assert await _both_ways(engine) == [(dt.date(2025, 4, 3), True)]
    await _load(engine, tmp_path, SALES_REGISTER)
    assert await _lines(engine) == [(dt.date(2025, 4, 3), 1, "sales", D(100000), False, BOOK)]
    assert await _both_ways(engine) == [(dt.date(2025, 4, 3), False)]


async def test_a_reload_of_the_gross_file_updates_no_sale_line(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """Its kept line took its type and one-way date on the first load: the reload finds that
    in the stored lines the load read already and runs no UPDATE of them (the book's adoption
    runs its own, `ledger_books`)."""
    await _load(engine, tmp_path, PLAIN)
    await _load(engine, tmp_path, SALES_REGISTER)
    sql_statements.reset()
    await _load(engine, tmp_path, SALES_REGISTER)
    updates = [s for s in sql_statements.statements if s.startswith("UPDATE sale_line")]
    assert not [s for s in updates if "date_ambiguous" in s or "voucher_type=" in s], updates

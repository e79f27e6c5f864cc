"""Tally ERP 9's Day Book exported as text writes the predefined voucher types abbreviated
(`Sale`, `Rcpt`, `Purc`...), its Ledger Vouchers and Sales Register write them whole (`Sales`,
`Receipt`). `Sale 1` of a Day Book and `Sales 1` of the customer's ledger are one voucher: a
stored line keeps the type's whole name, so the Day Book of a period loads beside that
period's ledger or register (its shared vouchers unchanged), in either order. Kept as written,
`sale` and `sales` were two types "numbered apart", and the second file was refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_voucher_types import type_name
from store.ingest import IngestKind, IngestReport, ingest_file
from store.tables import METADATA

COMPANY = "Northwind Traders Pvt Ltd\n"
LEDGER = (
    COMPANY + "Ledger: Sharma Electricals\n1-Apr-2025 to 30-Apr-2025\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '3-4-2025,Sales Account,Sales,NT/25-26/001,"11,800.00",\n'
    '28-4-2025,HDFC Bank,Receipt,12,,"11,800.00"\n'
    ',,,,"11,800.00","11,800.00"\n'
)
REGISTER = (
    COMPANY + "Sales Register\n1-Apr-2025 to 30-Apr-2025\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '3-4-2025,Sharma Electricals,Sales,NT/25-26/001,"11,800.00",\n'
    '9-4-2025,Gupta Hardware Stores,Sales,NT/25-26/002,"25,960.00",\n'
    '21-4-2025,Iyer Traders,Sales,NT/25-26/003,"8,260.00",\n'
)
DAY_BOOK = (
    COMPANY + "Day Book\n1-Apr-2025 to 30-Apr-2025\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '1-4-2025,HDFC Bank,Ctra,1,"50,000.00",\n'
    '3-4-2025,Sharma Electricals,Sale,NT/25-26/001,"11,800.00",\n'
    '5-4-2025,Bharat Steel Suppliers,Purc,P-14,,"42,480.00"\n'
    '9-4-2025,Gupta Hardware Stores,Sale,NT/25-26/002,"25,960.00",\n'
    '28-4-2025,Sharma Electricals,Rcpt,12,,"11,800.00"\n'
)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _load(engine: AsyncEngine, kind: IngestKind, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=kind, path=path, app="tally")


async def _types(engine: AsyncEngine, table_name: str) -> set[str | None]:
    table = METADATA.tables[table_name]
    async with engine.connect() as connection:
        return set((await connection.execute(select(table.c.voucher_type))).scalars())


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Sale", "sales"),
        ("Sales", "sales"),
        ("Rcpt", "receipt"),
        ("Pymt", "payment"),
        ("Purc", "purchase"),
        ("Jrnl", "journal"),
        ("Ctra", "contra"),
        ("C/Note", "credit note"),
        ("D/Note", "debit note"),
        ("Dely Note", "delivery note"),
        ("Memo", "memorandum"),
        ("GST Sales", "gst sales"),
        ("Export  SALES", "export sales"),
        ("  ", None),
    ],
)
def test_a_type_is_stored_by_its_whole_name(written: str, stored: str | None) -> None:
    assert type_name(written) == stored


@pytest.mark.parametrize("day_book_first", [False, True])
async def test_a_day_book_loads_beside_the_customers_ledger(
    engine: AsyncEngine, tmp_path: Path, day_book_first: bool
) -> None:
    ledger = _file(tmp_path, "Ledger Sharma Electricals.csv", LEDGER)
    day_book = _file(tmp_path, "DayBook.csv", DAY_BOOK)
    first, second = (day_book, ledger) if day_book_first else (ledger, day_book)
    await _load(engine, IngestKind.LEDGER, first)
    report = await _load(engine, IngestKind.LEDGER, second)
    assert report.changes is not None
    # Sharma's sale and receipt are in both files: the second load leaves them as they are.
    assert report.changes.unchanged == 2, report.changes
    assert await _types(engine, "ledger_entry") == {"sales", "receipt"}


@pytest.mark.parametrize("day_book_first", [False, True])
async def test_a_day_book_loads_beside_the_sales_register(
    engine: AsyncEngine, tmp_path: Path, day_book_first: bool
) -> None:
    register = _file(tmp_path, "Sales Register.csv", REGISTER)
    day_book = _file(tmp_path, "DayBook.csv", DAY_BOOK)
    first, second = (day_book, register) if day_book_first else (register, day_book)
    await _load(engine, IngestKind.SALES, first)
    report = await _load(engine, IngestKind.SALES, second)
    assert report.changes is not None
    # The two sales of both files are the same lines (a Day Book gives the vouchers' totals
    # with their taxes, which may mark them changed), never new ones beside them.
    assert report.changes.new == (1 if day_book_first else 0), report.changes
    table = METADATA.tables["sale_line"]
    async with engine.connect() as connection:
        invoices = (await connection.execute(select(table.c.invoice))).scalars().all()
    assert sorted(invoices) == ["NT/25-26/001", "NT/25-26/002", "NT/25-26/003"]
    assert await _types(engine, "sale_line") == {"sales"}

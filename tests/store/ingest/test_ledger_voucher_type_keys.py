"""A ledger entry's voucher type is part of its key (revision 0029), as a sale line's since
0026: `Sales 7` and `Export Sales 7` of one customer and day, from the Sales and Export Sales
Registers, or a ledger and a Day Book, are two entries whatever the order of the loads (before,
two registers loaded as ledgers were refused in one line as a collision)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA

D = Decimal
LEDGER = IngestKind.LEDGER
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
DOMESTIC = '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
EXPORT = '3-Apr-25,Kaveri Traders,Export Sales,7,"80,000.00",\n'
# A whole ledger has payments too (a file of invoices alone is part of one: ledger_places).
RECEIPT = '20-May-25,Kaveri Traders,Receipt,1,,"1,000.00"\n'
BOTH = [("2025-04-03", D("80000.00")), ("2025-04-03", D("120000.00"))]


async def _invoices(engine: AsyncEngine) -> list[tuple[str, Decimal]]:
    table = METADATA.tables["ledger_entry"]
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.entry_date, table.c.amount).where(table.c.kind == "invoice")
        )
    return sorted((str(day), D(str(amount))) for day, amount in rows)


async def _load(engine: AsyncEngine, folder: Path, name: str, text: str) -> object:
    path = folder / name
    path.write_text(HEADER + text, encoding="utf-8")
    return await ingest_file(engine, kind=LEDGER, path=path, app="distrib")


@pytest.mark.parametrize(
    "files",
    [[DOMESTIC + RECEIPT, EXPORT + RECEIPT], [EXPORT + RECEIPT, DOMESTIC + RECEIPT]],
    ids=["sales-then-export", "export-then-sales"],
)
async def test_two_registers_loaded_as_ledgers_store_both_vouchers(
    engine: AsyncEngine, tmp_path: Path, files: list[str]
) -> None:
    for index, text in enumerate(files):
        await _load(engine, tmp_path, f"{index}.csv", text)
    assert await _invoices(engine) == BOTH
    for index, text in enumerate(files):
        report = await _load(engine, tmp_path, f"{index}.csv", text)
        changes = report.changes  # type: ignore[attr-defined]
        assert (changes.new, changes.changed, changes.removed) == (0, 0, 0)
    assert await _invoices(engine) == BOTH


async def _typed_invoices(engine: AsyncEngine) -> list[tuple[str | None, Decimal]]:
    table = METADATA.tables["ledger_entry"]
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.voucher_type, table.c.amount).where(table.c.kind == "invoice")
        )
    return sorted((kind, D(str(amount))) for kind, amount in rows)


TYPED_BOTH = [("export sales", D("80000.00")), ("sales", D("120000.00"))]


@pytest.mark.parametrize("register", [DOMESTIC, EXPORT], ids=["sales", "export-sales"])
async def test_a_register_after_a_day_book_loaded_as_ledgers_changes_nothing(
    engine: AsyncEngine, tmp_path: Path, register: str
) -> None:
    """The Day Book loaded as a ledger stores `Sales 7` and `Export Sales 7` at one
    key (two places); each entry now keeps its own voucher type (before: none, the key had
    two). A register of one type loaded after, a whole ledger with its receipt, took the
    other type's entry for one its voucher no longer has and removed it (120,000 or 80,000
    of receivables lost); it leaves it now, and its reload changes nothing."""
    await _load(engine, tmp_path, "b.csv", DOMESTIC + EXPORT + RECEIPT)
    assert await _typed_invoices(engine) == TYPED_BOTH
    for _again in range(2):
        report = await _load(engine, tmp_path, "r.csv", register + RECEIPT)
        changes = report.changes  # type: ignore[attr-defined]
        assert (changes.new, changes.changed, changes.removed) == (0, 0, 0)
        assert await _typed_invoices(engine) == TYPED_BOTH


async def test_an_edited_register_after_a_day_book_changes_only_its_own_voucher(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "b.csv", DOMESTIC + EXPORT + RECEIPT)
    report = await _load(engine, tmp_path, "e.csv", EXPORT.replace("80,000", "85,000") + RECEIPT)
    changes = report.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.removed) == (0, 1, 0)
    assert await _typed_invoices(engine) == [
        ("export sales", D("85000.00")),
        ("sales", D("120000.00")),
    ]


async def test_a_cancelled_voucher_after_a_day_book_removes_only_its_own_type(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A cancelled `Export Sales 7` removed the entries of no known type of its number and day:
    both of the Day Book's (before: stored without types)."""
    await _load(engine, tmp_path, "b.csv", DOMESTIC + EXPORT + RECEIPT)
    await _load(engine, tmp_path, "c.csv", "3-Apr-25,(cancelled),Export Sales,7,,\n")
    assert await _typed_invoices(engine) == [("sales", D("120000.00"))]

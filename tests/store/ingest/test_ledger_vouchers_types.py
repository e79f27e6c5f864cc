"""One voucher under its own number in a Day Book and under its bill in the party's ledger is one
entry (store/ingest/kinds/ledger_vouchers.py), matched by its voucher type too: `Export Sales 7`
re-dated onto the day of `Sales 7` puts both entries at one place (places of a number and day
are counted across types), and the ledger's bill-wise details name each its own bill (`New Ref
KD/7`, `New Ref KD/7E`). The stored entries were found by customer, date, kind, number and place
alone, so both moved under the first's bill: `Export Sales 7` stored twice, under `KD/7` and
`KD/7E`, the customer's invoices 21,800 where they are 16,800."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import LEDGER_TABLE
from tests.store.ingest.test_unnamed_books_types import EXPORT_7, HEADER, SALES_7, TITLE

D = Decimal
LEDGER = """Sharma Trading Co.
Ledger: Mehta & Sons
1-Apr-2024 to 30-Apr-2024

Date,Particulars,Vch Type,Vch No.,Debit,Credit
2-Apr-2024,Sales Account,Sales,7,"11,800.00",
,New Ref  KD/7  Due on 17-Apr-2024,,,"11,800.00",
"""
EXPORT_BILL = """2-Apr-2024,Sales Account,Export Sales,7,"5,000.00",
,New Ref  KD/7E  Due on 17-Apr-2024,,,"5,000.00",
"""
BILLED = [
    ("KD/7", "sales", "7", D("11800.00")),
    ("KD/7E", "export sales", "7", D("5000.00")),
]


async def _load(engine: AsyncEngine, folder: Path, name: str, text: str) -> object:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="s")


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(reference, voucher type, voucher number, amount) of every stored entry."""
    c = LEDGER_TABLE.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(c.reference, c.voucher_type, c.voucher_number, c.amount)
        )
    return sorted((row[0], row[1], row[2], D(str(row[3]))) for row in rows)


@pytest.mark.parametrize(
    ("ledger", "expected"),
    [
        (LEDGER + EXPORT_BILL, BILLED),
        # The ledger of `Sales 7` alone: `Export Sales 7` stays under its own number.
        (LEDGER, [("7", "export sales", None, D("5000.00")), BILLED[0]]),
    ],
    ids=["both-bills", "one-bill"],
)
async def test_a_bill_wise_ledger_moves_each_types_entry_under_its_own_bill(
    engine: AsyncEngine, tmp_path: Path, ledger: str, expected: list[tuple[object, ...]]
) -> None:
    apart = TITLE + HEADER + SALES_7 + EXPORT_7.replace("2-Apr-2024", "5-Apr-2024")
    await _load(engine, tmp_path, "a.csv", apart)
    # `Export Sales 7` re-dated onto 2 April: at `Sales 7`'s place.
    await _load(engine, tmp_path, "b.csv", TITLE + HEADER + SALES_7 + EXPORT_7)
    await _load(engine, tmp_path, "l.csv", ledger)
    assert await _entries(engine) == expected
    again = await _load(engine, tmp_path, "l.csv", ledger)
    changes = again.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.removed) == (0, 0, 0)
    assert await _entries(engine) == expected

"""The refold of stored books (store/book_refold.py), as a later revision that changes the fold
rule runs it on the tables as they are now: a ledger entry's voucher type is part of its key
since revision 0029, so `Sales 7` stored under one spelling of a company and `Export Sales 7`
under the other at one place are two vouchers, both kept when the two names join; one voucher
stored under both spellings is kept once. The refold kept 0028's key (type among the values):
it took the two vouchers for one stored twice and removed one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.book_refold import refold_books
from store.tables import LEDGER_TABLE, SALE_LINE_TABLE

D = Decimal
DAY = dt.date(2025, 4, 3)
# Two spellings of one company, stored apart by an earlier fold.
FIRST, SECOND = "Kaveri Distributors Pvt. Ltd.", "Kaveri Distributors Pvt Ltd"


def _fold(name: str) -> str:
    return book_key(FIRST) if name in (FIRST, SECOND) else name


async def _store(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO app VALUES ('kav')"))
        await connection.execute(
            text(
                "INSERT INTO account (account_id, app_id, name, is_key_account) "
                "VALUES ('Kaveri Traders', 'kav', 'Kaveri Traders', false)"
            )
        )
        entries = [
            # One voucher of each type at one place, under the two spellings.
            (FIRST, "sales", "7", "120000.00"),
            (SECOND, "export sales", "7", "80000.00"),
            # One voucher stored under both spellings.
            (FIRST, "sales", "8", "5000.00"),
            (SECOND, "sales", "8", "5000.00"),
        ]
        await connection.execute(
            LEDGER_TABLE.insert(),
            [
                {
                    "account_id": "Kaveri Traders",
                    "entry_date": DAY,
                    "kind": "invoice",
                    "reference": number,
                    "line": 1,
                    "amount": D(amount),
                    "voucher_type": kind,
                    "book": book,
                }
                for book, kind, number, amount in entries
            ],
        )
        await connection.execute(
            SALE_LINE_TABLE.insert(),
            [
                {
                    "account_id": "Kaveri Traders",
                    "sale_date": DAY,
                    "invoice": number,
                    "line": 1,
                    "amount": D(amount),
                    "includes_tax": True,
                    "voucher_type": kind,
                    "book": book,
                }
                for book, kind, number, amount in entries
            ],
        )


def _refold(connection: Connection) -> None:
    refold_books(connection, _fold, revision="test")


async def test_a_refold_keeps_two_types_vouchers_at_one_place_and_one_voucher_once(
    engine: AsyncEngine,
) -> None:
    await _store(engine)
    async with engine.begin() as connection:
        await connection.run_sync(_refold)
    book = book_key(FIRST)
    expected = [
        ("7", "export sales", D("80000.00"), book),
        ("7", "sales", D("120000.00"), book),
        ("8", "sales", D("5000.00"), book),
    ]
    for table, number in ((LEDGER_TABLE, "reference"), (SALE_LINE_TABLE, "invoice")):
        c = table.c
        async with engine.connect() as connection:
            rows = await connection.execute(select(c[number], c.voucher_type, c.amount, c.book))
        stored = sorted((row[0], row[1], D(str(row[2])), row[3]) for row in rows)
        assert stored == expected, table.name

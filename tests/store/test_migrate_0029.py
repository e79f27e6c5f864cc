"""Revision 0029 puts ledger_entry.voucher_type in the entry's key ("" for no known type, NULL
before): every stored entry is kept with its values, the credit risk of the stored ledgers is
the same after the upgrade and after a reload (revision 0031's test shows the upgrade keeps
it), a reload of the export they came from writes nothing, and the two
registers' vouchers of one number and day, refused as a collision before, are then kept apart.
Downgrading keeps one entry per key of 0028."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.jobs.segment import segment_apps
from tests.store.test_migrate import _migrate_to

D = Decimal
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
# The Day Book as a ledger, as 0028 stored it (each voucher its own type where the
# key held two), with an older untyped receipt and another customer's untyped ledger.
DAY_BOOK = HEADER + (
    '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
    '3-Apr-25,Kaveri Traders,Export Sales,7,"80,000.00",\n'
    '20-May-25,Kaveri Traders,Receipt,1,,"1,50,000.00"\n'
)
_STORED: list[dict[str, Any]] = [
    {"a": "Kaveri Traders", "d": dt.date(2025, 4, 3), "k": "invoice", "r": "7", "l": 1,
     "m": "120000.00", "t": "sales"},
    {"a": "Kaveri Traders", "d": dt.date(2025, 4, 3), "k": "invoice", "r": "7", "l": 2,
     "m": "80000.00", "t": "export sales"},
    {"a": "Kaveri Traders", "d": dt.date(2025, 5, 20), "k": "payment", "r": "1", "l": 1,
     "m": "150000.00", "t": None},
    {"a": "Sharma Electricals", "d": dt.date(2025, 4, 9), "k": "invoice", "r": "8", "l": 1,
     "m": "45000.00", "t": None},
    {"a": "Sharma Electricals", "d": dt.date(2025, 6, 30), "k": "payment", "r": "", "l": 1,
     "m": "20000.00", "t": None},
]  # fmt: skip


async def _entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    columns = "account_id, entry_date, kind, reference, line, amount, voucher_type, book"
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM ledger_entry"))
        return sorted(
            (r[0], str(r[1]), r[2], r[3], r[4], D(str(r[5])), r[6] or "", r[7]) for r in rows
        )


async def _credit(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.begin() as connection:
        await segment_apps(connection)
        rows = await connection.execute(
            text(
                "SELECT account_id, as_of, score, segment, invoiced, outstanding, "
                "days_sales_outstanding, overdue_share, average_days_late FROM credit_risk"
            )
        )
        return sorted(
            (r[0], str(r[1]), r[2], r[3], D(str(r[4])), D(str(r[5])), *r[6:]) for r in rows
        )


async def test_0029_keeps_every_entry_and_credit_risk_and_then_keeps_two_types_apart(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0028", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('kav')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES (:name, 'kav', :name, false)"
                ),
                [{"name": "Kaveri Traders"}, {"name": "Sharma Electricals"}],
            )
            await connection.execute(
                text(
                    "INSERT INTO ledger_entry (account_id, entry_date, kind, reference, line, "
                    "amount, voucher_type, date_ambiguous, book) VALUES "
                    "(:a, :d, :k, :r, :l, :m, :t, false, '')"
                ),
                _STORED,
            )
        before = await _entries(engine)
        assert len(before) == 5
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _entries(engine) == before
        # Measured from the head on: this release's credit reads a column of 0031
        # (`reference_is_bill`), which 0028 lacks; 0031 reads unknown as before.
        credit_before = await _credit(engine)
        assert len(credit_before) == 2

        # The Day Book reloaded: nothing new, changed or removed; the receipt's type recorded.
        day_book = tmp_path / "day_book.csv"
        day_book.write_text(DAY_BOOK, encoding="utf-8")
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=day_book, app="kav")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
        after = await _entries(engine)
        assert [row[:6] for row in after] == [row[:6] for row in before]
        assert [row[6] for row in after if row[0] == "Kaveri Traders"] == [
            "sales",
            "export sales",
            "receipt",
        ]
        assert await _credit(engine) == credit_before

        # Each register as a ledger, alone (refused as a collision before 0029): nothing.
        for register in ('Sales,7,"1,20,000.00"', 'Export Sales,7,"80,000.00"'):
            path = tmp_path / "register.csv"
            path.write_text(
                HEADER + f"3-Apr-25,Kaveri Traders,{register},\n"
                '20-May-25,Kaveri Traders,Receipt,1,,"1,50,000.00"\n',
                encoding="utf-8",
            )
            report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
            assert report.changes is not None
            assert (report.changes.new, report.changes.changed, report.changes.removed) == (
                0,
                0,
                0,
            )
        assert [row[:6] for row in await _entries(engine)] == [row[:6] for row in before]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0028", down=True)
        assert len(await _entries(engine)) == 5
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")

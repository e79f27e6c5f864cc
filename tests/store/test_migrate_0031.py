"""Revision 0031 adds ledger_entry.reference_is_bill. Entries stored before it record what is
certain (a bill where a voucher number is kept beside the reference, none where the reference
is empty) and are unknown (NULL) otherwise, read as bills, as before: the upgrade changes no
credit figure. A reload of their Day Book records that its receipts are under their own
numbers, and they then settle the oldest invoices; a second reload writes nothing.
Downgrading drops the column and keeps every entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.jobs.segment import segment_apps
from tests.store.ingest.test_receipt_own_numbers import DAY_BOOK
from tests.store.test_migrate import _migrate_to

# A receipt of a bill-wise ledger, stored under the bill it settles with its own number
# beside it (revision 0021), and one naming nothing.
_OTHERS = [
    {"k": "invoice", "r": "KD/1", "d": dt.date(2025, 4, 2), "n": None, "m": "5000.00"},
    {"k": "payment", "r": "KD/1", "d": dt.date(2025, 4, 20), "n": "7", "m": "5000.00"},
    {"k": "payment", "r": "", "d": dt.date(2025, 5, 20), "n": None, "m": "1000.00"},
]


async def _flags(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT account_id, kind, reference, voucher_number, reference_is_bill "
                "FROM ledger_entry ORDER BY account_id, entry_date, kind, reference"
            )
        )
        return [tuple(row) for row in rows]


async def _lateness(engine: AsyncEngine) -> tuple[float, float]:
    async with engine.begin() as connection:
        await segment_apps(connection)
        row = (
            await connection.execute(
                text(
                    "SELECT overdue_share, average_days_late FROM credit_risk "
                    "WHERE account_id = 'Lotus Retail'"
                )
            )
        ).one()
    return float(row[0]), float(row[1])


async def test_0031_records_what_is_certain_keeps_the_figures_and_a_reload_records_the_rest(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    day_book = tmp_path / "Day Book.csv"
    day_book.write_text(DAY_BOOK, encoding="utf-8")
    try:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=day_book, app="kaveri")
        # The entries as a release before 0031 stored them: no record of what the reference is.
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0030", down=True)
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES ('Sharma', 'kaveri', 'Sharma', false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO ledger_entry (account_id, entry_date, kind, reference, line, "
                    "amount, voucher_type, book, voucher_number) VALUES "
                    "('Sharma', :d, :k, :r, 1, :m, '', '', :n)"
                ),
                _OTHERS,
            )
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _flags(engine) == [
            ("Lotus Retail", "invoice", "1", None, None),
            ("Lotus Retail", "invoice", "2", None, None),
            ("Lotus Retail", "payment", "2", None, None),
            ("Lotus Retail", "payment", "3", None, None),
            ("Sharma", "invoice", "KD/1", None, None),
            ("Sharma", "payment", "KD/1", "7", True),
            ("Sharma", "payment", "", None, False),
        ]
        # Unknown is read as a bill, as before 0031: `Receipt 2` still pays `Sales 2` (the
        # figures of test_receipt_own_numbers' note): the upgrade alone changes nothing.
        assert await _lateness(engine) == pytest.approx((0.5, 30.0))

        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=day_book, app="kaveri")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
        assert "recorded that the reference is the voucher's own number of 4" in str(
            report.changes_line()
        )
        assert [flag[-1] for flag in await _flags(engine) if flag[0] == "Lotus Retail"] == [
            False
        ] * 4
        # Oldest first: 4 and 30 days late, all of it overdue.
        assert await _lateness(engine) == pytest.approx((1.0, 17.0))
        again = await ingest_file(engine, kind=IngestKind.LEDGER, path=day_book, app="kaveri")
        assert again.changes is not None
        assert (again.changes.new, again.changes.changed, again.changes.recorded) == (0, 0, ())

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0030", down=True)
            count = (await connection.execute(text("SELECT count(*) FROM ledger_entry"))).scalar()
        assert count == 7
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")

"""A Day Book's receipts under their own numbers (`Receipt 2`, beside `Sales 2`) and the party's
bill-wise ledger naming the bills they settle (`Agst Ref 1`), loaded in any order, any number
of times, leave what a model says:

- each receipt is one entry: under its own number, recorded as no bill
  (`reference_is_bill` false), until the ledger is loaded; under the bill it settles, recorded
  as a bill with its own number beside it, from then on, whatever is loaded after;
- the invoices are under their own numbers, recorded as no bill;
- the credit measures settle oldest first throughout (the ledger sets each receipt against
  the oldest open bill): 4 and 30 days late, all of it overdue;
- a reload of the last file loaded writes and records nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import CREDIT_RISK_TABLE, METADATA
from tests.store.ingest.test_receipt_own_numbers import DAY_BOOK

LEDGER = (
    "Kaveri Traders\n"
    "Ledger: Lotus Retail\n"
    "1-Apr-2025 to 30-Jun-2025\n"
    "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '1-Apr-2025,Sales Account,Sales,1,"10,000.00",\n'
    '1-May-2025,Sales Account,Sales,2,"10,000.00",\n'
    '5-May-2025,HDFC Bank,Receipt,2,,"10,000.00"\n'
    ',Agst Ref  1,,,,"10,000.00"\n'
    '30-Jun-2025,HDFC Bank,Receipt,3,,"10,000.00"\n'
    ',Agst Ref  2,,,,"10,000.00"\n'
)
FILES = {"day book": DAY_BOOK, "ledger": LEDGER}
INVOICES = [("invoice", "1", None, False), ("invoice", "2", None, False)]
# (kind, reference, voucher number, reference_is_bill) of the receipts
OWN_NUMBERS = [("payment", "2", None, False), ("payment", "3", None, False)]
BILLS = [("payment", "1", "2", True), ("payment", "2", "3", True)]


async def _entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    table = METADATA.tables["ledger_entry"]
    c = table.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(c.kind, c.reference, c.voucher_number, c.reference_is_bill).order_by(
                c.kind, c.reference
            )
        )
        return [tuple(row) for row in rows]


async def _lateness(engine: AsyncEngine) -> tuple[float, float]:
    risk = CREDIT_RISK_TABLE.c
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(risk.overdue_share, risk.average_days_late).where(
                    risk.account_id == "Lotus Retail"
                )
            )
        ).one()
    return float(row.overdue_share), float(row.average_days_late)


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(loads=st.lists(st.sampled_from(sorted(FILES)), min_size=1, max_size=4))
async def test_any_order_of_loads_keeps_each_receipt_once_and_settles_oldest_first(
    engine: AsyncEngine, tmp_path: Path, loads: list[str]
) -> None:
    await _empty(engine)
    path = tmp_path / "load.csv"
    ledger_loaded = False
    for name in loads:
        path.write_text(FILES[name], encoding="utf-8")
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
        ledger_loaded = ledger_loaded or name == "ledger"
        receipts = BILLS if ledger_loaded else OWN_NUMBERS
        assert await _entries(engine) == [*INVOICES, *receipts], loads
        assert await _lateness(engine) == pytest.approx((1.0, 17.0)), loads
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    assert report.changes is not None
    changes = report.changes
    assert (changes.new, changes.changed, changes.removed, changes.recorded) == (0, 0, 0, ()), (
        loads,
        report.notes,
    )

"""The opening balance of the ledger of one party (the trial's Tally ledgers, in `tally/`) is
an entry of its own on the period's first day: in what is owed and in credit risk, never an
invoice or a payment; a next period's opening balance is checked against the entries before
it instead of counting twice; the closing balance line is checked against the entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import EntryKind, LedgerEntry, credit_measures
from store.ingest import IngestKind, IngestReport, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
_NEXT = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
1-Jul-25 to 30-Sep-25
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,"{opening}",
5-Jul-25,To Sales Account,Sales,KD/25-26/011,"10,000.00",
,Closing Balance,,,,"{closing}"
"""


async def _load(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")


async def _trial(engine: AsyncEngine) -> list[IngestReport]:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    return [
        await _load(engine, FIXTURES / name)
        for name in ("ledger_sharma_erp9.txt", "ledger_gupta_prime.csv", "ledger_iyer_balance.csv")
    ]


async def _credit(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    # account -> (invoiced, outstanding)
    return {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}


def _next_period(folder: Path, opening: str, closing: str) -> Path:
    path = folder / "ledger_sharma_next.csv"
    path.write_text(_NEXT.format(opening=opening, closing=closing), encoding="utf-8")
    return path


async def test_opening_balances_are_owed_but_not_invoiced(engine: AsyncEngine) -> None:
    sharma, gupta, iyer = await _trial(engine)
    openings = [
        row[:6]
        for row in await rows_of(engine, "ledger_entry")
        if row[2] == EntryKind.OPENING_DUE.value
    ]
    assert openings == [
        ("KAV-001", d("2025-04-01"), "opening due", "", 1, D("25000.00")),
        ("KAV-002", d("2025-04-01"), "opening due", "", 1, D("12000.00")),
    ]
    # Tally's closing balances: 28,706.00 Dr, 12,000.00 Dr, 60,000.00 Dr.
    credit = await _credit(engine)
    assert credit["KAV-001"] == (D("133706.00"), D("28706.00"))
    assert credit["KAV-002"] == (D("45600.00"), D("12000.00"))
    assert credit["Iyer Agencies"] == (D("67890.00"), D("60000.00"))
    assert "Closing balance 28,706.00 Dr agrees with the entries loaded" in sharma.notes
    assert "Closing balance 12,000.00 Dr agrees with the entries loaded" in gupta.notes
    assert "Closing balance 60,000.00 Dr agrees with the entries loaded" in iyer.notes
    assert any(note.startswith("Opening balance 12,000.00 (owed") for note in gupta.notes)
    again = await _load(engine, FIXTURES / "ledger_sharma_erp9.txt")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 6)


async def test_a_next_periods_opening_balance_is_checked_not_counted_twice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _trial(engine)
    report = await _load(engine, _next_period(tmp_path, "28,706.00", "38,706.00"))
    assert any(
        note.startswith("Opening balance of KAV-001 on 2025-07-01 (28,706.00 Dr) agrees")
        for note in report.notes
    )
    assert "Closing balance 38,706.00 Dr agrees with the entries loaded" in report.notes
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")
    kinds = [row[2] for row in await rows_of(engine, "ledger_entry") if row[0] == "KAV-001"]
    assert kinds.count("opening due") == 1

    wrong = await _load(engine, _next_period(tmp_path, "30,000.00", "38,706.00"))
    assert any(
        "is 30,000.00 Dr but the 6 entries loaded before it give 28,706.00 Dr" in note
        for note in wrong.notes
    )
    assert any(
        note.startswith(
            "Closing balance on line 7 is 38,706.00 but the entries loaded (with the "
            "opening balance) give 40,000.00 Dr"
        )
        for note in wrong.notes
    )
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")


async def test_an_earlier_period_loaded_later_replaces_the_opening_balance(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    await _load(engine, _next_period(tmp_path, "28,706.00", "38,706.00"))
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")
    report = await _load(engine, FIXTURES / "ledger_sharma_erp9.txt")
    assert any(note.startswith("Removed 1 opening balance of KAV-001") for note in report.notes)
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")
    openings = [row[1] for row in await rows_of(engine, "ledger_entry") if row[2] != "invoice"]
    assert dt.date(2025, 7, 1) not in openings


def test_an_opening_advance_settles_the_first_invoices() -> None:
    entries = [
        LedgerEntry(dt.date(2025, 4, 1), EntryKind.OPENING_ADVANCE, D("500")),
        LedgerEntry(dt.date(2025, 4, 1), EntryKind.OPENING_DUE, D("0")),
        LedgerEntry(dt.date(2025, 4, 10), EntryKind.INVOICE, D("800")),
    ]
    measures = credit_measures(entries, as_of=dt.date(2025, 4, 20))
    assert measures.invoiced == D("800.00")
    assert measures.outstanding == D("300.00")

"""REVIEW h1 (failing on purpose, a finding): a later period's opening balance is dropped by
the load of an earlier period's ledger that does not reach it, and what the customer owes
falls by it.

store/ingest/kinds/ledger_balances.py OpeningCheck removes every stored opening balance dated
after the file's first entry. The Jul-Sep ledger's opening (50,000 owed on 1 Jul) stands for
everything before July; loading the Jan-Mar ledger afterwards (its closing 1,000 Dr) removes
it although nothing of Apr-Jun is loaded: the account's outstanding becomes 11,000 where its
ledger says 60,000."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

FIXTURES = Path(__file__).parents[1] / "store" / "ingest" / "tally"
_LEDGER = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
{period}
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,"{opening}",
{day},To Sales Account,Sales,{invoice},"{amount}",
,Closing Balance,,,,"{closing}"
"""


async def test_an_earlier_ledger_does_not_drop_a_later_opening_balance(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    later = tmp_path / "q3.csv"
    later.write_text(
        _LEDGER.format(
            period="1-Jul-25 to 30-Sep-25",
            opening="50,000.00",
            day="5-Jul-25",
            invoice="KD/25-26/011",
            amount="10,000.00",
            closing="60,000.00",
        )
    )
    earlier = tmp_path / "q1.csv"
    earlier.write_text(
        _LEDGER.format(
            period="1-Jan-25 to 31-Mar-25",
            opening="0.00",
            day="5-Jan-25",
            invoice="KD/24-25/090",
            amount="1,000.00",
            closing="1,000.00",
        )
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=later, app="kaveri")
    before = {row[0]: row[5] for row in await rows_of(engine, "credit_risk")}
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=earlier, app="kaveri")
    after = {row[0]: row[5] for row in await rows_of(engine, "credit_risk")}
    assert before["KAV-001"] == Decimal("60000.00")
    # Expected: still 60,000 owed (nothing of Apr-Jun is known); observed 11,000.
    assert after["KAV-001"] == Decimal("60000.00"), (after["KAV-001"], report.notes)

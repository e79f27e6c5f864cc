"""Whether a ledger file covers a customer's numbers wholly (invoices and payments) is decided
per customer (store/ingest/kinds/ledger_places.py): a Sundry Debtors file that holds one
customer's whole ledger and another customer's receipts only edits and trims the first
customer's entries, and leaves the second's that it does not list (a credit note) alone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import EntryKind
from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from store.ingest.kinds.ledger import _one_direction
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
TITLE = (
    "Shree Ganesh Distributors Pvt. Ltd.\nSundry Debtors - Bill-wise Details\n"
    "1-Apr-2024 to 31-Mar-2025\n\n"
    "Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit\n"
)
# Both customers' whole ledgers: Sharma's bill SG/24-25/002 settled on 10 May by a credit
# note and a receipt, Gupta's bill SG/24-25/007 by a debit note's charge and a receipt.
SHARMA_WHOLE = (
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"50,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Credit Note,CN/003,,"5,000.00"\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
)
GUPTA_WHOLE = (
    '2-May-2024,SG/24-25/007,Gupta Traders,Sales,SG/24-25/007,"10,000.00",\n'
    '2-May-2024,SG/24-25/007,Gupta Traders,Debit Note,DN/001,"500.00",\n'
    '12-May-2024,SG/24-25/007,Gupta Traders,Receipt,RC/091,,"10,500.00"\n'
)
SHARMA_RECEIPTS = '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
SHARMA = [
    ("Sharma Electricals", d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("50000.00")),
    ("Sharma Electricals", d("2024-05-10"), "payment", "SG/24-25/002", 1, D("5000.00")),
    ("Sharma Electricals", d("2024-05-10"), "payment", "SG/24-25/002", 2, D("25000.00")),
]


async def _entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    return sorted(row[:6] for row in await rows_of(engine, "ledger_entry"))


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(TITLE + text, encoding="utf-8")
    return path


async def test_one_customers_receipts_beside_anothers_whole_ledger_keep_its_credit_note(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Gupta's whole ledger without the debit note (deleted in the books) beside Sharma's
    receipts only: Gupta's debit note goes, Sharma's credit note stays, and the load says it
    kept it for Sharma's receipts-only part."""
    first = _file(tmp_path, "whole.csv", SHARMA_WHOLE + GUPTA_WHOLE)
    await ingest_file(engine, kind=LEDGER, path=first, app="sgd")
    gupta = GUPTA_WHOLE.replace('"10,500.00"', '"10,000.00"')
    gupta = "".join(line for line in gupta.splitlines(keepends=True) if "DN/001" not in line)
    mixed = _file(tmp_path, "mixed.csv", SHARMA_RECEIPTS + gupta)

    report = await ingest_file(engine, kind=LEDGER, path=mixed, app="sgd")

    assert await _entries(engine) == [
        ("Gupta Traders", d("2024-05-02"), "invoice", "SG/24-25/007", 1, D("10000.00")),
        ("Gupta Traders", d("2024-05-12"), "payment", "SG/24-25/007", 1, D("10000.00")),
        *SHARMA,
    ]
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed) == (1, 1)
    assert any(
        note.startswith("Kept 1 stored entry") and "only payments of Sharma Electricals" in note
        for note in report.notes
    ), report.notes


async def test_one_customers_edited_receipt_beside_anothers_whole_ledger_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Sharma's receipt given otherwise than stored in a receipts-only part: refused as a
    receipts-only file is (an edited receipt and an unlisted credit note look alike), naming
    Sharma, even though Gupta's part of the file is whole; nothing changes."""
    first = _file(tmp_path, "whole.csv", SHARMA_WHOLE + GUPTA_WHOLE)
    await ingest_file(engine, kind=LEDGER, path=first, app="sgd")
    before = await _entries(engine)
    edited = SHARMA_RECEIPTS.replace('"25,000.00"', '"24,000.00"')
    mixed = _file(tmp_path, "mixed.csv", edited + GUPTA_WHOLE)

    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=LEDGER, path=mixed, app="sgd")

    message = str(refused.value)
    assert "\n" not in message
    assert "only payments of Sharma Electricals" in message
    assert await _entries(engine) == before


def test_the_customers_of_one_direction_past_three_say_how_many_more_grouped() -> None:
    """One rule for `a, b, c and N more` (`analytics.name_lists.first_and_more`)."""
    accounts = [f"C{n:04}" for n in range(1_003)]
    directions = {account: {EntryKind.PAYMENT} for account in accounts}

    assert _one_direction(accounts, directions) == (
        "it has only payments of C0000, C0001, C0002 and 1,000 more"
    )

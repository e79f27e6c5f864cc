"""QuickBooks Desktop lists a voided invoice in its Invoice List at 0.00, its memo `VOID:`
(QuickBooks Online's memo says `Voided`). Nothing was sold nor is owed: the line makes no
sale line, no ledger entry and no account for a customer with no other line, and the notes
count it; an invoice stored before it was voided goes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
HEADER = (
    'Rock Castle Construction\nInvoice List\n"January 1 - March 31, 2025"\n\n'
    ",Type,Date,Num,Name,Memo,Due Date,Amount,Open Balance\n"
    ",Invoice,01/05/2025,1001,Abercrombie Kristy,Bathroom,02/04/2025,300.00,0.00\n"
)
VOIDED = HEADER + ",Invoice,02/14/2025,1015,Jacobsen Doug,VOID: Kitchen,03/16/2025,0.00,0.00\n"
ISSUED = HEADER + ",Invoice,02/14/2025,1015,Jacobsen Doug,Kitchen,03/16/2025,250.00,250.00\n"
TABLES = {IngestKind.SALES: "sale_line", IngestKind.LEDGER: "ledger_entry"}
NUMBER = {IngestKind.SALES: 2, IngestKind.LEDGER: 3}


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_voided_invoice_at_zero_makes_no_account_and_no_line(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    path = tmp_path / "invoice_list.csv"
    path.write_text(VOIDED, encoding="utf-8")
    report = await ingest_file(engine, kind=kind, path=path, app="rock")
    assert [row[0] for row in await rows_of(engine, "account")] == ["Abercrombie Kristy"]
    assert [row[NUMBER[kind]] for row in await rows_of(engine, TABLES[kind])] == ["1001"]
    assert any("1 line" in note and "VOID" in note for note in report.notes), report.notes


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_an_invoice_voided_after_its_load_goes(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    issued = tmp_path / "issued.csv"
    issued.write_text(ISSUED, encoding="utf-8")
    voided = tmp_path / "voided.csv"
    voided.write_text(VOIDED, encoding="utf-8")
    await ingest_file(engine, kind=kind, path=issued, app="rock")
    await ingest_file(engine, kind=kind, path=voided, app="rock")
    assert [row[NUMBER[kind]] for row in await rows_of(engine, TABLES[kind])] == ["1001"]


async def test_a_zero_line_without_a_void_memo_stays(engine: AsyncEngine, tmp_path: Path) -> None:
    """A free line (0.00, no VOID memo) is still a line of its customer."""
    path = tmp_path / "free.csv"
    path.write_text(VOIDED.replace("VOID: Kitchen", "Free visit"), encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="rock")
    assert [row[2] for row in await rows_of(engine, "sale_line")] == ["1001", "1015"]
    assert D("0.00") in [row[4] for row in await rows_of(engine, "sale_line")]

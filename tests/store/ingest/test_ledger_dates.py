"""A ledger's invoices and payments keep their dates as sales invoices do: a ledger re-export
read with day and month the other way round is refused instead of storing each entry a second
time (invoiced and owed doubled), and a load given the order with `--dates` corrects the
earlier misreading."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import DatesOption, FileRejected, IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
_LEDGER = "Customer,Date,Invoice,Amount\nAcme,04/01/2024,INV-1,100 Dr\nAcme,05/02/2024,RC-1,40 Cr\n"
# The re-export: a later invoice dated 04/13/2024 says month first.
_AGAIN = _LEDGER + "Acme,04/13/2024,INV-2,10 Dr\n"


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return [(row[1], row[2], row[3], row[5]) for row in await rows_of(engine, "ledger_entry")]


async def test_a_ledger_entry_is_never_stored_at_a_second_date(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    first = tmp_path / "ledger.csv"
    first.write_text(_LEDGER, encoding="utf-8")
    again = tmp_path / "ledger_again.csv"
    again.write_text(_AGAIN, encoding="utf-8")
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=first, app="acme", dates=DatesOption.DAY_FIRST
    )
    before = await _entries(engine)
    with pytest.raises(FileRejected) as refused:
        await ingest_file(
            engine, kind=IngestKind.LEDGER, path=again, app="acme", dates=DatesOption.GUESS
        )
    message = str(refused.value)
    assert "\n" not in message
    assert "INV-1 of Acme is stored dated 2024-01-04, and this file dates it 2024-04-01" in message
    assert await _entries(engine) == before


async def test_a_misread_ledger_is_corrected_by_giving_the_order(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    first = tmp_path / "ledger.csv"
    first.write_text(_LEDGER, encoding="utf-8")
    again = tmp_path / "ledger_again.csv"
    again.write_text(_AGAIN, encoding="utf-8")
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=first, app="acme", dates=DatesOption.DAY_FIRST
    )
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=again, app="acme", dates=DatesOption.MONTH_FIRST
    )
    assert await _entries(engine) == [
        (d("2024-04-01"), "invoice", "INV-1", D("100.00")),
        (d("2024-04-13"), "invoice", "INV-2", D("10.00")),
        (d("2024-05-02"), "payment", "RC-1", D("40.00")),
    ]
    [credit] = await rows_of(engine, "credit_risk")
    assert (credit[4], credit[5]) == (D("110.00"), D("70.00"))

"""A gross amount below the stored amount before tax of the same invoice
cannot be its gross (taxes are not negative): the invoice was edited down since, and the stored
amount is stale. So is every amount a condensed Day Book stored before migration 0016, which
the migration marks as before tax."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import SALE_LINE_TABLE
from tests.store.ingest.test_taxed_amounts import CONDENSED, REGISTER
from tests.store.sales_support import rows_of

D = Decimal

# KD/25-26/001 edited down after the register was exported: one of its items removed, now
# 50,000.00 before tax, 59,000.00 with 18% GST.
EDITED = CONDENSED.replace('KD/25-26/001,"1,23,456.00"', 'KD/25-26/001,"59,000.00"')


async def test_a_gross_amount_below_the_stored_one_before_tax_replaces_it(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    edited = tmp_path / "daybook.csv"
    edited.write_text(EDITED)
    await ingest_file(engine, kind=IngestKind.SALES, path=register)
    await ingest_file(engine, kind=IngestKind.SALES, path=edited)
    kaveri = [r for r in await rows_of(engine, "sale_line") if r[2] == "KD/25-26/001"]
    assert sum(D(r[4]) for r in kaveri) <= D("59000.00")


async def test_a_day_book_stored_before_migration_0016_can_be_corrected(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    condensed = tmp_path / "daybook.csv"
    condensed.write_text(CONDENSED)
    await ingest_file(engine, kind=IngestKind.SALES, path=condensed)
    # What migration 0016 makes of lines stored before it: taken as before tax.
    async with engine.begin() as connection:
        await connection.execute(update(SALE_LINE_TABLE).values(includes_tax=False))
    again = await ingest_file(engine, kind=IngestKind.SALES, path=condensed)
    assert not [note for note in again.notes if note.startswith("Kept the amount before tax")]
    # The gross is now marked as such, so a correction of it replaces it.
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(CONDENSED.replace('"1,23,456.00"', '"1,30,000.00"'))
    await ingest_file(engine, kind=IngestKind.SALES, path=corrected)
    lines = {r[2]: (D(r[4]), r[8]) for r in await rows_of(engine, "sale_line")}
    assert lines["KD/25-26/001"] == (D("130000.00"), True)


DETAILED_TCS = """Kaveri Distributors Pvt Ltd
Day Book
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,"45,180.00",
,Sales Account,,,,"38,135.60"
,TCS on Sales,,,,"180.00"
,Output IGST @18%,,,,"6,864.40"
"""


async def test_tcs_under_a_voucher_is_no_sale(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "detailed.csv"
    path.write_text(DETAILED_TCS)
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert [D(r[4]) for r in await rows_of(engine, "sale_line")] == [D("38135.60")]

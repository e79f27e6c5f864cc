"""A date one export writes so that it reads one way only (`3-Apr-2025`, an Excel date cell)
stays recorded so when another export of the same voucher writes it both ways (`3-4-2025`,
day first only because another of its dates says so): that export names the same line at
the same date, so it confirms the date rather than casting doubt on it again. Loading the
two exports in turn used to flip the record on every load (`recorded the date written both
ways of 1`, then `recorded that the date reads one way only of 1`), a write each time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA

# A Day Book with its dates as `d-Mon-yyyy`: both read one way only.
ONE_WAY = (
    "Day Book\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    "3-Apr-2025,Kaveri Distributors,Sales,2,236000.00,\n"
    "25-Apr-2025,Kaveri Distributors,Receipt,2,,236000.00\n"
)
# The same vouchers with the dates as Tally ERP 9 writes them (`d-m-yyyy`): `25-4-2025` reads
# day first only, so the file is read day first, and `3-4-2025` could have been read either way.
BOTH_WAYS = ONE_WAY.replace("3-Apr-2025", "3-4-2025").replace("25-Apr-2025", "25-4-2025")


def _files(folder: Path) -> tuple[Path, Path]:
    one_way = folder / "one_way.csv"
    one_way.write_text(ONE_WAY, encoding="utf-8")
    both_ways = folder / "both_ways.csv"
    both_ways.write_text(BOTH_WAYS, encoding="utf-8")
    return one_way, both_ways


async def _records(engine: AsyncEngine, name: str) -> list[object]:
    """Each stored row's record of whether its date reads both ways, in key order."""
    table = METADATA.tables[name]
    async with engine.connect() as connection:
        query = select(table.c.date_ambiguous).order_by(*table.primary_key.columns)
        return list((await connection.execute(query)).scalars())


@pytest.mark.parametrize(
    ("kind", "table"),
    [(IngestKind.LEDGER, "ledger_entry"), (IngestKind.SALES, "sale_line")],
)
async def test_a_date_read_one_way_stays_so_whichever_export_comes_next(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, table: str
) -> None:
    one_way, both_ways = _files(tmp_path)
    await ingest_file(engine, kind=kind, path=both_ways, app="kaveri")
    first = await _records(engine, table)
    assert True in first
    report = await ingest_file(engine, kind=kind, path=one_way, app="kaveri")
    assert "recorded that the date reads one way only of 1" in report.what_was_written()
    confirmed = await _records(engine, table)
    assert True not in confirmed
    for path in (both_ways, one_way, both_ways):
        again = await ingest_file(engine, kind=kind, path=path, app="kaveri")
        assert again.what_was_written().startswith("nothing written"), again.what_was_written()
        assert await _records(engine, table) == confirmed


@pytest.mark.parametrize(
    ("kind", "table"),
    [(IngestKind.LEDGER, "ledger_entry"), (IngestKind.SALES, "sale_line")],
)
async def test_an_export_writing_the_date_both_ways_leaves_a_confirmed_date(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, table: str
) -> None:
    one_way, both_ways = _files(tmp_path)
    await ingest_file(engine, kind=kind, path=one_way, app="kaveri")
    confirmed = await _records(engine, table)
    assert True not in confirmed
    report = await ingest_file(engine, kind=kind, path=both_ways, app="kaveri")
    assert report.what_was_written().startswith("nothing written"), report.what_was_written()
    assert await _records(engine, table) == confirmed

"""A reload whose rows are all stored already, but which records what the stored rows lacked
(a receipt's own voucher number, a voucher type), writes those records: it says what it
recorded rather than `nothing written`, which would read as if the new export had been
ignored. Another export that lacks the record (a ledger without its Vch No. column) never
erases it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import VOUCHER_NUMBER, rows_of

FIXTURES = Path(__file__).parent / "tally"
# Tally Prime's ledger of one party with bill-wise details, exported without and with its
# Vch No. column: the same three entries; the second also gives the receipt's own number.
WITHOUT_NUMBERS = FIXTURES / "ledger_sharma_prime_no_numbers.csv"
WITH_NUMBERS = FIXTURES / "ledger_sharma_prime_numbers.csv"
SALES = "Date,Customer,Invoice Number,Amount\n2025-04-01,Sharma Electricals,KD/25-26/001,100000\n"
TYPED_SALES = (
    "Date,Customer,Vch Type,Invoice Number,Amount\n"
    "2025-04-01,Sharma Electricals,Sales,KD/25-26/001,100000\n"
)


async def _numbers(engine: AsyncEngine) -> list[object]:
    # the voucher number of each entry, in key order
    return [row[VOUCHER_NUMBER] for row in await rows_of(engine, "ledger_entry")]


async def test_a_reload_recording_voucher_numbers_says_so(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.LEDGER, path=WITHOUT_NUMBERS, app="kaveri")
    assert await _numbers(engine) == [None, None, None]
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    assert await _numbers(engine) == [None, "1", None]
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed) == (0, 0)
    assert report.what_was_written() == (
        "nothing new or changed, 3 ledger entries unchanged, recorded the voucher number of 1"
    )
    # The same export again records nothing more.
    again = await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    assert again.what_was_written() == "nothing written, 3 ledger entries unchanged"


async def test_an_export_without_numbers_keeps_those_recorded(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=WITHOUT_NUMBERS, app="kaveri")
    assert await _numbers(engine) == [None, "1", None]
    assert report.what_was_written() == "nothing written, 3 ledger entries unchanged"


async def test_a_reload_recording_voucher_types_says_so(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    plain = tmp_path / "sales.csv"
    plain.write_text(SALES, encoding="utf-8")
    typed = tmp_path / "typed.csv"
    typed.write_text(TYPED_SALES, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=plain, app="kaveri")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=typed, app="kaveri")
    assert report.what_was_written() == (
        "nothing new or changed, 1 sale line unchanged, recorded the voucher type of 1"
    )
    assert any("recorded the voucher type of 1" in line for line in report.lines())


async def test_a_reload_over_lines_stored_before_dates_were_checked_says_what_it_recorded(
    engine: AsyncEngine,
) -> None:
    """Entries stored before releases kept whether a date reads both ways have none (NULL); a
    reload records that each date reads one way (`2-Apr-2024`) and says so, never that the
    dates were written both ways (it said `recorded the date written both ways of 3`)."""
    await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("UPDATE ledger_entry SET date_ambiguous = NULL")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    said = report.what_was_written()
    assert "both ways" not in said
    assert said == (
        "nothing new or changed, 3 ledger entries unchanged, recorded that the date reads one "
        "way only of 3"
    )
    again = await ingest_file(engine, kind=IngestKind.LEDGER, path=WITH_NUMBERS, app="kaveri")
    assert again.what_was_written() == "nothing written, 3 ledger entries unchanged"

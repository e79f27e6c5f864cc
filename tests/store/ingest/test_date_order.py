"""The order of day and month of an export whose dates read both ways (`04/01/2024`): said
with `--dates` and kept for the app, else read off the title's period or the report's
convention, else refused; and an invoice never stored at a second date (a trial user's
QuickBooks exports, in `tally/`: the first one's dates all have a day of 12 or less)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_date_order import decide_date_order
from analytics.export_dates import DateOrderEvidence
from store.ingest import DatesOption, FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
APRIL = FIXTURES / "qb_april.csv"
APRIL_FULL = FIXTURES / "qb_april_full.csv"
CUSTOMER = "Amy's Bird Sanctuary"
# The statement of the check of invoice dates.
# The read of the stored lines of the file's invoices (the date check's, shared with the
# re-dating, the gross amounts and the stale lines: store/ingest/kinds/stored_invoices.py),
# its key carrying the load's book (store/ingest/kinds/ledger_books.py).
_CHECK = "SELECT sale_line.account_id, sale_line.invoice, sale_line.book, sale_line.sale_date"


async def _sales(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return [row[:5] for row in await rows_of(engine, "sale_line")]


async def test_the_title_period_says_the_month(engine: AsyncEngine) -> None:
    """`April 1-12, 2024` above 04/01/2024 and 04/10/2024: 1 and 10 April, not 4 January and
    4 October."""
    report = await ingest_file(engine, kind=IngestKind.SALES, path=APRIL, app="acme")
    assert (
        "Dates read month first (MM/DD/YYYY): the title's period says so (--dates to say otherwise)"
    ) in report.notes
    assert await _sales(engine) == [
        (CUSTOMER, d("2024-04-01"), "1101", 1, D("2400.00")),
        (CUSTOMER, d("2024-04-10"), "1107", 1, D("350.00")),
    ]


async def test_the_re_export_adds_only_its_new_invoice(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.SALES, path=APRIL, app="acme")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=APRIL_FULL, app="acme")
    assert report.changes is not None
    assert (report.changes.new, report.changes.unchanged) == (1, 2)
    assert sum(row[4] for row in await _sales(engine)) == D("2850.00")  # type: ignore[misc]


async def test_a_quickbooks_us_report_without_a_period_is_month_first(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "qb.csv"
    path.write_text(APRIL.read_text().replace('"April 1-12, 2024"', "All Dates"))
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="acme")
    assert any("QuickBooks' US reports write them so" in note for note in report.notes)
    assert [row[1] for row in await _sales(engine)] == [d("2024-04-01"), d("2024-04-10")]


async def test_dates_that_read_both_ways_with_nothing_to_tell_are_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("Customer,Date,Amount\nA,04/01/2024,10\nB,05/02/2024,20\n")
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    message = str(refused.value)
    assert "\n" not in message
    assert "'04/01/2024' read either day first or month first" in message
    assert "--dates day-first (DD/MM/YYYY) or --dates month-first (MM/DD/YYYY)" in message
    assert await _sales(engine) == []


@pytest.mark.parametrize(
    ("option", "dates"),
    [
        (DatesOption.DAY_FIRST, ["2024-01-04", "2024-02-05"]),
        (DatesOption.MONTH_FIRST, ["2024-04-01", "2024-05-02"]),
    ],
)
async def test_the_order_given_is_kept_for_the_app(
    engine: AsyncEngine, tmp_path: Path, option: DatesOption, dates: list[str]
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Customer,Date,Amount\nA,04/01/2024,10\n")
    later = tmp_path / "later.csv"
    later.write_text("Customer,Date,Amount\nB,05/02/2024,20\n")
    await ingest_file(engine, kind=IngestKind.SALES, path=first, app="acme", dates=option)
    report = await ingest_file(engine, kind=IngestKind.SALES, path=later, app="acme")
    assert any("as the order kept for app acme" in note for note in report.notes)
    assert sorted(row[1] for row in await _sales(engine)) == [d(day) for day in dates]  # type: ignore[type-var]
    # Another app keeps nothing of it.
    with pytest.raises(FileRejected, match="read either day first or month first"):
        await ingest_file(engine, kind=IngestKind.SALES, path=later, app="other")
    # `guess` forgets it.
    await ingest_file(
        engine, kind=IngestKind.SALES, path=APRIL, app="acme", dates=DatesOption.GUESS
    )
    with pytest.raises(FileRejected, match="read either day first or month first"):
        await ingest_file(engine, kind=IngestKind.SALES, path=later, app="acme")


async def test_an_invoice_is_never_stored_at_a_second_date(engine: AsyncEngine) -> None:
    """The trial's case: the first export read day first, its re-export month first (it has
    04/13/2024): 1101 and 1107 would be stored twice and the revenue doubled."""
    await ingest_file(
        engine, kind=IngestKind.SALES, path=APRIL, app="acme", dates=DatesOption.DAY_FIRST
    )
    before = await _sales(engine)
    assert [row[1] for row in before] == [d("2024-01-04"), d("2024-10-04")]
    with pytest.raises(FileRejected) as refused:
        await ingest_file(
            engine, kind=IngestKind.SALES, path=APRIL_FULL, app="acme", dates=DatesOption.GUESS
        )
    message = str(refused.value)
    assert "\n" not in message
    assert (
        f"invoice 1101 of {CUSTOMER} is stored dated 2024-01-04, and this file dates it "
        f"2024-04-01 (1 more invoice likewise)"
    ) in message
    assert await _sales(engine) == before


async def test_an_invoice_number_of_another_year_is_another_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Voucher numbers that restart each year meet again in other years only."""
    first = tmp_path / "2024.csv"
    first.write_text("Customer,Date,Invoice,Amount\nA,2024-04-02,1,10\n")
    later = tmp_path / "2025.csv"
    later.write_text("Customer,Date,Invoice,Amount\nA,2025-04-03,1,20\n")
    await ingest_file(engine, kind=IngestKind.SALES, path=first)
    await ingest_file(engine, kind=IngestKind.SALES, path=later)
    assert len(await _sales(engine)) == 2


async def test_an_invoice_number_restarted_with_the_financial_year_is_another_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's voucher numbers restart in April: invoice 850 of February and of December of one
    calendar year are two invoices, only a date with day and month swapped is a misreading (of
    a date written so that it reads both ways: `10/02/2024`, day first as `13/02/2024` says)."""
    first = tmp_path / "fy2023.csv"
    first.write_text("Customer,Date,Invoice,Amount\nA,10/02/2024,850,10\nA,13/02/2024,851,5\n")
    later = tmp_path / "fy2024.csv"
    later.write_text("Customer,Date,Invoice,Amount\nA,2024-12-05,850,20\n")
    await ingest_file(engine, kind=IngestKind.SALES, path=first)
    await ingest_file(engine, kind=IngestKind.SALES, path=later)
    assert [row[1] for row in await _sales(engine)] == [
        d("2024-02-10"),
        d("2024-02-13"),
        d("2024-12-05"),
    ]
    swapped = tmp_path / "misread.csv"
    swapped.write_text("Customer,Date,Invoice,Amount\nA,2024-10-02,850,10\n")
    with pytest.raises(FileRejected, match="stored dated 2024-02-10, and this file dates it"):
        await ingest_file(engine, kind=IngestKind.SALES, path=swapped)


async def test_dates_are_for_exports_only(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name\nA1,Acme\n")
    with pytest.raises(FileRejected, match="--dates gives the order of day and month of sales"):
        await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=path, dates=DatesOption.DAY_FIRST)


async def test_a_date_against_the_kept_order_says_where_the_order_comes_from(
    engine: AsyncEngine,
) -> None:
    await ingest_file(
        engine, kind=IngestKind.SALES, path=APRIL, app="acme", dates=DatesOption.DAY_FIRST
    )
    with pytest.raises(IngestRejected) as refused:
        await ingest_file(engine, kind=IngestKind.SALES, path=APRIL_FULL, app="acme")
    assert [str(problem) for problem in refused.value.problems] == [
        "line 9: date '04/13/2024' is not a valid date (dates of this file are DD/MM/YYYY) as "
        "the order kept for app acme (--dates guess to let each file decide) says"
    ]


@pytest.mark.parametrize(
    ("dates", "note"),
    [
        (["04/01/2024", "13/01/2024"], "'13/01/2024' reads only day first"),
        (["04/01/2024", "01/13/2024"], "'01/13/2024' reads only month first"),
        (["01/01/2024", "02/02/2024"], "no date in it reads as two different days"),
    ],
)
def test_the_dates_themselves_say_why(dates: list[str], note: str) -> None:
    evidence = DateOrderEvidence()
    for text in dates:
        evidence.observe(text)
    assert decide_date_order(evidence, given=None).because == note


def test_dates_with_month_names_need_no_reason() -> None:
    evidence = DateOrderEvidence()
    evidence.observe("1-Apr-2025")
    assert decide_date_order(evidence, given=None).because is None


async def test_the_date_check_reads_only_the_files_own_invoices(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A customer's history of invoices is not read to check the one invoice a new file has:
    the check's statement names the file's invoice numbers."""
    history = tmp_path / "history.csv"
    history.write_text(
        "Customer,Date,Invoice,Amount\n"
        + "".join(f"A,2024-02-{day:02d},{800 + day},10\n" for day in range(1, 28))
    )
    # 05/03/2024, day first as 13/03/2024 says: a date that reads both ways.
    await ingest_file(engine, kind=IngestKind.SALES, path=history)
    statements: list[tuple[str, Sequence[object]]] = []

    def seen(*arguments: Any) -> None:
        statements.append((arguments[2], arguments[3]))

    later = tmp_path / "later.csv"
    later.write_text("Customer,Date,Invoice,Amount\nA,05/03/2024,990,20\nA,13/03/2024,991,5\n")
    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        await ingest_file(engine, kind=IngestKind.SALES, path=later)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    [parameters] = [
        parameters
        for statement, parameters in statements
        if " ".join(statement.replace("DISTINCT ", "").split()).startswith(_CHECK)
    ]
    assert "990" in parameters
    # A swapped date is still refused through the narrowed read.
    swapped = tmp_path / "misread.csv"
    swapped.write_text("Customer,Date,Invoice,Amount\nA,2024-05-03,990,20\n")
    with pytest.raises(FileRejected, match="invoice 990 of A is stored dated 2024-03-05"):
        await ingest_file(engine, kind=IngestKind.SALES, path=swapped)

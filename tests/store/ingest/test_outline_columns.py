"""QuickBooks Desktop's detail reports with jobs (sub-customers): each level of the report's
outline in an unnamed column of its own, a customer's heading and `Total NAME` in the first,
its jobs' in the second (`store.ingest.outline_columns`).

The fixtures follow that shape as described for QuickBooks Desktop's exports to Excel and CSV
(sub-levels "appear in separate columns from the parent", D. Ringstrom, "Reconstituting
QuickBooks General Ledger Data", accountexreport.com, 2016; MindBridge's "Data Formatting
Guide - Quickbooks Sub-Accounts": levels "laid out as layers, or in separate cells"), with
QuickBooks Desktop's `Total NAME` (no `for`) and its full names `Customer:Job` in `Name`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.outline_columns import fold_outline, outline_key
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
EXPECTED = [
    ("Abercrombie, Kristy:Family Room", d("2025-01-05"), "1001", 1, D("300.00")),
    ("Abercrombie, Kristy:Family Room", d("2025-02-14"), "1004", 1, D("190.00")),
    ("Abercrombie, Kristy:Kitchen", d("2025-03-02"), "1007", 1, D("1250.00")),
    ("Cook Brian", d("2025-01-20"), "1002", 1, D("70.00")),
]


async def test_jobs_in_a_second_column_are_headings_and_totals(engine: AsyncEngine) -> None:
    # Refused on main: the job's heading was a line without customer, date or amount, and
    # its `Total Family Room` an item line of the invoice above it.
    path = FIXTURES / "qbd_sales_by_customer_detail_jobs.csv"
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="rock")
    assert report.columns["customer"] == "Name"
    assert "Skipped 5 total or balance lines" in report.notes
    assert any(note.startswith("Skipped 4 heading or note lines") for note in report.notes)
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == EXPECTED
    again = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="rock")
    assert again.changes is not None
    assert again.changes.unchanged == 4


async def test_without_the_name_column_jobs_come_from_the_headings(engine: AsyncEngine) -> None:
    # QuickBooks Desktop closes a group with `Total NAME`: on main only `Total for NAME` did,
    # and the file was refused as one without a customer column.
    path = FIXTURES / "qbd_sales_by_customer_detail_jobs_no_name.csv"
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="rock")
    assert report.columns["customer"] == "(group headings)"
    assert (
        "Customers read from group headings: 3 customers named over their lines (the file has "
        "no customer column; `Total NAME` under each)"
    ) in report.notes
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == EXPECTED


async def test_as_a_ledger_each_job_is_its_own_customer(engine: AsyncEngine) -> None:
    path = FIXTURES / "qbd_sales_by_customer_detail_jobs.csv"
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="rock")
    entries = await rows_of(engine, "ledger_entry")
    assert sorted({row[0] for row in entries}) == [
        "Abercrombie, Kristy:Family Room",
        "Abercrombie, Kristy:Kitchen",
        "Cook Brian",
    ]


_CELL = st.one_of(st.none(), st.text(min_size=1, max_size=5))


@given(first=_CELL, others=st.lists(_CELL, max_size=4))
def test_a_rows_label_is_its_first_outline_cell_with_text(
    first: str | None, others: list[str | None]
) -> None:
    row: dict[str, str | None] = {"label": first, "amount": "1"}
    row.update({outline_key(index): value for index, value in enumerate(others, start=1)})
    fold_outline(row, "label")
    assert row == {
        "label": next((v for v in [first, *others] if v is not None), None),
        "amount": "1",
    }

"""QuickBooks' Sales by Customer Detail without a customer column (QuickBooks Online's default
layout, QuickBooks Desktop's without `Name`): customers come from the group headings in the
unnamed first column (`store.ingest.kinds.group_headings`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.guessing import ROW_LABEL
from store.ingest.kinds.group_headings import GroupHeadings
from store.ingest.reading import Row
from tests.store.sales_support import d, rows_of, write_delimited

D = Decimal
FIXTURES = Path(__file__).parent / "tally"


async def test_quickbooks_online_customers_come_from_group_headings(engine: AsyncEngine) -> None:
    path = FIXTURES / "qbo_sales_by_customer_detail.csv"
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="craig")
    assert report.columns["customer"] == "(group headings)"
    assert report.columns["invoice"] == "Num"
    assert (
        "Customers read from group headings: 4 customers named over their lines (the file has "
        "no customer column; `Total for NAME` under each)"
    ) in report.notes
    # Three `Total for` lines, two of sub-customers, and the grand TOTAL.
    assert "Skipped 6 total or balance lines" in report.notes
    # A sub-customer is named as QuickBooks writes its full name, Parent:Child.
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Amy's Bird Sanctuary", d("2025-01-05"), "1001", 1, D("300.00")),
        ("Amy's Bird Sanctuary", d("2025-02-14"), "1015", 1, D("50.00")),
        ("Bill's Windsurf Shop", d("2025-01-09"), "1003", 1, D("500.00")),
        ("Bill's Windsurf Shop", d("2025-03-12"), "1021", 1, D("-75.00")),
        ("Freeman Sporting Goods:0969 Ocean View Road", d("2025-02-20"), "1036", 1, D("3600.00")),
        ("Freeman Sporting Goods:55 Twin Lane", d("2025-03-02"), "1037", 1, D("1200.00")),
    ]
    again = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="craig")
    assert again.changes is not None
    assert again.changes.unchanged == 6


async def test_quickbooks_desktop_without_its_name_column_reads_alike(
    engine: AsyncEngine,
) -> None:
    path = FIXTURES / "qbd_sales_by_customer_detail_no_name.csv"
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="craig")
    assert report.columns["customer"] == "(group headings)"
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Amy's Bird Sanctuary", d("2025-01-05"), "1001", 1, D("300.00")),
        ("Amy's Bird Sanctuary", d("2025-02-14"), "1015", 1, D("50.00")),
        ("Bill's Windsurf Shop", d("2025-01-09"), "1003", 1, D("500.00")),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # Lines under no heading: the first column is a note, not customers' headings.
        [["Note", "", ""], ["", "01/05/2025", "300.00"], ["", "02/05/2025", "50.00"]],
        # A heading whose lines are never closed by its `Total for`.
        [["Amy", "", ""], ["", "01/05/2025", "300.00"], ["Bill", "", ""]],
        # Closed by another name's total.
        [["Amy", "", ""], ["", "01/05/2025", "300.00"], ["Total for Bill", "", "300.00"]],
    ],
)
async def test_a_first_column_not_laid_out_in_groups_is_not_a_customer(
    engine: AsyncEngine, tmp_path: Path, rows: list[list[str]]
) -> None:
    path = write_delimited(tmp_path, "odd.csv", ",", ["", "Date", "Amount"], rows)
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    message = str(caught.value)
    assert "found no column for the customer" in message
    assert "--column customer=COLUMN" in message
    assert "\n" not in message
    assert await rows_of(engine, "sale_line") == []


_NAMES = (
    st.text(alphabet="abcdefgh XYZ'&", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda name: bool(name) and not name.lower().startswith("total"))
)


def _heading(label: str) -> Row:
    return {ROW_LABEL: label, "date": None, "amount": None}


@given(
    st.lists(
        st.tuples(_NAMES, st.integers(min_value=1, max_value=4), st.lists(_NAMES, max_size=2)),
        min_size=1,
        max_size=5,
    )
)
def test_every_line_takes_the_customer_of_the_headings_over_it(
    groups: list[tuple[str, int, list[str]]],
) -> None:
    """Any report of customers (and sub-customers) with their lines and totals: every line
    is its innermost heading's, and the layout is recognised."""
    rows: list[Row] = []
    expected: list[str] = []
    for name, lines, subs in groups:
        rows.append(_heading(name))
        for index in range(lines):
            rows.append({ROW_LABEL: None, "date": f"01/0{index + 1}/2025", "amount": "1.00"})
            expected.append(name)
        for sub in subs:
            rows.append(_heading(sub))
            rows.append({ROW_LABEL: None, "date": "02/01/2025", "amount": "2.00"})
            expected.append(f"{name}:{sub}")
            rows.append({**_heading(f"Total for {sub}"), "amount": "$2.00"})
        rows.append({**_heading(f"Total for {name}"), "amount": "$9.00"})
    rows.append({**_heading("TOTAL"), "amount": "$99.00"})
    rows.append(_heading("Accrual Basis Thursday, April 3, 2025"))
    headings = GroupHeadings()
    for row in rows:
        headings.customer(row)
    assert headings.decide()
    headings.restart()
    found = [customer for row in rows if (customer := headings.customer(row)) is not None]
    assert found == expected

"""`orders` counts distinct invoices: Tally numbers each voucher type on its own, so `Sales 7`
and `Export Sales 7` of one customer in one quarter are two orders; lines stored without a
type (a file without one) count by number, as before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.rfm import SaleLine, quarterly_activity
from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
DAY = dt.date(2024, 4, 2)
DAY_BOOK = (
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '2-Apr-2024,Mehta & Sons,Sales,7,"45,000.00",\n'
    '9-Apr-2024,Mehta & Sons,Export Sales,7,"9,000.00",\n'
    '9-Apr-2024,Mehta & Sons,Export Sales,8,"1,000.00",\n'
)


async def test_a_sale_and_an_export_sale_of_one_number_are_two_orders(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "daybook.csv"
    path.write_text(DAY_BOOK, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="sharma")
    quarters = {(row[0], row[1]): row[2] for row in await rows_of(engine, "quarter_segment")}
    assert quarters == {("Mehta & Sons", "2024-Q2"): 3}


def test_types_split_numbers_and_untyped_lines_join_them() -> None:
    lines = [
        SaleLine(DAY, "7", D(10), None, "sales"),
        SaleLine(DAY, "7", D(10), None, "sales"),
        SaleLine(DAY, "7", D(10), None, "export sales"),
        # Stored before types were kept: one of the two above, not a third invoice.
        SaleLine(DAY, "7", D(10), None, None),
        SaleLine(DAY, "8", D(10), None, None),
        SaleLine(DAY, "", D(10), None, "sales"),
    ]
    (activity,) = quarterly_activity(lines)
    assert activity.orders == 4


@given(
    st.lists(
        st.tuples(st.sampled_from(["1", "2", "3"]), st.sampled_from([None, "sales", "export"])),
        min_size=1,
        max_size=12,
    )
)
def test_orders_are_the_numbers_times_their_known_types(
    invoices: list[tuple[str, str | None]],
) -> None:
    lines = [SaleLine(DAY, number, D(1), None, kind) for number, kind in invoices]
    (activity,) = quarterly_activity(lines)
    expected = sum(
        max(1, len({kind for n, kind in invoices if n == number and kind is not None}))
        for number in {n for n, _kind in invoices}
    )
    assert activity.orders == expected
    # Without types, distinct numbers as before.
    untyped = [SaleLine(DAY, number, D(1), None) for number, _kind in invoices]
    (plain,) = quarterly_activity(untyped)
    assert plain.orders == len({n for n, _kind in invoices})

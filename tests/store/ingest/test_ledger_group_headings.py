"""QuickBooks Online's receivables reports loaded as ledgers, without a customer column (their
default layout): customers come from the group headings in the unnamed first column, as a
sales load takes them (`store.ingest.kinds.group_headings`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
# Customer Balance Detail: each customer's open invoices and the payments applied to them.
BALANCE_DETAIL = """Craig's Design and Landscaping Services
Customer Balance Detail
All Dates

,Date,Transaction Type,Num,Due Date,Amount,Open Balance,Balance
Amy's Bird Sanctuary,,,,,,,
,01/05/2025,Invoice,1001,02/04/2025,300.00,200.00,300.00
,01/20/2025,Payment,,,-100.00,0.00,200.00
Total for Amy's Bird Sanctuary,,,,,$200.00,$200.00,
Freeman Sporting Goods,,,,,,,
0969 Ocean View Road,,,,,,,
,02/20/2025,Invoice,1036,03/22/2025,"3,600.00","3,600.00","3,600.00"
Total for 0969 Ocean View Road,,,,,"$3,600.00","$3,600.00",
Total for Freeman Sporting Goods,,,,,"$3,600.00","$3,600.00",
Not Specified,,,,,,,
,03/01/2025,Payment,,,-20.00,0.00,-20.00
Total for Not Specified,,,,,-$20.00,$0.00,
TOTAL,,,,,"$3,780.00","$3,800.00",
"""
# A/R Aging Detail: grouped by age first, each line naming its customer in `Customer`.
AGING_WITH_NAMES = """Craig's Design and Landscaping Services
A/R Aging Detail
As of March 31, 2025

,Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance
Current,,,,,,,
,03/15/2025,Invoice,1040,Amy's Bird Sanctuary,04/14/2025,120.00,120.00
Total for Current,,,,,,$120.00,$120.00
TOTAL,,,,,,$120.00,$120.00
"""


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_customer_balance_detail_takes_its_customers_from_the_headings(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _file(tmp_path, "balance.csv", BALANCE_DETAIL)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="craig")
    assert report.columns["customer"] == "(group headings)"
    assert (
        "Customers read from group headings: 2 customers named over their lines (the file has "
        "no customer column; `Total for NAME` under each)"
    ) in report.notes
    assert "Skipped 1 line under `Not Specified` (entries without a customer)" in report.notes
    assert [row[:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("Amy's Bird Sanctuary", d("2025-01-05"), "invoice", "1001", 1, D("300.00")),
        ("Amy's Bird Sanctuary", d("2025-01-20"), "payment", "", 1, D("100.00")),
        (
            "Freeman Sporting Goods:0969 Ocean View Road",
            d("2025-02-20"),
            "invoice",
            "1036",
            1,
            D("3600.00"),
        ),
    ]
    again = await ingest_file(engine, kind=LEDGER, path=path, app="craig")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 3)


async def test_a_customer_column_is_still_taken_over_headings(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A/R Aging Detail groups by age (`Current`), and names each line's customer in a
    column: the column gives the customer, the headings are not customers."""
    path = _file(tmp_path, "aging.csv", AGING_WITH_NAMES)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="craig")
    assert report.columns["customer"] == "Customer"
    assert [row[:3] for row in await rows_of(engine, "ledger_entry")] == [
        ("Amy's Bird Sanctuary", d("2025-03-15"), "invoice")
    ]


async def test_a_file_not_laid_out_in_groups_still_needs_its_party(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Lines outside any heading: no customer column, and the one-line reason asks for one."""
    text = BALANCE_DETAIL.replace("Amy's Bird Sanctuary,,,,,,,\n", "")
    with pytest.raises(FileRejected, match="no line names its customer, and no title names one"):
        await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "b.csv", text), app="craig")
    assert await rows_of(engine, "ledger_entry") == []

"""Money has one scale (at least two decimals, `analytics.money`): the same sales loaded from
a Sales Register CSV (`1,23,456.00`) and then from a Day Book workbook (the number 123456)
are unchanged by the second load, and the API's quarter revenues all print with cents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.money import money
from store.ingest import IngestKind, ingest_file
from tests.api_client import GraphQLClient
from tests.store.sales_support import rows_of, write_delimited, write_workbook

REGISTER_HEADER = ["Date", "Particulars", "Vch No.", "Value"]
REGISTER = [
    ["02/01/2023", "Sharma Traders", "S/001", "1,23,456.00"],
    ["10/01/2023", "Gupta Stores", "S/002", "45,000.00"],
    ["12/04/2023", "Gupta Stores", "S/003", "1,50,000.00"],
    ["20/04/2023", "Sharma Traders", "S/004", "12,345.50"],
]
DAY_BOOK_HEADER = ["Date", "Particulars", "Vch Type", "Vch No.", "Debit Amount"]
# The same vouchers as a Day Book's workbook holds them: dates and numbers, no trailing zeros.
DAY_BOOK = [
    [dt.datetime(2023, 1, 2), "Sharma Traders", "Sales", "S/001", 123456],
    [dt.datetime(2023, 1, 10), "Gupta Stores", "Sales", "S/002", 45000],
    [dt.datetime(2023, 4, 12), "Gupta Stores", "Sales", "S/003", 150000],
    [dt.datetime(2023, 4, 20), "Sharma Traders", "Sales", "S/004", 12345.5],
]

QUARTERS = """
{
  accounts(first: 10) {
    edges { node { accountId salesProfile { quarters { quarter revenue } } } }
  }
}
"""


async def test_the_same_sales_from_another_export_are_unchanged(
    engine: AsyncEngine, tmp_path: Path, client: GraphQLClient
) -> None:
    register = write_delimited(
        tmp_path, "register.csv", ",", REGISTER_HEADER, [[f'"{v}"' for v in r] for r in REGISTER]
    )
    day_book = write_workbook(tmp_path, "daybook.xlsx", DAY_BOOK_HEADER, DAY_BOOK)
    await ingest_file(engine, kind=IngestKind.SALES, path=register)
    # A workbook first, the register second: the same either way.
    report = await ingest_file(engine, kind=IngestKind.SALES, path=day_book)
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.unchanged) == (0, 0, 4)
    amounts = [str(row[4]) for row in await rows_of(engine, "sale_line")]
    assert sorted(amounts) == ["12345.50", "123456.00", "150000.00", "45000.00"]

    data = await client.data(QUARTERS)
    revenues = {
        (edge["node"]["accountId"], quarter["quarter"]): quarter["revenue"]
        for edge in data["accounts"]["edges"]
        for quarter in edge["node"]["salesProfile"]["quarters"]
    }
    assert revenues == {
        ("Sharma Traders", "2023-Q1"): "123456.00",
        ("Sharma Traders", "2023-Q2"): "12345.50",
        ("Gupta Stores", "2023-Q1"): "45000.00",
        ("Gupta Stores", "2023-Q2"): "150000.00",
    }


async def test_a_workbook_first_then_the_register(engine: AsyncEngine, tmp_path: Path) -> None:
    day_book = write_workbook(tmp_path, "daybook.xlsx", DAY_BOOK_HEADER, DAY_BOOK)
    register = write_delimited(
        tmp_path, "register.csv", ",", REGISTER_HEADER, [[f'"{v}"' for v in r] for r in REGISTER]
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=day_book)
    report = await ingest_file(engine, kind=IngestKind.SALES, path=register)
    assert report.changes is not None
    assert (report.changes.changed, report.changes.unchanged) == (0, 4)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_equal_amounts_have_one_form_with_at_least_two_decimals(value: Decimal) -> None:
    scaled = money(value)
    assert scaled == value
    exponent = scaled.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent <= -2
    # However the amount is written (123456 or 123456.000), one stored form.
    sign, digits, places = value.as_tuple()
    assert isinstance(places, int)
    padded = Decimal((sign, (*digits, 0, 0, 0), places - 3))
    assert str(money(padded)) == str(scaled)

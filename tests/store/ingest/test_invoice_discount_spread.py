"""A QuickBooks invoice's discount line larger than each of its lines but below the invoice's
total (80% off a design and its shipping) is spread over the lines in proportion: the invoice
is owed net of it. One not below the invoice's total is still refused, in one line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.errors import IngestRejected
from tests.store.sales_support import rows_of

D = Decimal
REPORT = (
    'Acme Distributing LLC\nSales by Customer Detail\n"January - March, 2025"\n\n'
    ",Type,Date,Num,Memo,Name,Item,Qty,Sales Price,Amount,Balance\n"
    "Amy's Bird Sanctuary,,,,,,,,,,\n"
    ",{kind},01/05/2025,1004,Custom Design,Amy's Bird Sanctuary,Design,1,100.00,100.00,100.00\n"
    ",{kind},01/05/2025,1004,Shipping,Amy's Bird Sanctuary,Shipping,,50.00,50.00,150.00\n"
    ",{kind},01/05/2025,1004,Discount,Amy's Bird Sanctuary,Discount,,,{discount},0\n"
    "Total for Amy's Bird Sanctuary,,,,,,,,,,\n"
    "TOTAL,,,,,,,,,,\n"
)


@pytest.mark.parametrize(
    ("kind", "owed", "paid"),
    [("Invoice", D("30.00"), D("0")), ("Sales Receipt", D("30.00"), D("30.00"))],
)
async def test_an_invoice_discount_larger_than_each_line_is_spread_over_them(
    engine: AsyncEngine, tmp_path: Path, kind: str, owed: Decimal, paid: Decimal
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(REPORT.format(kind=kind, discount="-120.00"), encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="qb")
    entries = await rows_of(engine, "ledger_entry")
    invoices = sorted(D(row[5]) for row in entries if row[2] == "invoice")
    assert invoices == [D("10.00"), D("20.00")]
    assert sum(invoices) == owed
    assert sum((D(row[5]) for row in entries if row[2] == "payment"), D(0)) == paid


@pytest.mark.parametrize("discount", ["-150.00", "-150.01"])
async def test_a_discount_not_below_the_invoice_is_refused_in_one_line(
    engine: AsyncEngine, tmp_path: Path, discount: str
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(REPORT.format(kind="Invoice", discount=discount), encoding="utf-8")
    with pytest.raises(IngestRejected) as refused:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="qb")
    problems = [str(problem) for problem in refused.value.problems]
    assert len(problems) == 1, problems
    assert "lowers no invoice" in problems[0]
    assert "\n" not in problems[0]

"""One invoice, one stored revenue across a trial user's Tally exports: the Sales Register's
`Sales Account` and a detailed Day Book's sales-ledger lines are amounts before tax, a
condensed Day Book's party line the gross; taxes are never sales."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
SALES = IngestKind.SALES

REGISTER = "\n".join(
    [
        "Kaveri Distributors Pvt Ltd",
        '"12, MG Road, Bengaluru"',
        "Sales Register",
        "1-Apr-25 to 30-Jun-25",
        "",
        "Date,Particulars,Vch Type,Vch No.,GSTIN/UIN,Gross Total,Sales Account,"
        "Output CGST @9%,Output SGST @9%,Output IGST @18%",
        '1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,29ABCDE1234F1Z5,"1,23,456.00",'
        '"1,04,623.73","9,416.14","9,416.13",',
        '5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,27AAAPS1234K1Z2,"45,000.00",'
        '"38,135.60",,,"6,864.40"',
        "",
    ]
)
CONDENSED = """Kaveri Distributors Pvt Ltd
Day Book
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00",
5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,"45,000.00",
20-Apr-25,Kaveri Traders,Receipt,1,,"1,00,000.00"
"""
DETAILED = """Kaveri Distributors Pvt Ltd
Day Book
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00",
,Sales Account,,,,"1,04,623.73"
,Output CGST @9%,,,,"9,416.14"
,Output SGST @9%,,,,"9,416.13"
5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,"45,000.00",
,Sales Account,,,,"38,135.60"
,Output IGST @18%,,,,"6,864.40"
20-Apr-25,Kaveri Traders,Receipt,1,,"1,00,000.00"
,HDFC Bank,,,"1,00,000.00",
"""
BEFORE_TAX = [
    ("Kaveri Traders", d("2025-04-01"), "KD/25-26/001", D("104623.73"), False),
    ("Sharma Electricals", d("2025-04-05"), "KD/25-26/002", D("38135.60"), False),
]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


async def _lines(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(customer, date, invoice, amount, includes tax) of every stored sale line."""
    return [(r[0], r[1], r[2], r[4], r[8]) for r in await rows_of(engine, "sale_line")]


async def test_a_detailed_day_book_stores_its_sales_ledger_lines_not_its_taxes(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    report = await ingest_file(engine, kind=SALES, path=_file(tmp_path, "d.csv", DETAILED))
    assert await _lines(engine) == BEFORE_TAX
    assert any(note.startswith("Skipped 3 tax lines under their vouchers") for note in report.notes)


async def test_a_detailed_voucher_whose_lines_do_not_add_up_is_still_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    wrong = DETAILED.replace('"9,416.13"', '"9,000.00"')
    with pytest.raises(IngestRejected) as refused:
        await ingest_file(engine, kind=SALES, path=_file(tmp_path, "d.csv", wrong))
    assert "totals 123456.00" in str(refused.value.problems[0])
    assert await _lines(engine) == []


@pytest.mark.parametrize("first", [REGISTER, DETAILED])
async def test_a_gross_amount_never_replaces_one_before_tax(
    engine: AsyncEngine, tmp_path: Path, first: str
) -> None:
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "first.csv", first))
    report = await ingest_file(engine, kind=SALES, path=_file(tmp_path, "c.csv", CONDENSED))
    assert await _lines(engine) == BEFORE_TAX
    assert report.changes is not None
    assert report.changes.changed == 0
    (note,) = [n for n in report.notes if n.startswith("Kept the amount before tax")]
    assert "KD/25-26/001 104623.73 (not 123456.00)" in note


async def test_an_amount_before_tax_replaces_a_gross_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "c.csv", CONDENSED))
    assert [line[3:] for line in await _lines(engine)] == [
        (D("123456.00"), True),
        (D("45000.00"), True),
    ]
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "r.csv", REGISTER))
    assert await _lines(engine) == BEFORE_TAX


async def test_the_three_exports_in_any_order_store_one_revenue(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    paths = [
        _file(tmp_path, "c.csv", CONDENSED),
        _file(tmp_path, "r.csv", REGISTER),
        _file(tmp_path, "d.csv", DETAILED),
        _file(tmp_path, "c2.csv", CONDENSED),
    ]
    for path in paths:
        await ingest_file(engine, kind=SALES, path=path)
    assert await _lines(engine) == BEFORE_TAX
    quarters = {(r[0], r[1]): r[3] for r in await rows_of(engine, "quarter_segment")}
    assert quarters[("Kaveri Traders", "2025-Q2")] == D("104623.73")

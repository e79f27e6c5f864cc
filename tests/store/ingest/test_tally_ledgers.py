"""Ledger exports as Tally writes them (fixtures in `tally/`, shaped as a trial user's files
were): an amount with its side in a column of its own (`Amount;Dr/Cr`), the voucher types a
sales file knows (`GST Sales`, `Credit Note`), and the ledger of one customer, whose party is
in the title and whose `Particulars` are the other account of each entry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import d, rows_of, write_delimited

D = Decimal
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"


async def test_an_amount_and_a_dr_cr_column_give_the_kind(engine: AsyncEngine) -> None:
    report = await ingest_file(
        engine, kind=LEDGER, path=FIXTURES / "ledger_receivables.csv", app="acme"
    )
    assert report.columns["amount"] == "Amount"
    assert report.columns["side"] == "Dr/Cr"
    assert "debit" not in report.columns
    assert "Text read as Windows-1252 (the file is not UTF-8)" in report.notes
    assert "Skipped lines whose voucher type posts nothing to a ledger: 1 Sales Order" in (
        report.notes
    )
    assert [row[:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("Café Mocha Traders", d("2024-05-12"), "invoice", "SG/24-25/003", 1, D("12500.00")),
        ("Café Mocha Traders", d("2024-05-20"), "payment", "CN/004", 1, D("2500.00")),
        # A journal goes by its side.
        ("Café Mocha Traders", d("2024-05-31"), "invoice", "JV/007", 1, D("300.00")),
        ("Sharma Electricals", d("2024-04-01"), "invoice", "SG/24-25/001", 1, D("100000.00")),
        ("Sharma Electricals", d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("50000.00")),
        ("Sharma Electricals", d("2024-05-10"), "payment", "RC/090", 1, D("50000.00")),
    ]


@pytest.mark.parametrize(
    ("name", "override"), [("Side", None), ("Flag", "Flag"), ("", "5"), ("", None)]
)
async def test_a_side_column_by_name_by_column_side_or_after_the_amount(
    engine: AsyncEngine, tmp_path: Path, name: str, override: str | None
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Party", "Ref No", "Amount", name, "Narration"],
        [
            ["05/01/2024", "C1", "INV-1", "1000.00", "Dr", "goods"],
            ["01/02/2024", "C1", "INV-1", "1000.00", "Cr", "cheque"],
        ],
    )
    columns = {} if override is None else {"side": override}
    report = await ingest_file(engine, kind=LEDGER, path=path, columns=columns)
    assert [row[2] for row in await rows_of(engine, "ledger_entry")] == ["invoice", "payment"]
    if name:
        assert report.columns["side"] == name
    elif override is None:
        assert "Sides (Dr/Cr) read from the column after the amount" in report.notes


async def test_a_side_column_and_a_kind_that_disagree_are_a_bad_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ";",
        ["Date", "Particulars", "Vch Type", "Amount", "Dr/Cr"],
        [["05/01/2024", "C1", "Receipt", "10.00", "Dr"], ["06/01/2024", "C1", "Sales", "5", "X"]],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 2: kind 'Receipt' says payment but the amount is a Dr (invoice)",
        "line 3: side 'X' is neither Dr nor Cr (write Dr, Cr, Debit, Credit, D or C)",
    ]
    assert await rows_of(engine, "ledger_entry") == []

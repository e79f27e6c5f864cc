"""Which side of a sided sales file is the returns' (`store.ingest.kinds.sales`): where as
many lines stand on each side, the voucher types the file gives decide, not a fixed side."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of, write_delimited


async def _amounts(engine: AsyncEngine) -> list[tuple[object, object]]:
    """(invoice, amount) of every stored sale line."""
    return [(row[2], row[4]) for row in await rows_of(engine, "sale_line")]


@pytest.mark.parametrize(
    ("sale", "credit_note"),
    [(("", "500.00"), ("500.00", "")), (("500.00", ""), ("", "500.00"))],
    ids=["sales-credited", "sales-debited"],
)
async def test_one_sale_and_one_credit_note_of_one_amount_keep_their_types(
    engine: AsyncEngine, tmp_path: Path, sale: tuple[str, str], credit_note: tuple[str, str]
) -> None:
    """One line on each side: the `Sales` voucher is the sale and the `Credit Note` the return,
    whichever side the file writes sales on (a sales ledger credits them, a customer's debits
    them)."""
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"],
        [
            ["1-Apr-2025", "C1", "Sales", "S/1", *sale],
            ["2-Apr-2025", "C1", "Credit Note", "CN/1", *credit_note],
        ],
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert sorted(await _amounts(engine)) == [("CN/1", D("-500.00")), ("S/1", D("500.00"))]


async def test_without_voucher_types_a_tie_takes_debits_as_sales(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Nothing tells them apart but their side: the customer's ledger's reading (a sale is
    its debit), as before."""
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Date", "Particulars", "Vch No.", "Debit", "Credit"],
        [["1-Apr-2025", "C1", "S/1", "", "500.00"], ["2-Apr-2025", "C1", "CN/1", "500.00", ""]],
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert sorted(await _amounts(engine)) == [("CN/1", D("500.00")), ("S/1", D("-500.00"))]

"""An invoice exported one row per item with the whole invoice's amount on each row is one
sale, and its cost is the sum of its items' costs: two items that happen to cost the same are
two costs, not one repeated. Whether a cost column is each item's is
decided for the file, as for the amount: one invoice whose rows' costs differ says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal

_ITEMS = """Invoice Date,Invoice Number,Invoice Status,Customer Name,Total,Item Name,Item Cost
2024-07-02,INV-7,Paid,Yak Traders,5900.00,Rice 25kg,1000.00
2024-07-02,INV-7,Paid,Yak Traders,5900.00,Sugar 50kg,1000.00
2024-07-05,INV-9,Paid,Yak Traders,2000.00,Dal 30kg,300.00
2024-07-05,INV-9,Paid,Yak Traders,2000.00,Oil 15L,500.00
"""


async def test_items_of_equal_cost_are_both_counted(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "zoho_items_cost.csv"
    path.write_text(_ITEMS, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    # invoice -> (amount, cost, profit)
    lines = {row[2]: (row[4], row[6], row[7]) for row in await rows_of(engine, "sale_line")}
    assert lines["INV-9"] == (D("2000.00"), D("800.00"), D("1200.00"))
    assert lines["INV-7"] == (D("5900.00"), D("2000.00"), D("3900.00"))

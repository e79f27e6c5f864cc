"""Any Zoho Books invoice export loaded as a ledger, then any re-export of it: the ledger holds
one entry per issued invoice, its latest `Total` (taxes included) once however many item rows
repeat it, and nothing of an invoice its latest export says is void or draft; a reload writes
nothing (on both stores). `once_per_document` keeps every row when some invoice's rows differ."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.document_rows import once_per_document
from store.tables import METADATA
from tests.store.sales_support import rows_of

D = Decimal
_HEADER = (
    "Invoice Date,Invoice Number,Invoice Status,Customer ID,Customer Name,Due Date,"
    "SubTotal,Total,Balance,Item Name,Item Total\n"
)
_ISSUED = ("Sent", "Overdue", "Paid", "Partially Paid")
_NOT_ISSUED = ("Void", "Draft")
_CUSTOMERS = {"7001": "Zylker Foods", "7002": "Bright Traders"}
# An invoice: its number, customer, status, total in paise, and its items' shares of it.
Invoice = tuple[int, str, str, int, list[int]]


@st.composite
def _invoices(draw: st.DrawFn) -> list[Invoice]:
    numbers = draw(st.lists(st.integers(1, 8), min_size=1, max_size=5, unique=True))
    return [
        (
            number,
            draw(st.sampled_from(sorted(_CUSTOMERS))),
            draw(st.sampled_from(_ISSUED + _NOT_ISSUED)),
            draw(st.integers(100, 10_000_000)),
            draw(st.lists(st.integers(1, 9), min_size=1, max_size=4)),
        )
        for number in numbers
    ]


def _export(invoices: list[Invoice]) -> str:
    lines = [_HEADER]
    for number, customer, status, total, shares in invoices:
        day = dt.date(2025, 4, 1) + dt.timedelta(days=number)
        due = day + dt.timedelta(days=30)
        amount = D(total) / 100
        subtotal = (amount / D("1.18")).quantize(D("0.01"))
        for item, share in enumerate(shares, start=1):
            item_total = (subtotal * share / sum(shares)).quantize(D("0.01"))
            lines.append(
                f"{day},INV-{number:06d},{status},{customer},{_CUSTOMERS[customer]},{due},"
                f"{subtotal},{amount},0.00,Item {item},{item_total}\n"
            )
    return "".join(lines)


async def _entries(engine: AsyncEngine) -> list[tuple[str, str, Decimal]]:
    return sorted(
        (row[0], row[3], D(str(row[5])))
        for row in await rows_of(engine, "ledger_entry")
        if row[2] == "invoice"
    )


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(exports=st.lists(_invoices(), min_size=1, max_size=3))
async def test_each_issued_invoice_is_its_total_once(
    engine: AsyncEngine, tmp_path: Path, exports: list[list[Invoice]]
) -> None:
    await _empty(engine)
    path = tmp_path / "Invoice.csv"
    for invoices in exports:
        path.write_text(_export(invoices), encoding="utf-8")
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    # A model: each export's issued invoice owes its total (a re-export's replaces the
    # stored one), its void or draft one nothing (and one stored before goes); an invoice an
    # export leaves out stays, as another customer's invoice of the same number does.
    model: dict[tuple[str, str], Decimal] = {}
    for invoices in exports:
        for number, customer, status, total, _shares in invoices:
            key = (customer, f"INV-{number:06d}")
            model.pop(key, None)
            if status in _ISSUED:
                model[key] = (D(total) / 100).quantize(D("0.01"))
    assert await _entries(engine) == sorted((*key, amount) for key, amount in model.items())
    again = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed) == (0, 0), again.summary()


@given(
    totals=st.lists(st.integers(1, 10**6), min_size=1, max_size=6),
    rows=st.lists(st.integers(1, 4), min_size=6, max_size=6),
    differing=st.booleans(),
)
def test_once_per_document_keeps_each_documents_first_row(
    totals: list[int], rows: list[int], differing: bool
) -> None:
    due = dt.date(2025, 5, 1)
    lines = [
        (number, D(total), due)
        for number, total in enumerate(totals)
        for _row in range(rows[number])
    ]
    several = [number for number in range(len(totals)) if rows[number] > 1]
    if differing and several:
        # One row of a document of several gives another amount: the column is each line's.
        at = next(index for index, line in enumerate(lines) if line[0] == several[0])
        lines[at] = (several[0], lines[at][1] + 1, due)
        assert once_per_document(lines).kept == list(range(len(lines)))
        return
    repeated = once_per_document(lines)
    kept = [lines[index] for index in repeated.kept]
    assert [line[0] for line in kept] == list(range(len(totals)))
    assert sum(line[1] for line in kept) == sum(totals)
    assert sorted(repeated.repeated) == several

"""A QuickBooks number used again a year later, in reports of a whole year.

QuickBooks only warns when an invoice number is used again, and a business that starts its
numbers again each year has Invoice 1001 of a customer in two years. A report moves a stored
invoice of its type and number from outside its period when it is dated next to it (a date
corrected into the next report); for a quarter's reports last year's invoice is not next to
it, but for a year's reports (the export a user makes at the year's end) the year before was
"the period next to it", and the second report moved last year's invoice and wrote over it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.ingest.test_voucher_identity import QB_REPORT
from tests.store.sales_support import rows_of

D = Decimal
SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


async def _invoices(engine: AsyncEngine, kind: IngestKind) -> list[tuple[str, Decimal]]:
    table = "sale_line" if kind is SALES else "ledger_entry"
    return sorted(
        (str(row[1]), D(str(row[4] if kind is SALES else row[5])))
        for row in await rows_of(engine, table)
        if kind is SALES or row[2] == "invoice"
    )


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_a_number_used_again_in_the_next_years_report_moves_nothing(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    first = QB_REPORT.format(period="January - December, 2024", kind="Invoice", day="03/10/2024")
    second = QB_REPORT.format(period="January - December, 2025", kind="Invoice", day="03/12/2025")
    second = second.replace("$300.00", "$450.00")
    for name, text in (("2024.csv", first), ("2025.csv", second)):
        report = await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="craig")
    assert not any("re-dated" in note for note in report.notes), report.notes
    assert await _invoices(engine, kind) == [
        ("2024-03-10", D("300.00")),
        ("2025-03-12", D("450.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_an_invoice_re_dated_over_the_years_end_still_moves(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """What the move is for, in a year's reports: Invoice 1001 of 30 December corrected to 2
    January is one invoice, in the next year's report."""
    first = QB_REPORT.format(period="January - December, 2024", kind="Invoice", day="12/30/2024")
    second = QB_REPORT.format(period="January - December, 2025", kind="Invoice", day="01/02/2025")
    for name, text in (("2024.csv", first), ("2025.csv", second)):
        report = await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="craig")
    assert any("re-dated" in note for note in report.notes), report.notes
    assert await _invoices(engine, kind) == [("2025-01-02", D("300.00"))]

"""A ledger load that leaves customers with payments and nothing owed (Zoho Books' Customer
Payments export loaded beside its invoice export loaded only as sales) names them in one
line: their credit risk would otherwise say, silently, that nothing is owed (a score of 100,
the best) while their invoices are overdue. A ledger with their invoices, loaded before or
after, silences it; the note never names a customer with an invoice or an opening balance
owed (on both stores)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.payments_only import payments_only_note
from tests.store.sales_support import rows_of

# Zoho Books' invoice export (one row per item) and its Customer Payments export. (The invoice
# export loads as a ledger too: `test_zoho_invoice_ledger.py`.)
_INVOICES = (
    "Invoice Date,Invoice Number,Invoice Status,Customer ID,Customer Name,Due Date,"
    "Total,Balance,Item Name,Quantity,Item Total\n"
    "2025-04-03,INV-000001,Paid,7001,Zylker Foods,2025-05-03,16800.00,0.00,Widget,10,11800.00\n"
    "2025-04-03,INV-000001,Paid,7001,Zylker Foods,2025-05-03,16800.00,0.00,Service,1,5000.00\n"
    "2025-04-18,INV-000002,Overdue,7002,Bright Traders,2025-05-18,5900.00,5900.00,Widget,5,"
    "5900.00\n"
)
_PAYMENTS = (
    "Payment Number,Mode,CustomerID,Customer Name,Payment Type,Date,Amount,Invoice Number\n"
    "1,Bank Transfer,7001,Zylker Foods,Invoice Payment,2025-04-28,16800.00,INV-000001\n"
)
_ZYLKER_INVOICES = (
    "Date,Customer ID,Customer Name,Kind,Invoice,Amount\n"
    "2025-04-03,7001,Zylker Foods,invoice,INV-000001,16800.00\n"
)
_NOTE = (
    "1 customer has payments in the ledger but no invoice and no opening balance owed "
    "(Zylker Foods): their credit risk finds nothing owed (a score of 100) until a ledger with "
    "their invoices is loaded (a sales load adds no invoices to the ledger; Zoho Books' invoice "
    "export loads as a ledger too), unless those payments are advances"
)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _ledger(engine: AsyncEngine, path: Path) -> list[str]:
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    return [note for note in report.notes if "payments in the ledger" in note]


async def test_payments_without_invoices_are_named_until_the_invoices_come(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    invoices = _file(tmp_path, "Invoice.csv", _INVOICES)
    await ingest_file(engine, kind=IngestKind.SALES, path=invoices, app="zoho")
    payments = _file(tmp_path, "Customer Payment.csv", _PAYMENTS)
    assert await _ledger(engine, payments) == [_NOTE]
    # What the note warns of: nothing owed, the best score, for a customer not yet measured.
    (risk,) = await rows_of(engine, "credit_risk")
    assert (risk[0], risk[2], risk[3]) == ("7001", 100, "LOW_RISK")
    # Its invoices in a ledger: no longer named, and reloading the payments says nothing.
    assert await _ledger(engine, _file(tmp_path, "zylker.csv", _ZYLKER_INVOICES)) == []
    assert await _ledger(engine, payments) == []


async def test_a_ledger_of_invoices_and_payments_names_nobody(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    whole = _ZYLKER_INVOICES + "2025-04-28,7001,Zylker Foods,payment,INV-000001,16800.00\n"
    assert await _ledger(engine, _file(tmp_path, "whole.csv", whole)) == []


def test_the_note_names_a_few_and_counts_the_others() -> None:
    names = ["A", "B", "C", "D", "E"]
    (note,) = payments_only_note(names)
    assert note.startswith("5 customers have payments in the ledger but no invoice and no ")
    assert "(A, B, C and 2 more)" in note
    assert payments_only_note([]) == []

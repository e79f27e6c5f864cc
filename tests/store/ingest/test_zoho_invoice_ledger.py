"""Zoho Books' invoice export loaded as a ledger: the debit side of a Zoho user's ledger, its
Customer Payments export the credit side. Together they give the credit risk a Tally user gets
from the same vouchers in a Day Book; reloading writes nothing; a void or draft invoice is
never a debt (one voided after its load leaves the ledger); and the same file loaded as sales
keeps its sales view beside (on both stores)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
from tests.store.ingest.zoho_exports import DAY_BOOK, HEADER, PAYMENTS, ROWS, VOID_AND_DRAFT
from tests.store.sales_support import rows_of

D = Decimal
_ZOHO_IDS = {"7001": "Zylker Foods", "7002": "Bright Traders"}


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _ledger(engine: AsyncEngine, path: Path, app: str = "zoho") -> Any:
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app=app)


async def _risks(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    """Each customer's credit risk by its account (Tally's by name, Zoho's by its id)."""
    return {row[0]: row[1:] for row in await rows_of(engine, "credit_risk")}


async def _entries(engine: AsyncEngine) -> list[tuple[str, str, str, Decimal]]:
    return sorted(
        (row[0], row[2], row[3], D(str(row[5])))
        for row in await rows_of(engine, "ledger_entry")
        if row[0] in _ZOHO_IDS
    )


async def test_the_zoho_pair_gives_the_credit_risk_of_the_same_vouchers_in_tally(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _ledger(engine, _file(tmp_path, "daybook.csv", DAY_BOOK), app="tally")
    invoices = _file(tmp_path, "Invoice.csv", HEADER + ROWS + VOID_AND_DRAFT)
    report = await _ledger(engine, invoices)
    assert report.columns["amount"] == "Total", report.columns
    assert "Skipped lines of documents not issued or withdrawn: 1 Void, 1 Draft" in report.notes
    assert (
        "Counted 2 documents once each: their 4 item rows repeat each one's whole amount"
    ) in report.notes
    payments = await _ledger(engine, _file(tmp_path, "Customer Payment.csv", PAYMENTS))
    # Nobody is left with payments and nothing owed: the invoices are in the ledger.
    assert not [note for note in payments.notes if "payments in the ledger" in note]
    assert await _entries(engine) == [
        ("7001", "invoice", "INV-000001", D("16800.00")),
        ("7001", "invoice", "INV-000003", D("11800.00")),
        ("7001", "payment", "INV-000001", D("16800.00")),
        ("7001", "payment", "INV-000003", D("10000.00")),
        ("7002", "invoice", "INV-000002", D("5900.00")),
        ("7002", "payment", "INV-000002", D("1000.00")),
    ]
    risks = await _risks(engine)
    for name in ("Zylker Foods", "Bright Traders"):
        assert risks[name] == risks[_ZOHO_IDS_BY_NAME[name]], name
    # Owed what the export's `Balance` says: 1,800 of INV-000003, 4,900 of INV-000002.
    assert risks["7001"][4] == D("1800.00")
    assert risks["7002"][4] == D("4900.00")


_ZOHO_IDS_BY_NAME = {name: account for account, name in _ZOHO_IDS.items()}


async def test_the_payments_before_the_invoices_give_the_same_ledger(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    payments = _file(tmp_path, "Customer Payment.csv", PAYMENTS)
    first = await _ledger(engine, payments)
    assert [note for note in first.notes if "payments in the ledger" in note]
    await _ledger(engine, _file(tmp_path, "Invoice.csv", HEADER + ROWS + VOID_AND_DRAFT))
    assert len(await _entries(engine)) == 6
    assert not [n for n in (await _ledger(engine, payments)).notes if "payments in the" in n]


async def test_reloading_the_pair_writes_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    invoices = _file(tmp_path, "Invoice.csv", HEADER + ROWS + VOID_AND_DRAFT)
    payments = _file(tmp_path, "Customer Payment.csv", PAYMENTS)
    await _ledger(engine, invoices)
    await _ledger(engine, payments)
    before = await rows_of(engine, "ledger_entry")
    for path in (invoices, payments, invoices):
        again = await _ledger(engine, path)
        assert again.changes is not None
        assert (again.changes.new, again.changes.changed) == (0, 0), again.summary()
        assert "nothing written" in again.summary()
    assert await rows_of(engine, "ledger_entry") == before


async def test_a_void_invoice_is_never_a_debt_and_one_voided_later_leaves(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sent = VOID_AND_DRAFT.replace(",Void,", ",Sent,")
    await _ledger(engine, _file(tmp_path, "Invoice.csv", HEADER + ROWS + sent))
    owed = {row[2] for row in await _entries(engine)}
    assert "INV-000004" in owed
    assert "INV-000005" not in owed
    # Voided in Zoho after that load: its re-export says Void, and the debt goes.
    report = await _ledger(
        engine, _file(tmp_path, "Invoice (1).csv", HEADER + ROWS + VOID_AND_DRAFT)
    )
    assert "INV-000004" not in {row[2] for row in await _entries(engine)}, report.notes
    (zylker,) = [row for row in await rows_of(engine, "credit_risk") if row[0] == "7001"]
    assert zylker[4] == D("28600.00")  # invoiced: INV-000001 and INV-000003 only


async def test_the_invoice_export_as_sales_and_as_a_ledger_keeps_both_views(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    invoices = _file(tmp_path, "Invoice.csv", HEADER + ROWS + VOID_AND_DRAFT)
    await ingest_file(engine, kind=IngestKind.SALES, path=invoices, app="zoho")
    sales = await rows_of(engine, "sale_line")
    # Sales: the items before tax (`Item Total`), the void and draft invoices skipped.
    assert sorted(D(str(row)) for row in _column(sales, "sale_line", "amount")) == [
        D("4000.00"),
        D("4237.29"),
        D("5000.00"),
        D("6000.00"),
        D("10000.00"),
    ]
    await _ledger(engine, invoices)
    # Ledger: each invoice's `Total` once, taxes included; the sales lines as they were.
    assert [row[3] for row in await _entries(engine)] == [
        D("16800.00"),
        D("11800.00"),
        D("5900.00"),
    ]
    assert await rows_of(engine, "sale_line") == sales
    # Loading it as sales again leaves the ledger, and as a ledger again the sales.
    ledger = await rows_of(engine, "ledger_entry")
    await ingest_file(engine, kind=IngestKind.SALES, path=invoices, app="zoho")
    await _ledger(engine, invoices)
    assert await rows_of(engine, "ledger_entry") == ledger
    assert await rows_of(engine, "sale_line") == sales


def _column(rows: list[tuple[Any, ...]], table: str, name: str) -> list[Any]:
    index = list(METADATA.tables[table].columns.keys()).index(name)
    return [row[index] for row in rows]


async def test_an_invoice_edited_in_zoho_takes_its_new_total_and_keeps_its_payments(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _ledger(engine, _file(tmp_path, "Invoice.csv", HEADER + ROWS))
    await _ledger(engine, _file(tmp_path, "Customer Payment.csv", PAYMENTS))
    # INV-000003's second item raised from 4 to 5 sacks: its total 11,800.00 -> 12,980.00.
    edited = ROWS.replace("10000.00,11800.00,1800.00", "11000.00,12980.00,2980.00").replace(
        "Rice 25kg,4,1000.00,4000.00,GST18,18.00,720.00",
        "Rice 25kg,5,1000.00,5000.00,GST18,18.00,900.00",
    )
    report = await _ledger(engine, _file(tmp_path, "Invoice (1).csv", HEADER + edited))
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed) == (0, 1), report.summary()
    assert await _entries(engine) == [
        ("7001", "invoice", "INV-000001", D("16800.00")),
        ("7001", "invoice", "INV-000003", D("12980.00")),
        ("7001", "payment", "INV-000001", D("16800.00")),
        ("7001", "payment", "INV-000003", D("10000.00")),
        ("7002", "invoice", "INV-000002", D("5900.00")),
        ("7002", "payment", "INV-000002", D("1000.00")),
    ]


# Zoho Books' credit note export (its own file, one row per item, its `Total` repeated): a
# credit note against INV-000002, and a draft one.
_CREDIT_NOTES = (
    "Credit Note Date,Credit Note Number,Credit Note Status,Customer Name,Customer ID,"
    "Currency Code,Exchange Rate,SubTotal,Total,Balance,Item Name,Quantity,Item Price,"
    "Item Total\n"
    "2025-05-02,CN-00001,Closed,Bright Traders,7002,INR,1,2000.00,2360.00,0.00,Oil 15L,1,"
    "1000.00,1000.00\n"
    "2025-05-02,CN-00001,Closed,Bright Traders,7002,INR,1,2000.00,2360.00,0.00,Oil 15L,1,"
    "1000.00,1000.00\n"
    "2025-05-09,CN-00002,Draft,Bright Traders,7002,INR,1,500.00,590.00,590.00,Oil 15L,1,"
    "500.00,500.00\n"
)


async def test_a_credit_note_export_is_credits_once_per_note(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _ledger(engine, _file(tmp_path, "Invoice.csv", HEADER + ROWS))
    report = await _ledger(engine, _file(tmp_path, "Credit Note.csv", _CREDIT_NOTES))
    assert "Every line is a credit note: the number column 'Credit Note Number' says so " in (
        " ".join(report.notes)
    )
    bright = [row for row in await _entries(engine) if row[0] == "7002"]
    assert bright == [
        ("7002", "invoice", "INV-000002", D("5900.00")),
        ("7002", "payment", "CN-00001", D("2360.00")),
    ]
    (risk,) = [row for row in await rows_of(engine, "credit_risk") if row[0] == "7002"]
    assert risk[5] == D("3540.00")  # outstanding: 5,900.00 less the credit note's 2,360.00


async def test_invoices_the_export_says_are_paid_are_named_until_their_payments_come(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    invoices = _file(tmp_path, "Invoice.csv", HEADER + ROWS)
    alone = await _ledger(engine, invoices)
    # Zylker's INV-000001 and INV-000003 have a Balance below their Total; Bright's INV-000002
    # is owed whole (its Balance is its Total): only Zylker is named.
    assert [note for note in alone.notes if "Balance below the Total" in note] == [
        "1 customer has invoices the file says are paid in whole or in part (a Balance below "
        "the Total) but no payment in the ledger (Zylker Foods): their credit risk counts "
        "those invoices unpaid until a ledger with their payments is loaded (Zoho Books' "
        "Customer Payments export)"
    ]
    await _ledger(engine, _file(tmp_path, "Customer Payment.csv", PAYMENTS))
    again = await _ledger(engine, invoices)
    assert not [note for note in again.notes if "Balance below the Total" in note]

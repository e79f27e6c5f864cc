"""QuickBooks Online's Invoice List (`Date, Transaction Type, Num, Customer, Memo/Description,
Due Date, Amount, Open Balance`, under the title's `April - June, 2024`).

Its `Open Balance` is what is still owed of each invoice, read as Zoho Books' `Balance` is
(`store.ingest.kinds.paid_by_export`): the customers with an invoice it says is paid and no
payment in their ledger are named in one line, until the payments' report is loaded (the
Transaction List by Customer); the balance is never turned into payments, whose dates the file
does not give. Its dates read month first in both loads: the due dates after the title's
months are no evidence against it. Every figure below is the file's, added by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_date_order import decide_date_order
from analytics.export_dates import DateOrder, DateOrderEvidence
from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
INVOICES = FIXTURES / "qbo_invoice_list.csv"
TRANSACTIONS = FIXTURES / "qbo_transaction_list_by_customer.csv"
AMY, BILL, COOL = "Amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars"
PAID_NOTE = (
    "3 customers have invoices the file says are paid in whole or in part (an Open Balance "
    "below the Amount) but no payment in the ledger (Amy's Bird Sanctuary, Bill's Windsurf "
    "Shop, Cool Cars): their credit risk counts those invoices unpaid until a ledger with "
    "their payments is loaded (QuickBooks' Transaction List by Customer, whose Payment lines "
    "they are)"
)
MONTH_FIRST_NOTE = (
    "Dates read month first (MM/DD/YYYY): the title's period says so (--dates to say otherwise)"
)


def _outstanding(rows: list[tuple[object, ...]]) -> dict[object, object]:
    return {row[0]: row[5] for row in rows}


async def test_paid_invoices_are_named_until_their_payments_are_loaded(
    engine: AsyncEngine,
) -> None:
    alone = await ingest_file(engine, kind=IngestKind.LEDGER, path=INVOICES, app="qbo")
    assert alone.columns["balance"] == "Open Balance"
    assert "Open Balance" not in alone.ignored_columns
    assert PAID_NOTE in alone.notes
    # The invoices alone: every one counts unpaid (1001 1,200.00; 1003 850.00 + 1005
    # 2,400.00; 1007 3,100.00), as the line says.
    assert _outstanding(await rows_of(engine, "credit_risk")) == {
        AMY: D("1200.00"),
        BILL: D("3250.00"),
        COOL: D("3100.00"),
    }
    # The payments' report: its invoices are the same ones, its payments and credit memo new.
    listed = await ingest_file(engine, kind=IngestKind.LEDGER, path=TRANSACTIONS, app="qbo")
    assert listed.changes is not None
    assert (listed.changes.new, listed.changes.unchanged) == (5, 4)
    # What the Invoice List's `Open Balance` says: 0.00; 0.00 + 2,400.00; 2,800.00.
    assert _outstanding(await rows_of(engine, "credit_risk")) == {
        AMY: D("0.00"),
        BILL: D("2400.00"),
        COOL: D("2800.00"),
    }
    again = await ingest_file(engine, kind=IngestKind.LEDGER, path=INVOICES, app="qbo")
    assert not [note for note in again.notes if "below the Amount" in note]
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 4)


async def test_an_open_balance_equal_to_the_amount_names_nobody(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Invoices owed whole: nothing to say."""
    text = INVOICES.read_text(encoding="utf-8")
    text = text.replace('"1,200.00",0.00', '"1,200.00","1,200.00"')
    text = text.replace("850.00,0.00", "850.00,850.00")
    text = text.replace('"3,100.00","2,800.00"', '"3,100.00","3,100.00"')
    path = tmp_path / "open.csv"
    path.write_text(text, encoding="utf-8")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="qbo")
    assert not [note for note in report.notes if "below the Amount" in note]


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_both_loads_read_the_dates_month_first_by_the_title(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    report = await ingest_file(engine, kind=kind, path=INVOICES, app="qbo")
    assert MONTH_FIRST_NOTE in report.notes
    table, day = ("sale_line", 1) if kind is IngestKind.SALES else ("ledger_entry", 1)
    assert sorted(row[day] for row in await rows_of(engine, table)) == [
        d("2024-04-03"),
        d("2024-05-02"),
        d("2024-06-07"),
        d("2024-06-12"),
    ]


def test_due_dates_after_the_period_do_not_hide_its_order() -> None:
    """Dates of April to June read month first fit the title; their due dates (July) do
    not, and are no evidence about the period."""
    dated, every = DateOrderEvidence(), DateOrderEvidence()
    for day, due in (("04/03/2024", "05/03/2024"), ("06/07/2024", "07/07/2024")):
        dated.observe(day)
        every.observe(day)
        every.observe(due)
    title = [["Invoice List"], ["April - June, 2024"]]
    decided = decide_date_order(every, given=None, title=title, dated=dated)
    assert decided.order is DateOrder.MONTH_FIRST
    assert decided.because == "the title's period says so"

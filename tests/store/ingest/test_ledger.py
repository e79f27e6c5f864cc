"""Ledger exports: invoices and payments from a kind column, Dr/Cr marks or Debit and Credit
columns; credit risk recomputed after each load."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import (
    LEDGER_TABLES,
    VOUCHER_NUMBER,
    d,
    rows_of,
    tables_of,
    write_delimited,
)

D = Decimal
LEDGER = IngestKind.LEDGER
# (account, date, kind, reference, line, amount, due date)
EXPECTED = [
    ("C1", d("2024-01-05"), "invoice", "INV-1", 1, D("1000.00"), d("2024-02-04")),
    ("C1", d("2024-02-01"), "payment", "INV-1", 1, D("1000.00"), None),
    ("C1", d("2024-02-10"), "invoice", "INV-2", 1, D("500.00"), None),
    ("C2", d("2024-01-20"), "invoice", "INV-3", 1, D("2000.00"), d("2024-02-19")),
]


async def test_a_kind_column_says_invoice_or_payment(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Party", "Vch Type", "Ref No", "Amount", "Due Date"],
        [
            ["05/01/2024", "C1", "Sales", "INV-1", '"1,000.00"', "04/02/2024"],
            ["01/02/2024", "C1", "Receipt", "INV-1", '"1,000.00"', ""],
            ["10/02/2024", "C1", "Tax Invoice", "INV-2", "500.00", ""],
            ["20/01/2024", "C2", "Sales", "INV-3", '"2,000.00"', "19/02/2024"],
        ],
    )
    report = await ingest_file(engine, kind=LEDGER, path=path)

    assert report.columns["kind"] == "Vch Type"
    assert report.columns["due_date"] == "Due Date"
    assert [row[:7] for row in await rows_of(engine, "ledger_entry")] == EXPECTED
    risks = {row[0]: row for row in await rows_of(engine, "credit_risk")}
    assert set(risks) == {"C1", "C2"}
    # Everything is measured on the app's latest ledger date.
    assert {row[1] for row in risks.values()} == {d("2024-02-10")}
    assert risks["C1"][2:4] == (100, "LOW_RISK")
    assert report.notes[-1] == (
        "Segments of app default: 0 accounts with sales over 0 quarters, 2 with ledger entries"
    )


async def test_debit_and_credit_columns_and_dr_cr_marks_give_the_kind(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    columns = write_delimited(
        tmp_path,
        "columns.csv",
        ";",
        ["Date", "Particulars", "Vch No", "Debit", "Credit", "Due on"],
        [
            ["05-Jan-24", "C1", "INV-1", "1.000,00", "", "04-Feb-24"],
            ["01-Feb-24", "C1", "INV-1", "", "1.000,00", ""],
            ["10-Feb-24", "C1", "INV-2", "500,00", "", ""],
            ["20-Jan-24", "C2", "INV-3", "2.000,00", "", "19-Feb-24"],
        ],
    )
    await ingest_file(engine, kind=LEDGER, path=columns)
    by_columns = await tables_of(engine, LEDGER_TABLES)

    marks = write_delimited(
        tmp_path,
        "marks.csv",
        "\t",
        ["Date", "Ledger", "Reference", "Amount", "Due Date"],
        [
            ["2024-01-05", "C1", "INV-1", "1,000.00 Dr", "2024-02-04"],
            ["2024-02-01", "C1", "INV-1", "1,000.00 Cr", ""],
            ["2024-02-10", "C1", "INV-2", "500.00 Dr", ""],
            ["2024-01-20", "C2", "INV-3", "2,000.00 Dr", "2024-02-19"],
        ],
    )
    report = await ingest_file(engine, kind=LEDGER, path=marks)
    assert report.rows_written == 4
    assert [row[:7] for row in await rows_of(engine, "ledger_entry")] == EXPECTED
    assert await tables_of(engine, LEDGER_TABLES) == by_columns


async def test_loading_twice_changes_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Customer", "Kind", "Amount"],
        [["2024-01-01", "C1", "invoice", "10"], ["2024-01-01", "C1", "invoice", "10"]],
    )
    await ingest_file(engine, kind=LEDGER, path=path)
    once = await tables_of(engine, LEDGER_TABLES)
    await ingest_file(engine, kind=LEDGER, path=path)
    assert await tables_of(engine, LEDGER_TABLES) == once
    # Two identical lines of one file are two entries.
    assert [row[4] for row in once["ledger_entry"]] == [1, 2]


async def test_contradictions_and_unknown_kinds_are_bad_rows(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Customer", "Type", "Amount"],
        [
            ["2024-01-01", "C1", "Receipt", "10 Dr"],
            ["2024-01-02", "C1", "Journal", "10"],
            ["2024-01-03", "C1", "Invoice", "-10"],
            ["2024-01-04", "C1", "", "10"],
            ["2024-01-05", "C1", "Invoice", "10"],
        ],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path)
    reasons = [str(problem) for problem in caught.value.problems]
    assert reasons[0] == "line 2: kind 'Receipt' says payment but the amount is a Dr (invoice)"
    assert reasons[1].startswith("line 3: kind 'Journal' is neither an invoice nor a payment")
    assert reasons[2].startswith("line 4: amount -10 is negative: write it positive")
    assert reasons[3].startswith("line 5: cannot tell whether it is an invoice or a payment")
    assert len(reasons) == 4
    assert await rows_of(engine, "ledger_entry") == []


async def test_a_ledger_that_never_says_invoice_or_payment_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path, "l.csv", ",", ["Date", "Customer", "Amount"], [["2024-01-01", "C1", "10"]]
    )
    with pytest.raises(
        FileRejected, match="no line says whether it is an invoice or a payment"
    ) as refused:
        await ingest_file(engine, kind=LEDGER, path=path)
    # No number column naming invoices: nothing said of a list of invoices.
    assert "list of invoices" not in str(refused.value)


async def test_a_receipt_settles_the_bill_its_ref_names_first(engine: AsyncEngine) -> None:
    # Tally's bill-wise export: `Ref` is the bill, for a receipt the invoice it settles.
    path = Path(__file__).parent / "tally" / "ledger_billwise.csv"
    report = await ingest_file(engine, kind=LEDGER, path=path)
    assert (report.columns["bill_ref"], report.columns["invoice"]) == ("Ref", "Vch No.")
    customer = "Sharma Electricals"
    assert [row[:4] for row in await rows_of(engine, "ledger_entry")] == [
        (customer, d("2024-04-01"), "invoice", "SG/24-25/001"),
        (customer, d("2024-05-01"), "invoice", "SG/24-25/002"),
        (customer, d("2024-05-10"), "payment", "SG/24-25/002"),
    ]
    [risk] = await rows_of(engine, "credit_risk")
    # The receipt paid SG/24-25/002 on time; SG/24-25/001 is 9 days overdue, unpaid: 9 days
    # over two thirds of the amount (oldest first would have made it 9 days over all of it).
    assert risk[-1] == pytest.approx(6.0)
    assert risk[5] == D("100000.00")


@pytest.mark.parametrize("name", ["Ref", "Ref No", "Bill Ref", "Against Ref", "Agst Ref"])
async def test_the_bill_column_goes_by_its_common_names(
    engine: AsyncEngine, tmp_path: Path, name: str
) -> None:
    path = write_delimited(
        tmp_path,
        "bills.csv",
        ",",
        ["Date", "Party", "Vch No.", name, "Debit", "Credit"],
        [
            ["1-Apr-2024", "C1", "S/1", "S/1", "100", ""],
            ["2-Apr-2024", "C1", "R/1", "S/1", "", "100"],
        ],
    )
    report = await ingest_file(engine, kind=LEDGER, path=path)
    assert report.columns["bill_ref"] == name
    assert [row[3] for row in await rows_of(engine, "ledger_entry")] == ["S/1", "S/1"]
    # --column bill_ref= drops it: the receipt is known by its own number again, which the
    # stored entry recorded beside its bill: the same receipt, not a second one.
    await ingest_file(engine, kind=LEDGER, path=path, columns={"bill_ref": None})
    rows = await rows_of(engine, "ledger_entry")
    assert [(row[2], row[3], row[5]) for row in rows] == [
        ("invoice", "S/1", D("100.00")),
        ("payment", "S/1", D("100.00")),
    ]
    assert rows[1][VOUCHER_NUMBER] == "R/1"


async def test_tally_bill_wise_details_under_vouchers_name_their_bills(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's ledger with bill-wise details on: each voucher followed by its `New Ref` or
    `Agst Ref` lines, without a date of their own. They are details, not entries: the
    receipt settles the bill its `Agst Ref` names, the invoice is due as its `New Ref` says."""
    path = tmp_path / "Ledger Gupta.csv"
    path.write_text(
        "Kaveri Distributors Pvt Ltd\nLedger: Gupta Traders\n1-Apr-2025 to 30-Jun-2025\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
        '3-Apr-2025,Sales Account,Sales,KD/25-26/002,"29,500.00",\n'
        ',New Ref  KD/25-26/002  Due on 3-May-2025,,,"29,500.00 Dr",\n'
        '15-May-2025,Sales Account,Sales,KD/25-26/006,"15,000.00",\n'
        ',New Ref  KD/25-26/006  Due on 14-Jun-2025,,,"15,000.00 Dr",\n'
        '16-May-2025,Sales Account,Sales,KD/25-26/007,"1,000.00",\n'
        ',New Ref  KD/25-26/007,,,"1,000.00 Dr",\n'
        '20-May-2025,HDFC Bank,Receipt,RCP/003,,"15,000.00"\n'
        ',Agst Ref  KD/25-26/006,,,,"15,000.00 Cr"\n'
        '25-May-2025,HDFC Bank,Receipt,RCP/004,,"1,500.00"\n'
        ',Agst Ref  KD/25-26/002,,,,"1,000.00 Cr"\n'
        ',On Account,,,,"500.00 Cr"\n'
        ',,,,"45,500.00","16,500.00"\n'
        ',Closing Balance,,,,"29,000.00"\n',
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    assert (
        "Skipped 6 bill-wise detail lines (Tally's bill-wise details under a voucher, `New "
        "Ref` or `Agst Ref`: not entries); they name the bill of 4 entries (the bill a receipt "
        "settles, an invoice's bill and due date)"
    ) in report.notes
    assert "Closing balance 29,000.00 Dr agrees with the entries loaded" in report.notes
    customer = "Gupta Traders"
    assert [row[:4] + row[5:7] for row in await rows_of(engine, "ledger_entry")] == [
        (customer, d("2025-04-03"), "invoice", "KD/25-26/002", D("29500.00"), d("2025-05-03")),
        (customer, d("2025-05-15"), "invoice", "KD/25-26/006", D("15000.00"), d("2025-06-14")),
        (customer, d("2025-05-16"), "invoice", "KD/25-26/007", D("1000.00"), None),
        # Its one `Agst Ref` names the bill it settles, not the oldest (KD/25-26/002).
        (customer, d("2025-05-20"), "payment", "KD/25-26/006", D("15000.00"), None),
        # Split over a bill and an advance: it keeps its own number (oldest first).
        (customer, d("2025-05-25"), "payment", "RCP/004", D("1500.00"), None),
    ]
    # Each keeps its voucher type under the bill it is known by.
    assert [row[7] for row in await rows_of(engine, "ledger_entry")] == [
        *("sales", "sales", "sales", "receipt", "receipt")
    ]
    # Loaded again, nothing changes.
    again = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 5)

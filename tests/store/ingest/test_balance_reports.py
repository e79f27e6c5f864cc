"""Reports of balances are not lists of entries (the trial's files, in `tally/`): a Tally
Bills Receivable report's `Pending Amount` is what each bill still owes, so it is never taken
for an invoice's amount and the report is refused in one line; a column of balances is never
guessed as an amount; a reload that changes stored entries names them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from analytics.export_columns import (
    BALANCE_WORDS,
    LEDGER_ROLES,
    SALES_ROLES,
    RoleSet,
    guess_columns,
)
from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.layout import merge_header_rows
from tests.store.sales_support import rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"


async def _kaveri(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    await ingest_file(
        engine, kind=IngestKind.LEDGER, path=FIXTURES / "ledger_sharma_erp9.txt", app="kaveri"
    )


@pytest.mark.parametrize("kind", [IngestKind.LEDGER, IngestKind.SALES])
async def test_an_ageing_summary_is_refused_as_one_and_changes_nothing(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """QuickBooks' A/R Aging Summary: a company name and a title over a header whose only
    role is `Total`, beside bands of days. Refused as the ageing report it is, not as a file
    whose columns are its company's name."""
    await _kaveri(engine)
    before = await rows_of(engine, "ledger_entry")
    path = tmp_path / "AR Aging Summary.csv"
    path.write_text(
        "Northwind Supplies LLC\nA/R Aging Summary\nAs of March 31, 2025\n\n"
        ",Current,1 - 30,31 - 60,61 - 90,91 and over,Total\n"
        "Amy's Bird Sanctuary,250.00,,,,,$250.00\n"
        'Freeman Sporting Goods,"1,200.00",450.00,,,,"$1,650.00"\n'
        'TOTAL,"$1,450.00",$450.00,$0.00,$0.00,$0.00,"$1,900.00"\n',
        encoding="utf-8",
    )
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=path, app="kaveri")
    assert str(refused.value) == (
        f"{path}: this is an ageing report of receivables (columns '1 - 30', '31 - 60': what "
        "each customer still owes, by age), not a list of vouchers: balances, without the "
        "invoices and payments; load each party's ledger (ingest ledger) or the Sales "
        "Register (ingest sales) instead"
    )
    assert await rows_of(engine, "ledger_entry") == before
    assert await rows_of(engine, "sale_line") == []


@pytest.mark.parametrize("kind", [IngestKind.LEDGER, IngestKind.SALES])
async def test_a_bills_receivable_report_is_refused_and_changes_nothing(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    await _kaveri(engine)
    before = await rows_of(engine, "ledger_entry")
    assert ("KAV-001", "KD/25-26/001", D("123456.00")) in [
        (row[0], row[3], row[5]) for row in before
    ]
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=FIXTURES / "bills_receivable.csv", app="kaveri")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{FIXTURES / 'bills_receivable.csv'}: this is a bills receivable")
    assert "'Pending Amount' is what each bill still owes" in message
    assert "ledger" in message
    assert "Sales Register" in message
    assert await rows_of(engine, "ledger_entry") == before
    assert await rows_of(engine, "sale_line") == []


@pytest.mark.parametrize("kind", [IngestKind.LEDGER, IngestKind.SALES])
async def test_tallys_opening_amount_is_the_bills_and_pending_amount_the_balance(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    # Tally's outstanding reports with `Show Opening Amount` (help.tallysolutions.com,
    # Overdue Receivables and Ledger Outstandings: `Date | Ref No. | Opening Amount | Pending
    # Amount | Due on | Overdue by days`; Opening Amount "the total amount of bills", Pending
    # Amount what is left of it). On main the refusal named `Opening Amount` as the balance.
    path = FIXTURES / "bills_receivable_opening_amount.csv"
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=path, app="kaveri")
    message = str(refused.value)
    assert "'Pending Amount' is what each bill still owes" in message
    assert "('Opening Amount' is the bill's amount, but bills paid in full are not listed)" in (
        message
    )
    assert await rows_of(engine, "sale_line") == []
    assert await rows_of(engine, "ledger_entry") == []


@pytest.mark.parametrize(
    "column",
    [
        *("Pending Amount", "Outstanding", "Balance", "Amount Due", "Balance Due"),
        *("Closing Balance", "Outstanding Amount", "Open Balance", "Opening Amount"),
        "Debit Balance",
    ],
)
@pytest.mark.parametrize("role_set", [LEDGER_ROLES, SALES_ROLES])
def test_a_column_of_balances_is_never_guessed_as_an_amount(column: str, role_set: RoleSet) -> None:
    taken = guess_columns(["Date", "Party", "Ref No", column], role_set)
    assert not {"amount", "debit", "credit"} & set(taken)


def test_an_amount_beside_a_balance_is_the_amount() -> None:
    header = ["Date", "Customer", "Invoice", "Amount", "Open Balance"]
    assert guess_columns(header, SALES_ROLES)["amount"] == 3


async def test_a_reload_that_changes_an_amount_names_the_entry(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _kaveri(engine)
    text = (FIXTURES / "ledger_sharma_erp9.txt").read_text()
    lowered = tmp_path / "ledger_sharma_lowered.txt"
    lowered.write_text(text.replace("1,23,456.00", "  23,456.00"))
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=lowered, app="kaveri")
    lines = report.lines()
    assert "ledger entries: 0 new, 1 changed" in "\n".join(lines)
    assert (
        # The voucher type (part of the key since revision 0029), the book as stored: its
        # folded name (analytics/book_names.py).
        f"Changed: KAV-001, 2025-04-01, invoice, KD/25-26/001, 1, sales, "
        f"{book_key('Kaveri Distributors Pvt. Ltd.')}: amount 123456.00 -> 23456.00" in lines
    )


_WORDS = ("amount", "net", "total", "value", "sales", "debit", "credit", "invoice", "inr")


@given(
    before=st.lists(st.sampled_from(_WORDS), max_size=2),
    balance=st.sampled_from(sorted(BALANCE_WORDS)),
    after=st.lists(st.sampled_from(_WORDS), max_size=2),
    title=st.booleans(),
)
def test_no_name_with_a_balance_word_is_an_amount(
    before: list[str], balance: str, after: list[str], title: bool
) -> None:
    name = " ".join([*before, balance, *after])
    column = name.title() if title else name
    for role_set in (LEDGER_ROLES, SALES_ROLES):
        taken = guess_columns(["Date", "Party", column], role_set)
        assert not {"amount", "debit", "credit"} & set(taken)


_SUNDRY_ONE_COLUMN = (
    "Sharma Trading Co.\nGroup Summary\nSundry Debtors\n1-Apr-2024 to 31-Mar-2025\n"
    "Particulars,Closing Balance\n"
    'Gupta Traders,"1,91,346.00 Dr"\n'
    'Anand Hardware,"12,000.00 Cr"\n'
    'Grand Total,"1,79,346.00 Dr"\n'
)


@pytest.mark.parametrize("one_column", [False, True])
@pytest.mark.parametrize("kind", [IngestKind.LEDGER, IngestKind.SALES])
async def test_a_group_summary_of_sundry_debtors_is_refused_as_a_summary(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, one_column: bool
) -> None:
    """Tally's Group Summary: a closing balance per party, over `Debit | Credit` or in one
    column with its side; its header (`Particulars | Closing Balance`) is read, and the
    file is refused as the summary it is, in one line, nothing written."""
    path = FIXTURES / "sundry_debtors_summary.csv"
    if one_column:
        path = tmp_path / "sundry_debtors.csv"
        path.write_text(_SUNDRY_ONE_COLUMN, encoding="utf-8")
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=path)
    assert str(refused.value) == f"{path}: " + (
        "this is a summary of totals (a Debit, a Credit and a closing Balance per month or "
        "per ledger, as Tally's Sales Register shows before a month is opened, or its Group "
        "Summary of Sundry Debtors), not the register of vouchers: it has no date; open the "
        "period (or each party's ledger) to list its vouchers (date, party, voucher number, "
        "amount) and export that"
    )
    assert await rows_of(engine, "account") == []


def _roles_named(role_set: RoleSet, cells: Sequence[str]) -> int:
    return len(guess_columns(cells, role_set))


@given(
    heading=st.sampled_from(sorted(BALANCE_WORDS)),
    # A heading spans a group of distinct names: a name met again starts another group
    # (`test_layout`: `Opening Balance` over the first of two Debit/Credit pairs).
    names=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3, unique=True),
)
def test_no_column_under_a_heading_of_balances_is_an_amount(heading: str, names: list[str]) -> None:
    upper = ["Particulars", f"Closing {heading}".title(), *[""] * (len(names) - 1)]
    for role_set in (LEDGER_ROLES, SALES_ROLES):
        merged = merge_header_rows(upper, ["", *names], partial(_roles_named, role_set))
        if merged is None:
            continue
        assert not {"amount", "debit", "credit"} & set(guess_columns(list(merged), role_set))

"""A Tally ledger with bill-wise details exported without its Vch No. column stores each
receipt under the bill it settles but cannot say its own number; a Day Book of the same
period stores it under that number. Loaded both, in either order, the receipt counts once:
matched by customer, date, kind and amount, the stored entry under a bill of that customer
being the one it settles (`store.ingest.kinds.ledger_vouchers`). Where several receipts share
all of those, they are paired in order and the load says so in one line: whichever pairing,
no amount is counted twice or lost; only which voucher number settles which of the bills may
be the other's."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import VOUCHER_NUMBER, d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"
WITHOUT_NUMBERS = FIXTURES / "ledger_sharma_prime_no_numbers.csv"
DAY_BOOK = FIXTURES / "daybook_sharma_receipts.csv"
# (date, kind, reference, amount, due date, voucher number) of the entries: the ledger's,
# with the receipt's own number from the Day Book.
ENTRIES = [
    (d("2025-04-01"), "invoice", "KD/25-26/001", D("118000.00"), d("2025-04-16"), None),
    (d("2025-04-10"), "payment", "KD/25-26/001", D("50000.00"), None, "1"),
    (d("2025-06-01"), "invoice", "KD/25-26/006", D("35400.00"), d("2025-06-16"), None),
]


async def _entries(engine: AsyncEngine, customer: str) -> list[tuple[object, ...]]:
    rows = [row for row in await rows_of(engine, "ledger_entry") if row[0] == customer]
    return [(row[1], row[2], row[3], row[5], row[6], row[VOUCHER_NUMBER]) for row in rows]


@pytest.mark.parametrize("day_book_first", [False, True])
async def test_a_receipt_of_a_ledger_without_numbers_and_a_day_book_counts_once(
    engine: AsyncEngine, day_book_first: bool
) -> None:
    order = [DAY_BOOK, WITHOUT_NUMBERS] if day_book_first else [WITHOUT_NUMBERS, DAY_BOOK]
    await ingest_file(engine, kind=LEDGER, path=order[0], app="kaveri")
    alone = await rows_of(engine, "credit_risk")
    second = await ingest_file(engine, kind=LEDGER, path=order[1], app="kaveri")
    assert await _entries(engine, "Sharma Electricals") == ENTRIES
    said = [note for note in second.notes if "same customer, date and amount" in note]
    assert said == [
        "1 payment of the file under its own number, each taken as the one stored under the "
        "bill it settles (same customer, date and amount; the ledger gave no voucher "
        "numbers), not added again"
        if not day_book_first
        else "1 stored payment under its own number, each taken as the file's under the bill "
        "it settles (same customer, date and amount; the ledger gives no voucher numbers), "
        "not added again"
    ], second.notes
    if not day_book_first:
        # What is owed is the ledger's, Day Book or not.
        assert await rows_of(engine, "credit_risk") == alone
    for path in order:
        again = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
        assert again.changes is not None
        assert again.changes.new == again.changes.changed == 0
        assert await _entries(engine, "Sharma Electricals") == ENTRIES


# Each example's customer is its own: the examples share one database.
_customers = itertools.count(1)
_BILLS = ("KD/25-26/001", "KD/25-26/002")
APRIL = dt.date(2025, 4, 1)


def _ledger(customer: str, receipts: list[tuple[int, int, int]]) -> str:
    """Tally Prime's ledger of `customer` with bill-wise details, no Vch No. column: two bills
    of 1,00,000.00 on 1 April, then each receipt (day, amount, bill) under its bill."""
    lines = [
        "Kaveri Distributors Pvt Ltd",
        f"Ledger: {customer}",
        "1-Apr-25 to 30-Jun-25",
        "",
        "Date,Particulars,Vch Type,Debit,Credit",
    ]
    for bill in _BILLS:
        lines += [
            '1-Apr-25,Sales Account,Sales,"1,00,000.00",',
            f',New Ref  {bill}  Due on 30-Apr-25,,"1,00,000.00",',
        ]
    for day, amount, settled in receipts:
        lines += [
            f"{day}-Apr-25,HDFC Bank,Receipt,,{amount}.00",
            f",Agst Ref  {_BILLS[settled]},,,{amount}.00",
        ]
    return "\n".join(lines) + "\n"


def _day_book(customer: str, receipts: list[tuple[int, int, int]]) -> str:
    """The Day Book of the same vouchers: receipts numbered 1, 2... in date order."""
    lines = [
        "Kaveri Distributors Pvt Ltd",
        "Day Book",
        "1-Apr-25 to 30-Jun-25",
        "",
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount",
        f'1-Apr-25,{customer},Sales,{_BILLS[0]},"1,00,000.00",',
        f'1-Apr-25,{customer},Sales,{_BILLS[1]},"1,00,000.00",',
    ]
    for number, (day, amount, _bill) in enumerate(receipts, start=1):
        lines.append(f"{day}-Apr-25,{customer},Receipt,{number},,{amount}.00")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    # (day of April, amount, bill) of each receipt: few days and amounts, so that receipts
    # share them
    receipts=st.lists(
        st.tuples(st.integers(2, 3), st.sampled_from([10000, 25000]), st.integers(0, 1)),
        min_size=1,
        max_size=5,
    ).map(sorted),
    day_book_first=st.booleans(),
)
async def test_every_receipt_counts_once_whatever_they_share(
    engine: AsyncEngine, tmp_path: Path, receipts: list[tuple[int, int, int]], day_book_first: bool
) -> None:
    customer = f"Sharma Electricals {next(_customers)}"
    ledger = tmp_path / f"{customer} ledger.csv"
    ledger.write_text(_ledger(customer, receipts), encoding="utf-8")
    day_book = tmp_path / f"{customer} day book.csv"
    day_book.write_text(_day_book(customer, receipts), encoding="utf-8")
    order = [day_book, ledger] if day_book_first else [ledger, day_book]
    await ingest_file(engine, kind=LEDGER, path=order[0], app="kaveri")
    # The Day Book's numbers of each (day, amount)
    numbers: dict[tuple[object, object], set[str]] = {}
    for number, (day, amount, _bill) in enumerate(receipts, start=1):
        numbers.setdefault((APRIL.replace(day=day), D(amount)), set()).add(str(number))
    shared = any(len(group) > 1 for group in numbers.values())
    for at, path in enumerate([order[1], *order]):
        report = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
        payments = [entry for entry in await _entries(engine, customer) if entry[1] == "payment"]
        # Each receipt once, under the bill the ledger gave it, with a number of the Day
        # Book's among those of its day and amount.
        assert sorted((entry[0], entry[3], entry[2]) for entry in payments) == sorted(
            (APRIL.replace(day=day), D(amount), _BILLS[bill]) for day, amount, bill in receipts
        )
        for entry in payments:
            assert entry[5] in numbers[(entry[0], entry[3])]
        paired = [note for note in report.notes if "paired in the order" in note]
        # Said once, by the load that pairs them.
        assert len(paired) == (1 if shared and at == 0 else 0), report.notes


async def test_a_receipt_set_against_another_bill_moves_and_records_no_bill_as_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The same receipt allocated to the other bill in a later export of the ledger is no
    other export of a voucher under its own number: the earlier allocation goes as the whole
    ledger's load removes what the books no longer have, and no bill is recorded as a voucher
    number (the Day Book's number of the receipt would then find nothing, and count twice)."""
    customer = "Sharma Electricals"
    before = tmp_path / "before.csv"
    before.write_text(_ledger(customer, [(2, 10000, 0)]), encoding="utf-8")
    after = tmp_path / "after.csv"
    after.write_text(_ledger(customer, [(2, 10000, 1)]), encoding="utf-8")
    day_book = tmp_path / "day book.csv"
    day_book.write_text(_day_book(customer, [(2, 10000, 1)]), encoding="utf-8")
    for path in (before, after):
        await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    payments = [entry for entry in await _entries(engine, customer) if entry[1] == "payment"]
    assert payments == [(d("2025-04-02"), "payment", _BILLS[1], D("10000.00"), None, None)]
    await ingest_file(engine, kind=LEDGER, path=day_book, app="kaveri")
    payments = [entry for entry in await _entries(engine, customer) if entry[1] == "payment"]
    assert payments == [(d("2025-04-02"), "payment", _BILLS[1], D("10000.00"), None, "1")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Both receipts now set against the second bill.
        ([(2, 10000, 0), (2, 10000, 1)], [(2, 10000, 1), (2, 10000, 1)]),
        # One receipt more, of the same day and amount.
        ([(2, 10000, 0)], [(2, 10000, 0), (2, 10000, 1)]),
        # One receipt fewer.
        ([(2, 10000, 0), (2, 10000, 1)], [(2, 10000, 1)]),
    ],
)
async def test_a_later_ledger_has_its_own_receipts(
    engine: AsyncEngine,
    tmp_path: Path,
    before: list[tuple[int, int, int]],
    after: list[tuple[int, int, int]],
) -> None:
    customer = "Sharma Electricals"
    for name, receipts in (("before", before), ("after", after)):
        path = tmp_path / f"{name}.csv"
        path.write_text(_ledger(customer, receipts), encoding="utf-8")
        await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    payments = [entry for entry in await _entries(engine, customer) if entry[1] == "payment"]
    assert sorted((entry[0], entry[3], entry[2]) for entry in payments) == sorted(
        (APRIL.replace(day=day), D(amount), _BILLS[bill]) for day, amount, bill in after
    )

"""Detailed registers, for every shape of voucher (hypothesis): the item lines under a voucher
stand for it, so each invoice's stored lines add up to its voucher's total, and a voucher
without items is stored as it is."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from settings import SegmentOptions
from store.ingest.kinds.parties import Parties
from store.ingest.kinds.sales import SalesValidator
from store.ingest.reading import Row

# Cents of each item of a voucher; an empty list is a voucher without items (a flat line).
_VOUCHERS = st.lists(
    st.lists(st.integers(min_value=1, max_value=10**8), max_size=4), min_size=1, max_size=12
)


def _rows(vouchers: list[list[int]]) -> list[Row]:
    rows: list[Row] = []
    for number, items in enumerate(vouchers):
        total = sum(items) if items else 100 + number
        rows.append(
            {
                "date": f"{1 + number % 28}-Jul-2025",
                "customer": f"C{number % 3}",
                "invoice": f"S/{number}",
                "amount": f"{Decimal(total) / 100:,.2f}",
            }
        )
        rows += [
            {"customer": f"Item {item}", "amount": f"{Decimal(c) / 100:.2f}"}
            for item, c in enumerate(items)
        ]
    rows.append({"customer": "Grand Total", "amount": "0.00"})
    return rows


@given(_VOUCHERS)
def test_each_invoice_adds_up_to_its_voucher(vouchers: list[list[int]]) -> None:
    validator = SalesValidator(
        customers=Parties(accounts={}, apps=set(), app="x"), segment=SegmentOptions()
    )
    rows = _rows(vouchers)
    for row in rows:
        validator.observe(row)
    validator.formats_known({"customer": "Customer"})
    for line, row in enumerate(rows, start=2):
        assert validator.check(line, row) == []
    assert validator.finish() == []
    lines = validator.plan(frozenset({"customer", "date", "invoice", "amount"})).writes[-1].rows
    totals: dict[str, Decimal] = defaultdict(Decimal)
    count = 0
    for _customer, _day, invoice, _line, amount, _includes_tax, *_records in lines:
        totals[invoice] += amount
        count += 1
    assert count == sum(len(items) or 1 for items in vouchers)
    for number, items in enumerate(vouchers):
        expected = Decimal(sum(items) if items else 100 + number) / 100
        assert totals[f"S/{number}"] == expected

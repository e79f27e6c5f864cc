"""`store.ingest.kinds.invoice_rows`: when the rows of an invoice are one sale, counted once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from store.ingest.kinds.invoice_rows import Line, once_per_invoice

DAY = dt.date(2024, 7, 2)

_lines = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2"]),
        st.sampled_from(["", "INV-1", "INV-2", "INV-3"]),
        st.sampled_from([Decimal("500.00"), Decimal("900.00")]),
        st.sampled_from([Decimal(1), Decimal(2)]),
    ),
    max_size=8,
)


def _kept(drawn: list[tuple[str, str, Decimal, Decimal]]) -> list[Line]:
    return [
        (customer, DAY, invoice, amount, None, quantity, None, None, "")
        for customer, invoice, amount, quantity in drawn
    ]


@given(drawn=_lines, invoice_name=st.booleans())
def test_invoices_are_merged_only_on_enough_evidence(
    drawn: list[tuple[str, str, Decimal, Decimal]], invoice_name: bool
) -> None:
    """Rows of an invoice merge only when every invoice of several rows repeats one amount,
    and, under a name also given to lines (`Total`), two invoices at least do; nothing is
    lost: the quantities add up, and every other row is kept as it is."""
    kept = _kept(drawn)
    merged = once_per_invoice(kept, invoice_name=invoice_name)
    groups = Counter(line[:3] for line in kept if line[2])
    several = [key for key, count in groups.items() if count > 1]
    repeating = all(len({line[3] for line in kept if line[:3] == key}) == 1 for key in several)
    expected = bool(several) and repeating and (invoice_name or len(several) >= 2)
    assert (merged.invoices > 0) is expected
    if expected:
        assert merged.invoices == len(several)
        # Each invoice of several rows is one line now.
        merged_groups = Counter(line[:3] for line in merged.lines if line[2])
        assert all(merged_groups[key] == 1 for key in several)
        assert len(merged.lines) == len(kept) - merged.rows + merged.invoices
    else:
        assert merged.lines == kept
        assert merged.kept_apart == (
            groups[several[0]] if several and repeating and not invoice_name else 0
        )
    assert sum(line[5] or 0 for line in merged.lines) == sum(line[5] or 0 for line in kept)

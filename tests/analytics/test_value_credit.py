"""The value x credit-risk matrix: every pair once, in a fixed order, every account counted
once (in its cell, or apart when it has no credit risk)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from analytics.credit import CreditSegment
from analytics.segments import SEGMENTS_LOW_TO_HIGH, Segment
from analytics.value_credit import ValueCreditCell, value_credit_matrix

ORDER = [
    (value, risk)
    for value in (Segment.HIGH_VALUE, Segment.AVERAGE, Segment.BELOW_AVERAGE, Segment.LOW_VALUE)
    for risk in (CreditSegment.LOW_RISK, CreditSegment.MEDIUM_RISK, CreditSegment.HIGH_RISK)
]


def test_cells_count_pairs_and_accounts_without_credit_risk_apart() -> None:
    matrix = value_credit_matrix(
        [
            (Segment.HIGH_VALUE, CreditSegment.HIGH_RISK),
            (Segment.HIGH_VALUE, CreditSegment.HIGH_RISK),
            (Segment.LOW_VALUE, CreditSegment.LOW_RISK),
            (Segment.AVERAGE, None),
        ]
    )
    assert matrix.cells[2] == ValueCreditCell(Segment.HIGH_VALUE, CreditSegment.HIGH_RISK, 2)
    assert matrix.cells[9] == ValueCreditCell(Segment.LOW_VALUE, CreditSegment.LOW_RISK, 1)
    assert sum(cell.accounts for cell in matrix.cells) == 3
    assert matrix.without_credit_risk == 1


def test_an_empty_quarter_has_twelve_zero_cells() -> None:
    matrix = value_credit_matrix([])
    assert [(c.monetary_segment, c.credit_segment) for c in matrix.cells] == ORDER
    assert {cell.accounts for cell in matrix.cells} == {0}
    assert matrix.without_credit_risk == 0


@given(
    st.lists(
        st.tuples(
            st.sampled_from(SEGMENTS_LOW_TO_HIGH), st.none() | st.sampled_from(CreditSegment)
        ),
        max_size=200,
    )
)
def test_every_account_is_counted_once(
    members: list[tuple[Segment, CreditSegment | None]],
) -> None:
    matrix = value_credit_matrix(members)
    assert [(c.monetary_segment, c.credit_segment) for c in matrix.cells] == ORDER
    scored = Counter(member for member in members if member[1] is not None)
    assert {(c.monetary_segment, c.credit_segment): c.accounts for c in matrix.cells} == {
        pair: scored[pair] for pair in ORDER
    }
    assert sum(cell.accounts for cell in matrix.cells) + matrix.without_credit_risk == len(members)

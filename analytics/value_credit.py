"""The value x credit-risk matrix of an app's quarter: how many accounts of each monetary
segment fall in each credit segment, so a dashboard can show whether its most valuable
customers are also the ones that pay late."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from analytics.credit import CreditSegment
from analytics.segment_flows import SEGMENTS_HIGH_TO_LOW
from analytics.segments import Segment

# Safest first, as the matrix's columns read.
CREDIT_SEGMENTS_LOW_TO_HIGH_RISK = (
    CreditSegment.LOW_RISK,
    CreditSegment.MEDIUM_RISK,
    CreditSegment.HIGH_RISK,
)


class ValueCreditCell(NamedTuple):
    monetary_segment: Segment
    credit_segment: CreditSegment
    accounts: int


class ValueCreditMatrix(NamedTuple):
    # One cell per pair, zeros included: HIGH_VALUE first, then LOW_RISK first within it.
    cells: list[ValueCreditCell]
    # Accounts with a monetary segment but no credit risk (no ledger entry to measure).
    without_credit_risk: int


def value_credit_matrix(
    members: Iterable[tuple[Segment, CreditSegment | None]],
) -> ValueCreditMatrix:
    """The matrix of (monetary segment, credit segment) pairs, one per account; a credit
    segment of None is an account without a credit risk, counted apart."""
    counts = {
        (value, risk): 0
        for value in SEGMENTS_HIGH_TO_LOW
        for risk in CREDIT_SEGMENTS_LOW_TO_HIGH_RISK
    }
    without = 0
    for value, risk in members:
        if risk is None:
            without += 1
        else:
            counts[value, risk] += 1
    return ValueCreditMatrix(
        cells=[ValueCreditCell(value, risk, n) for (value, risk), n in counts.items()],
        without_credit_risk=without,
    )

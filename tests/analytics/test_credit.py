from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.credit import (
    CreditMeasures,
    CreditPolicy,
    CreditSegment,
    EntryKind,
    LedgerEntry,
    assess_credit,
    credit_measures,
    credit_score,
    credit_segment,
    dso_window_start,
    settle,
)

D = Decimal
INVOICE, PAYMENT = EntryKind.INVOICE, EntryKind.PAYMENT
START = dt.date(2024, 1, 1)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def test_a_customer_who_pays_on_time_is_low_risk() -> None:
    entries = [
        LedgerEntry(day(0), INVOICE, D("1000"), day(30), "A"),
        LedgerEntry(day(25), PAYMENT, D("1000"), None, "A"),
        LedgerEntry(day(60), INVOICE, D("500"), None, "B"),
    ]
    assessment = assess_credit(entries, as_of=day(70))
    measures = assessment.measures
    assert measures.invoiced == D("1500")
    assert measures.outstanding == D("500")
    assert measures.overdue_share == 0
    assert measures.average_days_late == 0
    # The period runs from the first invoice: 71 days.
    assert measures.days_sales_outstanding == pytest.approx(500 / 1500 * 71)
    assert assessment.segment is CreditSegment.LOW_RISK


def test_a_customer_who_never_pays_is_high_risk() -> None:
    entries = [LedgerEntry(day(30 * month), INVOICE, D("1000")) for month in range(12)]
    assessment = assess_credit(entries, as_of=day(360))
    measures = assessment.measures
    # Every invoice but the one not yet due (due on day 360) is overdue.
    assert measures.overdue_share == pytest.approx(11 / 12)
    assert measures.days_sales_outstanding == pytest.approx(361)
    assert measures.average_days_late == pytest.approx(sum(330 - 30 * m for m in range(11)) / 11)
    assert assessment.score == 3
    assert assessment.segment is CreditSegment.HIGH_RISK


def test_payments_settle_the_invoice_they_name_then_the_oldest() -> None:
    entries = [
        LedgerEntry(day(0), INVOICE, D("100"), day(10), "A"),
        LedgerEntry(day(5), INVOICE, D("100"), day(15), "B"),
        LedgerEntry(day(12), PAYMENT, D("150"), None, "B"),
    ]
    settled, credit = settle(entries)
    assert credit == 0
    assert [(s.amount, s.due, s.paid_on) for s in settled] == [
        (D("100"), day(15), day(12)),
        (D("50"), day(10), day(12)),
        (D("50"), day(10), None),
    ]


def test_a_payment_in_advance_settles_the_next_invoice_on_its_date() -> None:
    entries = [
        LedgerEntry(day(0), PAYMENT, D("80")),
        LedgerEntry(day(3), INVOICE, D("100")),
    ]
    settled, credit = settle(entries, payment_terms_days=30)
    assert credit == 0
    assert [(s.amount, s.due, s.paid_on) for s in settled] == [
        (D("80"), day(33), day(3)),
        (D("20"), day(33), None),
    ]


def test_entries_after_the_date_measured_are_left_out() -> None:
    entries = [
        LedgerEntry(day(0), INVOICE, D("100")),
        LedgerEntry(day(100), PAYMENT, D("100")),
    ]
    measures = credit_measures(entries, as_of=day(50))
    assert measures.outstanding == D("100")
    assert measures.average_days_late == 20
    assert measures.overdue_share == 1


def test_nothing_invoiced_is_no_risk_and_the_best_dso() -> None:
    assessment = assess_credit([LedgerEntry(day(0), PAYMENT, D("5"))], as_of=day(0))
    assert assessment.score == 100
    assert assessment.segment is CreditSegment.LOW_RISK
    assert assessment.measures.days_sales_outstanding == 0
    assert assessment.measures.overdue_share is None


# Patel Hardware Stores of a trial's Tally export: one invoice, paid 56 days late.
PAID_LATE_LONG_AGO = [
    LedgerEntry(dt.date(2024, 4, 5), INVOICE, D("48500.00"), None, "SG/24-25/002"),
    LedgerEntry(dt.date(2024, 6, 30), PAYMENT, D("48500.00"), None, "RC/091"),
]


def test_a_paid_invoice_leaving_the_period_leaves_every_measure_at_once() -> None:
    inside = assess_credit(PAID_LATE_LONG_AGO, as_of=dt.date(2025, 4, 4))
    assert inside.measures.days_sales_outstanding == 0
    assert inside.measures.overdue_share == 1
    assert inside.measures.average_days_late == 56
    assert inside.score == 32
    # A day later the invoice is 365 days old: out of the DSO's period, and so out of the
    # lateness measures too (they had kept counting it while the DSO dropped its weight).
    left = assess_credit(PAID_LATE_LONG_AGO, as_of=dt.date(2025, 4, 5))
    assert left.measures.invoiced == 0
    assert left.measures.days_sales_outstanding == 0
    assert left.measures.overdue_share is None
    assert left.measures.average_days_late is None
    assert left.score == 100


def test_an_old_invoice_still_owed_counts_in_every_measure() -> None:
    entries = [LedgerEntry(day(0), INVOICE, D("100"), day(30))]
    measures = credit_measures(entries, as_of=day(500))
    assert measures.invoiced == 0
    assert measures.outstanding == D("100")
    # Owed with nothing invoiced in the period: no finite DSO, and the worst in the score.
    assert measures.days_sales_outstanding is None
    assert measures.overdue_share == 1
    assert measures.average_days_late == 470
    assert credit_score(measures) == 0


def test_the_shown_invoiced_and_outstanding_divide_to_the_dso() -> None:
    entries = [
        LedgerEntry(day(0), INVOICE, D("1000"), day(30)),
        LedgerEntry(day(20), PAYMENT, D("1000")),
        LedgerEntry(day(400), INVOICE, D("300"), day(430)),
        LedgerEntry(day(410), PAYMENT, D("100")),
    ]
    measures = credit_measures(entries, as_of=day(420))
    assert measures.invoiced == D("300")
    assert measures.window_days == 365
    assert measures.days_sales_outstanding == pytest.approx(
        float(measures.outstanding / measures.invoiced) * measures.window_days
    )


def test_thresholds_are_configurable_and_checked() -> None:
    strict = CreditPolicy(low_risk_from=95, high_risk_below=80)
    assert credit_segment(90, strict) is CreditSegment.MEDIUM_RISK
    assert credit_segment(79, strict) is CreditSegment.HIGH_RISK
    assert credit_segment(95, strict) is CreditSegment.LOW_RISK
    assert credit_segment(70, CreditPolicy()) is CreditSegment.LOW_RISK
    assert credit_segment(39, CreditPolicy()) is CreditSegment.HIGH_RISK
    with pytest.raises(ValueError, match="high-risk score <= low-risk score"):
        CreditPolicy(low_risk_from=30, high_risk_below=40)
    with pytest.raises(ValueError, match="payment terms"):
        CreditPolicy(payment_terms_days=-1)


invoices = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 10_000), st.integers(0, 90)),
    min_size=1,
    max_size=12,
)
payments = st.lists(st.tuples(st.integers(0, 360), st.integers(1, 10_000)), max_size=12)


@settings(max_examples=80)
@given(invoices, payments, st.integers(0, 11), st.integers(1, 60))
def test_paying_later_never_raises_the_score(
    invoiced: list[tuple[int, int, int]],
    paid: list[tuple[int, int]],
    which: int,
    delay: int,
) -> None:
    as_of = day(400)
    entries = [LedgerEntry(day(d), INVOICE, D(a), day(d + terms)) for d, a, terms in invoiced]
    before = [LedgerEntry(day(d), PAYMENT, D(a)) for d, a in paid]
    after = list(before)
    if after:
        moved = after[which % len(after)]
        later = min(moved.entry_date + dt.timedelta(days=delay), as_of)
        after[which % len(after)] = moved._replace(entry_date=later)
    on_time = assess_credit(entries + before, as_of=as_of)
    late = assess_credit(entries + after, as_of=as_of)
    assert 0 <= late.score <= on_time.score <= 100
    assert (late.measures.overdue_share or 0) >= (on_time.measures.overdue_share or 0) - 1e-12
    assert late.measures.outstanding == on_time.measures.outstanding


@given(
    st.floats(0, 1) | st.none(),
    st.floats(0, 1000) | st.none(),
    st.floats(0, 2000) | st.none(),
)
def test_the_score_stays_between_0_and_100(
    overdue: float | None, late: float | None, dso: float | None
) -> None:
    score = credit_score(CreditMeasures(D(1), D(0), dso, overdue, late))
    assert 0 <= score <= 100


ledger_days = st.integers(0, 900)
ledgers = st.lists(
    st.tuples(
        st.sampled_from([INVOICE, PAYMENT]),
        ledger_days,
        st.integers(1, 10_000),
        st.integers(0, 90) | st.none(),
    ),
    min_size=1,
    max_size=14,
)


def _changes_the_period(entries: list[LedgerEntry], as_of: dt.date) -> bool:
    """Whether, from `as_of` to the next day, an entry is dated, an invoice leaves the
    period, or an open invoice falls due: the events a score may jump at."""
    tomorrow = as_of + dt.timedelta(days=1)
    if any(entry.entry_date == tomorrow for entry in entries):
        return True
    dates = [entry.entry_date for entry in entries if entry.kind is INVOICE]
    kept = [d for d in dates if d <= as_of]
    today_start = dso_window_start(kept, as_of)
    tomorrow_start = dso_window_start(kept, tomorrow)
    if any(today_start < d <= tomorrow_start for d in kept):
        return True
    settled, _credit = settle([e for e in entries if e.entry_date <= as_of])
    return any(part.paid_on is None and part.due == as_of for part in settled)


@settings(max_examples=300)
@given(ledgers, ledger_days)
def test_a_day_without_events_moves_the_score_by_at_most_a_point(
    rows: list[tuple[EntryKind, int, int, int | None]], offset: int
) -> None:
    """Between events nothing but time moves. The overdue share then stays put (nothing
    falls due, nothing enters or leaves); the average days late grows by at most a day (only
    open overdue amounts age), at most 0.3/60 of the penalty; the DSO is owed/invoiced times
    the period's days, of which only the period's length can change, by one day and only
    for a customer younger than a year, whose debts are all invoiced in the period (owed <=
    invoiced): at most one day of DSO, 0.3/90 of the penalty. Together under 0.0084 of the
    penalty, 0.84 of a point; rounding can add at most one, so at most one point."""
    entries = [
        LedgerEntry(
            day(d), kind, D(amount), None if terms is None or kind is PAYMENT else day(d + terms)
        )
        for kind, d, amount, terms in rows
    ]
    as_of = day(offset)
    if _changes_the_period(entries, as_of):
        return
    today = assess_credit(entries, as_of=as_of).score
    tomorrow = assess_credit(entries, as_of=as_of + dt.timedelta(days=1)).score
    assert abs(tomorrow - today) <= 1

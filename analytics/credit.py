"""Credit risk of one account from its ledger: invoices it was sent and payments it made.

Payments settle invoices: first the open invoice whose number the payment names, then the
oldest open invoices (first in, first out); a payment beyond what is owed is a credit that
settles the next invoices on their own date. An invoice without a due date is due
`payment_terms_days` (30 by default) after its date. Everything is measured on `as_of`,
the latest ledger date of the account's app.

Every measure looks at the same period, the 365 days up to `as_of` (from the first invoice,
or opening balance owed, if later: a whole year's days over a few weeks' sales would inflate
a new customer's DSO),
and at the same invoices: those dated in the period, and the parts of older ones still owed
on `as_of`. An old invoice paid in full has left the period and no longer counts, in any
measure; one still owed counts in every measure until it is paid.

- days sales outstanding (DSO): what is still owed on `as_of`, divided by what was invoiced
  in the period, times the days of that period. Nothing owed is the best DSO, 0, even when
  nothing was invoiced; something owed with nothing invoiced in the period has no finite
  DSO: None, and the worst DSO in the score.
- overdue share: the share of those invoices' amount not paid by its due date, whether paid
  late or still unpaid after it (0 to 1). None when there are none.
- average days late: over every amount of those invoices that was paid, or is unpaid past
  its due date, the days from the due date to the payment (or to `as_of` while unpaid),
  zero when paid on time, weighted by amount. None when no amount has fallen due or been
  paid.

The score, 0 (worst) to 100 (best), is 100 less a weighted penalty: overdue share (weight
0.4, as it is), average days late (0.3, full at 60 days), and DSO (0.3, from nothing at the
customer's own payment terms, the amount-weighted days from its invoices in the period to
their due dates, to full at 90 days beyond them). The weights never change: a measure that
is None has found nothing late (no penalty), or, for the DSO, something owed with no sales
(full penalty). So the score moves little from one day to the next (at most a point) unless
an entry is dated that day, an invoice leaves the period, or an open invoice falls due.
The segment is LOW_RISK from a score of 70, HIGH_RISK below 40 and MEDIUM_RISK between;
both thresholds are configurable.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum
from typing import NamedTuple

from analytics.ledger_kinds import DAY_ORDER as _DAY_ORDER
from analytics.ledger_kinds import OPENING_KINDS
from analytics.ledger_kinds import OWED_KINDS as OWED_KINDS
from analytics.ledger_kinds import EntryKind as EntryKind
from analytics.ledger_kinds import LedgerEntry as LedgerEntry
from analytics.money import money
from analytics.opening_balances import with_openings_counted

_EXACT = Context(prec=80)
_ZERO = Decimal(0)

DEFAULT_PAYMENT_TERMS_DAYS = 30
DSO_WINDOW_DAYS = 365
# Penalty weights and the points at which a measure costs all of its weight.
OVERDUE_WEIGHT = 0.4
LATENESS_WEIGHT = 0.3
DSO_WEIGHT = 0.3
FULLY_LATE_DAYS = 60.0
FULL_DSO_DAYS_BEYOND_TERMS = 90.0


class CreditSegment(StrEnum):
    LOW_RISK = "LOW_RISK"
    MEDIUM_RISK = "MEDIUM_RISK"
    HIGH_RISK = "HIGH_RISK"


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """The configurable parts of the method."""

    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS
    # Scores from here up are LOW_RISK.
    low_risk_from: int = 70
    # Scores below this are HIGH_RISK.
    high_risk_below: int = 40

    def __post_init__(self) -> None:
        if not 0 <= self.payment_terms_days <= 3650:
            raise ValueError(f"payment terms must be 0 to 3650 days, got {self.payment_terms_days}")
        if not 0 <= self.high_risk_below <= self.low_risk_from <= 100:
            raise ValueError(
                "credit thresholds must satisfy 0 <= high-risk score <= low-risk score <= 100, "
                f"got high risk below {self.high_risk_below} and low risk from "
                f"{self.low_risk_from}"
            )


@dataclass(frozen=True, slots=True)
class CreditMeasures:
    # What was invoiced in the period (the denominator of the DSO).
    invoiced: Decimal
    outstanding: Decimal
    days_sales_outstanding: float | None
    overdue_share: float | None
    average_days_late: float | None
    # The customer's payment terms: days from invoice to due date, weighted by amount.
    terms_days: float | None = None
    # The days of the period every measure looks at (365, or fewer for a new customer).
    window_days: int = DSO_WINDOW_DAYS


@dataclass(frozen=True, slots=True)
class CreditAssessment:
    measures: CreditMeasures
    score: int
    segment: CreditSegment


class _Settled(NamedTuple):
    """Part of an invoice: paid on `paid_on`, or still open when that is None."""

    amount: Decimal
    due: dt.date
    paid_on: dt.date | None
    invoiced_on: dt.date


class _OpenInvoice:
    __slots__ = ("due", "invoiced_on", "remaining")

    def __init__(self, invoiced_on: dt.date, due: dt.date, remaining: Decimal) -> None:
        self.invoiced_on = invoiced_on
        self.due = due
        self.remaining = remaining


def _order(entry: LedgerEntry) -> tuple[dt.date, int]:
    # On one day invoices come first, so a payment of the same day can settle them.
    return entry.entry_date, _DAY_ORDER[entry.kind]


def settle(
    entries: Iterable[LedgerEntry], *, payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS
) -> tuple[list[_Settled], Decimal]:
    """The parts of every invoice with the date they were paid, and the unused credit."""
    terms = dt.timedelta(days=payment_terms_days)
    sub = _EXACT.subtract
    open_invoices: deque[_OpenInvoice] = deque()
    # A payment's bill is its own book's: two books of one customer may number bills alike.
    by_reference: dict[tuple[str, str], list[_OpenInvoice]] = {}
    settled: list[_Settled] = []
    credit = _ZERO

    def pay(invoice: _OpenInvoice, available: Decimal, day: dt.date) -> Decimal:
        paid = min(invoice.remaining, available)
        if paid > 0:
            invoice.remaining = sub(invoice.remaining, paid)
            settled.append(_Settled(paid, invoice.due, day, invoice.invoiced_on))
        return sub(available, paid)

    for entry in sorted(entries, key=_order):
        if entry.kind in OWED_KINDS:
            invoice = _OpenInvoice(
                entry.entry_date, entry.due_date or entry.entry_date + terms, entry.amount
            )
            credit = pay(invoice, credit, entry.entry_date)
            if invoice.remaining > 0:
                open_invoices.append(invoice)
                if entry.reference:
                    by_reference.setdefault((entry.book, entry.reference), []).append(invoice)
            continue
        available = entry.amount
        named = by_reference.get((entry.book, entry.reference), ()) if entry.reference else ()
        for invoice in named:
            available = pay(invoice, available, entry.entry_date)
        while available > 0 and open_invoices:
            available = pay(open_invoices[0], available, entry.entry_date)
            if open_invoices[0].remaining <= 0:
                open_invoices.popleft()
        credit = _EXACT.add(credit, available)
    settled.extend(
        _Settled(invoice.remaining, invoice.due, None, invoice.invoiced_on)
        for invoice in open_invoices
        if invoice.remaining > 0
    )
    return settled, credit


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    total = _ZERO
    for value in values:
        total = _EXACT.add(total, value)
    return total


def dso_window_start(owed_dates: Iterable[dt.date], as_of: dt.date) -> dt.date:
    """The day before the period every measure looks at: 365 days before `as_of`, or the
    day before the first invoice (or opening balance owed) when that is later."""
    start = as_of - dt.timedelta(days=DSO_WINDOW_DAYS)
    first_invoice = min(owed_dates, default=None)
    if first_invoice is not None:
        start = max(start, first_invoice - dt.timedelta(days=1))
    return start


def credit_measures(
    entries: Iterable[LedgerEntry],
    *,
    as_of: dt.date,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> CreditMeasures:
    """DSO, overdue share and average days late of one account's entries up to `as_of`,
    all over the same period (see the module's note)."""
    kept = [entry for entry in entries if entry.entry_date <= as_of]
    if not OPENING_KINDS.isdisjoint({entry.kind for entry in kept}):
        # Each opening balance as what it adds to the entries before it (analytics/
        # opening_balances.py): what is owed is the books' balance whatever ledgers are
        # loaded. (Only then: scoring ledgers without one costs what it did.)
        kept = list(with_openings_counted(kept))
    invoices = [entry for entry in kept if entry.kind is EntryKind.INVOICE]
    # The period starts at the first amount owed: an opening balance owed (counted above)
    # before the first invoice is part of it, so its payment, late or not, is measured and
    # the DSO's days count from it (the opening balance is in the measures, not in `invoiced`).
    window_start = dso_window_start(
        (entry.entry_date for entry in kept if entry.kind in OWED_KINDS), as_of
    )
    window_days = (as_of - window_start).days
    in_window = [entry for entry in invoices if entry.entry_date > window_start]
    # At money's scale whatever the entries' (nothing owed is 0.00, as 12.50 is).
    invoiced = money(_exact_sum(entry.amount for entry in in_window))
    terms = dt.timedelta(days=payment_terms_days)
    weighted_terms = sum(
        float(entry.amount) * ((entry.due_date or entry.entry_date + terms) - entry.entry_date).days
        for entry in in_window
    )
    # Settling needs the whole history: an old payment may have paid an invoice of the period.
    settled, _credit = settle(kept, payment_terms_days=payment_terms_days)
    outstanding = money(_exact_sum(part.amount for part in settled if part.paid_on is None))

    counted = _ZERO
    overdue = _ZERO
    late_weighted = 0.0
    fallen_due = 0.0
    for part in settled:
        if part.paid_on is not None and part.invoiced_on <= window_start:
            continue  # paid, and invoiced before the period
        counted = _EXACT.add(counted, part.amount)
        if part.paid_on is None and part.due >= as_of:
            continue  # not due yet
        settled_on = as_of if part.paid_on is None else part.paid_on
        days_late = max((settled_on - part.due).days, 0)
        if days_late > 0:
            overdue = _EXACT.add(overdue, part.amount)
        weight = float(part.amount)
        late_weighted += weight * days_late
        fallen_due += weight

    dso: float | None = None
    if invoiced > 0:
        dso = float(outstanding / invoiced) * window_days
    elif outstanding == 0:
        dso = 0.0  # nothing invoiced and nothing owed: nothing is outstanding for any day
    return CreditMeasures(
        invoiced=invoiced,
        outstanding=outstanding,
        days_sales_outstanding=dso,
        overdue_share=float(overdue / counted) if counted > 0 else None,
        average_days_late=late_weighted / fallen_due if fallen_due > 0 else None,
        terms_days=weighted_terms / float(invoiced) if invoiced > 0 else None,
        window_days=window_days,
    )


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def credit_score(
    measures: CreditMeasures, *, payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS
) -> int:
    """0 (worst) to 100 (best): 100 less the weighted penalties of the three measures, with
    fixed weights so that a measure appearing or vanishing cannot reweigh the others."""
    overdue = _clip(measures.overdue_share or 0.0)
    lateness = _clip((measures.average_days_late or 0.0) / FULLY_LATE_DAYS)
    if measures.days_sales_outstanding is None:
        # Owed with nothing invoiced in the period: no sales to carry the debt, the worst.
        outstanding = 1.0 if measures.outstanding > 0 else 0.0
    else:
        terms = payment_terms_days if measures.terms_days is None else measures.terms_days
        beyond_terms = measures.days_sales_outstanding - terms
        outstanding = _clip(beyond_terms / FULL_DSO_DAYS_BEYOND_TERMS)
    penalty = OVERDUE_WEIGHT * overdue + LATENESS_WEIGHT * lateness + DSO_WEIGHT * outstanding
    return round(100 * (1 - penalty))


def credit_segment(score: int, policy: CreditPolicy) -> CreditSegment:
    if score >= policy.low_risk_from:
        return CreditSegment.LOW_RISK
    if score < policy.high_risk_below:
        return CreditSegment.HIGH_RISK
    return CreditSegment.MEDIUM_RISK


def assess_credit(
    entries: Iterable[LedgerEntry], *, as_of: dt.date, policy: CreditPolicy | None = None
) -> CreditAssessment:
    policy = policy or CreditPolicy()
    measures = credit_measures(entries, as_of=as_of, payment_terms_days=policy.payment_terms_days)
    score = credit_score(measures, payment_terms_days=policy.payment_terms_days)
    return CreditAssessment(measures=measures, score=score, segment=credit_segment(score, policy))

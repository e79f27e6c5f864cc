"""What the deck keeps of the API's answers: plain values, as the API gave them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from analytics.quarters import Quarter as QuarterOfYear

# The cohort rule's floor (analytics/cohort.py): a server may raise it, never lower it.
COHORT_FLOOR = 5


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    name: str
    unit: str
    description: str
    higher_is_better: bool


@dataclass(frozen=True, slots=True)
class MonthValue:
    value: Decimal
    formatted: str


@dataclass(frozen=True, slots=True)
class MetricHistory:
    """One metric of the account: its value in the deck's month, a year earlier, and each of
    the twelve months up to the deck's month (None where the account has no value)."""

    definition: MetricDefinition
    current: MonthValue
    year_earlier: MonthValue | None
    months: tuple[dt.date, ...]
    values: tuple[Decimal | None, ...]


class ComparisonStatus(StrEnum):
    COMPARED = "compared"
    # The cohort rule refused the sector figures (COHORT_TOO_SMALL).
    REFUSED = "refused"
    # The account is not in the month's frozen cohort (no sector, or no value when published).
    NOT_IN_COHORT = "not_in_cohort"
    # The month is not published (MONTH_NOT_PUBLISHED).
    NOT_PUBLISHED = "not_published"
    # The metric had no bounds when the month was published: no private release of its sector
    # figures, which only internal keys get (INTERNAL_ONLY).
    INTERNAL_ONLY = "internal_only"
    # The sector figures are given but no rank: their release predates the server keeping its
    # bounds, which cannot be told any more (RELEASE_BOUNDS_UNKNOWN).
    UNRANKED = "unranked"


@dataclass(frozen=True, slots=True)
class Comparison:
    definition: MetricDefinition
    status: ComparisonStatus
    customer_value: float | None = None
    sector_p50: float | None = None
    sector_p90: float | None = None
    customer_percentile: int | None = None
    insight: str | None = None
    # EXACT or DIFFERENTIALLY_PRIVATE, as the API says; None when refused.
    figure_kind: str | None = None
    # False when the sector's private figures are too imprecise to place the customer's value
    # (their stated 95% error is wider than a quarter of the cohort).
    informative: bool = True


@dataclass(frozen=True, slots=True)
class Quarter:
    quarter: str
    orders: int
    revenue: Decimal
    profit: Decimal | None
    frequency_segment: str
    monetary_segment: str
    monetary_is_profit: bool | None  # None: not told to the key (an account key)

    @property
    def not_compared(self) -> bool:
        """Too few of the app's customers bought in the quarter for the key to get segments."""
        return "NOT_COMPARED" in (self.frequency_segment, self.monetary_segment)


@dataclass(frozen=True, slots=True)
class SalesProfile:
    first_purchase: dt.date
    last_purchase: dt.date
    is_recent: bool
    days_since_last_purchase: int
    # The day the days, and a quarter's recency, count to: the app's latest sale, or today for
    # an account key (which is told no date of another customer's). A quarter that ends after
    # it is not over in the data: its figures are so far.
    recency_as_of: dt.date
    # The quarters that began by the end of the deck's month, oldest first.
    quarters: tuple[Quarter, ...]
    # Quarters with orders that began after the deck's month: not shown.
    later_quarters: int = 0
    # The day up to which the app's sales are known (the API's salesKnownTo): the end of the
    # period a sales export's title states when later than recency_as_of; None: recency_as_of.
    sales_known_to: dt.date | None = None

    @property
    def known_to(self) -> dt.date:
        return self.recency_as_of if self.sales_known_to is None else self.sales_known_to

    def is_partial(self, quarter: Quarter) -> bool:
        """Whether `quarter` had not ended on the day the app's sales are known to (as the
        dashboard marks it "so far"): a sales file titled `1-Apr-24 to 30-Jun-24` makes its
        quarter whole, though its last sale was on 3 June."""
        return QuarterOfYear.parse(quarter.quarter).last_day > self.known_to


@dataclass(frozen=True, slots=True)
class CreditRisk:
    score: int
    segment: str
    days_sales_outstanding: float | None
    overdue_share: float | None
    average_days_late: float | None
    as_of: dt.date
    invoiced: Decimal
    outstanding: Decimal


class MonthSource(StrEnum):
    """Which of the account's data gave the deck its month, when the month asked for (the
    last full month, by default) had none of it: the latest month of each is compared."""

    METRICS = "metrics"
    SALES = "sales"
    LEDGER = "ledger"


@dataclass(frozen=True, slots=True)
class MonthChosen:
    """The deck's month, chosen as the latest month of the account's data (`source`) because
    `instead_of` had no metrics, sales or ledger entries of the account."""

    source: MonthSource
    instead_of: dt.date


@dataclass(frozen=True, slots=True)
class DeckData:
    account_id: str
    name: str
    app: str
    sector_name: str | None
    month: dt.date
    locale: str
    metrics: tuple[MetricHistory, ...]
    comparisons: tuple[Comparison, ...]
    sales: SalesProfile | None
    # As it stood at the end of the month: None when the ledger has nothing up to then.
    credit: CreditRisk | None
    # The cohort minimum the server applied to the month (its pulse report), when published.
    min_cohort: int | None
    source: str
    built_on: dt.date
    # The account has ledger entries, all after the deck's month.
    ledger_begins_later: bool = False
    # Read as an internal key (`slides --internal`).
    internal: bool = False
    # Read with the account's own key, as the API says (Query.viewer): what the customer is
    # told. False when the API does not say.
    own_key: bool = False
    # Set when the month was not the one asked for, but the latest its data covers.
    month_chosen: MonthChosen | None = None

    @property
    def not_for_the_customer(self) -> bool:
        """Whether the deck may show what the customer's own key is not told: read with any
        other key (an internal key, even one whose sector figures were all refused; an app key,
        which gets segments of quarters too small for the customer's key and recency counted
        to other customers' sales), or holding exact sector figures (derived from other
        customers' exact values)."""
        return (
            self.internal
            or not self.own_key
            or any(c.figure_kind == "EXACT" for c in self.comparisons)
        )

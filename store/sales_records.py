"""Read records of sales analytics: what the batched reads return and GraphQL types read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from analytics.credit import CreditSegment
from analytics.segment_flows import SegmentFlows
from analytics.segments import Segment
from analytics.value_credit import ValueCreditCell


class QuarterSegmentStatus(StrEnum):
    """Whether a quarter of an account's sales profile carries its segments for the key."""

    SEGMENTED = "segmented"
    # Too few of the app's accounts bought in the quarter for a key that does not own the app.
    TOO_FEW_CUSTOMERS = "too_few_customers"


class QuarterSegmentRecord(NamedTuple):
    quarter: str
    orders: int
    revenue: Decimal
    profit: Decimal | None
    frequency_segment: Segment
    monetary_segment: Segment
    # None with the segments withheld (NOT_COMPARED).
    frequency_cluster: int | None
    monetary_cluster: int | None
    recency_days: int
    # Whether every account of the quarter had a profit (so monetary segments rank profit): a
    # fact about each of the others; None for a key that does not see them all.
    monetary_is_profit: bool | None
    segment_status: QuarterSegmentStatus = QuarterSegmentStatus.SEGMENTED

    def withheld(self) -> QuarterSegmentRecord:
        """The quarter without anything that orders the account against the others."""
        return self._replace(
            frequency_segment=Segment.NOT_COMPARED,
            monetary_segment=Segment.NOT_COMPARED,
            frequency_cluster=None,
            monetary_cluster=None,
            segment_status=QuarterSegmentStatus.TOO_FEW_CUSTOMERS,
        )

    def without_others(self) -> QuarterSegmentRecord:
        """The quarter without what it says of every other account of the quarter: whether all
        of them had a profit (true tells each of them had one, however many they are)."""
        return self._replace(monetary_is_profit=None)


class SalesProfileRecord(NamedTuple):
    first_purchase: dt.date
    last_purchase: dt.date
    is_recent: bool
    days_since_purchase: int
    # Oldest first.
    quarters: list[QuarterSegmentRecord]
    # The account's app: whose sales exports' stated periods say how far its sales are known.
    app_id: str = ""


class LedgerCoverageRecord(NamedTuple):
    """The days an account's own ledger entries span (not its app's)."""

    first_entry: dt.date
    last_entry: dt.date


class CreditRiskDay(StrEnum):
    """Which rule chose the day a credit risk is measured on (its `as_of`): the figures of an
    account differ between keys only by it, so every answer says which."""

    # The app's latest ledger date: app and internal keys' default, as the segment job stores.
    LATEST_LEDGER_DATE = "latest_ledger_date"
    # The end of the period its latest ledger export states: an account key's default.
    LEDGER_PERIOD_END = "ledger_period_end"
    # Today (or its latest entry, if dated later): an account key's default without a period.
    TODAY = "today"
    # The day `creditRisk(asOf:)` asked for, within what the key may measure.
    ASKED = "asked"


class RecencyDay(StrEnum):
    """Which day a sales profile's recency counts to (its `recencyAsOf`)."""

    # The app's latest sale: app and internal keys.
    LATEST_SALE = "latest_sale"
    # Today: an account key, which must not learn when another account last bought.
    TODAY = "today"


class CreditRiskRecord(NamedTuple):
    score: int
    segment: CreditSegment
    days_sales_outstanding: float | None
    overdue_share: float | None
    average_days_late: float | None
    as_of: dt.date
    invoiced: Decimal
    outstanding: Decimal
    as_of_rule: CreditRiskDay = CreditRiskDay.LATEST_LEDGER_DATE


class SegmentMeasure(StrEnum):
    FREQUENCY = "frequency"
    MONETARY = "monetary"


@dataclass(frozen=True, slots=True)
class SegmentFlowsRecord(SegmentFlows):
    """The flows of one measure with what names them, so that the accounts behind the counts
    are read only when a query asks for them."""

    app: str
    quarter: str
    measure: SegmentMeasure

    @classmethod
    def of(
        cls, flows: SegmentFlows, *, app: str, quarter: str, measure: SegmentMeasure
    ) -> SegmentFlowsRecord:
        return cls(
            flows.counts,
            flows.previous_counts,
            flows.transitions,
            flows.entered,
            flows.lapsed,
            app=app,
            quarter=quarter,
            measure=measure,
        )


class SegmentationStatus(StrEnum):
    """What a quarter's segmentation rests on: segments, no sales at all, or sales that the
    segment job has not turned into segments yet."""

    SEGMENTED = "segmented"
    NO_SALES = "no_sales"
    NOT_SEGMENTED = "not_segmented"


class SegmentationRecord(NamedTuple):
    app: str
    quarter: str
    # None for the first quarter a label names (0001-Q1): the one before has no label.
    previous_quarter: str | None
    frequency: SegmentFlowsRecord
    monetary: SegmentFlowsRecord
    status: SegmentationStatus


class QuarterKey(NamedTuple):
    app: str
    # 'YYYY-Qn'.
    quarter: str


class QuarterMember(NamedTuple):
    """An account's segments in one quarter."""

    account_id: str
    frequency_segment: Segment
    monetary_segment: Segment


class QuarterChanges(NamedTuple):
    """Who entered an app's quarter (orders in it, none in the previous one), with their
    segments in it, and who lapsed (the reverse), with their segments in the previous one;
    both by account id."""

    entered: list[QuarterMember]
    lapsed: list[QuarterMember]


class SegmentMemberRecord(NamedTuple):
    account_id: str
    segment: Segment


class ValueCreditRecord(NamedTuple):
    """The value x credit-risk matrix of an app's quarter."""

    cells: list[ValueCreditCell]
    # Accounts with orders in the quarter but no ledger entry up to as_of.
    without_credit_risk: int
    # The quarter's last day, or the app's latest ledger date when earlier; None when the
    # app has no ledger entries.
    as_of: dt.date | None

"""Read records of sales analytics: what the batched reads return and GraphQL types read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from analytics.credit import CreditSegment
from analytics.segment_flows import SegmentFlows
from analytics.segments import Segment


class QuarterSegmentRecord(NamedTuple):
    quarter: str
    orders: int
    revenue: Decimal
    profit: Decimal | None
    frequency_segment: Segment
    monetary_segment: Segment
    frequency_cluster: int
    monetary_cluster: int
    recency_days: int
    monetary_is_profit: bool


class SalesProfileRecord(NamedTuple):
    first_purchase: dt.date
    last_purchase: dt.date
    is_recent: bool
    days_since_purchase: int
    # Oldest first.
    quarters: list[QuarterSegmentRecord]


class CreditRiskRecord(NamedTuple):
    score: int
    segment: CreditSegment
    days_sales_outstanding: float | None
    overdue_share: float | None
    average_days_late: float | None
    as_of: dt.date
    invoiced: Decimal
    outstanding: Decimal


class SegmentationRecord(NamedTuple):
    app: str
    quarter: str
    previous_quarter: str
    frequency: SegmentFlows
    monetary: SegmentFlows

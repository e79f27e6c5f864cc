"""The GraphQL types of sales analytics of one account: sales profiles, quarter segments and
credit risk (the segmentation of an app's customer base is in schema/segmentation_types.py).

Fields are plain attributes read straight off the store's records (store.sales_records),
which resolvers return without copying them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from resolvers import account_view
from resolvers.context import RequestContext
from schema.enums import CreditRiskDay, CreditSegment, QuarterSegmentStatus, RecencyDay, Segment
from schema.limits import field_cost, typical
from store.scope import Role

# The enums of analytics are the GraphQL enums (registered in place by schema.enums), so
# records carry members that serialize without a mapping.


@strawberry.type(
    description="One account's activity in one calendar quarter, with its RFM clusters and "
    "segments (for an account key, only in quarters in which, besides its own account, at "
    "least the cohort minimum of the app's accounts bought: see segmentStatus)."
)
class QuarterSegment:
    quarter: str = strawberry.field(description="Calendar quarter, 'YYYY-Qn', e.g. '1997-Q1'.")
    orders: int = strawberry.field(
        description="Distinct invoice numbers when the file has them, otherwise rows."
    )
    revenue: Decimal = strawberry.field(description="Sum of the quarter's amounts, exact.")
    profit: Decimal | None = strawberry.field(
        description="Sum of the quarter's profits; null unless every sale of the quarter had a "
        "profit or a cost."
    )
    frequency_segment: Segment = strawberry.field(
        description="Segment of the account's orders among the app's accounts in the quarter; "
        "NOT_COMPARED when too few customers bought in it for this key (segmentStatus)."
    )
    monetary_segment: Segment = strawberry.field(
        description="Segment of the account's monetary value (profit when every account of "
        "the app had one in the quarter, else revenue) among the app's accounts; NOT_COMPARED "
        "when too few customers bought in it for this key (segmentStatus)."
    )
    frequency_cluster: int | None = strawberry.field(
        description="Rank of the account's orders cluster in the quarter, 0 for the lowest "
        "centroid; null when too few customers bought in it for this key (segmentStatus)."
    )
    monetary_cluster: int | None = strawberry.field(
        description="Rank of the account's monetary cluster in the quarter, 0 for the lowest "
        "centroid; null when too few customers bought in it for this key (segmentStatus)."
    )
    segment_status: QuarterSegmentStatus = strawberry.field(
        description="Whether this key gets the quarter's segments and clusters: an account key "
        "gets them only when, besides its own account, at least the cohort minimum (5) of the "
        "app's accounts bought in the quarter (TOO_FEW_CUSTOMERS otherwise), as for sector "
        "figures; app and internal keys always do."
    )
    recency_days: int = strawberry.field(
        description="Days from the account's last purchase in the quarter to the quarter's end, "
        "or, for a quarter the app's sales do not reach the end of, to the app's latest sale "
        "(for an account key, which sees only dates of its own data: to today, if earlier than "
        "the quarter's end; as daysSinceLastPurchase)."
    )
    monetary_is_profit: bool | None = strawberry.field(
        description="Whether monetarySegment ranks profit (true: every account of the app that "
        "bought in the quarter had one) or revenue (false); null for a key that does not see "
        "every account of the app (an account key), since true would tell it that each of the "
        "others had a profit."
    )


@strawberry.type(
    description="An account's purchase history from the ingested sales, quarter by quarter."
)
class SalesProfile:
    first_purchase: dt.date = strawberry.field(description="Date of the account's first sale.")
    last_purchase: dt.date = strawberry.field(description="Date of the account's latest sale.")
    is_recent: bool = strawberry.field(
        description="Purchased within the recency window (one quarter by default) before the "
        "latest sale ingested for the app (for an account key: before today)."
    )
    quarters: list[QuarterSegment] = strawberry.field(
        description="Only quarters with at least one order, oldest first.",
        metadata=field_cost(typical("quarters_per_account", floor=8)),
    )
    days_since_purchase: int = strawberry.field(
        name="daysSinceLastPurchase",
        description=(
            "Days from the last purchase to the latest sale ingested for the app (for an "
            "account key, which sees only dates of its own data: to today)."
        ),
    )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The day daysSinceLastPurchase and isRecent count to: the latest sale "
        "ingested for the app (for an account key: today), so that a client can say which."
    )
    def recency_as_of(self) -> dt.date:
        return self.last_purchase + dt.timedelta(days=self.days_since_purchase)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Which day recencyAsOf is: the app's latest sale (app and internal keys) or "
        "today (an account key, which must not learn when another account last bought). The "
        "same account's daysSinceLastPurchase differs between keys by that day only."
    )
    def recency_as_of_rule(self, info: strawberry.Info[RequestContext, None]) -> RecencyDay:
        if info.context.scope.role is Role.ACCOUNT:
            return RecencyDay.TODAY
        return RecencyDay.LATEST_SALE

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The day up to which the app's sales are known: the end of the latest "
        "period a title of its sales exports states (`1-Apr-24 to 30-Jun-24`), not after "
        "today, when later than recencyAsOf, else recencyAsOf (for an account key: today). A "
        "quarter that ends after it is not over in the data: its orders and revenue are so far "
        "(the dashboard and the ROI deck mark it); one that ends by it is whole, though its "
        "last sale was earlier."
    )
    async def sales_known_to(self, info: strawberry.Info[RequestContext, None]) -> dt.date:
        # `self` is the store's record (store.sales_records), not this class.
        return await account_view.sales_known_to(info.context, self)  # type: ignore[arg-type]


@strawberry.type(
    description="The days the account's own ledger entries span: unlike CreditRisk.asOf "
    "(its app's latest ledger date for an app or internal key), "
    "they say which months the account's ledger covers."
)
class LedgerCoverage:
    first_entry: dt.date = strawberry.field(description="The date of its first ledger entry.")
    last_entry: dt.date = strawberry.field(description="The date of its last ledger entry.")


@strawberry.type(
    description="Measured on the latest ledger date of the account's app (asOf; for an account "
    "key, which must not learn another account's entry dates, on the end of the period its "
    "latest ledger export states, else today, its unpaid invoices late up to it), or on the "
    "day that Account.creditRisk(asOf:) asks for (not after today), from the entries up to it: "
    "every key gets the same figures of the same day (asOfRule says why a day). Payments "
    "settle the invoice they name, else the oldest open invoices; an invoice without a due "
    "date is due 30 days after it (configurable). The score is 100 less weighted penalties: "
    "overdueShare (0.4), averageDaysLate (0.3, full at 60 days) and daysSalesOutstanding (0.3, "
    "from the payment terms to 90 days beyond them)."
)
class CreditRisk:
    score: int = strawberry.field(description="0 (worst) to 100 (best).")
    segment: CreditSegment = strawberry.field(description="The score's risk band.")
    days_sales_outstanding: float | None = strawberry.field(
        description="What is owed on asOf over what was invoiced in the year up to asOf (from "
        "the first invoice or opening balance owed, if later), times the days of that period; "
        "0 when nothing is owed, "
        "null when something is owed but nothing was invoiced in the period. Every measure "
        "looks at the same period: its invoices, and older ones still owed."
    )
    overdue_share: float | None = strawberry.field(
        description="Share of the amount invoiced in the DSO's period, or still owed from "
        "before it, not paid by its due date (paid late, or unpaid past it), 0 to 1; null "
        "when there is none."
    )
    average_days_late: float | None = strawberry.field(
        description="Days past the due date of every amount of those invoices paid or "
        "overdue, weighted by amount (0 when paid on time); null when nothing has fallen due."
    )
    as_of: dt.date = strawberry.field(
        description="The date the measures describe: show it wherever the risk is shown (for "
        "an account key the end of its ledger export's period or today, for other keys the "
        "app's latest ledger date; asOfRule says which). Every key measuring the same "
        "account on the same day gets the same figures."
    )
    as_of_rule: CreditRiskDay = strawberry.field(
        description="Which rule chose asOf: the app's latest ledger date, the end of the "
        "period of the account's latest ledger export, today, or the day asked."
    )
    invoiced: Decimal = strawberry.field(
        description="What was invoiced in the DSO's period (the year up to asOf, from the "
        "first invoice if later): outstanding over it, times the period's days, is the DSO."
    )
    outstanding: Decimal = strawberry.field(description="What is still owed on asOf.")

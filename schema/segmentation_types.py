"""The GraphQL types of the segmentation of an app's customer base in a quarter: accounts per
segment, the moves since the previous quarter, who entered and who lapsed, and the value x
credit-risk matrix.

Counts are plain attributes read straight off the store's records (store.sales_records); the
lists of accounts and the matrix are read only when a query asks for them (DataLoaders)."""

from __future__ import annotations

import datetime as dt

import strawberry
from graphql import GraphQLError

from resolvers import segmentation as segmentation_resolvers
from schema.enums import CreditSegment, Segment, SegmentationStatus
from schema.limits import field_cost, fixed, typical
from schema.types import Account, Info
from store.sales_records import SegmentMeasure

# 4 monetary segments x 3 credit segments.
VALUE_CREDIT_CELLS = 12

CREDIT_AS_OF = (
    "Each account's credit risk is measured on creditRiskAsOf (the quarter's last day, or "
    "the app's latest ledger date when that is earlier) from its ledger entries up to that "
    "date, by the method and settings of Account.creditRisk: a past quarter shows the credit "
    "risks its accounts had then, and from the quarter of the app's latest ledger date on it shows "
    "the same credit segments as Account.creditRisk."
)


@strawberry.type(description="How many accounts are in one segment.")
class SegmentCount:
    segment: Segment = strawberry.field(description="The segment counted.")
    accounts: int = strawberry.field(description="Accounts in it; 0 when none.")


@strawberry.type(
    description="How many accounts were in segment `from` in the previous quarter and are in "
    "segment `to` in this one."
)
class SegmentTransition:
    from_segment: Segment = strawberry.field(
        name="from", description="The accounts' segment in the previous quarter."
    )
    to_segment: Segment = strawberry.field(
        name="to", description="The accounts' segment in this quarter."
    )
    accounts: int = strawberry.field(description="Accounts that moved so; 0 when none.")


@strawberry.type(description="An account and its segment of one measure in one quarter.")
class SegmentMember:
    segment: Segment = strawberry.field(
        description="The account's segment (of the measure of the flows that list it)."
    )
    account_id: strawberry.Private[str]

    @strawberry.field(description="The account.")  # type: ignore[untyped-decorator]
    async def account(self, info: Info) -> Account:
        record = await info.context.loaders.account_by_id.load(self.account_id)
        if record is None:  # the list is read under the same scope: unreachable
            raise GraphQLError(f"Account {self.account_id!r} does not exist")
        return Account.from_record(record)


@strawberry.type(
    description="Accounts per segment of one measure (orders, or monetary value) in a quarter "
    "and the previous one, and how they moved between the two. Every list of counts has an "
    "entry for every segment (or pair of segments), zeros included, HIGH_VALUE first."
)
class SegmentFlows:
    accounts: int = strawberry.field(description="Accounts with orders in the quarter.")
    previous_accounts: int = strawberry.field(
        description="Accounts with orders in the previous quarter."
    )
    counts: list[SegmentCount] = strawberry.field(
        description="Accounts with orders in the quarter, by segment."
    )
    previous_counts: list[SegmentCount] = strawberry.field(
        description="Accounts with orders in the previous quarter, by their segment then."
    )
    transitions: list[SegmentTransition] = strawberry.field(
        description="Accounts with orders in both quarters, by their segment in the previous "
        "quarter (from) and in this one (to): 16 entries, the diagonal is those that stayed."
    )
    entered: list[SegmentCount] = strawberry.field(
        description="Accounts with orders in the quarter but none in the previous one, by segment."
    )
    lapsed: list[SegmentCount] = strawberry.field(
        description="Accounts with orders in the previous quarter but none in this one, by "
        "their segment then."
    )
    app: strawberry.Private[str]
    quarter: strawberry.Private[str]
    measure: strawberry.Private[SegmentMeasure]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The accounts counted in `entered` (orders in the quarter, none in the "
        "previous one), each with its segment in the quarter, ordered by accountId.",
        metadata=field_cost(typical("accounts_per_quarter", floor=50)),
    )
    async def entered_accounts(self, info: Info) -> list[SegmentMember]:
        # SegmentMemberRecord has SegmentMember's attributes: it goes out without a copy.
        return await segmentation_resolvers.segment_members(  # type: ignore[return-value]
            info.context, app=self.app, quarter=self.quarter, measure=self.measure, entered=True
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The accounts counted in `lapsed` (orders in the previous quarter, none in "
        "this one), each with its segment in the previous quarter, ordered by accountId.",
        metadata=field_cost(typical("accounts_per_quarter", floor=50)),
    )
    async def lapsed_accounts(self, info: Info) -> list[SegmentMember]:
        return await segmentation_resolvers.segment_members(  # type: ignore[return-value]
            info.context, app=self.app, quarter=self.quarter, measure=self.measure, entered=False
        )


@strawberry.type(
    description="How many accounts with orders in the quarter are in one monetary segment "
    "and one credit segment. " + CREDIT_AS_OF
)
class ValueCreditCell:
    monetary_segment: Segment = strawberry.field(
        description="The accounts' monetary segment in the quarter (as Segmentation.monetary)."
    )
    credit_segment: CreditSegment = strawberry.field(
        description="The accounts' credit segment as of creditRiskAsOf."
    )
    accounts: int = strawberry.field(description="Accounts in both segments; 0 when none.")


@strawberry.type(
    description="The customer base of one app in one calendar quarter: accounts per segment, "
    "how many moved between segments since the previous quarter, who entered and who lapsed, "
    "and how monetary value meets credit risk."
)
class Segmentation:
    app: str = strawberry.field(description="The app (tenant) whose accounts are segmented.")
    quarter: str = strawberry.field(description="The quarter, 'YYYY-Qn'.")
    previous_quarter: str | None = strawberry.field(
        description="The quarter before it, 'YYYY-Qn'; null for 0001-Q1, the first quarter "
        "there is (the quarter argument takes none before it)."
    )
    frequency: SegmentFlows = strawberry.field(description="Segments of orders.")
    monetary: SegmentFlows = strawberry.field(description="Segments of monetary value.")
    status: SegmentationStatus = strawberry.field(
        description="Whether the quarter's counts are segments (SEGMENTED), or why they are 0: "
        "no sale in the quarter (NO_SALES), or sales the segment job has not segmented yet "
        "(NOT_SEGMENTED)."
    )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The accounts with orders in the quarter and a credit risk, by monetary "
        "segment and credit segment: 12 cells, zeros included, HIGH_VALUE first, then "
        "LOW_RISK first within each monetary segment. " + CREDIT_AS_OF + " Accounts without "
        "a ledger entry up to that date have no credit risk: they are left out of the cells "
        "and counted in accountsWithoutCreditRisk, so the cells and it add up to "
        "monetary.accounts.",
        metadata=field_cost(fixed(VALUE_CREDIT_CELLS)),
    )
    async def value_by_credit_risk(self, info: Info) -> list[ValueCreditCell]:
        found = await segmentation_resolvers.value_by_credit_risk(
            info.context, app=self.app, quarter=self.quarter
        )
        # ValueCreditCell records have the type's attributes: they go out without a copy.
        return found.cells  # type: ignore[return-value]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Accounts with orders in the quarter but no ledger entry up to "
        "creditRiskAsOf (or none at all): not in valueByCreditRisk."
    )
    async def accounts_without_credit_risk(self, info: Info) -> int:
        found = await segmentation_resolvers.value_by_credit_risk(
            info.context, app=self.app, quarter=self.quarter
        )
        return found.without_credit_risk

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The date valueByCreditRisk measures credit risks on: the quarter's last "
        "day, or the app's latest ledger date when that is earlier; null when the app has no "
        "ledger entries."
    )
    async def credit_risk_as_of(self, info: Info) -> dt.date | None:
        found = await segmentation_resolvers.value_by_credit_risk(
            info.context, app=self.app, quarter=self.quarter
        )
        return found.as_of

"""`Query.segmentation`: the arguments checked, then one read; the accounts behind its counts
and its value x credit-risk matrix are read only when a query asks for them, once per quarter
whatever the number of fields that ask (DataLoaders).

An app the request's key may not see is NOT_FOUND, exactly like an app that does not exist. An
account key is told why instead: `apps` lists its account's app, so "no app" would contradict
it, and the same sentence for every app tells nothing of which exist."""

from __future__ import annotations

from analytics.quarters import BadQuarter, Quarter
from resolvers.context import RequestContext
from resolvers.error_codes import ErrorCode
from resolvers.errors import UserError, bad_input, not_found
from store.sales_records import (
    QuarterKey,
    SegmentationRecord,
    SegmentMeasure,
    SegmentMemberRecord,
    ValueCreditRecord,
)
from store.scope import Role

ACCOUNT_KEY_REFUSAL = (
    "Segments of the whole app need an internal key or the app's own key: "
    "an account key sees its own account only"
)


def check_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except BadQuarter as exc:
        raise bad_input(f"quarter {exc}") from None


async def segmentation(context: RequestContext, *, quarter: str, app: str) -> SegmentationRecord:
    chosen = check_quarter(quarter)
    if context.scope.role is Role.ACCOUNT:
        raise UserError(ACCOUNT_KEY_REFUSAL, code=ErrorCode.NOT_FOUND)
    if not context.scope.sees_app(app):
        raise not_found("app", app)
    found = await context.loaders.segmentation_by_quarter.load(QuarterKey(app, chosen.label))
    if found is None:
        raise not_found("app", app)
    return found


async def segment_members(
    context: RequestContext, *, app: str, quarter: str, measure: SegmentMeasure, entered: bool
) -> list[SegmentMemberRecord]:
    """The accounts that entered the quarter, with their segment of `measure` in it, or (not
    `entered`) those that lapsed, with their segment in the previous quarter; by account id.
    Only for a segmentation already answered: its app is one the request's key sees."""
    changes = await context.loaders.changes_by_quarter.load(QuarterKey(app, quarter))
    frequency = measure is SegmentMeasure.FREQUENCY
    return [
        SegmentMemberRecord(
            member.account_id, member.frequency_segment if frequency else member.monetary_segment
        )
        for member in (changes.entered if entered else changes.lapsed)
    ]


async def value_by_credit_risk(
    context: RequestContext, *, app: str, quarter: str
) -> ValueCreditRecord:
    """The quarter's value x credit-risk matrix, scored once per request."""
    return await context.loaders.value_credit_by_quarter.load(QuarterKey(app, quarter))

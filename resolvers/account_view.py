"""What an account key sees of its own sales and credit: only dates of its own data, or public.

A sales profile counts the days since the last purchase up to the app's latest sale, so does
the recency of a quarter the app's sales do not reach the end of, and a credit risk is measured
on the app's latest ledger date: each tells an account key when another account of its app last
bought or was invoiced. For an account key, the profile and such a quarter count up to today
instead. Its credit risk is measured, from its own entries by the same method and settings as
the segment job, on the end of the period of the latest ledger export with its entries (`1-Apr-25
to 30-Sep-25`: a fact about the export, not another account's entry date), its unpaid invoices
late up to that day; without such a period (or with entries of its own after it, from an export
without one), on today, which is public. Measured on its own latest entry instead, an unpaid last
invoice never fell due and a debt long overdue aged no further: the customer saw a stale, rosier
risk for as long as nothing new was loaded. Nothing an account key gets depends on another
account's entries.

So the same account's figures differ between keys by the day they are measured on only, and
every answer says which day and why (`CreditRiskDay`, `RecencyDay`). A credit risk asked as of
a day is measured on that day from the entries up to it, its unpaid invoices late up to it:
any key asking the day another key's answer is as of gets that key's figures (the staff on
the phone with a customer see the customer's), by the same method and settings. An app or
internal key may ask any day up to today; by default it gets the app's latest ledger date,
after which nothing is known of payments (a later day counts late invoices that may well have
been paid: only asked for, and said so). An account key never measures past its own default
day, which the app's dates would otherwise show through."""

from __future__ import annotations

import datetime as dt

from analytics.credit import assess_credit
from analytics.quarters import Quarter
from analytics.rfm import is_recent
from resolvers.context import RequestContext
from resolvers.segment_cohort import quarters_for_key
from settings import SegmentOptions
from store.sales_records import (
    CreditRiskDay,
    CreditRiskRecord,
    QuarterSegmentRecord,
    SalesProfileRecord,
)
from store.scope import Role


async def _segment_options(context: RequestContext, account_id: str) -> SegmentOptions:
    """The settings the segment job measures the account's app with (its kept options)."""
    account = await context.loaders.account_by_id.load(account_id)
    if account is None:
        return context.settings.segment
    return await context.loaders.segment_options_by_app.load(account.app)


async def sales_profile(context: RequestContext, account_id: str) -> SalesProfileRecord | None:
    record = await context.loaders.sales_profile_by_account.load(account_id)
    if record is None or context.scope.role is not Role.ACCOUNT:
        return record
    # An account key does not own its app: segments of quarters with too few customers are
    # withheld (app and internal keys, the only others that read profiles, own theirs).
    record = await quarters_for_key(context, record, app=context.scope.app_id)
    today = max(context.today, record.last_purchase)
    # The app's latest sale, which the segment job measured to: used here, never told.
    app_latest_sale = record.last_purchase + dt.timedelta(days=record.days_since_purchase)
    options = await _segment_options(context, account_id)
    return SalesProfileRecord(
        record.first_purchase,
        record.last_purchase,
        is_recent(record.last_purchase, latest_sale=today, quarters=options.recent_quarters),
        (today - record.last_purchase).days,
        [_recency_to(quarter, app_latest_sale, today) for quarter in record.quarters],
    )


async def sales_known_to(context: RequestContext, record: SalesProfileRecord) -> dt.date:
    """The day up to which the profile's app's sales are known: the end of the latest period
    its sales exports' titles stated (`1-Apr-24 to 30-Jun-24`) when that is after its latest
    sale, so that a quarter ending by it is over in the data though its last sale was on 3
    June; not after today (a title's period still under way is known up to today only). For
    an account key, today, as its recency (no date of another customer's)."""
    counted_to = record.last_purchase + dt.timedelta(days=record.days_since_purchase)
    if context.scope.role is Role.ACCOUNT or not record.app_id:
        return counted_to
    period_end = await context.loaders.sales_period_end_by_app.load(record.app_id)
    if period_end is None:
        return counted_to
    return max(counted_to, min(period_end, context.today))


def _recency_to(
    quarter: QuarterSegmentRecord, app_latest_sale: dt.date, today: dt.date
) -> QuarterSegmentRecord:
    """The quarter's recency counted to its end or to `today`, whichever comes first, where the
    segment job counted to its end or to the app's latest sale."""
    end = Quarter.parse(quarter.quarter).last_day
    last_purchase = min(end, app_latest_sale) - dt.timedelta(days=quarter.recency_days)
    return quarter._replace(recency_days=(min(end, today) - last_purchase).days)


async def _own_reference_day(
    context: RequestContext, account_id: str, latest: dt.date
) -> tuple[dt.date, CreditRiskDay]:
    """The day an account key's credit risk is measured on, and its rule: the end of the
    latest period a ledger export with its entries stated (not after today: an export of a
    period still under way knows payments only up to the day it was made, at most today), if
    no entry of its own is later; else today (or its latest entry, if dated after today)."""
    today = max(context.today, latest)
    period_end = await context.loaders.ledger_period_end_by_account.load(account_id)
    if period_end is None or period_end < latest or period_end > today:
        return today, CreditRiskDay.TODAY
    return period_end, CreditRiskDay.LEDGER_PERIOD_END


async def credit_risk(
    context: RequestContext, account_id: str, *, as_of: dt.date | None = None
) -> CreditRiskRecord | None:
    record = await context.loaders.credit_risk_by_account.load(account_id)
    if record is None:
        return None
    own_dates_only = context.scope.role is Role.ACCOUNT
    # An app or internal key may ask any day up to today (or the app's latest ledger date).
    asked = None if as_of is None else min(as_of, max(context.today, record.as_of))
    if not own_dates_only and (asked is None or asked == record.as_of):
        return record  # measured by the segment job on the app's latest ledger date
    entries = await context.loaders.ledger_by_account.load(account_id)
    latest = max((entry.entry_date for entry in entries), default=None)
    if latest is None:
        return None
    if own_dates_only:
        day, rule = await _own_reference_day(context, account_id, latest)
        if as_of is not None and as_of < day:
            day, rule = as_of, CreditRiskDay.ASKED
    else:
        assert asked is not None
        day, rule = asked, CreditRiskDay.ASKED
    kept = [entry for entry in entries if entry.entry_date <= day]
    if not kept:
        return None
    options = await _segment_options(context, account_id)
    assessment = assess_credit(kept, as_of=day, policy=options.credit)
    measures = assessment.measures
    return CreditRiskRecord(
        assessment.score,
        assessment.segment,
        measures.days_sales_outstanding,
        measures.overdue_share,
        measures.average_days_late,
        day,
        measures.invoiced,
        measures.outstanding,
        rule,
    )

"""What an account key sees of its own sales and credit: only dates of its own data.

A sales profile counts the days since the last purchase up to the app's latest sale, and a
credit risk is measured on the app's latest ledger date: both tell an account key when another
account of its app last bought or was invoiced. For an account key, the profile counts up to
today instead, and the credit risk is measured on the account's own latest ledger entry, from
its own entries, by the same method and settings as the segment job."""

from __future__ import annotations

from analytics.credit import assess_credit
from analytics.rfm import is_recent
from resolvers.context import RequestContext
from store.sales_records import CreditRiskRecord, SalesProfileRecord
from store.scope import Role


async def sales_profile(context: RequestContext, account_id: str) -> SalesProfileRecord | None:
    record = await context.loaders.sales_profile_by_account.load(account_id)
    if record is None or context.scope.role is not Role.ACCOUNT:
        return record
    today = max(context.today, record.last_purchase)
    return SalesProfileRecord(
        record.first_purchase,
        record.last_purchase,
        is_recent(
            record.last_purchase,
            latest_sale=today,
            quarters=context.settings.segment.recent_quarters,
        ),
        (today - record.last_purchase).days,
        record.quarters,
    )


async def credit_risk(context: RequestContext, account_id: str) -> CreditRiskRecord | None:
    record = await context.loaders.credit_risk_by_account.load(account_id)
    if record is None or context.scope.role is not Role.ACCOUNT:
        return record
    entries = await context.loaders.ledger_by_account.load(account_id)
    if not entries:
        return None
    as_of = max(entry.entry_date for entry in entries)
    assessment = assess_credit(entries, as_of=as_of, policy=context.settings.segment.credit)
    measures = assessment.measures
    return CreditRiskRecord(
        assessment.score,
        assessment.segment,
        measures.days_sales_outstanding,
        measures.overdue_share,
        measures.average_days_late,
        as_of,
        measures.invoiced,
        measures.outstanding,
    )

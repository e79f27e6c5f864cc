"""The cohort rule for an account's quarter segments.

A quarter's segments and clusters are K-means ranks among the app's accounts that bought in
the quarter: with two such accounts, BELOW_AVERAGE tells the one that the other spent more. A
key that owns the app (internal, or that app's key) sees every one of those accounts already
and keeps them; any other key gets them only for a quarter whose other buyers, without the
profile's own account, still reach the cohort minimum (analytics.cohort, the rule benchmarks
follow too), and otherwise NOT_COMPARED, no clusters, and the status TOO_FEW_CUSTOMERS that
says why. The profile's account always counts as the key's own: it bought in each of its
quarters, and a key that reads its profile knows its orders and revenue, so with 4 others a
segment would rank it against 4 customers.

Whether a quarter's monetary segments rank profit is whether every account of the quarter had
a profit: true tells a key that each other buyer had one, in a quarter of any size. Only a key
that sees every buyer is told it; any other gets null."""

from __future__ import annotations

from analytics.cohort import is_publishable_to
from resolvers.context import RequestContext
from store.sales_records import SalesProfileRecord

# The profile's own account, one of the buyers of each of its quarters.
_OWN_ACCOUNTS = 1


async def quarters_for_key(
    context: RequestContext, record: SalesProfileRecord, *, app: str | None
) -> SalesProfileRecord:
    """`record`, an account's profile of `app`, with the segments of quarters too small for
    the request's key withheld (all of them when the app is not known)."""
    if app is not None and context.scope.sees_app(app):
        return record
    counts = {} if app is None else await context.loaders.segmented_accounts_by_app.load(app)
    minimum = context.settings.min_cohort
    quarters = [
        (
            quarter
            if is_publishable_to(
                counts.get(quarter.quarter, 0), own_accounts=_OWN_ACCOUNTS, minimum=minimum
            )
            else quarter.withheld()
        ).without_others()
        for quarter in record.quarters
    ]
    return record._replace(quarters=quarters)

"""`Query.segmentation`: the arguments checked, then one read.

An app the request's key may not see is NOT_FOUND, exactly like an app that does not exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.quarters import BadQuarter, Quarter
from resolvers.context import RequestContext
from resolvers.errors import bad_input, not_found
from store.reads import sales as sales_reads
from store.sales_records import SegmentationRecord


def check_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except BadQuarter as exc:
        raise bad_input(f"quarter {exc}") from None


async def segmentation(context: RequestContext, *, quarter: str, app: str) -> SegmentationRecord:
    chosen = check_quarter(quarter)
    if not context.scope.sees_app(app):
        raise not_found("app", app)

    async def read(connection: AsyncConnection) -> SegmentationRecord | None:
        if not await sales_reads.app_exists(connection, app=app):
            return None
        return await sales_reads.segmentation(connection, app=app, quarter=chosen)

    found = await context.reader.read(read)
    if found is None:
        raise not_found("app", app)
    return found

"""The apps (tenants) a scope sees, each with how many of its accounts the scope sees and the
span of their sales: one statement whatever the number of apps.

An internal key sees every app (an app without accounts too), an app key its own, an account
key its account's app (with that one account), a public key none."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.reads.entities import STATEMENTS_KEPT
from store.records import AppRecord
from store.scope import Scope, account_visible, app_visible
from store.tables import ACCOUNT_TABLE, APP_TABLE, SALES_PROFILE_TABLE

app = APP_TABLE.c
account = ACCOUNT_TABLE.c
profile = SALES_PROFILE_TABLE.c


@lru_cache(maxsize=STATEMENTS_KEPT)
def _apps(scope: Scope) -> Select[Any]:
    # The outer join keeps an app none of whose accounts the scope sees (an internal key's
    # new tenant), counted 0. An account has at most one sales profile, so joining them counts
    # each account once; the span is of the accounts the scope sees only.
    return (
        select(
            app.app_id,
            func.count(account.account_id),
            func.min(profile.first_purchase),
            func.max(profile.last_purchase),
        )
        .select_from(
            APP_TABLE.outerjoin(
                ACCOUNT_TABLE, and_(account.app_id == app.app_id, account_visible(scope))
            ).outerjoin(SALES_PROFILE_TABLE, profile.account_id == account.account_id)
        )
        .where(app_visible(scope))
        .group_by(app.app_id)
        .order_by(app.app_id)
    )


async def apps(connection: AsyncConnection, *, scope: Scope) -> list[AppRecord]:
    """The apps the scope sees, ordered by app id."""
    rows = await connection.execute(_apps(scope))
    return [
        AppRecord(app_id, int(count), first_sale, last_sale)
        for app_id, count, first_sale, last_sale in rows
    ]

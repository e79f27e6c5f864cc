"""The apps (tenants) of the store, as a key sees them: what a picker of apps needs."""

from __future__ import annotations

import datetime as dt

import strawberry

from store.records import AppRecord


@strawberry.type(
    description="An app (tenant): the accounts of one customer base. Its id is what the `app` "
    "arguments and Account.app name."
)
class App:
    app_id: str = strawberry.field(description="The app's id, exactly as ingested.")
    account_count: int = strawberry.field(
        description="How many of the app's accounts this key sees (1 for an account key: its "
        "own; 0 for an app with no accounts yet)."
    )
    first_sale: dt.date | None = strawberry.field(
        description="The first purchase of the accounts of this app that this key sees, as the "
        "segment job last derived it (`profiling segment`, run after each sales export); null "
        "when none of them has a sale. With lastSale, the quarters `segmentation` has data for."
    )
    last_sale: dt.date | None = strawberry.field(
        description="The last purchase of the accounts of this app that this key sees, as the "
        "segment job last derived it; null when none of them has a sale."
    )

    @classmethod
    def from_record(cls, record: AppRecord) -> App:
        return cls(
            app_id=record.app_id,
            account_count=record.account_count,
            first_sale=record.first_sale,
            last_sale=record.last_sale,
        )

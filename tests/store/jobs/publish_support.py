"""The month the publish tests beside loads publish: six retail accounts with a revenue each in
April 2023 (one cohort, publishable at the minimum of 5), published on 17 May."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Seed

APRIL = dt.date(2023, 4, 1)
TODAY = dt.date(2023, 5, 17)


async def seed_retail_april(engine: AsyncEngine, value: int = 0) -> None:
    """Accounts r0..r5 in retail, r<n>'s April revenue 10n + 5 (+ `value`); revenue's bounds
    0 and 1000."""
    seed = Seed()
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000"))
    seed.industry("retail")
    for n in range(6):
        seed.account(f"r{n}", industry="retail")
        seed.metric("account", f"r{n}", "revenue", "2023-04-01", str(10 * n + 5 + value))
    await seed.write(engine)

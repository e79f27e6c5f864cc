"""What the tests of the plain-driver reads share on both stores (test_driver_reads.py for
asyncpg, test_sqlite_reads.py for sqlite3): the data, the two readers compared, and the reads
every request makes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads import benchmarks as benchmark_reads
from store.reads import entities as reads
from store.reads.entities import AccountFilter, MetricFilter
from store.running.reader import Reader, reader_for
from store.scope import INTERNAL
from store.tables import Level
from tests.factories import Seed

MONTH = MetricFilter(names=None, months=(dt.date(2023, 3, 1),))

# The reads of a request, each bound to its arguments, whose answers both paths must agree on.
READS: list[Any] = [
    reads.metric_definitions,
    reads.all_industries,
    benchmark_reads.published_months,
    lambda c: reads.accounts_by_id(c, account_ids=["acc-0", "acc-2", "missing"], scope=INTERNAL),
    lambda c: reads.metrics_by_entity(
        c, level=Level.ACCOUNT, entity_ids=["acc-1", "acc-2"], metric_filter=MONTH
    ),
    lambda c: reads.account_page(
        c, account_filter=AccountFilter(), first=2, after=None, scope=INTERNAL
    ),
]


async def seed(engine: AsyncEngine) -> None:
    """Three accounts of one industry, each with two metrics in March 2023."""
    data = Seed()
    data.industry("retail")
    data.definition("revenue", "EUR")
    data.definition("tickets", "count")
    for n in range(3):
        data.account(f"acc-{n}", industry="retail")
        data.metric("account", f"acc-{n}", "revenue", "2023-03-01", f"{n}.25")
        data.metric("account", f"acc-{n}", "tickets", "2023-03-01", str(n))
    await data.write(engine)


def readers(engine: AsyncEngine) -> tuple[Reader, Reader]:
    """The plain-driver reader and the standard one (through SQLAlchemy), in that order."""
    return reader_for(engine), reader_for(engine, driver_reads=False)

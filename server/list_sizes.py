"""The sizes of the store's lists, measured for the query cost estimates (schema/limits.py).

A query's estimated cost multiplies the sizes of the lists it nests: `account { contracts {
metrics } }` is one account, times its contracts, times their metric rows. Guessed sizes
(5 contracts an account) let a query estimated at 1,446 rows return 480,000; so the server
measures the largest size of each list in the database: at startup, then every minute. Each
size is one aggregate statement; all of them are one read.

The same read measures the lists within each app and account (schema/scoped_sizes.py), which
app and account keys' queries are estimated with: one GROUP BY per size for all of them (by
app and account), returning only the sizes over their floor. Per account rather than taking an
account key's app's largest lists, which would tell it other accounts' sizes; eagerly rather
than when an account key first asks, so that no request waits for a measure and the
validation rule (which cannot wait for a read) always has its sizes.

When a refresh finds a store-wide size changed, the schema forgets the verdicts it remembers per
query text (the validation cache and the prepared queries; the rate limiter's costs follow by
themselves). Those caches are keyed by the sizes a query was estimated with, so no query is
judged by sizes more than one refresh old either way: a scope whose sizes changed finds no
verdict of its new ones (`CurrentSizes.version` says why they are not emptied for it)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.extensions import ValidationCache

from schema.build import ProfilingSchema
from schema.execution import internals
from schema.limits import SIZE_NAMES, ListSizes, current_sizes, size_floors
from schema.scoped_sizes import ScopedSizes, scoped_sizes
from store.reads.list_sizes import STATEMENTS, list_sizes, scoped_list_sizes
from store.running.reader import reader_for

logger = logging.getLogger("profiling.list_sizes")

REFRESH_SECONDS = 60.0
# A database that does not answer at startup must not hold the server back longer than this:
# the estimates use the floors until a later refresh succeeds.
STARTUP_TIMEOUT = 10.0


# Every size the estimates use has its statement in the store, and no other.
assert set(STATEMENTS) == set(SIZE_NAMES), "every size has its statement"


async def read_list_sizes(engine: AsyncEngine) -> ListSizes:
    """The largest size of every list in the database now."""
    return ListSizes(**await reader_for(engine).read(list_sizes, one_snapshot=False))


async def read_sizes_by_scope(engine: AsyncEngine) -> tuple[ListSizes, ScopedSizes]:
    """The largest size of every list in the database now, and within each app and account
    (those over their floors), in one read."""
    floors = size_floors()

    async def read(connection: AsyncConnection) -> tuple[dict[str, int], dict[str, Any]]:
        return await list_sizes(connection), await scoped_list_sizes(connection, above=floors)

    whole, rows = await reader_for(engine).read(read, one_snapshot=False)
    lists = ListSizes(**whole)
    return lists, scoped_sizes(lists, rows, floors)


def forget_verdicts(schema: ProfilingSchema) -> None:
    """Drop what the schema remembers of query texts it validated: the next request of each
    is validated again (with the sizes of now)."""
    if schema.prepared is not None:
        schema.prepared.clear()
    for extension in schema.get_extensions():
        if isinstance(extension, ValidationCache):
            # The extension's cached function is a functools.lru_cache.
            getattr(extension.cached_validate_document, "cache_clear")()  # noqa: B009


class ListSizesRefresher:
    """Keeps a schema's list sizes (`current_sizes`) as the database has them."""

    def __init__(
        self, engine: AsyncEngine, schema: ProfilingSchema, *, every: float = REFRESH_SECONDS
    ) -> None:
        self._engine = engine
        self._schema = schema
        self._every = every

    async def refresh(self) -> bool:
        """Measure the sizes now; whether the store-wide ones changed (and the verdicts were
        forgotten)."""
        sizes, scoped = await read_sizes_by_scope(self._engine)
        if not current_sizes(internals.graphql_schema(self._schema)).update(sizes, scoped):
            return False
        forget_verdicts(self._schema)
        logger.info(
            "list sizes changed",
            extra={
                "sizes": dataclasses.asdict(sizes),
                "apps_over_floors": len(scoped.by_app),
                "accounts_over_floors": len(scoped.by_account),
            },
        )
        return True

    async def _refresh_or_log(self, *, within: float | None = None) -> None:
        try:
            async with asyncio.timeout(within):
                await self.refresh()
        except Exception as exc:  # the estimates keep the sizes they had
            logger.warning(
                "list sizes not refreshed, the estimates keep the previous ones",
                extra={"error": type(exc).__name__},
            )

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            await self._refresh_or_log()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Refreshed once now, then every `every` seconds until the block ends."""
        await self._refresh_or_log(within=STARTUP_TIMEOUT)
        task = asyncio.create_task(self._every_interval(), name="list sizes")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

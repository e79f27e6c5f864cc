"""DataLoaders over published months: frozen cohorts, their members, industry roll-ups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from resolvers.shared_loader import SharedLoader
from store.jobs.month_draws import MonthPrivacy, month_privacy
from store.reads import benchmarks as benchmark_reads
from store.reads.benchmarks import CohortKey
from store.reads.entities import MetricFilter
from store.records import CohortMembers, CohortRecord
from store.running.reader import Reader


class MonthLossKey(NamedTuple):
    """A published month, and today's epsilon (the month's default cap is twice the smaller of
    it and the month's first budget: analytics/privacy_loss.py)."""

    month: dt.date
    month_epsilon: float


class RollupKey(NamedTuple):
    industry_id: str
    metric_filter: MetricFilter


@dataclass
class BenchmarkLoaders:
    reader: Reader
    min_cohort: int
    cohort_by_key: DataLoader[CohortKey, CohortRecord | None] = field(init=False)
    members_by_key: DataLoader[CohortKey, CohortMembers | None] = field(init=False)
    rollups_by_industry: DataLoader[RollupKey, list[tuple[CohortRecord, str]]] = field(init=False)
    cohorts_by_month: DataLoader[dt.date, list[CohortRecord]] = field(init=False)
    # What the month's revisions cost its accounts as stored, the budgets they were drawn with,
    # and its cap when none is configured (store/jobs/month_draws.py's month_privacy).
    privacy_by_month: DataLoader[MonthLossKey, MonthPrivacy] = field(init=False)

    def __post_init__(self) -> None:
        # Batch functions bound to the reader, not to `self`: a loader whose function refers
        # back to the object holding it is a reference cycle that keeps the request's
        # cohorts until a full collection (resolvers/loaders.py says why that matters).
        reader = self.reader
        self.cohort_by_key = SharedLoader(load_fn=partial(_cohorts, reader))
        self.members_by_key = SharedLoader(load_fn=partial(_members, reader))
        self.rollups_by_industry = SharedLoader(load_fn=partial(_rollups, reader))
        self.cohorts_by_month = SharedLoader(load_fn=partial(_months, reader))
        self.privacy_by_month = SharedLoader(load_fn=partial(_month_privacy, reader))


async def _months(reader: Reader, months: Sequence[dt.date]) -> list[list[CohortRecord]]:
    async def read(connection: AsyncConnection) -> list[list[CohortRecord]]:
        return [await benchmark_reads.cohorts_of_month(connection, month=month) for month in months]

    return await reader.read(read)


async def _month_privacy(reader: Reader, keys: Sequence[MonthLossKey]) -> list[MonthPrivacy]:
    async def read(connection: AsyncConnection) -> list[MonthPrivacy]:
        return [
            await month_privacy(connection, key.month, month_epsilon=key.month_epsilon)
            for key in keys
        ]

    return await reader.read(read)


async def _cohorts(reader: Reader, keys: Sequence[CohortKey]) -> list[CohortRecord | None]:
    found = await reader.read(
        lambda connection: benchmark_reads.cohorts_by_key(connection, keys=keys)
    )
    return [found.get(key) for key in keys]


async def _members(reader: Reader, keys: Sequence[CohortKey]) -> list[CohortMembers | None]:
    found = await reader.read(
        lambda connection: benchmark_reads.members_by_key(connection, keys=keys)
    )
    return [found.get(key) for key in keys]


async def _rollups(
    reader: Reader, keys: Sequence[RollupKey]
) -> list[list[tuple[CohortRecord, str]]]:
    groups: dict[MetricFilter, list[str]] = defaultdict(list)
    for key in keys:
        groups[key.metric_filter].append(key.industry_id)

    async def read(
        connection: AsyncConnection,
    ) -> dict[RollupKey, list[tuple[CohortRecord, str]]]:
        found: dict[RollupKey, list[tuple[CohortRecord, str]]] = {}
        for metric_filter, industry_ids in groups.items():
            rows = await benchmark_reads.rollups_by_industry(
                connection,
                industry_ids=industry_ids,
                metric_filter=metric_filter,
            )
            for industry_id in industry_ids:
                found[RollupKey(industry_id, metric_filter)] = rows.get(industry_id, [])
        return found

    found = await reader.read(read)
    return [found[key] for key in keys]

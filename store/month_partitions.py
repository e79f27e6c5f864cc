"""metric_value's month partitions on PostgreSQL as the catalog lists them: the ones loads
attached (and migration 0010 made from stored values), with their months. Read from
pg_inherits and pg_class only, so it touches neither the partitions' rows nor their locks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, order=True)
class MonthPartition:
    """A partition of metric_value holding one month: [first, following)."""

    first: dt.date
    following: dt.date
    name: str


_LISTED = text(
    "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits AS i "
    "JOIN pg_class AS c ON c.oid = i.inhrelid WHERE i.inhparent = 'metric_value'::regclass"
)
# How PostgreSQL writes a range partition's bound on a date column; the default partition's
# is DEFAULT and does not match.
_RANGE = re.compile(r"FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)")


async def month_partitions(connection: AsyncConnection) -> list[MonthPartition]:
    """The month partitions of metric_value in month order (the default one aside)."""
    partitions: list[MonthPartition] = []
    for name, bound in (await connection.execute(_LISTED)).all():
        found = _RANGE.search(str(bound))
        if found is not None:
            first, following = (dt.date.fromisoformat(day) for day in found.groups())
            partitions.append(MonthPartition(first, following, str(name)))
    return sorted(partitions)

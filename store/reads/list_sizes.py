"""The largest size of each list the store holds: what the query cost estimates multiply
(schema/limits.py's ListSizes; the server refreshes them, server/list_sizes.py).

Each size is one aggregate statement (the months on PostgreSQL: a few, partition by
partition); all of them run in one read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    Select,
    String,
    TableClause,
    column,
    func,
    literal,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from store.month_partitions import month_partitions
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    COHORT_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    METRIC_DEFAULT_PARTITION,
    METRIC_TABLE,
    QUARTER_SEGMENT_TABLE,
)


def _largest_group(source: FromClause, *key: ColumnElement[object]) -> Select[int]:
    """The most rows any one value of `key` (one or more columns) has in `source` (0 when it
    is empty)."""
    groups = select(func.count().label("n")).select_from(source).group_by(*key).subquery()
    return select(func.coalesce(func.max(groups.c.n), 0))


def _distinct_dates(source: FromClause) -> Select[int]:
    """How many months have values in `source` (metric_value or one of its partitions), by a
    skip scan of its month index: each step asks for the first month after the last one found
    (one index probe per month, whatever the number of values), where count(DISTINCT ...)
    reads every entry of the table (seconds at ten million values; neither database skips
    through an index on its own)."""
    value = source.alias("value")
    later = source.alias("later")
    start = select(func.min(value.c.effective_date).label("month")).cte("months", recursive=True)
    following = (
        select(func.min(later.c.effective_date))
        .where(later.c.effective_date > start.c.month)
        .scalar_subquery()
    )
    months = start.union_all(select(following).where(start.c.month.is_not(None)))
    return select(func.count(months.c.month))


def _partition(name: str) -> TableClause:
    return table(name, column("effective_date", Date))


async def _partitioned_months(connection: AsyncConnection) -> int:
    """PostgreSQL: the months with values, counted partition by partition. On the partitioned
    table each step of the skip scan merges the month indexes of every partition (months x
    partitions probes, and a plan over all of them: 20-32 ms at 50 months). A month partition
    holds dates from its first day on, and every writer stores a month's first day: one probe
    of its month index for its latest date says it all when that is its first day (one month)
    or there is none (an empty partition); one with a later date too (a value stored on another
    day) is skip-scanned. The default partition, which holds the months without a partition of
    their own, is skip-scanned (a table of its own: one probe per month it holds)."""
    months = int(
        (
            await connection.execute(_distinct_dates(_partition(METRIC_DEFAULT_PARTITION)))
        ).scalar_one()
    )
    partitions = await month_partitions(connection)
    if not partitions:
        return months
    quote = connection.dialect.identifier_preparer.quote
    probes = ", ".join(f"((SELECT max(effective_date) FROM {quote(p.name)}))" for p in partitions)
    latest: Any = (await connection.exec_driver_sql(f"VALUES {probes}")).scalars().all()
    for partition, date in zip(partitions, latest, strict=True):
        if date is None:
            continue
        if date == partition.first:
            months += 1
        else:
            counted = await connection.execute(_distinct_dates(_partition(partition.name)))
            months += int(counted.scalar_one())
    return months


def _count(source: FromClause) -> Select[int]:
    return select(func.count()).select_from(source)


_company = COMPANY_TABLE.c
_contract = CONTRACT_TABLE.c
_quarter_segment = QUARTER_SEGMENT_TABLE.c

STATEMENTS: dict[str, Select[int]] = {
    "apps": _count(APP_TABLE),
    "companies_per_account": _largest_group(COMPANY_TABLE, _company.account_id),
    "contracts_per_account": _largest_group(
        CONTRACT_TABLE.join(COMPANY_TABLE, _contract.company_id == _company.company_id),
        _company.account_id,
    ),
    "contracts_per_company": _largest_group(CONTRACT_TABLE, _contract.company_id),
    "industries": _count(INDUSTRY_TABLE),
    "metric_definitions": _count(DEFINITION_TABLE),
    "months": _distinct_dates(METRIC_TABLE),
    "benchmarks_per_month": _largest_group(COHORT_TABLE, COHORT_TABLE.c.month),
    "quarters_per_account": _largest_group(QUARTER_SEGMENT_TABLE, _quarter_segment.account_id),
    # A quarter segment is one account's quarter: the most of one app's quarter bounds who
    # entered it (accounts now) and who lapsed (accounts the quarter before).
    "accounts_per_quarter": _largest_group(
        QUARTER_SEGMENT_TABLE.join(
            ACCOUNT_TABLE, _quarter_segment.account_id == ACCOUNT_TABLE.c.account_id
        ),
        ACCOUNT_TABLE.c.app_id,
        _quarter_segment.quarter,
    ),
}


async def list_sizes(connection: AsyncConnection) -> dict[str, int]:
    """Every size by name, as the database holds it now."""
    sizes: dict[str, int] = {}
    for name, statement in STATEMENTS.items():
        if name == "months" and connection.dialect.name == "postgresql":
            sizes[name] = await _partitioned_months(connection)
        else:
            sizes[name] = int((await connection.execute(statement)).scalar_one())
    return sizes


# The lists measured within each key's own scope (schema/scoped_sizes.py): by account (an
# account key's own lists; its app's are the largest of its accounts') and, for the accounts of
# one quarter, by app. Each statement is the GROUP BY of the matching store-wide size above,
# kept apart by app and account instead of reduced to one largest group: one scan each.
_account = ACCOUNT_TABLE.c

# A size's rows: (app, account or None for a size of the whole app, size).
ScopedRow = tuple[str, str | None, int]


@dataclass(frozen=True, slots=True)
class _Scoped:
    """A size measured per owner: the rows of `source` per `owner` (an account's id, or an
    app's for a size of the whole app), or when `within` is given the most rows of one of the
    owner's groups by `within` (one company's contracts, one quarter's accounts)."""

    source: FromClause
    owner: ColumnElement[str]
    within: tuple[ColumnElement[object], ...] = ()
    by_app: bool = False

    def statement(self, above: int) -> Select[str, str | None, int]:
        """(app, account, n) of every owner over `above`. A size by account is grouped by
        account alone, then joined to the account table for its app: once per account instead
        of once per row counted (bench/scoped_sizes_read.py, 110,000 contracts: the read took
        2.7x the store-wide one's time on SQLite grouping the join, 1.8x so)."""
        groups = (
            select(self.owner.label("owner"), func.count().label("n"))
            .select_from(self.source)
            .group_by(self.owner, *self.within)
            .having(func.count() > above)
            .subquery()
        )
        if self.by_app:
            return select(groups.c.owner, literal(None, String), func.max(groups.c.n)).group_by(
                groups.c.owner
            )
        counts = groups
        if self.within:
            counts = (
                select(groups.c.owner, func.max(groups.c.n).label("n"))
                .group_by(groups.c.owner)
                .subquery()
            )
        return select(_account.app_id, counts.c.owner, counts.c.n).select_from(
            counts.join(ACCOUNT_TABLE, counts.c.owner == _account.account_id)
        )


_contracts = CONTRACT_TABLE.join(COMPANY_TABLE, _contract.company_id == _company.company_id)
_SCOPED: dict[str, _Scoped] = {
    "companies_per_account": _Scoped(COMPANY_TABLE, _company.account_id),
    "contracts_per_account": _Scoped(_contracts, _company.account_id),
    "quarters_per_account": _Scoped(QUARTER_SEGMENT_TABLE, _quarter_segment.account_id),
    # Per account, the most contracts of one of its companies.
    "contracts_per_company": _Scoped(_contracts, _company.account_id, (_company.company_id,)),
    # Per app, the most accounts with sales in one of its quarters.
    "accounts_per_quarter": _Scoped(
        QUARTER_SEGMENT_TABLE.join(
            ACCOUNT_TABLE, _quarter_segment.account_id == _account.account_id
        ),
        _account.app_id,
        (_quarter_segment.quarter,),
        by_app=True,
    ),
}

SCOPED_SIZES: tuple[str, ...] = tuple(_SCOPED)


async def scoped_list_sizes(
    connection: AsyncConnection, *, above: Mapping[str, int]
) -> dict[str, list[ScopedRow]]:
    """The sizes of `SCOPED_SIZES` by account (by app for the accounts of a quarter), only
    those over `above[name]` (0 when not given): a size at most its floor is estimated at the
    floor anyway, so the rows stay few however many accounts the store holds."""
    found: dict[str, list[ScopedRow]] = {}
    for name, scoped in _SCOPED.items():
        rows = (await connection.execute(scoped.statement(above.get(name, 0)))).all()
        found[name] = [
            (str(app), None if account is None else str(account), int(n))
            for app, account, n in rows
        ]
    return found

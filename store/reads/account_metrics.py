"""Accounts and their metric rows in one statement: the most common query's two reads as one.

`account(accountId: ...) { metrics(...) { ... } }` needs the account (is it there, may the key
see it) and its rows. Read apart, they cost two statements, and on each store a read's own
overhead (a DataLoader dispatch, a connection, on PostgreSQL a task and a round trip) twice.
Here the rows are joined to the account under the scope's condition, so a hidden or unknown
account brings no row at all: the statement answers exactly what the two reads would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import is_not, ne
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.reads.entities import ACCOUNT_COLUMNS, IDS, STATEMENTS_KEPT, MetricFilter
from store.reads.runs import runs_by_key
from store.records import AccountRecord, MetricRecord
from store.running.column_conversion import Converter
from store.running.driver_select import DriverSelect
from store.running.gc_pause import PAUSE_FROM_ROWS, collection_paused
from store.scope import Scope, account_visible
from store.tables import ACCOUNT_TABLE, DEFINITION_TABLE, METRIC_TABLE, Level

# Read-only by type: one statement's answer may serve several requests of a loop turn
# (store/running/shared_reads.py hands each the same records), so nothing may sort or edit them
# in place (mypy refuses it on a Sequence; the records are tuples).
AccountWithMetrics = tuple[AccountRecord, Sequence[MetricRecord]]

account = ACCOUNT_TABLE.c
definition = DEFINITION_TABLE.c
metric = METRIC_TABLE.c


@lru_cache(maxsize=STATEMENTS_KEPT)
def _accounts_with_metrics(scope: Scope, by_names: bool, by_months: bool) -> DriverSelect:
    on: list[ColumnElement[bool]] = [
        metric.level == Level.ACCOUNT,
        metric.entity_id == account.account_id,
    ]
    if by_names:
        on.append(metric.metric_name.in_(bindparam("names", expanding=True)))
    if by_months:
        on.append(metric.effective_date.in_(bindparam("months", expanding=True)))
    # Two outer joins, not the rows' inner join with their definitions nested in one: SQLite
    # materializes such a nested join (every account's rows of the month, 10 ms). An account
    # without rows comes once, its row's columns NULL; a row without a definition (which the
    # foreign key forbids) would come with a NULL unit and is dropped as the inner join of
    # `metrics_by_entity` drops it.
    joined = ACCOUNT_TABLE.outerjoin(METRIC_TABLE, and_(*on)).outerjoin(
        DEFINITION_TABLE, metric.metric_name == definition.name
    )
    return DriverSelect(
        select(
            *ACCOUNT_COLUMNS,
            metric.metric_name,
            metric.value,
            definition.unit,
            metric.effective_date,
        )
        .select_from(joined)
        .where(account.account_id.in_(IDS), account_visible(scope))
        # The order of `metrics_by_entity`: by metric name, then month.
        .order_by(account.account_id, metric.metric_name, metric.effective_date)
    )


def statement_of(
    account_ids: Sequence[str], metric_filter: MetricFilter, scope: Scope
) -> tuple[DriverSelect, dict[str, Any]]:
    """The statement `accounts_with_metrics` runs, and its parameters."""
    names, months = metric_filter.names, metric_filter.months
    parameters: dict[str, Any] = {"ids": list(account_ids)}
    if names is not None:
        parameters["names"] = list(names)
    if months is not None:
        parameters["months"] = list(months)
    return _accounts_with_metrics(scope, names is not None, months is not None), parameters


async def accounts_with_metrics(
    connection: AsyncConnection,
    *,
    account_ids: Sequence[str],
    metric_filter: MetricFilter,
    scope: Scope,
) -> dict[str, AccountWithMetrics]:
    """The accounts the scope sees among `account_ids`, each with its rows under the filter
    (the rows `metrics_by_entity` would give for it, in the same order)."""
    statement, parameters = statement_of(account_ids, metric_filter, scope)
    rows, converters = await statement.driver_rows(connection, parameters)
    if not rows:
        return {}
    if len(rows) < PAUSE_FROM_ROWS:  # gc_pause.py: for a few rows the pause costs more
        return _records_of(converters)(rows)
    with collection_paused():
        return _records_of(converters)(rows)


Build = Callable[[Sequence[Sequence[Any]]], dict[str, AccountWithMetrics]]


@lru_cache(maxsize=STATEMENTS_KEPT)
def _records_of(converters: tuple[Converter | None, ...]) -> Build:
    """What turns the statement's rows into accounts with their records, made once per
    statement and dialect (the converters are the DriverSelect's own, one tuple for each).

    The driver's values are converted where they are kept only: an account's columns repeat on
    each of its rows, and are converted (and its record built) from its first row alone; a
    column that Core converts nothing of is taken as it is. Against converting every column of
    every row and building the account's record from each (as the reads of one table do): a
    tenth of the read's CPU (docs/performance.md, "The small query's read")."""
    width = len(ACCOUNT_COLUMNS)
    account_converters = [
        (index, convert) for index, convert in enumerate(converters[:width]) if convert
    ]
    metric_converters = [
        (index, convert) for index, convert in enumerate(converters[width:]) if convert
    ]
    unit_index = width + 2

    def build(rows: Sequence[Sequence[Any]]) -> dict[str, AccountWithMetrics]:
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        ids = columns[0]
        if ids[0] == ids[-1]:  # ordered by account: one account (the common read)
            firsts: Sequence[Sequence[Any]] = rows[:1]
        else:
            changes = map(ne, ids, islice(ids, 1, None))
            firsts = [rows[0], *compress(islice(rows, 1, None), changes)]
        account_columns: list[Sequence[Any]] = list(islice(zip(*firsts, strict=True), width))
        for index, convert in account_converters:
            account_columns[index] = convert(account_columns[index])
        accounts = list(
            map(tuple.__new__, repeat(AccountRecord), zip(*account_columns, strict=True))
        )
        metric_columns = columns[width:]
        keys: Sequence[str] = ids
        units = columns[unit_index]
        if None in units:
            # A row with no unit is no metric row (an account without any: the outer joins'
            # NULLs).
            present = list(map(is_not, units, repeat(None)))
            metric_columns = [list(compress(column, present)) for column in metric_columns]
            keys = list(compress(ids, present))
        for index, convert in metric_converters:
            metric_columns[index] = convert(metric_columns[index])
        records = list(map(tuple.__new__, repeat(MetricRecord), zip(*metric_columns, strict=True)))
        if len(accounts) == 1:
            return {accounts[0][0]: (accounts[0], records)}
        by_account = runs_by_key(keys, records)
        return {
            account.account_id: (account, by_account.get(account.account_id, []))
            for account in accounts
        }

    return build


def rows_at_most(metric_bound: int | None, accounts: int) -> int | None:
    """The most rows the statement returns for `accounts` accounts whose rows are bounded by
    `metric_bound` in all: theirs, plus one for each account without any."""
    return None if metric_bound is None else metric_bound + accounts

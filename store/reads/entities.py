"""Batched reads with SQLAlchemy Core: one statement per batch, whatever its size.

Every function takes the keys of a whole DataLoader batch and returns results keyed by them,
so the number of statements of a request does not grow with the number of entities."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from store.column_rows import MetricRun, metric_runs
from store.reads.runs import runs_by_key
from store.records import (
    AccountPage,
    AccountRecord,
    CompanyPage,
    CompanyRecord,
    ContractPage,
    ContractRecord,
    DefinitionRecord,
    IndustryRecord,
    MetricRecord,
)
from store.running.driver_select import DriverSelect
from store.running.gc_pause import PAUSE_FROM_ROWS, collection_paused
from store.scope import Scope, account_visible
from store.tables import (
    ACCOUNT_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    METRIC_TABLE,
    Level,
)
from store.text_folding import folded

R = TypeVar("R")

# Hot reads build their statement once per shape (and scope) and bind the batch's keys: building
# and hashing a select costs more than running it for a small batch. Scopes are few (one per
# API key in use), so a bounded cache holds them all.
STATEMENTS_KEPT = 512
IDS: BindParameter[Any] = bindparam("ids", expanding=True)

account = ACCOUNT_TABLE.c
company = COMPANY_TABLE.c
contract = CONTRACT_TABLE.c
industry = INDUSTRY_TABLE.c
definition = DEFINITION_TABLE.c
metric = METRIC_TABLE.c

# An AccountRecord's fields, in its order (store/reads/account_metrics.py selects them too).
ACCOUNT_COLUMNS = (
    account.account_id,
    account.app_id,
    account.name,
    account.industry_id,
    account.is_key_account,
    account.n_employees,
)
_COMPANY_COLUMNS = (
    company.company_id,
    company.account_id,
    company.name,
    company.industry_id,
    company.n_employees,
)
_CONTRACT_COLUMNS = (
    contract.contract_id,
    contract.company_id,
    company.account_id,
    contract.name,
    contract.start_date,
    contract.end_date,
)


def _contracts(scope: Scope) -> Select[Any]:
    # A contract's account is its company's: one join answers Contract.account without a hop,
    # and the account's join applies the scope.
    return (
        select(*_CONTRACT_COLUMNS)
        .join_from(CONTRACT_TABLE, COMPANY_TABLE, contract.company_id == company.company_id)
        .join(ACCOUNT_TABLE, company.account_id == account.account_id)
        .where(account_visible(scope))
    )


def _companies(scope: Scope) -> Select[Any]:
    return (
        select(*_COMPANY_COLUMNS)
        .join_from(COMPANY_TABLE, ACCOUNT_TABLE, company.account_id == account.account_id)
        .where(account_visible(scope))
    )


def _grouped(rows: Iterable[Any], *, key: int, record: Callable[..., R]) -> dict[str, list[R]]:
    """Records of a batch grouped by one of their columns (the DataLoader's key)."""
    grouped: dict[str, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(record(*row))
    return grouped


_INDUSTRIES_BY_ID = select(industry.industry_id, industry.name).where(industry.industry_id.in_(IDS))
_ALL_INDUSTRIES = select(industry.industry_id, industry.name).order_by(industry.industry_id)


async def industries_by_id(
    connection: AsyncConnection, *, industry_ids: Sequence[str]
) -> dict[str, IndustryRecord]:
    rows = await connection.execute(_INDUSTRIES_BY_ID, {"ids": list(industry_ids)})
    return {row[0]: IndustryRecord(*row) for row in rows}


async def all_industries(connection: AsyncConnection) -> list[IndustryRecord]:
    rows = await connection.execute(_ALL_INDUSTRIES)
    return [IndustryRecord(*row) for row in rows]


@lru_cache(maxsize=STATEMENTS_KEPT)
def _accounts_by_id(scope: Scope) -> DriverSelect:
    return DriverSelect(
        select(*ACCOUNT_COLUMNS).where(account.account_id.in_(IDS), account_visible(scope))
    )


async def accounts_by_id(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, AccountRecord]:
    columns = await _accounts_by_id(scope).columns(connection, {"ids": list(account_ids)})
    return dict(zip(columns[0], map(AccountRecord, *columns), strict=True))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _companies_by_id(scope: Scope) -> Select[Any]:
    return _companies(scope).where(company.company_id.in_(IDS))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _contracts_by_id(scope: Scope) -> Select[Any]:
    return _contracts(scope).where(contract.contract_id.in_(IDS))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _companies_by_account(scope: Scope) -> Select[Any]:
    return _companies(scope).where(company.account_id.in_(IDS)).order_by(company.company_id)


@lru_cache(maxsize=STATEMENTS_KEPT)
def _contracts_by_company(scope: Scope) -> Select[Any]:
    return _contracts(scope).where(contract.company_id.in_(IDS)).order_by(contract.contract_id)


@lru_cache(maxsize=STATEMENTS_KEPT)
def _contracts_by_account(scope: Scope) -> Select[Any]:
    return _contracts(scope).where(company.account_id.in_(IDS)).order_by(contract.contract_id)


async def companies_by_id(
    connection: AsyncConnection, *, company_ids: Sequence[str], scope: Scope
) -> dict[str, CompanyRecord]:
    rows = await connection.execute(_companies_by_id(scope), {"ids": list(company_ids)})
    return {row[0]: CompanyRecord(*row) for row in rows}


async def contracts_by_id(
    connection: AsyncConnection, *, contract_ids: Sequence[str], scope: Scope
) -> dict[str, ContractRecord]:
    rows = await connection.execute(_contracts_by_id(scope), {"ids": list(contract_ids)})
    return {row[0]: ContractRecord(*row) for row in rows}


async def companies_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, list[CompanyRecord]]:
    rows = await connection.execute(_companies_by_account(scope), {"ids": list(account_ids)})
    return _grouped(rows, key=1, record=CompanyRecord)


async def contracts_by_company(
    connection: AsyncConnection, *, company_ids: Sequence[str], scope: Scope
) -> dict[str, list[ContractRecord]]:
    rows = await connection.execute(_contracts_by_company(scope), {"ids": list(company_ids)})
    return _grouped(rows, key=1, record=ContractRecord)


async def contracts_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, list[ContractRecord]]:
    rows = await connection.execute(_contracts_by_account(scope), {"ids": list(account_ids)})
    return _grouped(rows, key=2, record=ContractRecord)


async def metric_definitions(connection: AsyncConnection) -> list[DefinitionRecord]:
    rows = await connection.execute(
        select(
            definition.name,
            definition.unit,
            definition.description,
            definition.higher_is_better,
            definition.aggregation,
            definition.lower_bound,
            definition.upper_bound,
        ).order_by(definition.name)
    )
    return [DefinitionRecord(*row) for row in rows]


@lru_cache(maxsize=4)
def _metrics_by_entity(by_names: bool, by_months: bool) -> DriverSelect:
    conditions: list[ColumnElement[bool]] = [
        metric.level == bindparam("level"),
        metric.entity_id.in_(IDS),
    ]
    if by_names:
        conditions.append(metric.metric_name.in_(bindparam("names", expanding=True)))
    if by_months:
        conditions.append(metric.effective_date.in_(bindparam("months", expanding=True)))
    return DriverSelect(
        select(
            metric.entity_id,
            metric.metric_name,
            metric.value,
            definition.unit,
            metric.effective_date,
        )
        .join_from(METRIC_TABLE, DEFINITION_TABLE, metric.metric_name == definition.name)
        .where(*conditions)
        .order_by(metric.entity_id, metric.metric_name, metric.effective_date)
    )


@dataclass(frozen=True, slots=True)
class MetricFilter:
    """The filters every `metrics` field takes, already validated; None means no filter."""

    names: tuple[str, ...] | None = None
    months: tuple[dt.date, ...] | None = None
    # The hash, computed once: a filter is part of the loaders' keys, hashed about ten times
    # by the smallest request (a key is looked up in several loaders and batches).
    _hash: int = field(init=False, repr=False, compare=False)
    # The most rows `metrics_by_entity` returns for one entity under this filter (None: no
    # bound), computed once: every read's inline bound asks for it.
    rows_an_entity: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.names, self.months)))
        rows = None
        if self.months is not None:
            names = METRICS_PER_MONTH if self.names is None else len(self.names)
            rows = len(self.months) * names
        object.__setattr__(self, "rows_an_entity", rows)

    def __hash__(self) -> int:
        return self._hash


# With no names filter, a month of an entity is taken to have at most this many rows (one per
# metric): the bound that lets a small read run without a thread hop (running/reader.py).
METRICS_PER_MONTH = 50


def metric_rows_at_most(reads: Iterable[tuple[MetricFilter, int]]) -> int | None:
    """The most rows `metrics_by_entity` returns for these (filter, number of entities) reads,
    when their filters give a bound (one row per entity, metric and month); else None."""
    total = 0
    for metric_filter, entities in reads:
        rows = metric_filter.rows_an_entity
        if rows is None:
            return None
        total += entities * rows
    return total


async def _metric_columns(
    connection: AsyncConnection,
    level: Level,
    entity_ids: Sequence[str],
    metric_filter: MetricFilter,
) -> list[list[Any]]:
    """The entity ids of the rows, then a column per MetricRecord field, ordered by entity."""
    names, months = metric_filter.names, metric_filter.months
    parameters: dict[str, Any] = {"level": level, "ids": list(entity_ids)}
    if names is not None:
        parameters["names"] = list(names)
    if months is not None:
        parameters["months"] = list(months)
    statement = _metrics_by_entity(names is not None, months is not None)
    return await statement.columns(connection, parameters)


async def metric_runs_by_entity(
    connection: AsyncConnection,
    *,
    level: Level,
    entity_ids: Sequence[str],
    metric_filter: MetricFilter,
) -> dict[str, MetricRun]:
    """`metrics_by_entity` kept as the read's columns: each entity's rows a run of them, no
    record built (store/column_rows.py)."""
    keys, *fields = await _metric_columns(connection, level, entity_ids, metric_filter)
    return metric_runs(keys, tuple(fields))


async def metrics_by_entity(
    connection: AsyncConnection,
    *,
    level: Level,
    entity_ids: Sequence[str],
    metric_filter: MetricFilter,
) -> dict[str, list[MetricRecord]]:
    """Rows of many entities of one level, ordered by metric name, then month."""
    entity_ids, *fields = await _metric_columns(connection, level, entity_ids, metric_filter)
    if len(entity_ids) < PAUSE_FROM_ROWS:
        return _records_by_entity(entity_ids, fields)
    with collection_paused():
        return _records_by_entity(entity_ids, fields)


def _records_by_entity(
    entity_ids: list[str], fields: list[list[Any]]
) -> dict[str, list[MetricRecord]]:
    # tuple.__new__ builds each record in C: a NamedTuple's own constructor is a Python call.
    records = list(map(tuple.__new__, repeat(MetricRecord), zip(*fields, strict=True)))
    # Ordered by entity: an entity's records come as one run.
    return runs_by_key(entity_ids, records)


async def account_counts_by_industry(
    connection: AsyncConnection, *, industry_ids: Sequence[str], scope: Scope
) -> dict[str, int]:
    """Distinct accounts per industry that the scope sees (with INTERNAL: the cohort of the
    industry's values, which counts every account whoever asks)."""
    rows = await connection.execute(_account_counts_by_industry(scope), {"ids": list(industry_ids)})
    return {industry_id: int(count) for industry_id, count in rows}


@lru_cache(maxsize=STATEMENTS_KEPT)
def _account_counts_by_industry(scope: Scope) -> Select[Any]:
    return (
        select(account.industry_id, func.count(account.account_id))
        .where(account.industry_id.in_(IDS), account_visible(scope))
        .group_by(account.industry_id)
    )


@dataclass(frozen=True, slots=True)
class AccountFilter:
    account_ids: tuple[str, ...] | None = None
    app: str | None = None
    industry_id: str | None = None
    is_key_account: bool | None = None
    # Text found anywhere in the name or the id, whatever its case.
    search: str | None = None

    def parameters(self) -> dict[str, Any]:
        """The filters that are set, by the name of their bound parameter in `_FILTERS`."""
        named = {
            "account_ids": list(self.account_ids) if self.account_ids is not None else None,
            "app": self.app,
            "industry_id": self.industry_id,
            "is_key_account": self.is_key_account,
            "search": None if self.search is None else _containing(self.search),
        }
        return {name: value for name, value in named.items() if value is not None}


# The escape character of LIKE patterns (as SQLAlchemy's autoescape uses): `/`, not `\`,
# whose meaning in a literal differs between SQLite and PostgreSQL settings.
_ESCAPE = "/"


def _containing(text: str) -> str:
    """A LIKE pattern that matches `text` anywhere, its `%` and `_` taken literally."""
    escaped = text.replace(_ESCAPE, _ESCAPE * 2).replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _search() -> ColumnElement[bool]:
    # Every letter lowered on both sides, on SQLite too (whose own lower() folds ASCII only).
    pattern = folded(bindparam("search", type_=String))
    return or_(
        folded(account.name).like(pattern, escape=_ESCAPE),
        folded(account.account_id).like(pattern, escape=_ESCAPE),
    )


# Each filter's condition, over a bound parameter of the filter's name.
_FILTERS: dict[str, Callable[[], ColumnElement[bool]]] = {
    "account_ids": lambda: account.account_id.in_(bindparam("account_ids", expanding=True)),
    "app": lambda: account.app_id == bindparam("app"),
    "industry_id": lambda: account.industry_id == bindparam("industry_id"),
    "is_key_account": lambda: account.is_key_account == bindparam("is_key_account"),
    "search": _search,
}


@lru_cache(maxsize=STATEMENTS_KEPT)
def _page_of_accounts(
    filters: frozenset[str], after: bool, scope: Scope
) -> tuple[DriverSelect, DriverSelect]:
    """The page's accounts (one more than asked, to tell whether another page follows) and
    the count of every account the filters match, with how many of them come at or before
    `after`."""
    conditions = [account_visible(scope)]
    conditions += [condition() for name, condition in _FILTERS.items() if name in filters]
    page_conditions = (
        [*conditions, account.account_id > bindparam("after")] if after else conditions
    )
    page = (
        select(*ACCOUNT_COLUMNS)
        .where(and_(true(), *page_conditions))
        .order_by(account.account_id)
        .limit(bindparam("limit"))
    )
    total = (
        select(*_counts(account.account_id, after))
        .select_from(ACCOUNT_TABLE)
        .where(and_(true(), *conditions))
    )
    return DriverSelect(page), DriverSelect(total)


def _counts(key: ColumnElement[str], after: bool) -> tuple[ColumnElement[Any], ...]:
    """The count of a list's entries and, after a cursor, of those at or before it: in the
    statement that counts them anyway, so that hasPreviousPage costs no statement of its own."""
    every = func.count()
    if not after:
        return every, literal(0)
    return every, func.count().filter(key <= bindparam("after"))


async def account_page(
    connection: AsyncConnection,
    *,
    account_filter: AccountFilter,
    first: int,
    after: str | None,
    scope: Scope,
) -> AccountPage:
    """One page of accounts ordered by account id (keyset pagination: stable under inserts)."""
    parameters = account_filter.parameters()
    page, total = _page_of_accounts(frozenset(parameters), after is not None, scope)
    page_parameters = {**parameters, "limit": first + 1}
    if after is not None:
        page_parameters["after"] = after
    accounts = list(map(AccountRecord, *await page.columns(connection, page_parameters)))
    count_parameters = parameters if after is None else {**parameters, "after": after}
    (count,), (preceding,) = await total.columns(connection, count_parameters)
    return AccountPage(
        accounts=accounts[:first],
        has_next_page=len(accounts) > first,
        total_count=int(count),
        has_previous_page=int(preceding) > 0,
    )


@lru_cache(maxsize=STATEMENTS_KEPT)
def _page_of_companies(after: bool, scope: Scope) -> tuple[DriverSelect, DriverSelect]:
    """A page of the companies the scope sees, by company id, and the count of them all."""
    page = _companies(scope)
    if after:
        page = page.where(company.company_id > bindparam("after"))
    total = (
        select(*_counts(company.company_id, after))
        .select_from(COMPANY_TABLE)
        .join(ACCOUNT_TABLE, company.account_id == account.account_id)
        .where(account_visible(scope))
    )
    return (
        DriverSelect(page.order_by(company.company_id).limit(bindparam("limit"))),
        DriverSelect(total),
    )


@lru_cache(maxsize=STATEMENTS_KEPT)
def _page_of_contracts(after: bool, scope: Scope) -> tuple[DriverSelect, DriverSelect]:
    """A page of the contracts the scope sees, by contract id, and the count of them all."""
    page = _contracts(scope)
    if after:
        page = page.where(contract.contract_id > bindparam("after"))
    total = (
        select(*_counts(contract.contract_id, after))
        .select_from(CONTRACT_TABLE)
        .join(COMPANY_TABLE, contract.company_id == company.company_id)
        .join(ACCOUNT_TABLE, company.account_id == account.account_id)
        .where(account_visible(scope))
    )
    return (
        DriverSelect(page.order_by(contract.contract_id).limit(bindparam("limit"))),
        DriverSelect(total),
    )


async def _keyset_page(
    connection: AsyncConnection,
    statements: tuple[DriverSelect, DriverSelect],
    record: Callable[..., R],
    *,
    first: int,
    after: str | None,
) -> tuple[list[R], bool, int, bool]:
    """One page (one more row than asked, to tell whether another follows), the count, and
    whether an entry comes at or before `after`."""
    page, total = statements
    parameters: dict[str, Any] = {"limit": first + 1}
    count_parameters: dict[str, Any] = {}
    if after is not None:
        parameters["after"] = count_parameters["after"] = after
    records = list(map(record, *await page.columns(connection, parameters)))
    (count,), (preceding,) = await total.columns(connection, count_parameters)
    return records[:first], len(records) > first, int(count), int(preceding) > 0


async def company_page(
    connection: AsyncConnection, *, first: int, after: str | None, scope: Scope
) -> CompanyPage:
    """One page of the companies the scope sees, ordered by company id (keyset pagination:
    `after` is the company id the page starts after)."""
    statements = _page_of_companies(after is not None, scope)
    return CompanyPage(
        *await _keyset_page(connection, statements, CompanyRecord, first=first, after=after)
    )


async def contract_page(
    connection: AsyncConnection, *, first: int, after: str | None, scope: Scope
) -> ContractPage:
    """One page of the contracts the scope sees, ordered by contract id (keyset pagination:
    `after` is the contract id the page starts after)."""
    statements = _page_of_contracts(after is not None, scope)
    return ContractPage(
        *await _keyset_page(connection, statements, ContractRecord, first=first, after=after)
    )


@lru_cache(maxsize=STATEMENTS_KEPT)
def _account_pages(scope: Scope, after: bool) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = [account.industry_id.in_(IDS), account_visible(scope)]
    if after:
        conditions.append(account.account_id > bindparam("after"))
    position = (
        func.row_number()
        .over(partition_by=account.industry_id, order_by=account.account_id)
        .label("position")
    )
    remaining = func.count().over(partition_by=account.industry_id).label("remaining")
    ranked = select(*ACCOUNT_COLUMNS, position, remaining).where(*conditions).subquery()
    return (
        select(ranked)
        .where(ranked.c.position <= bindparam("first"))
        .order_by(ranked.c.industry_id, ranked.c.position)
    )


async def account_pages_by_industry(
    connection: AsyncConnection,
    *,
    industry_ids: Sequence[str],
    first: int,
    after: str | None,
    scope: Scope,
) -> dict[str, AccountPage]:
    """The same page of accounts for many industries in one statement (a window per industry)."""
    parameters: dict[str, Any] = {"ids": list(industry_ids), "first": first}
    if after is not None:
        parameters["after"] = after
    rows = await connection.execute(_account_pages(scope, after is not None), parameters)
    accounts: dict[str, list[AccountRecord]] = defaultdict(list)
    # Per industry, how many of its accounts come after `after` (all of them without it).
    remaining: dict[str, int] = {}
    for row in rows:
        accounts[row.industry_id].append(AccountRecord(*row[:6]))
        remaining[row.industry_id] = row.remaining
    counts = await account_counts_by_industry(connection, industry_ids=industry_ids, scope=scope)
    return {
        industry_id: AccountPage(
            accounts=accounts.get(industry_id, []),
            has_next_page=remaining.get(industry_id, 0) > first,
            total_count=counts.get(industry_id, 0),
            # The accounts not after the cursor come at or before it.
            has_previous_page=(
                after is not None and counts.get(industry_id, 0) > remaining.get(industry_id, 0)
            ),
        )
        for industry_id in industry_ids
    }

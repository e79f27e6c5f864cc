"""The DataLoaders of one request, named `<target>_by_<key>`.

Each batch function opens its own short-lived connection: concurrent batches must not share
one. Results are returned in key order, as DataLoader requires.

No batch function refers to the `Loaders` that holds its loader (no bound method, no closure
over `self`): that would be a reference cycle (Loaders -> loader -> batch function -> Loaders),
and everything the request's loaders hold (12,000 metric records for 100 accounts) would then
outlive the request until a full collection of the garbage collector, instead of being freed
when the request lets go of them; such collections walked those records again and again, a
fifth of the large query's time (docs/performance.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, NamedTuple, NoReturn, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from analytics.credit import LedgerEntry
from analytics.quarters import Quarter
from resolvers.made_once import made_once
from resolvers.shared_loader import SharedLoader, run_apart
from settings import SegmentOptions
from store.column_rows import MetricRun
from store.jobs.segment_settings import KeptOptions, effective_options, kept_options
from store.reads import account_metrics as account_metric_reads
from store.reads import account_metrics_json as rows_json_reads
from store.reads import benchmarks as benchmark_reads
from store.reads import entities as reads
from store.reads import quarter_members as quarter_reads
from store.reads import sales as sales_reads
from store.reads.account_metrics import AccountWithMetrics
from store.reads.account_metrics_json import AccountWithRowsJson, RowField
from store.reads.benchmarks import AccountMetricKey
from store.reads.entities import MetricFilter
from store.records import (
    AccountPage,
    AccountRecord,
    CompanyRecord,
    ContractRecord,
    IndustryRecord,
    MetricRecord,
)
from store.running.reader import KeysQueryNow, Reader
from store.running.shielded import in_own_task
from store.sales_records import (
    CreditRiskRecord,
    LedgerCoverageRecord,
    QuarterChanges,
    QuarterKey,
    SalesProfileRecord,
    SegmentationRecord,
    ValueCreditRecord,
)
from store.scope import Scope
from store.tables import Level

K = TypeVar("K")
V = TypeVar("V")


class MetricsKey(NamedTuple):
    level: Level
    entity_id: str
    metric_filter: MetricFilter


class AccountMetricsKey(NamedTuple):
    account_id: str
    metric_filter: MetricFilter


class AccountRowsJsonKey(NamedTuple):
    """An account's rows under a filter, as the JSON text of objects of `fields`
    (store/reads/account_metrics_json.py)."""

    account_id: str
    metric_filter: MetricFilter
    fields: tuple[RowField, ...]


class PageKey(NamedTuple):
    industry_id: str
    first: int
    after: str | None


def _by_key(
    reader: Reader,
    read: Callable[[AsyncConnection, Sequence[K]], Awaitable[Mapping[K, V]]],
    missing: Callable[[], V],
    *,
    unique: bool = False,
) -> DataLoader[K, V]:
    """A loader over `read`; `unique` when each key has at most one row (a primary key)."""

    async def load(keys: Sequence[K]) -> list[V]:
        found = await reader.read(
            lambda connection: read(connection, keys),
            rows_at_most=len(keys) if unique else None,
            one_snapshot=False,  # one statement
        )
        return [found[key] if key in found else missing() for key in keys]

    return SharedLoader(load_fn=load)


class Later(Generic[K, V]):
    """A loader made by whichever asks for it first: the request's `Loaders`, or the batch of
    another loader that reads through it (holding this, not the `Loaders`: no cycle)."""

    __slots__ = ("_loader", "_make")

    def __init__(self, make: Callable[[], DataLoader[K, V]]) -> None:
        self._make = make
        self._loader: DataLoader[K, V] | None = None

    def get(self) -> DataLoader[K, V]:
        loader = self._loader
        if loader is None:
            loader = self._loader = self._make()
        return loader


def _none() -> None:
    return None


def _no_default() -> NoReturn:
    raise AssertionError("the read answers every key")


def _empty() -> list[object]:
    return []


@dataclass
class Loaders:
    """Built fresh for every request, so nothing cached outlives it; every entity read is
    narrowed to what the request's scope may see."""

    reader: Reader
    scope: Scope
    # The environment's settings of the segment job: how a credit risk is measured (as of an
    # earlier day, or for the value x credit-risk matrix), under the options kept per app.
    segment_options: SegmentOptions = field(default_factory=SegmentOptions)
    # Each loader is made on first use: a request uses a few of them, and making all of them
    # cost a small request about a twentieth of its time (docs/performance.md).

    @made_once
    def industry_by_id(self) -> DataLoader[str, IndustryRecord | None]:
        return _by_key(
            self.reader,
            lambda c, ids: reads.industries_by_id(c, industry_ids=ids),
            _none,
            unique=True,
        )

    @made_once
    def account_by_id(self) -> DataLoader[str, AccountRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.accounts_by_id(c, account_ids=ids, scope=scope),
            _none,
            unique=True,
        )

    @made_once
    def company_by_id(self) -> DataLoader[str, CompanyRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.companies_by_id(c, company_ids=ids, scope=scope),
            _none,
            unique=True,
        )

    @made_once
    def contract_by_id(self) -> DataLoader[str, ContractRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.contracts_by_id(c, contract_ids=ids, scope=scope),
            _none,
            unique=True,
        )

    @made_once
    def companies_by_account(self) -> DataLoader[str, list[CompanyRecord]]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.companies_by_account(c, account_ids=ids, scope=scope),
            list,
        )

    @made_once
    def contracts_by_account(self) -> DataLoader[str, list[ContractRecord]]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.contracts_by_account(c, account_ids=ids, scope=scope),
            list,
        )

    @made_once
    def contracts_by_company(self) -> DataLoader[str, list[ContractRecord]]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: reads.contracts_by_company(c, company_ids=ids, scope=scope),
            list,
        )

    @made_once
    def account_page_by_industry(self) -> DataLoader[PageKey, AccountPage]:
        return SharedLoader(load_fn=partial(_account_pages, self.reader, self.scope))

    @made_once
    def _runs_later(self) -> Later[MetricsKey, MetricRun]:
        return Later(partial(SharedLoader, load_fn=partial(_metric_runs, self.reader)))

    @property
    def metric_runs_by_entity(self) -> DataLoader[MetricsKey, MetricRun]:
        # The rows as the read's columns: what the batch form of a list's `metrics` takes.
        return self._runs_later.get()

    @made_once
    def metrics_by_entity(self) -> DataLoader[MetricsKey, Sequence[MetricRecord]]:
        # The same rows as records, from the same loads: a key read for a list is not read
        # again for one entity (nor for the standard executor when a list falls back to it).
        # The rows' loader is made when a batch of this one first runs: the smallest query
        # answers this one's key from the account's read (resolvers/derived_loads.py) and
        # needs no other.
        return SharedLoader(load_fn=partial(_metric_records, self._runs_later))

    @made_once
    def account_with_metrics_by_key(
        self,
    ) -> SharedLoader[AccountMetricsKey, AccountWithMetrics | None]:
        # None: no account of that id that the scope sees.
        return SharedLoader(load_fn=partial(_accounts_with_metrics, self.reader, self.scope))

    async def account_with_metrics_at_once(
        self, key: AccountMetricsKey
    ) -> tuple[AccountWithMetrics | None, bool]:
        """What `account_with_metrics_by_key.load(key)` gives, for a request's first and only
        load of that key (a compiled plan's, schema/execution/account_rows.py), and whether it
        was read inline (True: nothing was awaited, so the request's deadline could not stop
        it, and schema/request_deadline.py's `fire_due` must be asked).

        The loader is not even made unless `keep` hands it the answer: with one key, first and
        only, it has nothing to cache and none of the request's keys to batch with.
        - When the reader runs the read inline (SQLite, a few rows, no statement shared between
          requests) nothing waits for it: it is run here (a turn of the event loop and a task
          fewer, about 10 us: docs/performance.md).
        - Otherwise it is run as the loader's batch would run it (`run_apart`: a task of its
          own that nothing cancels, its statement shared with the other requests' of its turn),
          less the loader's dispatch (a turn of the loop, the batch, its futures: docs/
          performance.md, "The compiled plan's read without the loader")."""
        reader = self.reader
        inline = reader.shares is None and reader.runs_inline(
            _account_rows_at_most(key.metric_filter, 1)
        )
        try:
            if inline:
                (found,) = await _accounts_with_metrics(reader, self.scope, [key])
            else:
                (found,) = await run_apart(_accounts_with_metrics_apart(reader, self.scope, [key]))
        except Exception as error:
            # Kept for the path that takes over: it reports this error, reading nothing again.
            failed: asyncio.Future[AccountWithMetrics | None] = (
                asyncio.get_running_loop().create_future()
            )
            failed.set_exception(error)
            self.account_with_metrics_by_key.cache_map.set(key, failed)
            raise
        return found, inline

    async def account_rows_json_at_once(
        self, key: AccountRowsJsonKey
    ) -> tuple[AccountWithRowsJson | None, bool]:
        """The account of `key` the scope sees with its rows as JSON text (None: none), and
        whether it was read inline, run as `account_with_metrics_at_once` runs its read: inline
        when the reader runs it so, else as a loader's batch in a task of its own, its
        statement shared with the other requests' of its turn (`run_apart`), without a loader:
        a request reads the key once and has nothing to batch it with. Its error is raised."""
        reader = self.reader
        if reader.shares is None and reader.runs_inline(
            _account_rows_at_most(key.metric_filter, 1)
        ):
            (found,) = await _accounts_with_rows_json(reader, self.scope, [key])
            return found, True
        (found,) = await run_apart(_accounts_with_rows_json_apart(reader, self.scope, [key]))
        return found, False

    def fail(self, key: AccountMetricsKey, error: BaseException) -> None:
        """Hand `account_with_metrics_by_key` the error a read of the same account and filter
        raised (the read of its rows as JSON text): a path that takes over reports it, reading
        nothing again."""
        failed: asyncio.Future[AccountWithMetrics | None] = (
            asyncio.get_running_loop().create_future()
        )
        failed.set_exception(error)
        self.account_with_metrics_by_key.cache_map.set(key, failed)

    def keep(self, key: AccountMetricsKey, found: AccountWithMetrics | None) -> None:
        """Hand `account_with_metrics_by_key` what `account_with_metrics_at_once` read, for a
        path that takes over the request and loads the same key."""
        self.account_with_metrics_by_key.prime(key, found)

    @made_once
    def published_value_months_by_key(self) -> DataLoader[AccountMetricKey, list[dt.date]]:
        # The months a comparison with `latestWithValue` may be made in, latest first.
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, keys: benchmark_reads.published_value_months(c, keys=keys, scope=scope),
            list,
        )

    @made_once
    def sales_profile_by_account(self) -> DataLoader[str, SalesProfileRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.sales_profiles_by_account(c, account_ids=ids, scope=scope),
            _none,
        )

    @made_once
    def segmented_accounts_by_app(self) -> DataLoader[str, dict[str, int]]:
        # Unscoped counts for the cohort rule of quarter segments (resolvers/account_view.py).
        return _by_key(
            self.reader,
            lambda c, apps: sales_reads.segmented_accounts_by_app(c, app_ids=apps),
            dict,
        )

    @made_once
    def credit_risk_by_account(self) -> DataLoader[str, CreditRiskRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.credit_risks_by_account(c, account_ids=ids, scope=scope),
            _none,
        )

    @made_once
    def ledger_coverage_by_account(self) -> DataLoader[str, LedgerCoverageRecord | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.ledger_coverages_by_account(c, account_ids=ids, scope=scope),
            _none,
        )

    @made_once
    def ledger_period_end_by_account(self) -> DataLoader[str, dt.date | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.ledger_period_ends_by_account(
                c, account_ids=ids, scope=scope
            ),
            _none,
        )

    @made_once
    def sales_period_end_by_app(self) -> DataLoader[str, dt.date | None]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.sales_period_ends_by_app(c, app_ids=ids, scope=scope),
            _none,
        )

    @made_once
    def ledger_by_account(self) -> DataLoader[str, list[LedgerEntry]]:
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, ids: sales_reads.ledgers_by_account(c, account_ids=ids, scope=scope),
            list,
        )

    @made_once
    def segmentation_by_quarter(self) -> DataLoader[QuarterKey, SegmentationRecord | None]:
        # Kept for the request: an operation the direct path hands back to graphql-core runs
        # again (schema/execution/direct.py), and must not read the quarter twice. None: no
        # such app.
        return SharedLoader(load_fn=partial(_segmentations, self.reader))

    @made_once
    def changes_by_quarter(self) -> DataLoader[QuarterKey, QuarterChanges]:
        # Every key is answered (a quarter without orders has empty lists): no default needed.
        scope = self.scope
        return _by_key(
            self.reader,
            lambda c, keys: quarter_reads.quarter_changes(c, keys=keys, scope=scope),
            _no_default,
        )

    @made_once
    def value_credit_by_quarter(self) -> DataLoader[QuarterKey, ValueCreditRecord]:
        # Scored once per request however many fields ask for the matrix.
        scope, options = self.scope, self.segment_options
        return _by_key(
            self.reader,
            lambda c, keys: quarter_reads.quarter_value_credit(
                c, keys=keys, scope=scope, options=options
            ),
            _no_default,
        )

    @made_once
    def segment_options_by_app(self) -> DataLoader[str, SegmentOptions]:
        """The settings the segment job uses for each app: its kept options over the
        environment's."""
        return _by_key(
            self.reader, partial(_segment_options, self.segment_options), _no_default, unique=True
        )


async def _segmentations(
    reader: Reader, keys: Sequence[QuarterKey]
) -> list[SegmentationRecord | None]:
    # A request asks for one quarter: the keys are read one after the other.
    async def read(connection: AsyncConnection) -> list[SegmentationRecord | None]:
        found: list[SegmentationRecord | None] = []
        for key in keys:
            exists = await sales_reads.app_exists(connection, app=key.app)
            found.append(
                await sales_reads.segmentation(
                    connection, app=key.app, quarter=Quarter.parse(key.quarter)
                )
                if exists
                else None
            )
        return found

    return await reader.read(read)


async def _segment_options(
    base: SegmentOptions, connection: AsyncConnection, apps: Sequence[str]
) -> dict[str, SegmentOptions]:
    kept = await kept_options(connection, apps)
    return {app: effective_options(kept.get(app, KeptOptions()), base) for app in apps}


async def _account_pages(
    reader: Reader, scope: Scope, keys: Sequence[PageKey]
) -> list[AccountPage]:
    # Keys that share a page window are read together: usually one statement in all.
    windows: dict[tuple[int, str | None], list[str]] = defaultdict(list)
    for key in keys:
        windows[key.first, key.after].append(key.industry_id)

    async def read(connection: AsyncConnection) -> dict[PageKey, AccountPage]:
        pages: dict[PageKey, AccountPage] = {}
        for (first, after), industry_ids in windows.items():
            found = await reads.account_pages_by_industry(
                connection,
                industry_ids=industry_ids,
                first=first,
                after=after,
                scope=scope,
            )
            for industry_id, page in found.items():
                pages[PageKey(industry_id, first, after)] = page
        return pages

    pages = await reader.read(read)
    return [pages[key] for key in keys]


async def _metric_runs(reader: Reader, keys: Sequence[MetricsKey]) -> list[MetricRun]:
    # One statement per (level, filter) group; a request rarely has more than a few.
    groups: dict[tuple[Level, MetricFilter], list[str]] = defaultdict(list)
    for key in keys:
        groups[key.level, key.metric_filter].append(key.entity_id)

    async def read(
        connection: AsyncConnection,
    ) -> dict[tuple[Level, MetricFilter], dict[str, MetricRun]]:
        return {
            (level, metric_filter): await reads.metric_runs_by_entity(
                connection, level=level, entity_ids=entity_ids, metric_filter=metric_filter
            )
            for (level, metric_filter), entity_ids in groups.items()
        }

    # A statement per filter: each answers on its own, they need not share a snapshot.
    bound = reads.metric_rows_at_most(
        (metric_filter, len(entity_ids)) for (_level, metric_filter), entity_ids in groups.items()
    )
    runs = await reader.read(read, rows_at_most=bound, one_snapshot=False)
    empty = MetricRun.empty()
    return [runs[key.level, key.metric_filter].get(key.entity_id, empty) for key in keys]


async def _metric_records(
    runs: Later[MetricsKey, MetricRun], keys: Sequence[MetricsKey]
) -> list[list[MetricRecord]]:
    return [run.records() for run in await runs.get().load_many(keys)]


async def _accounts_with_metrics(
    reader: Reader, scope: Scope, keys: Sequence[AccountMetricsKey]
) -> list[AccountWithMetrics | None]:
    if len(keys) == 1:
        # The small query's batch: one key, no groups to make.
        [(account_id, metric_filter)] = keys
        one = await reader.read_keys(
            (_ACCOUNTS_WITH_METRICS, scope, metric_filter),
            [account_id],
            partial(_accounts_with_metrics_of, metric_filter, scope),
            rows_at_most=partial(_account_rows_at_most, metric_filter),
        )
        return [one.get(account_id)]
    # One statement per filter, as for `_metrics`.
    groups: dict[MetricFilter, list[str]] = defaultdict(list)
    for key in keys:
        groups[key.metric_filter].append(key.account_id)
    if len(groups) == 1:
        # The common read: its statement may serve other requests' keys of this loop turn
        # under the same scope and filter too (store/running/shared_reads.py).
        [(metric_filter, account_ids)] = groups.items()
        one = await reader.read_keys(
            (_ACCOUNTS_WITH_METRICS, scope, metric_filter),
            account_ids,
            partial(_accounts_with_metrics_of, metric_filter, scope),
            rows_at_most=partial(_account_rows_at_most, metric_filter),
        )
        return [one.get(key.account_id) for key in keys]

    async def read(
        connection: AsyncConnection,
    ) -> dict[MetricFilter, dict[str, AccountWithMetrics]]:
        return {
            metric_filter: await account_metric_reads.accounts_with_metrics(
                connection, account_ids=account_ids, metric_filter=metric_filter, scope=scope
            )
            for metric_filter, account_ids in groups.items()
        }

    bound = account_metric_reads.rows_at_most(
        reads.metric_rows_at_most(
            (metric_filter, len(account_ids)) for metric_filter, account_ids in groups.items()
        ),
        len(keys),
    )
    found = await reader.read(read, rows_at_most=bound, one_snapshot=False)
    return [found[key.metric_filter].get(key.account_id) for key in keys]


# A batch of one key outside a loader (`Loaders.account_with_metrics_at_once`), as the loader's
# batches run: its reads in its own task, which nothing cancels.
_accounts_with_metrics_apart = in_own_task(_accounts_with_metrics)

# The sharing key's first part: which statement (the scope and the filter follow).
_ACCOUNTS_WITH_METRICS = "accounts_with_metrics"
_ACCOUNTS_WITH_ROWS_JSON = "accounts_with_rows_json"


async def _accounts_with_rows_json(
    reader: Reader, scope: Scope, keys: Sequence[AccountRowsJsonKey]
) -> list[AccountWithRowsJson | None]:
    # One statement per filter and fields; a group alone may share its statement with the
    # other requests of the loop turn that read the same (as `_accounts_with_metrics`).
    if len(keys) == 1:  # the small query's batch: no groups to make
        [(account_id, metric_filter, fields)] = keys
        return [
            (await _rows_json_alone(reader, scope, metric_filter, fields, [account_id])).get(
                account_id
            )
        ]
    groups: dict[tuple[MetricFilter, tuple[RowField, ...]], list[str]] = defaultdict(list)
    for key in keys:
        groups[key.metric_filter, key.fields].append(key.account_id)
    if len(groups) == 1:
        [((metric_filter, fields), account_ids)] = groups.items()
        one = await _rows_json_alone(reader, scope, metric_filter, fields, account_ids)
        return [one.get(key.account_id) for key in keys]

    async def read(
        connection: AsyncConnection,
    ) -> dict[tuple[MetricFilter, tuple[RowField, ...]], dict[str, AccountWithRowsJson]]:
        return {
            (metric_filter, fields): await rows_json_reads.accounts_with_rows_json(
                connection,
                account_ids=account_ids,
                metric_filter=metric_filter,
                scope=scope,
                fields=fields,
            )
            for (metric_filter, fields), account_ids in groups.items()
        }

    bound = account_metric_reads.rows_at_most(
        reads.metric_rows_at_most(
            (metric_filter, len(account_ids))
            for (metric_filter, _fields), account_ids in groups.items()
        ),
        len(keys),
    )
    found = await reader.read(read, rows_at_most=bound, one_snapshot=False)
    return [found[key.metric_filter, key.fields].get(key.account_id) for key in keys]


# Its batch of one key outside a loader (`Loaders.account_rows_json_at_once`), as above.
_accounts_with_rows_json_apart = in_own_task(_accounts_with_rows_json)


class NotNow:
    """`account_rows_json_now`'s answer for a read it does not run (see there)."""


NOT_NOW = NotNow()


def account_rows_json_now(
    reader: Reader,
    scope: Scope,
    account_id: str,
    metric_filter: MetricFilter,
    fields: tuple[RowField, ...],
    rows_at_most: int | None,
) -> AccountWithRowsJson | NotNow | None:
    """The read of `Loaders.account_rows_json_at_once` when that one runs it inline (SQLite's
    small read, nothing shared), run now without a coroutine: the account `account_id` the scope
    sees with its rows of `metric_filter` as JSON text of `fields`, or None; `NOT_NOW` (nothing
    read) when the reader would not run it inline. `rows_at_most` is the filter's
    `account_rows_bound`, which a caller that reads the same filter again keeps. The same
    statement on the same connection; its error is raised."""
    if reader.shares is not None:
        return NOT_NOW
    found = reader.read_keys_now(
        (account_id,),
        rows_json_query_now(metric_filter, scope, fields),
        rows_at_most=rows_at_most,
    )
    if found is None:
        return NOT_NOW
    return found.get(account_id)


def rows_json_query_now(
    metric_filter: MetricFilter, scope: Scope, fields: tuple[RowField, ...]
) -> KeysQueryNow[str, AccountWithRowsJson]:
    """The plain-call read that `account_rows_json_now` hands to `Reader.read_keys_now`: the
    accounts of the ids given that `scope` sees, each with its rows of `metric_filter` as JSON
    text of `fields`. It holds nothing of one request: a caller may keep it for the next
    request of the same filter, scope and fields (schema/execution/account_rows.py does)."""
    return partial(
        rows_json_reads.accounts_with_rows_json_now,
        metric_filter=metric_filter,
        scope=scope,
        fields=fields,
    )


def account_rows_bound(metric_filter: MetricFilter) -> int | None:
    """The most rows the read of one account's rows under `metric_filter` returns (None: no
    bound), which decides whether a reader runs it inline."""
    return _account_rows_at_most(metric_filter, 1)


def _rows_json_alone(
    reader: Reader,
    scope: Scope,
    metric_filter: MetricFilter,
    fields: tuple[RowField, ...],
    account_ids: Sequence[str],
) -> Awaitable[Mapping[str, AccountWithRowsJson]]:
    return reader.read_keys(
        (_ACCOUNTS_WITH_ROWS_JSON, scope, metric_filter, fields),
        account_ids,
        partial(_accounts_with_rows_json_of, metric_filter, scope, fields),
        rows_at_most=partial(_account_rows_at_most, metric_filter),
    )


def _accounts_with_rows_json_of(
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
    connection: AsyncConnection,
    account_ids: Sequence[str],
) -> Awaitable[dict[str, AccountWithRowsJson]]:
    return rows_json_reads.accounts_with_rows_json(
        connection, account_ids=account_ids, metric_filter=metric_filter, scope=scope, fields=fields
    )


def _accounts_with_metrics_of(
    metric_filter: MetricFilter,
    scope: Scope,
    connection: AsyncConnection,
    account_ids: Sequence[str],
) -> Awaitable[dict[str, AccountWithMetrics]]:
    return account_metric_reads.accounts_with_metrics(
        connection, account_ids=account_ids, metric_filter=metric_filter, scope=scope
    )


def _account_rows_at_most(metric_filter: MetricFilter, accounts: int) -> int | None:
    # The filter's bound for one entity, kept by the filter: every small request asks.
    rows = metric_filter.rows_an_entity
    return None if rows is None else account_metric_reads.rows_at_most(rows * accounts, accounts)

"""`profiling publish`: compute a month's sector benchmarks and roll-ups and freeze them.

A cohort is predeclared: the accounts of one sector with a value of one metric in one month,
never an ad-hoc filter. Percentiles, roll-ups and ranks are derived only for cohorts that meet
the minimum. Beside the exact figures (for internal keys) each such cohort gets its private
figures, drawn once here and frozen (analytics/private_cohorts.py), when its metric declares
bounds. Every revision's membership is kept, and a revision is checked against all of them
and against the fixed floor of 5 accounts, whatever the configured minimum (a revision at a
raised minimum and another at the default would otherwise be compared). Each revision also
records what it drew (store/jobs/month_draws.py), and one whose new draws would take an
account's privacy loss for the month over the cap is refused (analytics/privacy_loss.py).
The month is read and computed apart from loads, then written in one short transaction that
checks first that the month is as it was read (publish_month): a crash leaves the previous
state, and a load beside a publish waits at most for that write, not for the whole run."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics.cohort import MIN_COHORT, effective_minimum, is_publishable
from analytics.months import first_of_month, last_full_month
from analytics.percentiles import percentiles
from analytics.privacy_loss import (
    CohortDraw,
    check_month_cap,
    default_cap_of_month,
    unrecorded_revisions,
)
from analytics.private_accuracy import (
    FigureAccuracy,
    MonthPrecision,
    month_precision,
    percentile_accuracy,
    roll_up_accuracy,
)
from analytics.private_cohorts import NEVER_PRIVATE, private_figures, release_epsilon
from analytics.private_release import MetricBounds
from analytics.revision import BlockingCohort, blocking_cohorts
from analytics.rollups import roll_up
from settings import DEFAULT_PRIVACY_EPSILON
from store import write_locks
from store.jobs.month_draws import declared_past_epsilon, flattened, month_cost, month_draws
from store.jobs.past_epsilon import (
    check_declaration,
    lock_past_epsilon,
    record_past_epsilon,
    undeclared_refusal,
)
from store.jobs.privacy_spending import cohort_spending, month_loss
from store.jobs.publish_slots import publish_turn, reads_beside
from store.one_snapshot import one_snapshot, snapshot_on
from store.running.driver_select import Converters, DriverSelect
from store.tables import (
    ACCOUNT_TABLE,
    COHORT_REVISION_TABLE,
    COHORT_TABLE,
    DEFINITION_TABLE,
    METRIC_TABLE,
    PUBLISHED_MONTH_TABLE,
    Level,
)

if TYPE_CHECKING:
    # For its type only: importing store.ingest at run time loads the whole ingest machinery
    # (about 0.5 s of the `publish` command's CPU).
    from store.ingest.progress import IngestProgress

CohortKey = tuple[str, str]  # (industry_id, metric_name)


class _NoProgress:
    def start(self, phase: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


class PublishRefused(Exception):
    """The month cannot be published as asked; the message says why and what to do."""


def check_month_is_over(month: dt.date, *, today: dt.date) -> None:
    """Refuse a month that is not over yet: a command checks it before it opens (or creates)
    a database, and publish_month checks it again."""
    if month > last_full_month(today):
        raise PublishRefused(
            f"{month:%Y-%m} is not over yet: the last full month is {last_full_month(today):%Y-%m}"
        )


@dataclass(frozen=True, slots=True)
class PublishResult:
    month: dt.date
    revision: int
    cohorts: int
    publishable: int
    sectors: int
    values: int
    # How precise the month's private figures are (analytics/private_accuracy.py).
    precision: MonthPrecision | None = None
    # Metrics with publishable cohorts but no declared bounds: no private release was drawn,
    # so keys that are not internal get none of their figures across accounts.
    internal_only: tuple[str, ...] = ()
    # The largest privacy loss of any account in the month over all its revisions, this one
    # included, and the cap it is kept under (analytics/privacy_loss.py).
    privacy_loss: float = 0.0
    month_cap: float = 0.0


@dataclass(frozen=True, slots=True)
class DeclaredPastEpsilon:
    """A month's past epsilon as declared, and what the month has cost with it."""

    month: dt.date
    epsilon: float
    revisions: tuple[int, ...]  # the unrecorded revisions it is the epsilon of
    privacy_loss: float
    month_cap: float


# What a month's publication, revision or declaration holds while it runs (store/write_locks.py).
_PUBLISH_LOCK = "publish month"

# A member is (value, account_id); mapped in C over a cohort's 1,000 members rather than
# through a Python loop each (200,000 members a month at ten million values).
_VALUE = itemgetter(0)
_ACCOUNT = itemgetter(1)


@dataclass(slots=True)
class _Cohort:
    members: list[tuple[Decimal, str]]  # (value, account_id), sorted on freezing
    apps: Counter[str] = field(default_factory=Counter)

    def freeze(self) -> tuple[list[str], list[Decimal]]:
        self.members.sort()
        return list(map(_ACCOUNT, self.members)), list(map(_VALUE, self.members))


# The month's values read as columns on the driver, converted a column at a time exactly as
# Core converts them (store/running/driver_select.py): through Core, each of the 200,000 values
# of a month at ten million values went through ExactDecimal's processor one call at a time.
_ACCOUNTS = DriverSelect(
    select(ACCOUNT_TABLE.c.account_id, ACCOUNT_TABLE.c.industry_id, ACCOUNT_TABLE.c.app_id).where(
        ACCOUNT_TABLE.c.industry_id.is_not(None)
    )
)
_MONTH_VALUES = DriverSelect(
    select(METRIC_TABLE.c.entity_id, METRIC_TABLE.c.metric_name, METRIC_TABLE.c.value).where(
        METRIC_TABLE.c.level == bindparam("level"),
        METRIC_TABLE.c.effective_date == bindparam("month"),
    )
)


@dataclass(frozen=True, slots=True, eq=False)
class _MonthRead:
    """The month's values and the accounts with a sector, as the driver gave them: compared
    (`_same_month`), not converted, when the month is read again before it is written
    (converting the 200,000 values of a month at ten million values is most of reading them)."""

    accounts: list[tuple[Any, ...]]  # (account_id, industry_id, app_id)
    values: list[tuple[Any, ...]]  # (entity_id, metric_name, value)


def _same_rows(first: list[tuple[Any, ...]], second: list[tuple[Any, ...]]) -> bool:
    """The same rows, in any order (rows unique within each).

    Not in the order the database returned them: on PostgreSQL a row written again with its
    own value is a new row version elsewhere in the table, and a scan of a large table may
    start where another scan left off, so the same month came back in another order, compared
    unequal, and was computed again (and after three times refused) with nothing changed."""
    return len(first) == len(second) and (first == second or set(first) == set(second))


async def _month_read(connection: AsyncConnection, month: dt.date) -> tuple[_MonthRead, Converters]:
    accounts, _ = await _ACCOUNTS.driver_rows(connection, {})  # strings: nothing to convert
    values, converters = await _MONTH_VALUES.driver_rows(
        connection, {"level": Level.ACCOUNT.value, "month": month}
    )
    return _MonthRead(list(map(tuple, accounts)), list(map(tuple, values))), converters


def _month_values(read: _MonthRead, converters: Converters) -> dict[CohortKey, _Cohort]:
    """Every account-level value of the month with its account's sector."""
    # The accounts with a sector, then the month's values joined to them here: at ten million
    # values the database's join looked up the account of each of the month's 200,000 values.
    accounts = {
        account_id: (industry_id, app_id) for account_id, industry_id, app_id in read.accounts
    }
    entity_ids, metric_names, values = _MONTH_VALUES.by_column(read.values, converters)
    cohorts: dict[CohortKey, _Cohort] = defaultdict(lambda: _Cohort([]))
    for account_id, metric_name, value in zip(entity_ids, metric_names, values, strict=True):
        found = accounts.get(account_id)
        if found is None:  # not an account, or one without a sector
            continue
        industry_id, app_id = found
        cohort = cohorts[industry_id, metric_name]
        cohort.members.append((value, account_id))
        cohort.apps[app_id] += 1
    return cohorts


async def _frozen_draws(
    connection: AsyncConnection, month: dt.date
) -> dict[CohortKey, tuple[str, str, dict[str, object]]]:
    """The private figures of the month as published, with the members and values they were
    drawn from: a revision keeps the draw of a cohort whose data did not change, rather than
    spend its budget again."""
    cohort = COHORT_TABLE.c
    columns = (*_PRIVATE_COLUMNS, "member_ids", "member_values")
    rows = await connection.execute(
        select(cohort.industry_id, cohort.metric_name, *(cohort[name] for name in columns)).where(
            cohort.month == month
        )
    )
    draws: dict[CohortKey, tuple[str, str, dict[str, object]]] = {}
    for industry_id, metric_name, *values in rows:
        *figures, ids, member_values = values
        draws[industry_id, metric_name] = (
            ids,
            member_values,
            dict(zip(_PRIVATE_COLUMNS, figures, strict=True)),
        )
    return draws


# A release, with the bounds and roll-up it was drawn with: kept together by a revision, and
# what its accuracy and the ranks read off it follow, whatever the definition says later.
_PRIVATE_COLUMNS = (
    "private_p25",
    "private_p50",
    "private_p75",
    "private_p90",
    "private_rollup",
    "release_epsilon",
    "release_lower_bound",
    "release_upper_bound",
    "release_aggregation",
)


def _kept_draws(
    cohorts: dict[CohortKey, _Cohort], frozen: dict[CohortKey, tuple[str, str, dict[str, object]]]
) -> dict[CohortKey, dict[str, object]]:
    """The private releases a revision keeps: those of cohorts whose members and values did not
    change, with the bounds and roll-up they were drawn with."""
    kept = {}
    for key, (ids, values, draw) in frozen.items():
        cohort = cohorts.get(key)
        if cohort is None or draw["release_epsilon"] is None:
            continue
        account_ids, sorted_values = cohort.freeze()
        if (ids, values) == (
            orjson.dumps(account_ids).decode(),
            orjson.dumps(list(map(str, sorted_values))).decode(),
        ):
            kept[key] = draw
    return kept


def describe_blocking(blocking: Sequence[BlockingCohort[CohortKey]]) -> str:
    lines = [
        f"  {industry} x {metric}: {item.before} -> {item.after} accounts ({item.changed} changed)"
        for item in blocking
        for industry, metric in [item.cohort]
    ]
    return "\n".join(lines)


@dataclass(slots=True, eq=False)
class _MonthState:
    """What a publication of the month is computed from: read once to compute it, and again
    under the write lock, where it must be the same (`_same_month`) for the computed figures
    to be written (compared as read: the cohorts are what `read` converts to)."""

    published: int | None  # the revision in force
    read: _MonthRead  # the month's values and accounts, as the driver gave them
    draws: dict[int, dict[CohortKey, CohortDraw]]  # every revision's membership and draws
    declared: float | None  # the past epsilon in force, read where it counts
    frozen: dict[CohortKey, tuple[str, str, dict[str, object]]]  # the published draws
    definitions: dict[str, tuple[str, MetricBounds | None]]  # aggregation and bounds
    cohorts: dict[CohortKey, _Cohort] = field(default_factory=dict)


def _same_month(now: _MonthState, then: _MonthState) -> bool:
    """Whether the month read again (`now`) holds what its figures were computed from
    (`then`): its publications, its values, and the sector and app of each account with one of
    them and the definition of each of their metrics. Accounts and definitions that nothing of
    the month refers to may differ: a load of other accounts or definitions beside a publish
    does not make it compute the month again."""
    if (now.published, now.declared) != (then.published, then.declared):
        return False
    if (now.draws, now.frozen) != (then.draws, then.frozen):
        return False
    if not _same_rows(now.read.values, then.read.values):
        return False
    if now.read.accounts == then.read.accounts and now.definitions == then.definitions:
        return True
    # The month's own accounts and metrics (the same in both: their values are).
    accounts = {row[0] for row in then.read.values}
    metrics = {row[1] for row in then.read.values}

    def of_month(read: _MonthRead) -> set[tuple[Any, ...]]:
        return {row for row in read.accounts if row[0] in accounts}

    def defined(state: _MonthState) -> dict[str, tuple[str, MetricBounds | None]]:
        return {name: found for name, found in state.definitions.items() if name in metrics}

    return of_month(now.read) == of_month(then.read) and defined(now) == defined(then)


async def _read_state(
    connection: AsyncConnection, month: dt.date, *, cohorts: bool = True
) -> _MonthState:
    """The month as it is now; its cohorts converted from what was read when `cohorts`."""
    published = (
        await connection.execute(
            select(PUBLISHED_MONTH_TABLE.c.revision).where(PUBLISHED_MONTH_TABLE.c.month == month)
        )
    ).scalar_one_or_none()
    read, converters = await _month_read(connection, month)
    # Every membership the month ever had, even of a publication since removed by hand.
    draws = await month_draws(connection, month)
    # Read only where it counts: a month without unrecorded revisions has nothing declared.
    unrecorded = unrecorded_revisions(flattened(draws))
    declared = await declared_past_epsilon(connection, month) if unrecorded else None
    frozen = await _frozen_draws(connection, month) if published is not None else {}
    definitions = {
        name: (aggregation, MetricBounds.declared(lower, upper))
        for name, aggregation, lower, upper in await connection.execute(
            select(
                DEFINITION_TABLE.c.name,
                DEFINITION_TABLE.c.aggregation,
                DEFINITION_TABLE.c.lower_bound,
                DEFINITION_TABLE.c.upper_bound,
            )
        )
    }
    state = _MonthState(published, read, draws, declared, frozen, definitions)
    if cohorts:
        state.cohorts = dict(_month_values(read, converters))
    return state


@dataclass(frozen=True, slots=True)
class _Plan:
    """A revision computed and drawn, ready to be written."""

    revision: int
    rows: list[dict[str, object]]
    spending: dict[CohortKey, CohortDraw]
    values: int
    privacy_loss: float
    cap: float


# How many times a publish computes the month again when a load changed what it read before it
# could write; past that it is refused in one line (loads that never pause).
_ATTEMPTS = 3


async def publish_month(
    engine: AsyncEngine,
    *,
    month: dt.date,
    today: dt.date,
    min_cohort: int,
    revise: bool = False,
    privacy_epsilon: float = DEFAULT_PRIVACY_EPSILON,
    month_cap: float | None = None,
    past_epsilon: float | None = None,
    progress: IngestProgress | None = None,
) -> PublishResult:
    """Compute and freeze one month. Refuses a month not yet over, a month without data,
    a second publication without `revise`, a revision that would allow differencing, one
    that would take an account's privacy loss for the month over `month_cap`, and any in a
    month with revisions published before the accountant whose epsilon is not declared.
    `privacy_epsilon` is the budget of the month's private releases in each industry;
    `month_cap` bounds their sum over every revision, per account (default twice the smaller
    of that and the budget the month was first published with); `past_epsilon` declares the
    epsilon of the month's unrecorded revisions, in the same transaction (a refused revision
    declares nothing).

    The month is read and computed (its noise drawn) outside the store's write lock, so that
    loads beside it go on (on SQLite a write locks the whole database); then written in a short
    transaction under the write lock that first reads again what the figures were computed from.
    When a load (or another publish) changed it in between, the computed figures are dropped
    unpublished (noise never released costs no privacy) and the month is computed again from
    what is there now; `_ATTEMPTS` times, then refused in one line."""
    month = first_of_month(month)
    progress = progress or _NoProgress()
    if month_cap is not None:
        try:
            check_month_cap(month_cap, privacy_epsilon)
        except ValueError as problem:
            raise PublishRefused(str(problem)) from None
    minimum = effective_minimum(min_cohort)
    check_month_is_over(month, today=today)
    options = _Options(month, minimum, revise, privacy_epsilon, month_cap, past_epsilon)
    # PostgreSQL: this connection holds the month's lock while `one_snapshot` takes a second
    # one to read on; a turn, taken before the first, keeps every publish's two within the
    # pool (N publishes on a pool of N each held one and waited for a second, until all failed).
    # A pool of one connection has no second to give: the publish reads on its own.
    beside = reads_beside(engine)
    async with publish_turn(engine), engine.connect() as connection:
        for _ in range(_ATTEMPTS):
            progress.start("Reading the month's values")
            state, seen = await _read_apart(engine, connection, month, beside=beside)
            plan = _plan(state, options, progress)
            async with connection.begin():
                # The locks in this order, and no holder of a later one waits for an earlier:
                # the month's (another publish of the month that read it first writes first:
                # this one then finds the month changed, and reads what it wrote), the past
                # epsilon's (declarations, which take the month's first too), then the loads'
                # (store/write_locks.py: every load takes one of them first in its transaction,
                # and none takes the month's or the past epsilon's). From the loads' lock to
                # the commit no load commits: the month checked below is the month written
                # over (a load that committed between the check and the write had its values
                # published as they were before it).
                await write_locks.hold(connection, _PUBLISH_LOCK, month.toordinal())
                if past_epsilon is not None:
                    await lock_past_epsilon(connection)
                await write_locks.hold_every_load(connection)
                if not await write_locks.unchanged_since(connection, seen):
                    # Read again in one snapshot, taken now: the month as it is at one instant
                    # while this publish holds the locks (PostgreSQL's READ COMMITTED would let
                    # a writer that takes none of them commit between two of the reads, and a
                    # month that never was so compare equal). On a pool of one, on this
                    # connection: no load nor publish commits under these locks.
                    async with _reader_under_locks(engine, connection, beside=beside) as reader:
                        now = await _read_state(reader, month, cohorts=False)
                    if not _same_month(now, state):
                        continue  # computed from values a load has since changed: again
                await _write(connection, month, minimum, plan, state, options)
            return _result(month, plan, privacy_epsilon)
    raise PublishRefused(
        f"{month:%Y-%m} changed while it was being published {_ATTEMPTS} times (loads were "
        "writing its values): nothing was published; publish it again once the loads are done"
    )


async def _read_apart(
    engine: AsyncEngine, connection: AsyncConnection, month: dt.date, *, beside: bool
) -> tuple[_MonthState, int | None]:
    """The month as it is now, in one snapshot taken after any other publish of the month has
    written, without keeping loads waiting; with `write_locks.changes_seen` before it."""
    if beside:
        async with connection.begin():
            # PostgreSQL: another publish of the month waits here (loads never take it);
            # SQLite: reads only, beside any load.
            await write_locks.hold_apart(connection, _PUBLISH_LOCK, month.toordinal())
            seen = await write_locks.changes_seen(connection)
            async with one_snapshot(engine, connection) as reader:
                return await _read_state(reader, month), seen
    # PostgreSQL with one connection: the month's lock waited for in a transaction of its own
    # (a publish of the month writing), then the snapshot taken on this same connection, after
    # it. Another publish may then write before this one reads: this one finds the month
    # changed when it checks it under the lock, and reads it again.
    async with connection.begin():
        await write_locks.hold_apart(connection, _PUBLISH_LOCK, month.toordinal())
        seen = await write_locks.changes_seen(connection)
    async with snapshot_on(connection) as reader:
        return await _read_state(reader, month), seen


@asynccontextmanager
async def _reader_under_locks(
    engine: AsyncEngine, connection: AsyncConnection, *, beside: bool
) -> AsyncIterator[AsyncConnection]:
    """Where the month is read again under the write transaction's locks: one snapshot on a
    second connection, or `connection` itself on a pool of one."""
    if not beside:
        yield connection
        return
    async with one_snapshot(engine, connection) as reader:
        yield reader


@dataclass(frozen=True, slots=True)
class _Options:
    month: dt.date
    minimum: int
    revise: bool
    privacy_epsilon: float
    month_cap: float | None
    past_epsilon: float | None


def _plan(state: _MonthState, options: _Options, progress: _NoProgress | IngestProgress) -> _Plan:
    """Check the revision against the month as read, account for what it spends, and compute
    and draw its figures: refused (PublishRefused) before anything is drawn."""
    month, minimum, privacy_epsilon = options.month, options.minimum, options.privacy_epsilon
    published, cohorts, draws = state.published, state.cohorts, state.draws
    if published is not None and not options.revise:
        raise PublishRefused(
            f"{month:%Y-%m} is already published and frozen; to recompute it use --revise"
        )
    if published is None and options.revise:
        raise PublishRefused(f"{month:%Y-%m} is not published yet: publish it without --revise")
    values = sum(len(cohort.members) for cohort in cohorts.values())
    if not cohorts:
        raise PublishRefused(
            f"no account-level metric values of accounts with an industry in {month:%Y-%m}: "
            "nothing to publish"
        )
    members = {key: frozenset(map(_ACCOUNT, cohort.members)) for key, cohort in cohorts.items()}
    unrecorded = unrecorded_revisions(flattened(draws))
    declared = state.declared
    if options.past_epsilon is not None:
        try:
            check_declaration(
                month,
                epsilon=options.past_epsilon,
                privacy_epsilon=privacy_epsilon,
                unknown=unrecorded,
                declared=declared,
            )
        except ValueError as problem:
            raise PublishRefused(str(problem)) from None
        declared = options.past_epsilon
    if unrecorded and declared is None:
        # What the month already cost is not known: no new draw is counted against a guess.
        raise PublishRefused(
            undeclared_refusal(
                month,
                unrecorded,
                privacy_epsilon=privacy_epsilon,
                revising=published is not None,
            )
        )
    # Not configured: twice the month's first budget, not today's (a raised epsilon would
    # raise it).
    cap = (
        default_cap_of_month(flattened(draws), month_epsilon=privacy_epsilon, past_epsilon=declared)
        if options.month_cap is None
        else options.month_cap
    )
    history = {
        earlier: {key: draw.member_ids for key, draw in cohorts.items()}
        for earlier, cohorts in draws.items()
    }
    for earlier, before in sorted(history.items()):
        # The fixed floor, not the configured minimum: a cohort published under any
        # minimum counts, and the configured minimum can change between revisions.
        blocking = blocking_cohorts(before, members, minimum=MIN_COHORT)
        if blocking:
            raise PublishRefused(
                f"revising {month:%Y-%m} would let this answer be compared with "
                f"revision {earlier} to reveal single accounts; these cohorts change "
                "by 1 to 4 accounts:\n" + describe_blocking(blocking)
            )
    definitions = state.definitions
    aggregations = {name: aggregation for name, (aggregation, _) in definitions.items()}
    kept_draws = _kept_draws(cohorts, state.frozen)
    # Each industry's budget is split over the private releases of its month: the ones
    # drawn now, where the metric declares bounds, and the draws a revision keeps, with
    # the roll-up they were drawn with, whatever the definition says since.
    released: dict[str, list[str]] = defaultdict(list)
    for key, cohort in cohorts.items():
        aggregation, bounds = definitions[key[1]]
        if not is_publishable(len(cohort.members), minimum=minimum):
            continue
        if key in kept_draws:
            released[key[0]].append(str(kept_draws[key]["release_aggregation"] or aggregation))
        elif bounds is not None:
            released[key[0]].append(aggregation)
    epsilon_of = {
        industry_id: release_epsilon(privacy_epsilon, found)
        for industry_id, found in released.items()
    }
    revision = max([published or 0, *history]) + 1
    # What this revision will draw and keep, accounted before anything is drawn or written.
    spending = {
        key: cohort_spending(
            key,
            revision=revision,
            publishable=is_publishable(len(cohort.members), minimum=minimum),
            definition=definitions[key[1]],
            kept=kept_draws.get(key),
            kept_from=draws.get(published or 0, {}).get(key),
            published=published,
            epsilon=epsilon_of.get(key[0]),
            members=members[key],
        )
        for key, cohort in cohorts.items()
    }
    privacy_loss, refusal = month_loss(
        month,
        earlier=flattened(draws),
        now=list(spending.values()),
        privacy_epsilon=privacy_epsilon,
        month_cap=cap,
        revising=published is not None,
        past_epsilon=declared,
    )
    if refusal is not None:
        raise PublishRefused(refusal)

    progress.start("Computing benchmarks", total=len(cohorts))
    rows = []
    for (industry_id, metric_name), cohort in sorted(cohorts.items()):
        account_ids, sorted_values = cohort.freeze()
        row: dict[str, object] = {
            "industry_id": industry_id,
            "metric_name": metric_name,
            "month": month,
            "cohort_size": len(account_ids),
            "p25": None,
            "p50": None,
            "p75": None,
            "p90": None,
            "rollup": None,
            "member_ids": orjson.dumps(account_ids).decode(),
            "member_values": orjson.dumps(list(map(str, sorted_values))).decode(),
            "member_apps": orjson.dumps(dict(sorted(cohort.apps.items()))).decode(),
            **dict.fromkeys(_PRIVATE_COLUMNS),
        }
        if is_publishable(len(account_ids), minimum=minimum):
            # From the values already read, on both stores: percentile_cont in PostgreSQL
            # gives the same rounded figures (tests/store/jobs/test_publish.py) but read the
            # month a second time, scattered over the table (1.7 s of 2.4 s at 10M values).
            # The values as floats once, for the percentiles and the private releases.
            floats = np.asarray(sorted_values, dtype=np.float64)
            computed = percentiles(floats)
            row.update(zip(("p25", "p50", "p75", "p90"), computed, strict=True))
            row["rollup"] = roll_up(sorted_values, aggregations[metric_name])
            aggregation, bounds = definitions[metric_name]
            kept = kept_draws.get((industry_id, metric_name))
            if kept is not None:
                row.update(kept)  # the same data: the same draw, no budget spent again
            elif bounds is not None:
                figures = private_figures(
                    floats,
                    bounds=bounds,
                    aggregation=aggregation,
                    epsilon=epsilon_of[industry_id],
                )
                row.update(
                    zip(
                        ("private_p25", "private_p50", "private_p75", "private_p90"),
                        figures.percentiles,
                        strict=True,
                    )
                )
                if aggregation not in NEVER_PRIVATE:
                    row["private_rollup"] = figures.roll_up
                row["release_epsilon"] = figures.epsilon
                row["release_lower_bound"] = bounds.lower
                row["release_upper_bound"] = bounds.upper
                row["release_aggregation"] = aggregation
        rows.append(row)
        progress.advance(1)
    return _Plan(revision, rows, spending, values, privacy_loss, cap)


async def _write(
    connection: AsyncConnection,
    month: dt.date,
    minimum: int,
    plan: _Plan,
    state: _MonthState,
    options: _Options,
) -> None:
    """Write the revision (and the declaration of the past epsilon) in the caller's
    transaction, which holds the write lock and found the month as the plan read it."""
    if options.past_epsilon is not None:
        await record_past_epsilon(
            connection,
            month,
            epsilon=options.past_epsilon,
            privacy_epsilon=options.privacy_epsilon,
            unknown=unrecorded_revisions(flattened(state.draws)),
            declared=state.declared,
        )
    await connection.execute(delete(COHORT_TABLE).where(COHORT_TABLE.c.month == month))
    await connection.execute(
        delete(PUBLISHED_MONTH_TABLE).where(PUBLISHED_MONTH_TABLE.c.month == month)
    )
    await connection.execute(
        PUBLISHED_MONTH_TABLE.insert(),
        [
            {
                "month": month,
                "published_at": dt.datetime.now(dt.UTC),
                "revision": plan.revision,
                "min_cohort": minimum,
            }
        ],
    )
    await connection.execute(COHORT_TABLE.insert(), plan.rows)
    await connection.execute(
        COHORT_REVISION_TABLE.insert(),
        [
            {
                "industry_id": row["industry_id"],
                "metric_name": row["metric_name"],
                "month": month,
                "revision": plan.revision,
                "member_ids": row["member_ids"],
                "release_count": spent.releases,
                "release_epsilon": spent.epsilon,
                "drawn_in": spent.drawn_in,
            }
            for row in plan.rows
            for spent in [plan.spending[str(row["industry_id"]), str(row["metric_name"])]]
        ],
    )


def _result(month: dt.date, plan: _Plan, privacy_epsilon: float) -> PublishResult:
    rows = plan.rows
    publishable = [row for row in rows if row["p50"] is not None]
    accuracies = _accuracies(rows)
    return PublishResult(
        month=month,
        revision=plan.revision,
        cohorts=len(rows),
        publishable=len(publishable),
        sectors=len({row["industry_id"] for row in publishable}),
        values=plan.values,
        precision=month_precision(accuracies, privacy_epsilon),
        internal_only=tuple(
            sorted(
                {str(row["metric_name"]) for row in publishable}
                - {str(row["metric_name"]) for row in publishable if row["private_p50"] is not None}
            )
        ),
        privacy_loss=plan.privacy_loss,
        month_cap=plan.cap,
    )


async def declare_past_epsilon(
    engine: AsyncEngine,
    *,
    month: dt.date,
    epsilon: float,
    privacy_epsilon: float,
    month_cap: float | None = None,
) -> DeclaredPastEpsilon:
    """Declare the epsilon a month's revisions published before the privacy accountant were
    drawn at, without revising it: refused for a month without such revisions, below
    `privacy_epsilon` or below an earlier declaration (nothing is written then)."""
    month = first_of_month(month)
    # In a publish's turn (store/jobs/publish_slots.py): holding a connection while it waits
    # for the month's lock, it would otherwise take one from a publish that holds that lock and
    # needs a second to read on.
    async with publish_turn(engine), engine.begin() as connection:
        await write_locks.hold(connection, _PUBLISH_LOCK, month.toordinal())
        await lock_past_epsilon(connection)
        draws = flattened(await month_draws(connection, month))
        if not draws:
            raise PublishRefused(
                f"{month:%Y-%m} is not published: it has no revision to declare an epsilon for"
            )
        unrecorded = unrecorded_revisions(draws)
        try:
            await record_past_epsilon(
                connection,
                month,
                epsilon=epsilon,
                privacy_epsilon=privacy_epsilon,
                unknown=unrecorded,
                declared=await declared_past_epsilon(connection, month),
            )
        except ValueError as problem:
            raise PublishRefused(str(problem)) from None
    cap = (
        default_cap_of_month(draws, month_epsilon=privacy_epsilon, past_epsilon=epsilon)
        if month_cap is None
        else month_cap
    )
    return DeclaredPastEpsilon(
        month=month,
        epsilon=epsilon,
        revisions=unrecorded,
        privacy_loss=month_cost(draws, past_epsilon=epsilon),
        month_cap=cap,
    )


def _accuracies(rows: list[dict[str, object]]) -> list[FigureAccuracy]:
    """The public accuracy of every private figure of the month: each cohort's percentile set,
    and its roll-up where one was released; from the bounds and roll-up each release was drawn
    with (a revision keeps the draws of unchanged cohorts, made under the definitions of their
    day)."""
    found = []
    for row in rows:
        epsilon, size = row["release_epsilon"], row["cohort_size"]
        lower, upper = row["release_lower_bound"], row["release_upper_bound"]
        aggregation = row["release_aggregation"]
        if not isinstance(epsilon, float) or not isinstance(size, int):
            continue
        if not isinstance(lower, Decimal) or not isinstance(upper, Decimal):
            continue  # an early release whose bounds are unknown (migration 0011)
        bounds = MetricBounds.declared(lower, upper)
        if bounds is None:
            continue
        found.append(percentile_accuracy(size, bounds=bounds, epsilon=epsilon))
        if row["private_rollup"] is not None and isinstance(aggregation, str):
            found.append(roll_up_accuracy(size, aggregation, bounds=bounds, epsilon=epsilon))
    return found

"""The accounts behind an app's segmentation of a quarter: who entered and who lapsed, and
how their monetary segments meet their credit risks as of the quarter's end.

One read per quarter asked, of one or two statements, however many accounts it lists. Like
every read of accounts' data, they see only the accounts the request's scope sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter

from sqlalchemy import and_, false, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.credit import CreditPolicy, CreditSegment, assess_credit
from analytics.quarters import Quarter
from analytics.segments import Segment
from analytics.value_credit import value_credit_matrix
from settings import SegmentOptions
from store.jobs.segment_settings import KeptOptions, effective_options, kept_options
from store.ledger_entries import ENTRY_COLUMNS, ledger_entries
from store.reads.sales import value_in
from store.sales_records import QuarterChanges, QuarterKey, QuarterMember, ValueCreditRecord
from store.scope import Scope, account_visible
from store.tables import ACCOUNT_TABLE, CREDIT_RISK_TABLE, LEDGER_TABLE, QUARTER_SEGMENT_TABLE

account = ACCOUNT_TABLE.c
quarter_segment = QUARTER_SEGMENT_TABLE.c
ledger = LEDGER_TABLE.c
credit = CREDIT_RISK_TABLE.c


async def quarter_changes(
    connection: AsyncConnection, *, keys: Sequence[QuarterKey], scope: Scope
) -> dict[QuarterKey, QuarterChanges]:
    """Entered and lapsed accounts of each (app, quarter): one statement each."""
    return {key: await _changes(connection, key, scope) for key in keys}


async def _changes(connection: AsyncConnection, key: QuarterKey, scope: Scope) -> QuarterChanges:
    now = key.quarter
    before = Quarter.parse(now).previous.label
    # A row per (account, quarter): an account with one row had orders in one quarter only.
    rows = await connection.execute(
        select(
            quarter_segment.account_id,
            value_in(now, quarter_segment.frequency_segment),
            value_in(now, quarter_segment.monetary_segment),
            value_in(before, quarter_segment.frequency_segment),
            value_in(before, quarter_segment.monetary_segment),
        )
        .join_from(
            QUARTER_SEGMENT_TABLE, ACCOUNT_TABLE, quarter_segment.account_id == account.account_id
        )
        .where(
            account.app_id == key.app,
            quarter_segment.quarter.in_((now, before)),
            account_visible(scope),
        )
        .group_by(quarter_segment.account_id)
        .having(func.count() == 1)
    )
    entered: list[QuarterMember] = []
    lapsed: list[QuarterMember] = []
    for account_id, frequency_now, monetary_now, frequency_before, monetary_before in rows:
        if frequency_now is not None:
            entered.append(QuarterMember(account_id, Segment(frequency_now), Segment(monetary_now)))
        else:
            lapsed.append(
                QuarterMember(account_id, Segment(frequency_before), Segment(monetary_before))
            )
    # Sorted here, not in SQL: the database's collation would order ids differently.
    entered.sort()
    lapsed.sort()
    return QuarterChanges(entered, lapsed)


async def quarter_value_credit(
    connection: AsyncConnection,
    *,
    keys: Sequence[QuarterKey],
    scope: Scope,
    options: SegmentOptions,
) -> dict[QuarterKey, ValueCreditRecord]:
    """Each (app, quarter)'s value x credit-risk matrix: two or three statements each.

    Each account with orders in the quarter has its credit risk measured as of the quarter's
    last day (or the app's latest ledger date, when the ledger stops before it) from its
    entries up to that date, by the method and settings of the segment job: a past quarter
    shows the credit risks its accounts had then. From the quarter of the app's latest ledger
    date on, that is what the segment job measured and stored (Account.creditRisk, on that
    same date): those are read, not scored again, unless a stored one was measured on another
    date (a ledger written without the job). Accounts scored here are scored as their rows
    arrive: where the read runs in a reader thread, so does the scoring, with the settings the
    job uses for the app: the options kept for it over `options`, the environment's."""
    policies: dict[str, CreditPolicy] = {}
    return {key: await _value_credit(connection, key, scope, options, policies) for key in keys}


async def _app_policy(
    connection: AsyncConnection,
    app: str,
    options: SegmentOptions,
    policies: dict[str, CreditPolicy],
) -> CreditPolicy:
    """The credit policy the segment job uses for the app, read once per app and request."""
    policy = policies.get(app)
    if policy is None:
        kept = (await kept_options(connection, [app])).get(app, KeptOptions())
        policy = policies[app] = effective_options(kept, options).credit
    return policy


async def _value_credit(
    connection: AsyncConnection,
    key: QuarterKey,
    scope: Scope,
    options: SegmentOptions,
    policies: dict[str, CreditPolicy],
) -> ValueCreditRecord:
    latest: dt.date | None = (
        await connection.execute(
            select(func.max(ledger.entry_date))
            .join_from(LEDGER_TABLE, ACCOUNT_TABLE, ledger.account_id == account.account_id)
            .where(account.app_id == key.app, account_visible(scope))
        )
    ).scalar_one()
    as_of = None if latest is None else min(latest, Quarter.parse(key.quarter).last_day)
    if as_of is not None and as_of == latest:
        stored = await _stored_value_credit(connection, key, scope, as_of)
        if stored is not None:
            return stored
    policy = await _app_policy(connection, key.app, options, policies)
    # Without a date no entry is kept, but every account with orders stays (an outer join).
    up_to = false() if as_of is None else ledger.entry_date <= as_of
    rows = (
        await connection.execute(
            select(
                quarter_segment.account_id,
                quarter_segment.monetary_segment,
                *ENTRY_COLUMNS,
            )
            .join_from(
                QUARTER_SEGMENT_TABLE,
                ACCOUNT_TABLE,
                quarter_segment.account_id == account.account_id,
            )
            .outerjoin(LEDGER_TABLE, and_(ledger.account_id == quarter_segment.account_id, up_to))
            .where(
                account.app_id == key.app,
                quarter_segment.quarter == key.quarter,
                account_visible(scope),
            )
            .order_by(quarter_segment.account_id, ledger.entry_date)
        )
    ).all()

    def members() -> Iterator[tuple[Segment, CreditSegment | None]]:
        for _, group in groupby(rows, key=itemgetter(0)):
            first, *others = group
            monetary = Segment(first[1])
            if as_of is None or first[2] is None:  # no entry up to as_of
                yield monetary, None
                continue
            # Read as the segment job reads them (store.ledger_entries).
            entries = ledger_entries((first, *others))
            yield monetary, assess_credit(entries, as_of=as_of, policy=policy).segment

    matrix = value_credit_matrix(members())
    return ValueCreditRecord(matrix.cells, matrix.without_credit_risk, as_of)


async def _stored_value_credit(
    connection: AsyncConnection, key: QuarterKey, scope: Scope, as_of: dt.date
) -> ValueCreditRecord | None:
    """The matrix from the credit risks the segment job stored, when it measured every one
    of them on `as_of`; None otherwise."""
    rows = await connection.execute(
        select(quarter_segment.monetary_segment, credit.segment, credit.as_of)
        .join_from(
            QUARTER_SEGMENT_TABLE, ACCOUNT_TABLE, quarter_segment.account_id == account.account_id
        )
        .outerjoin(CREDIT_RISK_TABLE, credit.account_id == quarter_segment.account_id)
        .where(
            account.app_id == key.app,
            quarter_segment.quarter == key.quarter,
            account_visible(scope),
        )
    )
    members: list[tuple[Segment, CreditSegment | None]] = []
    for monetary, segment, measured_on in rows:
        if segment is None:  # no ledger: the job stores no credit risk
            members.append((Segment(monetary), None))
        elif measured_on != as_of:
            return None
        else:
            members.append((Segment(monetary), CreditSegment(segment)))
    matrix = value_credit_matrix(members)
    return ValueCreditRecord(matrix.cells, matrix.without_credit_risk, as_of)

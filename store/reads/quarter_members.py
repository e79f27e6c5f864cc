"""The accounts behind an app's segmentation of a quarter: who entered and who lapsed, and
each account's ledger for its credit risk as of the quarter's end.

One read per quarter asked, of one or two statements, however many accounts it lists. Like
every read of accounts' data, they see only the accounts the request's scope sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, false, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.credit import EntryKind, LedgerEntry
from analytics.quarters import Quarter
from analytics.segments import Segment
from store.reads.sales import value_in
from store.sales_records import (
    LedgerUpTo,
    QuarterChanges,
    QuarterKey,
    QuarterLedgers,
    QuarterMember,
)
from store.scope import Scope, account_visible
from store.tables import ACCOUNT_TABLE, LEDGER_TABLE, QUARTER_SEGMENT_TABLE

account = ACCOUNT_TABLE.c
quarter_segment = QUARTER_SEGMENT_TABLE.c
ledger = LEDGER_TABLE.c


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


async def quarter_ledgers(
    connection: AsyncConnection, *, keys: Sequence[QuarterKey], scope: Scope
) -> dict[QuarterKey, QuarterLedgers]:
    """Each (app, quarter)'s accounts with orders in it, with their ledgers up to the date
    their credit risk is measured on: two statements each."""
    return {key: await _ledgers(connection, key, scope) for key in keys}


async def _ledgers(connection: AsyncConnection, key: QuarterKey, scope: Scope) -> QuarterLedgers:
    latest: dt.date | None = (
        await connection.execute(
            select(func.max(ledger.entry_date))
            .join_from(LEDGER_TABLE, ACCOUNT_TABLE, ledger.account_id == account.account_id)
            .where(account.app_id == key.app, account_visible(scope))
        )
    ).scalar_one()
    as_of = None if latest is None else min(latest, Quarter.parse(key.quarter).last_day)
    # Without a date no entry is kept, but every account with orders stays (an outer join).
    up_to = false() if as_of is None else ledger.entry_date <= as_of
    rows = await connection.execute(
        select(
            quarter_segment.account_id,
            quarter_segment.monetary_segment,
            ledger.entry_date,
            ledger.kind,
            ledger.amount,
            ledger.due_date,
            ledger.reference,
        )
        .join_from(
            QUARTER_SEGMENT_TABLE, ACCOUNT_TABLE, quarter_segment.account_id == account.account_id
        )
        .outerjoin(LEDGER_TABLE, and_(ledger.account_id == quarter_segment.account_id, up_to))
        .where(
            account.app_id == key.app,
            quarter_segment.quarter == key.quarter,
            account_visible(scope),
        )
        .order_by(quarter_segment.account_id, ledger.entry_date)
    )
    accounts: dict[str, LedgerUpTo] = {}
    for account_id, monetary, entry_date, kind, amount, due_date, reference in rows:
        found = accounts.get(account_id)
        if found is None:
            found = accounts[account_id] = LedgerUpTo(account_id, Segment(monetary), [])
        if entry_date is not None:
            found.entries.append(
                LedgerEntry(entry_date, EntryKind(kind), amount, due_date, reference)
            )
    return QuarterLedgers(as_of, [accounts[account_id] for account_id in sorted(accounts)])

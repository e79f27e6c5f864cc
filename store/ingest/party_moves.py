"""Moving the accounts that earlier sales and ledger loads created for parties onto the
accounts those parties now link to (by name, or by a mapping): the first step of the load's
transaction, before the file's own lines are written (store/ingest/kinds/parties.py).

Only the accounts still recorded as created for parties move: the load runs this under the
party lock (store/ingest/party_lock.py), and an accounts load may have made one a real
account since the load read them.

Their sale lines and ledger entries take the new account. A moved line whose key (date,
invoice or reference, place) the new account holds already is the same line when its values
are the same too (two exports that overlap): it is dropped, so nothing counts twice. With
other values (another amount) it is another line of that day: it is kept, numbered after the
account's lines of the same date and invoice. The load counts both. Their segments are
dropped (the load recomputes its app's). An account then goes, unless something a sales or
ledger load did not make refers to it (a company, an account-level metric value, an API
key): it stays, empty, and the load says so. The statements are a fixed number per batch of
accounts, whatever their lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.name_lists import first_and_more
from store.ingest.keyed_rows import batches, rows_with_keys
from store.ingest.plan import MoveNote
from store.ingest.progress import IngestProgress
from store.ingest.report import shown
from store.tables import (
    ACCOUNT_TABLE,
    API_KEY_TABLE,
    COMPANY_TABLE,
    CREDIT_RISK_TABLE,
    LEDGER_PERIOD_TABLE,
    LEDGER_TABLE,
    METRIC_TABLE,
    PARTY_ACCOUNT_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALE_LINE_TABLE,
    SALES_PROFILE_TABLE,
    Level,
)

# Accounts moved per batch of statements (each CASE lists them all).
_BATCH = 500
_DERIVED_TABLES = (QUARTER_SEGMENT_TABLE, SALES_PROFILE_TABLE, CREDIT_RISK_TABLE)
# Pairs named in the note; beyond, a count.
_NAMED_PAIRS = 3


@dataclass
class _Moved:
    """What moving the lines of one table did."""

    moved: int = 0
    # Lines the new account held already, values and all: dropped.
    dropped: int = 0
    # Lines of another value under a key the new account held: kept under the next place.
    renumbered: int = 0

    def add(self, other: _Moved) -> None:
        self.moved += other.moved
        self.dropped += other.dropped
        self.renumbered += other.renumbered


def _same_group(one: Any, other: Any, group: Sequence[str]) -> ColumnElement[bool]:
    return and_(*(one.c[key] == other.c[key] for key in group))


async def _renumber(
    connection: AsyncConnection, table: Table, moves: Mapping[str, str], group: Sequence[str]
) -> int:
    """Gives the moved lines whose key the new account (or another account moving there)
    holds the next free places of their date and invoice; how many."""
    sources = list(moves)
    mine = table.alias("mine")
    other = table.alias("other")
    held = table.alias("held")

    def target(alias: Any) -> ColumnElement[str]:
        return case(dict(moves), value=alias.c.account_id)

    collides: list[ColumnElement[bool]] = [
        exists().where(
            held.c.account_id == target(mine),
            _same_group(held, mine, group),
            held.c.line == mine.c.line,
        )
    ]
    # Accounts moving onto one account with others: their lines may collide with each
    # other's (compared among them only, as few as they usually are).
    by_target: dict[str, list[str]] = {}
    for source, goal in moves.items():
        by_target.setdefault(goal, []).append(source)
    shared = sorted(
        source for together in by_target.values() if len(together) > 1 for source in together
    )
    if shared:
        collides.append(
            and_(
                mine.c.account_id.in_(shared),
                exists().where(
                    other.c.account_id.in_(shared),
                    other.c.account_id < mine.c.account_id,
                    target(other) == target(mine),
                    _same_group(other, mine, group),
                    other.c.line == mine.c.line,
                ),
            )
        )
    colliding = await connection.execute(
        select(mine.c.account_id, *(mine.c[key] for key in group), mine.c.line)
        .where(mine.c.account_id.in_(sources), or_(*collides))
        .order_by(mine.c.account_id, *(mine.c[key] for key in group), mine.c.line)
    )
    rows = colliding.all()
    if not rows:
        return 0
    # The last place of each date and invoice among the lines that end under each account.
    # (Grouped outside: PostgreSQL cannot tell that a CASE with parameters in GROUP BY is
    # the selected one.)
    lines = (
        select(
            case(dict(moves), value=table.c.account_id, else_=table.c.account_id).label("whose"),
            *(table.c[key] for key in group),
            table.c.line,
        )
        .where(table.c.account_id.in_([*sources, *set(moves.values())]))
        .subquery()
    )
    last = await connection.execute(
        select(lines.c.whose, *(lines.c[key] for key in group), func.max(lines.c.line)).group_by(
            lines.c.whose, *(lines.c[key] for key in group)
        )
    )
    places = {tuple(row[:-1]): row[-1] for row in last}
    renumbered: list[dict[str, Any]] = []
    for source, *key, line in rows:
        place = (moves[source], *key)
        places[place] += 1
        renumbered.append(
            {"b_account": source, **{f"b_{k}": v for k, v in zip(group, key, strict=True)}}
            | {"b_line": line, "b_new": places[place]}
        )
    await connection.execute(
        update(table)
        .where(
            table.c.account_id == bindparam("b_account"),
            *(table.c[key] == bindparam(f"b_{key}") for key in group),
            table.c.line == bindparam("b_line"),
        )
        .values(line=bindparam("b_new")),
        renumbered,
    )
    return len(renumbered)


async def _move_lines(
    connection: AsyncConnection, table: Table, moves: Mapping[str, str]
) -> _Moved:
    """Moves the lines of the accounts of `moves` to their targets."""
    column = table.c.account_id
    target = case(dict(moves), value=column)
    held = table.alias("held")
    keys = [key.name for key in table.primary_key.columns if key.name != "account_id"]
    values = [c.name for c in table.columns if not c.primary_key]
    dropped = await connection.execute(
        delete(table).where(
            column.in_(list(moves)),
            exists().where(
                held.c.account_id == target,
                *(held.c[key] == table.c[key] for key in keys),
                *(held.c[name].is_not_distinct_from(table.c[name]) for name in values),
            ),
        )
    )
    group = [key for key in keys if key != "line"]
    renumbered = await _renumber(connection, table, moves, group)
    result = await connection.execute(
        update(table).where(column.in_(list(moves))).values(account_id=target)
    )
    return _Moved(result.rowcount, dropped.rowcount, renumbered)


async def _move_periods(connection: AsyncConnection, moves: Mapping[str, str]) -> None:
    """Moves the ledger periods of the accounts of `moves` to their targets, dropping those
    a target already has (one row per account and period end)."""
    table = LEDGER_PERIOD_TABLE
    column = table.c.account_id
    target = case(dict(moves), value=column)
    held = table.alias("held")
    await connection.execute(
        delete(table).where(
            column.in_(list(moves)),
            exists().where(held.c.account_id == target, held.c.period_end == table.c.period_end),
        )
    )
    # Two accounts moving onto one with the same period end: keep one of them.
    mine = table.alias("mine")
    await connection.execute(
        delete(table).where(
            column.in_(list(moves)),
            exists().where(
                mine.c.account_id.in_(list(moves)),
                case(dict(moves), value=mine.c.account_id) == target,
                mine.c.period_end == table.c.period_end,
                mine.c.account_id < column,
            ),
        )
    )
    await connection.execute(update(table).where(column.in_(list(moves))).values(account_id=target))


async def _still_for_parties(connection: AsyncConnection, accounts: Sequence[str]) -> set[str]:
    """Those of `accounts` still recorded as created for parties."""
    rows = await rows_with_keys(connection, PARTY_ACCOUNT_TABLE.c.account_id, accounts)
    return {row[0] for row in rows}


async def _referred_to(connection: AsyncConnection, accounts: Sequence[str]) -> set[str]:
    """The accounts that something other than sales and ledger loads refers to."""
    account = ACCOUNT_TABLE.c.account_id
    result = await connection.execute(
        select(account).where(
            account.in_(accounts),
            or_(
                exists().where(COMPANY_TABLE.c.account_id == account),
                exists().where(API_KEY_TABLE.c.account_id == account),
                exists().where(
                    METRIC_TABLE.c.level == Level.ACCOUNT.value,
                    METRIC_TABLE.c.entity_id == account,
                ),
            ),
        )
    )
    return set(result.scalars())


class PartyMoves:
    """The moves of one load, run in its transaction before its writes."""

    def __init__(self, moves: dict[str, str]) -> None:
        # Account created for a party -> the account its lines go to. The load's own lines
        # follow this dict: the moves no longer possible leave it.
        self.moves = moves

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        still = await _still_for_parties(connection, sorted(self.moves))
        real = sorted(source for source in self.moves if source not in still)
        for source in real:
            del self.moves[source]
        sources = sorted(self.moves)
        sales = _Moved()
        entries = _Moved()
        kept: list[str] = []
        for batched in batches(sources, _BATCH):
            batch = {source: self.moves[source] for source in batched}
            sales.add(await _move_lines(connection, SALE_LINE_TABLE, batch))
            entries.add(await _move_lines(connection, LEDGER_TABLE, batch))
            await _move_periods(connection, batch)
            for derived in _DERIVED_TABLES:
                await connection.execute(
                    delete(derived).where(derived.c.account_id.in_(list(batch)))
                )
            referred = await _referred_to(connection, list(batch))
            kept += sorted(referred)
            removed = [source for source in batch if source not in referred]
            if removed:
                await connection.execute(
                    delete(PARTY_ACCOUNT_TABLE).where(PARTY_ACCOUNT_TABLE.c.account_id.in_(removed))
                )
                await connection.execute(
                    delete(ACCOUNT_TABLE).where(ACCOUNT_TABLE.c.account_id.in_(removed))
                )
        notes = self._notes(sales, entries, kept) if sources else []
        if real:
            left = first_and_more(real, _NAMED_PAIRS, shown)
            notes.append(
                f"Left {left} where they are: accounts loads have made them real accounts "
                f"since this load read the accounts, so they are no longer moved"
            )
        return notes

    def _notes(self, sales: _Moved, entries: _Moved, kept: list[str]) -> list[str]:
        pairs = [
            f"{shown(source)} -> {shown(target)}" for source, target in sorted(self.moves.items())
        ]
        named = first_and_more(pairs, _NAMED_PAIRS)
        count = len(pairs)
        notes: list[str] = [
            MoveNote(
                f"Moved {_lines(sales.moved, entries.moved)} of "
                f"{counted(count, 'account', 'accounts')} created for parties by earlier loads "
                f"to the accounts the parties now link to ({named})",
                moved={SALE_LINE_TABLE.name: sales.moved, LEDGER_TABLE.name: entries.moved},
                removed={SALE_LINE_TABLE.name: sales.dropped, LEDGER_TABLE.name: entries.dropped},
            )
        ]
        dropped = sales.dropped + entries.dropped
        if dropped:
            notes.append(
                f"Dropped {_lines(sales.dropped, entries.dropped)} of those accounts that "
                f"the accounts they moved to held already (same date, invoice, place and "
                f"amount): nothing counts twice"
            )
        if sales.renumbered + entries.renumbered:
            notes.append(
                f"Kept {_lines(sales.renumbered, entries.renumbered)} whose date, invoice and "
                f"place the accounts they moved to held with another amount, as other lines "
                f"of that day"
            )
        removed = count - len(kept)
        if removed:
            notes.append(f"Removed {removed:,} of those accounts, left empty")
        if kept:
            notes.append(
                f"Kept {len(kept):,} of them, now without sales or ledger lines, because a "
                f"company, an account metric value or an API key refers to them: "
                f"{first_and_more(kept, _NAMED_PAIRS, shown)}"
            )
        return notes


def _lines(sales: int, entries: int) -> str:
    return (
        f"{counted(sales, 'sale line', 'sale lines')} and "
        f"{counted(entries, 'ledger entry', 'ledger entries')}"
    )

"""Moving the accounts that earlier sales and ledger loads created for parties onto the
accounts those parties now link to (by name, or by a mapping): the first step of the load's
transaction, before the file's own lines are written (store/ingest/kinds/parties.py).

Their sale lines and ledger entries take the new account; a line the new account holds
already under the same key (date, invoice or reference, place) stays as it is and the moved
one is dropped, so nothing counts twice. Their segments are dropped (the load recomputes its
app's). An account then goes, unless something a sales or ledger load did not make refers to
it (a company, an account-level metric value, an API key): it stays, empty, and the load
says so. The statements are a fixed number per batch of accounts, whatever their lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Table, case, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.progress import IngestProgress
from store.ingest.report import shown
from store.tables import (
    ACCOUNT_TABLE,
    API_KEY_TABLE,
    COMPANY_TABLE,
    CREDIT_RISK_TABLE,
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


async def _move_lines(connection: AsyncConnection, table: Table, moves: Mapping[str, str]) -> int:
    """Moves the lines of the accounts of `moves` to their targets; how many moved."""
    column = table.c.account_id
    target = case(dict(moves), value=column)
    held = table.alias("held")
    keys = [key.name for key in table.primary_key.columns if key.name != "account_id"]
    await connection.execute(
        delete(table).where(
            column.in_(list(moves)),
            exists().where(
                held.c.account_id == target, *(held.c[key] == table.c[key] for key in keys)
            ),
        )
    )
    result = await connection.execute(
        update(table).where(column.in_(list(moves))).values(account_id=target)
    )
    return result.rowcount


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

    def __init__(self, moves: Mapping[str, str]) -> None:
        # Account created for a party -> the account its lines go to.
        self.moves = dict(moves)

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        sources = sorted(self.moves)
        sales = entries = 0
        kept: list[str] = []
        for start in range(0, len(sources), _BATCH):
            batch = {source: self.moves[source] for source in sources[start : start + _BATCH]}
            sales += await _move_lines(connection, SALE_LINE_TABLE, batch)
            entries += await _move_lines(connection, LEDGER_TABLE, batch)
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
        return self._notes(sales, entries, kept)

    def _notes(self, sales: int, entries: int, kept: list[str]) -> list[str]:
        pairs = [
            f"{shown(source)} -> {shown(target)}" for source, target in sorted(self.moves.items())
        ]
        named = ", ".join(pairs[:_NAMED_PAIRS])
        if len(pairs) > _NAMED_PAIRS:
            named += f" and {len(pairs) - _NAMED_PAIRS:,} more"
        count = len(pairs)
        accounts = "account" if count == 1 else "accounts"
        notes = [
            f"Moved {sales:,} sale lines and {entries:,} ledger entries of {count:,} {accounts} "
            f"created for parties by earlier loads to the accounts the parties now link to "
            f"({named})"
        ]
        removed = count - len(kept)
        if removed:
            notes.append(f"Removed {removed:,} of those accounts, left empty")
        if kept:
            listed = ", ".join(shown(account) for account in kept[:_NAMED_PAIRS])
            if len(kept) > _NAMED_PAIRS:
                listed += f" and {len(kept) - _NAMED_PAIRS:,} more"
            notes.append(
                f"Kept {len(kept):,} of them, now without sales or ledger lines, because a "
                f"company, an account metric value or an API key refers to them: {listed}"
            )
        return notes

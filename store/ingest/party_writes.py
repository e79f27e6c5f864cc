"""The first step of a sales or ledger load's write transaction: under the party lock
(store/ingest/party_lock.py), what the load decided from the accounts it read before the file
was checked is checked again against the accounts as they are now.

- An account created for a party that an accounts load has made real since is no longer
  moved or removed: only the accounts still recorded as created for parties move
  (store/ingest/party_moves.py); the load's own lines follow only those moves.
- A new account another load has created since (same id) is not recorded as created for a
  party: it may be a real account now. One of another app refuses the file.
- An account created for a party that the load takes, and another load has moved away since,
  refuses the file: loading it again decides the party anew.

Each refusal is one line and leaves nothing written: the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import rows_with_keys
from store.ingest.party_lock import lock_party_accounts
from store.ingest.party_moves import PartyMoves
from store.ingest.plan import Values
from store.ingest.progress import IngestProgress
from store.ingest.report import short_list
from store.tables import ACCOUNT_TABLE

_AGAIN = "another load changed these accounts while this file was read: load the file again"


async def _apps_of(connection: AsyncConnection, ids: Sequence[str]) -> dict[str, str]:
    """The app of each of `ids` that is an account now."""
    account = ACCOUNT_TABLE.c
    rows = await rows_with_keys(connection, account.account_id, ids, account.app_id)
    return {row[0]: row[1] for row in rows}


class NewPartyAccounts:
    """The `party_account` rows (account, app, party) of the accounts a load creates for
    parties: those that no other load has created since it read the accounts (known once
    `PartyWrites` ran)."""

    def __init__(self, app: str, parties: Mapping[str, str]) -> None:
        self._app = app
        # New account id -> the party's value it is created for.
        self._parties = parties
        self.ids: Collection[str] = parties.keys()
        self._existing: set[str] = set()

    def __len__(self) -> int:
        return len(self.ids) - len(self._existing)

    def __iter__(self) -> Iterator[Values]:
        existing, app = self._existing, self._app
        return (
            (account, app, party)
            for account, party in self._parties.items()
            if account not in existing
        )

    async def settle(self, connection: AsyncConnection, app: str) -> None:
        found = await _apps_of(connection, list(self.ids))
        elsewhere = sorted(account for account, other in found.items() if other != app)
        if elsewhere:
            raise FileRejected(
                f"parties of this file are new accounts of app {app!r}, but accounts of "
                f"another app have since been loaded with their ids "
                f"({short_list(elsewhere, 'accounts', 'accounts')}): {_AGAIN}"
            )
        self._existing = set(found)


class PartyWrites:
    """`WritePlan.before` of a sales or ledger load whose parties involve accounts created
    for parties (new ones, or by earlier loads)."""

    def __init__(
        self,
        *,
        app: str,
        new: NewPartyAccounts,
        taken: Collection[str],
        moves: dict[str, str],
    ) -> None:
        self._app = app
        self._new = new
        # Accounts created for parties by earlier loads that the load's lines go to.
        self._taken = taken
        # Shared with the rows of the load, which follow the moves that remain.
        self._moves = moves

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        await lock_party_accounts(connection)
        if self._taken:
            taken = sorted(self._taken)
            gone = sorted(set(taken) - set(await _apps_of(connection, taken)))
            if gone:
                raise FileRejected(
                    f"accounts that earlier loads created for parties of this file have since "
                    f"been moved to other accounts ({short_list(gone, 'accounts', 'accounts')}): "
                    f"{_AGAIN}"
                )
        if self._new.ids:
            await self._new.settle(connection, self._app)
        if not self._moves:
            return []
        return await PartyMoves(self._moves)(connection, progress)

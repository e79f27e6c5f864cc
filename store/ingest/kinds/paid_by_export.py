"""Customers whose invoices the export says are paid, while their ledger holds no payment.

Zoho Books' invoice export gives each invoice's `Balance` beside its `Total`: what is still
owed once its payments and credits are set against it. Its payments are another export
(Customer Payments), so a ledger of the invoice export alone counts every invoice unpaid, and
its credit risk finds paid invoices overdue (a score near 0 for a customer who pays on time).
The ledger load names the customers of its file with an invoice whose balance is below its
total and no payment or credit in their stored ledger, in one line, so that the user loads
the payments too. Read from the stored ledger after the load's writes, so that payments an
earlier load gave count (in either order of loading), in one statement per thousand customers.
The mirror of `payments_only`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.ledger_kinds import OWED_KINDS
from analytics.name_lists import first_and_more
from store.tables import ACCOUNT_TABLE, LEDGER_TABLE

_SHOWN = 3
_CHUNK = 1000
_ledger = LEDGER_TABLE.c
_account = ACCOUNT_TABLE.c


async def without_credits(connection: AsyncConnection, accounts: Collection[str]) -> list[str]:
    """The names of `accounts` (account ids) whose stored ledger has no payment or other
    credit (an entry of a kind that is not owed), by name then id."""
    owed = [kind.value for kind in OWED_KINDS]
    ordered = sorted(accounts)
    found: list[tuple[str, str]] = []
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        credited = select(_ledger.account_id).where(
            _ledger.account_id.in_(chunk), _ledger.kind.not_in(owed)
        )
        statement = select(_account.account_id, _account.name).where(
            _account.account_id.in_(chunk), _account.account_id.not_in(credited)
        )
        found.extend((row.name, row.account_id) for row in await connection.execute(statement))
    return [name for name, _account_id in sorted(found)]


def paid_by_export_note(names: Sequence[str]) -> list[str]:
    """One line naming the customers `without_credits` found (the first few); none without."""
    if not names:
        return []
    shown = first_and_more(names, _SHOWN)
    return [
        f"{counted(len(names), 'customer has', 'customers have')} invoices the file says are "
        f"paid in whole or in part (a Balance below the Total) but no payment in the ledger "
        f"({shown}): their credit risk counts those invoices unpaid until a ledger with "
        f"their payments is loaded (Zoho Books' Customer Payments export)"
    ]

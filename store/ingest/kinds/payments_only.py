"""Customers whose ledger, as a load leaves it, holds payments and nothing that was owed.

Credit risk measures invoices: what was owed, when it fell due, when it was paid. A customer
whose ledger has payments but no invoice and no opening balance owed (Zoho Books' Customer
Payments export loaded alone, a Day Book's receipts of customers whose sales vouchers are in
another book) has nothing to measure, and its credit risk says nothing is owed: a score of
100, the best, whatever its real invoices say. The ledger load names such customers in one
line, so that the user loads their invoices too (a sales load gives a ledger none; Zoho
Books' invoice export loads as a ledger) or knows them for advances. Read from the stored
ledger after the load's writes, so that invoices an earlier ledger load gave count, in one
statement per thousand customers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.ledger_kinds import OWED_KINDS, EntryKind
from analytics.name_lists import first_and_more
from store.tables import ACCOUNT_TABLE, LEDGER_TABLE

_SHOWN = 3
_CHUNK = 1000
_ledger = LEDGER_TABLE.c
_account = ACCOUNT_TABLE.c


async def payments_only(connection: AsyncConnection, accounts: Collection[str]) -> list[str]:
    """The names of `accounts` (account ids) whose stored ledger has a payment and no
    invoice or opening balance owed, by name then id."""
    owed = [kind.value for kind in OWED_KINDS]
    ordered = sorted(accounts)
    found: list[tuple[str, str]] = []
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        statement = (
            select(_account.account_id, _account.name)
            .join(LEDGER_TABLE, _ledger.account_id == _account.account_id)
            .where(_account.account_id.in_(chunk))
            .group_by(_account.account_id, _account.name)
            .having(func.sum(case((_ledger.kind.in_(owed), 1), else_=0)) == 0)
            .having(func.sum(case((_ledger.kind == EntryKind.PAYMENT.value, 1), else_=0)) > 0)
        )
        found.extend((row.name, row.account_id) for row in await connection.execute(statement))
    return [name for name, _account_id in sorted(found)]


def payments_only_note(names: Sequence[str]) -> list[str]:
    """One line naming the customers `payments_only` found (the first few); none without."""
    if not names:
        return []
    shown = first_and_more(names, _SHOWN)
    return [
        f"{counted(len(names), 'customer has', 'customers have')} payments in the ledger but "
        f"no invoice and no opening balance owed ({shown}): their credit risk finds "
        f"nothing owed (a score of 100) until a ledger with their invoices is loaded (a sales "
        f"load adds no invoices to the ledger; Zoho Books' invoice export loads as a ledger "
        f"too), unless those payments are advances"
    ]

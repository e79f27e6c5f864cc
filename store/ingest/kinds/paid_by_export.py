"""Customers whose invoices the export says are paid, while their ledger holds no payment.

Zoho Books' invoice export gives each invoice's `Balance` beside its `Total`: what is still
owed once its payments and credits are set against it. Its payments are another export
(Customer Payments), so a ledger of the invoice export alone counts every invoice unpaid, and
its credit risk finds paid invoices overdue (a score near 0 for a customer who pays on time).
QuickBooks' Invoice List alike gives each invoice's `Open Balance` beside its `Amount`, and
its payments are in another report (Transaction List by Customer). The balance is not turned
into payments: the file says neither when nor how an invoice was paid, and the payments'
own report, loaded later, would count them a second time.
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
from analytics.export_columns import normalize
from analytics.ledger_kinds import OWED_KINDS
from analytics.name_lists import first_and_more
from store.tables import ACCOUNT_TABLE, LEDGER_TABLE

_SHOWN = 3
# QuickBooks' column of what is still owed of each document (Invoice List, A/R Aging Detail,
# Customer Balance Detail): never a running balance, so read whatever else the file holds.
_OPEN_BALANCE = normalize("Open Balance")
# Where the payments are, by the balance column's name: Zoho Books' `Balance` otherwise.
_PAYMENTS = {
    _OPEN_BALANCE: "QuickBooks' Transaction List by Customer, whose Payment lines they are",
}
_ZOHO_PAYMENTS = "Zoho Books' Customer Payments export"
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


def is_open_balance(column: str | None) -> bool:
    """Whether a balance column is QuickBooks' `Open Balance`: each document's own, read in
    any file (a bare `Balance` only in an invoice export: elsewhere it may be running)."""
    return column is not None and normalize(column) == _OPEN_BALANCE


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def paid_by_export_note(
    names: Sequence[str], *, balance: str = "Balance", total: str = "Total"
) -> list[str]:
    """One line naming the customers `without_credits` found (the first few); none without.
    `balance` and `total`: the file's names of the columns compared."""
    if not names:
        return []
    shown = first_and_more(names, _SHOWN)
    payments = _PAYMENTS.get(normalize(balance), _ZOHO_PAYMENTS)
    return [
        f"{counted(len(names), 'customer has', 'customers have')} invoices the file says are "
        f"paid in whole or in part ({_article(balance)} {balance} below the {total}) but no "
        f"payment in the ledger ({shown}): their credit risk counts those invoices unpaid "
        f"until a ledger with their payments is loaded ({payments})"
    ]

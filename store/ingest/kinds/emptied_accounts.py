"""The accounts an older release made of what is no customer, once a load has removed their
lines: the `Not Specified` account of QuickBooks' sales without a customer (the group its
report puts walk-in sales under), and a Day Book's parties that are no customer (`Cash`, a bank,
sales or tax ledger, a supplier or an expense paid: `store.ingest.kinds.export_party`).

This release skips those lines, and a reload removes the ones an older release stored under
such an account (`store.ingest.kinds.withdrawn_invoices`); the account itself would stay, an
empty customer in every list. The same load removes it when it holds nothing: no sale line,
ledger entry or ledger period, no company, no metric, no API key, and nothing a user gave it
(an industry, a size, the key-account mark). Its party link and derived rows (segments, sales
profile, credit risk, recomputed by the load) go with it. An account holding anything stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.kinds.group_headings import names_no_customer
from store.tables import ACCOUNT_TABLE, METADATA

# Tables whose rows of an account are something it holds.
_HOLDING = ("sale_line", "ledger_entry", "ledger_period", "company", "api_key")
# Rows derived from an account's lines or linking a party to it: they go with it.
_DERIVED = ("quarter_segment", "sales_profile", "credit_risk", "party_account")


async def remove_emptied_no_customer_accounts(
    connection: AsyncConnection,
    *,
    app: str,
    accounts: Iterable[str],
    no_customers: Mapping[str, str] | None = None,
) -> list[str]:
    """Remove those of `accounts` (of `app`) that name no customer (`Not Specified`, or one
    of `no_customers`: the accounts of parties the load's file shows are none, with what
    each is) and hold nothing; a note for each removed."""
    no_customers = no_customers or {}
    wanted = sorted(set(accounts))
    if not wanted:
        return []
    account = ACCOUNT_TABLE.c
    rows = await connection.execute(
        select(account.account_id, account.name).where(
            account.app_id == app,
            account.account_id.in_(wanted),
            account.industry_id.is_(None),
            account.n_employees.is_(None),
            account.is_key_account.is_(False),
        )
    )
    candidates = [
        account_id
        for account_id, name in rows
        if names_no_customer(account_id) or names_no_customer(name) or account_id in no_customers
    ]
    if not candidates:
        return []
    tables = METADATA.tables
    metric = tables["metric_value"].c
    holds = [exists().where(tables[name].c.account_id == account.account_id) for name in _HOLDING]
    holds.append(
        exists().where(and_(metric.level == "account", metric.entity_id == account.account_id))
    )
    empty = (
        (
            await connection.execute(
                select(account.account_id).where(
                    account.account_id.in_(candidates), *(~held for held in holds)
                )
            )
        )
        .scalars()
        .all()
    )
    notes: list[str] = []
    for account_id in sorted(empty):
        for name in _DERIVED:
            table = tables[name]
            await connection.execute(delete(table).where(table.c.account_id == account_id))
        await connection.execute(delete(ACCOUNT_TABLE).where(account.account_id == account_id))
        what = no_customers.get(account_id)
        made_of = (
            "sales without a customer (`Not Specified`)"
            if what is None
            else f"a party this file shows is {what}"
        )
        notes.append(
            f"Removed the account `{account_id}` of app {app}: an older release made it of "
            f"{made_of}, and it holds nothing now"
        )
    return notes

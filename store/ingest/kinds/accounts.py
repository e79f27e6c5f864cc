"""accounts: `account_id`, `name`; optional `industry`, `is_key_account`, `n_employees`, `app`.

An account's app is its row's `app`, else `--app`, else `default`; apps and industries the
file names that do not exist yet are created. A load never moves an existing account to
another app: such a row is bad. An account that a sales or ledger load created for a party
becomes a real account when an accounts file loads its id (store/ingest/kinds/parties.py);
the write takes the party lock first (store/ingest/party_lock.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.columns import ColumnSpec
from store.ingest.errors import RowProblem
from store.ingest.keyed_rows import batches
from store.ingest.kinds.base import (
    FirstLines,
    IngestOptions,
    KindLoader,
    apps_of,
    existing_ids,
    move_reason,
    optional,
    required,
    table,
    table_write,
)
from store.ingest.kinds.industry_cells import IndustryCells, stored_industries
from store.ingest.kinds.scanned_cells import ScansCells
from store.ingest.kinds.total_rows import TotalRows
from store.ingest.party_lock import party_lock_step
from store.ingest.plan import CompareBy, WriteMode, WritePlan
from store.ingest.progress import IngestProgress
from store.ingest.reading import Row
from store.ingest.values import parse_bool

DEFAULT_APP = "default"
# Ids per statement when the follow-up looks them up.
_ID_BATCH = 1000

COLUMNS = ColumnSpec(
    required=("account_id", "name"),
    optional=("industry", "is_key_account", "n_employees", "app"),
    aliases={"industry_id": "industry", "app_id": "app"},
)
# The app is always written: when the file has no app column it is --app or the default.
_OPTIONAL_COLUMNS = {
    "industry": "industry_id",
    "is_key_account": "is_key_account",
    "n_employees": "n_employees",
}

_parse_is_key_account = partial(parse_bool, column="is_key_account")


class AccountsValidator(ScansCells):
    def __init__(
        self,
        *,
        apps: set[str],
        industries: IndustryCells,
        default_app: str,
        accounts: dict[str, str] | None = None,
    ) -> None:
        # The app of every existing account.
        self._accounts = accounts or {}
        self._apps = apps
        self._new_apps: list[str] = []
        self._industries = industries
        self._default_app = default_app
        self._rows: list[dict[str, Any]] = []
        self._lines = FirstLines()
        # Numbers as the file writes them (`1,200`), decided from the whole file.
        super().__init__(numbers=("n_employees",))
        self._n_employees = self._counts("n_employees")
        self._totals = TotalRows(("account_id", "name"), self._accounts)

    def _app(self, app: str) -> str:
        if app not in self._apps:
            self._apps.add(app)
            self._new_apps.append(app)
        return app

    def check(self, line: int, row: Row) -> list[str]:
        if self._totals.skip(row):
            return []
        reasons: list[str] = []
        account_id = required(row, "account_id", reasons)
        name = required(row, "name", reasons)
        industry = self._industries.cell(row.get("industry"), reasons)
        is_key_account = optional(row, "is_key_account", _parse_is_key_account, False, reasons)
        n_employees = optional(row, "n_employees", self._n_employees, None, reasons)
        if account_id and (
            duplicate := self._lines.duplicate_reason(account_id, line, "account_id")
        ):
            reasons.append(duplicate)
        app = row.get("app") or self._default_app
        existing = self._accounts.get(account_id)
        if existing is not None and existing != app:
            reasons.append(move_reason("account", account_id, existing, app))
        if not reasons:
            self._rows.append(
                {
                    "account_id": account_id,
                    "app_id": self._app(app),
                    "name": name,
                    "industry_id": industry,
                    "is_key_account": is_key_account,
                    "n_employees": n_employees,
                }
            )
        return reasons

    def finish(self) -> list[RowProblem]:
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        apps = table_write(
            "app",
            ({"app_id": app} for app in self._new_apps),
            always=("app_id",),
            mode=WriteMode.INSERT_MISSING,
        )
        accounts = table_write(
            "account",
            self._rows,
            always=("account_id", "app_id", "name"),
            optional=_OPTIONAL_COLUMNS,
            present=present,
            compare=CompareBy(("account_id",)),
        )
        return WritePlan(
            writes=[apps, self._industries.write(), accounts],
            rows=len(self._rows),
            created={"apps": self._new_apps, "industries": self._industries.created},
            notes=[*self._scan.notes(), *self._totals.notes(), *self._industries.notes()],
            # Before its accounts are written, so that a sales or ledger load that decided
            # its parties from them sees either none of this load or all of it.
            before=party_lock_step,
            after=_Adopted([row["account_id"] for row in self._rows]),
        )


class _Adopted:
    """The follow-up of an accounts load: accounts created for parties by sales or ledger
    loads whose ids the file loads are real accounts from now on."""

    def __init__(self, account_ids: Sequence[str]) -> None:
        self.account_ids = account_ids

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        for_party = table("party_account")
        adopted = 0
        # Most databases have none (exports loaded after their accounts): one look, no more.
        if not await connection.scalar(select(exists().select_from(for_party))):
            return []
        for batch in batches(self.account_ids, _ID_BATCH):
            result = await connection.execute(
                delete(for_party).where(for_party.c.account_id.in_(batch))
            )
            adopted += result.rowcount
        if not adopted:
            return []
        return [
            f"{adopted:,} of these accounts had been created for parties of sales or ledger "
            f"files: they are real accounts now"
        ]


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> AccountsValidator:
    return AccountsValidator(
        apps=await existing_ids(connection, "app", "app_id"),
        industries=IndustryCells(await stored_industries(connection)),
        default_app=options.app or DEFAULT_APP,
        accounts=await apps_of(connection, "account"),
    )


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

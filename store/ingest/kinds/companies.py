"""companies: `company_id`, `account_id`, `name`; optional `industry`, `n_employees`.

The account must exist; industries that do not exist yet are created. With `--app`, the
accounts must be of that app; a company never moves to an account of another app.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.columns import ColumnSpec
from store.ingest.errors import RowProblem
from store.ingest.kinds.base import (
    FirstLines,
    IngestOptions,
    KindLoader,
    ParentApps,
    apps_of,
    optional,
    required,
    table_write,
)
from store.ingest.kinds.industry_cells import IndustryCells, stored_industries
from store.ingest.kinds.scanned_cells import ScansCells
from store.ingest.kinds.total_rows import TotalRows
from store.ingest.plan import CompareBy, WritePlan
from store.ingest.reading import Row

COLUMNS = ColumnSpec(
    required=("company_id", "account_id", "name"),
    optional=("industry", "n_employees"),
    aliases={"industry_id": "industry"},
)
_OPTIONAL_COLUMNS = {"industry": "industry_id", "n_employees": "n_employees"}


class CompaniesValidator(ScansCells):
    def __init__(
        self,
        *,
        accounts: dict[str, str],
        industries: IndustryCells,
        companies: dict[str, str] | None = None,
        app: str | None = None,
    ) -> None:
        self._parents = ParentApps(
            parent="account", child="company", parents=accounts, children=companies or {}, app=app
        )
        self._industries = industries
        self._rows: list[dict[str, Any]] = []
        self._lines = FirstLines()
        # Numbers as the file writes them (`1,200`), decided from the whole file.
        super().__init__(numbers=("n_employees",))
        self._n_employees = self._counts("n_employees")
        self._totals = TotalRows(("company_id", "name"), companies or {})

    def check(self, line: int, row: Row) -> list[str]:
        if self._totals.skip(row):
            return []
        reasons: list[str] = []
        company_id = required(row, "company_id", reasons)
        account_id = required(row, "account_id", reasons)
        name = required(row, "name", reasons)
        industry = self._industries.cell(row.get("industry"), reasons)
        n_employees = optional(row, "n_employees", self._n_employees, None, reasons)
        self._parents.check(company_id, account_id, reasons)
        if company_id and (
            duplicate := self._lines.duplicate_reason(company_id, line, "company_id")
        ):
            reasons.append(duplicate)
        if not reasons:
            self._rows.append(
                {
                    "company_id": company_id,
                    "account_id": account_id,
                    "name": name,
                    "industry_id": industry,
                    "n_employees": n_employees,
                }
            )
        return reasons

    def finish(self) -> list[RowProblem]:
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        write = table_write(
            "company",
            self._rows,
            always=("company_id", "account_id", "name"),
            optional=_OPTIONAL_COLUMNS,
            present=present,
            compare=CompareBy(("company_id",)),
        )
        return WritePlan(
            writes=[self._industries.write(), write],
            rows=len(self._rows),
            created={"industries": self._industries.created},
            notes=[*self._scan.notes(), *self._totals.notes(), *self._industries.notes()],
        )


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> CompaniesValidator:
    return CompaniesValidator(
        accounts=await apps_of(connection, "account"),
        industries=IndustryCells(await stored_industries(connection)),
        companies=await apps_of(connection, "company"),
        app=options.app,
    )


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

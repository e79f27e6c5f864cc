"""contracts: `contract_id`, `company_id`, `name`; optional `start_date`, `end_date`.

The company must exist; a contract may not end before it starts. With `--app`, the companies
must be of that app; a contract never moves to a company of another app.
"""

from __future__ import annotations

import datetime as dt
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
from store.ingest.kinds.scanned_cells import ScansCells
from store.ingest.kinds.total_rows import TotalRows
from store.ingest.plan import CompareBy, WritePlan
from store.ingest.reading import Row

COLUMNS = ColumnSpec(
    required=("contract_id", "company_id", "name"),
    optional=("start_date", "end_date"),
    aliases={"start": "start_date", "end": "end_date"},
)
_OPTIONAL_COLUMNS = {"start_date": "start_date", "end_date": "end_date"}


class ContractsValidator(ScansCells):
    def __init__(
        self,
        *,
        companies: dict[str, str],
        contracts: dict[str, str] | None = None,
        app: str | None = None,
    ) -> None:
        self._parents = ParentApps(
            parent="company", child="contract", parents=companies, children=contracts or {}, app=app
        )
        self._rows: list[dict[str, Any]] = []
        self._lines = FirstLines()
        # Dates as the file writes them (`01/04/2025`), their order decided from them all.
        super().__init__(dates=("start_date", "end_date"))
        self._start = self._dates("start_date")
        self._end = self._dates("end_date")
        self._totals = TotalRows(("contract_id", "name"), contracts or {})

    def check(self, line: int, row: Row) -> list[str]:
        if self._totals.skip(row):
            return []
        reasons: list[str] = []
        contract_id = required(row, "contract_id", reasons)
        company_id = required(row, "company_id", reasons)
        name = required(row, "name", reasons)
        start: dt.date | None = optional(row, "start_date", self._start, None, reasons)
        end: dt.date | None = optional(row, "end_date", self._end, None, reasons)
        self._parents.check(contract_id, company_id, reasons)
        if start is not None and end is not None and end < start:
            reasons.append(f"end_date {end} is before start_date {start}")
        if contract_id and (
            duplicate := self._lines.duplicate_reason(contract_id, line, "contract_id")
        ):
            reasons.append(duplicate)
        if not reasons:
            self._rows.append(
                {
                    "contract_id": contract_id,
                    "company_id": company_id,
                    "name": name,
                    "start_date": start,
                    "end_date": end,
                }
            )
        return reasons

    def finish(self) -> list[RowProblem]:
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        write = table_write(
            "contract",
            self._rows,
            always=("contract_id", "company_id", "name"),
            optional=_OPTIONAL_COLUMNS,
            present=present,
            compare=CompareBy(("contract_id",)),
        )
        return WritePlan(
            writes=[write], rows=len(self._rows), notes=[*self._scan.notes(), *self._totals.notes()]
        )


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> ContractsValidator:
    return ContractsValidator(
        companies=await apps_of(connection, "company"),
        contracts=await apps_of(connection, "contract"),
        app=options.app,
    )


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

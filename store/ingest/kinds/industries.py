"""industries: `industry_id`, `name`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.columns import ColumnSpec
from store.ingest.errors import RowProblem
from store.ingest.kinds.base import FirstLines, IngestOptions, KindLoader, required, table_write
from store.ingest.plan import CompareBy, WritePlan
from store.ingest.reading import Row

COLUMNS = ColumnSpec(required=("industry_id", "name"), aliases={"industry": "industry_id"})


class IndustriesValidator:
    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []
        self._lines = FirstLines()

    def check(self, line: int, row: Row) -> list[str]:
        reasons: list[str] = []
        industry_id = required(row, "industry_id", reasons)
        name = required(row, "name", reasons)
        if industry_id and (
            duplicate := self._lines.duplicate_reason(industry_id, line, "industry_id")
        ):
            reasons.append(duplicate)
        if not reasons:
            self._rows.append({"industry_id": industry_id, "name": name})
        return reasons

    def finish(self) -> list[RowProblem]:
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        write = table_write(
            "industry",
            self._rows,
            always=("industry_id", "name"),
            compare=CompareBy(("industry_id",)),
        )
        return WritePlan(writes=[write], rows=len(self._rows))


async def _prepare(_connection: AsyncConnection, _options: IngestOptions) -> IndustriesValidator:
    return IndustriesValidator()


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

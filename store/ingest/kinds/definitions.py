"""definitions: `name`, `unit`; optional `description`, `higher_is_better`, `aggregation`, and
`lower_bound` with `upper_bound`: the range values are clamped to in private releases."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.columns import ColumnSpec
from store.ingest.errors import RowProblem
from store.ingest.kinds.base import (
    FirstLines,
    IngestOptions,
    KindLoader,
    optional,
    required,
    table_write,
)
from store.ingest.party_lock import party_lock_step
from store.ingest.plan import CompareBy, WritePlan
from store.ingest.reading import Row
from store.ingest.values import BadValue, parse_bool, parse_choice, parse_decimal, parse_unit
from store.tables import AGGREGATIONS

COLUMNS = ColumnSpec(
    required=("name", "unit"),
    optional=("description", "higher_is_better", "aggregation", "lower_bound", "upper_bound"),
    aliases={"metric_name": "name", "metric": "name"},
)
_OPTIONAL_COLUMNS = {name: name for name in COLUMNS.optional}

_parse_higher_is_better = partial(parse_bool, column="higher_is_better")
_parse_aggregation = partial(parse_choice, choices=AGGREGATIONS, column="aggregation")
_parse_lower = partial(parse_decimal, column="lower_bound")
_parse_upper = partial(parse_decimal, column="upper_bound")


class DefinitionsValidator:
    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []
        self._lines = FirstLines()

    def check(self, line: int, row: Row) -> list[str]:
        reasons: list[str] = []
        name = required(row, "name", reasons)
        unit_text = required(row, "unit", reasons)
        unit = ""
        if unit_text:
            try:
                unit = parse_unit(unit_text)
            except BadValue as exc:
                reasons.append(str(exc))
        higher_is_better = optional(row, "higher_is_better", _parse_higher_is_better, True, reasons)
        aggregation = optional(row, "aggregation", _parse_aggregation, "mean", reasons)
        lower: Decimal | None = optional(row, "lower_bound", _parse_lower, None, reasons)
        upper: Decimal | None = optional(row, "upper_bound", _parse_upper, None, reasons)
        if (lower is None) != (upper is None):
            reasons.append("lower_bound and upper_bound go together: give both or neither")
        elif lower is not None and upper is not None and not lower < upper:
            reasons.append(f"lower_bound {lower} must be below upper_bound {upper}")
        if name and (duplicate := self._lines.duplicate_reason(name, line, "metric name")):
            reasons.append(duplicate)
        if not reasons:
            self._rows.append(
                {
                    "name": name,
                    "unit": unit,
                    "description": row.get("description") or "",
                    "higher_is_better": higher_is_better,
                    "aggregation": aggregation,
                    "lower_bound": lower,
                    "upper_bound": upper,
                }
            )
        return reasons

    def finish(self) -> list[RowProblem]:
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        write = table_write(
            "metric_definition",
            self._rows,
            always=("name", "unit"),
            optional=_OPTIONAL_COLUMNS,
            present=present,
            # Counted, so that a reload says how many definitions were new, changed or kept.
            compare=CompareBy(("name",)),
        )
        # The loads' lock first, as every load of what a publish computes from takes one of
        # them: a publish checks the definitions and writes its figures under both
        # (store/write_locks.py), and no bound changes between its check and its write.
        return WritePlan(writes=[write], rows=len(self._rows), before=party_lock_step)


async def _prepare(_connection: AsyncConnection, _options: IngestOptions) -> DefinitionsValidator:
    return DefinitionsValidator()


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

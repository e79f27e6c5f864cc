"""metrics: `level`, `entity_id`, `metric_name`, `effective_date`, `value`; optional `unit`.

The hot path of ingest (files of ten million rows): rows are checked in a plain loop against
ids loaded once per level, and handed as compact tuples, a chunk at a time, to a staging table
(store/ingest/staging.py) that finds duplicates and writes them, so memory stays bounded.
Values stay exact decimals with the digits as written.

With `--app`, every entity must be an account, company or contract of that app; industry-level
values, which every app shares, are loaded without `--app`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.units import same_unit
from store.ingest.blocks import ColumnBlock
from store.ingest.cell_formats import Formats, FormatsEvidence, format_notes
from store.ingest.columns import ColumnSpec
from store.ingest.errors import RowProblem
from store.ingest.kinds.base import (
    IngestOptions,
    KindLoader,
    apps_of,
    existing_ids,
    other_app_reason,
    table,
)
from store.ingest.kinds.total_rows import TotalRows
from store.ingest.plan import TableWrite, WriteMode, WritePlan
from store.ingest.reading import Row
from store.ingest.staging import StagedColumns, StagedRow
from store.ingest.values import BadValue, decimal_texts, parse_decimal, parse_month, parse_unit
from store.tables import Level

COLUMNS = ColumnSpec(
    required=("level", "entity_id", "metric_name", "effective_date", "value"),
    optional=("unit",),
    aliases={"entity": "entity_id", "metric": "metric_name", "date": "effective_date"},
)

# Where the ids of each level live.
_ENTITY_TABLES = {
    "account": ("account", "account_id"),
    "company": ("company", "company_id"),
    "contract": ("contract", "contract_id"),
    "industry": ("industry", "industry_id"),
}
_LEVEL_LIST = ", ".join(Level)
# The kind of file that loads the entities of each level, for the hint of an unknown id.
_FILE_KIND = {
    "account": "accounts",
    "company": "companies",
    "contract": "contracts",
    "industry": "industries",
}


# Distinct date texts the fast path remembers (every day of 30 years, written two ways).
_MONTHS_REMEMBERED = 25_000
# In a column of plainly written numbers (`values.decimal_texts`' fast path), one that can only
# have a decimal point: digits after its point, but not three (`1.234` could be 1234).
_POINT_ONLY = re.compile(r"\.(?:\d{1,2}|\d{4,})(?:\n|\Z)")


class _AnyEntity:
    """Whether a text is the id of an entity of any level (a total line's label is not)."""

    def __init__(self, entities: dict[str, dict[str, str]]) -> None:
        self._entities = entities

    def __contains__(self, text: object) -> bool:
        return any(text in ids for ids in self._entities.values())


class MetricsValidator:
    def __init__(
        self,
        *,
        entities: dict[str, dict[str, str]],
        units: dict[str, str],
        app: str | None = None,
        elsewhere: dict[str, dict[str, str]] | None = None,
    ) -> None:
        # Per level, each id mapped to itself: the kept rows share the database's id strings
        # instead of holding a copy per row. With --app, only that app's entities.
        self._entities = entities
        # With --app, the app of the entities of other apps, to say why they are refused.
        self._app = app
        self._elsewhere = elsewhere or {}
        # Units of the metrics defined in the database, as defined: a row's unit may spell
        # them otherwise (`EUR` for `euros`), as long as it names the same unit.
        self._units = units
        # Metrics defined by this file's unit column: name -> (unit as the first row wrote
        # it, trimmed, and that row's line).
        self._new_units: dict[str, tuple[str, int]] = {}
        # Lines of rows whose metric is not defined (yet: a later row may give its unit).
        self._undefined: dict[str, list[int]] = {}
        # Good rows waiting for the stage (store/ingest/staging.py), which also finds the
        # duplicates: the file's values never all exist in memory.
        self.staged: list[StagedRow] = []
        self.rows = 0
        # Months as written -> the month, for the fast path (a file has few distinct dates).
        self._months: dict[str, dt.date] = {}
        # (metric, unit as written or None) pairs the full path accepted: the fast path's.
        self._metric_units: set[tuple[str, str | None]] = {(name, None) for name in units}
        # How the file writes dates and numbers: assumed while it is read, the evidence
        # gathered meanwhile; the file is read again if the evidence decides otherwise
        # (store/ingest/cell_formats.py).
        self.formats = Formats()
        self._evidence = FormatsEvidence()
        self._totals = TotalRows(
            ("level", "entity_id", "metric_name", "effective_date"), _AnyEntity(entities)
        )

    def assume(self, formats: Formats) -> None:
        """Read the file with these formats (decided by an earlier read of it)."""
        self.formats = formats

    def reread_formats(self) -> Formats | None:
        """The formats the whole file's dates and numbers decide, if they are not those it
        was read with (then the file must be read again with them); else None."""
        decided = self._evidence.decided()
        return None if decided == self.formats else decided

    def check(self, line: int, row: Row) -> list[str]:
        # The common row (a known level, entity and month, a metric whose unit, if the row
        # gives one, an earlier row already had accepted) with dictionary lookups only: at ten
        # million rows the full path below costs twice as much. Anything else takes the full
        # path, which says what is wrong.
        level = row.get("level")
        metric_name = row.get("metric_name")
        value_text = row.get("value")
        if (
            level is not None
            and metric_name is not None
            and value_text is not None
            and (metric_name, row.get("unit")) in self._metric_units
        ):
            if not self._evidence.numbers_settled:
                self._evidence.number(value_text)
            ids = self._entities.get(level)
            entity_id = None if ids is None else ids.get(row.get("entity_id") or "")
            month = self._months.get(row.get("effective_date") or "")
            if entity_id is not None and month is not None:
                try:
                    value = parse_decimal(value_text, column="value", mark=self.formats.mark)
                except BadValue:
                    pass
                else:
                    self.staged.append((level, entity_id, metric_name, month, value, line))
                    self.rows += 1
                    return []
        return self._check(line, row)

    def stage_block(self, block: ColumnBlock) -> StagedColumns | None:
        """The rows of a block checked a column at a time, if every one is a common row
        (`check`'s fast path); None, with nothing kept, if any row needs the full check."""
        columns = block.columns
        levels = columns.get("level")
        entity_ids = columns.get("entity_id")
        metric_names = columns.get("metric_name")
        dates = columns.get("effective_date")
        values = columns.get("value")
        if levels is None or entity_ids is None or metric_names is None or dates is None:
            return None
        # An empty cell (a missing value) needs the full check to be reported; an empty unit
        # is none, as in `check`.
        if values is None or any(
            "" in column for column in (entity_ids, metric_names, dates, values)
        ):
            return None
        entities = self._entities
        distinct_levels = set(levels)
        if not distinct_levels <= entities.keys():
            return None
        if len(distinct_levels) == 1:
            if not entities[levels[0]].keys() >= set(entity_ids):
                return None
        elif not all(
            map(lambda level, entity_id: entity_id in entities[level], levels, entity_ids)
        ):
            return None
        units = columns.get("unit")
        known = self._metric_units
        if units is None:
            if not all((name, None) in known for name in set(metric_names)):
                return None
        elif not all(
            (name, unit or None) in known
            for name, unit in set(zip(metric_names, units, strict=True))
        ):
            return None
        months = self._months
        evidence = self._evidence
        order = self.formats.order
        for text in set(dates).difference(months):
            if len(months) >= _MONTHS_REMEMBERED:
                return None
            evidence.date(text)
            try:
                months[text] = parse_month(text, column="effective_date", order=order)
            except BadValue:
                return None
        texts = decimal_texts(values, column="value", mark=self.formats.mark)
        if texts is None:
            return None
        if not evidence.numbers_settled:
            if texts is values:
                # Plain numbers only: the one kind of evidence they can give is a point.
                point = _POINT_ONLY.search("\n".join(values))
                if point is not None:
                    evidence.number("0" + point[0].strip())
            else:
                for text in values:
                    evidence.number(text)
        self.rows += block.size
        return StagedColumns(
            block.first_line,
            levels,
            entity_ids,
            metric_names,
            list(map(months.__getitem__, dates)),
            texts,
        )

    def _check(self, line: int, row: Row) -> list[str]:
        # A row of a known level is data (a metric may be called `total`); a total line's
        # level cell is empty or holds its label.
        if (row.get("level") or "").lower() not in self._entities and self._totals.skip(row):
            return []
        reasons: list[str] = []
        level = self._level(row.get("level"), reasons)
        entity_id = self._entity(level, row.get("entity_id"), reasons)
        metric_name = row.get("metric_name")
        if metric_name is None:
            reasons.append("missing required value for metric_name")
        else:
            self._check_metric(line, metric_name, row.get("unit"), reasons)
        month = self._month(row.get("effective_date"), reasons)
        value = self._value(row.get("value"), reasons)
        # Without reasons every part is there; the None tests are for the type checker.
        if reasons or not (level and entity_id and metric_name and month) or value is None:
            return reasons
        self.staged.append((level, entity_id, metric_name, month, value, line))
        self.rows += 1
        return reasons

    def staged_entities(self) -> dict[str, dict[str, str]]:
        """The ids, by level, that a staged row may name (the stage numbers them)."""
        return self._entities

    def staged_metrics(self) -> Collection[str]:
        """The metrics defined before the load (the stage numbers them; one the file defines
        is numbered when first staged)."""
        return self._units.keys()

    def take_staged(self) -> list[StagedRow]:
        """The rows checked since the last call, handed over to the stage."""
        rows, self.staged = self.staged, []
        return rows

    def _level(self, text: str | None, reasons: list[str]) -> str | None:
        if text is None:
            reasons.append("missing required value for level")
            return None
        level = text.lower()
        if level in self._entities:
            return level
        reasons.append(f"unknown level {text!r}: use one of {_LEVEL_LIST}")
        return None

    def _entity(self, level: str | None, text: str | None, reasons: list[str]) -> str | None:
        if text is None:
            reasons.append("missing required value for entity_id")
            return None
        if level is None:
            return None
        entity_id = self._entities[level].get(text)
        if entity_id is None and self._app is not None:
            if level == Level.INDUSTRY:
                reasons.append(
                    f"industry {text!r}: industry-level values are shared by every app; load "
                    f"them without --app"
                )
                return None
            other = self._elsewhere.get(level, {}).get(text)
            if other is not None:
                reasons.append(other_app_reason(level, text, other, self._app))
                return None
        if entity_id is None:
            reasons.append(
                f"unknown {level} {text!r}: no {level} has this id "
                f"(load the {_FILE_KIND[level]} before their metrics)"
            )
        return entity_id

    def _check_metric(
        self, line: int, metric_name: str, unit_text: str | None, reasons: list[str]
    ) -> None:
        defined = self._units.get(metric_name)
        if unit_text is None:
            if defined is None and metric_name not in self._new_units:
                self._undefined.setdefault(metric_name, []).append(line)
            elif metric_name in self._new_units:
                self._metric_units.add((metric_name, None))
            return
        try:
            unit = parse_unit(unit_text)
        except BadValue as exc:
            reasons.append(str(exc))
            return
        if defined is not None:
            if same_unit(unit, defined):
                self._metric_units.add((metric_name, unit_text))
            else:
                reasons.append(
                    f"unit {unit_text!r} contradicts the definition of metric {metric_name!r}, "
                    f"whose unit is {defined}"
                )
            return
        given = self._new_units.setdefault(metric_name, (unit, line))
        if same_unit(given[0], unit):
            self._metric_units.add((metric_name, unit_text))
        else:
            reasons.append(
                f"unit {unit_text!r} contradicts unit {given[0]} given for metric "
                f"{metric_name!r} on line {given[1]}"
            )

    def _month(self, text: str | None, reasons: list[str]) -> dt.date | None:
        if text is None:
            reasons.append("missing required value for effective_date")
            return None
        self._evidence.date(text)
        try:
            month = parse_month(text, column="effective_date", order=self.formats.order)
        except BadValue as exc:
            reasons.append(str(exc))
            return None
        if len(self._months) < _MONTHS_REMEMBERED:
            self._months[text] = month
        return month

    def _value(self, text: str | None, reasons: list[str]) -> Decimal | None:
        if text is None:
            reasons.append("missing required value for value")
            return None
        self._evidence.number(text)
        try:
            return parse_decimal(text, column="value", mark=self.formats.mark)
        except BadValue as exc:
            reasons.append(str(exc))
            return None

    def finish(self) -> list[RowProblem]:
        problems: list[RowProblem] = []
        known = [*self._units, *self._new_units]
        for metric_name, lines in self._undefined.items():
            if metric_name in self._new_units:
                continue
            reason = f"metric {metric_name!r} is not defined: load it in a definitions file"
            reason += " first or give its unit in a unit column"
            close = difflib.get_close_matches(metric_name, known, n=1)
            if close:
                reason += f" (did you mean {close[0]!r}?)"
            problems.extend(RowProblem(line, reason) for line in lines)
        return problems

    def plan(self, present: frozenset[str]) -> WritePlan:
        # New definitions take the table's defaults for what a unit column cannot say.
        definitions = TableWrite(
            table("metric_definition"),
            ("name", "unit"),
            [(name, unit) for name, (unit, _line) in self._new_units.items()],
            WriteMode.INSERT_MISSING,
        )
        return WritePlan(
            writes=[definitions],
            rows=self.rows,
            created={"metric definitions": list(self._new_units)},
            notes=[
                *format_notes(self.formats, numeric_dates=self._evidence.numeric_dates),
                *self._totals.notes(),
            ],
        )


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> MetricsValidator:
    entities: dict[str, dict[str, str]] = {}
    elsewhere: dict[str, dict[str, str]] = {}
    for level, (table_name, column) in _ENTITY_TABLES.items():
        if options.app is None:
            ids = await existing_ids(connection, table_name, column)
            entities[level] = {entity_id: entity_id for entity_id in ids}
        elif level == Level.INDUSTRY:
            entities[level] = {}
        else:
            apps = await apps_of(connection, level)
            entities[level] = {
                entity_id: entity_id for entity_id, app in apps.items() if app == options.app
            }
            elsewhere[level] = {
                entity_id: app for entity_id, app in apps.items() if app != options.app
            }
    definitions = table("metric_definition")
    result = await connection.execute(select(definitions.c.name, definitions.c.unit))
    units: dict[str, str] = dict(result.all())
    return MetricsValidator(entities=entities, units=units, app=options.app, elsewhere=elsewhere)


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare)

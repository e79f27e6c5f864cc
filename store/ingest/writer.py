"""The all-or-nothing write: every row of a file in one transaction, so a crash or an error
part-way leaves nothing of the file behind.

Rows go to the driver as plain tuples through one compiled INSERT .. ON CONFLICT per table:
the same statement as `store.upsert.upsert`, without SQLAlchemy's per-row parameter handling
(dicts, per-row parameter construction), which costs as much as the database itself on a
million rows. Values are still converted by the columns' own SQLAlchemy types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store import write_locks
from store.ingest.keyed_rows import batches
from store.ingest.plan import (
    CompareBy,
    KeptNote,
    MoveNote,
    RecordNote,
    RemovalNote,
    RowChanges,
    TableWrite,
    Values,
    WriteMode,
    WritePlan,
)
from store.ingest.progress import IngestProgress
from store.upsert import CHUNK_ROWS

Processor = Callable[[Any], Any]
# Ids per query when existing rows are read to compare a write with them.
_LOOKUP_BATCH = 1000
# Changed rows named in the report.
_CHANGED_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class WriteResult:
    # What the plan's follow-up says (the segments recomputed).
    notes: Sequence[str] = ()
    # What the write of the file's own rows did, when it was counted.
    changes: RowChanges | None = None


@dataclass(frozen=True, slots=True)
class CompiledInsert:
    sql: str
    # Per placeholder, in order: where its value is in a row, and its type's conversion.
    converters: tuple[tuple[int, Processor | None], ...]

    def parameters(self, rows: Iterable[Values]) -> list[Values]:
        converters = self.converters
        in_order = all(
            position == index and processor is None
            for index, (position, processor) in enumerate(converters)
        )
        if in_order:
            return list(rows)
        return [
            tuple(
                [
                    row[position] if convert is None else convert(row[position])
                    for position, convert in converters
                ]
            )
            for row in rows
        ]


def _left_out_defaults(table: Table, columns: Sequence[str]) -> dict[str, Any]:
    """Defaults of the columns a write leaves out, which new rows still need."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in columns or default is None:
            continue
        if not default.is_scalar:
            raise ValueError(f"{table.name}.{column.name}: only constant defaults are supported")
        defaults[column.name] = getattr(default, "arg", None)
    return defaults


def _constant(value: Any) -> Processor:
    return lambda _row_value: value


def compile_insert(connection: AsyncConnection, write: TableWrite) -> CompiledInsert:
    """INSERT .. ON CONFLICT for the write's table and columns, in the connection's dialect."""
    table: Table = write.table
    dialect = connection.dialect
    dialect_module = sqlite if dialect.name == "sqlite" else postgresql
    defaults = _left_out_defaults(table, write.columns)
    binds = {name: bindparam(name, type_=table.c[name].type) for name in write.columns}
    binds |= {
        name: bindparam(name, value=value, type_=table.c[name].type)
        for name, value in defaults.items()
    }
    statement = dialect_module.insert(table).values(binds)
    keys = [column.name for column in table.primary_key.columns]
    updated = [name for name in write.columns if name not in keys]
    if write.mode is WriteMode.UPSERT and updated:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in updated}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None:
        raise ValueError(f"{dialect.name}: expected a driver with positional parameters")
    converters: list[tuple[int, Processor | None]] = []
    for name in compiled.positiontup:
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in defaults:
            value = defaults[name] if processor is None else processor(defaults[name])
            converters.append((0, _constant(value)))
        else:
            converters.append((write.columns.index(name), processor))
    return CompiledInsert(str(compiled), tuple(converters))


def _chunks(rows: Iterable[Values], size: int) -> Iterator[list[Values]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def _write_table(
    connection: AsyncConnection, write: TableWrite, progress: IngestProgress
) -> None:
    if not len(write.rows):
        return
    insert = compile_insert(connection, write)
    # Chunks are built one at a time so that a million rows never all exist as parameters.
    for chunk in _chunks(write.rows, CHUNK_ROWS):
        await connection.exec_driver_sql(insert.sql, insert.parameters(chunk))
        progress.advance(len(chunk))


def _scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _same_digits(given: Sequence[Any], stored: Sequence[Any]) -> bool:
    """Whether values already equal also write their decimals with as many digits after the
    point (15000.0 replacing 15000.00 is a change)."""
    for mine, theirs in zip(given, stored, strict=True):
        if (
            type(mine) is Decimal
            and not mine.same_quantum(theirs)
            and _scale(mine) != _scale(theirs)
        ):
            return False
    return True


async def _stored_rows(
    connection: AsyncConnection, write: TableWrite, compare: CompareBy, order: Sequence[str]
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The stored rows of the write's lookup values (and within its dates): primary key ->
    the values of the write's other columns, in `order`."""
    table = write.table
    columns = write.columns
    lookup = [columns.index(name) for name in compare.lookup]
    span = None if compare.span is None else columns.index(compare.span)
    # The values of the last lookup column, by the values of the ones before it.
    groups: dict[tuple[Any, ...], set[Any]] = {}
    low: Any = None
    high: Any = None
    for row in write.rows:
        groups.setdefault(tuple([row[i] for i in lookup[:-1]]), set()).add(row[lookup[-1]])
        if span is not None:
            value = row[span]
            low = value if low is None or value < low else low
            high = value if high is None or value > high else high
    keys = [column.name for column in table.primary_key.columns]
    selected = [table.c[name] for name in (*keys, *order)]
    width = len(keys)
    stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    *prefix, last = compare.lookup
    for group, values in groups.items():
        ordered = sorted(values)
        for batch in batches(ordered, _LOOKUP_BATCH):
            query = select(*selected).where(
                *(table.c[name] == value for name, value in zip(prefix, group, strict=True)),
                table.c[last].in_(batch),
            )
            if compare.span is not None:
                query = query.where(table.c[compare.span].between(low, high))
            for found in await connection.execute(query):
                stored[tuple(found[:width])] = tuple(found[width:])
    return stored


@dataclass(frozen=True, slots=True)
class _Compared:
    changes: RowChanges
    # The rows to write, when some are stored as they are already (else all of them).
    changed_rows: list[Values] | None
    # Rows among them counted unchanged: they differ only in the quiet columns.
    refreshed: int = 0


async def compare_rows(
    connection: AsyncConnection, write: TableWrite, compare: CompareBy
) -> _Compared:
    """How many of the write's rows are new, would change a stored row, or are stored as
    they are, and the rows that need writing. Reads only the stored rows of the write's ids
    (within its dates): nothing at all on a first load."""
    columns = write.columns
    keys = [column.name for column in write.table.primary_key.columns]
    key_positions = [columns.index(key) for key in keys]
    value_positions = [index for index, name in enumerate(columns) if name not in keys]
    stored = await _stored_rows(connection, write, compare, [columns[i] for i in value_positions])
    total = len(write.rows)
    if not stored:
        return _Compared(RowChanges(new=total, changed=0, unchanged=0), None)
    width = len(keys)
    # The common case, the key first: rows are sliced rather than rebuilt.
    prefix = key_positions == list(range(width)) and value_positions == list(
        range(width, len(columns))
    )
    changed_rows: list[Values] = []
    examples: list[str] = []
    value_names = [columns[i] for i in value_positions]
    # The values that count, when some columns are quiet.
    loud = [index for index, name in enumerate(value_names) if name not in compare.quiet]
    quiet = len(loud) < len(value_names)
    quiet_columns = [index for index, name in enumerate(value_names) if name in compare.quiet]
    # Of the rows counted unchanged, how many each quiet column records a value on that the
    # stored row lacked or gave otherwise: the report says what such a reload recorded.
    # A false record over none is counted apart (`not NAME`): a reload over lines stored
    # before `date_ambiguous` was kept records that each date reads one way, not both.
    recorded = dict.fromkeys(
        (f"{prefix}{value_names[i]}" for i in quiet_columns for prefix in ("", "not ")), 0
    )
    settled = [
        (index, value)
        for index, name in enumerate(value_names)
        for column, value in compare.settled
        if name == column
    ]
    new = changed = unchanged = refreshed = 0
    for row in write.rows:
        if prefix:
            key, given = tuple(row[:width]), tuple(row[width:])
        else:
            key = tuple([row[i] for i in key_positions])
            given = tuple([row[i] for i in value_positions])
        found = stored.get(key)
        if found is not None and settled:
            row, given = _keeping_settled(row, given, found, settled, value_positions)
        if found is None:
            new += 1
        elif given == found and _same_digits(given, found):
            unchanged += 1
            continue
        elif quiet and _same_values([given[i] for i in loud], [found[i] for i in loud]):
            unchanged += 1
            refreshed += 1
            for index in quiet_columns:
                value = given[index]
                if value is not None and value != found[index]:
                    recorded[
                        f"not {value_names[index]}" if value is False else value_names[index]
                    ] += 1
        else:
            changed += 1
            if len(examples) < _CHANGED_EXAMPLES:
                examples.append(_describe_change(key, value_names, found, given))
        changed_rows.append(row)
    return _Compared(
        RowChanges(
            new=new,
            changed=changed,
            unchanged=unchanged,
            examples=tuple(examples),
            recorded=tuple((name, count) for name, count in recorded.items() if count),
        ),
        changed_rows,
        refreshed,
    )


def _keeping_settled(
    row: Values,
    given: tuple[Any, ...],
    found: tuple[Any, ...],
    settled: Sequence[tuple[int, object]],
    value_positions: Sequence[int],
) -> tuple[Values, tuple[Any, ...]]:
    """The row and its values with each settled value the stored row holds kept in place of
    the file's (`CompareBy.settled`)."""
    kept = [(index, value) for index, value in settled if found[index] == value != given[index]]
    if not kept:
        return row, given
    values = list(given)
    written = list(row)
    for index, value in kept:
        values[index] = value
        written[value_positions[index]] = value
    return tuple(written), tuple(values)


def _same_values(given: Sequence[Any], stored: Sequence[Any]) -> bool:
    return list(given) == list(stored) and _same_digits(given, stored)


def _describe_change(
    key: Sequence[Any], names: Sequence[str], before: Sequence[Any], after: Sequence[Any]
) -> str:
    """`KAV-001, 2025-04-01, invoice, KD/25-26/001, 1: amount 123456.00 -> 23456.00`."""
    differences = [
        f"{name} {'none' if old is None else old} -> {'none' if new is None else new}"
        for name, old, new in zip(names, before, after, strict=True)
        if old != new or not _same_digits((new,), (old,))
    ]
    # A key's empty last part is a line's book of no company named (`sale_line.book`): left
    # out, so that lines of no known book read as they did before books were kept.
    parts = key[:-1] if key and key[-1] == "" else key
    return f"{', '.join(str(part) for part in parts)}: {'; '.join(differences)}"


async def count_changes(
    connection: AsyncConnection, write: TableWrite, compare: CompareBy
) -> RowChanges:
    """How many of the write's rows are new, changed, or stored as they are."""
    return (await compare_rows(connection, write, compare)).changes


def _with_records(
    recorded: tuple[tuple[str, int], ...], notes: Sequence[RecordNote]
) -> tuple[tuple[str, int], ...]:
    """The write's own records (quiet columns of rows counted unchanged) and those the
    `before` work wrote, by column."""
    counts = dict(recorded)
    for note in notes:
        for name, count in note.recorded.items():
            counts[name] = counts.get(name, 0) + count
    return tuple((name, count) for name, count in counts.items() if count)


async def write_plan(
    engine: AsyncEngine, plan: WritePlan, *, progress: IngestProgress
) -> WriteResult:
    """Write the plan and run its follow-up in one transaction: what the follow-up said, and
    what the write of the file's own rows did."""
    async with engine.begin() as connection:
        # The plan's writes read the stored rows they compare against first (and its `before`
        # work reads what it checks): on SQLite the write lock comes before them.
        await write_locks.hold_sqlite_writes(connection)
        return await write_plan_on(connection, plan, progress=progress)


async def write_plan_on(
    connection: AsyncConnection, plan: WritePlan, *, progress: IngestProgress
) -> WriteResult:
    """`write_plan` inside a transaction the caller holds."""
    changes: RowChanges | None = None
    notes = list(await plan.before(connection, progress)) if plan.before is not None else []
    removed = 0 if plan.remove is None else await plan.remove(connection)
    # Rows of the file's table that the `before` work deleted count as removed too.
    removed += sum(note.removed for note in notes if isinstance(note, RemovalNote))
    moves = [note for note in notes if isinstance(note, MoveNote)]
    records = [note for note in notes if isinstance(note, RecordNote)]
    # The file's rows `before` kept stored as they are, in place of writing them.
    kept = sum(note.kept for note in notes if isinstance(note, KeptNote))
    for write in plan.writes:
        if write.compare is not None:
            compared = await compare_rows(connection, write, write.compare)
            name = write.table.name
            changes = replace(
                compared.changes,
                removed=removed + sum(note.removed.get(name, 0) for note in moves),
                moved=sum(note.moved.get(name, 0) for note in moves),
                recorded=_with_records(compared.changes.recorded, records),
                unchanged=compared.changes.unchanged + kept,
            )
            if compared.changed_rows is not None:
                # Rows stored as they are already are not written again.
                progress.advance(changes.unchanged - compared.refreshed)
                write = replace(write, rows=compared.changed_rows)
        await _write_table(connection, write, progress)
    if plan.after is not None:
        notes += await plan.after(connection, progress)
    return WriteResult(notes=notes, changes=changes)

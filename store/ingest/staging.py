"""Metric values staged in the database while a file is read, so that a file of ten million
values loads in bounded memory.

A checked row goes to a temporary table in chunks instead of staying in Python (a kept value
cost about 250 bytes: 2.5 GB for ten million). Once the file is read, the database finds the
duplicate lines, counts the rows that are new, changed and unchanged, and copies the staged
rows into `metric_value`, all in the load's one transaction: a rejected file leaves nothing
behind. On PostgreSQL the chunks go in with COPY; on SQLite with one executemany each.

The staged rows are indexed once, after the file is read, in the primary key's order (one
sort), so that the duplicate search, the comparison and the final copy all walk them in order
and `metric_value`'s index receives its rows in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.blocks import ColumnBlock
from store.ingest.errors import RowProblem
from store.ingest.plan import RowChanges

# level, entity_id, metric_name, month, value, line
StagedRow = tuple[str, str, str, dt.date, Decimal, int]


@dataclass(frozen=True, slots=True)
class StagedColumns:
    """Checked rows of consecutive lines, by column: what a block of a file stages at once."""

    first_line: int
    levels: Sequence[str]
    entity_ids: Sequence[str]
    metric_names: Sequence[str]
    months: Sequence[dt.date]
    # Each value's text as its Decimal prints it (the text SQLite stores).
    values: Sequence[str]

    @property
    def size(self) -> int:
        return len(self.levels)


_STAGE = "ingest_metric_stage"
_KEY = "level, entity_id, metric_name, effective_date"
# Rows written at or above which a load on PostgreSQL refreshes the table's statistics.
ANALYZE_AFTER_ROWS = 10_000
# The sort memory of a load's transaction on PostgreSQL (in the database server, not here).
_SORT_MEMORY = "256MB"
_SAME_KEY = " AND ".join(
    f"m.{name} = s.{name}" for name in ("level", "entity_id", "metric_name", "effective_date")
)
# A stored value is unchanged only if it also keeps its digits (15000.0 replacing 15000.00 is
# a change): SQLite stores the text as written, PostgreSQL's NUMERIC keeps the scale.
_SAME_VALUE = {
    "sqlite": "m.value = s.value",
    "postgresql": "m.value = s.value AND scale(m.value) = scale(s.value)",
}


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _copy_text(block: StagedColumns) -> bytes | None:
    """The block as COPY's text format, or None if a cell holds what that format escapes
    (a backslash, a tab or a line break: rare in ids). Joined by column and row in C, it
    costs the client a fraction of asyncpg's binary records, a Decimal per value included."""
    iso = {month: month.isoformat() for month in set(block.months)}
    body = "\n".join(
        map(
            "\t".join,
            zip(
                block.levels,
                block.entity_ids,
                block.metric_names,
                map(iso.__getitem__, block.months),
                block.values,
                map(str, range(block.first_line, block.first_line + block.size)),
                strict=True,
            ),
        )
    )
    rows = block.size
    if "\\" in body or "\r" in body or body.count("\t") != 5 * rows or body.count("\n") != rows - 1:
        return None
    return (body + "\n").encode()


def _bytewise(collation: str) -> bool:
    """Whether a PostgreSQL collation orders text as its bytes: C and POSIX, and glibc's
    C.UTF-8, whose order is the code points' (UTF-8's bytes keep it). Only the speed of a
    load depends on it: rows sorted otherwise reach the index out of its order."""
    return collation in ("C", "POSIX") or collation.lower().replace("-", "") == "c.utf8"


@runtime_checkable
class StagesRows(Protocol):
    """A validator whose good rows go to a `MetricStage` as the file is read."""

    staged: list[StagedRow]

    def take_staged(self) -> list[StagedRow]: ...

    def stage_block(self, block: ColumnBlock) -> StagedColumns | None:
        """The block's rows, checked, if every one is a good row of the common kind; None
        (nothing kept) if any needs the row-by-row check."""


def duplicate_reason(first: int, level: str, entity_id: str, metric: str, month: Any) -> str:
    month_text = month if isinstance(month, str) else month.isoformat()
    return (
        f"duplicate of line {first}: same {level} {entity_id!r}, metric {metric!r} and month "
        f"{month_text[:7]}"
    )


@dataclass
class MetricStage:
    """The staging table of one load, on the load's connection."""

    connection: AsyncConnection
    rows: int = 0
    # The months the staged rows name: a load of months with no stored value yet may skip
    # the duplicate search.
    months: set[dt.date] = field(default_factory=set)
    # The levels they name: of one level (the common file), the copy's sort leaves it out.
    levels: set[str] = field(default_factory=set)
    # PostgreSQL: whether the database orders text as its bytes (C, POSIX, C.UTF-8), so
    # that the copy may sort under the "C" collation and still give the primary key's order.
    bytewise_text: bool = False

    @property
    def _dialect(self) -> str:
        return self.connection.dialect.name

    @classmethod
    async def create(cls, connection: AsyncConnection) -> MetricStage:
        if connection.dialect.name == "postgresql":
            # Dropped with the transaction, committed or not.
            await connection.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {_STAGE} (level text NOT NULL, entity_id text NOT NULL,"
                " metric_name text NOT NULL, effective_date date NOT NULL,"
                " value numeric NOT NULL, line integer NOT NULL) ON COMMIT DROP"
            )
            found = await connection.exec_driver_sql(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()"
            )
            collation = str(found.scalar_one())
            return cls(connection, bytewise_text=_bytewise(collation))
        await connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_STAGE}")
        await connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_STAGE} (level TEXT NOT NULL, entity_id TEXT NOT NULL,"
            " metric_name TEXT NOT NULL, effective_date TEXT NOT NULL,"
            " value TEXT NOT NULL, line INTEGER NOT NULL)"
        )
        return cls(connection)

    async def drop(self) -> None:
        """Remove the table on SQLite (PostgreSQL drops it with the transaction)."""
        if self._dialect == "sqlite":
            await self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_STAGE}")

    async def add(self, rows: Sequence[StagedRow]) -> None:
        if not rows:
            return
        self.rows += len(rows)
        self.levels.update(row[0] for row in rows)
        months = {row[3] for row in rows}
        self.months |= months
        if self._dialect == "postgresql":
            raw = await self.connection.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table(_STAGE, records=rows)
            return
        # The stored forms of SQLite: dates as ISO text (a few months: each written once),
        # values as the text of the decimal.
        iso = {month: month.isoformat() for month in months}
        await self.connection.exec_driver_sql(
            f"INSERT INTO {_STAGE} VALUES (?, ?, ?, ?, ?, ?)",
            [(a, b, c, iso[d], str(v), line) for a, b, c, d, v, line in rows],
        )

    async def add_columns(self, block: StagedColumns) -> None:
        """`add` for rows given by column: the tuples are built by zip, not row by row."""
        if not block.size:
            return
        self.rows += block.size
        self.levels.update(block.levels)
        months = set(block.months)
        self.months |= months
        lines = range(block.first_line, block.first_line + block.size)
        if self._dialect == "postgresql":
            raw = await self.connection.get_raw_connection()
            driver: Any = raw.driver_connection
            text = _copy_text(block)
            if text is not None:
                # An async source: a file object would be read in the loop's thread pool.
                await driver.copy_to_table(_STAGE, source=_once(text), format="text")
                return
            records = zip(
                block.levels,
                block.entity_ids,
                block.metric_names,
                block.months,
                map(Decimal, block.values),
                lines,
                strict=True,
            )
            await driver.copy_records_to_table(_STAGE, records=records)
            return
        iso = {month: month.isoformat() for month in months}
        await self.connection.exec_driver_sql(
            f"INSERT INTO {_STAGE} VALUES (?, ?, ?, ?, ?, ?)",
            list(
                zip(
                    block.levels,
                    block.entity_ids,
                    block.metric_names,
                    map(iso.__getitem__, block.months),
                    block.values,
                    lines,
                    strict=True,
                )
            ),
        )

    async def finish_loading(self) -> None:
        """Make the staged rows ready to be read in key order, once every row is in.

        SQLite: an index of every column, in the primary key's order (one sort), that the
        duplicate search, the comparison and the final copy walk in order. PostgreSQL: no
        index, whose scan would fetch the rows of a table loaded in this transaction one by
        one at random (its visibility map is not set yet); its queries sort instead, with more
        memory than the default 4 MB for this transaction."""
        if self._dialect == "postgresql":
            await self.connection.exec_driver_sql(f"SET LOCAL work_mem = '{_SORT_MEMORY}'")
            await self.connection.exec_driver_sql(f"ANALYZE {_STAGE}")
            return
        await self.connection.exec_driver_sql(
            f"CREATE INDEX {_STAGE}_key ON {_STAGE} ({_KEY}, line, value)"
        )

    async def duplicates(self) -> list[RowProblem]:
        """Each line whose key an earlier line of the file already gave."""
        # One pass over the staged rows says whether there is any: the lines are looked up
        # only then (a second pass).
        any_duplicate = f"SELECT 1 FROM {_STAGE} GROUP BY {_KEY} HAVING count(*) > 1 LIMIT 1"
        if (await self.connection.exec_driver_sql(any_duplicate)).first() is None:
            return []
        query = (
            f"SELECT s.line, d.first, s.level, s.entity_id, s.metric_name, s.effective_date "
            f"FROM (SELECT {_KEY}, min(line) AS first FROM {_STAGE} GROUP BY {_KEY} "
            f"HAVING count(*) > 1) AS d JOIN {_STAGE} AS s ON "
            + " AND ".join(
                f"s.{name} = d.{name}"
                for name in ("level", "entity_id", "metric_name", "effective_date")
            )
            + " WHERE s.line <> d.first ORDER BY s.line"
        )
        found: list[Any] = list((await self.connection.exec_driver_sql(query)).all())
        return [
            RowProblem(row[0], duplicate_reason(row[1], row[2], row[3], row[4], row[5]))
            for row in found
        ]

    async def _stored_any(self) -> bool:
        found = await self.connection.exec_driver_sql("SELECT 1 FROM metric_value LIMIT 1")
        return found.first() is not None

    async def changes(self) -> RowChanges:
        """How many staged rows are new, would change a stored row, or are stored as they are."""
        if not await self._stored_any():
            return RowChanges(new=self.rows, changed=0, unchanged=0)
        query = (
            f"SELECT count(*), count(m.level), "
            f"coalesce(sum(CASE WHEN {_SAME_VALUE[self._dialect]} THEN 1 ELSE 0 END), 0) "
            f"FROM {_STAGE} AS s LEFT JOIN metric_value AS m ON {_SAME_KEY}"
        )
        counts: Any = (await self.connection.exec_driver_sql(query)).one()
        total, stored, same = int(counts[0]), int(counts[1]), int(counts[2])
        return RowChanges(new=total - stored, changed=stored - same, unchanged=same)

    async def _months_stored(self) -> bool:
        """Whether `metric_value` holds any value of the staged months (the month index)."""
        months: Any = sorted(self.months)
        if self._dialect == "sqlite":
            months = [month.isoformat() for month in months]
        marks = ", ".join(
            ["?" if self._dialect == "sqlite" else f"${n + 1}" for n in range(len(months))]
        )
        found = await self.connection.exec_driver_sql(
            f"SELECT 1 FROM metric_value WHERE effective_date IN ({marks}) LIMIT 1", tuple(months)
        )
        return found.first() is not None

    async def write_if_all_new(self) -> RowChanges | None:
        """The load of months with no stored value yet (a new month's file, a first load):
        the staged rows go in with a plain INSERT without looking for duplicates first, since
        the primary key refuses a second row of a key anyway. The changes, all new; or None,
        with nothing written, when a month has stored values or the insert met a key twice
        (then `duplicates`, `changes` and `write` say and do what is right)."""
        if not self.rows or await self._months_stored():
            return None
        changes = RowChanges(new=self.rows, changed=0, unchanged=0)
        try:
            async with self.connection.begin_nested():
                await self.write(changes)
        except IntegrityError:
            return None
        return changes

    def _key_order(self) -> str:
        """The primary key's order, as cheaply as PostgreSQL may sort it: a sort on a first
        key that never differs (one level) compares each pair of rows on two keys, and with
        abbreviated keys (the "C" collation only, on PostgreSQL 15) most pairs are told
        apart by an integer. Sorting 1M staged rows of one level in random order: 4.1 s of
        server CPU, 2.8 s without the level, 2.0 s under "C" too. SQLite walks the stage's
        index in that order."""
        if self._dialect != "postgresql":
            return _KEY
        collate = ' COLLATE "C"' if self.bytewise_text else ""
        rest = f"entity_id{collate}, metric_name{collate}, effective_date"
        return rest if len(self.levels) == 1 else f"level{collate}, {rest}"

    async def write(self, changes: RowChanges) -> None:
        """Copy the staged rows that are new or changed into `metric_value`, in key order."""
        if changes.new + changes.changed == 0:
            return
        # SQLite needs a WHERE before ON CONFLICT after a SELECT (else it reads a join).
        where = "WHERE true"
        if changes.unchanged:
            where = (
                f"WHERE NOT EXISTS (SELECT 1 FROM metric_value AS m WHERE {_SAME_KEY} "
                f"AND {_SAME_VALUE[self._dialect]})"
            )
        # Without changed rows no staged row meets a stored one: a plain INSERT, which on
        # PostgreSQL skips the speculative insertion ON CONFLICT costs on every row.
        upsert = (
            f" ON CONFLICT ({_KEY}) DO UPDATE SET value = excluded.value" if changes.changed else ""
        )
        await self.connection.exec_driver_sql(
            f"INSERT INTO metric_value ({_KEY}, value) "
            f"SELECT {_KEY}, value FROM {_STAGE} AS s {where} ORDER BY {self._key_order()}"
            f"{upsert}"
        )
        if changes.new + changes.changed >= ANALYZE_AFTER_ROWS:
            # Statistics now, not when autovacuum gets to it: planned on the statistics of an
            # empty table, the 100-account read of a ten-million-value table took the month
            # index and read 2.4 million rows (2.5 s instead of 0.2 s). ANALYZE samples a
            # fixed number of rows, about a second whatever the size, and sees this
            # transaction's rows. SQLite keeps no statistics until asked: without them a
            # one-account read walked all of the account's rows through the primary key
            # instead of the entity-month index (192-319 us against 60-77 us a query at ten
            # million values); a sample of 1,000 rows per index takes 55 ms there.
            if self._dialect != "postgresql":
                await self.connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
            await self.connection.exec_driver_sql("ANALYZE metric_value")

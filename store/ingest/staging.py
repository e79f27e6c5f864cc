"""Metric values staged in the database while a file is read, so that a file of ten million
values loads in bounded memory.

A checked row goes to a temporary table in chunks instead of staying in Python (a kept value
cost about 250 bytes: 2.5 GB for ten million). Once the file is read, the database finds the
duplicate lines, counts the rows that are new, changed and unchanged, and copies the staged
rows into `metric_value`, all in the load's one transaction: a rejected file leaves nothing
behind. On PostgreSQL the chunks go in with COPY; on SQLite with one executemany each.

The staged rows are indexed once, after the file is read, in the primary key's order (one
sort), so that the duplicate search, the comparison and the final copy all walk them in order
and `metric_value`'s index receives its rows in order. On SQLite the stage holds a number for
each row's level and entity id, in their order (`store.ingest.entity_codes`), one for its
metric and month (`store.ingest.stage_keys`), the value's text, and its line as the row's id:
about a quarter of the bytes of the texts to write and sort.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import asyncpg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from store import write_locks
from store.ingest.blocks import ColumnBlock
from store.ingest.entity_codes import EntityCodes
from store.ingest.errors import RowProblem
from store.ingest.plan import RowChanges
from store.ingest.stage_keys import MONTH_BITS, MONTH_MASK, StageKeys, month_rows
from store.tables import METRIC_DEFAULT_PARTITION, metric_partition_name, month_bounds

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
# SQLite: the (level, entity id) pair of each number the stage holds instead (`EntityCodes`),
# and the metric's name and the month's text of each part of its key (`StageKeys`).
_ENTITIES = "ingest_metric_entity"
_METRICS = "ingest_metric_name"
_MONTHS = "ingest_metric_month"
_SQLITE_TABLES = (_STAGE, _ENTITIES, _METRICS, _MONTHS)
# SQLite: the staged row's texts from its numbers (CROSS JOIN keeps the stage the outer loop,
# walked by its index; each of the others is one search of a small table by its rowid).
_SQLITE_TEXTS = (
    f"CROSS JOIN {_ENTITIES} AS e ON e.code = s.entity "
    f"CROSS JOIN {_METRICS} AS n ON n.code = s.key >> {MONTH_BITS} "
    f"CROSS JOIN {_MONTHS} AS t ON t.code = s.key & {MONTH_MASK}"
)
# PostgreSQL: the partitioned table a load's new months are filled through (one INSERT routes
# every row to its month), detached from it and attached to metric_value once indexed.
_LOADING = "ingest_metric_load"
_KEY = "level, entity_id, metric_name, effective_date"
# Rows written at or above which a load on PostgreSQL refreshes the table's statistics.
ANALYZE_AFTER_ROWS = 10_000
# SQLite: rows written at or above which a write that at least doubles metric_value builds its
# secondary indexes again rather than inserting into them.
REBUILD_INDEXES_FROM_ROWS = 10_000
# PostgreSQL: the most months one load attaches as partitions. Each new partition holds
# about six locks (its table, indexes and TOAST table) until the load commits, in a lock table
# of max_locks_per_transaction (64) x max_connections (100) entries shared by every session: a
# file spanning centuries of months would exhaust it ("out of shared memory").
ATTACH_MONTHS_AT_MOST = 120
# The sort memory of a load's transaction on PostgreSQL (in the database server, not here).
_SORT_MEMORY = "256MB"
# A stored row `m` of the key of a staged row (`s`, and on SQLite `e`, `n` and `t`, its texts).
_SAME_KEY = {
    "postgresql": " AND ".join(
        f"m.{name} = s.{name}" for name in ("level", "entity_id", "metric_name", "effective_date")
    ),
    "sqlite": "m.level = e.level AND m.entity_id = e.entity_id AND m.metric_name = n.name"
    " AND m.effective_date = t.iso",
}
# The staged rows with their key (`s`, and its texts on SQLite), in the stage's index order on
# SQLite.
_STAGED = {"postgresql": f"{_STAGE} AS s", "sqlite": f"{_STAGE} AS s {_SQLITE_TEXTS}"}
_STAGED_KEY = {
    "postgresql": "s.level, s.entity_id, s.metric_name, s.effective_date",
    "sqlite": "e.level, e.entity_id, n.name, t.iso",
}
# What a staged row writes into metric_value's columns (_KEY, value).
_STAGED_ROW = {
    "postgresql": f"{_KEY}, value",
    "sqlite": "e.level, e.entity_id, n.name, t.iso, s.value",
}
# The columns that tell two staged rows' keys apart (what the stage is indexed by on SQLite).
_STAGE_KEY = {"postgresql": _KEY, "sqlite": "entity, key"}
# A stored value is unchanged only if it also keeps its digits (15000.0 replacing 15000.00 is
# a change): SQLite stores the text as written, PostgreSQL's NUMERIC keeps the scale.
_SAME_VALUE = {
    "sqlite": "m.value = s.value",
    "postgresql": "m.value = s.value AND scale(m.value) = scale(s.value)",
}


def _not_in(dates: set[dt.date]) -> str:
    """A condition on the stage `s`: rows of none of these dates (the stage's own dates, so
    written as literals)."""
    listed = ", ".join(f"'{date.isoformat()}'" for date in sorted(dates))
    return f"s.effective_date NOT IN ({listed})"


async def _once(data: bytes, sent: asyncio.Event) -> AsyncIterator[bytes]:
    yield data
    # Asked for more: the driver has handed the data to the connection.
    sent.set()


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

    def staged_entities(self) -> Mapping[str, Collection[str]]:
        """The ids, by level, that a staged row may name."""

    def staged_metrics(self) -> Collection[str]:
        """The metric names a staged row may name (others are numbered too, only later)."""

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
    # PostgreSQL: the months loaded into partitions of their own and attached, and their rows;
    # the staged rows of other months go the way of stored months.
    attached_months: set[dt.date] = field(default_factory=set)
    attached_rows: int = 0
    # PostgreSQL: whether the stage's statistics were taken (`_analyzed`).
    stage_analyzed: bool = False
    # SQLite: the numbers the stage holds for (level, entity id) pairs, and for metrics and
    # months.
    entity_codes: EntityCodes = field(default_factory=EntityCodes)
    stage_keys: StageKeys = field(default_factory=StageKeys)

    # PostgreSQL: set once the COPY of the block under way has sent its data (`sent`).
    _sent: asyncio.Event | None = field(default=None, init=False, repr=False)

    async def sent(self) -> None:
        """Wait until the COPY of a block under way has sent its data, so that the server
        reads it while the next block is read here (at once on SQLite, or without COPY)."""
        for _ in range(3):
            # The first steps of `add_columns` reach the COPY: until then no event is set up.
            if self._sent is not None:
                await self._sent.wait()
                return
            await asyncio.sleep(0)

    @property
    def _dialect(self) -> str:
        return self.connection.dialect.name

    @classmethod
    async def create(
        cls,
        connection: AsyncConnection,
        *,
        entities: Mapping[str, Collection[str]] | None = None,
        metrics: Collection[str] = (),
    ) -> MetricStage:
        """The stage of a load whose rows name `entities` (level -> ids) and `metrics`: on
        SQLite they are numbered in their order (any other gets a number too, only later)."""
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
        # This SQLite is built with SECURE_DELETE: dropping the stage would write zeros over
        # every page it held (0.11 of 7 s of CPU per 1M values). The temporary database is a
        # file already unlinked, private to this connection and gone when it closes.
        await connection.exec_driver_sql("PRAGMA temp.secure_delete = OFF")
        for name in _SQLITE_TABLES:
            await connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")
        # The line is the row's id: a line is staged once (a row per line), in line order, so
        # each insert appends; the stage's index holds it without a column of its own.
        await connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_STAGE} (line INTEGER PRIMARY KEY,"
            " entity INTEGER NOT NULL, key INTEGER NOT NULL, value TEXT NOT NULL)"
        )
        await connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_ENTITIES} (code INTEGER PRIMARY KEY,"
            " level TEXT NOT NULL, entity_id TEXT NOT NULL)"
        )
        await connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_METRICS} (code INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        await connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_MONTHS} (code INTEGER PRIMARY KEY, iso TEXT NOT NULL)"
        )
        return cls(connection, entity_codes=EntityCodes(entities), stage_keys=StageKeys(metrics))

    async def drop(self) -> None:
        """Remove the tables on SQLite (PostgreSQL drops its one with the transaction)."""
        if self.connection.invalidated:
            # A load cancelled inside a statement: SQLAlchemy closed the connection, and the
            # temporary tables went with it. Another statement would raise in place of the
            # cancellation (PendingRollbackError).
            return
        if self._dialect == "sqlite":
            for name in _SQLITE_TABLES:
                await self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")

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
        # Values as the text of the decimal (what SQLite stores).
        codes = self.entity_codes.of([row[0] for row in rows], [row[1] for row in rows])
        keys = self.stage_keys.of([row[2] for row in rows], [row[3] for row in rows])
        await self._insert_staged(
            (line, code, key, str(v))
            for code, key, (_a, _b, _c, _d, v, line) in zip(codes, keys, rows, strict=True)
        )

    async def add_columns(self, block: StagedColumns) -> None:
        """`add` for rows given by column: the tuples are built by zip, not row by row."""
        self._sent = None
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
                self._sent = asyncio.Event()
                await driver.copy_to_table(_STAGE, source=_once(text, self._sent), format="text")
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
        await self._insert_staged(
            zip(
                lines,
                self.entity_codes.of(block.levels, block.entity_ids),
                self.stage_keys.of(block.metric_names, block.months),
                block.values,
                strict=True,
            )
        )

    async def _insert_staged(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """SQLite: rows (line, entity, key, value) into the stage by one executemany on the
        driver, which consumes `rows` in its thread: a zip's tuple is reused from row to row,
        where a list made 10,000 new tuples per block for the garbage collector to walk (the
        lists it holds are not changed once handed over)."""
        raw = await self.connection.get_raw_connection()
        driver: Any = raw.driver_connection
        cursor = await driver.executemany(f"INSERT INTO {_STAGE} VALUES (?, ?, ?, ?)", rows)
        await cursor.close()

    async def finish_loading(self) -> None:
        """Make the staged rows ready to be read in key order, once every row is in.

        SQLite: the texts of the entity, metric and month numbers staged, and an index of every
        column, in the primary key's order (one sort), that the duplicate search, the comparison
        and the final copy walk in order. PostgreSQL: no
        index, whose scan would fetch the rows of a table loaded in this transaction one by
        one at random (its visibility map is not set yet); its queries sort instead, with more
        memory than the default 4 MB for this transaction."""
        if self._dialect == "postgresql":
            await self.connection.exec_driver_sql(f"SET LOCAL work_mem = '{_SORT_MEMORY}'")
            return
        for table, rows in (
            (_ENTITIES, list(self.entity_codes.used())),
            (_METRICS, list(self.stage_keys.used_metrics())),
            (_MONTHS, month_rows(self.months)),
        ):
            if rows:  # (an empty list would be one statement without its parameters)
                marks = ", ".join("?" * len(rows[0]))
                await self.connection.exec_driver_sql(f"INSERT INTO {table} VALUES ({marks})", rows)
        # (Each entry of the index ends with the row's id, its line.)
        await self.connection.exec_driver_sql(
            f"CREATE INDEX {_STAGE}_key ON {_STAGE} ({_STAGE_KEY['sqlite']}, value)"
        )

    async def _analyzed(self) -> None:
        """PostgreSQL: statistics of the stage, for the plans of the queries that join or
        group it (0.15 s of server CPU per 1M values); taken once, and only by a load that runs
        one: the load of new months alone copies the stage as it is."""
        if self._dialect == "postgresql" and not self.stage_analyzed:
            await self.connection.exec_driver_sql(f"ANALYZE {_STAGE}")
            self.stage_analyzed = True

    async def duplicates(self) -> list[RowProblem]:
        """Each line whose key an earlier line of the file already gave."""
        await self._analyzed()
        # One pass over the staged rows says whether there is any: the lines are looked up
        # only then (a second pass).
        key = _STAGE_KEY[self._dialect]
        any_duplicate = f"SELECT 1 FROM {_STAGE} GROUP BY {key} HAVING count(*) > 1 LIMIT 1"
        if (await self.connection.exec_driver_sql(any_duplicate)).first() is None:
            return []
        query = (
            f"SELECT s.line, d.first, {_STAGED_KEY[self._dialect]} "
            f"FROM (SELECT {key}, min(line) AS first FROM {_STAGE} GROUP BY {key} "
            f"HAVING count(*) > 1) AS d JOIN {_STAGE} AS s ON "
            + " AND ".join(f"s.{name} = d.{name}" for name in key.split(", "))
            + (f" {_SQLITE_TEXTS}" if self._dialect == "sqlite" else "")
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
        await self._analyzed()
        query = (
            f"SELECT count(*), count(m.level), "
            f"coalesce(sum(CASE WHEN {_SAME_VALUE[self._dialect]} THEN 1 ELSE 0 END), 0) "
            f"FROM {_STAGED[self._dialect]} LEFT JOIN metric_value AS m "
            f"ON {_SAME_KEY[self._dialect]} "
            f"WHERE {self._not_attached()}"
        )
        counts: Any = (await self.connection.exec_driver_sql(query)).one()
        total, stored, same = int(counts[0]), int(counts[1]), int(counts[2])
        return RowChanges(
            new=total - stored + self.attached_rows, changed=stored - same, unchanged=same
        )

    def _not_attached(self) -> str:
        """The staged rows of months not attached as partitions of their own (all of them
        unless some were): a condition on the stage `s`. The dates are the stage's own."""
        return _not_in(self.attached_months) if self.attached_months else "true"

    async def _months_stored(self) -> bool:
        """Whether `metric_value` holds any value of the staged months not attached (the
        month index)."""
        months: Any = sorted(self.months - self.attached_months)
        if not months:
            return False
        if self._dialect == "sqlite":
            months = [month.isoformat() for month in months]
        marks = ", ".join(
            ["?" if self._dialect == "sqlite" else f"${n + 1}" for n in range(len(months))]
        )
        found = await self.connection.exec_driver_sql(
            f"SELECT 1 FROM metric_value WHERE effective_date IN ({marks}) LIMIT 1", tuple(months)
        )
        return found.first() is not None

    async def lock_for_writes(self) -> None:
        """PostgreSQL: lock metric_value against other loads' writes, before this load writes
        anything or reads metric_value. Attaching a partition locks the default partition
        against every read, so a load holding a read lock there while it waited for this one
        would deadlock with another that attaches; and the attach's foreign key locks
        metric_definition against writes, so a load that had written new definitions before it
        waited here would deadlock with one attaching. Self-conflicting (two loads write one
        after the other, and the second sees the first's partitions); reads and writes of rows
        by anything else go on."""
        await write_locks.hold_metric_loads(self.connection)

    async def write_if_all_new(self) -> RowChanges | None:
        """The load of months with no stored value yet (a new month's file, a first load):
        the staged rows go in with a plain INSERT without looking for duplicates first, since
        the primary key refuses a second row of a key anyway. The changes, all new; or None,
        with nothing written, when a month has stored values or the insert met a key twice
        (then `duplicates`, `changes` and `write` say and do what is right)."""
        if not self.rows:
            return None
        if self._dialect == "postgresql":
            await self._attach_new_months()
            if self.attached_months == self.months:
                return RowChanges(new=self.rows, changed=0, unchanged=0)
        if await self._months_stored():
            return None
        changes = RowChanges(new=self.rows, changed=0, unchanged=0)
        try:
            async with self.connection.begin_nested():
                await self.write(changes)
        except IntegrityError:
            return None
        return changes

    async def _attach_new_months(self) -> None:
        """PostgreSQL: the staged months that have no partition and no stored value are
        loaded into tables of their own without index or foreign key, indexed once (the
        primary key refuses a key given twice), and attached to metric_value, which checks
        the foreign key and the month with one query each; a row copied into metric_value
        instead pays the foreign key's trigger and three index insertions (4.1-4.5 s of
        server CPU per 1M values against 9.5). All of it in the load's transaction: a
        rejected file leaves no partition behind. If the primary key or the foreign key
        refuses a row, nothing of this is kept and the rows take the way of stored months,
        which says what is wrong with them as it always did."""
        # Taken before the load wrote anything (the ingest does); taking it again costs
        # nothing. The partitions found missing here are still missing when attached.
        await self.lock_for_writes()
        fresh = await self._months_without_partition()
        months = sorted({month_bounds(date)[0] for date in fresh})
        if len(months) > ATTACH_MONTHS_AT_MOST:
            # The latest months get partitions; the rest go to the default partition.
            kept = set(months[-ATTACH_MONTHS_AT_MOST:])
            fresh = {date for date in fresh if month_bounds(date)[0] in kept}
        if not fresh:
            return
        try:
            async with self.connection.begin_nested():
                rows = await self._load_partitions(fresh)
        except (IntegrityError, asyncpg.IntegrityConstraintViolationError):
            # (The scripts run on the driver itself, which raises its own errors.)
            return
        self.attached_months = fresh
        self.attached_rows = rows

    async def _months_without_partition(self) -> set[dt.date]:
        """The staged months with no partition of their own and no value in the default one
        (one query for all of them)."""
        by_month: dict[dt.date, set[dt.date]] = {}
        for date in self.months:
            by_month.setdefault(month_bounds(date)[0], set()).add(date)
        months = sorted(by_month)
        found = await self.connection.exec_driver_sql(
            "SELECT m.first FROM unnest($1::text[], $2::date[], $3::date[]) "
            "AS m(name, first, following) WHERE to_regclass(m.name) IS NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {METRIC_DEFAULT_PARTITION} AS d WHERE d.effective_date >= m.first "
            "AND d.effective_date < m.following)",
            (
                [metric_partition_name(month) for month in months],
                months,
                [month_bounds(month)[1] for month in months],
            ),
        )
        fresh: set[dt.date] = set()
        for (month,) in found.all():
            fresh |= by_month[month]
        return fresh

    async def _load_partitions(self, dates: set[dt.date]) -> int:
        """Load the staged rows of these dates into new partitions, attached: the rows."""
        months = sorted({month_bounds(date) for date in dates})
        # Each partition also holds a CHECK of its month, checked row by row as the INSERT
        # routes them (no more than the routing costs): attaching it to metric_value then
        # skips the scan that proves its rows are of the month (1 of its 2 scans: the other
        # checks the foreign key). The statements go to the server in two scripts, one round
        # trip each whatever the months (3 statements per month and 6 more otherwise).
        await self._run_script(
            [
                f"CREATE TABLE {_LOADING} (LIKE metric_value) PARTITION BY RANGE (effective_date)",
                *(
                    f"CREATE TABLE {metric_partition_name(first)} PARTITION OF {_LOADING} "
                    f"(CONSTRAINT {metric_partition_name(first)}_month CHECK (effective_date "
                    f">= '{first.isoformat()}' AND effective_date < '{following.isoformat()}')) "
                    f"FOR VALUES FROM ('{first.isoformat()}') TO ('{following.isoformat()}')"
                    for first, following in months
                ),
            ]
        )
        # The file's order, not the key's: a file gives an account's metrics of a month
        # together, so a read of one account finds them on a page or two; the indexes sort.
        # (Sorting the rows here instead, so that each index build gets them in its order,
        # costs more than it saves: 1M values, 2.0 s of sort against 1.0 s of index builds.)
        where = "" if dates == self.months else f"WHERE NOT ({_not_in(dates)})"
        inserted = await self.connection.exec_driver_sql(
            f"INSERT INTO {_LOADING} ({_KEY}, value) SELECT {_KEY}, value FROM {_STAGE} AS s "
            f"{where}"
        )
        names = [metric_partition_name(first) for first, _following in months]
        await self._run_script(
            [
                # A key given twice fails here.
                f"ALTER TABLE {_LOADING} ADD PRIMARY KEY ({_KEY})",
                f"CREATE INDEX ON {_LOADING} (effective_date, level)",
                f"CREATE INDEX ON {_LOADING} (level, entity_id, effective_date)",
                # Statistics of the new partitions (the reads of one month plan on them),
                # taken before they are attached: attaching locks the default partition
                # against every read until the load commits, so as little as possible comes
                # after it.
                "ANALYZE " + ", ".join(names),
                *(f"ALTER TABLE {_LOADING} DETACH PARTITION {name}" for name in names),
                # The indexes are taken as the partition's own (same columns), the foreign
                # key is added and checked by one query (a metric gone fails here); the month
                # is known from the CHECK.
                *(
                    f"ALTER TABLE metric_value ATTACH PARTITION {name} FOR VALUES FROM "
                    f"('{first.isoformat()}') TO ('{following.isoformat()}')"
                    for name, (first, following) in zip(names, months, strict=True)
                ),
                f"DROP TABLE {_LOADING}",
            ]
        )
        return int(inserted.rowcount)

    async def _run_script(self, statements: list[str]) -> None:
        """PostgreSQL: statements without parameters, in one round trip (the simple query
        protocol runs them in the load's transaction, as the driver's prepared ones would)."""
        raw = await self.connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.execute(";\n".join(statements))

    def _key_order(self) -> str:
        """The primary key's order, as cheaply as PostgreSQL may sort it: a sort on a first
        key that never differs (one level) compares each pair of rows on two keys, and with
        abbreviated keys (the "C" collation only, on PostgreSQL 15) most pairs are told
        apart by an integer. Sorting 1M staged rows of one level in random order: 4.1 s of
        server CPU, 2.8 s without the level, 2.0 s under "C" too. SQLite walks the stage's
        index in that order."""
        if self._dialect != "postgresql":
            return "s.entity, s.key"
        collate = ' COLLATE "C"' if self.bytewise_text else ""
        rest = f"entity_id{collate}, metric_name{collate}, effective_date"
        return rest if len(self.levels) == 1 else f"level{collate}, {rest}"

    async def write(self, changes: RowChanges) -> None:
        """Copy the staged rows that are new or changed into `metric_value`, in key order."""
        if changes.new + changes.changed == 0:
            return
        # SQLite needs a WHERE before ON CONFLICT after a SELECT (else it reads a join).
        where = f"WHERE {self._not_attached()}"
        if changes.unchanged:
            where += (
                f" AND NOT EXISTS (SELECT 1 FROM metric_value AS m WHERE "
                f"{_SAME_KEY[self._dialect]} AND {_SAME_VALUE[self._dialect]})"
            )
        # Without changed rows no staged row meets a stored one: a plain INSERT, which on
        # PostgreSQL skips the speculative insertion ON CONFLICT costs on every row.
        upsert = (
            f" ON CONFLICT ({_KEY}) DO UPDATE SET value = excluded.value" if changes.changed else ""
        )
        if changes.changed or changes.unchanged:
            await self._analyzed()  # the stage is joined with metric_value
        rebuilt = await self._indexes_to_rebuild(changes.new + changes.changed)
        for name, _statement in rebuilt:
            await self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        await self.connection.exec_driver_sql(
            f"INSERT INTO metric_value ({_KEY}, value) "
            f"SELECT {_STAGED_ROW[self._dialect]} FROM {_STAGED[self._dialect]} "
            f"{where} ORDER BY {self._key_order()}"
            f"{upsert}"
        )
        for _name, statement in rebuilt:
            await self.connection.exec_driver_sql(statement)
        if changes.new + changes.changed >= ANALYZE_AFTER_ROWS:
            # Statistics now, not when autovacuum gets to it: planned on the statistics of an
            # empty table, the 100-account read of a ten-million-value table took the month
            # index and read 2.4 million rows (2.5 s instead of 0.2 s). ANALYZE samples a
            # fixed number of rows, about a second whatever the size, and sees this
            # transaction's rows. SQLite keeps no statistics until asked: without them a
            # one-account read walked all of the account's rows through the primary key
            # instead of the entity-month index (192-319 us against 60-77 us a query at ten
            # million values); a sample of 1,000 rows per index takes 55 ms there.
            # On PostgreSQL, the partitions written to: ANALYZE of metric_value would sample
            # every partition, stored months not written to included.
            if self._dialect != "postgresql":
                await self.connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
                await self.connection.exec_driver_sql("ANALYZE metric_value")
                return
            written = await self._partitions_of(self.months - self.attached_months)
            if written:  # (a bare ANALYZE would take the whole database)
                await self.connection.exec_driver_sql("ANALYZE " + ", ".join(sorted(written)))

    async def _indexes_to_rebuild(self, rows: int) -> list[tuple[str, str]]:
        """SQLite: the secondary indexes of metric_value (name, the statement that made it)
        to drop before a write of `rows` rows and build again after it, when the write at least
        doubles the table (a first load). The rows reach the primary key's index in its order,
        but these two at random places: built once from the whole table they cost less than
        that, and fewer pages to log at the commit (1M values into an empty table: 3.1 s of
        CPU for the insert and 1.1 s for the commit, against 1.0 + 1.3 s to build and 0.2 s).
        In the load's transaction: a reader sees the table with its indexes, before or after.
        PostgreSQL loads new months into partitions indexed once already."""
        if self._dialect != "sqlite" or rows < REBUILD_INDEXES_FROM_ROWS:
            return []
        # The largest rowid: as many as the rows stored, or more (never fewer), at the cost of
        # one step down the table's tree.
        found = await self.connection.exec_driver_sql("SELECT max(rowid) FROM metric_value")
        if rows < int(found.scalar() or 0):
            return []
        indexes = await self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'metric_value' AND sql IS NOT NULL ORDER BY name"
        )
        found_indexes: list[Any] = list(indexes.all())
        return [(str(name), str(sql)) for name, sql in found_indexes]

    async def _partitions_of(self, dates: set[dt.date]) -> set[str]:
        """The partitions of metric_value that hold these dates (PostgreSQL)."""
        names: set[str] = set()
        for month in {month_bounds(date)[0] for date in dates}:
            name = metric_partition_name(month)
            found = await self.connection.exec_driver_sql("SELECT to_regclass($1)", (name,))
            names.add(METRIC_DEFAULT_PARTITION if found.scalar_one() is None else name)
        return names

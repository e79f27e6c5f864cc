"""What a validated file will write: rows per table, in an order the foreign keys accept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.progress import IngestProgress

# One row to write, its values in the order of `TableWrite.columns`.
Values = Sequence[Any]
# Work a load does inside its transaction (`WritePlan.before`, `WritePlan.after`); it returns
# lines for the report.
Before = Callable[[AsyncConnection, IngestProgress], Awaitable[Sequence[str]]]


class RemovalNote(str):
    """A line for the report of `before` work that deleted stored rows of the file's own
    table (the lines of an invoice the file says was voided or cancelled): the load's summary
    counts them with its removed rows, so that it never ends `nothing written` after a
    deletion."""

    removed: int

    def __new__(cls, text: str, *, removed: int) -> RemovalNote:
        note = super().__new__(cls, text)
        note.removed = removed
        return note


class MoveNote(str):
    """A line for the report of `before` work that moved stored rows to another account or
    date (an invoice re-dated, the lines of an account created for a party moved to the account
    the party now links to), with how many rows it moved and deleted (doubles of rows already
    at their new place) by table name: the load's summary counts those of the file's own table,
    so that it never ends `nothing written` after it changed stored rows."""

    moved: Mapping[str, int]
    removed: Mapping[str, int]

    def __new__(
        cls, text: str, *, moved: Mapping[str, int], removed: Mapping[str, int] | None = None
    ) -> MoveNote:
        note = super().__new__(cls, text)
        note.moved = moved
        note.removed = removed or {}
        return note


class RecordNote(str):
    """A line for the report of `before` work that recorded a value on stored rows it leaves
    otherwise as they were (a typed reload taking the lines of no known voucher type at its
    keys as its type's), with how many by column: the load's summary counts them as records,
    so that it never ends `nothing written` after it wrote them."""

    recorded: Mapping[str, int]

    def __new__(cls, text: str, *, recorded: Mapping[str, int]) -> RecordNote:
        note = super().__new__(cls, text)
        note.recorded = recorded
        return note


class KeptNote(str):
    """A line for the report of `before` work that kept stored rows of the file's own table
    as they are in place of the file's rows, which are then not written (a gross amount never
    replaces a stored amount before tax of its invoice), with how many of the file's rows it
    kept so: the load's summary counts them unchanged, as a reload's rows stored as they are,
    so that a load of such rows alone never reads `0 sale lines written` (none new, changed
    or unchanged)."""

    kept: int

    def __new__(cls, text: str, *, kept: int) -> KeptNote:
        note = super().__new__(cls, text)
        note.kept = kept
        return note


class RowSource(Protocol):
    """Rows to write, counted up front: a list of tuples will do, or rows built lazily."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Values]: ...


class WriteMode(Enum):
    # Insert new rows; in rows that exist, update the columns the write carries.
    UPSERT = "upsert"
    # Insert only rows that do not exist; never touch existing ones (rows created on the side,
    # such as an industry named after its id, must not overwrite a real one).
    INSERT_MISSING = "insert missing"


@dataclass(frozen=True, slots=True)
class CompareBy:
    """How to find the rows a write replaces, to count its rows that are new, changed and
    unchanged: the stored rows with the write's values of the `lookup` columns (leading
    columns of the primary key, so that an index serves them: `("level", "entity_id")`),
    within the write's range of `span` (a date) if given."""

    lookup: tuple[str, ...]
    span: str | None = None
    # Columns that record where a row came from rather than what it says (a sale line's
    # voucher type): a row that differs from the stored one only in them is written, so the
    # record is kept up to date, but counted unchanged (another export of the same sales
    # changes nothing).
    quiet: tuple[str, ...] = ()
    # Values of quiet columns that, once stored, no row replaces: a record another export
    # settled. A date an export wrote so that it reads one way only (`date_ambiguous` false)
    # is confirmed; an export of the same line at the same date that writes it both ways
    # (`3-4-2025`) agrees with it and must not cast doubt on it again (loading the two in
    # turn rewrote the record on every load).
    settled: tuple[tuple[str, object], ...] = ()


# A line's date recorded as reading one way only: settled for its sales and ledger loads.
DATE_READ_ONE_WAY: tuple[tuple[str, object], ...] = (("date_ambiguous", False),)
# A ledger entry's reference recorded as the bill its voucher names: settled, so that another
# export of the voucher naming no bill (a Day Book's receipt under its own number, when the
# bill is that number) does not unsay it, and the two loaded in turn write nothing.
BILL_NAMED: tuple[tuple[str, object], ...] = (("reference_is_bill", True),)


@dataclass(frozen=True, slots=True)
class RowChanges:
    """What a write did to the rows of its table."""

    new: int
    changed: int
    unchanged: int
    # The first few changed rows, each as its key and its values before and after
    # (`KAV-001, 2025-04-01, invoice, KD/25-26/001, 1: amount 123456.00 -> 23456.00`): a
    # reload that rewrites stored amounts is never silent.
    examples: tuple[str, ...] = ()
    # Stored rows the load deleted as stale (`WritePlan.remove`): not among the write's rows.
    removed: int = 0
    # Stored rows the load moved to another account or date before the write (`MoveNote`).
    moved: int = 0
    # Of the unchanged rows, how many had a record written that the stored row lacked or gave
    # otherwise, by quiet column (`CompareBy.quiet`): (`voucher_number`, 1).
    recorded: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass(frozen=True, slots=True)
class TableWrite:
    table: Table
    # The columns the rows give: a column left out keeps its value in existing rows and
    # gets its default in new ones.
    columns: tuple[str, ...]
    rows: RowSource
    mode: WriteMode = WriteMode.UPSERT
    # Set on the write of the file's own rows: its new, changed and unchanged rows are
    # counted before it is written.
    compare: CompareBy | None = None


@dataclass(frozen=True, slots=True)
class WritePlan:
    # In write order: parents (apps, industries, definitions) before the rows that refer to them.
    writes: Sequence[TableWrite]
    # How many rows of the file's own table will be written.
    rows: int
    # What the file creates on the side, e.g. {"industries": ["retail"]}.
    created: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # What the loader wants the user to know, e.g. how it read the file's dates.
    notes: Sequence[str] = ()
    # Work inside the same transaction before the writes (the sales and ledger kinds move
    # the accounts earlier loads created for parties that now link to other accounts); it
    # returns lines for the report.
    before: Before | None = None
    # Work on the written rows inside the same transaction (the sales and ledger kinds
    # recompute their apps' segments); it returns lines for the report.
    after: Before | None = None
    # Stored rows of the file's own table that the write makes stale, deleted in the same
    # transaction after `before` and before the rows are compared and written (the stored
    # lines of an invoice beyond those the file has of it); it returns how many it deleted.
    remove: Callable[[AsyncConnection], Awaitable[int]] | None = None

    @property
    def total_rows(self) -> int:
        return sum(len(write.rows) for write in self.writes)

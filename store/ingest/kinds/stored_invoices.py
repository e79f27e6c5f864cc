"""The stored lines of a load's own invoices, read once in its transaction and shared by the
work a sales or ledger load does on them: the invoice-date check (`invoice_dates`), the
re-dating of moved invoices (`invoice_moves`), the gross amounts of a Day Book
(`taxed_amounts`) and the removal of stale lines (`stale_item_lines`).

Each of them read the same rows on its own (the stored lines of the file's invoices, a
thousand invoices per statement): three reads of mostly the same rows, and a first load paid
them, and the stale lines' deletes, for a table that held none of its invoices. One read now
keeps, per invoice (customer, kind for a ledger, number), the date, place, amount, whether
the amount includes tax, the voucher type and whether the date reads both ways of each stored
line, and each step that changes those rows in the transaction says so here (`drop`,
`redate`), so the rows kept are the table's at every step. A change this cache cannot
follow (the withdrawn invoices' removal, keyed without the customer) `forget`s it: the next
step reads again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.keyed_rows import rows_with_keys
from store.tables import METADATA


@dataclass(frozen=True, slots=True)
class NumberedLines:
    """Where a kind of load keeps its numbered lines: the table, its date and number columns,
    the column that sets apart two kinds of line of one number (a ledger's invoice and the
    payment numbered as it), and what the refusal calls a line."""

    table: str
    date: str
    number: str
    kind: str | None
    noun: str
    nouns: str
    # The one book a load's lines are of (a ledger's: `ledger_entry.book`, "" for none
    # known), None where lines have no book (sale lines): a load reads, moves and removes
    # only its own book's lines (store.ingest.kinds.ledger_books).
    book: str | None = None
    # The column of a line's own voucher number where its number column holds the bill it
    # names (a ledger's receipt under the invoice it settles: `ledger_entry.voucher_number`),
    # None where lines have none: a cancelled voucher's number names such a line too.
    recorded: str | None = None

    def in_book(self, book: str) -> NumberedLines:
        """These lines of one book only."""
        return replace(self, book=book)

    def key(self) -> tuple[ColumnElement[Any], ...]:
        """The columns that name one invoice: account, kind (a ledger's only), number, and the
        book of a load's lines of one book. The account first: `rows_with_keys` narrows each
        statement by it (the primary key's)."""
        columns = METADATA.tables[self.table].c
        kind = () if self.kind is None else (columns[self.kind],)
        book = () if self.book is None else (columns.book,)
        return (columns.account_id, *kind, columns[self.number], *book)

    def key_values(self, account: str, kind: str, number: str) -> tuple[str, ...]:
        """An invoice's values of `key()`."""
        key = (account, number) if self.kind is None else (account, kind, number)
        return key if self.book is None else (*key, self.book)

    def of_book(self) -> list[ColumnElement[bool]]:
        """The condition that a row is of this load's book (none where lines have none)."""
        if self.book is None:
            return []
        return [METADATA.tables[self.table].c.book == self.book]

    def dated(self) -> tuple[ColumnElement[Any], ...]:
        """`key()` and the date: the stored lines of one invoice at one date."""
        return (*self.key(), METADATA.tables[self.table].c[self.date])


SALE_LINES = NumberedLines("sale_line", "sale_date", "invoice", None, "invoice", "invoices")
LEDGER_ENTRIES = NumberedLines(
    "ledger_entry",
    "entry_date",
    "reference",
    "kind",
    "entry",
    "entries",
    recorded="voucher_number",
)

# An invoice: `NumberedLines.key_values` (account, number; a ledger's: account, kind, number).
InvoiceKey = tuple[str, ...]
# A stored line of an invoice: its date, place, amount, whether the amount includes tax
# (False for a ledger entry, which has no such column), the voucher type it came with (None
# when its file had none), and whether its date could be read both ways (None when stored
# before these were kept).
StoredLine = tuple[dt.date, int, Decimal, bool, str | None, bool | None]


class StoredInvoices:
    """The stored lines of the invoices a load asks for, as they stand in its transaction."""

    def __init__(self, where: NumberedLines) -> None:
        self.where = where
        self._lines: dict[InvoiceKey, list[StoredLine]] = {}
        # Whether every numbered invoice of the file was read (the invoice-date check reads
        # them all first), so that no line kept here means none stored.
        self._whole_file = False

    def read_whole_file(self) -> None:
        """Every numbered invoice of the file was asked for (`of`)."""
        self._whole_file = True

    def none_stored(self) -> bool:
        """Whether the table holds no line of any invoice of the file (a first load): the
        steps after the date check have nothing to do, and skip even reading the file's
        rows again."""
        return self._whole_file and not any(self._lines.values())

    async def of(
        self, connection: AsyncConnection, keys: Iterable[InvoiceKey]
    ) -> Mapping[InvoiceKey, Sequence[StoredLine]]:
        """The stored lines of each invoice of `keys` (those with none left out); reads only
        the invoices not read yet, a thousand per statement."""
        lines = self._lines
        wanted = set(keys)
        missing = sorted(key for key in wanted if key not in lines)
        if missing:
            for key in missing:
                lines[key] = []
            size = len(missing[0])
            found = await rows_with_keys(connection, self.where.key(), missing, *self.columns())
            for row in found:
                lines[row[:size]].append(self.line(row[size:]))
        return {key: lines[key] for key in wanted if lines[key]}

    def columns(self) -> tuple[ColumnElement[Any], ...]:
        """What is read of each stored line after its key (`line` makes it a `StoredLine`)."""
        table = METADATA.tables[self.where.table]
        taxed = (table.c.includes_tax,) if "includes_tax" in table.c else ()
        c = table.c
        return (c[self.where.date], c.line, c.amount, c.voucher_type, c.date_ambiguous, *taxed)

    def line(self, values: Sequence[Any]) -> StoredLine:
        """A stored line from the values of `columns()`."""
        day, line, amount, kind, both_ways = values[:5]
        includes_tax = bool(values[5]) if len(values) > 5 else False
        both_ways = None if both_ways is None else bool(both_ways)
        # A sale line of no known type keeps "" (its key has no NULL): None here, as a
        # ledger entry's.
        return (day, line, amount, includes_tax, kind or None, both_ways)

    def keep(self, key: InvoiceKey, lines: Iterable[StoredLine]) -> None:
        """The stored lines of `key`, read by another step in this transaction (all of them:
        none means none stored)."""
        self._lines[key] = list(lines)

    def drop(self, key: InvoiceKey, day: dt.date, *of_type: str | None) -> None:
        """The invoice's stored lines at `day` (of the voucher type `of_type`, if given) were
        deleted."""
        stored = self._lines.get(key)
        if stored:
            stored[:] = [line for line in stored if not _at(line, day, of_type)]

    def redate(self, key: InvoiceKey, day: dt.date, new: dt.date, *of_type: str | None) -> None:
        """The invoice's stored lines at `day` (of the voucher type `of_type`, if given) now
        have the date `new`."""
        stored = self._lines.get(key)
        if stored:
            stored[:] = [(new, *line[1:]) if _at(line, day, of_type) else line for line in stored]

    def type_line(self, key: InvoiceKey, day: dt.date, line: int, kind: str) -> None:
        """The invoice's stored line of no known type at `day` and place `line` is now of the
        voucher type `kind` (`voucher_keys`)."""
        stored = self._lines.get(key)
        if stored:
            stored[:] = [
                (*old[:4], kind, old[5]) if old[:2] == (day, line) and old[4] is None else old
                for old in stored
            ]

    def forget(self) -> None:
        """Rows were changed in ways not followed here: read again when next asked."""
        self._lines.clear()
        self._whole_file = False


def _at(line: StoredLine, day: dt.date, of_type: tuple[str | None, ...]) -> bool:
    """Whether a stored line is at `day`, and of the voucher type `of_type` holds, if any."""
    return line[0] == day and (not of_type or line[4] == of_type[0])

"""What a sales and a ledger validator keep of a file alike: how the file writes its dates and
amounts, its customers (each id one shared string), the totals and rows of column names it
skipped, and the write plan all that ends in (new apps and accounts, the kind's own rows, the
notes, the segments recomputed after); and the loader of such a kind."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.export_columns import RoleSet
from settings import SegmentOptions
from store.ingest.columns import ColumnSpec
from store.ingest.guessing import GuessingMatcher
from store.ingest.kinds.base import IngestOptions, KindLoader, RowValidator
from store.ingest.kinds.exports import (
    Customers,
    FileFormats,
    Resegment,
    is_label_row,
    is_summary_row,
    load_customers,
)
from store.ingest.plan import TableWrite, WritePlan
from store.ingest.reading import Row


class ExportLines:
    def __init__(self, *, customers: Customers, segment: SegmentOptions) -> None:
        self.formats = FileFormats()
        self._customers = customers
        self._segment = segment
        # Customer ids as the accounts' dict holds them, so kept lines share the strings.
        self._ids: dict[str, str] = {}
        self._skipped = 0
        self._labels = 0

    def skips(self, row: Row) -> bool:
        """Whether the row is no line of the export (a total or balance, or the column names
        again): counted for the notes, and nothing else to do with it."""
        if is_summary_row(row):
            self._skipped += 1
            return True
        if is_label_row(row):
            self._labels += 1
            return True
        return False

    def customer(self, customer: str, row: Row) -> tuple[str, str | None]:
        """The line's customer id (the string kept for it), and the reason the line is bad when
        the customer is an account of another app, else None."""
        customer = self._ids.setdefault(customer, customer)
        return customer, self._customers.resolve(customer, row.get("customer_name"))

    def plan(self, kept: TableWrite, *, rows: int, notes: list[str]) -> WritePlan:
        """The file's writes: its new apps and accounts, then the kind's `kept` rows; the
        kind's own `notes` between those on the formats and those on the skipped lines."""
        notes = [*self.formats.notes(), *notes]
        if self._skipped:
            notes.append(f"Skipped {self._skipped} total or balance lines")
        if self._labels:
            notes.append(f"Skipped {self._labels} lines of column names (`Amount` under `Debit`)")
        return WritePlan(
            writes=[*self._customers.writes(), kept],
            rows=rows,
            created=self._customers.created(),
            notes=notes,
            after=Resegment(self._customers.affected_apps, self._segment),
        )


class ExportValidator(Protocol):
    """A sales or ledger validator's class: made of the customers already stored and how to
    recompute segments after the load."""

    def __call__(self, *, customers: Customers, segment: SegmentOptions) -> RowValidator: ...


def export_loader(validator: ExportValidator, roles: RoleSet) -> KindLoader:
    """The loader of an export kind: columns guessed from `roles`, the validator made of the
    customers already stored."""

    async def prepare(connection: AsyncConnection, options: IngestOptions) -> RowValidator:
        customers = await load_customers(connection, options)
        return validator(customers=customers, segment=options.segment)

    def matcher(options: IngestOptions) -> GuessingMatcher:
        return GuessingMatcher(roles, options.columns)

    return KindLoader(
        columns=ColumnSpec(required=(), optional=roles.names),
        prepare=prepare,
        guess_columns=matcher,
    )

"""What a successful ingest did, for the command line to print.

What it prints stays short whatever the file's size: what was created is a count and a few
examples ("23,570 new accounts, e.g. 00001, 00002, 00003"), and names from the file (columns,
ids) are shown escaped where they hold control characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analytics.counts import counted
from analytics.export_text import unprintable
from analytics.name_lists import first_and_more
from store.ingest.kind import IngestKind
from store.ingest.plan import RowChanges

# Names listed in full up to this many; beyond, a count and the first few.
LISTED_NAMES = 5
EXAMPLE_NAMES = 3


def shown(name: str) -> str:
    """A name from a file as it may be printed: quoted and escaped when it holds a control
    character (which a terminal could act on)."""
    return repr(name) if unprintable(name) else name


def short_list(names: Sequence[str], label: str, counted: str) -> str:
    """`label: a, b` for a few names; `1,234 counted, e.g. a, b, c` for many."""
    if len(names) <= LISTED_NAMES:
        return f"{label}: {first_and_more(names, LISTED_NAMES, shown)}"
    examples = first_and_more(names[:EXAMPLE_NAMES], EXAMPLE_NAMES, shown)
    return f"{len(names):,} {counted}, e.g. {examples}"


@dataclass(frozen=True, slots=True)
class IngestReport:
    kind: IngestKind
    file_name: str
    # E.g. "CSV, semicolon-separated" or "JSON Lines".
    file_format: str
    rows_read: int
    rows_written: int
    # Field -> the file's column that gave it, e.g. {"entity_id": "Entity ID"}.
    columns: Mapping[str, str]
    ignored_columns: Sequence[str] = ()
    # What the file created on the side, e.g. {"industries": ["retail"], "apps": ["ksa"]}.
    created: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # How the file was read (encoding, date order, decimal mark) and what followed (segments).
    notes: Sequence[str] = ()
    # Of the rows written, how many were new, changed a stored row, or were stored already.
    changes: RowChanges | None = None

    @property
    def rows_name(self) -> str:
        return _ROWS[self.kind][1]

    def _rows(self, count: int) -> str:
        """`1 sale line`, `2 sale lines`."""
        one, many = _ROWS[self.kind]
        return counted(count, one, many)

    @property
    def header_only(self) -> bool:
        """Whether the file had its header and no row under it: nothing to load. Not an
        error (as a reload that changes nothing is not), but said so, never as counts of 0."""
        return self.rows_read == 0

    def summary(self) -> str:
        if self.header_only:
            return (
                f"{self.file_name} ({self.file_format}): only a header, no rows under it: "
                f"nothing to load, nothing written"
            )
        created = "".join(
            f", {counted(len(names), f'new {_ONE.get(what, what)}', f'new {what}')}"
            for what, names in self.created.items()
            if names
        )
        return (
            f"{self.file_name} ({self.file_format}): {counted(self.rows_read, 'row', 'rows')} "
            f"read, {self.what_was_written()}{created}"
        )

    def what_was_written(self) -> str:
        """`3 sale lines written`; rows stored as they were already are not written again, and
        a reload says so: `2 sale lines written, 5 unchanged`, `nothing written, 3 sale lines
        unchanged`."""
        changes = self.changes
        if changes is None:
            return f"{self._rows(self.rows_written)} written"
        # Counted when written: the plan's count may include rows its `before` work dropped.
        written = changes.new + changes.changed
        removed = f", {changes.removed:,} removed" if changes.removed else ""
        if changes.unchanged == 0:
            return f"{self._rows(written)} written{_moved(changes)}{removed}"
        if written == 0 and changes.moved:
            # Moved stored rows are written rows: the load changed what is stored.
            return f"{self._rows(changes.moved)} moved, {changes.unchanged:,} unchanged{removed}"
        recorded = _recorded(changes)
        if written == 0 and recorded:
            # The records were written: "nothing written" would read as the export ignored.
            return (
                f"nothing new or changed, {self._rows(changes.unchanged)} unchanged{recorded}"
                f"{removed}"
            )
        if written == 0:
            return f"nothing written, {self._rows(changes.unchanged)} unchanged{removed}"
        return (
            f"{self._rows(written)} written{_moved(changes)}, {changes.unchanged:,} unchanged"
            f"{recorded}{removed}"
        )

    def changes_line(self) -> str | None:
        """`4 sale lines: 0 new, 1 changed, 3 unchanged`, when they were counted."""
        if self.changes is None:
            return None
        changes = self.changes
        removed = f", {changes.removed:,} removed" if changes.removed else ""
        return (
            f"{self._rows(changes.total)}: {changes.new:,} new, {changes.changed:,} changed, "
            f"{changes.unchanged:,} unchanged{_recorded(changes)}{removed}{_moved(changes)}"
        )

    def changed_examples(self, changes: RowChanges) -> str:
        """The changed rows by key, old and new values: `Changed: KAV-001, 2025-04-01,
        invoice, KD/25-26/001, 1: amount 123456.00 -> 23456.00`."""
        named = " | ".join(shown(example) for example in changes.examples)
        if changes.changed > len(changes.examples):
            return f"Changed {self._rows(changes.changed)}, e.g. {named}"
        return f"Changed: {named}"

    def lines(self) -> list[str]:
        """What the command line prints, the summary last."""
        lines = [f"Columns of {self.file_name}:"]
        lines += [f"  {name} <- {shown(column)}" for name, column in self.columns.items()]
        if self.ignored_columns:
            lines.append(short_list(self.ignored_columns, "Ignored columns", "ignored columns"))
        for what, names in self.created.items():
            if names:
                lines.append(short_list(names, f"Created {what}", f"new {what}"))
        lines += self.notes
        if not self.header_only and (changes := self.changes_line()) is not None:
            lines.append(changes)
            if self.changes is not None and self.changes.examples:
                lines.append(self.changed_examples(self.changes))
        lines.append(self.summary())
        return lines


# What a quiet column records on a stored row, by column (`CompareBy.quiet`).
_RECORDS = {
    "voucher_number": "the voucher number",
    "voucher_type": "the voucher type",
    "date_ambiguous": "the date written both ways",
    # Recorded false where nothing was stored (lines stored before it was kept).
    "not date_ambiguous": "that the date reads one way only",
    "reference_is_bill": "that the reference is the bill the voucher names",
    # A payment's own number: it names no invoice, and settles the oldest first.
    "not reference_is_bill": "that the reference is the voucher's own number",
}


def _recorded(changes: RowChanges) -> str:
    """`, recorded the voucher number of 1, the voucher type of 2`: records the load wrote
    on stored rows it counts unchanged."""
    if not changes.recorded:
        return ""
    parts = [
        f"{_RECORDS.get(name, f'the {name}')} of {count:,}" for name, count in changes.recorded
    ]
    return ", recorded " + ", ".join(parts)


def _moved(changes: RowChanges) -> str:
    """`, 3 moved`: stored rows the load moved to another account or date before its write."""
    return f", {changes.moved:,} moved" if changes.moved else ""


# What a kind's rows are called, one and many.
_ROWS = {
    IngestKind.DEFINITIONS: ("definition", "definitions"),
    IngestKind.INDUSTRIES: ("industry", "industries"),
    IngestKind.ACCOUNTS: ("account", "accounts"),
    IngestKind.COMPANIES: ("company", "companies"),
    IngestKind.CONTRACTS: ("contract", "contracts"),
    IngestKind.METRICS: ("metric value", "metric values"),
    IngestKind.SALES: ("sale line", "sale lines"),
    IngestKind.LEDGER: ("ledger entry", "ledger entries"),
}
# One of what a load creates on the side (`Created apps: ksa`), by its plural.
_ONE = {
    "apps": "app",
    "industries": "industry",
    "accounts": "account",
    "metric definitions": "metric definition",
}

"""What a sales export and a ledger export do alike once their lines are checked: count the
lines that are not entries (totals, repeated column names), and write the parties' accounts
before the entries, then recompute the segments of the apps they touched."""

from __future__ import annotations

from dataclasses import dataclass

from settings import SegmentOptions
from store.ingest.kinds.exports import Resegment
from store.ingest.kinds.parties import Parties
from store.ingest.plan import TableWrite, WritePlan


@dataclass
class SkippedLines:
    """Lines of an export that carry no entry, counted so that the load can say so."""

    totals: int = 0  # total or balance lines
    labels: int = 0  # a second line of column names (`Amount` under `Debit`)

    def notes(self) -> list[str]:
        notes = []
        if self.totals:
            notes.append(f"Skipped {self.totals} total or balance lines")
        if self.labels:
            notes.append(f"Skipped {self.labels} lines of column names (`Amount` under `Debit`)")
        return notes


def export_plan(
    parties: Parties,
    segment: SegmentOptions,
    entries: TableWrite,
    *,
    rows: int,
    notes: list[str],
) -> WritePlan:
    """The plan of an export's load: the accounts its parties need, then `entries`."""
    return WritePlan(
        writes=[*parties.writes(), entries],
        rows=rows,
        created=parties.created(),
        notes=notes,
        before=parties.before(),
        after=Resegment(parties.affected_apps, segment),
    )

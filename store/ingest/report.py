"""What a successful ingest did, for the command line to print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from store.ingest.kind import IngestKind


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
    # How the file was read (date order, decimal mark) and what followed (segments).
    notes: Sequence[str] = ()

    def summary(self) -> str:
        created = "".join(
            f", {len(names)} new {what}" for what, names in self.created.items() if names
        )
        what = _WRITTEN.get(self.kind, str(self.kind))
        return (
            f"{self.file_name} ({self.file_format}): {self.rows_read} rows read, "
            f"{self.rows_written} {what} written{created}"
        )


# What a kind's rows are called where its name is not a plural noun.
_WRITTEN = {IngestKind.SALES: "sale lines", IngestKind.LEDGER: "ledger entries"}

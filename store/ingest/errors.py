"""Why a file was not loaded: the whole file (`FileRejected`) or some of its rows
(`IngestRejected`). Either way nothing of the file was written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analytics.counts import counted


@dataclass(frozen=True, slots=True, order=True)
class RowProblem:
    """One bad row: its line in the file (the header is line 1) and what is wrong with it."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class IngestError(Exception):
    """A file was not loaded; the message is one line that says what to fix."""


class FileRejected(IngestError):
    """The file as a whole cannot be loaded: unreadable, not UTF-8, missing columns..."""


class IngestRejected(IngestError):
    """Some rows are bad; every one of them is listed, and nothing was written."""

    def __init__(
        self,
        *,
        file_name: str,
        problems: Sequence[RowProblem],
        rows_read: int,
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.problems = sorted(problems)
        # Role -> the column guessed for it (exports of any shape): a bad guess shows here.
        self.columns = dict(columns or {})
        self.rows_read = rows_read
        count = len(self.problems)
        self.summary = (
            f"{file_name}: {counted(count, 'bad row', 'bad rows')} out of {rows_read:,}; "
            f"nothing was written "
            f"(fix the listed lines and load the file again)"
        )
        super().__init__(self.summary)

    @property
    def columns_line(self) -> str | None:
        """`Columns taken: date <- 'Date', amount <- 'Value'`, for a file whose columns were
        guessed, so that a wrong guess can be seen next to the rows it made bad."""
        if not self.columns:
            return None
        taken = ", ".join(f"{role} <- {column!r}" for role, column in self.columns.items())
        return f"Columns taken: {taken} (--column ROLE=COLUMN to change one)"

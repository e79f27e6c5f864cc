"""A block of a CSV file's lines read as columns, so that a kind can check a whole column at
once (a set of its distinct values, one regular expression over it) instead of one dict per
row: at ten million rows the dict, the strips and the per-row checks were most of a load's
Python time.

Only plain lines become a `ColumnBlock`: every line one row of exactly the header's width, no
quote (so no value spans lines and every line is one row, numbered in order), none blank or a
rule line, none long enough to hold an id too long, in a file without control characters.
Those are the lines on which `TableReader` would build each row as `{field: cell.strip() or
None}` with no problem to report; anything else is read row by row as before. A kind that does
not accept a block as a whole takes its `records()`, the rows `TableReader` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analytics.export_text import RULE_STARTS

# Lines at most this long cannot hold an id longer than the longest an id may have.
_Row = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class ColumnBlock:
    """Rows of consecutive lines, by column: each field's stripped cells, "" for an empty one."""

    first_line: int
    size: int
    columns: dict[str, Sequence[str]]

    def records(self) -> list[tuple[int, _Row]]:
        """The rows as `TableReader` gives them one at a time."""
        names = list(self.columns)
        rows = zip(*self.columns.values(), strict=True)
        return [
            (line, {name: cell or None for name, cell in zip(names, cells, strict=True)})
            for line, cells in enumerate(rows, start=self.first_line)
        ]


def column_block(
    *,
    first_line: int,
    lines: list[str],
    text: str,
    pairs: list[tuple[str, int]],
    width: int,
    max_line: int,
    delimiter: str,
) -> ColumnBlock | None:
    """The block of `lines` (`text` their text, holding no quote) if every line is plain,
    else None.

    Without quotes csv splits a line at each delimiter, so the whole block is split at once:
    each line break becomes a cell of its own, and the lines all have the header's width
    exactly when those cells fall every `width + 1` cells. The columns are then slices."""
    count = len(lines)
    if max(map(len, lines)) > max_line:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if not text.endswith("\n"):
        text += "\n"
    cells = text.replace("\n", f"{delimiter}\n{delimiter}").split(delimiter)
    cells.pop()  # after the last line break
    step = width + 1
    if len(cells) != count * step or cells[width::step].count("\n") != count:
        return None
    # A row is blank or a rule line only if its first cell is empty or starts like a rule
    # (the cells joined start with it): the first column has few distinct values.
    for first in set(cells[0::step]):
        if not first.strip() or first[0] in RULE_STARTS:
            return None
    # Cells hold no line break, and no control character (the file has none): an ASCII text
    # without a space (or a tab that does not separate cells) has nothing to strip (csv's
    # skipinitialspace drops only what the strip drops too).
    stripped = text.isascii() and " " not in text and (delimiter == "\t" or "\t" not in text)
    return ColumnBlock(
        first_line,
        count,
        {
            name: cells[index::step] if stripped else list(map(str.strip, cells[index::step]))
            for name, index in pairs
        },
    )

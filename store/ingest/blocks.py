"""A block of a CSV file's lines read as columns, so that a kind can check a whole column at
once (a set of its distinct values, one regular expression over it) instead of one dict per
row: at ten million rows the dict, the strips and the per-row checks were most of a load's
Python time.

Only plain lines become a `ColumnBlock`: every line one row of exactly the header's width (no
value spans lines, so every line is one row, numbered in order), none blank or a rule line,
none long enough to hold an id too long, in a file without control characters. Lines without a
quote are split all at once (`column_block`); quoted ones by the csv module, in C, whose rows
are then turned into columns by `zip` (`row_column_block`).
Those are the lines on which `TableReader` would build each row as `{field: cell.strip() or
None}` with no problem to report; anything else is read row by row as before. A kind that does
not accept a block as a whole takes its `records()`, the rows `TableReader` gives.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from analytics.export_text import RULE_STARTS

_Row = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class BlockLines:
    """A block of a CSV file's lines after its header, and what reading them as columns needs
    whichever way they are split: the file's header (`pairs`, each field with the index of
    its cell, and `width`, its number of cells), its delimiter, and the longest line that
    cannot hold an id too long."""

    first_line: int
    lines: list[str]
    text: str  # the lines joined
    pairs: list[tuple[str, int]]
    width: int
    max_line: int
    delimiter: str

    @property
    def too_long(self) -> bool:
        """Whether a line is long enough to hold an id longer than an id may be."""
        return max(map(len, self.lines)) > self.max_line

    def block_of(self, column: Callable[[int], Sequence[str]], *, stripped: bool) -> ColumnBlock:
        """The block of the lines as columns, `column(index)` the cells of the header's index
        (asked only for the fields' indexes); `stripped` when no cell has anything to strip."""
        return ColumnBlock(
            self.first_line,
            len(self.lines),
            {
                name: column(index) if stripped else list(map(str.strip, column(index)))
                for name, index in self.pairs
            },
        )


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


def column_block(block: BlockLines) -> ColumnBlock | None:
    """The block of `block.lines` (their text holding no quote) if every line is plain, else
    None.

    Without quotes csv splits a line at each delimiter, so the whole block is split at once:
    each line break becomes a cell of its own, and the lines all have the header's width
    exactly when those cells fall every `width + 1` cells. The columns are then slices."""
    if block.too_long:
        return None
    text, delimiter, width = block.text, block.delimiter, block.width
    count = len(block.lines)
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
    if not _first_cells_plain(cells[0::step]):
        return None
    # Cells hold no line break, and no control character (the file has none): an ASCII text
    # without a space (or a tab that does not separate cells) has nothing to strip (csv's
    # skipinitialspace drops only what the strip drops too).
    stripped = text.isascii() and " " not in text and (delimiter == "\t" or "\t" not in text)
    return block.block_of(lambda index: cells[index::step], stripped=stripped)


@contextmanager
def collection_paused() -> Iterator[None]:
    """The garbage collector off while csv reads a block: each row is a new list, and the
    collections that 10,000 of them start (each walking the young lists, all alive, and now
    and then every object) cost a third of reading quoted lines. Those lists form no cycle,
    so nothing is left for a later collection but the usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _first_cells_plain(first_cells: Sequence[str]) -> bool:
    """Whether no row is blank or a rule line, told by its first cells alone: a row is blank
    or a rule line only if its first cell is empty or starts like a rule (the cells joined
    start with it), and the first column has few distinct values."""
    return all(first.strip() and first[0] not in RULE_STARTS for first in set(first_cells))


def row_column_block(block: BlockLines, rows: list[list[str]]) -> ColumnBlock | None:
    """The block of `block.lines` from `rows`, what csv read of exactly those lines, if every
    line is one plain row, else None.

    Quoted lines: csv splits them (a quote may hold the delimiter), and a value that spans
    lines shows as fewer rows than lines or, on the block's last line, as a cell holding the
    line break the block cut."""
    width = block.width
    if len(rows) != len(block.lines) or block.too_long:
        return None
    if set(map(len, rows)) != {width}:
        return None
    last = rows[-1]
    if any("\n" in cell or "\r" in cell for cell in last):
        return None
    columns = list(zip(*rows, strict=True))
    if not _first_cells_plain(columns[0]):
        return None
    # As in `column_block`: without a space, a tab inside a cell or a character beyond ASCII,
    # no cell has anything to strip. A quoted cell may hold the delimiter: a tab-separated
    # block has no other tab when it has exactly one between each two cells of a row.
    text = block.text
    tabs = text.count("\t")
    stripped = (
        text.isascii()
        and " " not in text
        and (tabs == 0 or (block.delimiter == "\t" and tabs == len(rows) * (width - 1)))
    )
    return block.block_of(columns.__getitem__, stripped=stripped)

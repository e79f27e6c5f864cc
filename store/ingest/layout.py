"""The layout of an export of any shape: which delimiter, or whitespace-aligned columns, and
which of its first lines is the header (reports often put a title and a period above it).

Whitespace-aligned text separates columns by runs of two or more spaces (single spaces stay
inside values such as `Acme Traders`); a header without any double space is split on every
run of spaces. A row whose values do not line up one for one (an empty cell) is read by
position: each value belongs to the header column it overlaps most, or else the nearest one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# Tried in this order: on a tie the earlier wins.
LOOSE_DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# How many of a file's first non-blank lines may hold its header.
HEADER_SEARCH_LINES = 30
# A header names at least this many roles; below it, no line is taken for one.
MIN_HEADER_SCORE = 2

_WIDE_GAPS = re.compile(r"\S+(?: \S+)*")
_ANY_GAPS = re.compile(r"\S+")

HeaderScore = Callable[[Sequence[str]], int]


class Cell(NamedTuple):
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AlignedHeader:
    cells: tuple[Cell, ...]
    # Whether columns are separated by runs of two or more spaces (else by any space).
    wide_gaps: bool

    @property
    def names(self) -> list[str]:
        return [cell.text for cell in self.cells]

    @classmethod
    def parse(cls, line: str) -> AlignedHeader:
        text = line.expandtabs(8).rstrip()
        wide = [Cell(m[0], m.start(), m.end()) for m in _WIDE_GAPS.finditer(text)]
        if len(wide) > 1:
            return cls(tuple(wide), True)
        cells = [Cell(m[0], m.start(), m.end()) for m in _ANY_GAPS.finditer(text)]
        return cls(tuple(cells), False)

    def split(self, line: str) -> list[str] | None:
        """The row's values by column ("" for an empty cell); None when two values fall
        under one column."""
        text = line.expandtabs(8).rstrip()
        pattern = _WIDE_GAPS if self.wide_gaps else _ANY_GAPS
        tokens = [Cell(m[0], m.start(), m.end()) for m in pattern.finditer(text)]
        width = len(self.cells)
        if len(tokens) == width:
            return [token.text for token in tokens]
        values = [""] * width
        for token in tokens:
            column = self._column_of(token)
            if values[column]:
                return None
            values[column] = token.text
        return values

    def _column_of(self, token: Cell) -> int:
        def overlap(cell: Cell) -> int:
            return min(cell.end, token.end) - max(cell.start, token.start)

        def gap(cell: Cell) -> int:
            return max(cell.start - token.end, token.start - cell.end)

        best = max(range(len(self.cells)), key=lambda index: overlap(self.cells[index]))
        if overlap(self.cells[best]) > 0:
            return best
        return min(range(len(self.cells)), key=lambda index: gap(self.cells[index]))


@dataclass(frozen=True, slots=True)
class Layout:
    # None for whitespace-aligned columns.
    delimiter: str | None
    # The header's line in the file (1 is the first line).
    header_line: int


def split_header(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return AlignedHeader.parse(line).names
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


def find_layout(lines: Iterable[tuple[int, str]], score: HeaderScore) -> Layout | None:
    """The delimiter and header line whose header names the most roles (the earliest line,
    then the first delimiter, on a tie); None when no line names enough of them.

    Runs of spaces separate columns only in a line without any delimiter: split on spaces,
    `Voucher Date | Party Name` would name more roles, word by word, than its real columns.
    """
    best: tuple[int, Layout] | None = None
    searched = 0
    for number, line in lines:
        if not line.strip():
            continue
        searched += 1
        if searched > HEADER_SEARCH_LINES:
            break
        delimited = False
        for delimiter in (*LOOSE_DELIMITERS, None):
            cells = split_header(line, delimiter)
            if len(cells) < 2 or (delimiter is None and delimited):
                continue
            delimited = True
            found = score([cell.strip() for cell in cells])
            if found >= MIN_HEADER_SCORE and (best is None or found > best[0]):
                best = (found, Layout(delimiter, number))
    return None if best is None else best[1]


def find_header_row(
    rows: Iterable[tuple[int, Sequence[str | None]]], score: HeaderScore
) -> int | None:
    """The number of the row, among the first non-empty ones of a sheet, that names the most
    roles (the earliest on a tie); None when none names enough of them."""
    best: tuple[int, int] | None = None
    searched = 0
    for number, cells in rows:
        if not any(cells):
            continue
        searched += 1
        if searched > HEADER_SEARCH_LINES:
            break
        found = score([cell or "" for cell in cells])
        if found >= MIN_HEADER_SCORE and (best is None or found > best[0]):
            best = (found, number)
    return None if best is None else best[1]

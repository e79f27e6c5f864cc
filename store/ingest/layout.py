"""The layout of an export of any shape: which delimiter, or whitespace-aligned columns, and
which of its first lines is the header (reports often put a title and a period above it), or
that it has none.

Whitespace-aligned text separates columns by runs of two or more spaces (single spaces stay
inside values such as `Acme Traders`); a header without any double space is split on every
run of spaces. A row whose values do not line up one for one (an empty cell) is read by
position: each value belongs to the header column it overlaps most, or else the nearest one.
Single spaces separate columns too when that gives the header more columns, every line the
same number of values as the header, and the values do not line up under the header's columns
otherwise (` customer_id  date number_of_cds  dollar_value` over ` 00001 19970101  1   11.77`).

A file whose first line is data has no header: its columns are named by position and
recognised by their values (`analytics.export_content`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from analytics.export_content import position_name
from analytics.export_reports import balance_columns
from analytics.export_text import is_rule_line

# Tried in this order: on a tie the earlier wins.
LOOSE_DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# How many of a file's first non-blank lines may hold its header.
HEADER_SEARCH_LINES = 30
# A header names at least this many roles; below it, no line is taken for one.
MIN_HEADER_SCORE = 2

_WIDE_GAPS = re.compile(r"\S+(?: \S+)*")
_ANY_GAPS = re.compile(r"\S+")

# Lines of a file's first block that decide how the rest is split.
SAMPLE_LINES = 200

HeaderScore = Callable[[Sequence[str]], int]
# Role -> column index recognised from the values of rows without a header, or None when the
# rows do not show every role a file needs.
ContentGuess = Callable[[Sequence[Sequence[str]]], Mapping[str, int] | None]


class Cell(NamedTuple):
    text: str
    start: int
    end: int


def _cells(pattern: re.Pattern[str], line: str) -> list[Cell]:
    return [Cell(m[0], m.start(), m.end()) for m in pattern.finditer(line.expandtabs(8).rstrip())]


@dataclass(frozen=True, slots=True)
class AlignedHeader:
    cells: tuple[Cell, ...]
    # Whether columns are separated by runs of two or more spaces (else by any space).
    wide_gaps: bool
    # Whether a row with more or fewer values than columns is read by position (else it is
    # a row whose values do not line up).
    positional: bool = True

    @property
    def names(self) -> list[str]:
        return [cell.text for cell in self.cells]

    @classmethod
    def parse(cls, line: str, *, single_spaces: bool = False) -> AlignedHeader:
        if single_spaces:
            return cls(tuple(_cells(_ANY_GAPS, line)), False, positional=False)
        wide = _cells(_WIDE_GAPS, line)
        if len(wide) > 1:
            return cls(tuple(wide), True)
        return cls(tuple(_cells(_ANY_GAPS, line)), False)

    @classmethod
    def by_position(cls, width: int, *, single_spaces: bool) -> AlignedHeader:
        """The columns of a file without a header: `column 1`, `column 2`..."""
        cells = tuple(Cell(position_name(index), 0, 0) for index in range(width))
        return cls(cells, not single_spaces, positional=False)

    def split(self, line: str) -> list[str] | None:
        """The row's values by column ("" for an empty cell); None when two values fall
        under one column, or do not line up with a header read without positions."""
        tokens = _cells(_WIDE_GAPS if self.wide_gaps else _ANY_GAPS, line)
        width = len(self.cells)
        if len(tokens) == width:
            return [token.text for token in tokens]
        if not self.positional:
            return None
        values = [""] * width
        for token in tokens:
            column = self.column_of(token)
            if values[column]:
                return None
            values[column] = token.text
        return values

    def column_of(self, token: Cell) -> int:
        """The column a value falls under: the one it overlaps most, else the nearest."""

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
    # The header's line in the file (1 is the first line); of a header on two rows, the lower.
    header_line: int
    # The names of a header on two rows, read as one (`merge_header_rows`); None for one row.
    names: tuple[str, ...] | None = None
    # Of whitespace-aligned text with a header on two rows: its columns, placed.
    cells: tuple[Cell, ...] | None = None


@dataclass(frozen=True, slots=True)
class Headerless:
    """A file without a header row: how its lines split, and what its columns give."""

    # None for whitespace-separated columns.
    delimiter: str | None
    width: int
    # Whitespace-separated: by single spaces too (else by runs of two or more).
    single_spaces: bool
    # Role -> column index, recognised from the values.
    positions: Mapping[str, int]

    @property
    def names(self) -> list[str]:
        return [position_name(index) for index in range(self.width)]


def split_header(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return AlignedHeader.parse(line).names
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


def _data_lines(lines: Iterable[tuple[int, str]]) -> list[str]:
    """The first lines that may be data: not blank, not rules."""
    sample: list[str] = []
    for _number, line in lines:
        if line.strip() and not is_rule_line(line):
            sample.append(line)
            if len(sample) >= SAMPLE_LINES:
                break
    return sample


def _lines_up(header: AlignedHeader, line: str) -> bool:
    """Whether a line's values, split like the header, each fall under a column of their own,
    in order."""
    tokens = _cells(_WIDE_GAPS if header.wide_gaps else _ANY_GAPS, line)
    columns = [header.column_of(token) for token in tokens]
    if len(tokens) == len(header.cells):
        return columns == list(range(len(tokens)))
    return all(left < right for left, right in pairwise(columns))


def single_spaces_fit(header: str, lines: Iterable[tuple[int, str]]) -> bool:
    """Whether single spaces separate the columns of whitespace-aligned text too: when they
    split the header into more columns than runs of spaces do, split every line of the
    sample into as many values as the header, and some line's values do not line up under
    the header's columns otherwise (` 00001 19970101  1   11.77` under
    ` customer_id  date number_of_cds  dollar_value`). A file whose names of one and two
    words line up under `Party Name` keeps reading `Acme Traders` as one value."""
    width = len(_cells(_ANY_GAPS, header))
    if width <= len(_cells(_WIDE_GAPS, header)):
        return False
    sample = _data_lines(lines)
    if not sample or any(len(_cells(_ANY_GAPS, line)) != width for line in sample):
        return False
    aligned = AlignedHeader.parse(header)
    return not all(_lines_up(aligned, line) for line in sample)


def _split_all(lines: Sequence[str], delimiter: str | None, single: bool) -> list[list[str]]:
    if delimiter is not None:
        return [
            [cell.strip() for cell in cells]
            for cells in csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
        ]
    pattern = _ANY_GAPS if single else _WIDE_GAPS
    return [[cell.text for cell in _cells(pattern, line)] for line in lines]


def find_headerless(lines: Iterable[tuple[int, str]], guess: ContentGuess) -> Headerless | None:
    """How a file whose first line is data splits: the first way (a delimiter, single spaces,
    runs of spaces) that splits every line of the sample into as many values, two or more,
    whose values show the roles a file needs; None when no way does."""
    sample = _data_lines(lines)
    if not sample:
        return None
    splits: list[tuple[str | None, bool]] = [(d, False) for d in LOOSE_DELIMITERS]
    splits += [(None, True), (None, False)]
    for delimiter, single in splits:
        rows = _split_all(sample, delimiter, single)
        widths = {len(row) for row in rows}
        if len(widths) != 1 or (width := widths.pop()) < 2:
            continue
        positions = guess(rows)
        if positions is not None:
            return Headerless(delimiter, width, single, dict(positions))
    return None


def merge_header_rows(
    upper: Sequence[str], lower: Sequence[str], score: HeaderScore
) -> tuple[str, ...] | None:
    """The names of a header that spans two rows; None unless the lower row continues the
    header. It does when no cell has a digit (a line of an export has a date and an amount,
    so a line without any digit is no data) and either

    - it names a column the upper row leaves blank, with names of roles of its own, as Tally
      writes `Value` over `Debit` and `Credit`: each column takes the lower row's name, else
      the upper's; under a heading of balances (`Closing Balance` over `Debit` and `Credit`,
      the heading standing over the blank cells to its right too, as `_under_heading` says
      how far), both: `Closing Balance Debit` holds balances, never an amount
      (`analytics.export_reports`); or
    - every name it has stands under a name of the upper row and names a role or repeats, as
      Tally's units row `Amount`, `Amount` under `Debit`, `Credit`: the upper row's names
      stand, the lower one is skipped.
    """
    width = max(len(upper), len(lower))
    top = [cell.strip() for cell in upper] + [""] * (width - len(upper))
    below = [cell.strip() for cell in lower] + [""] * (width - len(lower))
    named = [cell for cell in below if cell]
    if not named or any(character.isdigit() for cell in named for character in cell):
        return None
    if not any(name and not top[index] for index, name in enumerate(below)):
        # Labels under the names: a row of units if they name a role or repeat (a group
        # heading such as `Sundry Debtors` does neither, and is left to the rows).
        repeated = len(set(map(str.casefold, named))) < len(named)
        return tuple(top) if repeated or score(below) >= 1 else None
    if score(below) < 1:
        return None
    return tuple(_under_heading(top, below))


def _under_heading(top: Sequence[str], below: Sequence[str]) -> list[str]:
    """The names of a header on two rows: the lower row's, else the upper's; a lower name
    under a heading of balances keeps the heading (`Closing Balance Debit`).

    A heading stands over its own cell and the blank cells to its right (a merged cell's
    text is in its first), up to the next heading, a column blank in both rows, or a lower
    name met again under it: `Opening Balance` over `Debit | Credit | Debit | Credit` spans
    the first pair only, the second pair being another group whose heading is blank."""
    names = []
    heading = ""
    spanned: set[str] = set()
    for upper, lower in zip(top, below, strict=True):
        if upper or not lower or lower.casefold() in spanned:
            heading, spanned = upper, set()
        if lower:
            spanned.add(lower.casefold())
        if lower and heading and balance_columns([heading]):
            names.append(f"{heading} {lower}")
        else:
            names.append(lower or upper)
    return names


def _overlap(left: Cell, right: Cell) -> bool:
    return min(left.end, right.end) > max(left.start, right.start)


def merge_aligned_rows(upper: str, lower: str, score: HeaderScore) -> tuple[Cell, ...] | None:
    """The columns of a whitespace-aligned header on two rows: the lower row's names, and
    the upper row's names above no lower one (`Value` above `Debit  Credit` gives way to
    them), or the upper row's alone when every lower name stands under one of them (a row of
    units); None unless the lower row continues the header, as `merge_header_rows` says."""
    top = AlignedHeader.parse(upper).cells
    below = AlignedHeader.parse(lower).cells
    names = [cell.text for cell in below]
    if not names or any(character.isdigit() for name in names for character in name):
        return None
    if all(any(_overlap(cell, name) for name in top) for cell in below):
        repeated = len({name.casefold() for name in names}) < len(names)
        return top if repeated or score(names) >= 1 else None
    if score(names) < 1:
        return None
    kept = [cell for cell in top if not any(_overlap(cell, name) for name in below)]
    return tuple(sorted((*kept, *below), key=lambda cell: cell.start))


def _below_header(lines: Sequence[tuple[int, str]], layout: Layout, score: HeaderScore) -> Layout:
    """The layout with the header's second row, if the line under it is one."""
    numbers = [number for number, _line in lines]
    at = numbers.index(layout.header_line)
    if layout.delimiter is None:
        below = next(
            ((n, line) for n, line in lines[at + 1 :] if line.strip() and not is_rule_line(line)),
            None,
        )
        if below is None:
            return layout
        placed = merge_aligned_rows(lines[at][1], below[1], score)
        if placed is None:
            return layout
        return Layout(None, below[0], tuple(cell.text for cell in placed), placed)
    upper = split_header(lines[at][1], layout.delimiter)
    for number, line in lines[at + 1 :]:
        if not line.strip() or is_rule_line(line):
            continue
        cells = split_header(line, layout.delimiter)
        if not "".join(cells).strip():
            continue  # a line of empty cells: `,,,,`
        names = merge_header_rows(upper, cells, score)
        return layout if names is None else Layout(layout.delimiter, number, names)
    return layout


def find_layout(lines: Iterable[tuple[int, str]], score: HeaderScore) -> Layout | None:
    """The delimiter and header line whose header names the most roles (the earliest line,
    then the first delimiter, on a tie), with its second row if it spans two
    (`merge_header_rows`); None when no line names enough of them.

    Runs of spaces separate columns only in a line without any delimiter: split on spaces,
    `Voucher Date | Party Name` would name more roles, word by word, than its real columns.
    """
    lines = list(lines)
    best: tuple[int, Layout] | None = None
    searched = 0
    for number, line in lines:
        if not line.strip() or is_rule_line(line):
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
    return None if best is None else _below_header(lines, best[1], score)


def find_header_row(
    rows: Iterable[tuple[int, Sequence[str | None]]], score: HeaderScore
) -> Layout | None:
    """The row, among the first non-empty ones of a sheet, that names the most roles (the
    earliest on a tie), with its second row if it spans two; None when none names enough."""
    best: tuple[int, int] | None = None
    searched = 0
    seen: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        seen.append((number, [cell or "" for cell in cells]))
        if not any(cells):
            continue
        searched += 1
        if searched > HEADER_SEARCH_LINES:
            break
        found = score([cell or "" for cell in cells])
        if found >= MIN_HEADER_SCORE and (best is None or found > best[0]):
            best = (found, number)
    if best is None:
        return None
    upper = next(cells for number, cells in seen if number == best[1])
    for number, cells in seen:
        if number > best[1] and any(cell.strip() for cell in cells):
            names = merge_header_rows(upper, cells, score)
            if names is not None:
                return Layout(None, number, names)
            break
    return Layout(None, best[1])

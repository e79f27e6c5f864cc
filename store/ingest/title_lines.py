"""The title lines of a report: what stands above its header (the company, the report's name,
`Ledger: Sharma Electricals`, the period), as cells. The header itself is found by
`store.ingest.layout`; this reads only the lines above it, once, before the rows are read."""

from __future__ import annotations

import re

from store.ingest.layout import HEADER_SEARCH_LINES, HeaderScore, find_header_row, split_header
from store.ingest.reading import SourceFormat, TableFile
from store.ingest.xlsx import Workbook

# The header lies among the first lines (`HEADER_SEARCH_LINES` non-blank ones): this many
# bytes hold them in any export.
_TITLE_BYTES = 64 * 1024
_WIDE_GAPS = re.compile(r"\s{2,}")


def _first_data_line(table: TableFile) -> int:
    """The line of the header (of its upper row, when it spans two)."""
    line = table.header_line or 1
    return line - 1 if table.header_names is not None else line


def title_lines(table: TableFile, score: HeaderScore) -> list[list[str]]:
    """The cells of the lines above the header (none for a file without a title)."""
    if table.format is SourceFormat.XLSX:
        return _workbook_title(table, score)
    if table.format is SourceFormat.JSON_LINES or table.headerless is not None:
        return []
    above = _first_data_line(table) - 1
    if above < 1:
        return []
    with table.path.open("rb") as file:
        text = table.encoding.decode_head(file.read(_TITLE_BYTES))
    return [_cells(line, table.delimiter) for line in text.splitlines()[:above] if line.strip()]


def _cells(line: str, delimiter: str | None) -> list[str]:
    """A title line's cells: as the header's, but runs of two or more spaces alone separate
    those of aligned text (`Ledger: Sundry Debtors` is one)."""
    if delimiter is None:
        return _WIDE_GAPS.split(line.strip())
    return split_header(line, delimiter)


def _workbook_title(table: TableFile, score: HeaderScore) -> list[list[str]]:
    workbook = Workbook(table.path)
    try:
        found = find_header_row(workbook.rows(), score)
        if found is None:
            return []
        upper = found.header_line - (1 if found.names is not None else 0)
        lines: list[list[str]] = []
        for number, cells in workbook.rows():
            if number >= upper or len(lines) > HEADER_SEARCH_LINES:
                break
            if any(cells):
                lines.append([cell or "" for cell in cells])
        return lines
    finally:
        workbook.close()

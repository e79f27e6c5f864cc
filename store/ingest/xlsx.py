"""Excel workbooks (.xlsx, through openpyxl): the rows of the first sheet as text cells.

Cells become the text a user sees: dates as ISO dates, whole numbers without `.0`, and a
number shown with leading zeros (format `00000`) keeps them, since customer ids are text.
A number in a date column without a date format is an Excel serial date, which the date
parser reads as such.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from store.ingest.errors import FileRejected

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"
_ZERO_PADDED = re.compile(r"0+")


def is_workbook(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES or head.startswith(ZIP_MAGIC)


def cell_text(value: Any, number_format: str | None = None) -> str | None:
    """The text of one cell's value; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        if number_format and _ZERO_PADDED.fullmatch(number_format):
            return str(value).zfill(len(number_format))
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return cell_text(int(value), number_format)
        # The shortest text that reads back as the same float: 0.1 stays "0.1".
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return str(value).strip() or None


class Workbook:
    """The first sheet of a workbook, opened read-only."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise FileRejected(
                f"not a readable Excel workbook ({exc}): save it again as .xlsx, or as CSV"
            ) from exc
        if not self._book.worksheets:
            raise FileRejected("the workbook has no sheet")
        self._sheet = self._book.worksheets[0]

    @property
    def sheet_name(self) -> str:
        name: str = self._sheet.title
        return name

    @property
    def row_count(self) -> int:
        count: int | None = self._sheet.max_row
        return count or 0

    def rows(self) -> Iterator[tuple[int, list[str | None]]]:
        """(row number, cell texts) of every row, blank rows included."""
        for number, row in enumerate(self._sheet.iter_rows(), start=1):
            # Empty cells of a read-only sheet have no number format.
            yield number, [cell_text(c.value, getattr(c, "number_format", None)) for c in row]

    def close(self) -> None:
        self._book.close()

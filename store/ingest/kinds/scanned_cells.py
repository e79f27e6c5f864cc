"""The base of the entity validators whose date or number columns are read as the whole file
writes them (`1,200` employees, `01/04/2025` for a contract's start): the file is scanned
once before it is checked (`ScansFirst`), and each column's parser reads with what the scan
decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from store.ingest.cell_formats import ScannedFormats
from store.ingest.reading import Row


class ScansCells:
    def __init__(self, *, dates: Sequence[str] = (), numbers: Sequence[str] = ()) -> None:
        self._scan = ScannedFormats(dates=dates, numbers=numbers)

    def observe(self, row: Row) -> None:
        self._scan.observe(row)

    def formats_known(self, columns: Mapping[str, str], ignored: Sequence[str] = ()) -> None:
        del columns, ignored  # dates and numbers are read by their cells
        self._scan.formats_known()

    def _counts(self, column: str) -> Callable[[str], int]:
        """The parser of `column`'s whole numbers, with the file's decimal mark."""
        return lambda text: self._scan.formats.count(text, column)

    def _dates(self, column: str) -> Callable[[str], dt.date]:
        """The parser of `column`'s dates, in the file's date order."""
        return lambda text: self._scan.formats.date(text, column)

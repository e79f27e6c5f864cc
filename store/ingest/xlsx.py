"""Excel workbooks (.xlsx, through openpyxl): the rows of the first sheet as text cells.

Cells become the text a user sees: dates as ISO dates, whole numbers without `.0`, and a
number shown with leading zeros (format `00000`) keeps them, since customer ids are text.
A number in a date column without a date format is an Excel serial date, which the date
parser reads as such.

A workbook is a zip of XML parts, and a small one can unpack to gigabytes (one 300 MB cell
compresses to 0.3 MB) or declare XML entities that expand without end. Before openpyxl reads
anything, the parts' unpacked sizes are checked against `MAX_PART_BYTES` each and
`MAX_WORKBOOK_BYTES` in all (zipfile never unpacks more than a part declares), and a part
that declares a DTD is refused. Whatever openpyxl then fails on is one line naming the row,
never a traceback. At most `MAX_COLUMNS` columns are read.
"""

from __future__ import annotations

import codecs
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
# The unpacked size one part of a workbook (a sheet, its shared strings) may have, and all
# of them together.
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_WORKBOOK_BYTES = 250 * 1024 * 1024
MAX_PARTS = 10_000
# Columns of a sheet that are read: exports have a few dozen; a sheet whose used range runs
# to column XFD would otherwise give rows of 16,384 cells.
MAX_COLUMNS = 256
# How much of an XML part may come before its root element.
_PROLOG_BYTES = 64 * 1024
_XML_PARTS = (".xml", ".rels", ".vml")
_ZERO_PADDED = re.compile(r"0+")
_MB = 1024 * 1024


# The signature of an OLE2 compound file: Excel 97-2003's .xls, or an .xlsx saved with a
# password (encrypted inside such a container).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_legacy_workbook(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC)


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


def _megabytes(size: int) -> str:
    if size < _MB:
        return f"{size / 1024:,.0f} KB"
    return f"{size / _MB:,.1f} MB"


def _prolog_declares_dtd(head: bytes) -> bool | None:
    """Whether the start of an XML part declares a DTD before its root element; None when no
    root element starts within it."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    elif head.startswith(b"<\x00"):
        text = head.decode("utf-16-le", errors="replace")
    elif head.startswith(b"\x00<"):
        text = head.decode("utf-16-be", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n\ufeff":
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position + 2)
            if end < 0:
                return None
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            if end < 0:
                return None
            position = end + 3
        elif text.startswith("<!", position):
            return True  # <!DOCTYPE: entities, external or expanding
        elif text.startswith("<", position):
            return False
        else:
            return None


def check_archive(path: Path) -> None:
    """Refuse a workbook whose parts unpack too large or declare a DTD (XML bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise FileRejected(
                    f"the workbook has {len(parts):,} parts, more than the {MAX_PARTS:,} a "
                    f"workbook may have: save it as CSV"
                )
            total = 0
            for part in parts:
                if part.file_size > MAX_PART_BYTES:
                    raise FileRejected(
                        f"part {part.filename} of the workbook unpacks to "
                        f"{_megabytes(part.file_size)}, more than the "
                        f"{_megabytes(MAX_PART_BYTES)} a part may have: save it as CSV"
                    )
                total += part.file_size
            if total > MAX_WORKBOOK_BYTES:
                raise FileRejected(
                    f"the workbook unpacks to {_megabytes(total)}, more than the "
                    f"{_megabytes(MAX_WORKBOOK_BYTES)} a workbook may have: save it as CSV"
                )
            for part in parts:
                if part.is_dir() or not part.filename.lower().endswith(_XML_PARTS):
                    continue
                with archive.open(part) as stream:
                    head = stream.read(_PROLOG_BYTES)
                if not head.strip():
                    continue
                declares = _prolog_declares_dtd(head)
                if declares is None:
                    raise FileRejected(
                        f"part {part.filename} of the workbook is not XML: save it again as "
                        f".xlsx, or as CSV"
                    )
                if declares:
                    raise FileRejected(
                        f"part {part.filename} of the workbook declares a DTD (XML entities), "
                        f"which a workbook never needs: refused"
                    )
    except FileRejected:
        raise
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise FileRejected(
            f"not a readable Excel workbook ({exc}): save it again as .xlsx, or as CSV"
        ) from exc


class Workbook:
    """The first sheet of a workbook, opened read-only."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        check_archive(path)
        try:
            # Opened here so that it is closed whatever openpyxl leaves open when it fails.
            self._file = path.open("rb")
        except OSError as exc:
            raise FileRejected(f"cannot read it: {exc.strerror or exc}") from exc
        try:
            self._book = load_workbook(self._file, read_only=True, data_only=True)
            if not self._book.worksheets:
                raise FileRejected("the workbook has no sheet")
            self._sheet = self._book.worksheets[0]
        except FileRejected:
            self.close()
            raise
        except Exception as exc:  # openpyxl's parsers fail in many ways on a damaged file
            self.close()
            raise FileRejected(
                f"not a readable Excel workbook ({type(exc).__name__}: {exc}): save it again "
                f"as .xlsx, or as CSV"
            ) from exc

    @property
    def sheet_name(self) -> str:
        name: str = self._sheet.title
        return name

    @property
    def row_count(self) -> int:
        count: int | None = self._sheet.max_row
        return count or 0

    def rows(self) -> Iterator[tuple[int, list[str | None]]]:
        """(row number, cell texts) of every row, blank rows included (as no cells)."""
        number = 0
        blank: object = None
        try:
            width = min(self._sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
            for number, row in enumerate(self._sheet.iter_rows(max_col=width), start=1):
                # openpyxl gives every missing row as one shared tuple: seen once, skipped.
                if row is blank:
                    yield number, []
                    continue
                end = len(row)
                while end and row[end - 1].value is None:
                    end -= 1
                # Empty cells of a read-only sheet have no number format.
                cells = [cell_text(c.value, getattr(c, "number_format", None)) for c in row[:end]]
                if not any(cells):
                    blank = row
                yield number, cells
        except FileRejected:
            raise
        except Exception as exc:  # openpyxl's parsers fail in many ways on a damaged sheet
            raise FileRejected(
                f"row {number + 1} of sheet {self.sheet_name!r} cannot be read "
                f"({type(exc).__name__}: {exc}): save it again as .xlsx, or as CSV"
            ) from exc

    def close(self) -> None:
        book = getattr(self, "_book", None)
        if book is not None:
            book.close()
        self._file.close()

"""Helpers of the sales and ledger tests: exports in many shapes, and reading results back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import METADATA

SALES_TABLES = ("app", "account", "sale_line", "quarter_segment", "sales_profile")
LEDGER_TABLES = ("app", "account", "ledger_entry", "credit_risk")


def write_delimited(
    folder: Path, name: str, delimiter: str, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> Path:
    path = folder / name
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_aligned(
    folder: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> Path:
    """Columns padded to a common width, numbers right-aligned, two spaces between."""
    widths = [max(len(str(v)) for v in column) for column in zip(header, *rows, strict=True)]

    def line(values: Sequence[str]) -> str:
        cells = []
        for value, width in zip(values, widths, strict=True):
            numeric = value.replace(",", "").replace(".", "").isdigit()
            cells.append(value.rjust(width) if numeric else value.ljust(width))
        return "  ".join(cells).rstrip()

    path = folder / name
    path.write_text("\n".join([line(header), *(line(row) for row in rows)]) + "\n")
    return path


def write_workbook(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    formats: dict[int, str] | None = None,
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title is not None:
        sheet.append([title])
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
        for column, number_format in (formats or {}).items():
            sheet.cell(row=sheet.max_row, column=column + 1).number_format = number_format
    path = folder / name
    book.save(path)
    return path


# Where a ledger entry's voucher number is in a row of `rows_of` (the table's order, which is
# the order its migrations added the columns in).
VOUCHER_NUMBER = list(METADATA.tables["ledger_entry"].columns.keys()).index("voucher_number")


async def rows_of(engine: AsyncEngine, name: str) -> list[tuple[Any, ...]]:
    table = METADATA.tables[name]
    async with engine.connect() as connection:
        result = await connection.execute(select(table))
        return sorted((tuple(row) for row in result), key=_order)


def _order(row: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    # None sorts first; the other values of a column share a type.
    return tuple((value is not None, 0 if value is None else value) for value in row)


async def tables_of(engine: AsyncEngine, names: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    return {name: await rows_of(engine, name) for name in names}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)

"""Text bound for a spreadsheet cell (a CSV we write, a table of a deck), made safe from formula
injection.

Spreadsheet programs run a cell whose text starts with `=`, `+`, `-` or `@` as a formula, and
some also one that starts with a tab or a carriage return: a customer named
`=HYPERLINK("http://evil", "Click")` would become a live link in the file of whoever opens our
export. OWASP's rule (CSV injection): put a single quote before such text. Spreadsheets show the
quote as "this is text" and hide it; anything else reading the file sees the text with one
leading quote, which `spreadsheet_text_of` takes off again. Text that already starts with
quotes before such a character gets one more, so that what a spreadsheet shows, and what
`spreadsheet_text_of` returns, is the text exactly as it was.

Numbers are written as numbers, never as text: `spreadsheet_value(Decimal("-12.5"))` stays the
number -12.5. Only text goes through the rule. Ingest keeps text verbatim; the rule applies to
what we write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# What a cell's text may start with for a spreadsheet to read it as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

CellValue = str | int | float | Decimal | dt.date | None


def _escaped(text: str) -> bool:
    """Whether `text` is quotes, maybe none, before a character that starts a formula."""
    return text.lstrip(ESCAPE).startswith(FORMULA_STARTS)


def spreadsheet_safe(text: str) -> str:
    """`text`, with a single quote before it when a spreadsheet would run it as a formula."""
    if _escaped(text):
        return ESCAPE + text
    return text


def spreadsheet_text_of(cell: str) -> str:
    """The text `spreadsheet_safe` was given, from what it returned."""
    if cell.startswith(ESCAPE) and _escaped(cell[1:]):
        return cell[1:]
    return cell


def spreadsheet_value(value: CellValue) -> CellValue:
    """A cell's value as a writer should pass it on: text made safe, numbers (negative ones
    included), dates and empty cells unchanged."""
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value

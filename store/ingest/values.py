"""Parsing one cell's text into a typed value, with a message that says what to write instead.

Parsers raise `BadValue`; the kinds turn its message into the reason of a bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from decimal import Decimal
from functools import lru_cache

from analytics.export_amounts import BadAmount, DecimalMark, parse_amount
from analytics.export_dates import BadDate, DateOrder, parse_export_date, parse_export_month
from analytics.units import UnknownUnit, canonical_unit

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
# Plain decimal notation with an optional exponent: no thousands separators, no `_`
# (which Decimal() would accept), no NaN or Infinity.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# A number written as its Decimal prints it (str(Decimal(text)) == text): no sign but a
# minus, no leading zero, no exponent, no lone point, and not 0.000000x (printed with an
# exponent); at most 31 digits on either side, far within NUMERIC's range.
_PRINTED = r"-?(?:[1-9]\d{0,30}(?:\.\d{1,31})?|0(?:\.(?!000000)\d{1,31})?)"
# A column of such numbers joined by line breaks, checked by one match.
# ASCII digits only: `\d` would also take other scripts' digits (an Arabic-Indic zero after a
# 1), which Decimal reads as 10 and prints as '10': such a text goes through parse_decimal.
_PRINTED_LINES = re.compile(rf"(?:{_PRINTED}\n)*{_PRINTED}", re.ASCII)
_PRINTED_ONE = re.compile(_PRINTED, re.ASCII)
# The largest value of an INTEGER column on PostgreSQL (SQLite's are larger).
_MAX_INTEGER = 2**31 - 1
# PostgreSQL NUMERIC's range: up to 131072 digits before the point and 16383 after.
_MAX_INTEGER_DIGITS = 131072
_MAX_FRACTION_DIGITS = 16383


class BadValue(ValueError):
    """A cell whose text is not a value of its column."""


def parse_bool(text: str, *, column: str) -> bool:
    key = text.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(f"{column} {text!r} is not a boolean: use true/false, yes/no or 1/0")


def parse_count(text: str, *, column: str, mark: DecimalMark = DecimalMark.POINT) -> int:
    """A non-negative whole number that an INTEGER column holds, written as any number of the
    file (`1,200`, `12,00,000`, `1200.00`)."""
    if not (text.isascii() and text.isdigit()):
        try:
            value = parse_decimal(text, column=column, mark=mark)
        except BadValue:
            value = None
        if value is None or value < 0 or value != value.to_integral_value():
            raise BadValue(f"{column} {text!r} is not a whole number of 0 or more")
        text = str(int(value))
    if len(text) > 10 or int(text) > _MAX_INTEGER:
        raise BadValue(f"{column} {text[:40]!r} is too large (at most {_MAX_INTEGER:,})")
    return int(text)


def _number_hint(mark: DecimalMark) -> str:
    if mark is DecimalMark.COMMA:
        return "write it like 1234,5 or 1.234,5 (numbers of this file have a decimal comma)"
    return "write it like 1234.5, -0.25, 1,234.5 or 12,34,567.5"


def parse_decimal(text: str, *, column: str, mark: DecimalMark = DecimalMark.POINT) -> Decimal:
    """An exact decimal that keeps its digits as written, read as accounting exports write
    amounts (`analytics.export_amounts`, the sales loader's parser): "15000.0" stays 15000.0,
    "1,23,456.70" is 123456.70, "(500)" is -500, "Rs. 1,200" is 1200. `mark` is the file's
    decimal mark, decided from all of its numbers; plain notation with an exponent (1.5E+3)
    is read too. A Dr/Cr side has no meaning outside a ledger and is refused."""
    if _NUMBER.fullmatch(text) is not None and (mark is DecimalMark.POINT or "." not in text):
        value = Decimal(text)
    else:
        if text.lower().strip().lstrip("+-") in {"nan", "snan", "inf", "infinity"}:
            raise BadValue(f"{column} {text!r} is not a finite number")
        if "%" in text:
            # 12% is 12 of the percent unit but 0.12 of a ratio: the unit decides, not the cell.
            raise BadValue(
                f"{column} {text!r} is not a number: write it without % (12 for 12 % in a "
                f"percent metric, 0.12 in a ratio)"
            )
        try:
            amount = parse_amount(text, mark)
        except BadAmount:
            raise BadValue(f"{column} {text!r} is not a number: {_number_hint(mark)}") from None
        if amount.side is not None:
            raise BadValue(
                f"{column} {text!r} is not a number: a Dr/Cr side belongs to sales and "
                f"ledger files (write a credit as a negative number)"
            )
        value = amount.value
    if len(text) > 32 or "e" in text or "E" in text:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite, checked above
        if value.adjusted() >= _MAX_INTEGER_DIGITS or exponent < -_MAX_FRACTION_DIGITS:
            raise BadValue(f"{column} {text[:40]!r} is out of range")
    return value


def decimal_texts(
    texts: Sequence[str], *, column: str, mark: DecimalMark = DecimalMark.POINT
) -> Sequence[str] | None:
    """Each text as the Decimal `parse_decimal` makes of it prints itself (the text a store
    keeps), or None if any is not a value `parse_decimal` accepts. A column of numbers
    written plainly, the common case, is checked by one match and kept as it is."""
    # With a decimal comma, `1.234` is 1234: only the full parse reads it.
    point = mark is DecimalMark.POINT
    joined = "\n".join(texts)
    # (A text holding a line break would pass for several.)
    if (
        point
        and joined.count("\n") == len(texts) - 1
        and _PRINTED_LINES.fullmatch(joined) is not None
    ):
        return texts
    printed: list[str] = []
    for text in texts:
        if point and _PRINTED_ONE.fullmatch(text) is not None:
            printed.append(text)
            continue
        try:
            printed.append(str(parse_decimal(text, column=column, mark=mark)))
        except BadValue:
            return None
    return printed


@lru_cache(maxsize=4096)
def parse_date(text: str, *, column: str, order: DateOrder = DateOrder.DAY_FIRST) -> dt.date:
    """A calendar date as accounting exports write them (`analytics.export_dates`, the sales
    loader's parser); `order` is the file's order of day and month (`01/02/2025`)."""
    try:
        return parse_export_date(text, order)
    except BadDate as exc:
        raise BadValue(f"{column} {exc}") from None


@lru_cache(maxsize=4096)
def parse_month(text: str, *, column: str, order: DateOrder = DateOrder.DAY_FIRST) -> dt.date:
    """The first day of the month of a date, or of a month written alone (`2024-03`,
    `Mar-2024`): a date of another day is moved to its month's first day, 2024-02-30 is
    refused."""
    try:
        return parse_export_month(text, order)
    except BadDate as exc:
        raise BadValue(f"{column} {exc}") from None


def parse_choice(text: str, choices: Collection[str], *, column: str) -> str:
    """One of `choices`, matched case-insensitively."""
    key = text.lower()
    if key in choices:
        return key
    listed = ", ".join(choices)
    raise BadValue(f"unknown {column} {text!r}: use one of {listed}")


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> str:
    """A known unit (`analytics.units`), kept as written once trimmed: `euros` stays `euros`,
    so that the API answers with the unit as it was defined (`currency` gives its ISO code)."""
    unit = text.strip()
    try:
        canonical_unit(unit)
    except UnknownUnit as exc:
        raise BadValue(str(exc)) from exc
    return unit

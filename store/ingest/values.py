"""Parsing one cell's text into a typed value, with a message that says what to write instead.

Parsers raise `BadValue`; the kinds turn its message into the reason of a bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from decimal import Decimal
from functools import lru_cache

from analytics.export_amounts import BadAmount, parse_grouped_number
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
# Year-month[-day] with `-` or `/`, optionally followed by a time of day (ignored).
_DATE = re.compile(
    r"(?P<year>\d{4})(?P<sep>[-/])(?P<month>\d{1,2})"
    r"(?:(?P=sep)(?P<day>\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?"
)


class BadValue(ValueError):
    """A cell whose text is not a value of its column."""


def parse_bool(text: str, *, column: str) -> bool:
    key = text.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(f"{column} {text!r} is not a boolean: use true/false, yes/no or 1/0")


def parse_count(text: str, *, column: str) -> int:
    """A non-negative whole number, digits only, that an INTEGER column holds."""
    if text.isascii() and text.isdigit():
        if len(text) > 10 or int(text) > _MAX_INTEGER:
            raise BadValue(f"{column} {text[:40]!r} is too large (at most {_MAX_INTEGER:,})")
        return int(text)
    raise BadValue(f"{column} {text!r} is not a whole number of 0 or more")


def parse_decimal(text: str, *, column: str) -> Decimal:
    """An exact decimal that keeps its digits as written: "15000.0" stays 15000.0, and
    "1,23,456.70" (digits grouped by lakhs, or by thousands) is 123456.70."""
    if _NUMBER.fullmatch(text) is not None:
        value = Decimal(text)
    elif "," in text:
        # Digits grouped by thousands or, as Indian exports write them, by lakhs and crores.
        try:
            value = parse_grouped_number(text)
        except BadAmount as exc:
            raise BadValue(f"{column} {text!r} is not a number: {exc}") from None
    else:
        if text.lower().lstrip("+-") in {"nan", "snan", "inf", "infinity"}:
            raise BadValue(f"{column} {text!r} is not a finite number")
        raise BadValue(
            f"{column} {text!r} is not a number: write it like 1234.5, -0.25 or 1,23,456.5 "
            f"(a point for decimals, commas only between groups of digits)"
        )
    if len(text) > 32 or "e" in text or "E" in text:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite, checked above
        if value.adjusted() >= _MAX_INTEGER_DIGITS or exponent < -_MAX_FRACTION_DIGITS:
            raise BadValue(f"{column} {text[:40]!r} is out of range")
    return value


def decimal_texts(texts: Sequence[str], *, column: str) -> Sequence[str] | None:
    """Each text as the Decimal `parse_decimal` makes of it prints itself (the text a store
    keeps), or None if any is not a value `parse_decimal` accepts. A column of numbers
    written plainly, the common case, is checked by one match and kept as it is."""
    joined = "\n".join(texts)
    # (A text holding a line break would pass for several.)
    if joined.count("\n") == len(texts) - 1 and _PRINTED_LINES.fullmatch(joined) is not None:
        return texts
    printed: list[str] = []
    for text in texts:
        if _PRINTED_ONE.fullmatch(text) is not None:
            printed.append(text)
            continue
        try:
            printed.append(str(parse_decimal(text, column=column)))
        except BadValue:
            return None
    return printed


def _date_parts(text: str) -> tuple[int, int, int | None] | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day = match["day"]
    return int(match["year"]), int(match["month"]), None if day is None else int(day)


@lru_cache(maxsize=4096)
def parse_date(text: str, *, column: str) -> dt.date:
    """A calendar date: YYYY-MM-DD (or YYYY/MM/DD), a time of day after it is ignored."""
    parts = _date_parts(text)
    if parts is not None and parts[2] is not None:
        try:
            return dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            pass
    raise BadValue(f"{column} {text!r} is not a valid date: use YYYY-MM-DD")


@lru_cache(maxsize=4096)
def parse_month(text: str, *, column: str) -> dt.date:
    """The first day of the month of a date given as YYYY-MM-DD or YYYY-MM (or with `/`)."""
    parts = _date_parts(text)
    if parts is not None:
        year, month, day = parts
        try:
            # Validate the whole date so that 2024-02-30 is refused, not silently moved.
            dt.date(year, month, day or 1)
            return dt.date(year, month, 1)
        except ValueError:
            pass
    raise BadValue(f"{column} {text!r} is not a valid date: use YYYY-MM-DD or YYYY-MM")


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

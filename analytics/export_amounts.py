"""Amounts as accounting exports write them: `1,234.50`, `12,34,567.00` (Indian grouping),
`1.234,50` and `1 234,50` (decimal comma), `$1,234`, `Rs. 1,200`, `1,200.00 INR`, `(500.00)`,
`500-` and Tally's `(-)500.00` (negative), and a `Dr`/`Cr` side (`12,500.00 Dr`).

Digits are kept exactly as written (`1,234.50` is the exact decimal 1234.50). Whether a comma
is a decimal mark or a thousands separator is decided once per file (`infer_decimal_mark`):
a decimal comma only when some amount can only be read that way (`12,5`, `1.234,56`) and
none only with a decimal point (`1,234.56`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
# The commonest written amounts, read without peeling: 12,345.67 and 12.345,67.
_FAST_GROUPED = {
    ".": (re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"), ","),
    ",": (re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"), "."),
}
_SIDE_SUFFIX = re.compile(r"(.*?)(?<![A-Za-z])\s*(dr|cr)\.?", re.IGNORECASE)
_SIDE_PREFIX = re.compile(r"(dr|cr)\.?\s+(.*)", re.IGNORECASE)
# A currency written around the number: a code or abbreviation (USD, Rs., SR) or a symbol.
_CURRENCY_PREFIX = re.compile(r"(?:[A-Za-z]{1,3}\.?|[^\w\s+\-(),.'])\s*")
_CURRENCY_SUFFIX = re.compile(r"\s*(?:[A-Za-z]{1,3}\.?|[^\w\s+\-(),.'])$")
# The thousands separators each decimal mark goes with.
_GROUPING = {".": ",'\u00a0\u202f ", ",": ".'\u00a0\u202f "}
# Western groups of three (1,234,567), or Indian groups of two before the last three (lakh
# and crore: 12,34,567 and 1,23,45,678); a mix of both (123,45,678 or 1,23,456,789) is neither.
# No one groups digits after a leading zero: `0.125` and `0,125` are fractions, never thousands.
_GROUPED = "(?!0){d}{{1,3}}(?:{g}{d}{{3}})+|(?!0){d}{{1,2}}(?:{g}{d}{{2}})+{g}{d}{{3}}"
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


class BadAmount(ValueError):
    """A text that is not an amount."""


class Side(StrEnum):
    DEBIT = "Dr"
    CREDIT = "Cr"

    @property
    def other(self) -> Side:
        """The opposite side: a return's, where this is the sales'."""
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


# What a side column (`Dr/Cr`, `D/C`) holds on each line, compared without case or dots. The
# German and Spanish columns the column names know (`S/H`, `Soll/Haben`, `Debe/Haber`) write
# their own words: Soll and Debe are debits, Haben and Haber credits (DATEV's `S` and `H`).
_SIDE_WORDS = {
    "dr": Side.DEBIT,
    "debit": Side.DEBIT,
    "d": Side.DEBIT,
    "débit": Side.DEBIT,
    "soll": Side.DEBIT,
    "s": Side.DEBIT,
    "debe": Side.DEBIT,
    "cr": Side.CREDIT,
    "credit": Side.CREDIT,
    "c": Side.CREDIT,
    "crédit": Side.CREDIT,
    "haben": Side.CREDIT,
    "h": Side.CREDIT,
    "haber": Side.CREDIT,
}


class BadSide(ValueError):
    """A text that names neither a debit nor a credit."""


def parse_side(text: str) -> Side:
    """The side a side column's cell names: `Dr`, `Debit`, `D`, `Cr`, `Credit`, `C` (and the
    German and Spanish `S`, `Soll`, `Debe`, `H`, `Haben`, `Haber`) in any case, with or without
    a dot."""
    side = _SIDE_WORDS.get(text.strip().rstrip(".").strip().lower())
    if side is None:
        raise BadSide(f"{text!r} is neither Dr nor Cr (write Dr, Cr, Debit, Credit, D or C)")
    return side


def is_side(text: str) -> bool:
    return text.strip().rstrip(".").strip().lower() in _SIDE_WORDS


class DecimalMark(StrEnum):
    POINT = "."
    COMMA = ","


class Amount(NamedTuple):
    value: Decimal
    # The side a `Dr`/`Cr` mark gives; None when the text has none.
    side: Side | None = None


class _Peeled(NamedTuple):
    number: str
    negative: bool
    side: Side | None


def _peel(text: str) -> _Peeled:
    """The number inside `text`, without its sign, parentheses, currency and side marks."""
    value = text.strip().translate(_MINUS_SIGNS)
    side: Side | None = None
    if match := _SIDE_SUFFIX.fullmatch(value):
        value, side = match[1], Side(match[2].capitalize())
    elif match := _SIDE_PREFIX.fullmatch(value):
        side, value = Side(match[1].capitalize()), match[2]
    negations = 0
    for _round in range(4):
        before = value
        value = value.strip()
        # Tally's minus sign: `(-)5,000.00`, `₹ (-) 5,000.00`.
        if value.startswith("(-)"):
            value, negations = value[3:], negations + 1
        if value.startswith("(") and value.endswith(")"):
            value, negations = value[1:-1], negations + 1
        if value.startswith(("-", "+")):
            negations += value[0] == "-"
            value = value[1:]
        if value.endswith("-"):
            value, negations = value[:-1], negations + 1
        if (match := _CURRENCY_PREFIX.match(value)) and not value[:1].isdigit():
            value = value[match.end() :]
        if match := _CURRENCY_SUFFIX.search(value):
            value = value[: match.start()]
        if value == before:
            break
    if negations > 1:
        raise BadAmount(f"{text!r} is not an amount: it has more than one minus sign")
    return _Peeled(value.strip(), negations == 1, side)


def _evidence(number: str) -> DecimalMark | None:
    """The decimal mark a number can only be read with, if any."""
    comma, point = number.rfind(","), number.rfind(".")
    if comma >= 0 and point >= 0:
        return DecimalMark.COMMA if comma > point else DecimalMark.POINT
    # One separator before exactly three digits groups thousands or marks decimals, unless
    # nothing but a zero stands before it (`0.125`: thousands are never grouped after a 0).
    if comma >= 0:
        if number.count(",") == 1 and (len(number) - comma - 1 != 3 or _ungroupable(number)):
            return DecimalMark.COMMA
        return DecimalMark.POINT if number.count(",") > 1 else None
    if point >= 0:
        if number.count(".") > 1:
            return DecimalMark.COMMA
        return DecimalMark.POINT if len(number) - point - 1 != 3 or _ungroupable(number) else None
    return None


def _ungroupable(number: str) -> bool:
    return number.lstrip("+-")[:1] in ("0", ".", ",")


class DecimalMarkEvidence:
    """What the amounts of one file seen so far say about their decimal mark."""

    def __init__(self) -> None:
        self.point = False
        self.comma = False

    @property
    def settled(self) -> bool:
        """Once an amount needs a decimal point, no other amount can change the answer."""
        return self.point

    def observe(self, text: str) -> None:
        if self.point:
            return
        if "," not in text and text.count(".") < 2:
            # A plain number tells only through the digits after its point (not three).
            if "." in text and _PLAIN.fullmatch(text.strip()) is not None:
                self.point |= _evidence(text.strip()) is DecimalMark.POINT
            return
        try:
            mark = _evidence(_peel(text).number)
        except BadAmount:
            return
        self.point |= mark is DecimalMark.POINT
        self.comma |= mark is DecimalMark.COMMA

    @property
    def mark(self) -> DecimalMark:
        """A decimal comma only when some amount needs one and none needs a decimal point."""
        return DecimalMark.COMMA if self.comma and not self.point else DecimalMark.POINT


def infer_decimal_mark(texts: Iterable[str]) -> DecimalMark:
    evidence = DecimalMarkEvidence()
    for text in texts:
        evidence.observe(text)
        if evidence.settled:
            break
    return evidence.mark


def _digits(whole: str, mark: DecimalMark, text: str) -> str:
    # Decimal digits of any script (Decimal reads them), not `²` or `①` (isdigit, which
    # Decimal refuses with an exception).
    if whole.isdecimal():
        return whole
    separators = {character for character in whole if not character.isdecimal()}
    allowed = _GROUPING[mark]
    if len(separators) == 1 and (separator := separators.pop()) in allowed:
        pattern = _GROUPED.format(d=r"\d", g=re.escape(separator))
        if re.fullmatch(pattern, whole):
            return whole.replace(separator, "")
    raise _not_an_amount(text, mark)


def _not_an_amount(text: str, mark: DecimalMark) -> BadAmount:
    hint = " (amounts of this file have a decimal comma, as in 1.234,50)"
    return BadAmount(
        f"{text!r} is not an amount: write it like 1234.50 or 1,234.50"
        + (hint if mark is DecimalMark.COMMA else "")
    )


def parse_amount(text: str, mark: DecimalMark = DecimalMark.POINT) -> Amount:
    """The exact amount `text` writes, with its `Dr`/`Cr` side if it has one."""
    # With a decimal comma, a point groups thousands: `1.234` is 1234, not 1.234.
    if _PLAIN.fullmatch(text) and (mark is DecimalMark.POINT or "." not in text):
        plain = Decimal(text)
        return Amount(plain if plain else abs(plain))
    pattern, separator = _FAST_GROUPED[mark.value]
    if pattern.fullmatch(text):
        grouped = Decimal(text.replace(separator, "").replace(",", "."))
        return Amount(grouped if grouped else abs(grouped))
    number, negative, side = _peel(text)
    whole, _mark, fraction = number.partition(mark.value)
    if not (whole or fraction) or (fraction and not fraction.isdecimal()):
        raise _not_an_amount(text, mark)
    digits = _digits(whole, mark, text) if whole else "0"
    value = Decimal(f"{'-' if negative else ''}{digits}{'.' if fraction else ''}{fraction}")
    # A minus zero is still zero, and prints as one.
    return Amount(value if value else abs(value), side)

"""Decimals without trailing zeros and without an exponent.

`Decimal.normalize` drops trailing zeros but writes a whole number that ends in zeros with an
exponent (`Decimal("100.000000").normalize()` is `1E+2`), and the API serializes a Decimal as
`str` gives it: a figure computed by the server (a roll-up, a private release) would reach users
as "1E+2" or "3.35E+7"."""

from __future__ import annotations

from decimal import Decimal

_UNITS = Decimal(1)


def without_trailing_zeros(value: Decimal) -> Decimal:
    """The same number, its trailing zeros dropped, written without an exponent."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normalized.quantize(_UNITS)
    return normalized

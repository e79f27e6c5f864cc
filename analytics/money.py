"""The one form money is stored and answered in: at least two decimals, the minor unit of the
currencies accounting exports are written in (paise, cents), and further decimals only where
they are not zeros (`1.2505` stays, `1.250` is `1.25`).

An export writes 123456.00 where a workbook cell holds 123456: one amount, which must not be
two stored values (a reload from the other export would count it as changed) nor two texts
in the API (`"45000"` beside `"150000.00"`). So amounts are stored as `money(value)`:
123456.00 both times, and sums of them (revenue, invoiced, outstanding) print alike.
"""

from __future__ import annotations

from decimal import Decimal

MINOR_DIGITS = 2


def money(value: Decimal) -> Decimal:
    """`value` in its one written form: trailing zeros after the second decimal dropped, and
    at least two decimals, exactly: 123456 -> 123456.00, 12.5 -> 12.50, 176.045330 ->
    176.04533, -0 -> 0.00. Equal amounts give equal forms. No context rounding, whatever
    the number of digits."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return value
    if not any(digits):
        return Decimal((0, (0,), -MINOR_DIGITS))  # a minus zero is zero, and prints as one
    kept = list(digits)
    while exponent < -MINOR_DIGITS and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if exponent > -MINOR_DIGITS:
        kept.extend([0] * (exponent + MINOR_DIGITS))
        exponent = -MINOR_DIGITS
    return Decimal((sign, tuple(kept), exponent))

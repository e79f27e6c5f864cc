"""A discount of a whole invoice, spread over its lines.

QuickBooks writes an invoice's discount item as a negative line after its items (`Discount,
-10.0%, -31.50`). A discount below one of the lines above it lowers that line (see
`store.ingest.kinds.ledger`). One larger than every single line but below the invoice's
total (50% off three items of 100.00) is still a discount of the invoice: it is spread over
the lines in proportion to their amounts, as accounting allocates an invoice-level discount,
so that the invoice is owed net of it and no line goes to nothing or below. Shares are
rounded to the finest decimals of the amounts and the discount, the rounding remainder going
to the largest line, so the lines add up to the total less the discount exactly. A discount
not below the invoice's total lowers nothing (the caller refuses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal

# Shares never round but where they are quantized, whatever the thread's decimal context.
_EXACT = Context(prec=80)
# At least cents: a discount of whole amounts is still shared to the cent.
_MIN_EXPONENT = -2


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def spread_discount(amounts: Sequence[Decimal], discount: Decimal) -> list[Decimal] | None:
    """The `amounts` (positive, one invoice's lines) less their shares of `discount`
    (positive), in their order; None when the discount is not below their total or a line
    would go to nothing (a line of a cent beside large ones)."""
    if not amounts or discount <= 0 or any(amount <= 0 for amount in amounts):
        return None
    total = sum(amounts, Decimal(0))
    if discount >= total:
        return None
    exponent = min(_MIN_EXPONENT, _exponent(discount), *(_exponent(a) for a in amounts))
    quantum = Decimal(1).scaleb(exponent)
    shares = [
        _EXACT.divide(_EXACT.multiply(discount, amount), total).quantize(
            quantum, rounding=ROUND_HALF_EVEN
        )
        for amount in amounts
    ]
    largest = max(range(len(amounts)), key=lambda index: amounts[index])
    shares[largest] += discount - sum(shares, Decimal(0))
    lowered = [amount - share for amount, share in zip(amounts, shares, strict=True)]
    if any(amount <= 0 for amount in lowered):
        return None
    return lowered

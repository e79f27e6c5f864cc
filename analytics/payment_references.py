"""Whether a payment's number in a ledger export names the invoice it pays.

A ledger export's number column holds each voucher's own number (Tally's `Vch No.`,
QuickBooks' `Num`), or, in an export of payments, the invoice each one pays (Zoho Books'
Customer Payments: `Invoice Number`, beside a `Payment Number` no role takes). Tally numbers
each voucher type apart, so a Day Book's `Receipt 2` shares its number with `Sales 2`: taken
for the invoice it pays, it settled `Sales 2` before an older open invoice. So a payment names
an invoice only in a bill column (`Ref`, `Agst Ref`...) or in a column whose name says it
numbers invoices; under any other number it names nothing and settles the oldest invoices.
"""

from __future__ import annotations

from analytics.export_columns import normalize

# The names of a column of invoices' numbers, as `normalize` makes them: English, German,
# French and Spanish, as the invoice role reads them (analytics/export_columns.py).
_INVOICE_NUMBERS = frozenset(
    normalize(name)
    for name in (
        *("invoice number", "invoice no", "invoice num", "invoice id", "invoice"),
        *("inv no", "inv number"),
        *("rechnungsnummer", "rechnungsnr", "rechnung nr", "rechnung"),
        *("numéro de facture", "numero de facture", "n° facture", "no facture", "facture"),
        *("número de factura", "numero de factura", "nº factura", "n° factura", "factura"),
    )
)


def names_paid_invoice(column: str | None) -> bool:
    """Whether a payment's number in `column` is the invoice it pays (`Invoice Number`), not
    the payment's own number (`Vch No.`, `Num`, `Receipt No`); False without a column."""
    return column is not None and normalize(column) in _INVOICE_NUMBERS

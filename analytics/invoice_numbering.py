"""Whose invoice numbers restart each financial year, and whose run on.

Tally numbers each voucher type afresh every financial year (April to March), so a number is
an invoice's only within its year. QuickBooks' numbers never restart. Nor do Zoho Books':
"Zoho Books does not restart the invoice numbering for the new fiscal year but continues in
the same series of numbering"; a user who wants a new series per year changes the prefix
(Zoho Books' help, "How is the closing and reopening of accounts for a fiscal year handled"),
which makes new numbers. So a Zoho export says nothing of its organisation's fiscal year
(January to December in the UAE, April to March in India, any month): whatever that year, its
invoice number is the invoice, as QuickBooks' is.

Zoho's invoice export is known by its columns: `Invoice Number` and `Invoice Status` beside
Zoho's own ids (`Invoice ID`, `Customer ID`)."""

from __future__ import annotations

from collections.abc import Iterable

from analytics.export_columns import normalize

_ZOHO_COLUMNS = frozenset(("invoicenumber", "invoicestatus"))
_ZOHO_IDS = frozenset(("invoiceid", "customerid"))


def is_zoho_invoice_export(columns: Iterable[str]) -> bool:
    """Whether a file with these columns is Zoho Books' export of invoices."""
    names = {normalize(column) for column in columns}
    return names >= _ZOHO_COLUMNS and not _ZOHO_IDS.isdisjoint(names)

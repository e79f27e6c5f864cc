"""Tax ledgers: the lines of a voucher that are the tax on a sale, not a sale.

A detailed Day Book writes a sales voucher as the party's line (the gross) over the ledgers it
credits: the sales ledger (`Sales Account`, the amount before tax) and the taxes (`Output
CGST @9%`, `Output IGST @18%`, `Cess`, `Duties & Taxes`, `TDS Receivable`, `Round Off`).
Taxes are owed to the state and a round-off is no goods sold, so they are never sale items.
"""

from __future__ import annotations

import re

from analytics.export_columns import words
from analytics.ledger_titles import QUALIFIERS

# A word that makes a ledger a tax (or rounding) ledger.
_TAX_WORDS = frozenset(
    (
        *("cgst", "sgst", "igst", "utgst", "gst", "cess", "vat", "cst", "tds", "tcs"),
        *("duty", "duties", "taxes", "excise", "customs"),
        *("round", "rounding", "rounded"),
    )
)
# Words that may qualify one (`Output CGST Payable`, `Round Off`, `Duties & Taxes`).
_MORE = frozenset(
    ("off", "receivable", "payable", "output", "input", "tax", "and", "collected", "collection")
)
# What a tax ledger may say it is levied on, after its tax words (`TCS on Sales`, `TCS on Sale
# of Goods`, `GST on Sales`): the sales it is a tax on, not a sales ledger.
_LEVIED_ON = frozenset(("sale", "sales", "of", "goods", "services", "service"))
_NUMBERS = re.compile(r"[0-9]+")


def is_tax_ledger(name: str) -> bool:
    """Whether a ledger's name is a tax's or a round-off's: only such words and qualifiers,
    one of them a tax word (`Sales @ 18% GST` is a sales ledger, `Output GST` a tax), then
    perhaps what it is levied on (`TCS on Sales`)."""
    named = [word for word in words(_NUMBERS.sub(" ", name)) if word]
    if "on" in named:
        at = named.index("on")
        if at and all(word in _LEVIED_ON for word in named[at + 1 :]):
            named = named[:at]
    return (
        bool(named)
        and all(word in _TAX_WORDS or word in _MORE or word in QUALIFIERS for word in named)
        and any(word in _TAX_WORDS for word in named)
    )

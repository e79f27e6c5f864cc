"""Tally's bill-wise details: the lines a ledger shows under a voucher when its bill-wise
details are on, one per bill the voucher allocates its amount to, with no date, voucher type
or number of their own:

    20-May-2025, HDFC Bank, Receipt, RCP/003, , 29,500.00
    , Agst Ref  KD/25-26/002, , , , 29,500.00 Cr
    3-Apr-2025, Sales Account, Sales, KD/25-26/002, 29,500.00,
    , New Ref  KD/25-26/002  Due on 3-May-2025, , , 29,500.00 Dr,

`New Ref` opens a bill (an invoice's, with its due date when the party has a credit period),
`Agst Ref` settles one, `Advance` and `On Account` name none. Such a line is a detail of the
voucher above it, never an entry of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

_METHODS = {
    "newref": "new ref",
    "agstref": "agst ref",
    "againstref": "agst ref",
    "advance": "advance",
    "onaccount": "on account",
}
_LINE = re.compile(
    r"^\s*(new\s+ref|agst\.?\s*ref|against\s+ref|advance|on\s+account)\.?(?=\s|:|$)[\s:]*(.*?)\s*$",
    re.IGNORECASE,
)
_DUE = re.compile(r"^(.*?)\s*\bdue\s+on\b\s*:?\s*(.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BillAllocation:
    # `new ref`, `agst ref`, `advance` or `on account`.
    method: str
    # The bill's name (`KD/25-26/002`), None when the line names none.
    bill: str | None
    # The due date as written (`3-May-2025`), None when the line gives none.
    due: str | None


def bill_allocation(text: str) -> BillAllocation | None:
    """The bill-wise detail a Particulars cell holds (`Agst Ref  KD/25-26/002`), or None when
    it holds none."""
    found = _LINE.match(text)
    if found is None:
        return None
    method = _METHODS[re.sub(r"[^a-z]", "", found.group(1).lower())]
    rest = found.group(2)
    due = None
    if (dated := _DUE.match(rest)) is not None:
        rest, due = dated.group(1), dated.group(2)
    bill = rest.strip() or None
    if method in ("advance", "on account"):
        bill = None
    return BillAllocation(method, bill, due)

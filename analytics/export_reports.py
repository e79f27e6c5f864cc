"""Reports that are not lists of entries, told apart by their columns, so that a load refuses
them in one line that says what they are and what to load instead.

- A bills receivable (outstanding, ageing) report lists each open bill with what it still
  owes (`Pending Amount`, `Outstanding`, `Balance Due`): a balance, not the bill's amount,
  and without the payments. Taking it for amounts would overwrite invoices with what is
  left of them. Tally's `Opening Amount` beside it (`Show Opening Amount`) is each bill's
  own amount, but of the open bills only: still no list of vouchers.
- An ageing report of receivables (QuickBooks' `A/R Aging Summary`, Tally's ageing analysis)
  gives each customer what it still owes by age, in columns of days (`Current`, `1 - 30`,
  `31 - 60`, `91 and over`): balances again, without a date or a voucher.
- A summary (Tally's Sales Register before a month is opened: `Debit | Credit | Closing
  Balance` per month; a Group Summary of Sundry Debtors: a `Closing Balance` per party) has
  totals or balances, and no dates.

Columns of balances are never guessed as amounts (`analytics.export_columns.BALANCE_WORDS`);
these are the files left with no amount, or no customer and date, because of it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from analytics.export_columns import BALANCE_WORDS, words

# Words of an outstanding report's columns: `Pending Amount`, `Overdue by days`.
_OUTSTANDING_WORDS = frozenset(("pending", "outstanding", "overdue", "unpaid"))
# Words of a column of dates or days, not of money: `Due on`, `Overdue by days`.
_NOT_MONEY_WORDS = frozenset(("date", "dt", "on", "by", "days", "day", "age", "since"))
# A column of an ageing report: a band of days (`1 - 30`, `31-60 days`, `91 and over`, `> 90`).
_AGE_BAND = re.compile(
    r"(?:\d+\s*(?:-|\u2013|to)\s*\d+"
    r"|\d+\s*(?:\+|and over|and above|or more)"
    r"|(?:>|over|above)\s*\d+)"
    r"(?:\s*days?)?",
    re.IGNORECASE,
)
# Two bands at least: one could be a column of anything.
_AGEING_BANDS = 2


def ageing_columns(columns: Sequence[str]) -> list[str]:
    """The columns of an ageing report (bands of days) among `columns`, if it has enough to
    be one; else none."""
    found = [column for column in columns if _AGE_BAND.fullmatch(column.strip())]
    return found if len(found) >= _AGEING_BANDS else []


def balance_columns(columns: Sequence[str]) -> list[str]:
    """The columns whose names say they hold balances (what is still owed), not amounts."""
    found = []
    for column in columns:
        names = frozenset(words(column))
        if names & BALANCE_WORDS and not names & _NOT_MONEY_WORDS:
            found.append(column)
    return found


def not_entries(columns: Sequence[str], taken: Collection[str]) -> str | None:
    """Why a file with these columns, of which the roles `taken` found theirs, is a report of
    balances or totals rather than a list of entries; None when nothing says so."""
    ageing = ageing_columns(columns)
    if ageing and "date" not in taken:
        return (
            f"this is an ageing report of receivables (columns {ageing[0]!r}, {ageing[1]!r}: "
            f"what each customer still owes, by age), not a list of vouchers: balances, "
            f"without the invoices and payments; load each party's ledger (ingest ledger) or "
            f"the Sales Register (ingest sales) instead"
        )
    balances = balance_columns(columns)
    if not balances:
        return None
    has_amount = any(role in taken for role in ("amount", "debit", "credit"))
    outstanding = any(_OUTSTANDING_WORDS & frozenset(words(column)) for column in columns)
    if not has_amount and outstanding:
        # Tally's `Opening Amount` beside `Pending Amount` (its outstanding reports with
        # `Show Opening Amount`) is the bill's own amount: the pending one is the balance.
        pending = next(
            (column for column in balances if _OUTSTANDING_WORDS & frozenset(words(column))),
            balances[0],
        )
        opening = next((column for column in balances if column != pending), None)
        bills = (
            f" ({opening!r} is the bill's amount, but bills paid in full are not listed)"
            if opening is not None
            else ""
        )
        return (
            f"this is a bills receivable (outstanding) report, not a list of vouchers: "
            f"{pending!r} is what each bill still owes, a balance, not the bill's "
            f"amount, and the payments are not in it{bills}; load each party's ledger "
            f"(ingest ledger) or the Sales Register (ingest sales) instead"
        )
    if "date" not in taken:
        # Totals per month (a register's summary) or per ledger (a group summary, whose
        # Particulars are its parties): a balance beside them, and no voucher's date.
        lacks = "no date" if "customer" in taken else "no customer and no date"
        return (
            "this is a summary of totals (a Debit, a Credit and a closing Balance per month "
            "or per ledger, as Tally's Sales Register shows before a month is opened, or its "
            f"Group Summary of Sundry Debtors), not the register of vouchers: it has {lacks}; "
            "open the period (or each party's ledger) to list its vouchers (date, party, "
            "voucher number, amount) and export that"
        )
    if not has_amount:
        return (
            f"{balances[0]!r} holds balances (what is owed after the entries), never an "
            f"entry's amount, and the file has no other amount column: load an export that "
            f"lists each voucher's amount, or name its column with --column amount=COLUMN"
        )
    return None

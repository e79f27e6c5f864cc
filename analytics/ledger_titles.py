"""The ledger of one party, as accounting software exports it: the party is named in the
title lines above the header, and each line's `Particulars` is the other account of the
entry (`Sales Account`, `HDFC Bank`, `Cash`, `Output CGST @9%`), never a customer.

Tally Prime titles the report `Ledger: Sharma Electricals`; Tally ERP 9 prints the party's
name on the line above `Ledger Account`; a workbook may put the label and the name in two
cells (`Party | Sharma Electricals`).

A Day Book is the other way round: all vouchers of a period, a party per line, and its
`Particulars` name the customer of a sale or a receipt, or `Cash`, a bank or a sales ledger
where the voucher names no customer (a cash sale, a bank deposit). Its title says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from analytics.export_columns import normalize, words
from analytics.export_voucher_types import VoucherClass, voucher_class

# Labels of a title line that names the party (`Ledger: NAME`), compared as `normalize` makes
# them.
_PARTY_LABELS = frozenset(
    normalize(label)
    for label in (
        *("ledger", "ledger account", "ledger name", "ledger a/c", "name of ledger"),
        *("party", "party name", "party ledger", "party a/c", "name of party", "customer"),
        *("customer name", "account", "account name", "a/c", "debtor", "sundry debtor"),
    )
)
# Groups of ledgers (Tally's `Sundry Debtors`): a report on one lists its parties in
# `Particulars`, so a title naming one names no party.
_GROUPS = frozenset(
    normalize(name)
    for name in (
        *("sundry debtors", "sundry creditors", "debtors", "creditors", "trade receivables"),
        *("accounts receivable", "account receivable", "receivables", "trade debtors"),
        *("customers", "all customers", "current assets", "current liabilities"),
        *("loans and advances", "loans & advances (asset)", "bank accounts", "cash-in-hand"),
        *("sales accounts", "purchase accounts", "duties & taxes", "duties and taxes"),
        *("all ledgers", "all accounts", "group summary", "group vouchers"),
    )
)
# The names of a Day Book in its title (Tally Prime and ERP 9 print `Day Book`; others add
# `Register` or write it in one word).
_DAY_BOOKS = frozenset(
    normalize(name) for name in ("day book", "daybook", "day book register", "daybook register")
)
# The names of a register of sales vouchers only in its title (Tally's `Sales Register`, the
# sales day book or journal of other books): it holds no receipts, so loaded as a ledger every
# sale would stand as an invoice never paid. QuickBooks' `Sales by Customer Detail` is not
# among them: its Sales Receipts and Refund Receipts are paid on the spot, and loading it as a
# ledger is documented (README, voucher types).
_SALES_REGISTERS = frozenset(
    normalize(name)
    for name in (
        *("sales register", "sales register (detailed)", "sales book", "sales journal"),
        *("sales day book", "sales daybook", "sales invoice register", "invoice register"),
    )
)
# QuickBooks' report of each customer's transactions (Online and Desktop alike), grouped by
# customer under headings with no totals: a transaction list adds nothing up.
_CUSTOMER_TRANSACTION_LISTS = frozenset(
    normalize(name) for name in ("transaction list by customer",)
)
# A register is titled by its voucher type's name (Tally's voucher register of a type: `Export
# Sales Register` for the user's own `Export Sales`, `Credit Note Register`), the detailed
# form with `(Detailed)` after it.
_REGISTER = "register"
_DETAILED = "detailed"
# The line under the party's name in Tally ERP 9's printed ledger.
_ACCOUNT_HEADING = frozenset(normalize(text) for text in ("ledger account", "ledger a/c"))

# The words of a ledger that is not a customer's (sales, cash, duties, round-off...) and the
# words that may qualify them (`Local Sales @ 18%`, `Output CGST Payable`): a name of these
# words only, with at least one of the first kind, is a contra ledger.
CONTRA_WORDS = frozenset(
    (
        *("sales", "sale", "purchase", "purchases", "cash", "petty", "hand", "cgst", "sgst"),
        *("igst", "utgst", "cess", "vat", "cst", "tds", "tcs", "round", "rounding", "rounded"),
        *("off", "discount", "allowed", "received", "freight", "suspense", "profit", "loss"),
        *("income", "revenue", "forwarding", "packing", "charges", "interest"),
    )
)
QUALIFIERS = frozenset(
    (
        *("account", "accounts", "ac", "a", "c", "local", "interstate", "inter", "intra"),
        *("state", "export", "exports", "exempt", "exempted", "taxable", "nil", "rated"),
        *("domestic", "outward", "inward", "output", "input", "payable", "receivable", "gst"),
        *("tax", "duty", "at", "rate", "percent", "of", "on", "and", "in", "ledger", "the"),
        *("sgst", "cgst", "igst", "on", "goods", "services", "service"),
    )
)
_BANK = "bank"
_NUMBERS = re.compile(r"[0-9]+")
# Tally Prime writes the side before the other account of an entry: `To Sales Account` on a
# debit, `By Cash` on a credit. A ledger's name never starts so, and a customer's keeps a
# word of its own after it (`By The Way Cafe`).
_SIDE_WORD = re.compile(r"^\s*(?:to|by)\s+", re.IGNORECASE)


def _cells(line: Sequence[str]) -> list[str]:
    return [cell.strip() for cell in line if cell.strip()]


def _labelled(cells: list[str]) -> str | None:
    """The name of a `Ledger: NAME` line (one cell, or the label and the name in two)."""
    first = cells[0]
    label, colon, rest = first.partition(":")
    if colon and rest.strip() and len(cells) == 1 and normalize(label) in _PARTY_LABELS:
        return rest.strip()
    if len(cells) >= 2 and normalize(first.rstrip(":")) in _PARTY_LABELS:
        return cells[1].lstrip(":").strip() or None
    return None


def _party(name: str) -> str | None:
    """The name, unless it names a group of ledgers or a contra ledger (the report of a
    sales account lists its customers in `Particulars`)."""
    if normalize(name) in _GROUPS or is_contra_ledger(name):
        return None
    return name


def title_party(lines: Sequence[Sequence[str]]) -> str | None:
    """The party a report's title lines name, if they name one (not a group of ledgers,
    such as `Sundry Debtors`, nor a sales, bank or cash ledger)."""
    previous: list[str] = []
    for line in lines:
        cells = _cells(line)
        if not cells:
            continue
        named = _labelled(cells)
        if named is not None:
            return _party(named)
        if len(cells) == 1 and normalize(cells[0]) in _ACCOUNT_HEADING and len(previous) == 1:
            return _party(previous[0])
        previous = cells
    return None


def is_day_book(lines: Sequence[Sequence[str]]) -> bool:
    """Whether a report's title lines say it is a Day Book (a line, or its first cell, is
    `Day Book`), whose lines each name their own party."""
    return any((cells := _cells(line)) and normalize(cells[0]) in _DAY_BOOKS for line in lines)


def _register_of_sales_type(cell: str) -> bool:
    """Whether a title cell names the register of a voucher type that is a sale (`Export
    Sales Register`, `GST Sales Register (Detailed)`, `Tax Invoice Register`); not one of
    orders, returns, receipts or purchases (`Sales Order Register`, `Purchase Register`)."""
    named = words(cell)
    if named[-1:] == (_DETAILED,):
        named = named[:-1]
    if len(named) < 2 or named[-1] != _REGISTER:
        return False
    return voucher_class(" ".join(named[:-1])) is VoucherClass.SALE


def sales_register_title(lines: Sequence[Sequence[str]]) -> str | None:
    """The report's name when its title lines say it lists sales vouchers only (a line, or
    its first cell, is `Sales Register`, `Sales Day Book`, `Sales Journal`..., or the register
    of one sales voucher type: `Export Sales Register`)."""
    for line in lines:
        cells = _cells(line)
        if cells and (normalize(cells[0]) in _SALES_REGISTERS or _register_of_sales_type(cells[0])):
            return cells[0]
    return None


def is_customer_transaction_list(lines: Sequence[Sequence[str]]) -> bool:
    """Whether a report's title lines say it is QuickBooks' Transaction List by Customer (a
    line, or its first cell, names it): its customers' groups close with no total line."""
    return any(
        (cells := _cells(line)) and normalize(cells[0]) in _CUSTOMER_TRANSACTION_LISTS
        for line in lines
    )


# A file names the same few ledgers on line after line: each is judged once.
@lru_cache(maxsize=4096)
def is_contra_ledger(name: str) -> bool:
    """Whether a ledger's name is that of a sales, purchase, cash, bank, duty or round-off
    ledger (the other side of a customer's entries), not a customer's, with or without
    Tally Prime's side word (`To Sales Account`, `By Cash`)."""
    named = [word for word in words(_NUMBERS.sub(" ", _SIDE_WORD.sub("", name))) if word]
    if _BANK in named:
        return True
    return (
        bool(named)
        and all(word in CONTRA_WORDS or word in QUALIFIERS for word in named)
        and any(word in CONTRA_WORDS for word in named)
    )

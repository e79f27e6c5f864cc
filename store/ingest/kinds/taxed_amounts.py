"""Amounts with tax and before it: one invoice, one stored revenue, whichever Tally export
came last.

Tally's exports give one invoice different amounts: the Sales Register's `Sales Account`
column and a detailed Day Book's sales-ledger line are the amount before tax (`104623.73`),
a condensed Day Book's party line the gross, taxes included (`123456.00`), and so is a Sales
Register's in the voucher register's own columns (`Debit Amount`, `Credit Amount`: the Day
Book's columns, the Sales Register being the register of the sales vouchers alone). Taxes are not
sales, so a sale line records whether its amount includes tax (`sale_line.includes_tax`),
and a load never lets a gross amount replace a stored amount before tax of the same invoice
(customer, date, number and voucher type: a Day Book's `Sales 7` beside a stored `Export
Sales 7` is another voucher, not that one with its tax): those lines keep their stored
amount, and the load says so. An amount before tax does replace a stored gross one.

Only the amount is kept: what else the file says of such an invoice is still recorded on its
stored lines: its date (`invoice_moves`, run before), its book (`ledger_books`), its voucher
type (`voucher_keys` reads every line of the file, not only those written), and that its date
reads one way only (`date_ambiguous`, below). Before, the invoice was left out of the load
altogether: a plain CSV's `7` stayed of no known type after the Sales Register's `Sales 7`.

Only an amount below the gross can be the same invoice's amount before tax: taxes are not
negative. A stored amount as large as the gross or larger (of the same sign) is no amount before
tax of the invoice the file has now: an invoice edited down since (1,04,623.73 stored, 59,000.00
gross now), or a condensed Day Book's gross stored before migration 0016, which marks every
earlier line as before tax (reloading that Day Book gives the same amount). The gross replaces
it, so that the invoice can be corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.keyed_rows import rows_changed
from store.ingest.kinds.export_plan import Check
from store.ingest.kinds.stored_invoices import StoredInvoices
from store.ingest.plan import KeptNote, Values
from store.tables import METADATA

# Invoices named in the load's line; the rest are counted.
_SHOWN = 3

_Invoice = tuple[str, dt.date, str]
# An invoice and its voucher type ("" unknown): Tally numbers each type apart, so a Day Book's
# `Sales 7` and `Export Sales 7` of one customer and day are two invoices, each with its tax.
_TypedInvoice = tuple[str, dt.date, str, str]


class TaxedAmounts:
    """Which of a file's lines include tax, and which invoices keep their stored amount."""

    def __init__(self, *, gross: bool) -> None:
        # Whether the file's amounts include tax (a Day Book's party lines, a `Gross Total`).
        self.gross = gross
        # Vouchers read from their sales ledgers' lines, before tax, as the file keys them.
        self._itemized: set[_Invoice] = set()
        # Invoices (as written: accounts moved) whose stored amounts before tax stay; set in
        # the load's transaction before the lines are written.
        self.kept_stored: set[_TypedInvoice] = set()

    def before_tax(self, customer: str, day: dt.date, invoice: str) -> None:
        self._itemized.add((customer, day, invoice))

    def includes_tax(self, customer: str, day: dt.date, invoice: str) -> bool:
        return self.gross and (customer, day, invoice) not in self._itemized

    def keep(self, invoice: _TypedInvoice) -> None:
        """Keeps the stored amount before tax of `invoice` (as written: account moved, date,
        number, voucher type), found so by a later step of the load (a renamed voucher type's
        voucher, `voucher_keys`): its lines are not written."""
        self.kept_stored.add(invoice)

    def keep_before_tax(
        self,
        rows: Iterable[Values],
        stored: StoredInvoices,
        *,
        typed: int | None = None,
        both_ways: int | None = None,
    ) -> Check:
        """The check, run in the load's transaction, that keeps the stored amounts before
        tax of the invoices whose rows (account, date, invoice, line, amount, includes tax)
        include tax; its line for the load. `stored`: the sale lines the load read already
        (`store.ingest.kinds.stored_invoices`), as they stand after its moves. `typed`: where
        a row gives its voucher type (each type's invoice apart); `both_ways`: where it gives
        whether its date reads both ways."""

        async def check(connection: AsyncConnection) -> Sequence[str]:
            if stored.none_stored():
                return []
            gross: dict[_TypedInvoice, Decimal] = {}
            # The file's rows of each gross invoice: those of a kept invoice are not written.
            lines: dict[_TypedInvoice, int] = {}
            # The invoices whose date the file writes so that it reads one way only.
            one_way: set[_TypedInvoice] = set()
            for row in rows:
                if row[5] and row[2]:
                    kind = "" if typed is None else row[typed]
                    key = (row[0], row[1], row[2], kind)
                    gross[key] = gross.get(key, Decimal(0)) + row[4]
                    lines[key] = lines.get(key, 0) + 1
                    if both_ways is not None and not row[both_ways]:
                        one_way.add(key)
            if not gross:
                return []
            before_tax = await _stored_before_tax(connection, gross, stored)
            before_tax = {
                key: amount for key, amount in before_tax.items() if below_gross(amount, gross[key])
            }
            self.kept_stored = set(before_tax)
            await _confirm_dates(connection, stored, one_way & self.kept_stored)
            if not before_tax:
                return []
            # Counted unchanged: the stored lines stand for the file's.
            kept = sum(lines[key] for key in before_tax)
            return [KeptNote(_note(before_tax, gross), kept=kept)]

        return check


async def _confirm_dates(
    connection: AsyncConnection, shared: StoredInvoices, invoices: Iterable[_TypedInvoice]
) -> None:
    """The kept invoices' stored lines whose date the file writes one way only (`3-Apr-25`)
    are no longer taken for dates that may have been misread (`04/03/2025` of a plain CSV),
    as the file's own lines would have been written: keeping the amount before tax keeps
    nothing else of the stored lines' (`invoice_dates`). Lines of the invoice's voucher type
    or of no known type (the file's type takes them after: `voucher_keys`); of every type
    where the file gives none."""
    where = shared.where
    table = METADATA.tables[where.table]
    c = table.c
    by_type: dict[str, list[tuple[object, ...]]] = {}
    invoices = sorted(invoices)
    # Read already (`_stored_before_tax`): a reload whose kept lines are confirmed runs nothing.
    stored = await shared.of(connection, {where.key_values(key[0], "", key[2]) for key in invoices})
    for account, day, invoice, kind in invoices:
        key = where.key_values(account, "", invoice)
        if any(
            line[0] == day and line[5] is not False and (not kind or (line[4] or "") in ("", kind))
            for line in stored.get(key, ())
        ):
            by_type.setdefault(kind, []).append((*key, day))
    for kind, keys in sorted(by_type.items()):
        of_type = [c.voucher_type.in_((kind, ""))] if kind else []
        confirm = (
            update(table)
            .where(or_(c.date_ambiguous.is_(None), c.date_ambiguous.is_(True)), *of_type)
            .values(date_ambiguous=False)
        )
        await rows_changed(connection, where.dated(), keys, confirm)


def below_gross(before_tax: Decimal, gross: Decimal) -> bool:
    """Whether a stored amount may be the amount before tax of an invoice of this gross: of
    its sign and smaller in size (a return's amounts are negative)."""
    return (before_tax < 0) == (gross < 0) and abs(before_tax) < abs(gross)


# The most a sale's gross can be above its amount before tax: India's highest GST rate, 40%
# since 22 September 2025 (luxury and sin goods; 28% before). A compensation cess on top of it
# (tobacco) is not counted: such a voucher's gross is taken for another's.
TAXED_AT_MOST = Decimal("1.40")
# And the rounding of an invoice's total: its tax lines are each rounded to the paisa (CGST and
# SGST half the rate each, half up) and a Round Off line takes the total to the rupee.
ROUNDED_BY_AT_MOST = Decimal("1.00")


def taxed_within_a_rate(before_tax: Decimal, gross: Decimal) -> bool:
    """Whether an amount stored under another voucher type may be the amount before tax of
    this gross, for a rename of the type (`voucher_keys`): below it, and the gross at most
    the highest rate of tax and an invoice's rounding above it. Another type's voucher of the
    same number and day is told from a renamed one by its amount: 1,04,623.73 before tax is no
    2,50,000.00 gross."""
    return below_gross(before_tax, gross) and (
        abs(gross) <= abs(before_tax) * TAXED_AT_MOST + ROUNDED_BY_AT_MOST
    )


async def _stored_before_tax(
    connection: AsyncConnection, gross: dict[_TypedInvoice, Decimal], shared: StoredInvoices
) -> dict[_TypedInvoice, Decimal]:
    """The stored amounts before tax of the gross invoices, summed per invoice: from the
    stored lines the load read (by customer and number), those at the file's dates, of the
    invoice's voucher type. A stored line of no known type is the invoice's where the file
    gives its customer, date and number one type only; a file line of no known type takes the
    stored lines of every type (as before types were kept)."""
    stored: dict[_TypedInvoice, Decimal] = {}
    where = shared.where
    # The types the file gives each (customer, date, number).
    kinds: dict[_Invoice, set[str]] = {}
    for account, day, invoice, kind in gross:
        kinds.setdefault((account, day, invoice), set()).add(kind)
    # Keyed by customer, number and the load's book (`stored_invoices`).
    by_number = await shared.of(connection, {where.key_values(key[0], "", key[2]) for key in gross})
    for (account, invoice, *_book), lines in by_number.items():
        # The stored typed lines by place (date, line): a line of no known type there may be
        # one of them stored twice (`_a_double`).
        typed_at: dict[tuple[dt.date, int], dict[str, Decimal]] = {}
        for day, line, amount, _taxed, of_type, _both_ways in lines:
            if of_type:
                typed_at.setdefault((day, line), {})[of_type] = Decimal(amount)
        for day, line, amount, includes_tax, of_type, *_record in lines:
            given = kinds.get((account, day, invoice))
            if includes_tax or not given:
                continue
            stored_type = of_type or ""
            if "" in given:
                key = (account, day, invoice, "")
            elif stored_type in given:
                key = (account, day, invoice, stored_type)
            elif not stored_type and len(given) == 1:
                (kind,) = given
                if _a_double(typed_at.get((day, line), {}), kind, Decimal(amount)):
                    continue
                key = (account, day, invoice, kind)
            else:
                continue
            stored[key] = stored.get(key, Decimal(0)) + Decimal(amount)
    return stored


def _a_double(typed: dict[str, Decimal], kind: str, amount: Decimal) -> bool:
    """Whether a stored line of no known type, at a place where lines of the `typed` types (by
    amount) are stored, is one of them stored twice (as an older revision kept a plain CSV
    loaded beside its register), not more of the file's `kind` voucher's amount before tax:
    at the place of that voucher's own line (`voucher_keys` removes it), or of another type's
    line of its very amount (that voucher's double: before, `Export Sales 7`'s 80,000 stored
    twice was kept as `Sales 7`'s amount before tax, and revenue counted it twice)."""
    return kind in typed or amount in typed.values()


def _note(stored: dict[_TypedInvoice, Decimal], gross: dict[_TypedInvoice, Decimal]) -> str:
    keys = sorted(stored, key=lambda key: (key[1], key[2], key[0]))
    shown = ", ".join(f"{key[2]} {stored[key]} (not {gross[key]})" for key in keys[:_SHOWN])
    more = len(keys) - _SHOWN
    return (
        f"Kept the amount before tax of {counted(len(keys), 'invoice', 'invoices')} stored "
        f"from another export: {shown}"
        + (f" and {more} more" if more > 0 else "")
        + "; this file's amounts include tax, and taxes are not sales"
    )

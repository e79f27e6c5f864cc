"""A corrected invoice date moves the invoice: a sales or ledger load that gives a stored
invoice of a customer another date within the same numbering period re-dates the stored
lines, in the load's transaction, instead of storing the invoice a second time.

A line is known by its customer, date, invoice number and place, so without this an invoice
whose voucher date was corrected (Tally's Day Book re-exported after `2-May-25` became
`3-May-25`) would be stored at both dates, its revenue and its debt counted twice. Voucher
numbers are the invoice's identity only within their numbering period: Tally's restart each
financial year (April to March), so the same number in another financial year is another
invoice; QuickBooks' and Zoho Books' never restart (whatever the organisation's fiscal
year), so any date is the same invoice. An unknown source is
taken as restarting with the financial year, the narrower rule (two invoices are never
merged across years).

Only invoices move (a positive sale, a ledger entry of kind invoice): a return or a payment
number may be shared by voucher types numbered apart (Tally's Receipt 1 and Credit Note 1),
which the stored lines do not tell apart. A number the file itself gives two dates in one
period is ambiguous and moves nothing. The day-and-month swap of a stored date is refused
before this runs (`store.ingest.kinds.invoice_dates`).

A file whose title states its period (`1-May-25 to 31-May-25`, QuickBooks' `April - June,
2025`: `analytics.report_period.stated_period`) speaks only for that period:
a stored invoice dated outside it is not one the file re-dates, since the file says nothing of
the days it was dated on. A re-export that corrects a date covers the period of both dates,
as the Day Book re-exported for the same months does.

Each stored line keeps the voucher type it came with (`sale_line.voucher_type`), and a stored
invoice is the file's voucher only if their types agree: Tally numbers each voucher type apart
(`Sales 7` and `Export Sales 7` of one financial year are two vouchers), as QuickBooks Desktop
numbers its invoices apart from its sales receipts, so the April Day Book's `Sales 7` of a
customer is not moved by the May Day Book's `Export Sales 7`, with or without the files'
titles. Where either type is unknown (a file without a type column, a line stored before
types were kept), the customer and number in one numbering period are the voucher, as they
always were. A QuickBooks invoice of the same type and number is moved from outside the
report's period when it is dated in the period next to it (one as long, before or after):
its numbers never restart, so an invoice re-dated into the next quarter's report is the same
invoice, not a second one; but QuickBooks lets a number be used again (it only warns), and
last year's Invoice 5 of a business that starts its numbers again each year is another sale
(so never from further than a quarter away, whatever the report's length).

A sale line's type is part of its key (revision 0026), as a ledger entry's is (0029): each
type's voucher is dated and moved on its own (a Day Book's `Sales 7` and `Export Sales 7` of one
day), and a voucher moved onto the day of another type's deletes neither. (Before 0029 a ledger
load whose voucher of one type would land on a stored entry of another type was refused.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.export_date_order import is_quickbooks_report
from analytics.invoice_numbering import is_zoho_invoice_export
from store.ingest.errors import FileRejected
from store.ingest.kinds.stored_invoices import InvoiceKey, StoredInvoices
from store.ingest.plan import MoveNote
from store.tables import METADATA

# Re-dated invoices named in the load's line; the rest are counted.
_SHOWN = 3

# How far outside a QuickBooks report's period a stored invoice of its type and number may be
# dated and still be moved: a correction moves a date by days or weeks, while a number used
# again by a business that starts its numbers each year is about a year away. Without it, a
# year's report took all of the year before as "the period next to it".
_CORRECTION_REACH = dt.timedelta(days=92)

# The numbering period of a date: the year its financial year starts in, or None when the
# source's numbers never restart.
Period = Callable[[dt.date], int | None]


def financial_year(day: dt.date) -> int | None:
    """Tally's numbering period: the financial year, April to March, by its first year."""
    return day.year if day.month >= 4 else day.year - 1


def period_days(period: int | None) -> tuple[dt.date, dt.date] | None:
    """The first day of a numbering period and the first day after it (None for numbers that
    never restart: every day)."""
    if period is None:
        return None
    return dt.date(period, 4, 1), dt.date(period + 1, 4, 1)


def never_restarts(_day: dt.date) -> int | None:
    return None


def numbering_period(title: Sequence[Sequence[str]], columns: Iterable[str] = ()) -> Period:
    """The numbering period of an export's invoices: none for a QuickBooks report or Zoho
    Books' invoice export (`columns`: the file's columns; their numbers run on,
    `analytics.invoice_numbering`), else the financial year."""
    if is_quickbooks_report(title) or is_zoho_invoice_export(columns):
        return never_restarts
    return financial_year


@dataclass(frozen=True, slots=True)
class InvoiceTable:
    """Where a kind stores invoices: its table, date and number columns, and the condition
    of a stored row being an invoice (the ledger's kind column) if the rows say it."""

    name: str
    date: str
    number: str
    kind: tuple[str, str] | None = None
    # Whether the voucher type is part of a row's key (a sale line's, revision 0026): two
    # types' lines of one number and day are two vouchers, moved apart.
    typed_key: bool = False


SALE_LINES = InvoiceTable("sale_line", "sale_date", "invoice", typed_key=True)
LEDGER_INVOICES = InvoiceTable(
    "ledger_entry", "entry_date", "reference", ("kind", "invoice"), typed_key=True
)


@dataclass(frozen=True, slots=True)
class _Move:
    account: str
    invoice: str
    stored: dt.date
    new: dt.date
    # The stored voucher's type (None: unknown, or two types' lines at its date).
    voucher: str | None = None


# An invoice of a file: account, number, numbering period.
_Numbered = tuple[str, str, int | None]
# The date of each voucher type a file gives an invoice (None: no type column), or None when
# it gives that type two dates.
_Dates = dict[str | None, dt.date | None]


class InvoiceMoves:
    """The re-dating of a load's invoices, given the file's invoices as (account, date,
    number, amount, voucher type) after account moves: the amount's sign tells a sale from a
    return."""

    def __init__(
        self,
        where: InvoiceTable,
        lines: Iterable[tuple[str, dt.date, str, Decimal, str | None]],
        period: Period,
        stored: StoredInvoices,
        covers: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        self._where = where
        self._lines = lines
        self._period = period
        # The stored lines the load's invoice-date check read (the same table's): read from
        # there, and told of the moves (`store.ingest.kinds.stored_invoices`).
        self._stored = stored
        # The period the file's title states (first and last day), if it states one.
        self._covers = covers
        # The voucher type of each numbered (account, date, number) of the file given one
        # type (`_file_dates` fills it).
        self._typed: dict[tuple[str, dt.date, str], str] = {}

    def _file_dates(self) -> dict[_Numbered, _Dates]:
        """The dates of each invoice of the file per period, by voucher type."""
        totals: dict[tuple[str, dt.date, str], Decimal] = {}
        kinds: dict[tuple[str, dt.date, str], set[str | None]] = {}
        # Read twice where the type is part of the key (the lines are given once, lazily).
        lines = list(self._lines) if self._where.typed_key else self._lines
        for account, day, invoice, amount, kind in lines:
            if invoice:
                key = (account, day, invoice)
                totals[key] = totals.get(key, Decimal(0)) + amount
                kinds.setdefault(key, set()).add(kind)
        # Every numbered line's voucher type, returns too: they share the key as invoices do.
        typed = self._typed
        for key, of_key in kinds.items():
            only = next(iter(of_key)) if len(of_key) == 1 else None
            if only is not None:
                typed[key] = only
        dates: dict[_Numbered, _Dates] = {}
        if self._where.typed_key:
            # Keyed by type, lines of two types at one date are two vouchers, each dated.
            by_kind: dict[tuple[str, dt.date, str, str | None], Decimal] = {}
            for account, day, invoice, amount, kind in lines:
                if invoice:
                    at = (account, day, invoice, kind)
                    by_kind[at] = by_kind.get(at, Decimal(0)) + amount
            for (account, day, invoice, kind), total in by_kind.items():
                if total > 0:
                    by_type = dates.setdefault((account, invoice, self._period(day)), {})
                    by_type[kind] = day if by_type.get(kind, day) == day else None
            return dates
        for key, total in totals.items():
            if total <= 0:
                continue
            account, day, invoice = key
            of_key = kinds[key]
            # Lines of two types at one date: the file's voucher there has no one type.
            kind = next(iter(of_key)) if len(of_key) == 1 else None
            by_type = dates.setdefault((account, invoice, self._period(day)), {})
            by_type[kind] = day if by_type.get(kind, day) == day else None
        return dates

    def _new_date(self, by_type: _Dates | None, kind: str | None, day: dt.date) -> dt.date | None:
        """The date the file gives the stored invoice of `kind` dated `day`, if it is the
        same voucher: of the same type, or either type unknown (a file without a type column,
        a line stored before types were kept), which is taken by customer and number alone
        as it always was. A voucher of another type is another voucher (Tally's `Sales 7` and
        `Export Sales 7`, QuickBooks' Invoice 5 and Sales Receipt 5). Only the same type and
        number re-date a QuickBooks invoice dated outside the file's period: its numbers run
        on across periods, so its title's period does not bound them; but only from the
        period next to it (a date corrected into the next quarter's report). QuickBooks lets
        a number be used again (it only warns), and a business that starts its numbers again
        each year has last year's Invoice 5 of the customer: moving that one would drop a
        year's sale."""
        if not by_type:
            return None
        covered = self._covers is None or self._covers[0] <= day <= self._covers[1]
        if kind is not None and kind in by_type:
            if covered or (self._period is never_restarts and self._next_to_covered(day)):
                return by_type[kind]
            return None
        if not covered:
            return None  # dated where the file says nothing
        if kind is not None:
            # Of a type the file gives this number only in lines without one.
            return by_type[None] if set(by_type) == {None} else None
        # A stored line of no known type: the file's only date of the number, if one.
        found = set(by_type.values())
        return found.pop() if len(found) == 1 else None

    def _next_to_covered(self, day: dt.date) -> bool:
        """Whether `day` is in the period of the file's length just before or after it, and
        at most a quarter from it (a year's report: last year is not next to it)."""
        if self._covers is None:
            return True
        first, last = self._covers
        reach = min(last - first + dt.timedelta(days=1), _CORRECTION_REACH)
        return first - reach <= day <= last + reach

    async def move(self, connection: AsyncConnection) -> Sequence[str]:
        """Re-dates the stored invoices this file dates otherwise; the load's line on it."""
        if self._stored.none_stored():
            return []
        dates = self._file_dates()
        typed = self._typed
        if not dates and not typed:
            return []
        table = METADATA.tables[self._where.name]
        account_id = table.c.account_id
        date = table.c[self._where.date]
        number = table.c[self._where.number]
        kind = (
            []
            if self._where.kind is None
            else [table.c[self._where.kind[0]] == self._where.kind[1]]
        )
        # Only the stored lines of the file's own invoices (customer and number) are read,
        # batched as the invoice-date check reads them; their totals by date are summed here.
        invoices = sorted(
            {(account, invoice) for account, invoice, _period in dates}
            | {(account, invoice) for account, _day, invoice in typed}
        )
        stored = await self._stored_totals(connection, invoices)
        moves: list[_Move] = []
        typed_key = self._where.typed_key
        # The stored vouchers of known type each date of the file would be: two types are
        # two vouchers, which a file without types cannot say which of it dates.
        onto: dict[tuple[str, str, dt.date], dict[str, dt.date]] = {}
        for (account, invoice), days in stored.items():
            for (day, voucher), total in days.items():
                by_type = dates.get((account, invoice, self._period(day)))
                new = self._new_date(by_type, voucher, day)
                if new is None or total <= 0:
                    continue
                # Keyed by type, each type's voucher keeps its own lines: only a line of the
                # file without a type, taken for two stored types, cannot say which it is.
                untyped = not typed_key or by_type is None or voucher not in by_type
                if voucher is not None and untyped:
                    onto.setdefault((account, invoice, new), {}).setdefault(voucher, day)
                if new != day:
                    moves.append(_Move(account, invoice, day, new, voucher))
        for (account, invoice, new), vouchers in sorted(onto.items()):
            if len(vouchers) > 1:
                raise FileRejected(_two_vouchers(account, invoice, new, vouchers))
        # The dates (and, keyed by type, the types) each invoice has lines at, as moves go.
        filled = {
            (account, invoice, day, voucher if typed_key else None)
            for (account, invoice), days in stored.items()
            for day, voucher in days
        }
        moved = removed = 0
        for item in moves:
            voucher = item.voucher if typed_key else None
            of_type = [table.c.voucher_type == (voucher or "")] if typed_key else []
            # The shared stored lines follow: of the moved type only, where it is keyed.
            of_kind = (voucher,) if typed_key else ()
            at = and_(
                account_id == item.account,
                number == item.invoice,
                date == item.stored,
                *kind,
                *of_type,
                # A load's own book's lines only: another book's are another's.
                *self._stored.where.of_book(),
            )
            if (item.account, item.invoice, item.new, voucher) in filled:
                # Stored at both dates already (an earlier load stored it twice): the lines at
                # the file's date are the invoice, the others its double.
                removed += (await connection.execute(delete(table).where(at))).rowcount
                self._stored.drop(self._key(item.account, item.invoice), item.stored, *of_kind)
            else:
                redated = update(table).where(at).values({date.key: item.new})
                moved += (await connection.execute(redated)).rowcount
                filled.add((item.account, item.invoice, item.new, voucher))
                self._stored.redate(
                    self._key(item.account, item.invoice), item.stored, item.new, *of_kind
                )
        if not moves:
            return []
        note = _note(sorted(moves, key=lambda m: (m.stored, m.invoice, m.account)))
        return [MoveNote(note, moved={table.name: moved}, removed={table.name: removed})]

    def _key(self, account: str, invoice: str) -> InvoiceKey:
        """An invoice's key in the stored lines (a ledger's: of kind invoice)."""
        kind = "" if self._where.kind is None else self._where.kind[1]
        return self._stored.where.key_values(account, kind, invoice)

    async def _stored_totals(
        self, connection: AsyncConnection, invoices: list[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[tuple[dt.date, str | None], Decimal]]:
        """The stored invoices' totals by date and voucher type (a ledger's entries of kind
        invoice only). The type is None when unknown; where it is no part of a row's key,
        lines of two types at one date are one total of type None."""
        keys = {self._key(account, invoice): (account, invoice) for account, invoice in invoices}
        stored: dict[tuple[str, str], dict[tuple[dt.date, str | None], Decimal]] = {}
        typed_key = self._where.typed_key
        for key, lines in (await self._stored.of(connection, keys)).items():
            totals: dict[tuple[dt.date, str | None], Decimal] = {}
            kinds: dict[dt.date, set[str | None]] = {}
            for day, _line, amount, _includes_tax, kind, _both_ways in lines:
                at = (day, kind if typed_key else None)
                totals[at] = totals.get(at, Decimal(0)) + Decimal(amount)
                kinds.setdefault(day, set()).add(kind)
            if not typed_key:
                totals = {
                    (day, next(iter(kinds[day])) if len(kinds[day]) == 1 else None): total
                    for (day, _none), total in totals.items()
                }
            stored[keys[key]] = totals
        return stored


def _two_vouchers(account: str, invoice: str, new: dt.date, vouchers: dict[str, dt.date]) -> str:
    stored = " and ".join(f"{kind} {day.isoformat()}" for kind, day in sorted(vouchers.items()))
    return (
        f"invoice {invoice} of {account} is stored as {len(vouchers)} vouchers of different "
        f"types ({stored}), and this file dates it {new.isoformat()} without saying its voucher "
        "type, so nothing was loaded (load an export with its voucher type column, or name it "
        "with --column voucher_type=COLUMN)"
    )


def _note(moves: list[_Move]) -> str:
    shown = ", ".join(
        f"{item.invoice} {item.stored.isoformat()} -> {item.new.isoformat()}"
        for item in moves[:_SHOWN]
    )
    more = len(moves) - _SHOWN
    return (
        f"{counted(len(moves), 'invoice re-dated', 'invoices re-dated')}: {shown}"
        + (f" and {more} more" if more > 0 else "")
        + " (the same customer's invoice number in one numbering period is one invoice: "
        "its stored lines now have this file's date)"
    )

"""ledger: a customer, a date, an amount and whether it is an invoice or a payment; optionally
a due date and an invoice number (which a payment may name to settle that invoice).

Invoice or payment comes from a kind column (`Sales`, `Receipt`, `Credit Note`...: the voucher
types of `analytics.export_kinds`), or from the amount's side: a debit (`Dr` on the amount, in
a side column as Tally's `Amount | Dr/Cr`, or a Debit column) is an invoice, a credit a
payment. When both are given they must agree. Amounts are positive: the kind gives the
direction. Lines of types that post nothing to a ledger (orders, memoranda) are skipped.

An entry is stored under its customer, date, kind, invoice number and its place among the
file's entries with the same four, and its voucher type ("" unknown: revision 0029,
`voucher_keys`), so loading a file twice changes nothing. The ledger of one
party's opening balance is an entry of its own, its closing balance a check
(`store.ingest.kinds.ledger_balances`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.bill_allocations import BillAllocation, bill_allocation
from analytics.counts import counted
from analytics.credit import EntryKind
from analytics.export_amounts import Amount, Side, is_side
from analytics.export_columns import INVOICE_AMOUNTS, LEDGER_ROLES, normalize
from analytics.export_dates import reads_both_ways
from analytics.export_kinds import BadKind, entry_kind, kind_of_side, posts_nothing, settled_by
from analytics.export_voucher_types import (
    PAYMENT_NUMBER_TYPE,
    is_invoice_number_column,
    number_column_type,
    payment_number_column,
    payment_numbers_column,
    type_name,
)
from analytics.invoice_discounts import spread_discount
from analytics.invoice_status import is_not_issued, is_own_status, is_void_memo
from analytics.ledger_titles import (
    is_customer_transaction_list,
    is_day_book,
    sales_register_title,
)
from analytics.money import money
from analytics.name_lists import first_and_more
from analytics.payment_references import names_paid_invoice
from analytics.report_period import period_end, stated_period
from settings import SegmentOptions
from store.ingest.columns import ColumnSpec
from store.ingest.currency_setting import AppCurrency, app_currency
from store.ingest.date_setting import AppDates, app_dates
from store.ingest.errors import FileRejected, RowProblem
from store.ingest.guessing import GROUP_HEADINGS, SIDE_CANDIDATE, GuessingMatcher
from store.ingest.kinds.base import IngestOptions, KindLoader, table
from store.ingest.kinds.currencies import Currencies
from store.ingest.kinds.document_rows import once_per_document
from store.ingest.kinds.export_party import ExportParty
from store.ingest.kinds.export_plan import Check, SkippedLines, export_plan
from store.ingest.kinds.exports import (
    FileFormats,
    Occurrences,
    is_label_row,
    is_summary_row,
)
from store.ingest.kinds.group_headings import GroupHeadings, names_no_customer
from store.ingest.kinds.invoice_dates import InvoiceDates
from store.ingest.kinds.invoice_moves import LEDGER_INVOICES, InvoiceMoves, numbering_period
from store.ingest.kinds.ledger_balances import LedgerBalances, OpeningCheck, balance_line
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK, BookAdoption
from store.ingest.kinds.ledger_kept import KeptEntry, TypedKey
from store.ingest.kinds.ledger_places import LedgerPlaces
from store.ingest.kinds.ledger_vouchers import LedgerVouchers
from store.ingest.kinds.load_app import check_new_app
from store.ingest.kinds.load_book import LoadBook, check_option_book_stored
from store.ingest.kinds.paid_by_export import (
    is_open_balance,
    paid_by_export_note,
    without_credits,
)
from store.ingest.kinds.parties import DEFAULT_APP, Parties, load_parties
from store.ingest.kinds.payments_only import payments_only, payments_only_note
from store.ingest.kinds.side_column import SideColumn
from store.ingest.kinds.stored_invoices import LEDGER_ENTRIES, StoredInvoices
from store.ingest.kinds.unnamed_books import NamedBookInvoices, after_both
from store.ingest.kinds.voucher_keys import VoucherKey, VoucherKeys
from store.ingest.kinds.withdrawn_invoices import WithdrawnInvoices, dates_then_withdrawn
from store.ingest.plan import (
    BILL_NAMED,
    DATE_READ_ONE_WAY,
    CompareBy,
    TableWrite,
    WriteMode,
    WritePlan,
)
from store.ingest.progress import IngestProgress
from store.ingest.reading import Row

COLUMNS = ColumnSpec(required=(), optional=LEDGER_ROLES.names)
# The ledger of one customer has no party column: its title or --party names the party, and
# `ExportParty` refuses a file where nothing does.
_FILE_ROLES = replace(
    LEDGER_ROLES, required=tuple(group for group in LEDGER_ROLES.required if group != ("customer",))
)
# The columns every load writes; `due_date` only from a file that gives due dates, so that
# another export of the same vouchers (a Day Book) keeps the due dates a ledger's bill-wise
# details gave them.
_COLUMNS = ("account_id", "entry_date", "kind", "reference", "line", "amount")
_HOW_TO_TELL = (
    "give the file a kind column (invoice/payment), write Dr or Cr after the amounts (or in "
    "a side column: --column side=COLUMN), or use Debit and Credit columns"
)
_NO_DIRECTION = f"cannot tell whether it is an invoice or a payment: {_HOW_TO_TELL}"

# customer, date, kind, reference: an entry's voucher type is kept by it
_Typed = TypedKey
# A row as written: account (moved), date, kind, reference, place, amount, then the due date
# when the file gives due dates, the voucher's own number where the reference is a bill,
# whether the reference is a bill, the book, whether the date reads both ways, and the voucher
# type ("" unknown: part of the key).
_Written = tuple[str, dt.date, str, str, int, Decimal, *tuple[object, ...]]


def _voucher_type(row: _Written) -> str | None:
    """The voucher type of a written row (the last of its records), None when unknown."""
    voucher = row[-1]
    return voucher if isinstance(voucher, str) and voucher else None


class _LedgerRows:
    def __init__(
        self,
        kept: list[KeptEntry],
        moved: Mapping[str, str],
        places: LedgerPlaces | None = None,
        types: Mapping[_Typed, str | None] | None = None,
        ambiguous: Mapping[_Typed, bool] | None = None,
        book: str = UNKNOWN_BOOK,
        *,
        dues: bool = True,
        numbered: bool = True,
        stored_types: Mapping[VoucherKey, str] | None = None,
    ) -> None:
        # Each with its own voucher number where its reference is a bill, whether that
        # reference is a bill it names, and its own type (written where its key has two: a Day
        # Book's `Sales 7` and `Export Sales 7`, so that each entry keeps its own).
        self._kept = kept
        # The book every entry of the file is of (store.ingest.kinds.ledger_books).
        self._book = book
        # Whether the rows carry the due date (the file gives due dates).
        self._dues = dues
        # Whether the rows carry the voucher number (some entry of the file records one).
        self._numbered = numbered
        # Accounts moved by this load: an entry kept under one is written under its target.
        self._moved = moved
        self._places = places
        # The voucher type of each entry, when the file has a type column (else None: the
        # rows leave the stored types as they are).
        self._types = types
        # The entries whose date the file writes so that it reads both ways.
        self._ambiguous = ambiguous or {}
        # The one known type stored at each key an entry of no known type is written to
        # (`voucher_keys`, filled in the load's transaction before the places and the write).
        self._stored_types = {} if stored_types is None else stored_types

    def given_type(self, entry: KeptEntry) -> str:
        """The voucher type the file gives its kept `entry` ("" unknown)."""
        if self._types is None:
            return ""
        voucher = self._types.get(entry.key)
        return (entry.voucher_type if voucher is None else voucher) or ""

    def __len__(self) -> int:
        return len(self._kept)

    def __iter__(self) -> Iterator[_Written]:
        occurrences = Occurrences()
        # Each entry's occurrence among its own type's: matched per type (`ledger_places`).
        typed_occurrences = Occurrences()
        moved = self._moved
        ambiguous = self._ambiguous
        book = self._book
        stored_types = self._stored_types
        for entry in self._kept:
            customer, day, kind, reference = entry.key
            voucher = self.given_type(entry)
            both_ways = ambiguous.get(entry.key, False)
            if moved:
                customer = moved.get(customer, customer)
            if not voucher and stored_types:
                # An entry of no known type writes into the one type stored at its key.
                voucher = stored_types.get((customer, day, kind.value, reference), "")
            # Places are counted across voucher types, as before the type was in the key
            # (revision 0029): one voucher's entries keep the places they had.
            line = occurrences.next((customer, day, kind, reference))
            if self._places is not None and reference:
                of_type = typed_occurrences.next((customer, day, kind, reference, voucher))
                group = (customer, day, kind.value, reference)
                line = self._places.place(group, line, voucher, of_type)
            # Money at its one scale, so that 123456 and 123456.00 are one stored amount.
            written = (customer, day, kind.value, reference, line, money(entry.amount))
            dues = (entry.due,) if self._dues else ()
            recorded = (entry.number,) if self._numbered else ()
            # A bill where the file names one, or where the entry took the bill of another
            # export of its voucher (`ledger_vouchers`: its own number is then recorded).
            is_bill = entry.names_bill or entry.number is not None
            yield *written, *dues, *recorded, is_bill, book, both_ways, voucher


class LedgerValidator:
    def __init__(
        self,
        *,
        customers: Parties,
        segment: SegmentOptions,
        party: ExportParty | None = None,
        title: Sequence[Sequence[str]] = (),
        dates: AppDates | None = None,
        currency: AppCurrency | None = None,
        book: str | None = None,
        known_to: Callable[[dt.date], dt.date] = lambda end: end,
    ) -> None:
        self._customers = customers
        # How far a period the title states is known (`IngestOptions.known_to`).
        self._known_to = known_to
        self._balances = LedgerBalances(title)
        # The company the title names above the columns: the book of every entry of the file,
        # stored and matched by its folded name (one company printed two ways is one book).
        # (`--book` names it in place of the title's company: `load_book`.)
        self._load_book = LoadBook.of_load(title, book)
        self._book = self._load_book.key
        self._where = LEDGER_ENTRIES.in_book(self._book)
        # The last day of the period the title states: the day up to which the export gives
        # the books of the accounts in it (an account key's credit risk is measured on it).
        self._period_end = period_end(title)
        # The account of the one party's balance lines.
        self._balance_account: str | None = None
        self._party = party or ExportParty(party=None, title=(), columns={}, one_party=True)
        self._segment = segment
        self._dates = dates
        self._formats = FileFormats.of_load(dates, title)
        self._title = title
        # The names of the columns taken, once known (Zoho's numbers never restart).
        self._column_names: tuple[str, ...] = ()
        # The number column taken, once known: a file it numbers as invoices, with no line
        # saying invoice or payment, is a list of invoices (Zoho Books' invoice export).
        self._invoice_column: str | None = None
        # The column whose name gives every line its type (`_number_type`), said in a note.
        self._number_column: str | None = None
        # A column numbering payments beside it: the file is no list of invoices.
        self._payment_numbers: str | None = None
        # Whether the file is Zoho Books' Customer Payments export (`Payment Number` beside
        # `CustomerID`), typed by a `Payment Type` column or not: a document export.
        self._payments_export = False
        # The voucher type every line of a file without a kind column has, when its number
        # column's name says it (Zoho Books' `Invoice Number` beside `Invoice Status`, `Credit
        # Note Number`): each document type is an export of its own.
        self._number_type: str | None = None
        # Whether the amount is a column of the whole document (`Total`), which an export of
        # one row per item repeats on each: such a document is one entry (`document_rows`).
        self._document_amount = False
        # Documents counted once, and the item rows they had.
        self._documents_once = (0, 0)
        # Whether the status column is the document's own (`Invoice Status`), and the lines
        # of documents never issued or withdrawn (Void, Draft), by status.
        self._own_status = True
        self._not_issued: dict[str, int] = {}
        # The customers of the file with an invoice its `Balance` says is paid in whole or in
        # part (an invoice export): named after the load when their ledger holds no payment.
        self._paid_by_export: set[str] = set()
        self._balance_column: str | None = None
        self._amount_column: str | None = None
        # The file's entries, each a record of all the load knows of it (`ledger_kept`).
        self._kept: list[KeptEntry] = []
        # Whether the number column holds the invoice a payment pays (`Invoice Number`).
        self._payments_name_invoices = False
        # The voucher type of each kept entry, as the kind column names it (None when it
        # gives one entry two types, or only a side).
        self._types: dict[_Typed, str | None] = {}
        self._vouchers = LedgerVouchers(self._kept, self._retyped)
        # The kept entries whose date cell reads both ways (`04/01/2024`).
        self._ambiguous: dict[_Typed, bool] = {}
        # Cancelled vouchers' numbers and dates.
        self._withdrawn = WithdrawnInvoices(self._where)
        self._not_entries = SkippedLines()
        self._checked = 0
        self._without_direction = 0
        self._ids: dict[str, str] = {}
        # A side column by name, else the column after the amount when it holds only sides.
        self._side = SideColumn((SIDE_CANDIDATE,))
        # Lines skipped by their voucher type (orders, memoranda), by type.
        self._not_posted: dict[str, int] = {}
        # Lines of voided invoices listed at 0.00 (QuickBooks' memo `VOID:`).
        self._voided = 0
        # Lines settled on the spot (Sales Receipts, Refund Receipts), by type.
        self._settled: dict[str, int] = {}
        # The directions each customer's entries take in the file: a file may hold one
        # customer's whole ledger and another's receipts only (store.ingest.kinds.ledger_places).
        self._directions: dict[str, set[EntryKind]] = {}
        # Amounts in another currency than the base one are converted at their line's rate,
        # as a sales load converts them (one rule: store.ingest.kinds.currencies).
        self._currency = currency
        self._currencies = Currencies(currency, entries=True)
        # Tally's bill-wise details under a voucher (`Agst Ref  KD/25-26/002`): lines skipped,
        # and the details of each kept entry by its index, with the entry of the last voucher
        # read (None when the last line was not one, or a bill column named its bill).
        self._allocation_lines = 0
        self._allocations: dict[int, list[BillAllocation]] = {}
        self._last_entry: int | None = None
        self._bills_named = 0
        # Customers named by group headings (QuickBooks Online's A/R Aging Detail, Customer
        # Balance Detail), when the file has no customer column and neither its title nor
        # --party names its one party: followed from the first row, used once `decide`d.
        self._headings = GroupHeadings()
        self._by_headings = False
        # Lines under QuickBooks' `Not Specified` heading: entries without a customer.
        self._no_customer = 0

    def observe(self, row: Row) -> None:
        if "balance" in row:
            row = _without_balance(row)
        self._formats.observe(row)
        self._side.observe(row)
        self._party.observe(row, row.get("kind"))
        if "customer" not in row:
            self._headings.customer(row)
        if "currency" in row:
            self._currencies.observe(row)

    def formats_known(self, columns: Mapping[str, str], ignored: Sequence[str] = ()) -> None:
        self._column_names = tuple(columns.values())
        # The columns an invoice's balance is compared with, named so in the load's notes.
        self._balance_column = columns.get("balance")
        self._amount_column = columns.get("amount")
        self._invoice_column = columns.get("invoice")
        self._number_column = self._invoice_column
        status = columns.get("status")
        self._own_status = status is None or is_own_status(status)
        payments = payment_number_column((*columns.values(), *ignored))
        self._payments_export = payments is not None
        if "kind" not in columns and "side" not in columns:
            self._number_type = number_column_type(columns.get("invoice"), status)
            self._payment_numbers = payment_numbers_column(ignored)
            if self._number_type is None and payments is not None:
                # Its `Invoice Number` is then the invoice each payment settles.
                self._number_type, self._number_column = PAYMENT_NUMBER_TYPE, payments
        amount = columns.get("amount")
        self._document_amount = amount is not None and normalize(amount) in INVOICE_AMOUNTS
        self._payments_name_invoices = names_paid_invoice(self._invoice_column)
        register = sales_register_title(self._title)
        if register is not None:
            # Its sales would all stand as invoices never paid: every customer's credit risk
            # would be measured on debts that look overdue. (Checked once the columns are
            # known, so that a register's monthly summary is refused as a summary first.)
            raise FileRejected(
                f"the title says this is a {register.strip()!r}: sales vouchers only, without "
                f"the customers' payments, so loaded as a ledger every sale would stay unpaid: "
                f"load it as sales, with `profiling ingest sales`; a ledger is a customer's "
                f"ledger, a Day Book or a receivables ledger, with the receipts"
            )
        self._formats.decide(columns.values())
        column = columns.get("customer")
        if column == GROUP_HEADINGS:
            # Only a candidate: a ledger of one party (named by its title or --party) keeps
            # it, and a file not laid out in customer groups has no customer column.
            if self._party.fixed is None and self._headings.decide(
                transaction_list=is_customer_transaction_list(self._title)
            ):
                self._headings.restart()
                self._by_headings = True
            else:
                column = None
        self._customers.customer_column(column)
        self._party.customer_column(column)
        self._side.decide()
        self._currencies.decide(columns)

    def _converted(self, line: int, row: Row, amount: Amount, reasons: list[str]) -> Amount:
        """`amount` in the base currency, when some line is in another: converted at the
        line's rate if it is in another (a reason when it has no usable rate)."""
        rate = self._currencies.rate_of(line, row, self._formats, reasons)
        converted = Currencies.converted(amount, rate)
        assert converted is not None
        return converted

    def _kind(self, text: str | None, side: Side | None, reasons: list[str]) -> EntryKind | None:
        if text is None:
            if side is None:
                self._without_direction += 1
                reasons.append(_NO_DIRECTION)
                return None
            return kind_of_side(side)
        try:
            return entry_kind(text, side)
        except BadKind as exc:
            reasons.append(str(exc))
            return None

    def _balance(self, line: int, row: Row, which: str) -> list[str]:
        """An opening or closing balance line of the ledger of one party."""
        if which == "closing":
            self._not_entries.totals += 1
        reasons: list[str] = []
        formats = self._formats
        day = formats.date(row, "date", reasons, required=False) if row.get("date") else None
        amount = formats.signed_amount(row, reasons)
        if amount is not None and self._side.key in row:
            amount = self._side.sided(row, amount, reasons)
        if amount is not None and self._currencies.converts:
            amount = self._converted(line, row, amount, reasons)
        if reasons or amount is None:
            return [f"{which} balance: {reason}" for reason in reasons]
        if which == "opening":
            party = self._party.fixed
            assert party is not None
            account = self._customers.resolve(self._ids.setdefault(party, party), None)
            if not isinstance(account, str):
                return [] if account is None else [account.reason]
            self._balance_account = account
        in_side_column = row.get("debit") is not None or row.get("credit") is not None
        self._balances.take(which, line, amount, day, in_side_column=in_side_column)
        return []

    def _allocation(self, row: Row) -> BillAllocation | None:
        """The bill-wise detail a line holds: a Particulars naming a bill, without a date, a
        voucher type or a number of its own."""
        if row.get("date") is not None or row.get("kind") is not None:
            return None
        if row.get("invoice") is not None:
            return None
        particulars = row.get("customer")
        return None if particulars is None else bill_allocation(particulars)

    def _allocate(self, allocation: BillAllocation) -> None:
        self._allocation_lines += 1
        if self._last_entry is not None:
            self._allocations.setdefault(self._last_entry, []).append(allocation)

    def _name_bills(self) -> None:
        """Names each entry's bill from its one bill-wise detail: the bill a receipt settles
        (`Agst Ref`), the name receipts give an invoice (`New Ref`), with its due date.
        Several details split a voucher over bills: it keeps its own number (a payment then
        settles the oldest open invoices first)."""
        for index, allocations in self._allocations.items():
            if len(allocations) != 1:
                continue
            allocation = allocations[0]
            bill = allocation.bill
            if bill is None:
                continue
            entry = self._kept[index]
            customer, day, kind, reference = entry.key
            due = entry.due
            expected = "agst ref" if kind is EntryKind.PAYMENT else "new ref"
            if allocation.method != expected:
                continue
            if due is None and allocation.due is not None and kind is EntryKind.INVOICE:
                reasons: list[str] = []
                dated: Row = {"due_date": allocation.due}
                due = self._formats.date(dated, "due_date", reasons, required=False)
                if reasons:
                    due = None
            self._kept[index] = replace(
                entry,
                reference=bill,
                due=due,
                number=reference if reference and reference != bill else entry.number,
                billed=True,
                names_bill=True,
            )
            # Its voucher type and date reading follow it to its bill's key.
            known = (customer, day, kind, reference)
            if known in self._types:
                self._typed(
                    (customer, day, kind, bill),
                    self._types[known],
                    self._ambiguous.get(known, False),
                )
            self._bills_named += 1

    def check(self, line: int, row: Row) -> list[str]:
        balance = row.get("balance")
        if balance is not None:
            row = _without_balance(row)
        if self._by_headings:
            heading = self._headings.customer(row)
            if heading is not None and names_no_customer(heading):
                self._no_customer += 1
                # An older release made `Not Specified` an account: the entries it stored
                # there for this file's lines without a customer go.
                self._withdraw(row, customer=heading)
                return []
            if heading is not None:
                row = {**row, "customer": heading}
        last_entry, self._last_entry = self._last_entry, None
        if (allocation := self._allocation(row)) is not None:
            self._last_entry = last_entry
            self._allocate(allocation)
            return []
        if self._party.fixed is not None and (which := balance_line(row)) is not None:
            return self._balance(line, row, which)
        if self._not_entries.row_label(row):
            return []
        if is_summary_row(row) or self._party.is_total(row):
            self._not_entries.totals += 1
            return []
        if is_label_row(row):
            self._not_entries.labels += 1
            return []
        if self._not_entries.cancelled_voucher(row):
            self._withdraw(row)
            return []
        text = row.get("kind") or self._number_type
        status = row.get("status")
        if status is not None and is_not_issued(status, own=self._own_status):
            # A void or draft invoice is owed by nobody; one an earlier load stored before it
            # was voided goes.
            self._not_issued[status] = self._not_issued.get(status, 0) + 1
            fixed = self._party.fixed
            customer = fixed if fixed is not None else row.get("customer")
            self._withdraw(row, customer=customer, text=text)
            return []
        if text is not None and posts_nothing(text):
            self._not_posted[text] = self._not_posted.get(text, 0) + 1
            return []
        if self._party.skips(line, row, text):
            if (why := self._party.no_customer(row)) is not None:
                # An older release made that party a customer: its entry of this voucher goes.
                self._withdraw(row, customer=row.get("customer"), text=text, no_customer=why)
            return []
        if self._voided_at_zero(row):
            # Nothing is owed: no entry, no account for a customer with no other line; and
            # the entry an earlier load stored for the invoice before it was voided goes.
            self._voided += 1
            fixed = self._party.fixed
            self._withdraw(row, customer=fixed if fixed is not None else row.get("customer"))
            return []
        customer = self._party.of(row)
        if customer is None and self._not_entries.no_customer_line():
            return []
        self._checked += 1
        reasons: list[str] = []
        if customer is None:
            reasons.append("missing customer")
        formats = self._formats
        day = formats.date(row, "date", reasons, required=True)
        due = formats.date(row, "due_date", reasons, required=False)
        amount = formats.signed_amount(row, reasons)
        if amount is not None and self._side.key in row:
            amount = self._side.sided(row, amount, reasons)
        if amount is not None and self._currencies.converts:
            # A file in one currency costs its lines no call here.
            amount = self._converted(line, row, amount, reasons)
        kind = None if amount is None else self._kind(text, amount.side, reasons)
        if (
            amount is not None
            and amount.value < 0
            and amount.side is None
            and kind is EntryKind.PAYMENT
            and text is not None
            and not is_side(text)
        ):
            # A credit its type names (QuickBooks writes a Credit Memo's or a Payment's
            # amount negative: it lowers the balance): the sign agrees with the type.
            amount = Amount(-amount.value)
        # A negative line of an invoice the file has just given (QuickBooks writes a discount
        # item as one: `Invoice, 1001, Discount, -30.00`) lowers that invoice: checked below,
        # once its account is known.
        discount = (
            amount is not None
            and amount.value < 0
            and amount.side is None
            and kind is EntryKind.INVOICE
            and text is not None
            and not is_side(text)
            and bool(row.get("invoice"))
        )
        if amount is not None and amount.value < 0 and not discount:
            reasons.append(
                f"amount {amount.value} is negative: write it positive, the kind says whether "
                f"it is an invoice or a payment"
            )
        if reasons or customer is None or day is None or amount is None or kind is None:
            return reasons
        account = self._customers.resolve(
            self._ids.setdefault(customer, customer), row.get("customer_name")
        )
        if not isinstance(account, str):
            return [] if account is None else [account.reason]
        # A receipt's bill is the invoice it settles (settled first: analytics/credit.py); an
        # invoice's is the name receipts give it. Without one, the voucher's own number.
        reference = row.get("bill_ref") or row.get("invoice") or ""
        number = row.get("invoice") or None
        own = number if number != reference else None
        if discount:
            return self._discount(account, day, reference, -amount.value, text)
        voucher = None if text is None or is_side(text) else type_name(text)
        if (
            kind is EntryKind.INVOICE
            and balance
            and (self._number_type is not None or is_open_balance(self._balance_column))
        ):
            self._check_balance(account, row, balance)
        billed = bool(row.get("bill_ref"))
        paid_invoice = kind is EntryKind.PAYMENT and self._payments_name_invoices
        self._kept.append(
            KeptEntry(
                account,
                day,
                kind,
                reference,
                amount.value,
                due,
                number=own,
                voucher_type=voucher,
                billed=billed,
                names_bill=billed or (paid_invoice and bool(reference)),
            )
        )
        if not row.get("bill_ref"):
            # Its bill-wise details, on the lines below, may name the bill.
            self._last_entry = len(self._kept) - 1
        written = row.get("date")
        both_ways = written is not None and reads_both_ways(written)
        self._typed((account, day, kind, reference), voucher, both_ways)
        # The directions the customer's own lines take (not a Sales Receipt's payment on the
        # spot): a customer's part of the file in one direction holds part of a number's
        # entries (store.ingest.kinds.ledger_places).
        self._directions.setdefault(account, set()).add(kind)
        if text is not None and (settled := settled_by(text)) is not None:
            # Paid on the spot (a Sales Receipt): its settling entry, same day and amount.
            self._kept.append(
                KeptEntry(
                    account,
                    day,
                    settled,
                    reference,
                    amount.value,
                    number=own,
                    voucher_type=voucher,
                    billed=billed,
                    # It settles the sale it comes with, whatever the sale's number.
                    names_bill=bool(reference),
                )
            )
            self._typed((account, day, settled, reference), voucher, both_ways)
            self._settled[text] = self._settled.get(text, 0) + 1
        return reasons

    def _check_balance(self, account: str, row: Row, text: str) -> None:
        """Notes the customer of an invoice whose `Balance` (`text`) is below its total (both
        in the invoice's currency): the export says it was paid or credited in whole or in
        part."""
        ignored: list[str] = []
        balance = self._formats.amount({"balance": text}, "balance", ignored)
        total = self._formats.amount(row, "amount", ignored)
        if balance is not None and total is not None and balance.value < total.value:
            self._paid_by_export.add(account)

    def _own_numbered_types(self) -> list[str | None]:
        """Each kept entry's own voucher type where its reference is its own number and the
        file lists only some types, else None (`ledger_places`: an entry of a known type
        leaves another type's entries of its number alone; an entry under a bill, a receipt
        or a credit note against it, is the bill's, and the whole ledger lists all of them,
        whatever their types)."""
        if is_day_book(self._title) or self._party.fixed is not None:
            # A Day Book lists every voucher of its period, a party's ledger every voucher of
            # that party's: either speaks for every type (a debit note deleted from the books
            # is missing from its re-export). A register, or a file whose title does not say
            # what it lists, speaks for its own types only.
            return [None] * len(self._kept)
        return [
            None if entry.billed or entry.number is not None else entry.voucher_type
            for entry in self._kept
        ]

    def _retyped(self, old: _Typed, new: _Typed) -> None:
        """An entry's key changed from `old` to `new`: its voucher type and date reading
        follow it."""
        if old in self._types:
            self._typed(new, self._types[old], self._ambiguous.get(old, False))

    def _typed(self, key: _Typed, voucher: str | None, both_ways: bool) -> None:
        types = self._types
        types[key] = voucher if types.get(key, voucher) == voucher else None
        if both_ways:
            self._ambiguous[key] = True

    def _discount(
        self, account: str, day: dt.date, reference: str, value: Decimal, text: str | None
    ) -> list[str]:
        """Lowers the invoice the file's previous lines gave (same customer, date and number)
        by a discount line's `value`, and its payment on the spot with it (a Sales Receipt);
        a reason when there is no such invoice or the discount is not below it.

        A discount of the whole invoice follows its last item, which may be smaller than it
        (10% of 315.00 after a shipping line of 15.00): the latest of the invoice's lines
        above it that is larger than the discount takes it, so the invoice's total is net of it
        and no line goes to nothing or below; one larger than every line but below their total
        is spread over them (`analytics.invoice_discounts`)."""
        settled = None if text is None else settled_by(text)
        step = 2 if settled is not None else 1
        kept = self._kept
        at = len(kept) - step
        while at >= 0:
            found = kept[at]
            if found.key != (account, day, EntryKind.INVOICE, reference):
                break
            if settled is not None and kept[at + 1].key != (account, day, settled, reference):
                break
            if found.amount > value:
                kept[at] = replace(found, amount=found.amount - value)
                if settled is not None:
                    paid = kept[at + 1]
                    kept[at + 1] = replace(paid, amount=paid.amount - value)
                return []
            at -= step
        # Larger than each line: a discount of the whole invoice, spread over its lines above
        # in proportion to their amounts when it is below their total.
        lines = range(at + step, len(kept), step)
        lowered = spread_discount([kept[index].amount for index in lines], value)
        if lowered is not None:
            for index, amount in zip(lines, lowered, strict=True):
                found, kept[index] = kept[index], replace(kept[index], amount=amount)
                if settled is not None:
                    paid = kept[index + 1]
                    kept[index + 1] = replace(paid, amount=paid.amount - (found.amount - amount))
            return []
        return [
            f"amount -{value} is negative and lowers no invoice given just above it (same "
            f"customer, date and number) by less than its total: write it positive, the kind "
            f"says whether it is an invoice or a payment"
        ]

    def finish(self) -> list[RowProblem]:
        self._party.finish()
        self._name_bills()
        self._once_per_document()
        if self._checked and self._without_direction == self._checked:
            raise FileRejected(
                f"no line says whether it is an invoice or a payment: {_HOW_TO_TELL}"
                f"{self._invoice_list()}"
            )
        return []

    def _once_per_document(self) -> None:
        """A document export's rows of one document (Zoho's item rows, each repeating the
        invoice's `Total`) as one entry, when every document repeats its amount."""
        if self._number_type is None or not self._document_amount or self._allocations:
            return
        kept = self._kept
        repeated = once_per_document(
            [(entry.key if entry.reference else None, entry.amount, entry.due) for entry in kept]
        )
        if not repeated.repeated:
            return
        indexes = repeated.kept
        # In place: the matching of vouchers (`LedgerVouchers`) holds the same list.
        self._kept[:] = [kept[index] for index in indexes]
        # Counted by document: a Sales Receipt's invoice and its payment are one document.
        rows: dict[tuple[str, dt.date, str], int] = {}
        for (customer, day, _kind, reference), count in repeated.repeated.items():
            document = (customer, day, reference)
            rows[document] = max(rows.get(document, 0), count)
        self._documents_once = (len(rows), sum(rows.values()))
        if self._number_type in self._settled:
            # Settled on the spot once per receipt, not once per item row.
            self._settled[self._number_type] = sum(
                1 for entry in self._kept if entry.kind is EntryKind.INVOICE
            )

    def _invoice_list(self) -> str:
        """What a refused file numbered as invoices is: sales, whose void and draft invoices a
        kind column added by hand would make debts (the ledger reads no status)."""
        column = self._invoice_column
        if self._payment_numbers is not None:
            # Lines numbered as payments (a Zoho Books Customer Payments export whose
            # template left out `Payment Type` and `CustomerID`): no list of invoices.
            return (
                f"; {self._payment_numbers!r} numbers payments, so this is no list of "
                f"invoices: if every line is a payment (Zoho Books' Customer Payments export), "
                f"export it with its 'Payment Type' or 'CustomerID' column"
            )
        if column is None or not is_invoice_number_column(column):
            return ""
        return (
            f"; a list of invoices ({column!r} numbers every line, as in Zoho Books' invoice "
            f"export) loads as sales: `profiling ingest sales` (as a ledger with a kind column "
            f"added, its void and draft invoices would stand as debts)"
        )

    def _opening(self) -> list[str]:
        """Keeps the opening balance as an entry; a note when it cannot be one."""
        first = min((entry.day for entry in self._kept), default=None)
        opening = self._balances.opening_of(first)
        if opening is None or self._balance_account is None:
            return []
        if isinstance(opening, str):
            return [opening]
        day, kind, amount = opening
        # What the load says of it is `OpeningCheck`'s: it may find it stands for entries
        # stored already.
        self._kept.insert(0, KeptEntry(self._balance_account, day, kind, "", amount))
        return []

    def _periods(self) -> TableWrite | None:
        """The title's period end for every account with an entry in the file (after the
        entries' accounts, which the plan writes first); None without a period."""
        end = self._period_end
        if end is None or not self._kept:
            return None
        moved = self._customers.moved()
        accounts = sorted({moved.get(entry.customer, entry.customer) for entry in self._kept})
        return TableWrite(
            table("ledger_period"),
            ("account_id", "period_end"),
            [(account, self._known_to(end)) for account in accounts],
            mode=WriteMode.INSERT_MISSING,
        )

    def _voided_at_zero(self, row: Row) -> bool:
        """Whether the line is a voided invoice QuickBooks lists at 0.00 (its memo says so)."""
        memo = row.get("memo")
        if memo is None or not is_void_memo(memo):
            return False
        amount = self._formats.signed_amount(row, [])
        return amount is not None and amount.value == 0

    def _withdraw(
        self,
        row: Row,
        *,
        customer: str | None = None,
        text: str | None = None,
        no_customer: str | None = None,
    ) -> None:
        """A cancelled (or voided) voucher: the entry an earlier load stored under its number,
        date and kind goes (store.ingest.kinds.withdrawn_invoices), of its voucher type and,
        when `customer` names its party, of that party's stored accounts; without a type that
        says its kind, nothing does. `text`: the type, when no kind column gives it;
        `no_customer`: what the party is, when it is no customer at all (`Cash`)."""
        text = row.get("kind") or text
        if text is None:
            return
        try:
            kind = entry_kind(text)
        except BadKind:
            return
        day = self._formats.date(row, "date", [], required=False)
        voucher = None if is_side(text) else type_name(text)
        accounts = None
        if customer is not None:
            accounts = self._customers.stored_accounts(
                self._ids.get(customer, customer), row.get("customer_name")
            )
        for withdrawn in (kind, settled_by(text)):
            # A Sales Receipt's payment on the spot goes with it.
            if withdrawn is not None:
                self._withdrawn.add(
                    day,
                    row.get("invoice"),
                    withdrawn.value,
                    voucher_type=voucher,
                    accounts=accounts,
                    no_customer=no_customer,
                )

    def plan(self, present: frozenset[str]) -> WritePlan:
        balance_notes = self._opening()
        closing = self._balances.closing_note([(entry.kind, entry.amount) for entry in self._kept])
        if closing is not None:
            balance_notes.append(closing)
        # The stored entries of the file's numbers: read once by the date check, then shared
        # by the re-dating and the entries' places (`stored_invoices`).
        stored = StoredInvoices(self._where)
        places = LedgerPlaces(stored)
        # Voucher types kept only from a file with a kind column: another's entries keep theirs.
        typed = "kind" in present or self._number_type is not None
        # Due dates only from a file that gives them (a due date column, or bill-wise details'
        # `Due on`): another export's entries keep theirs.
        dues = "due_date" in present or any(entry.due is not None for entry in self._kept)
        # Voucher numbers only from a file that records one (a receipt's own number beside the
        # bill it settles): an export without them (no Vch No. column) keeps those recorded.
        gives_numbers = any(entry.number is not None for entry in self._kept)
        # The one known type stored at each key an entry of no known type writes to
        # (`voucher_keys` fills it in the load's transaction, before the places and the write).
        stored_types: dict[VoucherKey, str] = {}
        rows = _LedgerRows(
            self._kept,
            self._customers.moved(),
            places,
            self._types if typed else None,
            self._ambiguous,
            self._book,
            dues=dues,
            numbered=gives_numbers,
            stored_types=stored_types,
        )
        entries = TableWrite(
            table("ledger_entry"),
            (
                *_COLUMNS,
                *(("due_date",) if dues else ()),
                *(("voucher_number",) if gives_numbers else ()),
                # Written by every load: a Day Book's receipt under its own number is no bill.
                "reference_is_bill",
                "book",
                "date_ambiguous",
                # Part of the key ("" unknown: revision 0029), written by every load.
                "voucher_type",
            ),
            rows,
            compare=CompareBy(
                ("account_id",),
                "entry_date",
                quiet=("voucher_type", "date_ambiguous", "voucher_number", "reference_is_bill"),
                settled=(*DATE_READ_ONE_WAY, *BILL_NAMED),
            ),
        )
        # A Day Book loaded as a ledger re-dates its invoices as its sales load does.
        moves = InvoiceMoves(
            LEDGER_INVOICES,
            (
                (row[0], row[1], row[3], row[5], _voucher_type(row))
                for row in rows
                if row[2] == EntryKind.INVOICE.value
            ),
            numbering_period(self._title, self._column_names),
            stored,
            stated_period(self._title),
        )
        periods = self._periods()
        notes = [
            *self._party.notes(),
            *self._customers.notes(),
            *self._formats.notes(),
            self._load_book.note(),
        ]
        if self._side.key == SIDE_CANDIDATE:
            notes.append("Sides (Dr/Cr) read from the column after the amount")
        if self._by_headings:
            notes.append(self._headings.note())
        if self._no_customer:
            notes.append(
                f"Skipped {counted(self._no_customer, 'line', 'lines')} under `Not Specified` "
                "(entries without a customer)"
            )
        if self._number_type is not None:
            article = "an" if self._number_type.lower().startswith(tuple("aeiou")) else "a"
            notes.append(
                f"Every line is {article} {self._number_type.lower()}: the number column "
                f"{self._number_column!r} says so (no type column)"
            )
        if self._not_issued:
            statuses = ", ".join(f"{count} {name}" for name, count in self._not_issued.items())
            notes.append(f"Skipped lines of documents not issued or withdrawn: {statuses}")
        documents, item_rows = self._documents_once
        if documents:
            notes.append(
                f"Counted {counted(documents, 'document', 'documents')} once each: their "
                f"{item_rows} item rows repeat each one's whole amount"
            )
        if self._voided:
            voided = counted(self._voided, "line", "lines")
            notes.append(f"Skipped {voided} of voided invoices listed at 0.00 (memo VOID)")
        if self._not_posted:
            skipped = ", ".join(f"{count} {name}" for name, count in self._not_posted.items())
            notes.append(f"Skipped lines whose voucher type posts nothing to a ledger: {skipped}")
        if self._settled:
            settled = ", ".join(f"{count} {name}" for name, count in self._settled.items())
            notes.append(
                f"Settled on the spot, each stored with its payment (or refund) of the same "
                f"amount: {settled}"
            )
        notes.extend(self._currencies.notes())
        notes.extend(self._not_entries.notes())
        if self._allocation_lines:
            lines = counted(
                self._allocation_lines, "bill-wise detail line", "bill-wise detail lines"
            )
            named = counted(self._bills_named, "entry", "entries")
            notes.append(
                f"Skipped {lines} (Tally's bill-wise details under a voucher, `New Ref` or "
                f"`Agst Ref`: not entries); they name the bill of {named} (the bill a receipt "
                f"settles, an invoice's bill and due date)"
            )
        notes.extend(balance_notes)
        dates = self._dates
        # An entry read at its date with day and month swapped is refused, or corrected with
        # `--dates` (store.ingest.kinds.invoice_dates), as a sales invoice is.
        types = self._types
        ambiguous = self._ambiguous
        numbered = InvoiceDates(
            (
                (
                    *(entry.customer, entry.day, entry.reference, entry.kind.value),
                    types.get(entry.key) if typed else None,
                    ambiguous.get(entry.key, False),
                )
                for entry in self._kept
            ),
            self._customers.moved(),
            order_given=dates is not None and dates.option is not None and dates.order is not None,
            where=self._where,
            stored=stored,
            # A period bounds what the file says of dates it writes with month names only:
            # numbers alone (`04/01/2024`) may have been misread by an earlier load at any date.
            covers=None if self._formats.numeric_dates else stated_period(self._title),
        )
        withdrawn = self._withdrawn
        if withdrawn:
            self._customers.include_app()
        kept = self._kept
        checked = dates_then_withdrawn(
            numbered,
            withdrawn,
            app=self._customers.app,
            kept=lambda: ((k.customer, k.day, k.reference) for k in kept),
        )
        moved = self._customers.moved()
        adoption = BookAdoption(
            self._where,
            lambda: (
                (moved.get(k.customer, k.customer), k.day, k.kind.value, k.reference) for k in kept
            ),
            numbering_period(self._title, self._column_names),
        )

        # A file naming no company: its invoices one named book holds are that book's.
        unnamed = NamedBookInvoices(
            self._where,
            lambda: (
                (moved.get(k.customer, k.customer), k.day, k.kind.value, k.reference) for k in kept
            ),
            numbering_period(self._title, self._column_names),
            stored,
        )
        # Its receipts matched with one named book's entries of the voucher go back there too.
        self._vouchers.lend_to(unnamed.lent_back)
        # After the re-dating: the stored entries of no known type at the file's keys, and the
        # type an entry of the file without one writes into (as a sales load's lines).
        voucher_keys = VoucherKeys(
            self._where,
            lambda: (
                (
                    (moved.get(k.customer, k.customer), k.day, k.kind.value, k.reference),
                    rows.given_type(k),
                    money(k.amount),
                )
                for k in kept
            ),
            stored,
            stored_types,
            app=self._customers.app,
            period=stated_period(self._title),
        )
        plan = export_plan(
            self._customers,
            self._segment,
            entries,
            rows=len(self._kept),
            notes=notes,
            dates=dates,
            currency=self._currencies.setting(),
            check=_then(unnamed.take, _then(adoption, checked)),
            moves=self._placed_after(moves.move, voucher_keys, rows, places, stored),
            # Stored entries of the file's numbers that a whole ledger no longer has (an
            # invoice re-exported with fewer entries), as the sales loads remove their stale
            # lines.
            remove=places.remove,
        )
        plan = replace(
            plan, after=after_both(unnamed.give_back, after_both(self._payments_only, plan.after))
        )
        if periods is not None:
            plan = replace(plan, writes=[*plan.writes, periods])
        if self._balances.opening is None:
            return plan
        check = OpeningCheck(rows, lambda: places.stale, plan.before, book=self._book)
        return replace(plan, before=check)

    async def _payments_only(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        """A line naming the file's customers left with payments and nothing owed, and one
        naming those whose invoices the file says are paid while their ledger has no payment."""
        moved = self._customers.moved()
        accounts = {moved.get(entry.customer, entry.customer) for entry in self._kept}
        notes = payments_only_note(await payments_only(connection, accounts))
        if self._paid_by_export:
            paid = {moved.get(account, account) for account in self._paid_by_export}
            notes.extend(
                paid_by_export_note(
                    await without_credits(connection, paid),
                    balance=self._balance_column or "Balance",
                    total=self._amount_column or "Total",
                )
            )
        return notes

    def _placed_after(
        self,
        moves: Check,
        voucher_keys: Check,
        rows: _LedgerRows,
        places: LedgerPlaces,
        stored: StoredInvoices,
    ) -> Check:
        """The re-dating of moved invoices, then the stored entries of no known type at the
        file's keys (`voucher_keys`), then the places of the file's entries among the stored
        ones as they then stand."""

        async def moved_then_placed(connection: AsyncConnection) -> Sequence[str]:
            # One voucher under its own number in one export and under its bill in another
            # is one entry: the file's entries and the stored ones take one key first.
            moved = self._customers.moved()
            customers = self._customers
            notes = list(await self._vouchers.match(connection, moved, stored, customers.is_new))
            notes.extend(await moves(connection) or ())
            notes.extend(await voucher_keys(connection) or ())
            moved = self._customers.moved()
            # Whole or one direction is decided per customer (as moved by this load): each
            # customer's part of the file is that customer's ledger or part of it. A document
            # export (Zoho's invoices, its credit notes) gives each of its documents whole,
            # every item row, under its own type: an edited invoice's new total replaces the
            # stored one, and the entries of other types under its number (the payments and
            # credit notes against it) stay, its type being its own (`_own_numbered_types`).
            # Zoho's Customer Payments export too, with or without its `Payment Type`: a
            # payment corrected in Zoho is that payment again, not one the file leaves out.
            directions: dict[str, set[EntryKind]] = {}
            for account, kinds in self._directions.items():
                directions.setdefault(moved.get(account, account), set()).update(kinds)
            whole = {
                account
                for account, kinds in directions.items()
                if {EntryKind.INVOICE, EntryKind.PAYMENT} <= kinds
                or self._number_type
                or self._payments_export
            }
            # The rows as they will be written (accounts moved, types settled), before their
            # places are: each entry's voucher type, and whether the file speaks for every type
            # of its number (an entry under a bill, a receipt or a credit note against it, is
            # of a group of every type: the whole ledger lists all of the bill's entries).
            # (Read lazily: a first load, nothing stored of its numbers, reads none.)
            await places.settle(
                connection,
                (
                    (row[0], row[1], row[2], row[3], row[5], str(row[-1]), own_type)
                    for row, own_type in zip(rows, self._own_numbered_types(), strict=True)
                ),
                whole=whole,
            )
            if places.kept_aside:
                notes.append(
                    f"Kept {counted(places.kept_aside, 'stored entry', 'stored entries')} of "
                    f"the file's numbers and dates that it does not have: "
                    f"{_one_direction(places.kept_aside_accounts, directions)}, so that is part "
                    f"of their ledger (a credit note against a bill is a payment as a receipt "
                    f"is); a whole ledger, with invoices and payments, removes what the books "
                    f"no longer have"
                )
            return notes

        return moved_then_placed


def _without_balance(row: Row) -> Row:
    """`row` without its balance: read only beside an invoice's total (`_check_balance`), never
    a cell that makes a line an entry, a total or a label (QuickBooks' running `Balance`)."""
    return {role: text for role, text in row.items() if role != "balance"}


def _then(first: Check, then: Check) -> Check:
    """`first`'s step, then `then`'s, their notes in that order."""

    async def both(connection: AsyncConnection) -> Sequence[str]:
        notes = list(await first(connection) or ())
        return [*notes, *(await then(connection) or ())]

    return both


def _one_direction(accounts: Sequence[str], directions: Mapping[str, set[EntryKind]]) -> str:
    """`it has only payments of KAV-001`, naming the customers of a file's one-direction parts
    whose stored entries it kept (a few, then how many more)."""
    parts = []
    for only in (EntryKind.INVOICE, EntryKind.PAYMENT):
        named = [account for account in accounts if directions.get(account) == {only}]
        if named:
            parts.append(f"{only.value}s of {first_and_more(named, 3)}")
    return "it has only " + "; only ".join(parts)


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> LedgerValidator:
    party = ExportParty(
        party=options.party, title=options.title, columns=options.columns, one_party=True
    )
    app = options.app or DEFAULT_APP
    await check_option_book_stored(
        connection, title=options.title, option=options.book, app=app, new_book=options.new_book
    )
    await check_new_app(
        connection,
        app=app,
        app_given=options.app is not None,
        book=LoadBook.of_load(options.title, options.book).key,
        new_app=options.new_app,
    )
    return LedgerValidator(
        customers=await load_parties(connection, options),
        segment=options.segment,
        party=party,
        title=options.title,
        dates=await app_dates(connection, app=app, option=options.dates),
        currency=await app_currency(connection, app=app, option=options.currency),
        book=options.book,
        known_to=options.known_to,
    )


def _matcher(options: IngestOptions) -> GuessingMatcher:
    return GuessingMatcher(_FILE_ROLES, options.columns, group_headings=True)


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare, guess_columns=_matcher, reads_title=True)

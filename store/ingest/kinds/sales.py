"""sales: a customer, a date and an amount per line; optionally an invoice number, a
quantity, a cost or a profit. Columns are guessed from the vocabulary of accounting exports.

Amounts may carry a side (`Dr`/`Cr`, Debit and Credit columns, or a side column: named
`Dr/Cr`, or recognised by its values, see `store.ingest.kinds.side_column`). A sales file's
lines sit on the side most of them are on (debits in a customer's ledger, credits in a sales
register); lines on the other side are returns and count negative, cost and profit
included. A voucher type column classes lines (`analytics.export_voucher_types`): receipts,
payments... are skipped, and a credit note without a side counts negative. Profit is the
profit column, else the amount less the cost column, else unknown. A detailed register's
item lines stand for their voucher's line (`store.ingest.kinds.vouchers`).

A line's party is never a contra ledger (`Sales Account`, `Cash`: see
`store.ingest.kinds.export_party`, the rule ledgers follow too): a Day Book's such lines are
skipped, and a customer's ledger is refused with what to do instead.

A line is stored under its customer, date, invoice number, voucher type ("" when the file has
none: `store.ingest.kinds.voucher_keys`) and its place among the file's lines with the same
four, so loading a file twice, or two exports that overlap, adds
nothing twice, and a corrected amount replaces the old one; a corrected date moves the
invoice (`store.ingest.kinds.invoice_moves`), and an amount with tax never replaces one
before tax (`store.ingest.kinds.taxed_amounts`). A detailed Day Book's tax lines are no sale
items (`analytics.tax_ledgers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from decimal import Context, Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.bill_allocations import bill_allocation
from analytics.counts import counted
from analytics.export_amounts import Amount, Side
from analytics.export_columns import (
    BEFORE_TAX,
    INVOICE_AMOUNTS,
    LINE_OR_INVOICE_AMOUNTS,
    SALES_ROLES,
    VOUCHER_REGISTER_AMOUNTS,
    WITH_TAX,
    normalize,
)
from analytics.export_dates import reads_both_ways
from analytics.export_voucher_types import (
    PAYMENT_NUMBER_TYPE,
    VoucherType,
    number_column_type,
    payment_number_column,
    type_name,
    voucher_type,
)
from analytics.invoice_status import is_not_issued, is_own_status, is_void_memo
from analytics.ledger_titles import (
    is_customer_transaction_list,
    is_day_book,
    sales_register_title,
)
from analytics.money import money
from analytics.report_period import stated_period
from analytics.tax_ledgers import is_tax_ledger
from settings import SegmentOptions
from store.ingest.columns import ColumnSpec
from store.ingest.currency_setting import AppCurrency, app_currency
from store.ingest.date_setting import AppDates, app_dates
from store.ingest.errors import FileRejected, RowProblem
from store.ingest.guessing import GROUP_HEADINGS, SIDE_CANDIDATE, GuessingMatcher
from store.ingest.kinds.base import IngestOptions, KindLoader, table
from store.ingest.kinds.currencies import Currencies
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
from store.ingest.kinds.invoice_moves import SALE_LINES as INVOICE_LINES
from store.ingest.kinds.invoice_moves import InvoiceMoves, numbering_period
from store.ingest.kinds.invoice_rows import Line, once_per_invoice
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK, BookAdoption
from store.ingest.kinds.load_app import check_new_app
from store.ingest.kinds.load_book import LoadBook, check_option_book_stored
from store.ingest.kinds.parties import DEFAULT_APP, Parties, load_parties
from store.ingest.kinds.side_column import SideColumn
from store.ingest.kinds.stale_item_lines import StaleItemLines
from store.ingest.kinds.stored_invoices import SALE_LINES, StoredInvoices
from store.ingest.kinds.taxed_amounts import TaxedAmounts
from store.ingest.kinds.unnamed_books import NamedBookInvoices, after_both
from store.ingest.kinds.voucher_keys import VoucherKey, VoucherKeys
from store.ingest.kinds.vouchers import Voucher
from store.ingest.kinds.withdrawn_invoices import WithdrawnInvoices, dates_then_withdrawn
from store.ingest.plan import (
    DATE_READ_ONE_WAY,
    CompareBy,
    TableWrite,
    Values,
    WriteMode,
    WritePlan,
)
from store.ingest.reading import Row

COLUMNS = ColumnSpec(required=(), optional=SALES_ROLES.names)
# Profit from amount and cost never rounds, whatever the thread's decimal context.
_EXACT = Context(prec=80)
# How the notes count the voided invoices QuickBooks lists at 0.00, among the statuses.
_VOIDED = "voided at 0.00 (memo VOID)"

_Kept = Line


class _SaleLineRows:
    """The kept lines as `sale_line` rows, numbered and signed as the writer asks for them."""

    def __init__(
        self,
        kept: list[_Kept],
        columns: tuple[str, ...],
        return_side: Side | None,
        moved: Mapping[str, str],
        taxed: TaxedAmounts,
        ambiguous: Mapping[tuple[str, dt.date, str], bool] | None = None,
        book: str = UNKNOWN_BOOK,
        stored_types: Mapping[VoucherKey, str] | None = None,
    ) -> None:
        self._kept = kept
        # The book every line of the file is of (store.ingest.kinds.ledger_books).
        self._book = book
        self._columns = columns
        self._return_side = return_side
        # Accounts moved by this load: a line kept under one is written under its target.
        self._moved = moved
        # Which lines include tax, and the invoices whose stored amount before tax stays.
        self._taxed = taxed
        # The one known type stored at each (customer, date, number) a line of no known type
        # is written to (`voucher_keys`, filled in the load's transaction before the write).
        self._stored_types = {} if stored_types is None else stored_types
        # The invoices whose date the file writes so that it reads both ways.
        self._ambiguous = ambiguous or {}

    def __len__(self) -> int:
        if not self._taxed.kept_stored:
            return len(self._kept)
        return sum(1 for _row in self)

    def __iter__(self) -> Iterator[Values]:
        """The rows the load writes: none of an invoice whose stored amount before tax stays
        (`TaxedAmounts.kept_stored`)."""
        return self._rows(self._taxed.kept_stored)

    def every(self) -> Iterator[Values]:
        """Every line of the file as a row, those of the invoices whose stored amount before
        tax stays too: what the file says of them besides their amount (their date, voucher
        type and book) is still recorded on their stored lines."""
        return self._rows(frozenset())

    def _rows(self, kept_stored: AbstractSet[tuple[str, dt.date, str, str]]) -> Iterator[Values]:
        occurrences = Occurrences()
        with_quantity = "quantity" in self._columns
        with_cost = "cost" in self._columns
        with_profit = "profit" in self._columns
        stored_types = self._stored_types
        ambiguous = self._ambiguous
        moved = self._moved
        taxed = self._taxed
        book = self._book
        for customer, day, invoice, amount, side, quantity, cost, profit, kind in self._kept:
            includes_tax = taxed.includes_tax(customer, day, invoice)
            both_ways = ambiguous.get((customer, day, invoice), False)
            if moved:
                customer = moved.get(customer, customer)
            if kept_stored and (customer, day, invoice, kind) in kept_stored:
                # Of its voucher type: a Day Book's `Sales 7` beside a stored `Export Sales 7`
                # is another voucher, not that one's amount with tax.
                continue
            if not kind and stored_types:
                # A line of no known type writes into the one type stored at its key.
                kind = stored_types.get((customer, day, "", invoice), kind)
            if side is not None and side is self._return_side:
                amount = -amount
                cost = None if cost is None else -cost
                profit = None if profit is None else -profit
            if profit is None and cost is not None:
                profit = _EXACT.subtract(amount, cost)
            # Money at its one scale, so that 123456 and 123456.00 are one stored amount.
            amount = money(amount)
            cost = None if cost is None else money(cost)
            profit = None if profit is None else money(profit)
            row: list[object] = [
                customer,
                day,
                invoice,
                occurrences.next((customer, day, invoice, kind)),
                amount,
                includes_tax,
            ]
            if with_quantity:
                row.append(quantity)
            if with_cost:
                row.append(cost)
            if with_profit:
                row.append(profit)
            row.append(kind)
            row.append(both_ways)
            row.append(book)
            yield tuple(row)


class SalesValidator:
    def __init__(
        self,
        *,
        customers: Parties,
        segment: SegmentOptions,
        party: ExportParty | None = None,
        dates: AppDates | None = None,
        title: Sequence[Sequence[str]] = (),
        currency: AppCurrency | None = None,
        book: str | None = None,
        known_to: Callable[[dt.date], dt.date] = lambda end: end,
    ) -> None:
        self._customers = customers
        # How far a period the title states is known (`IngestOptions.known_to`).
        self._known_to = known_to
        # A customer's ledger or a Day Book names contra ledgers (`Sales Account`, `Cash`) in
        # its party column: they are never customers.
        self._party = party or ExportParty(party=None, title=(), columns={}, one_party=False)
        self._segment = segment
        self._dates = dates
        self._formats = FileFormats.of_load(dates, title)
        self._title = title
        # The company the title names above the columns: the book of every line of the file,
        # stored and matched by its folded name (one company printed two ways is one book).
        # (`--book` names it in place of the title's company: `load_book`.)
        self._load_book = LoadBook.of_load(title, book)
        self._book = self._load_book.key
        self._where = SALE_LINES.in_book(self._book)
        # The names of the columns taken, once known (Zoho's numbers never restart).
        self._column_names: tuple[str, ...] = ()
        # Whether the amounts include tax: a Day Book's party lines are the gross.
        self._taxed = TaxedAmounts(gross=is_day_book(title))
        # Tax ledgers' lines under vouchers (a detailed Day Book), by ledger: no sale items.
        self._tax_lines: dict[str, int] = {}
        self._kept: list[_Kept] = []
        self._sides = {Side.DEBIT: 0, Side.CREDIT: 0}
        # The side of sales as the lines of a known voucher type say it, a vote each: a sale's
        # own side, a return's other side (`_return_side`).
        self._typed_sales_sides = {Side.DEBIT: 0, Side.CREDIT: 0}
        self._not_entries = SkippedLines()
        # Customer ids as the accounts' dict holds them, so kept lines share the strings.
        self._ids: dict[str, str] = {}
        # A side column by name comes first; then a type column (`Type`) that holds only Dr
        # and Cr; then the column after the amount.
        self._side = SideColumn(("voucher_type", SIDE_CANDIDATE))
        # The key of the voucher type (None when its column turned out to hold the sides).
        self._type_key: str | None = "voucher_type"
        # The type of every line of a file without a type column whose number column names
        # it (Zoho Books' `Credit Note Number`), and that column's name.
        self._number_type: str | None = None
        self._number_column = ""
        # The line of the last row if it was kept (else 0): items may follow it, and then it
        # becomes their voucher (a detailed register).
        self._last_kept = 0
        self._last_returned = False
        # The party of that line as the file writes it (the line is kept under its account).
        self._last_party = ""
        # That line's voucher type ("" unknown): its items are of its voucher.
        self._last_type = ""
        self._voucher: Voucher | None = None
        # Voucher types met, and how many lines of each type that is not a sale were skipped.
        self._types: dict[str, VoucherType] = {}
        self._not_sales: dict[str, int] = {}
        # The voucher type of each kept invoice (account, date, number): None when the file
        # gives one invoice two types (two vouchers under one key, which nothing tells apart).
        self._vch_types: dict[tuple[str, dt.date, str], str | None] = {}
        # The kept invoices whose date cell reads both ways (`04/01/2024`).
        self._ambiguous: dict[tuple[str, dt.date, str], bool] = {}
        self._problems: list[RowProblem] = []
        # Lines of invoices never issued or withdrawn (Void, Draft), by status.
        self._not_issued: dict[str, int] = {}
        # Those lines' and cancelled vouchers' invoices: an earlier load's line of one goes.
        self._withdrawn = WithdrawnInvoices(self._where)
        self._items = 0
        self._vouchers_with_items = 0
        # The amount column, when its name says it is before tax (`SubTotal`).
        self._before_tax: str | None = None
        self._invoice_amount: str | None = None
        # Whether the status column is the invoice's own (`Status`), not an e-invoice's.
        self._own_status = True
        # Customers named by group headings (QuickBooks' Sales by Customer Detail), when the
        # file has no customer column: followed from the first row, used once `decide`d.
        self._headings = GroupHeadings()
        self._by_headings = False
        # Lines under QuickBooks' `Not Specified` heading: sales without a customer.
        self._no_customer = 0
        # Tally's bill-wise details under a voucher (`Agst Ref  KD/25-26/002`), skipped.
        self._allocation_lines = 0
        # Amounts in another currency than the base one are converted at their line's rate.
        self._currency = currency
        self._currencies = Currencies(currency)

    def observe(self, row: Row) -> None:
        self._formats.observe(row)
        self._side.observe(row)
        self._party.observe(row, None if self._type_key is None else row.get(self._type_key))
        if "customer" not in row:
            # No customer column: its group headings may name the customers.
            self._headings.customer(row)
        if "currency" in row:
            self._currencies.observe(row)

    def formats_known(self, columns: Mapping[str, str], ignored: Sequence[str] = ()) -> None:
        self._column_names = tuple(columns.values())
        amount = columns.get("amount")
        self._before_tax = amount if amount and normalize(amount) in BEFORE_TAX else None
        # An amount of the whole invoice (`SubTotal`), repeated on its item rows if the file
        # has one row per item.
        self._invoice_amount = amount if amount and normalize(amount) in INVOICE_AMOUNTS else None
        if amount and normalize(amount) in WITH_TAX:
            self._taxed.gross = True
        sided = [name for role in ("debit", "credit") if (name := columns.get(role))]
        if (
            sided
            and all(normalize(name) in VOUCHER_REGISTER_AMOUNTS for name in sided)
            and sales_register_title(self._title) is not None
        ):
            # A Sales Register in the voucher register's own columns: each voucher's party
            # line, the gross, as a condensed Day Book gives it.
            self._taxed.gross = True
        status = columns.get("status")
        self._own_status = status is None or is_own_status(status)
        if columns.get("customer") == GROUP_HEADINGS:
            if not self._headings.decide(
                transaction_list=is_customer_transaction_list(self._title)
            ):
                taken = ", ".join(
                    f"{role} <- {name!r}" for role, name in columns.items() if role != "customer"
                )
                raise FileRejected(
                    "found no column for the customer, and the unnamed first column does not "
                    "name customers over their lines (a name alone on its line, its lines under "
                    "it, then `Total for NAME`, or the next name in a Transaction List by "
                    f"Customer); columns taken: {taken}. Name the customer's column with "
                    "--column customer=COLUMN"
                )
            self._headings.restart()
            self._by_headings = True
        self._formats.decide(columns.values())
        self._currencies.decide(columns)
        self._customers.customer_column(columns.get("customer"))
        self._party.customer_column(columns.get("customer"))
        if self._side.decide() == "voucher_type":
            self._type_key = None
        if self._type_key is None or "voucher_type" not in columns:
            self._number_column = columns.get("invoice") or ""
            self._number_type = number_column_type(columns.get("invoice"), columns.get("status"))
            payments = payment_number_column((*columns.values(), *ignored))
            if self._number_type is None and payments is not None:
                # Zoho Books' Customer Payments export: payments, no sales.
                self._number_type, self._number_column = PAYMENT_NUMBER_TYPE, payments

    def _voucher_type(self, text: str) -> VoucherType:
        """The class of a line's voucher type; a line that is not a sale is counted."""
        kind = self._types.get(text)
        if kind is None:
            kind = self._types[text] = voucher_type(text)
        if kind is VoucherType.OTHER:
            self._not_sales[text] = self._not_sales.get(text, 0) + 1
        return kind

    def _end_voucher(self) -> None:
        if self._voucher is not None:
            problem = self._voucher.problem()
            if problem is not None:
                self._problems.append(problem)
            self._voucher = None

    def _figures(
        self, line: int, row: Row, reasons: list[str]
    ) -> tuple[Amount | None, Amount | None, Amount | None, Amount | None, Decimal | None]:
        """A line's amount (with the side its side column gives), quantity, cost and profit,
        and the rate that converts them to the base currency (None: none); why any of them
        cannot be read goes in `reasons`. A plain tuple: one per line of a file of millions."""
        formats = self._formats
        amount = formats.signed_amount(row, reasons)
        if amount is not None:
            amount = self._side.sided(row, amount, reasons)
        quantity = formats.amount(row, "quantity", reasons)
        cost = formats.amount(row, "cost", reasons)
        profit = formats.amount(row, "profit", reasons)
        currencies = self._currencies
        rate = currencies.rate_of(line, row, formats, reasons) if currencies.converts else None
        return amount, quantity, cost, profit, rate

    def _item(self, line: int, row: Row, voucher: Voucher) -> list[str]:
        """A line of an item under its voucher (see `store.ingest.kinds.vouchers`)."""
        reasons: list[str] = []
        amount, quantity, cost, profit, rate = self._figures(line, row, reasons)
        if reasons or amount is None:
            return reasons
        if rate is not None:
            amount, cost, profit = _converted(rate, amount, cost, profit)
        ledger = row.get("customer")
        if ledger is not None and is_tax_ledger(ledger):
            # A tax on the voucher: part of its total, never a sale (on the party's side, as
            # a negative round-off, it lowers the total).
            value = amount.value
            if amount.side is None and voucher.returned:
                value = -abs(value)
            elif amount.side is not None and amount.side is voucher.side:
                value = -value
            voucher.add_tax(line, value)
            self._tax_lines[ledger] = self._tax_lines.get(ledger, 0) + 1
            return reasons
        if not voucher.items:
            # The voucher's own line is the total of its items: they replace it.
            own = self._kept.pop()
            self._vouchers_with_items += 1
            if voucher.side is not None:
                self._sides[voucher.side] -= 1
                if own[-1]:  # its vote too (`_keep`)
                    self._typed_sales_sides[_sales_side(voucher.side, voucher.returned)] -= 1
        self._items += 1
        side = amount.side or voucher.side
        stored = self._keep(
            (voucher.customer, voucher.day, voucher.invoice),
            Amount(amount.value, side),
            quantity,
            cost,
            profit,
            voucher.returned,
            self._last_type,
        )
        voucher.add_item(line, stored)
        self._taxed.before_tax(voucher.customer, voucher.day, voucher.invoice)
        return reasons

    def _keep(
        self,
        key: tuple[str, dt.date, str],
        amount: Amount,
        quantity: Amount | None,
        cost: Amount | None,
        profit: Amount | None,
        returned: bool,
        kind: str,
    ) -> Decimal:
        """Keeps a line; the amount kept. A return without a side (a credit note in a
        register of plain amounts) is kept negative, its cost and profit too; a side makes
        the sign when the file is written (`_return_side`)."""
        side = amount.side
        value = amount.value
        cost_value = None if cost is None else cost.value
        profit_value = None if profit is None else profit.value
        if side is not None:
            self._sides[side] += 1
            if kind:  # of a known voucher type
                self._typed_sales_sides[_sales_side(side, returned)] += 1
        elif returned:
            value = -abs(value)
            cost_value = None if cost_value is None else -abs(cost_value)
            profit_value = None if profit_value is None else -profit_value
        self._kept.append(
            (
                *key,
                value,
                side,
                None if quantity is None else quantity.value,
                cost_value,
                profit_value,
                kind,
            )
        )
        return value

    def check(self, line: int, row: Row) -> list[str]:
        if self._by_headings:
            heading = self._headings.customer(row)
            if heading is not None and names_no_customer(heading):
                self._no_customer += 1
                # An older release made `Not Specified` an account: the lines it stored
                # there for this file's sales without a customer go.
                self._withdraw({**row, "customer": heading})
                return []
            if heading is not None:
                row = {**row, "customer": heading}
        if self._not_entries.row_label(row):
            self._end_voucher()
            self._last_kept = 0
            return []
        if is_summary_row(row):
            self._end_voucher()
            self._last_kept = 0
            self._not_entries.totals += 1
            return []
        if is_label_row(row):
            self._end_voucher()
            self._last_kept = 0
            self._not_entries.labels += 1
            return []
        if self._not_entries.cancelled_voucher(row):
            self._end_voucher()
            self._last_kept = 0
            self._withdraw(row, named=False)
            return []
        status = row.get("status")
        if status is not None and is_not_issued(status, own=self._own_status):
            self._end_voucher()
            self._last_kept = 0
            self._not_issued[status] = self._not_issued.get(status, 0) + 1
            self._withdraw(row)
            return []
        if self._voided_at_zero(row):
            # Nothing was sold: no line, no account for a customer with no other line; and
            # the lines an earlier load stored for the invoice before it was voided go.
            self._end_voucher()
            self._last_kept = 0
            self._not_issued[_VOIDED] = self._not_issued.get(_VOIDED, 0) + 1
            self._withdraw(row)
            return []
        if (
            row.get("date") is None
            and row.get("invoice") is None
            and row.get("voucher_type") is None
            and (particulars := row.get("customer")) is not None
            and bill_allocation(particulars) is not None
        ):
            # A detail of the voucher above (the bill it opens or settles), not an item of it.
            self._allocation_lines += 1
            return []
        if row.get("date") is None:
            voucher = self._voucher
            if voucher is None and self._last_kept:
                voucher = self._voucher = Voucher(
                    self._last_kept, *self._kept[-1][:5], returned=self._last_returned
                )
            # An item names an item, not the voucher's customer: a line of a flat file that
            # lacks its date stays a line that lacks its date.
            if (
                voucher is not None
                and row.get("invoice") in (None, voucher.invoice)
                and row.get("customer") != self._last_party
            ):
                return self._item(line, row, voucher)
        if self._voucher is not None:
            self._end_voucher()
        self._last_kept = 0
        kind = VoucherType.SALE
        text = self._type_text(row)
        if text is not None:
            kind = self._voucher_type(text)
            if kind is VoucherType.OTHER:
                if (why := self._party.no_customer(row)) is not None:
                    # An older release stored a supplier's purchase, the rent paid or a
                    # receipt into `Cash` as that party's sale or return: it goes.
                    self._withdraw(row, no_customer=why)
                return []
        if self._party.skips(line, row, text):
            if (why := self._party.no_customer(row)) is not None:
                # An older release made that party a customer: its line of this voucher goes.
                self._withdraw(row, no_customer=why)
            return []
        reasons: list[str] = []
        customer = row.get("customer")
        if customer is None:
            if self._not_entries.no_customer_line():
                return []
            reasons.append("missing customer")
        day = self._formats.date(row, "date", reasons, required=True)
        amount, quantity, cost, profit, rate = self._figures(line, row, reasons)
        if reasons or customer is None or day is None or amount is None:
            return reasons
        if rate is not None:
            amount, cost, profit = _converted(rate, amount, cost, profit)
        account = self._customers.resolve(
            self._ids.setdefault(customer, customer), row.get("customer_name")
        )
        if not isinstance(account, str):
            return [] if account is None else [account.reason]
        self._last_kept = line
        self._last_party = customer
        self._last_returned = kind is VoucherType.RETURN
        key = (account, day, row.get("invoice") or "")
        name = None
        if self._type_key is not None or self._number_type is not None:
            name = None if text is None else type_name(text)
            types = self._vch_types
            types[key] = name if types.get(key, name) == name else None
        self._last_type = name or ""
        written = row.get("date")
        if written is not None and reads_both_ways(written):
            self._ambiguous[key] = True
        self._keep(
            key,
            amount,
            quantity,
            cost,
            profit,
            self._last_returned,
            self._last_type,
        )
        return reasons

    def _type_text(self, row: Row) -> str | None:
        """The line's voucher type as the file writes it: its type column's, or the one its
        number column's name gives every line (None: not known)."""
        if self._type_key is None or self._type_key not in row:
            return self._number_type
        return row[self._type_key]

    def _voided_at_zero(self, row: Row) -> bool:
        """Whether the line is a voided invoice QuickBooks lists at 0.00 (its memo says so)."""
        memo = row.get("memo")
        if memo is None or not is_void_memo(memo):
            return False
        amount = self._formats.signed_amount(row, [])
        return amount is not None and amount.value == 0

    def _withdraw(self, row: Row, *, named: bool = True, no_customer: str | None = None) -> None:
        """A line that is no sale: its invoice, if a date and number name it, is withdrawn
        from what earlier loads stored (a date that does not read names nothing): the lines of
        its voucher type (when the file gives types) and of its customer (when `named`: a
        cancelled Tally voucher names none). A voucher whose type is no sale (a cancelled
        receipt) withdraws nothing: Tally numbers each type on its own, so its number may be a
        sale's; but a party that is no customer at all (`no_customer`: what it is, `Cash`, a
        supplier) withdraws its own stored lines of any type: an older release made it a
        customer, whose account goes once it holds nothing."""
        text = self._type_text(row)
        if text is not None and voucher_type(text) is VoucherType.OTHER and no_customer is None:
            return
        day = self._formats.date(row, "date", [], required=False)
        accounts = None
        if named and (customer := row.get("customer")) is not None:
            accounts = self._customers.stored_accounts(
                self._ids.get(customer, customer), row.get("customer_name")
            )
        self._withdrawn.add(
            day,
            row.get("invoice"),
            voucher_type=None if text is None else type_name(text),
            accounts=accounts,
            no_customer=no_customer,
        )

    def finish(self) -> list[RowProblem]:
        self._end_voucher()
        self._party.finish()
        return self._problems

    def _return_side(self) -> Side | None:
        """The side of returns in a file whose amounts have sides (None: they have none).
        Sales stand where the file's typed vouchers say (a `Sales` voucher on its side, a
        `Credit Note` on the other), else where most lines stand, and a tie of lines goes to
        the customer's ledger (a sale is its debit): one sale credited and one credit note
        debited in a sales ledger are not taken the other way round."""
        if not any(self._sides.values()):
            return None
        debit = Side.DEBIT
        votes = self._typed_sales_sides
        if votes[debit] != votes[debit.other]:
            sales_side = max(votes, key=votes.__getitem__)
        elif self._sides[debit] != self._sides[debit.other]:
            sales_side = max(self._sides, key=self._sides.__getitem__)
        else:
            sales_side = debit
        return sales_side.other

    def plan(self, present: frozenset[str]) -> WritePlan:
        columns: tuple[str, ...] = (
            *("account_id", "sale_date", "invoice", "line", "amount", "includes_tax"),
        )
        if "quantity" in present:
            columns += ("quantity",)
        if "cost" in present:
            columns += ("cost",)
        if "cost" in present or "profit" in present:
            columns += ("profit",)
        # The voucher type is part of the key ("" when the file has none: `voucher_keys`
        # writes such a line into the one known type stored at its key).
        columns += ("voucher_type", "date_ambiguous", "book")
        return_side = self._return_side()
        repeated = None
        if self._invoice_amount is not None:
            repeated = once_per_invoice(
                self._kept,
                invoice_name=normalize(self._invoice_amount) not in LINE_OR_INVOICE_AMOUNTS,
            )
            self._kept = repeated.lines
        # The one known type stored at each key a line of no known type writes to
        # (`voucher_keys` fills it in the load's transaction, before the write).
        stored_types: dict[VoucherKey, str] = {}
        rows = _SaleLineRows(
            self._kept,
            columns,
            return_side,
            self._customers.moved(),
            self._taxed,
            self._ambiguous,
            self._book,
            stored_types,
        )
        lines = TableWrite(
            table("sale_line"),
            columns,
            rows,
            compare=CompareBy(
                ("account_id",),
                "sale_date",
                quiet=("voucher_type", "date_ambiguous"),
                settled=DATE_READ_ONE_WAY,
            ),
        )
        notes = [*self._party.notes(), *self._customers.notes(), *self._formats.notes()]
        notes.append(self._load_book.note("lines"))
        notes.extend(self._currencies.notes())
        if self._by_headings:
            notes.append(self._headings.note())
        if self._no_customer:
            notes.append(
                f"Skipped {counted(self._no_customer, 'line', 'lines')} under `Not Specified` "
                "(sales without a customer)"
            )
        if self._side.key == SIDE_CANDIDATE:
            notes.append("Sides (Dr/Cr) read from the column after the amount")
        if self._number_type is not None:
            meaning = {
                VoucherType.SALE: "sales",
                VoucherType.RETURN: "returns, counted negative",
            }.get(voucher_type(self._number_type), "not sales")
            # "an Invoice", "a Credit Note": the type is a name of the export's own.
            article = "an" if self._number_type.lower().startswith(tuple("aeiou")) else "a"
            notes.append(
                f"Every line is {article} {self._number_type} ({meaning}): the number column "
                f"{self._number_column!r} says so"
            )
        if self._side.key == "voucher_type":
            notes.append("Sides (Dr/Cr) read from the voucher type column")
        if self._before_tax is not None:
            notes.append(
                f"Amounts read from {self._before_tax!r}, before tax: sales are counted "
                f"without the taxes on them (--column amount=COLUMN to take another)"
            )
        if repeated is not None and repeated.invoices:
            notes.append(
                f"Counted {counted(repeated.invoices, 'invoice', 'invoices')} once over their "
                f"{repeated.rows} item rows: {self._invoice_amount!r} is the whole invoice's, "
                f"repeated on each"
            )
        if repeated is not None and repeated.kept_apart:
            notes.append(
                f"Kept the {repeated.kept_apart} lines of the one invoice that repeat one "
                f"{self._invoice_amount!r} as {repeated.kept_apart} sales: one such invoice "
                f"does not show the column is the whole invoice's (as a second would)"
            )
        if self._tax_lines:
            taxes = sum(self._tax_lines.values())
            notes.append(
                f"Skipped {counted(taxes, 'tax line', 'tax lines')} under their vouchers "
                f"({', '.join(self._tax_lines)}): taxes are not sales, the sales ledger's "
                f"lines are the amounts before tax"
            )
        if self._items:
            notes.append(
                f"Read {counted(self._items, 'item line', 'item lines')} under "
                f"{counted(self._vouchers_with_items, 'voucher', 'vouchers')} "
                f"(a detailed register): they replace their voucher's total line"
            )
        # Said only when a written line is on that side: a register of sales alone (all Dr, or
        # all Cr) still has a side for returns, but counted none.
        if return_side is not None and any(kept[4] is return_side for kept in self._kept):
            notes.append(f"Lines on the {return_side} side counted as returns (negative)")
        if self._not_issued:
            not_issued = sum(self._not_issued.values())
            statuses = ", ".join(f"{count} {name}" for name, count in self._not_issued.items())
            notes.append(
                f"Skipped {counted(not_issued, 'line', 'lines')} of invoices not issued "
                f"(void, draft, cancelled): {statuses}"
            )
        if self._not_sales:
            skipped = ", ".join(f"{count} {name}" for name, count in self._not_sales.items())
            notes.append(f"Skipped lines whose voucher type is not a sale: {skipped}")
        notes.extend(self._not_entries.notes())
        if self._allocation_lines:
            details = counted(
                self._allocation_lines, "bill-wise detail line", "bill-wise detail lines"
            )
            notes.append(
                f"Skipped {details} (Tally's bill-wise details under a voucher, `New Ref` or "
                f"`Agst Ref`: not sales)"
            )
        dates = self._dates
        # The stored lines of the file's invoices: read once, by the invoice-date check, then
        # shared by the re-dating, the gross amounts and the stale lines' removal.
        stored = StoredInvoices(self._where)
        types = self._vch_types
        ambiguous = self._ambiguous
        invoices = InvoiceDates(
            (
                (*kept[:3], "", types.get(kept[:3]), ambiguous.get(kept[:3], False))
                for kept in self._kept
            ),
            self._customers.moved(),
            # `--dates day-first|month-first` now: the stored misreadings give way.
            order_given=dates is not None and dates.option is not None and dates.order is not None,
            where=self._where,
            stored=stored,
            # A period bounds what the file says of dates it writes with month names only:
            # numbers alone (`04/01/2024`) may have been misread by an earlier load at any date.
            covers=None if self._formats.numeric_dates else stated_period(self._title),
        )
        # The rows as written (accounts moved, returns negative): a sale is re-dated, whether
        # or not its stored amount before tax stays after (`taxed_amounts`).
        typed = columns.index("voucher_type")
        moves = InvoiceMoves(
            INVOICE_LINES,
            ((row[0], row[1], row[2], row[4], row[typed] or None) for row in rows.every()),
            numbering_period(self._title, self._column_names),
            stored,
            stated_period(self._title),
        )
        withdrawn = self._withdrawn
        if withdrawn:
            # The app's segments change with the lines withdrawn, if any line is kept or not.
            self._customers.include_app()
        kept = self._kept
        # With their voucher types: a kept `Sales 7` leaves a cancelled `Export Sales 7` of its
        # day to be removed.
        check = dates_then_withdrawn(
            invoices,
            withdrawn,
            app=self._customers.app,
            kept=lambda: ((*line[:3], types.get(line[:3])) for line in kept),
        )
        # First, the stored lines of no known book this book's load matches become its own.
        moved = self._customers.moved()
        adoption = BookAdoption(
            self._where,
            lambda: ((moved.get(k[0], k[0]), k[1], "", k[2]) for k in kept),
            numbering_period(self._title, self._column_names),
        )

        # Stored lines of the file's invoices beyond those it writes (an invoice edited down to
        # fewer items, lines 2..N of one now counted once): removed after `check` (withdrawn
        # invoices are not among them: a line that is no sale is not kept).
        stale = StaleItemLines(rows, stored, typed=typed)
        # After the re-dating and the gross amounts: the stored lines of no known type at the
        # file's keys, and the type a line of the file without one writes into. Every line of
        # the file: one whose stored amount before tax stays still gives that line its type.
        taxed = self._taxed
        voucher_keys = VoucherKeys(
            self._where,
            lambda: (((row[0], row[1], "", row[2]), row[typed], row[4]) for row in rows.every()),
            stored,
            stored_types,
            app=self._customers.app,
            period=stated_period(self._title),
            kept_whole=lambda: taxed.kept_stored,
            gross=lambda: {(row[0], row[1], "", row[2]) for row in rows.every() if row[5]},
            keep_before_tax=taxed.keep,
        )
        # A file naming no company: its invoices one named book holds are that book's.
        unnamed = NamedBookInvoices(
            self._where,
            lambda: ((moved.get(k[0], k[0]), k[1], "", k[2]) for k in kept),
            numbering_period(self._title, self._column_names),
            stored,
        )
        plan = export_plan(
            self._customers,
            self._segment,
            lines,
            rows=len(self._kept),
            notes=notes,
            dates=self._dates,
            currency=self._currencies.setting(),
            check=_both(unnamed.take, _both(adoption, check)),
            moves=_both(
                moves.move,
                _both(
                    self._taxed.keep_before_tax(
                        rows, stored, typed=typed, both_ways=columns.index("date_ambiguous")
                    ),
                    voucher_keys,
                ),
            ),
            remove=stale.remove,
        )
        plan = replace(plan, after=after_both(unnamed.give_back, plan.after))
        period = self._period()
        return plan if period is None else replace(plan, writes=[*plan.writes, period])

    def _period(self) -> TableWrite | None:
        """The end of the period the title states, for the file's app (after the app, which
        the plan writes first): the app's sales are known up to it, whatever its last sale;
        None without a period or a line kept."""
        period = stated_period(self._title)
        if period is None or not self._kept or not self._customers.has_app():
            return None
        return TableWrite(
            table("sales_period"),
            ("app_id", "period_end"),
            [(self._customers.app, self._known_to(period[1]))],
            mode=WriteMode.INSERT_MISSING,
        )


def _both(first: Check, then: Check) -> Check:
    async def both(connection: AsyncConnection) -> Sequence[str]:
        return [*(await first(connection) or ()), *(await then(connection) or ())]

    return both


async def _prepare(connection: AsyncConnection, options: IngestOptions) -> SalesValidator:
    party = ExportParty(party=None, title=options.title, columns=options.columns, one_party=False)
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
    return SalesValidator(
        customers=await load_parties(connection, options),
        segment=options.segment,
        party=party,
        dates=await app_dates(connection, app=app, option=options.dates),
        title=options.title,
        book=options.book,
        currency=await app_currency(connection, app=app, option=options.currency),
        known_to=options.known_to,
    )


def _matcher(options: IngestOptions) -> GuessingMatcher:
    return GuessingMatcher(SALES_ROLES, options.columns, group_headings=True)


LOADER = KindLoader(columns=COLUMNS, prepare=_prepare, guess_columns=_matcher, reads_title=True)


def _sales_side(side: Side, returned: bool) -> Side:
    """The side of sales a line of a known voucher type says: its own for a sale, the other
    one for a return."""
    return side.other if returned else side


def _converted(
    rate: Decimal, amount: Amount, cost: Amount | None, profit: Amount | None
) -> tuple[Amount, Amount | None, Amount | None]:
    """A line's amount, cost and profit in the base currency (quantities are not money)."""
    converted = Currencies.converted(amount, rate)
    assert converted is not None
    return converted, Currencies.converted(cost, rate), Currencies.converted(profit, rate)

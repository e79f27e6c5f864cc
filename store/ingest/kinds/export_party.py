"""Whose line each line of a sales or ledger export is: one rule for both kinds.

A receivables report (`Sundry Debtors`) or a sales register names each line's party in a
column. The ledger of one customer does not: its title names the party
(`analytics.ledger_titles`) and its `Particulars` column names the other account of each
entry (`Sales Account`, `HDFC Bank`), so in a ledger every line is the title's party's, or
`--party NAME`'s. A party column named with `--column customer=...` is taken as it is,
whatever the title says, and so is a column whose name says it holds ids (`Customer ID`).

Otherwise a line whose party is a contra ledger (sales, bank, cash, duties) is never taken
for a customer:
- in a Day Book (its title says so), a party per line, such a line names no customer (a
  cash sale, a receipt into the bank): it is skipped and counted, as totals are; so it is
  in a sales file titled as a register of sales (`Sales Register`), which lists a cash sale
  under `Cash` (a ledger load refuses such a register before it gets here);
- elsewhere the file is refused in one line that says what to do: a sales file titled as
  the ledger of one customer is that ledger, to load as one; a ledger names its party with
  `--party`.

A Day Book's suppliers, its parties on purchase vouchers, are no customers either: their lines
are skipped and counted (`store.ingest.kinds.day_book_suppliers`).

A ledger's title party whose Particulars name several customers rather than contra ledgers
is a group's title (`Ledger: Debtors - Mumbai Region`): refused in one line
(`store.ingest.kinds.title_party_check`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analytics.counts import counted
from analytics.ledger_titles import (
    is_contra_ledger,
    is_day_book,
    sales_register_title,
    title_party,
)
from store.ingest.errors import FileRejected
from store.ingest.kinds.day_book_suppliers import DayBookSuppliers
from store.ingest.kinds.exports import is_summary_text
from store.ingest.kinds.parties import holds_ids
from store.ingest.kinds.title_party_check import TitlePartyCheck
from store.ingest.reading import Row
from store.ingest.report import short_list

_NAME_IT = (
    "name the customer column with --column customer=COLUMN, or the one customer of a "
    "ledger with --party NAME"
)
_CONTRA = "a sales, bank, cash or tax ledger, not a customer"
_SUPPLIER = "a supplier or an expense paid, not a customer"

# Parties other than contra ledgers that make a file's party column a Day Book's (one per
# line), and how many of them are kept to name.
_SEVERAL = 2
_OTHERS_KEPT = 4

# What a line of totals leaves blank.
_NOT_IN_TOTALS = ("date", "customer", "kind", "invoice", "bill_ref", "due_date")


class ExportParty:
    """The party of each line of one export. `one_party` is true for a ledger, which takes
    every line as the party its title (or `--party`) names; a sales file never does."""

    def __init__(
        self,
        *,
        party: str | None,
        title: Sequence[Sequence[str]],
        columns: Mapping[str, str | None],
        one_party: bool,
    ) -> None:
        column_named = bool(columns.get("customer"))
        if party is not None:
            party = party.strip()
            if not party:
                raise FileRejected("--party needs the customer's name (or id)")
            if column_named:
                raise FileRejected(
                    "--party and --column customer both name the customer: give one of them"
                )
        self._day_book = is_day_book(title)
        # A register of sales names a party per line too, `Cash` for a cash sale: its contra
        # lines are skipped as a Day Book's, not taken for a customer's ledger.
        self._register = None if one_party else sales_register_title(title)
        self._lists_parties = self._day_book or self._register is not None
        self._source = "--party"
        if party is None and not column_named and not self._day_book:
            party = title_party(title)
            self._source = "the title"
        # The party the title names (or --party): in a ledger, the party of every line.
        self._named = party
        self._one_party = one_party
        self.fixed = party if one_party else None
        self._checked = 0
        self._missing = 0
        # Lines whose party column names a contra ledger: (line, name) of the first, count.
        self._first_contra: tuple[int, str] | None = None
        self._contra: dict[str, int] = {}
        self._trust_column = column_named
        # A few of the parties named beside contra ledgers: several say the file lists every
        # voucher under its own party, as an untitled Day Book does.
        self._others: set[str] = set()
        # A ledger's title party whose Particulars name several customers is a group's title.
        self._title_check = (
            TitlePartyCheck(party)
            if one_party and party is not None and self._source == "the title"
            else None
        )
        # A Day Book's suppliers (parties on purchase vouchers) are no customers.
        self._suppliers = (
            DayBookSuppliers()
            if self._day_book and self.fixed is None and not column_named
            else None
        )

    def customer_column(self, column: str | None) -> None:
        """Tells which column gives the customer, once the file's columns are known: one whose
        name says it holds ids holds no ledger names."""
        self._trust_column = self._trust_column or holds_ids(column)
        if self._title_check is not None:
            self._title_check.customer_column(column)

    def is_total(self, row: Row) -> bool:
        """Whether a line of the ledger of one party is its column totals: amounts without a
        date, an account, a voucher type or number (Tally writes it above the closing
        balance, with no rule line in CSV)."""
        return self.fixed is not None and all(row.get(key) is None for key in _NOT_IN_TOTALS)

    def observe(self, row: Row, voucher_type: str | None) -> None:
        """Sees a line before any is checked (`voucher_type`: its type cell): a Day Book's
        suppliers are known only from the whole file."""
        customer = row.get("customer")
        if self._suppliers is not None:
            self._suppliers.observe(customer, voucher_type)
        if (
            customer is not None
            and len(self._others) < _OTHERS_KEPT
            and customer not in self._others
            and not is_contra_ledger(customer)
            and not is_summary_text(customer)
        ):
            self._others.add(customer)

    def skips(self, line: int, row: Row, voucher_type: str | None = None) -> bool:
        """Whether the line names a contra ledger as its party: it is not an entry of any
        customer (skipped in a Day Book; elsewhere `finish` refuses the file); or, in a Day
        Book, a supplier (`store.ingest.kinds.day_book_suppliers`)."""
        if self.fixed is not None or self._trust_column:
            return False
        customer = row.get("customer")
        if customer is None:
            return False
        contra = is_contra_ledger(customer)
        if contra:
            self._contra[customer] = self._contra.get(customer, 0) + 1
            if self._first_contra is None:
                self._first_contra = (line, customer)
            return True
        return self._suppliers is not None and self._suppliers.skips(customer, voucher_type)

    def no_customer(self, row: Row) -> str | None:
        """Why a line that `skips` is no customer's at all: what its party is (a contra ledger,
        or a Day Book's supplier or expense paid); None for a line skipped though its party
        is a customer too (its purchase). An older release took such a party for a customer:
        a reload removes what it stored under it (`store.ingest.kinds.withdrawn_invoices`)."""
        customer = row.get("customer")
        if customer is None or self.fixed is not None or self._trust_column:
            return None
        if is_contra_ledger(customer):
            return _CONTRA
        if self._suppliers is not None and self._suppliers.is_supplier(customer):
            return _SUPPLIER
        return None

    def of(self, row: Row) -> str | None:
        """The line's party (a line that `skips` is never asked); None when it has none."""
        self._checked += 1
        if self.fixed is not None:
            if self._title_check is not None:
                self._title_check.observe(row.get("customer"))
            return self.fixed
        customer = row.get("customer")
        if customer is None:
            self._missing += 1
        return customer

    def _contra_named(self) -> str:
        lines = sum(self._contra.values())
        said = counted(lines, "line names such a ledger", "lines name such ledgers")
        return short_list(list(self._contra), said, "ledgers of that kind")

    def finish(self) -> None:
        if self._title_check is not None:
            self._title_check.finish()
        if self._first_contra is not None and not self._lists_parties:
            line, name = self._first_contra
            found = f"line {line}: {name!r} is {_CONTRA} ({self._contra_named()})"
            if self._named is not None:
                # Only a sales file gets here: a ledger takes every line as the named party's.
                raise FileRejected(
                    f"{found}: the title says this is the ledger of {self._named!r}, whose "
                    f"Particulars name the other account of each entry, not customers: load "
                    f"it as a ledger, with `profiling ingest ledger`"
                )
            if len(self._others) >= _SEVERAL:
                # Customers and contra ledgers side by side, a party per line: a Day Book
                # whose title lines were cut off, not the ledger of one customer.
                others = short_list(sorted(self._others), "customers", "customers")
                party = "--party NAME" if self._one_party else "`ingest ledger --party NAME`"
                raise FileRejected(
                    f"{found}, beside other parties ({others}): a Day Book (each line under "
                    f"its voucher's party) loads with its title line `Day Book` kept above "
                    f"the header, as Tally exports it (its lines naming such ledgers are then "
                    f"skipped); the ledger of one customer with {party}; a column naming "
                    f"customers only with --column customer=COLUMN"
                )
            name_it = (
                "name that customer with --party NAME"
                if self._one_party
                else "load such a file as a ledger, with `profiling ingest ledger --party NAME`"
            )
            raise FileRejected(
                f"{found}; in the ledger of one customer, Particulars names the other account "
                f"of each entry: {name_it} (or, if the column does name customers, --column "
                f"customer=COLUMN)"
            )
        if self._checked and self._missing == self._checked:
            raise FileRejected(f"no line names its customer, and no title names one: {_NAME_IT}")

    def notes(self) -> list[str]:
        notes = []
        if self.fixed is not None:
            notes.append(
                f"The ledger of one customer: {self.fixed!r} (from {self._source}); its "
                f"Particulars name the other account of each entry"
            )
        if self._contra and self._lists_parties:
            lines = sum(self._contra.values())
            named = short_list(list(self._contra), "ledgers", "ledgers")
            report = "A Day Book" if self._day_book else f"A {self._register}"
            notes.append(
                f"{report} (its title says so): skipped {counted(lines, 'line', 'lines')} "
                f"whose party is {_CONTRA} ({named})"
            )
        if self._suppliers is not None:
            notes.extend(self._suppliers.notes())
        return notes

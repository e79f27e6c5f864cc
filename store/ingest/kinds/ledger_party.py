"""Whose entry each line of a ledger export is.

A receivables report (`Sundry Debtors`, a Day Book) names each line's party in a column. The
ledger of one customer does not: its title names the party (`analytics.ledger_titles`) and
its `Particulars` column names the other account of each entry (`Sales Account`, `HDFC
Bank`), so every line is the title's party's, or `--party NAME`'s. A party column named with
`--column customer=...` is taken as it is, whatever the title says.

Without a title party, a line whose party is a contra ledger (sales, bank, cash, duties) is
not taken for a customer: the file is refused in one line that says how to name the party.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analytics.ledger_titles import is_contra_ledger, title_party
from store.ingest.errors import FileRejected
from store.ingest.reading import Row
from store.ingest.report import short_list

_NAME_IT = (
    "name the customer column with --column customer=COLUMN, or the one customer of a "
    "ledger with --party NAME"
)

# What a line of totals leaves blank.
_NOT_IN_TOTALS = ("date", "customer", "kind", "invoice", "bill_ref", "due_date")


class LedgerParty:
    def __init__(
        self,
        *,
        party: str | None,
        title: Sequence[Sequence[str]],
        columns: Mapping[str, str | None],
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
        self._source = "--party"
        if party is None and not column_named:
            party = title_party(title)
            self._source = "the title"
        # The party of every line, when the file is the ledger of one.
        self.fixed = party
        self._checked = 0
        self._missing = 0
        # Lines whose party column names a contra ledger: (line, name) of the first, count.
        self._first_contra: tuple[int, str] | None = None
        self._contra: dict[str, int] = {}
        self._judged: dict[str, bool] = {}
        self._trust_column = column_named

    def is_total(self, row: Row) -> bool:
        """Whether a line of the ledger of one party is its column totals: amounts without a
        date, an account, a voucher type or number (Tally writes it above the closing
        balance, with no rule line in CSV)."""
        return self.fixed is not None and all(row.get(key) is None for key in _NOT_IN_TOTALS)

    def of(self, line: int, row: Row) -> str | None:
        """The line's party; None when it has none, or when it names a contra ledger (then
        the file is refused by `finish`)."""
        self._checked += 1
        if self.fixed is not None:
            return self.fixed
        customer = row.get("customer")
        if customer is None:
            self._missing += 1
            return None
        if self._trust_column:
            return customer
        contra = self._judged.get(customer)
        if contra is None:
            contra = self._judged[customer] = is_contra_ledger(customer)
        if contra:
            self._contra[customer] = self._contra.get(customer, 0) + 1
            if self._first_contra is None:
                self._first_contra = (line, customer)
            return None
        return customer

    def finish(self) -> None:
        if self._first_contra is not None:
            line, name = self._first_contra
            lines = sum(self._contra.values())
            named = short_list(
                list(self._contra), f"{lines} lines name such ledgers", "ledgers of that kind"
            )
            raise FileRejected(
                f"line {line}: {name!r} is a sales, bank, cash or tax ledger, not a customer "
                f"({named}); in "
                f"the ledger of one customer, Particulars names the other account of each "
                f"entry: name that customer with --party NAME (or, if the column does name "
                f"customers, --column customer=COLUMN)"
            )
        if self._checked and self._missing == self._checked:
            raise FileRejected(f"no line names its customer, and no title names one: {_NAME_IT}")

    def notes(self) -> list[str]:
        if self.fixed is None:
            return []
        return [
            f"The ledger of one customer: {self.fixed!r} (from {self._source}); its "
            f"Particulars name the other account of each entry"
        ]

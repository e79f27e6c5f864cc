"""Whether a title that names one party names a group after all.

A title may read like a party's ledger and be a group's report (`Ledger: Debtors - Mumbai
Region`, a user's sub-group of Sundry Debtors): its `Particulars` then name several
customers, where one customer's ledger names the other accounts of its entries (`Sales
Account`, `HDFC Bank`, `Cash`), with another party now and then (a journal between two
customers). Such a file is refused in one line, not taken for one customer's: `--party NAME`
says it is one, `--column customer=COLUMN` that the column names each line's customer.
"""

from __future__ import annotations

from analytics.ledger_titles import is_contra_ledger
from store.ingest.errors import FileRejected
from store.ingest.report import short_list


class TitlePartyCheck:
    """Counts the names of the party column of a file whose title names its one party."""

    def __init__(self, party: str) -> None:
        self._party = party
        self._column = "Particulars"
        # Lines per name that is not a contra ledger; lines of contra ledgers.
        self._others: dict[str, int] = {}
        self._contra_lines = 0

    def customer_column(self, column: str | None) -> None:
        """The name of the party column, once the file's columns are known."""
        if column:
            self._column = column

    def observe(self, name: str | None) -> None:
        """One line's value of the party column."""
        if name is None:
            return
        if is_contra_ledger(name):
            self._contra_lines += 1
        else:
            self._others[name] = self._others.get(name, 0) + 1

    def finish(self) -> None:
        """Refuses the file when the column names several parties, on more lines than sales,
        bank or cash ledgers."""
        others = list(self._others)
        if len(others) < 2 or sum(self._others.values()) <= self._contra_lines:
            return
        column = self._column
        raise FileRejected(
            f"the title names one customer, {self._party!r}, but the {column} column names "
            f"several parties rather than sales, bank or cash ledgers "
            f"({short_list(others, f'{len(others)} parties', 'parties')}): if that column "
            f"names each line's customer, load the file with --column customer={column}; if "
            f"the file is the ledger of one customer, name the customer with --party NAME"
        )

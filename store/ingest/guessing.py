"""Columns of exports of any shape: guessed from their names (`analytics.export_columns`),
or from their values in a file without a header (`analytics.export_content`), with
`--column role=name` (or `role=position`) overrides, instead of matched to fixed names."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from analytics.export_columns import (
    LEDGER_AMOUNT,
    ColumnGuessError,
    RoleSet,
    guess_columns,
    header_score,
    normalize,
)
from analytics.export_content import columns_by_content
from analytics.export_dates import BadDate, parse_export_date
from analytics.export_reports import ageing_columns, balance_columns, not_entries
from store.ingest.applied_payments import applied_payment_columns
from store.ingest.columns import ColumnMatcher, ColumnSpec
from store.ingest.errors import FileRejected
from store.ingest.outline_columns import outline_key
from store.ingest.two_cell_particulars import PARTICULARS_CONTINUED

# Roles that give the amount another way: debit and credit columns beat an amount column,
# unless --column names the amount.
_AMOUNT_ROLES = ("amount", "debit", "credit")
# The key under which rows carry the column right after the amount while its values have not
# shown whether it is a side column (`Dr`/`Cr` on every line, under any name or none); no
# role is named so.
SIDE_CANDIDATE = "_side_candidate"
# The key of an unnamed first column that gives no role: QuickBooks' `Sales by Customer
# Detail` writes there a customer's name over its lines, `Total for NAME` under them, and
# notes, none of which is an entry (see `store.ingest.kinds.export_plan.row_label`).
ROW_LABEL = "_row_label"
# What the customer is taken from in a file whose customers are group headings in that
# unnamed first column (`store.ingest.kinds.group_headings`), shown as the customer's column.
GROUP_HEADINGS = "(group headings)"
# QuickBooks' reports name the ledger account each line posts to `Account` (Transaction List
# by Customer: `Accounts Receivable (A/R)`, `Undeposited Funds`; `Split` the other side),
# never the customer, whom its group headings name: in a QuickBooks report's layout (an
# unnamed first column beside `Transaction Type`) such a column is not guessed the customer's.
_QUICKBOOKS_ACCOUNTS = frozenset(
    normalize(name) for name in ("account", "account name", "account full name", "split")
)
_QUICKBOOKS_TYPE = normalize("Transaction Type")
# Bare numbers are never taken for dates in a header candidate (a `2024` in a title is not).
_BARE_NUMBER = re.compile(r"[0-9]{1,7}")


def _is_date(cell: str) -> bool:
    text = cell.strip()
    if not text or _BARE_NUMBER.fullmatch(text):
        return False
    try:
        parse_export_date(text)
    except BadDate:
        return False
    return True


def _describe_group(group: Sequence[str]) -> str:
    if tuple(group) == _AMOUNT_ROLES:
        return "amount (or debit and credit)"
    return " or ".join(group)


class GuessingMatcher(ColumnMatcher):
    """A ColumnMatcher whose fields are roles guessed from the vocabulary of exports."""

    def __init__(
        self,
        role_set: RoleSet,
        overrides: Mapping[str, str | None],
        *,
        group_headings: bool = False,
    ) -> None:
        super().__init__(ColumnSpec(required=(), optional=role_set.names))
        self.role_set = role_set
        # Whether customers may come from group headings in an unnamed first column when no
        # column names them (QuickBooks' Sales by Customer Detail, A/R Aging Detail, Customer
        # Balance Detail); the rows decide.
        self._group_headings = group_headings
        try:
            for role in overrides:
                role_set.role(role)
        except ColumnGuessError as exc:
            raise FileRejected(f"--column: {exc}") from exc
        self.overrides = dict(overrides)
        # Role -> index recognised from the values of a file without a header.
        self.positions: dict[str, int] = {}

    def header_score(self, header: Sequence[str]) -> int:
        """How many roles a line names if it is the header, and one more when it names a
        role and a column of balances or bands of days too (`Particulars | Closing Balance`, a
        group summary's header; `Current | 1 - 30 | Total`, an ageing report's: balances are
        never guessed as amounts, but they are column names, and the file is then refused as
        the report of balances it is); 0 for a line holding a date,
        which is data, whatever words its other cells hold."""
        if any(_is_date(cell) for cell in header):
            return 0
        score = header_score(header, self.role_set, self.overrides)
        if score and (balance_columns(header) or ageing_columns(header)):
            # An ageing report's bands of days are column names too (`1 - 30`, `91 and
            # over`): its header is found, and the file refused as the report it is.
            return score + 1
        return score

    def content_guess(self, rows: Sequence[Sequence[str]]) -> dict[str, int] | None:
        """The roles the values of a file without a header show; None unless they show every
        role the file needs."""
        found = columns_by_content(rows, self.role_set.names)
        overridden = {role: 0 for role, column in self.overrides.items() if column}
        if self.role_set.missing({**found, **overridden}):
            return None
        return found

    def match_header(self, header: Sequence[str]) -> list[tuple[str, int]]:
        columns = [column.strip() for column in header]
        self.columns = [column for column in columns if column]
        try:
            assigned = guess_columns(columns, self.role_set, self.overrides, self.positions)
        except ColumnGuessError as exc:
            raise FileRejected(str(exc)) from exc
        self._prefer_debit_and_credit(assigned)
        self._transaction_number(columns, assigned)
        self._quickbooks_account(columns, assigned)
        # In the file's order, as the report shows them.
        pairs = sorted(assigned.items(), key=lambda pair: pair[1])
        candidate = self._side_candidate(columns, assigned)
        self.mapping = {role: columns[index] for role, index in pairs}
        used = set(assigned.values())
        self.ignored = [
            column for index, column in enumerate(columns) if index not in used and column
        ]
        row_label = bool(columns) and not columns[0] and 0 not in used
        if (
            row_label
            and self._group_headings
            # `--column customer=` says no column names the customer: the headings may.
            and not self.overrides.get("customer")
            and "customer" not in self.mapping
            # The customer is all the file lacks (a ledger's customer is not required: the
            # title may name its one party).
            and all(group == ("customer",) for group in self.role_set.missing(self.mapping))
        ):
            # Only a candidate: the validator checks the rows are laid out so, else refuses.
            self.mapping = {"customer": GROUP_HEADINGS, **self.mapping}
        self.check_required()
        if candidate is not None:
            pairs.append((SIDE_CANDIDATE, candidate))
        continued = self._particulars_continued(columns, assigned, candidate)
        if continued is not None:
            pairs.append((PARTICULARS_CONTINUED, continued))
        if LEDGER_AMOUNT in self.role_set.roles:
            # A payment's amounts are a ledger's; a sales load skips payments.
            pairs.extend(applied_payment_columns(columns, assigned))
        if row_label:
            pairs.append((ROW_LABEL, 0))
            # QuickBooks Desktop's inner levels, each in an unnamed column of its own.
            taken = used | {index for _, index in pairs}
            for index in range(1, len(columns)):
                if columns[index] or index in taken:
                    break
                pairs.append((outline_key(index), index))
        return pairs

    def _transaction_number(self, columns: Sequence[str], assigned: dict[str, int]) -> None:
        """QuickBooks' reports outside the US (India, the UK, Australia) head the invoice
        number `No.` where the US edition writes `Num`: beside QuickBooks' `Transaction Type`
        it is that number, without which each item row of an invoice would count as an order.
        Only there: elsewhere a bare `No.` may be a row's serial number."""
        role = "invoice"
        if role in assigned or role in self.overrides or role not in self.role_set.names:
            return
        names = [normalize(column) for column in columns]
        if "transactiontype" not in names:
            return
        used = set(assigned.values())
        for index, name in enumerate(names):
            if name == "no" and index not in used:
                assigned[role] = index
                return

    def _quickbooks_account(self, columns: Sequence[str], assigned: dict[str, int]) -> None:
        """Drops a customer guessed from QuickBooks' `Account` column in a QuickBooks report's
        layout: it holds ledger accounts. Another column naming the customer (`Name`,
        `Customer`) takes its place; without one, the group headings name the customers (or
        the file is refused in one line). `--column customer=Account` still takes it."""
        index = assigned.get("customer")
        if (
            index is None
            or "customer" in self.overrides
            or not columns
            or columns[0]
            or 0 in assigned.values()
            or normalize(columns[index]) not in _QUICKBOOKS_ACCOUNTS
            or _QUICKBOOKS_TYPE not in (normalize(column) for column in columns)
        ):
            return
        del assigned["customer"]
        # The column a name was guessed from (`Name`, beside the account) is the customer's
        # now, as it is in a report without the account.
        name = assigned.get("customer_name") if "customer_name" not in self.overrides else None
        taken = {at for role, at in assigned.items() if role != "customer_name" or at != name}
        free = [
            "" if at in taken or normalize(column) in _QUICKBOOKS_ACCOUNTS else column
            for at, column in enumerate(columns)
        ]
        customer = RoleSet(roles=(self.role_set.role("customer"),), required=())
        found = guess_columns(free, customer).get("customer")
        if found is not None:
            assigned["customer"] = found
            if found == name:
                del assigned["customer_name"]

    def _side_candidate(self, columns: Sequence[str], assigned: dict[str, int]) -> int | None:
        """The column right after the amount, when it gives no role and no side column was
        found by name: exports put the `Dr`/`Cr` of each amount there, often without a name;
        its values decide."""
        if "side" not in self.role_set.names or "side" in assigned or "side" in self.overrides:
            return None
        amount = assigned.get("amount")
        if amount is None or amount + 1 >= len(columns) or (amount + 1) in assigned.values():
            return None
        return amount + 1

    @staticmethod
    def _particulars_continued(
        columns: Sequence[str], assigned: dict[str, int], candidate: int | None
    ) -> int | None:
        """The unnamed column right after the customer's, when it gives no role: Tally
        prints a ledger's Particulars over two cells (`store.ingest.two_cell_particulars`)."""
        customer = assigned.get("customer")
        if customer is None:
            return None
        after = customer + 1
        if after >= len(columns) or columns[after] or after in assigned.values():
            return None
        return None if after == candidate else after

    def _prefer_debit_and_credit(self, assigned: dict[str, int]) -> None:
        sides = [role for role in ("debit", "credit") if role in assigned]
        if not sides or "amount" not in assigned:
            return
        if "amount" in self.overrides:
            for role in sides:
                if role not in self.overrides:
                    del assigned[role]
        else:
            del assigned["amount"]

    def field_for(self, column: str) -> str | None:
        """JSON Lines show their keys row by row: each new key takes the role it fits best
        among those still free."""
        if column in self._fields:
            return self._fields[column]
        self.columns.append(column)
        taken = set(self.mapping)
        free = RoleSet(
            roles=tuple(role for role in self.role_set.roles if role.name not in taken),
            required=(),
        )
        overrides = {
            role: name
            for role, name in self.overrides.items()
            if role not in taken and (not name or name.strip() == column.strip())
        }
        try:
            guess = guess_columns([column], free, overrides)
        except ColumnGuessError:
            guess = {}
        name = next(iter(guess), None)
        if name is None:
            if column.strip():
                self.ignored.append(column)
        else:
            self.mapping[name] = column
        self._fields[column] = name
        return name

    def check_required(self) -> None:
        missing = self.role_set.missing(self.mapping)
        if not missing:
            return
        report = not_entries(self.columns, self.mapping)
        if report is not None:
            raise FileRejected(report)
        what = ", ".join(_describe_group(group) for group in missing)
        seen = ", ".join(repr(column) for column in self.columns) or "none"
        example = missing[0][0]
        raise FileRejected(
            f"found no column for the {what}; the file's columns are: {seen}. "
            f"Name the column with --column {example}=COLUMN "
            f"(roles: {', '.join(self.role_set.names)})"
        )

"""What the sales and ledger kinds share: customers that become accounts, dates and amounts
read the way the whole file writes them, summary rows, and the recomputation of segments.

A file is scanned once before it is checked (`observe`), so that the order of day and month
and the decimal mark are decided from all of its dates and amounts, not from the first rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.export_amounts import (
    Amount,
    BadAmount,
    DecimalMark,
    DecimalMarkEvidence,
    Side,
    parse_amount,
)
from analytics.export_columns import normalize
from analytics.export_dates import BadDate, DateOrder, DateOrderEvidence, parse_export_date
from settings import SegmentOptions
from store.ingest.kinds.base import IngestOptions, table
from store.ingest.plan import TableWrite, WriteMode
from store.ingest.progress import IngestProgress
from store.ingest.reading import Row
from store.jobs.segment import segment_apps

DEFAULT_APP = "default"
AMOUNT_ROLES = ("amount", "debit", "credit", "quantity", "cost", "profit")
DATE_ROLES = ("date", "due_date")
# Report lines that are not sales or entries: totals and balances carried over.
_SUMMARY_WORDS = frozenset(
    normalize(word)
    for word in (
        "total",
        "grand total",
        "sub total",
        "subtotal",
        "opening balance",
        "closing balance",
        "brought forward",
        "carried forward",
        "balance brought forward",
        "balance carried forward",
        "b/f",
        "c/f",
        "balance b/d",
        "balance c/d",
    )
)


@runtime_checkable
class ScansFirst(Protocol):
    """A validator that reads the whole file once before checking it."""

    def observe(self, row: Row) -> None: ...

    def formats_known(self) -> None: ...


def is_summary_row(row: Row) -> bool:
    """A total or balance line of a report (`Grand Total`, `Opening Balance`), not data."""
    day = row.get("date")
    if day is not None and day[:1].isdigit():
        return False  # a line with a date is data (the common case, decided cheaply)
    for role in ("customer", "date", "customer_name"):
        text = row.get(role)
        if text is not None and normalize(text) in _SUMMARY_WORDS:
            return True
    return False


class FileFormats:
    """The date order and decimal mark of one file, observed over all of its rows."""

    def __init__(self) -> None:
        self._dates = DateOrderEvidence()
        self._seen_dates: set[str] = set()
        self._marks = DecimalMarkEvidence()
        self.order = DateOrder.DAY_FIRST
        self.mark = DecimalMark.POINT

    def observe(self, row: Row) -> None:
        for role in DATE_ROLES:
            text = row.get(role)
            if text is not None and text not in self._seen_dates:
                self._seen_dates.add(text)
                self._dates.observe(text)
        if self._marks.settled:
            return
        for role in AMOUNT_ROLES:
            text = row.get(role)
            if text is not None:
                self._marks.observe(text)

    def decide(self) -> None:
        self.order = self._dates.order
        self.mark = self._marks.mark
        self._seen_dates.clear()

    def notes(self) -> list[str]:
        notes = []
        if self._dates.numeric:
            notes.append(f"Dates read {self.order} ({self.order.pattern})")
        if self.mark is DecimalMark.COMMA:
            notes.append("Amounts read with a decimal comma (1.234,50)")
        return notes

    def date(self, row: Row, role: str, reasons: list[str], *, required: bool) -> dt.date | None:
        text = row.get(role)
        if text is None:
            if required:
                reasons.append(f"missing {role.replace('_', ' ')}")
            return None
        try:
            return parse_export_date(text, self.order)
        except BadDate as exc:
            reasons.append(f"{role.replace('_', ' ')} {exc}")
            return None

    def amount(self, row: Row, role: str, reasons: list[str]) -> Amount | None:
        text = row.get(role)
        if text is None:
            return None
        try:
            return parse_amount(text, self.mark)
        except BadAmount as exc:
            reasons.append(f"{role} {exc}")
            return None

    def signed_amount(self, row: Row, reasons: list[str]) -> Amount | None:
        """The line's amount and side, from Debit/Credit columns or the amount column."""
        if "debit" not in row and "credit" not in row:
            if row.get("amount") is None:
                reasons.append("missing amount")
                return None
            return self.amount(row, "amount", reasons)
        debit = self.amount(row, "debit", reasons)
        credit = self.amount(row, "credit", reasons)
        if debit is not None or credit is not None:
            sides = [
                Amount(amount.value, side)
                for amount, side in ((debit, Side.DEBIT), (credit, Side.CREDIT))
                if amount is not None and amount.value != 0
            ]
            if len(sides) > 1:
                reasons.append(
                    f"both a debit ({row.get('debit')}) and a credit ({row.get('credit')}): "
                    f"a line is one or the other"
                )
                return None
            return sides[0] if sides else Amount(Decimal(0), None)
        if row.get("amount") is None:
            if not any(row.get(role) for role in ("debit", "credit")):
                reasons.append("missing amount")
            return None
        return self.amount(row, "amount", reasons)


class Customers:
    """The file's customers as accounts: existing ones keep their app, new ones become
    accounts of `--app` (else `default`), named after the name column or their id."""

    def __init__(self, *, accounts: dict[str, str], apps: set[str], app: str) -> None:
        # Each id mapped to its app; the kept rows share the dict's id strings.
        self._accounts = accounts
        self._apps = apps
        self._app = app
        self._new_accounts: dict[str, str] = {}
        self._new_apps: list[str] = []
        self.affected_apps: set[str] = set()

    def resolve(self, customer: str, name: str | None) -> None:
        app = self._accounts.get(customer)
        if app is None:
            app = self._accounts[customer] = self._app
            self._new_accounts[customer] = name or customer
            if app not in self._apps:
                self._apps.add(app)
                self._new_apps.append(app)
        self.affected_apps.add(app)

    def writes(self) -> list[TableWrite]:
        apps = TableWrite(
            table("app"), ("app_id",), [(app,) for app in self._new_apps], WriteMode.INSERT_MISSING
        )
        accounts = TableWrite(
            table("account"),
            ("account_id", "app_id", "name"),
            [(customer, self._app, name) for customer, name in self._new_accounts.items()],
            WriteMode.INSERT_MISSING,
        )
        return [apps, accounts]

    def created(self) -> dict[str, Sequence[str]]:
        return {"apps": list(self._new_apps), "accounts": list(self._new_accounts)}


async def load_customers(connection: AsyncConnection, options: IngestOptions) -> Customers:
    accounts = table("account")
    result = await connection.execute(select(accounts.c.account_id, accounts.c.app_id))
    apps = await connection.execute(select(table("app").c.app_id))
    return Customers(
        accounts={row[0]: row[1] for row in result},
        apps=set(apps.scalars()),
        app=options.app or DEFAULT_APP,
    )


class Occurrences:
    """Numbers the lines that share a key in file order: 1, 2, 3..."""

    def __init__(self) -> None:
        self._counts: dict[Hashable, int] = {}

    def next(self, key: Hashable) -> int:
        number = self._counts.get(key, 0) + 1
        self._counts[key] = number
        return number


class Resegment:
    """The follow-up of a sales or ledger load: recompute the segments of its apps."""

    def __init__(self, apps: Iterable[str], options: SegmentOptions) -> None:
        self.apps = sorted(apps)
        self.options = options

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        results = await segment_apps(
            connection, apps=self.apps, options=self.options, progress=progress
        )
        return [result.summary() for result in results]

"""What the sales and ledger kinds share: customers that become accounts, dates and amounts
read the way the whole file writes them, summary rows, and the recomputation of segments.

A file is scanned once before it is checked (`observe`), so that the order of day and month
and the decimal mark are decided from all of its dates and amounts, not from the first rows.

An export's customers belong to the export's app (`--app`, else `default`); which account a
line's party is, is `store.ingest.kinds.parties`'s to say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.export_amounts import (
    Amount,
    BadAmount,
    DecimalMark,
    DecimalMarkEvidence,
    Side,
    parse_amount,
)
from analytics.export_columns import COLUMN_NAMES, normalize
from analytics.export_date_order import AmbiguousDates, DecidedOrder, decide_date_order
from analytics.export_dates import BadDate, DateOrder, DateOrderEvidence, parse_export_date
from settings import SegmentOptions
from store.ingest.date_setting import AppDates
from store.ingest.errors import FileRejected
from store.ingest.progress import IngestProgress
from store.ingest.reading import BELOW_RULE, Row
from store.jobs.segment import segment_apps

AMOUNT_ROLES = ("amount", "debit", "credit", "quantity", "cost", "profit")
DATE_ROLES = ("date", "due_date")
# Report lines that are not sales or entries: totals and balances carried over.
_SUMMARY_WORDS = frozenset(
    normalize(word)
    for word in (
        "total",
        "totals",
        "grand total",
        "net total",
        "sub total",
        "subtotal",
        # Tally's Ledger Vouchers and Cash/Bank Book: the period's debits and credits summed,
        # between the opening and the closing balance lines.
        "current total",
        "opening balance",
        "closing balance",
        "opening bal",
        "closing bal",
        "op bal",
        "cl bal",
        "brought forward",
        "carried forward",
        "balance brought forward",
        "balance carried forward",
        "brought over",
        "carried over",
        # German, French and Spanish.
        *("summe", "gesamtsumme", "endsumme", "zwischensumme", "gesamt", "anfangsbestand"),
        *("endbestand", "saldovortrag", "vortrag", "total général", "total general"),
        *("sous-total", "solde initial", "solde final", "report à nouveau", "suma"),
        *("suma total", "saldo inicial", "saldo final", "saldo anterior"),
    )
)
# Abbreviations compared with their slash, so that a customer coded `BF` stays a customer.
_SUMMARY_MARKS = frozenset(("b/f", "c/f", "b/d", "c/d"))
_NOT_MARK = re.compile(r"[^a-z/]+")
# PostgreSQL NUMERIC's range: up to 131072 digits before the point and 16383 after.
_MAX_INTEGER_DIGITS = 131072
_MAX_FRACTION_DIGITS = 16383


@runtime_checkable
class ScansFirst(Protocol):
    """A validator that reads the whole file once before checking it."""

    def observe(self, row: Row) -> None: ...

    def formats_known(self, columns: Mapping[str, str], ignored: Sequence[str] = ()) -> None:
        """The whole file was observed; `columns` are the columns taken (role -> name),
        `ignored` the file's other columns."""


@lru_cache(maxsize=65536)
def is_summary_text(text: str) -> bool:
    """Whether a cell says what a total or balance line of a report says (`Grand Total`,
    `Opening Balance`, `c/f`)."""
    if normalize(text) in _SUMMARY_WORDS:
        return True
    mark = _NOT_MARK.sub("", text.lower())
    return mark.removeprefix("balance") in _SUMMARY_MARKS


def is_summary_row(row: Row) -> bool:
    """A total or balance line of a report, not data: its customer (or name, or date cell)
    says `Grand Total`, `Opening Balance`, `c/f`..., with or without a date; or it has neither
    a customer nor a date and stands under a rule line or gives both a debit and a credit
    without a number or type (the figures of the columns' totals)."""
    customer = row.get("customer")
    if customer is not None and is_summary_text(customer):
        return True
    name = row.get("customer_name")
    if name is not None and is_summary_text(name):
        return True
    day = row.get("date")
    if day is not None:
        return not day[:1].isdigit() and is_summary_text(day)
    if customer is not None or name is not None:
        return False
    if BELOW_RULE in row:
        return True
    # Column totals without a rule line above them (a Day Book's Debit and Credit summed under
    # it): no date, party, number or type, and figures as both a debit and a credit, which no
    # entry has (a row of units, `Amount | Amount`, is column names: `is_label_row`).
    debit, credit = row.get("debit"), row.get("credit")
    return (
        _figure(debit)
        and _figure(credit)
        and all(row.get(role) is None for role in ("invoice", "kind", "voucher_type"))
    )


def _figure(text: str | None) -> bool:
    return text is not None and any(character.isdigit() for character in text)


def is_label_row(row: Row) -> bool:
    """A row of column names, not data: the row of units Tally writes under its header
    (`Amount` under `Debit` and `Credit`) when the header was not read as two rows, or the
    header repeated at a page break. Its date or amount cells, in the columns taken (guessed
    or named by --column), hold column names, and none of its cells holds anything else:
    no date, no amount, no digit."""
    labels = [row.get(role) for role in (*DATE_ROLES, *AMOUNT_ROLES)]
    if not any(labels):
        return False
    return all(
        normalize(text) in COLUMN_NAMES
        for key, text in row.items()
        if key != BELOW_RULE and text is not None
    )


class FileFormats:
    """The date order and decimal mark of one file, observed over all of its rows.

    `given` is the order of day and month the user gave (`--dates`, or the one kept for the
    app); `title` the report's title lines, whose period or report name may say the order
    when the dates do not (`analytics.export_date_order`)."""

    def __init__(
        self,
        *,
        given: DateOrder | None = None,
        given_by: str = "--dates",
        title: Sequence[Sequence[str]] = (),
        kept: bool = False,
    ) -> None:
        self._dates = DateOrderEvidence()
        # The lines' own dates alone (not their due dates), which a title's period bounds.
        self._own_dates = DateOrderEvidence()
        self._seen_dates: set[str] = set()
        self._seen_own_dates: set[str] = set()
        self._marks = DecimalMarkEvidence()
        self._given = given
        self._given_by = given_by
        # Whether `given` is the order kept for the app, not one given for this file.
        self._kept = kept
        self._title = title
        # Whether an amount is written in dollars (`$2,750.00`): with a QuickBooks report's
        # name, a US report, whose dates are MM/DD/YYYY.
        self._dollars = False
        self.order = DateOrder.DAY_FIRST
        self._decided = DecidedOrder(DateOrder.DAY_FIRST)
        self.mark = DecimalMark.POINT

    @classmethod
    def of_load(cls, dates: AppDates | None, title: Sequence[Sequence[str]]) -> FileFormats:
        """The formats of a sales or ledger load: the order of day and month it was given
        (`--dates`, or the one kept for its app), if any, and its report's title lines."""
        if dates is None:
            return cls(title=title)
        return cls(
            given=dates.order,
            given_by=dates.given_by,
            title=title,
            kept=dates.option is None and dates.order is not None,
        )

    def observe(self, row: Row) -> None:
        for role in DATE_ROLES:
            text = row.get(role)
            if text is not None and text not in self._seen_dates:
                self._seen_dates.add(text)
                self._dates.observe(text)
        own = row.get("date")
        if own is not None and own not in self._seen_own_dates:
            self._seen_own_dates.add(own)
            self._own_dates.observe(own)
        if not self._dollars:
            amount = row.get("amount")
            self._dollars = amount is not None and amount.lstrip("(-").startswith(("$", "US$"))
        if self._marks.settled:
            return
        for role in AMOUNT_ROLES:
            text = row.get(role)
            if text is not None:
                self._marks.observe(text)

    def decide(self, columns: Iterable[str] = ()) -> None:
        """Settles the formats once the file is observed (`columns`: the names of the columns
        taken). Raises `FileRejected` when its dates read both ways and nothing says which."""
        try:
            self._decided = decide_date_order(
                self._dates,
                given=self._given,
                title=self._title,
                dollars=self._dollars,
                columns=columns,
                kept=self._kept,
                dated=self._own_dates,
            )
        except AmbiguousDates as exc:
            raise FileRejected(str(exc)) from None
        self.order = self._decided.order
        self.mark = self._marks.mark
        self._seen_dates.clear()
        self._seen_own_dates.clear()

    @property
    def numeric_dates(self) -> bool:
        """Whether some date of the file is written in numbers alone (`04/01/2024`), which a
        reading of the other order would date otherwise."""
        return self._dates.numeric

    def notes(self) -> list[str]:
        notes = []
        if self._given is not None:
            notes.append(
                f"Dates read {self.order} ({self.order.pattern}), as {self._given_by} says"
            )
        elif self._decided.because is not None:
            otherwise = "" if self._decided.by_the_dates else " (--dates to say otherwise)"
            notes.append(
                f"Dates read {self.order} ({self.order.pattern}): {self._decided.because}"
                f"{otherwise}"
            )
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
            reason = f"{role.replace('_', ' ')} {exc}"
            if self._given is not None:
                # The order was given, not read off the file: say where from.
                reason += f" as {self._given_by} says"
            reasons.append(reason)
            return None

    def amount(self, row: Row, role: str, reasons: list[str]) -> Amount | None:
        text = row.get(role)
        if text is None:
            return None
        try:
            amount = parse_amount(text, self.mark)
        except BadAmount as exc:
            reasons.append(f"{role} {exc}")
            return None
        if len(text) > 32 and not _in_range(amount.value):
            reasons.append(f"{role} {text[:40]!r}... is out of range")
            return None
        return amount

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


def _in_range(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # parse_amount gives finite values
    return value.adjusted() < _MAX_INTEGER_DIGITS and exponent >= -_MAX_FRACTION_DIGITS


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

"""Which order of day and month a file's dates are in, when the dates alone cannot say.

`04/01/2024` is 4 January or 1 April. A file with a date only one reading makes valid
(`04/13/2024`) says its order; a file whose every such date reads both ways does not, and
choosing silently stores some sales months away from their day (and a later export of the
same invoices, read the other way, stores them twice). So the order comes, in this order of
trust, from:
1. the user: `--dates day-first|month-first`, or the order kept for the app;
2. the dates themselves (`analytics.export_dates.DateOrderEvidence`);
3. the title's period (`April 1-12, 2024`, `1-Apr-2024 to 30-Apr-2024`): the reading that
   puts every date inside the months it names, when only one does;
4. the convention of a known report: QuickBooks' US reports (a QuickBooks report name in
   the title, dollar amounts) write MM/DD/YYYY; Tally's, and the other Indian accounting
   software's (a column named `Particulars`, `Vch Type` or `Voucher No.`), DD/MM/YYYY;
and otherwise the file is refused with what to add, never read one way by default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.export_columns import normalize
from analytics.export_dates import MONTH_NUMBERS, DateOrder, DateOrderEvidence

# A month's name, then (in the same cell, after days or a day range) a four-digit year.
_NAMED_MONTH = re.compile(r"(?<![A-Za-z])([A-Za-z]{3,9})\.?(?![A-Za-z])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

# Report names only QuickBooks gives (`Sales by Customer Detail`), compared as `normalize`
# makes them.
_QUICKBOOKS_REPORTS = frozenset(
    normalize(name)
    for name in (
        "sales by customer detail",
        "sales by customer summary",
        "sales by product/service detail",
        "sales by product/service summary",
        "transaction list by customer",
        "transaction detail by account",
        "customer balance detail",
        "invoice list",
        "income by customer summary",
    )
)

# Column names of Tally's reports (and Busy's, Marg's: Indian accounting software, whose
# dates are day first), compared as `normalize` makes them.
_INDIAN_COLUMNS = frozenset(
    normalize(name)
    for name in (
        *("particulars", "vch type", "vch no", "vch no.", "voucher type", "voucher no"),
        *("voucher no.", "voucher number", "vch/bill no"),
    )
)


class AmbiguousDates(ValueError):
    """A file whose dates read both ways, with nothing to tell which."""


@dataclass(frozen=True, slots=True)
class DecidedOrder:
    order: DateOrder
    # Why, for the load's notes.
    because: str | None = None
    # Whether the dates themselves said it (then --dates cannot say otherwise without making
    # the dates that read only one way bad lines).
    by_the_dates: bool = False


def title_period(title: Sequence[Sequence[str]]) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and last months a title names with a year (`April 1-12,
    2024`, `1-Apr-2024 to 31-Mar-2025`, `April 2024`), if it names any."""
    months: list[dt.date] = []
    for cells in title:
        for cell in cells:
            for named in _NAMED_MONTH.finditer(cell):
                number = MONTH_NUMBERS.get(named[1].lower())
                year = _YEAR.search(cell, named.end())
                if number is not None and year is not None:
                    months.append(dt.date(int(year[1]), number, 1))
    if not months:
        return None
    return min(months), max(months)


def is_quickbooks_report(title: Sequence[Sequence[str]]) -> bool:
    return any(is_quickbooks_report_name(cell) for cells in title for cell in cells)


def is_quickbooks_report_name(text: str) -> bool:
    """Whether `text` is the name of a report only QuickBooks gives."""
    return normalize(text) in _QUICKBOOKS_REPORTS


def _within(days: list[dt.date], period: tuple[dt.date, dt.date]) -> bool:
    first, last = period
    return all(first <= day.replace(day=1) <= last for day in days)


def decide_date_order(
    evidence: DateOrderEvidence,
    *,
    given: DateOrder | None,
    title: Sequence[Sequence[str]] = (),
    dollars: bool = False,
    columns: Iterable[str] = (),
    kept: bool = False,
    dated: DateOrderEvidence | None = None,
) -> DecidedOrder:
    """The order to read a file's dates in (see the module's doc). Raises `AmbiguousDates`
    when nothing says which of two readings is meant, or when the order kept for the app
    (`kept`: given by an earlier load, not for this file) would date the file's lines outside
    the period its own title names while the other order fits it: a QuickBooks report of
    `January - March, 2025` loaded into an app kept day first would store 01/05/2025 as 1 May.
    An order given for this file is the user's word and stands.

    `dated`: the evidence of the lines' own dates alone, which the title's period bounds (an
    invoice of June is due in July, after an `April - June` report's months: its due date
    says nothing of the period); `evidence`, of every date column, when None or when no
    line's own date reads both ways."""
    within = dated if dated is not None and dated.ambiguous else evidence
    if given is not None:
        # (Dates that read only the other way are bad lines already, each named.)
        period = title_period(title) if kept and not evidence.decided else None
        if period is not None and not _within(within.readings(given), period):
            other = DateOrder.MONTH_FIRST if given is DateOrder.DAY_FIRST else DateOrder.DAY_FIRST
            if _within(within.readings(other), period):
                option = "month-first" if other is DateOrder.MONTH_FIRST else "day-first"
                raise AmbiguousDates(
                    f"the order of day and month kept for the app ({given}) reads dates of "
                    f"this file outside the months its title names, which {other} fits: give "
                    f"--dates {option} to read this file (and the app's next ones) so, or "
                    f"--dates guess to let each file decide"
                )
        return DecidedOrder(given)
    if evidence.decided:
        return DecidedOrder(evidence.order, evidence.because, by_the_dates=True)
    period = title_period(title)
    if period is not None:
        fitting = [
            order
            for order in (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST)
            if _within(within.readings(order), period)
        ]
        if len(fitting) == 1:
            return DecidedOrder(fitting[0], "the title's period says so")
    if dollars and is_quickbooks_report(title):
        return DecidedOrder(DateOrder.MONTH_FIRST, "QuickBooks' US reports write them so")
    if any(normalize(column) in _INDIAN_COLUMNS for column in columns):
        return DecidedOrder(DateOrder.DAY_FIRST, "Tally's reports (its column names) write them so")
    example = evidence.ambiguous_example
    raise AmbiguousDates(
        f"dates such as {example!r} read either day first or month first, and nothing in "
        f"the file says which: give the order with --dates day-first (DD/MM/YYYY) or "
        f"--dates month-first (MM/DD/YYYY)"
    )

"""The period a report's title gives (`1-Apr-2024 to 31-Mar-2025`, `01/04/2024 - 31/03/2025`):
a party ledger's opening balance is its balance on the period's first day, and the period's
last day is the day up to which the export states the books of the accounts in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from analytics.export_date_order import title_period
from analytics.export_dates import BadDate, parse_export_date
from analytics.months import last_of_month

# Two dates joined by `to`, a dash between spaces, or `till`/`until`.
_PERIOD = re.compile(
    r"^\s*(?:period\s*:?\s*|from\s+)?(.+?)\s+(?:to|till|until|-|\u2013)\s+(.+?)\s*$", re.I
)


def report_period(title: Sequence[Sequence[str]]) -> tuple[dt.date, dt.date] | None:
    """The first and last days of the first period a title cell writes, if one does."""
    for cells in title:
        for cell in cells:
            match = _PERIOD.match(cell)
            if match is None:
                continue
            try:
                start = parse_export_date(match[1])
                end = parse_export_date(match[2])
            except BadDate:
                continue
            if start <= end:
                return start, end
    return None


def period_start(title: Sequence[Sequence[str]]) -> dt.date | None:
    """The first day of the first period a title cell writes, if one does."""
    period = report_period(title)
    return None if period is None else period[0]


def period_end(title: Sequence[Sequence[str]]) -> dt.date | None:
    """The last day of the first period a title cell writes, if one does: the day up to which
    the export states its books (a credit risk for an account key is measured on it)."""
    period = report_period(title)
    return None if period is None else period[1]


def stated_period(title: Sequence[Sequence[str]]) -> tuple[dt.date, dt.date] | None:
    """The first and last days of the period a title states: its two dates (`1-Apr-25 to
    30-Sep-25`), else the months it names with their year (QuickBooks' `January - March,
    2025`), whole. A file speaks for that period only (store.ingest.kinds.invoice_moves)."""
    period = report_period(title)
    if period is not None:
        return period
    months = title_period(title)
    return None if months is None else (months[0], last_of_month(months[1]))

"""Calendar months: every metric value describes one month, keyed by its first day."""

from __future__ import annotations

import calendar
import datetime as dt


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_full_month(today: dt.date) -> dt.date:
    """The last complete calendar month before today: on 2023-05-01 and 2023-05-31, 2023-04-01."""
    return (first_of_month(today) - dt.timedelta(days=1)).replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + count
    return dt.date(index // 12, index % 12 + 1, 1)


def days_in_month(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=days_in_month(day))

"""Months as integers (year * 12 + month - 1): the demo's lifecycles are month arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.months import last_full_month

WINDOW_MONTHS = 24


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> dt.date:
    """The last day of the month."""
    return month_start(index + 1) - dt.timedelta(days=1)


def calendar_month(index: int) -> int:
    """1 for January ... 12 for December."""
    return index % 12 + 1


@dataclass(frozen=True, slots=True)
class MonthWindow:
    """The months that carry values: WINDOW_MONTHS of them, ending at the last full month."""

    first: int
    last: int
    dates: tuple[dt.date, ...]

    @classmethod
    def before(cls, today: dt.date) -> MonthWindow:
        last = month_index(last_full_month(today))
        first = last - WINDOW_MONTHS + 1
        return cls(first, last, tuple(month_start(index) for index in range(first, last + 1)))

    @property
    def current(self) -> int:
        """Today's month, the first one not yet complete."""
        return self.last + 1

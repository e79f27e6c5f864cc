"""Calendar quarters, labelled 'YYYY-Qn' ('1997-Q1' is January to March 1997)."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

_LABEL = re.compile(r"(\d{4})-Q([1-4])")


class BadQuarter(ValueError):
    """A quarter label that is not 'YYYY-Qn'."""


class Quarter(NamedTuple):
    year: int
    # 1 to 4.
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Quarter:
        return cls(ordinal // 4, ordinal % 4 + 1)

    @classmethod
    def parse(cls, label: str) -> Quarter:
        match = _LABEL.fullmatch(label.strip())
        if match is None or int(match[1]) == 0:
            raise BadQuarter(
                f"{label!r} is not a calendar quarter: write it as YYYY-Qn, e.g. 2024-Q1"
            )
        return cls(int(match[1]), int(match[2]))

    @property
    def ordinal(self) -> int:
        """Quarters counted from year 0: consecutive quarters have consecutive indexes."""
        return self.year * 4 + self.number - 1

    @property
    def label(self) -> str:
        return f"{self.year:04d}-Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def previous(self) -> Quarter:
        return Quarter.from_ordinal(self.ordinal - 1)


# The first quarter a label names: `parse` refuses year 0, so 0001-Q1 has no quarter before it.
FIRST_QUARTER = Quarter(1, 1)


def quarter_label(day: dt.date) -> str:
    return Quarter.of(day).label


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month
    (three months before 2024-05-31 is 2024-02-29)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))

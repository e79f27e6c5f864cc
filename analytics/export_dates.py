"""Dates as accounting exports write them.

Accepted: ISO (`2024-03-31`, also with `/` or `.`, a time of day after it is ignored),
`31/03/2024`, `31-03-2024`, `31.03.24`, `31-Mar-2024`, `31 March 24`, `Mar 31, 2024`,
`20240331` and Excel serial day numbers (`45382`, as xlsx cells without a date format hold
them). Two-digit years follow the POSIX rule: 69-99 are 1969-1999, 00-68 are 2000-2068.
A month (`parse_export_month`, the month of a metric value) may also be written without its
day: `2024-03`, `03/2024`, `Mar-2024`, `March 24`.

`31/03/2024` and `03/31/2024` cannot both be read the same way, so the order of day and month
is decided once per file (`infer_date_order`): month first only when some date of the file can
only be read that way and none only day first; otherwise day first, the usual order outside
the United States.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache

# A time of day after the date, ignored: 10:30, 10.30.15, 10:30 PM, 10:30:00Z, 10:30+05:30.
_TIME = (
    r"(?:[ T]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_NAMED_DAY_FIRST = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[-/ .]*([A-Za-z]{3,9})\.?[-/ .,]*(\d{4}|\d{2})" + _TIME
)
_NAMED_MONTH_FIRST = re.compile(
    r"([A-Za-z]{3,9})\.?[-/ .]*(\d{1,2})(?:st|nd|rd|th)?,?[-/ .]*(\d{4}|\d{2})" + _TIME
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5,7})(?:\.\d+)?")

# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was: from day 61
# on, serials are days since 1899-12-30.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Smaller serials (before 1927-05-18) look like years or amounts more than like dates.
MIN_EXCEL_SERIAL = 10_000
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# English month names and their first three letters (and `sept`), as exports write them.
MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS, start=1)} | {
    name[:3]: number for number, name in enumerate(_MONTHS, start=1)
}
MONTH_NUMBERS["sept"] = 9

EXAMPLES = "2024-03-31, 31/03/2024, 31-Mar-24, 20240331 or an Excel date number"


class BadDate(ValueError):
    """A text that is not a date in any accepted format."""


class DateOrder(StrEnum):
    DAY_FIRST = "day first"
    MONTH_FIRST = "month first"

    @property
    def pattern(self) -> str:
        return "DD/MM/YYYY" if self is DateOrder.DAY_FIRST else "MM/DD/YYYY"


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return year + (1900 if year >= 69 else 2000)
    return year


# Dates kept to weigh the two readings of a file whose dates read both ways (against the
# period its title names): a sample is enough, and a file's distinct dates are few anyway.
_AMBIGUOUS_KEPT = 4096


class DateOrderEvidence:
    """What the dates of one file seen so far say about their order."""

    def __init__(self) -> None:
        self.only_day_first = False
        self.only_month_first = False
        # Whether any date was written with numbers only around `/`, `-` or `.`.
        self.numeric = False
        # Dates that read as two different days (04/01/2024), as (first, second, year).
        self.ambiguous: set[tuple[int, int, int]] = set()
        self.ambiguous_example: str | None = None
        # The first date of each order that reads only that way (`13/04/2024`), to say why.
        self.day_first_example: str | None = None
        self.month_first_example: str | None = None

    def observe(self, text: str) -> None:
        value = text.strip()
        match = _NUMERIC.fullmatch(value)
        if match is None:
            return
        first, second = int(match[1]), int(match[3])
        self.numeric = True
        if first > 12 >= second:
            self.only_day_first = True
            self.day_first_example = self.day_first_example or value
        if second > 12 >= first:
            self.only_month_first = True
            self.month_first_example = self.month_first_example or value
        if first != second and 1 <= first <= 12 and 1 <= second <= 12:
            if self.ambiguous_example is None:
                self.ambiguous_example = value
            year = _full_year(match[4])
            # A year no date has (0000) is a bad line of its own, not a reading to weigh.
            if len(self.ambiguous) < _AMBIGUOUS_KEPT and dt.MINYEAR <= year <= dt.MAXYEAR:
                self.ambiguous.add((first, second, year))

    @property
    def decided(self) -> bool:
        """Whether the dates themselves say their order: some date reads only one way, or
        none reads as two different days."""
        return self.only_day_first or self.only_month_first or self.ambiguous_example is None

    @property
    def because(self) -> str | None:
        """Why the dates themselves say their order, for the load's notes (None when no date
        was written in numbers only, or when they do not say)."""
        if not self.numeric or not self.decided:
            return None
        if self.order is DateOrder.MONTH_FIRST:
            return f"{self.month_first_example!r} reads only month first"
        if self.day_first_example is not None:
            return f"{self.day_first_example!r} reads only day first"
        return "no date in it reads as two different days"

    def readings(self, order: DateOrder) -> list[dt.date]:
        """The ambiguous dates seen, read in `order`."""
        if order is DateOrder.DAY_FIRST:
            return [dt.date(year, second, first) for first, second, year in self.ambiguous]
        return [dt.date(year, first, second) for first, second, year in self.ambiguous]

    @property
    def order(self) -> DateOrder:
        """Month first only if some date can only be read month first and none only day
        first."""
        if self.only_month_first and not self.only_day_first:
            return DateOrder.MONTH_FIRST
        return DateOrder.DAY_FIRST


def infer_date_order(texts: Iterable[str]) -> DateOrder:
    evidence = DateOrderEvidence()
    for text in texts:
        evidence.observe(text)
    return evidence.order


def _date(year: int, month: int, day: int, text: str, how: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadDate(f"{text!r} is not a valid date{how}") from None


def _month_number(name: str, text: str) -> int:
    number = MONTH_NUMBERS.get(name.lower())
    if number is None:
        raise BadDate(f"{text!r} is not a date: {name!r} is not an English month name")
    return number


def excel_serial_date(serial: int) -> dt.date:
    """The date of an Excel serial day number (1900 date system)."""
    if not MIN_EXCEL_SERIAL <= serial <= MAX_EXCEL_SERIAL:
        raise BadDate(
            f"{serial} is not an Excel date number between {MIN_EXCEL_SERIAL} and "
            f"{MAX_EXCEL_SERIAL}"
        )
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


@lru_cache(maxsize=65536)
def parse_export_date(text: str, order: DateOrder = DateOrder.DAY_FIRST) -> dt.date:
    """The date `text` writes, reading `dd/mm` against `mm/dd` in the given order."""
    value = text.strip()
    if match := _YEAR_FIRST.fullmatch(value):
        return _date(int(match[1]), int(match[3]), int(match[4]), text, " (read as YYYY-MM-DD)")
    if match := _NUMERIC.fullmatch(value):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        if order is DateOrder.DAY_FIRST:
            return _date(year, second, first, text, f" (dates of this file are {order.pattern})")
        return _date(year, first, second, text, f" (dates of this file are {order.pattern})")
    if match := _COMPACT.fullmatch(value):
        return _date(int(match[1]), int(match[2]), int(match[3]), text, " (read as YYYYMMDD)")
    if match := _NAMED_DAY_FIRST.fullmatch(value):
        month = _month_number(match[2], text)
        return _date(_full_year(match[3]), month, int(match[1]), text, "")
    if match := _NAMED_MONTH_FIRST.fullmatch(value):
        month = _month_number(match[1], text)
        return _date(_full_year(match[3]), month, int(match[2]), text, "")
    if match := _SERIAL.fullmatch(value):
        try:
            return excel_serial_date(int(match[1]))
        except BadDate as exc:
            raise BadDate(f"{text!r} is not a date: {exc}") from None
    raise BadDate(f"{text!r} is not a date: write it like {EXAMPLES}")


# Months without a day: 2024-03, 2024/3, 03/2024, 3-2024, Mar-2024, March 2024, Mar-24, Mar'24.
_MONTH_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MONTH_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{4})")
_MONTH_NAMED = re.compile(r"([A-Za-z]{3,9})\.?[-/ .,']*(\d{4}|\d{2})")

MONTH_EXAMPLES = "2024-03, Mar-2024, March 2024, 03/2024 or a date such as 2024-03-31"


# A month is stored up to the first day of the next one (PostgreSQL keeps each month's values in
# a partition bounded so), which Python's dates cannot write after December 9998.
LAST_MONTH_YEAR = 9998


def _month(year: int, month: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise BadDate(f"{text!r} is not a valid month: {month} is not a month number")
    return _within_years(dt.date(year, month, 1) if 1 <= year <= 9999 else None, text)


def _within_years(month: dt.date | None, text: str) -> dt.date:
    if month is None or month.year > LAST_MONTH_YEAR:
        raise BadDate(f"{text!r} is not a month between year 1 and {LAST_MONTH_YEAR}")
    return month


@lru_cache(maxsize=65536)
def parse_export_month(text: str, order: DateOrder = DateOrder.DAY_FIRST) -> dt.date:
    """The first day of the month `text` writes: a month alone (`2024-03`, `03/2024`,
    `Mar-2024`, `March 24`) or any date `parse_export_date` reads, in the given order."""
    value = text.strip()
    if match := _MONTH_YEAR_FIRST.fullmatch(value):
        return _month(int(match[1]), int(match[2]), text)
    if match := _MONTH_NUMERIC.fullmatch(value):
        return _month(int(match[2]), int(match[1]), text)
    if (match := _MONTH_NAMED.fullmatch(value)) and match[1].lower() in MONTH_NUMBERS:
        return _month(_full_year(match[2]), MONTH_NUMBERS[match[1].lower()], text)
    try:
        return _within_years(parse_export_date(text, order).replace(day=1), text)
    except BadDate as exc:
        if "is not a date:" in str(exc):
            raise BadDate(f"{text!r} is not a month: write it like {MONTH_EXAMPLES}") from None
        raise


def reads_both_ways(text: str) -> bool:
    """Whether a date cell reads as two different days (`04/01/2024`: 4 January or 1 April),
    so that a load may have taken it the wrong way round; a date with the month's name, with
    the year first, or with a day past 12 reads one way only."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return False
    first, second = int(match[1]), int(match[3])
    return first != second and 1 <= first <= 12 and 1 <= second <= 12

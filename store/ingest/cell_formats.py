"""How one file of entities or metrics writes its dates and numbers, decided from all of them
by the sales loader's rule (`analytics.export_dates`, `analytics.export_amounts`): day first
unless some date can only be read month first and none only day first; a decimal point
unless some number needs a decimal comma (`12,5`, `1.234,50`) and none a point.

Small files (accounts, companies, contracts) are scanned once before they are checked, as
sales exports are (`observe`, then `decide`). A metrics file is too large to read twice for
the rare file that needs it: it is read assuming day first and a decimal point while the
evidence is gathered (`FormatsEvidence`), and read again only when the evidence decides
otherwise (`store.ingest.entry`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from analytics.export_amounts import DecimalMark, DecimalMarkEvidence
from analytics.export_dates import DateOrder, DateOrderEvidence
from store.ingest.reading import Row
from store.ingest.values import parse_count, parse_date, parse_decimal, parse_month


@dataclass(frozen=True, slots=True)
class Formats:
    order: DateOrder = DateOrder.DAY_FIRST
    mark: DecimalMark = DecimalMark.POINT

    def date(self, text: str, column: str) -> dt.date:
        return parse_date(text, column=column, order=self.order)

    def month(self, text: str, column: str) -> dt.date:
        return parse_month(text, column=column, order=self.order)

    def number(self, text: str, column: str) -> Decimal:
        return parse_decimal(text, column=column, mark=self.mark)

    def count(self, text: str, column: str) -> int:
        return parse_count(text, column=column, mark=self.mark)


class FormatsEvidence:
    """What the dates and numbers seen so far say about the file's formats."""

    def __init__(self) -> None:
        self._dates = DateOrderEvidence()
        self._marks = DecimalMarkEvidence()

    def date(self, text: str) -> None:
        self._dates.observe(text)

    def number(self, text: str) -> None:
        self._marks.observe(text)

    @property
    def numbers_settled(self) -> bool:
        """Whether no further number can change the decimal mark."""
        return self._marks.settled

    @property
    def numeric_dates(self) -> bool:
        return self._dates.numeric

    def decided(self) -> Formats:
        return Formats(self._dates.order, self._marks.mark)


def format_notes(formats: Formats, *, numeric_dates: bool) -> list[str]:
    """What the load says about how it read the file, as a sales load says it."""
    notes = []
    if numeric_dates:
        notes.append(f"Dates read {formats.order} ({formats.order.pattern})")
    if formats.mark is DecimalMark.COMMA:
        notes.append("Numbers read with a decimal comma (1.234,50)")
    return notes


class ScannedFormats:
    """The formats of a small file, from a scan of its date and number columns before it is
    checked (the `ScansFirst` protocol of `store.ingest.kinds.exports`)."""

    def __init__(self, *, dates: Sequence[str] = (), numbers: Sequence[str] = ()) -> None:
        self._date_columns = tuple(dates)
        self._number_columns = tuple(numbers)
        self._evidence = FormatsEvidence()
        self.formats = Formats()

    def observe(self, row: Row) -> None:
        for column in self._date_columns:
            if (text := row.get(column)) is not None:
                self._evidence.date(text)
        if self._evidence.numbers_settled:
            return
        for column in self._number_columns:
            if (text := row.get(column)) is not None:
                self._evidence.number(text)

    def formats_known(self) -> None:
        self.formats = self._evidence.decided()

    def notes(self) -> list[str]:
        return format_notes(self.formats, numeric_dates=self._evidence.numeric_dates)


@runtime_checkable
class ReadsAgain(Protocol):
    """A validator that reads a file once with assumed formats, and says when the file must be
    read again with the formats its dates and numbers decided."""

    def assume(self, formats: Formats) -> None: ...

    def reread_formats(self) -> Formats | None: ...

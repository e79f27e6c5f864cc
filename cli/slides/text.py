"""The deck's words and numbers, from the API's answers.

Numbers go through the one formatting module (`analytics.formatting`) in the deck's locale;
months and dates through Babel's CLDR patterns. Every text that comes from data (a name, a
formatted value, an insight, a quarter) goes through `safe`: chart categories and series
names land in the chart's embedded workbook, where text starting with `=` would be a formula.
The deck's own words are English; only numbers and dates follow the locale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from babel.dates import format_date

from analytics.formatting import format_statistic, format_value
from analytics.spreadsheet_text import spreadsheet_safe
from cli.slides.model import MetricHistory

NO_VALUE = "—"
NOT_ENOUGH_PEERS = "not enough peers to compare"
TOO_IMPRECISE = "too imprecise"

SEGMENT_WORDS = {
    "HIGH_VALUE": "High value",
    "AVERAGE": "Average",
    "BELOW_AVERAGE": "Below average",
    "LOW_VALUE": "Low value",
}
CREDIT_WORDS = {"LOW_RISK": "Low risk", "MEDIUM_RISK": "Medium risk", "HIGH_RISK": "High risk"}
FIGURE_KIND_WORDS = {"EXACT": "exact", "DIFFERENTIALLY_PRIVATE": "differentially private"}


def safe(text: str) -> str:
    """Text from data, safe in a cell of a spreadsheet (a chart's workbook, a table)."""
    return spreadsheet_safe(text)


def metric_label(name: str) -> str:
    """`minutes_saved` -> `Minutes saved` (the insight sentences say `minutes saved`)."""
    words = name.replace("_", " ").strip()
    return safe(words[:1].upper() + words[1:])


def month_title(month: dt.date, locale: str) -> str:
    """`April 2023`, `avril 2023`: the locale's stand-alone month name and year."""
    return str(format_date(month, "LLLL y", locale=locale))


def sentence_start(words: str) -> str:
    """`mai 2024` -> `Mai 2024` at the start of a line."""
    return words[:1].upper() + words[1:]


def month_short(month: dt.date, locale: str) -> str:
    """`Apr 23`: a chart's category."""
    return str(format_date(month, "LLL yy", locale=locale))


def day(date: dt.date, locale: str) -> str:
    return str(format_date(date, "medium", locale=locale))


def number(
    value: Decimal | float | int, unit: str, locale: str, *, places: int | None = None
) -> str:
    """`value` in `unit`, formatted for `locale` (and first rounded to `places`, if given)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return safe(format_value(exact, unit, locale))


def statistic(value: Decimal | float | int, unit: str, locale: str) -> str:
    """A sector's figure (a median, a percentile) in `unit`: a count's keeps at most one
    fraction digit (analytics.formatting.format_statistic)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return safe(format_statistic(exact, unit, locale))


class Tone(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    FLAT = "flat"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Change:
    text: str
    tone: Tone


def change_percent(history: MetricHistory) -> Decimal | None:
    """The change against the same month a year earlier, in percent of the earlier value;
    None without an earlier value or when it was zero."""
    if history.year_earlier is None or history.year_earlier.value == 0:
        return None
    earlier = history.year_earlier.value
    return (history.current.value - earlier) / abs(earlier) * 100


def change(history: MetricHistory, locale: str) -> Change:
    """`▲ up 12.3% · better`, `▼ down 4.1% · better` (a lower-is-better metric), `► flat`."""
    if history.year_earlier is None:
        return Change("no value a year earlier", Tone.UNKNOWN)
    percent = change_percent(history)
    if percent is None:
        return Change("was zero a year earlier", Tone.UNKNOWN)
    rounded = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    if rounded == 0:
        return Change("► flat", Tone.FLAT)
    size = format_value(abs(rounded), "percent", locale)
    rising = rounded > 0
    better = rising == history.definition.higher_is_better
    tone = Tone.BETTER if better else Tone.WORSE
    arrow, word = ("▲", "up") if rising else ("▼", "down")
    return Change(f"{arrow} {word} {size} · {tone.value}", tone)


def segment(name: str) -> str:
    return SEGMENT_WORDS.get(name) or safe(name)


def credit_segment(name: str) -> str:
    return CREDIT_WORDS.get(name) or safe(name)

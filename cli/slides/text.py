"""The deck's words and numbers, from the API's answers, in the deck's locale.

The deck's own words are looked up in its language's catalogue (`words`: English where none
is shipped); every number and date, in a table or inside a sentence, is formatted for the locale
by the one formatting module (`analytics.formatting`). Text from the data (a name, a sector, an
app) is shown as given: a slide is not a spreadsheet (only a chart's workbook is, and
`drawing.add_chart` guards what goes into it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from analytics.formatting import (
    format_day,
    format_month,
    format_statistic,
    format_value,
)
from analytics.insights import insight, unplaced
from analytics.translatable import N_
from analytics.units import COUNT, PERCENT
from cli.slides.model import Comparison, MetricHistory
from cli.slides.words import Words, words_for

NO_VALUE = "—"

SEGMENT_WORDS = {
    "HIGH_VALUE": N_("High value"),
    "AVERAGE": N_("Average"),
    "BELOW_AVERAGE": N_("Below average"),
    "LOW_VALUE": N_("Low value"),
    # What the API gives an account key for a quarter with too few of the app's customers.
    "NOT_COMPARED": N_("Too few customers this quarter to compare"),
}
CREDIT_WORDS = {
    "LOW_RISK": N_("Low risk"),
    "MEDIUM_RISK": N_("Medium risk"),
    "HIGH_RISK": N_("High risk"),
}


def _exact(value: Decimal | float | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Business abbreviations that metric names commonly use: on a slide, "Dso" or "Csat" reads
# as a typo, so these words are shown in capitals wherever they stand in a name.
ABBREVIATIONS = frozenset(
    {
        "aov", "arpu", "arr", "cac", "clv", "csat", "dau", "dpo", "dso", "ebitda", "gmv", "gst",
        "kpi", "ltv", "mau", "mrr", "nps", "qoq", "roi", "sku", "sla", "vat", "yoy",
    }
)  # fmt: skip


def metric_label(name: str) -> str:
    """`minutes_saved` -> `Minutes saved`, `dso` -> `DSO` (the insight sentences say `minutes
    saved`): a metric's name is data, shown as defined but for the case of its first letter
    and of the abbreviations above."""
    words = [
        word.upper() if word.lower() in ABBREVIATIONS else word
        for word in name.replace("_", " ").split()
    ]
    return sentence_start(" ".join(words))


def sentence_start(words: str) -> str:
    """`mai 2024` -> `Mai 2024` at the start of a line."""
    return words[:1].upper() + words[1:]


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


class DeckText:
    """The deck's words (`gettext`, `ngettext`) and its numbers and dates, in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.words: Words = words_for(locale)

    def gettext(self, message: str) -> str:
        return self.words.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.words.ngettext(singular, plural, count)

    # -- numbers and dates -------------------------------------------------------------------

    def count(self, value: int | Decimal) -> str:
        """A plain number: `1,234`, `1 234`, `1.234`."""
        return format_value(_exact(value), COUNT, self.locale)

    def percent(self, value: int | Decimal) -> str:
        """A percentage already in percent (95 -> `95%`, `95 %`)."""
        return format_value(_exact(value), PERCENT, self.locale)

    def number(self, value: Decimal | float | int, unit: str, *, places: int | None = None) -> str:
        """`value` in `unit` (first rounded to `places`, if given)."""
        exact = _exact(value)
        if places is not None:
            exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        return format_value(exact, unit, self.locale)

    def statistic(self, value: Decimal | float | int, unit: str) -> str:
        """A sector's figure (a median, a percentile) in `unit`: a count's keeps at most one
        fraction digit (analytics.formatting.format_statistic)."""
        return format_statistic(_exact(value), unit, self.locale)

    def day(self, date: dt.date) -> str:
        return format_day(date, self.locale)

    def month(self, month: dt.date) -> str:
        """`April 2023`, `avril 2023`: the locale's stand-alone month name and year."""
        return format_month(month, self.locale)

    def month_short(self, month: dt.date) -> str:
        """`Apr 23`: a chart's category."""
        return format_month(month, self.locale, short=True)

    # -- words -------------------------------------------------------------------------------

    def not_enough_peers(self) -> str:
        return self.gettext("not enough peers to compare")

    def too_imprecise(self) -> str:
        return self.gettext("too imprecise")

    def page_title(self, title: str, page: int, pages: int) -> str:
        """`Sector position (1/2)` when a slide's content takes more than one page."""
        if pages == 1:
            return title
        return self.gettext("{title} ({page}/{pages})").format(
            title=title, page=self.count(page), pages=self.count(pages)
        )

    def change(self, history: MetricHistory) -> Change:
        """`▲ up 12.3% · better`, `▼ down 4.1% · better` (a lower-is-better metric), `► flat`."""
        if history.year_earlier is None:
            return Change(self.gettext("no value a year earlier"), Tone.UNKNOWN)
        percent = change_percent(history)
        if percent is None:
            return Change(self.gettext("was zero a year earlier"), Tone.UNKNOWN)
        rounded = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
        if rounded == 0:
            return Change(self.gettext("► flat"), Tone.FLAT)
        size = self.percent(abs(rounded))
        rising = rounded > 0
        better = rising == history.definition.higher_is_better
        # Whole messages, each translated as a phrase.
        if rising and better:
            words = self.gettext("▲ up {size} · better")
        elif rising:
            words = self.gettext("▲ up {size} · worse")
        elif better:
            words = self.gettext("▼ down {size} · better")
        else:
            words = self.gettext("▼ down {size} · worse")
        return Change(words.format(size=size), Tone.BETTER if better else Tone.WORSE)

    def segment(self, name: str) -> str:
        found = SEGMENT_WORDS.get(name)
        return name if found is None else self.gettext(found)

    def credit_segment(self, name: str) -> str:
        found = CREDIT_WORDS.get(name)
        return name if found is None else self.gettext(found)

    def insight(self, comparison: Comparison, sector: str) -> str | None:
        """The comparison's insight sentence in the deck's language, built from the API's
        figures by the rule the API's own (English) `insight` is built with; None when the API
        gave no percentile."""
        percentile, value = comparison.customer_percentile, comparison.customer_value
        if percentile is None or value is None:
            return None
        definition = comparison.definition
        shown = self.number(value, definition.unit)
        if not comparison.informative:
            return unplaced(
                metric=definition.name, formatted_value=shown, sector=sector, gettext=self.gettext
            )
        return insight(
            metric=definition.name,
            formatted_value=shown,
            sector=sector,
            percentile=percentile,
            higher_is_better=definition.higher_is_better,
            locale=self.locale,
            gettext=self.gettext,
        )

"""The insight sentence of a customer-versus-sector comparison: five bands, always phrased so
that "top" means better, whichever way the metric points.

The sentences are written in English and looked up through a gettext (`analytics.translatable`):
the API says them in English, the ROI deck in its locale's language where it ships one. Their
numbers (the value, the percentile, the band's 10%) are formatted for the locale they are given."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from analytics.formatting import format_value
from analytics.translatable import N_, Translate, as_written
from analytics.units import PERCENT


class Band(Enum):
    TOP_10 = "in the top 10%"
    TOP_QUARTILE = "in the top quartile"
    ABOVE_MEDIAN = "above the median"
    BOTTOM_HALF = "in the bottom half"
    BOTTOM_QUARTILE = "in the bottom quartile"


# Each band's words, their number ({percent}) formatted apart.
_BAND_WORDS = {
    Band.TOP_10: N_("in the top {percent}"),
    Band.TOP_QUARTILE: N_("in the top quartile"),
    Band.ABOVE_MEDIAN: N_("above the median"),
    Band.BOTTOM_HALF: N_("in the bottom half"),
    Band.BOTTOM_QUARTILE: N_("in the bottom quartile"),
}
_TOP_SHARE = 10


def band(percentile: int) -> Band:
    """The band of a percentile rank that is already measured in the "better" direction.

    The bands of the benchmarks engine: at 90 and up the top 10%, at 75 the top quartile, at
    50 above the median, at 25 the bottom half, below 25 the bottom quartile (a customer
    exactly at the median is "above the median", as the engine says)."""
    if percentile >= 90:
        return Band.TOP_10
    if percentile >= 75:
        return Band.TOP_QUARTILE
    if percentile >= 50:
        return Band.ABOVE_MEDIAN
    if percentile >= 25:
        return Band.BOTTOM_HALF
    return Band.BOTTOM_QUARTILE


def _percent(value: int, locale: str) -> str:
    return format_value(Decimal(value), PERCENT, locale)


def band_words(found: Band, *, locale: str = "en", gettext: Translate = as_written) -> str:
    """'in the top 10%', 'dans les 10 % les meilleurs'."""
    return gettext(_BAND_WORDS[found]).format(percent=_percent(_TOP_SHARE, locale))


def insight(
    *,
    metric: str,
    formatted_value: str,
    sector: str,
    percentile: int,
    higher_is_better: bool,
    locale: str = "en",
    gettext: Translate = as_written,
) -> str:
    """E.g. "Your reply rate of 42.5% is in the top quartile of Retail: as high as or higher
    than 80% of its accounts." For lower-is-better metrics it says "as low as or lower than".
    `formatted_value` is already in `locale`."""
    if higher_is_better:
        sentence = gettext(
            "Your {metric} of {value} is {band} of {sector}: as high as or higher than "
            "{percent} of its accounts."
        )
    else:
        sentence = gettext(
            "Your {metric} of {value} is {band} of {sector}: as low as or lower than "
            "{percent} of its accounts."
        )
    return sentence.format(
        metric=metric.replace("_", " "),
        value=formatted_value,
        band=band_words(band(percentile), locale=locale, gettext=gettext),
        sector=sector,
        percent=_percent(percentile, locale),
    )


def unplaced(
    *,
    metric: str,
    formatted_value: str,
    sector: str,
    gettext: Translate = as_written,
) -> str:
    """The sentence for a value whose sector figures are too imprecise to place it: no band,
    which the noise could have put anywhere."""
    return gettext(
        "Your {metric} of {value} cannot be placed in {sector} this month: the sector's "
        "private figures are too imprecise at the configured privacy budget."
    ).format(metric=metric.replace("_", " "), value=formatted_value, sector=sector)

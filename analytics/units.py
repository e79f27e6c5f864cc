"""Canonical metric units: what users write -> one name the formatter understands.

Canonical names are ``minutes``, ``hours``, ``days``, ``count``, ``percent``, ``ratio`` and
currencies as uppercase ISO 4217 codes (any code Babel knows as a currency). A metric keeps
its unit as it was defined (``euros`` stays ``euros``); the canonical name is what formatting
and comparisons of units use, and ``currency_code`` gives a currency's ISO code.
"""

from __future__ import annotations

from functools import cache, lru_cache

from babel.numbers import list_currencies

MINUTES = "minutes"
HOURS = "hours"
DAYS = "days"
COUNT = "count"
PERCENT = "percent"
RATIO = "ratio"

NON_CURRENCY_UNITS: frozenset[str] = frozenset({MINUTES, HOURS, DAYS, COUNT, PERCENT, RATIO})

# Keys are lower-case with inner whitespace collapsed to one space (see _normalize).
_ALIASES: dict[str, str] = {
    **dict.fromkeys(("minute", "minutes", "min", "mins"), MINUTES),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs"), HOURS),
    **dict.fromkeys(("day", "days", "d"), DAYS),
    **dict.fromkeys(("count", "counts", "number", "numbers", "#"), COUNT),
    **dict.fromkeys(("percent", "percentage", "%", "pct"), PERCENT),
    **dict.fromkeys(("ratio", "ratios", "fraction"), RATIO),
    **dict.fromkeys(("euro", "euros"), "EUR"),
    **dict.fromkeys(("dollar", "dollars", "us dollar", "us dollars", "us$"), "USD"),
    **dict.fromkeys(("riyal", "riyals", "saudi riyal", "saudi riyals"), "SAR"),
    **dict.fromkeys(
        ("pound", "pounds", "pound sterling", "pounds sterling", "sterling"),
        "GBP",
    ),
}

_ACCEPTED_HINT = (
    "minutes (min), hours (h), days, count, percent (%), ratio, "
    "or a currency ISO code or name (EUR/euros, USD/dollars, SAR/riyals, GBP/pounds, JPY, ...)"
)


class UnknownUnit(ValueError):
    """A unit that is neither a built-in unit nor a currency Babel knows."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        super().__init__(f"Unknown unit {unit!r}: use one of {_ACCEPTED_HINT}")


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def _normalize(unit: str) -> str:
    return " ".join(unit.split()).lower()


def canonical_unit(unit: str) -> str:
    """Return the canonical name of ``unit``, accepted case-insensitively and trimmed.

    Raises ``UnknownUnit`` for anything that is not a built-in unit, an alias of one, or a
    currency ISO code / name.
    """
    key = _normalize(unit)
    if key in NON_CURRENCY_UNITS:
        return key
    alias = _ALIASES.get(key)
    if alias is not None:
        return alias
    code = key.upper()
    if code in _currency_codes():
        return code
    raise UnknownUnit(unit)


@lru_cache(maxsize=1024)
def currency_code(unit: str) -> str | None:
    """The ISO 4217 code of a currency unit (``euros`` -> ``EUR``); None for any other unit,
    an unknown one included."""
    try:
        canonical = canonical_unit(unit)
    except UnknownUnit:
        return None
    return None if canonical in NON_CURRENCY_UNITS else canonical


def same_unit(first: str, second: str) -> bool:
    """Whether two spellings name the same unit (``euros`` and ``EUR``); an unknown unit is
    only the same as itself."""
    try:
        return canonical_unit(first) == canonical_unit(second)
    except UnknownUnit:
        return first == second


def is_currency(unit: str) -> bool:
    """True when ``unit`` (canonical or as users write it) is a currency."""
    return currency_code(unit) is not None

"""Formatted values and currencies for the API: the analytics formatter, with its errors made
user errors, and the ISO code of a currency unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from analytics.formatting import UnknownLocale, format_value, formatter_for
from analytics.units import UnknownUnit, currency_code
from resolvers.errors import bad_input


def formatted_value(value: Decimal, *, unit: str, locale: str) -> str:
    try:
        return format_value(value, unit, locale)
    except (UnknownLocale, UnknownUnit) as exc:
        raise bad_input(str(exc)) from exc


def formatted_values(values: Sequence[Decimal], units: Sequence[str], *, locale: str) -> list[str]:
    """formatted_value of a whole list: each unit's formatter is looked up once, not per value."""
    try:
        formatters = {unit: formatter_for(unit, locale) for unit in set(units)}
    except (UnknownLocale, UnknownUnit) as exc:
        raise bad_input(str(exc)) from exc
    return [formatters[unit](value) for value, unit in zip(values, units, strict=True)]


def currency_of(unit: str) -> str | None:
    """The ISO 4217 code of a currency unit ('euros' -> 'EUR'); None for any other unit."""
    return currency_code(unit)


def currencies(units: Iterable[str]) -> list[str | None]:
    """currency_of a whole list (a cached lookup per value, no Python call per row)."""
    return list(map(currency_code, units))

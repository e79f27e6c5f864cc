"""Formatted values for the API: the analytics formatter, with its errors made user errors."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from analytics.formatting import UnknownLocale, format_value, formatter_for
from analytics.units import UnknownUnit
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

"""Microseconds per formatted value: analytics.formatting against Babel's own functions.

Run: .venv/bin/python bench/formatting.py [--values N] [--repeat R]
Prints figures; it asserts nothing (timings are not tests).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

from analytics.formatting import formatter_for

Format = Callable[[Decimal], str]


def babel_equivalent(unit: str, locale: str) -> tuple[str, Format]:
    """Babel's plain per-call function closest to what the unit's formatter does."""
    if unit in ("minutes", "hours", "days"):
        cldr_unit = {"minutes": "duration-minute", "hours": "duration-hour"}.get(
            unit, "duration-day"
        )
        return "format_unit", lambda value: format_unit(value, cldr_unit, "short", locale=locale)
    if unit == "percent":
        return "format_percent", lambda value: format_percent(value / 100, locale=locale)
    if unit in ("count", "ratio"):
        return "format_decimal", lambda value: format_decimal(value, locale=locale)
    return "format_currency", lambda value: format_currency(value, unit, locale=locale)


def sample_values(unit: str, count: int) -> list[Decimal]:
    """Values shaped like the unit's real data: whole and fractional, some negative."""
    rng = random.Random(f"{unit}-{count}")
    scale = {"ratio": 1, "percent": 100, "minutes": 600, "hours": 50, "days": 400}.get(unit, 10**7)
    values = []
    for index in range(count):
        value = Decimal(rng.randint(-scale * 100, scale * 1000)).scaleb(-2)
        values.append(value.to_integral_value() if index % 2 else value)
    return values


def microseconds_per_value(format_value: Format, values: Sequence[Decimal], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for value in values:
            format_value(value)
        best = min(best, time.perf_counter() - started)
    return best / len(values) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--values", type=int, default=5000, help="values per unit")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    args = parser.parse_args()

    units = ["minutes", "hours", "days", "count", "percent", "ratio", "EUR", "USD", "SAR"]
    print(f"{'locale':6} {'unit':8} {'formatter_for':>14} {'babel':>8} {'speed-up':>8}  babel call")
    for locale in ("en", "fr"):
        for unit in units:
            values = sample_values(unit, args.values)
            ours = formatter_for(unit, locale)
            babel_name, babel = babel_equivalent(unit, locale)
            ours_us = microseconds_per_value(ours, values, args.repeat)
            babel_us = microseconds_per_value(babel, values, max(1, args.repeat // 2))
            print(
                f"{locale:6} {unit:8} {ours_us:11.2f} us {babel_us:5.1f} us "
                f"{babel_us / ours_us:7.0f}x  {babel_name}"
            )
    started = time.perf_counter()
    formatter_for.cache_clear()
    formatter_for("EUR", "de_CH")
    build_ms = (time.perf_counter() - started) * 1e3
    print(f"building one uncached formatter (EUR, de_CH): {build_ms:.2f} ms")


if __name__ == "__main__":
    main()

from __future__ import annotations

import pytest
from babel.numbers import list_currencies
from hypothesis import given
from hypothesis import strategies as st

from analytics.units import (
    NON_CURRENCY_UNITS,
    UnknownUnit,
    canonical_unit,
    currency_code,
    is_currency,
    same_unit,
)

ALIASES = {
    "minutes": ["minute", "minutes", "min", "mins", "MIN", " Minutes "],
    "hours": ["hour", "hours", "h", "hr", "hrs", "H", "Hours"],
    "days": ["day", "days", "DAY", " days"],
    "count": ["count", "number", "Number"],
    "percent": ["percent", "%", "pct", "PCT", "Percent"],
    "ratio": ["ratio", "Ratio"],
    "EUR": ["euro", "euros", "Euros", "eur", "EUR", " eur "],
    "USD": ["dollar", "dollars", "us dollars", "US Dollars", "US  dollars", "usd"],
    "SAR": ["riyal", "riyals", "saudi riyal", "Saudi Riyals", "sar"],
    "GBP": ["pound", "pounds", "pounds sterling", "Pound Sterling", "gbp"],
    "JPY": ["jpy", "JPY"],
}


@pytest.mark.parametrize(
    ("written", "canonical"),
    [(written, canonical) for canonical, spellings in ALIASES.items() for written in spellings],
)
def test_canonical_unit_accepts_common_spellings(written: str, canonical: str) -> None:
    assert canonical_unit(written) == canonical


@given(st.sampled_from(sorted(list_currencies())), st.booleans())
def test_every_babel_currency_code_is_accepted_in_any_case(code: str, lower: bool) -> None:
    assert canonical_unit(code.lower() if lower else code) == code
    assert is_currency(code)


@given(st.sampled_from([s for spellings in ALIASES.values() for s in spellings]))
def test_canonical_unit_is_idempotent(written: str) -> None:
    canonical = canonical_unit(written)
    assert canonical_unit(canonical) == canonical


@pytest.mark.parametrize("unit", ["", "  ", "minutez", "kg", "ZZZ", "euro cents", "rial", "%%"])
def test_unknown_unit_says_which_and_what_is_accepted(unit: str) -> None:
    with pytest.raises(UnknownUnit) as raised:
        canonical_unit(unit)
    message = str(raised.value)
    assert repr(unit) in message
    assert "minutes" in message
    assert "EUR" in message
    assert isinstance(raised.value, ValueError)
    assert raised.value.unit == unit


def test_is_currency_distinguishes_currencies() -> None:
    assert is_currency("euros")
    assert is_currency("SAR")
    assert not is_currency("minutes")
    assert not is_currency("%")
    assert not is_currency("no such unit")
    assert all(not is_currency(unit) for unit in NON_CURRENCY_UNITS)


@pytest.mark.parametrize(
    ("written", "code"),
    [(written, canonical) for canonical, spellings in ALIASES.items() for written in spellings],
)
def test_currency_code_is_the_iso_code_of_currencies_only(written: str, code: str) -> None:
    assert currency_code(written) == (None if code in NON_CURRENCY_UNITS else code)


def test_currency_code_of_an_unknown_unit_is_none() -> None:
    assert currency_code("furlongs") is None
    assert currency_code("") is None


def test_same_unit_compares_spellings() -> None:
    assert same_unit("euros", "EUR")
    assert same_unit(" Minutes", "min")
    assert not same_unit("USD", "EUR")
    assert not same_unit("hours", "minutes")
    assert same_unit("furlongs", "furlongs")
    assert not same_unit("furlongs", "Furlongs")

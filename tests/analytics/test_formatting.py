from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from babel import Locale
from babel.localedata import locale_identifiers
from babel.numbers import (
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
    parse_pattern,
)
from hypothesis import given
from hypothesis import strategies as st

from analytics.formatting import (
    UnknownLocale,
    format_day,
    format_month,
    format_statistic,
    format_value,
    formatter_for,
    validate_locale,
)
from analytics.units import NON_CURRENCY_UNITS, UnknownUnit

UNITS = [*sorted(NON_CURRENCY_UNITS), "EUR", "USD", "SAR", "GBP", "JPY"]
SAMPLE_LOCALES = ["en", "en_GB", "fr", "de", "de_CH", "ar", "hi", "sv", "ja", "ru", "pt_BR"]
# Locales whose minus sign is ASCII, which Babel's parse_decimal and format_* also use.
ASCII_MINUS_LOCALES = ["en", "fr", "de", "de_CH", "es", "hi", "ru", "pt_BR", "it"]
NNBSP, NBSP = "\u202f", "\xa0"

# Any exponent Decimal allows, which st.decimals() rarely reaches.
extreme_decimals = st.builds(
    lambda sign, coefficient, exponent: Decimal(
        (sign, tuple(map(int, str(coefficient))), exponent)
    ),
    st.integers(0, 1),
    st.integers(0, 10**40),
    st.integers(-(10**17), 10**17),
)
finite_decimals = st.one_of(st.decimals(allow_nan=False, allow_infinity=False), extreme_decimals)
money = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2, allow_nan=False
)


# The contract's examples.


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("5", "minutes", "5min"),
        ("90", "minutes", "1h 30min"),
        ("120", "minutes", "2h"),
        ("15000", "euros", "€15,000"),
    ],
)
def test_contract_examples_in_en(value: str, unit: str, expected: str) -> None:
    assert format_value(Decimal(value), unit, "en") == expected


def test_contract_euros_in_fr_follow_babel_fr_data() -> None:
    pattern = parse_pattern(Locale.parse("fr").currency_formats["standard"])
    expected = "15" + get_group_symbol("fr") + "000" + pattern.suffix[0].replace("¤", "€")
    text = format_value(Decimal(15000), "euros", "fr")
    assert text == expected
    assert re.sub(r"\s", " ", text) == "15 000 €"


def test_default_locale_is_en() -> None:
    assert format_value(Decimal(90), "minutes") == "1h 30min"


# The other units, in en, fr, de and ar (strings reviewed against CLDR data).


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("2.5", "hours", "2h 30min"),
        ("1", "hours", "1h"),
        ("0", "minutes", "0min"),
        # The two largest units, each whole: minutes and seconds under an hour.
        ("45.25", "minutes", "45min 15s"),
        ("35.4", "minutes", "35min 24s"),
        ("59.4", "minutes", "59min 24s"),
        ("59.5", "minutes", "59min 30s"),
        ("59.995", "minutes", "1h"),  # 3,600 s rounded: an hour
        ("0.2", "hours", "12min"),
        ("0.4", "minutes", "24s"),  # under a minute, seconds
        ("0.995", "minutes", "1min"),
        ("182.1", "minutes", "3h 2min"),
        ("60.549", "minutes", "1h 1min"),  # rounded once, from the exact value
        ("60.5", "minutes", "1h"),  # half to even
        ("1.0175", "hours", "1h 1min"),
        ("100000", "minutes", "1,666h 40min"),
        ("-90", "minutes", "-1h 30min"),
        ("-0.04", "minutes", "-2s"),
        ("-0.001", "minutes", "0min"),
        ("1", "days", "1 day"),
        ("3", "days", "3 days"),
        ("2.5", "days", "2.5 days"),
        ("-1", "days", "-1 day"),
        ("12345", "count", "12,345"),
        ("-12345.6789", "count", "-12,345.679"),
        ("0.125", "count", "0.125"),
        ("42.5", "percent", "42.5%"),
        ("42", "percent", "42%"),
        ("-3.25", "percent", "-3.2%"),
        # A ratio is the share of one it is read as: a percentage, one fraction digit at most.
        ("0.574", "ratio", "57.4%"),
        ("0.4213", "ratio", "42.1%"),
        ("1", "ratio", "100%"),
        ("0.125", "ratio", "12.5%"),
        ("0.12345", "ratio", "12.3%"),
        ("0.12355", "ratio", "12.4%"),
        ("-0.0004", "ratio", "0%"),
        ("2.5", "ratio", "250%"),
        ("1234.5", "EUR", "€1,234.50"),
        ("1234.001", "EUR", "€1,234"),
        ("-1234.5", "EUR", "-€1,234.50"),
        ("-0.001", "EUR", "€0"),
        ("12345678901234.5", "EUR", "€12,345,678,901,234.50"),
        ("15000", "USD", "$15,000"),
        ("15000", "GBP", "£15,000"),
        ("15000", "SAR", "SAR\xa015,000"),
        ("1234.5", "JPY", "¥1,234"),
        ("1E+150", "EUR", "€1E150"),
        ("-7.250E+5000000", "count", "-7.25E5000000"),
        ("1E+150", "hours", "1E150h"),
        ("9E+999999999999999999", "days", "9E999999999999999999 days"),
        ("1.5E-999999999999999999", "EUR", "€0"),
        ("Infinity", "EUR", "∞"),
        ("-Infinity", "minutes", "-∞"),
        ("NaN", "count", "NaN"),
    ],
)
def test_units_in_en(value: str, unit: str, expected: str) -> None:
    assert format_value(Decimal(value), unit, "en") == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        # French writes its units spaced, as CLDR's short width does ('70h 54min' was narrow).
        ("5", "minutes", f"5{NBSP}min"),
        ("90", "minutes", f"1{NNBSP}h 30{NBSP}min"),
        ("2.5", "hours", f"2{NNBSP}h 30{NBSP}min"),
        ("-90", "minutes", f"-1{NNBSP}h 30{NBSP}min"),
        ("4254", "minutes", f"70{NNBSP}h 54{NBSP}min"),
        ("35.4", "minutes", f"35{NBSP}min 24{NNBSP}s"),
        ("3", "days", f"3{NNBSP}j"),
        ("12345", "count", f"12{NNBSP}345"),
        ("42.5", "percent", f"42,5{NBSP}%"),
        ("0.4213", "ratio", f"42,1{NBSP}%"),
        ("1234.5", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("-1234.5", "EUR", f"-1{NNBSP}234,50{NBSP}€"),
        ("15000", "SAR", f"15{NNBSP}000{NBSP}SAR"),
        ("15000", "USD", f"15{NNBSP}000{NBSP}$US"),
    ],
)
def test_units_in_fr(value: str, unit: str, expected: str) -> None:
    assert format_value(Decimal(value), unit, "fr") == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("5", "minutes", "5 Min."),
        ("90", "minutes", "1 Std., 30 Min."),
        ("1", "days", "1 Tg."),
        ("12345", "count", "12.345"),
        ("42.5", "percent", f"42,5{NBSP}%"),
        ("0.4213", "ratio", f"42,1{NBSP}%"),
        ("1234.5", "EUR", f"1.234,50{NBSP}€"),
        ("1234.5", "CHF", f"1.234,50{NBSP}CHF"),
    ],
)
def test_units_in_de(value: str, unit: str, expected: str) -> None:
    assert format_value(Decimal(value), unit, "de") == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("5", "minutes", "5 د"),
        ("90", "minutes", "1 س، و30 د"),
        ("3", "days", "3 أيام"),
        ("1", "days", "يوم"),
        ("12345", "count", "12,345"),
        ("0.4213", "ratio", "42.1\u200e%\u200e"),
        ("-12345", "count", "\u200e-12,345"),
        ("15000", "EUR", f"\u200f15,000{NBSP}€"),
        ("15000", "SAR", f"\u200f15,000{NBSP}ر.س.\u200f"),
    ],
)
def test_units_in_ar(value: str, unit: str, expected: str) -> None:
    assert format_value(Decimal(value), unit, "ar") == expected


def test_locale_minus_sign_is_used() -> None:
    assert format_value(Decimal(-5), "count", "sv") == "\u22125"


def test_indian_grouping() -> None:
    assert format_value(Decimal(1234567), "count", "hi") == "12,34,567"


# Locales and errors.


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("en", "en"),
        ("fr", "fr"),
        ("en_US", "en_US"),
        ("en-US", "en_US"),
        ("pt-BR", "pt_BR"),
        ("EN-us", "en_US"),
        (" de_CH ", "de_CH"),
        ("zh-Hant-TW", "zh_Hant_TW"),
    ],
)
def test_validate_locale_normalizes(written: str, normalized: str) -> None:
    assert validate_locale(written) == normalized


@pytest.mark.parametrize("locale", ["xx_YY", "en_XX", "", "C", "../etc", "en@calendar=x", "e"])
def test_unknown_locale_has_clear_message(locale: str) -> None:
    with pytest.raises(UnknownLocale) as raised:
        validate_locale(locale)
    assert str(raised.value) == f"Unknown locale {locale!r}: use a locale such as en, fr, de_CH"
    assert isinstance(raised.value, ValueError)


def test_format_value_rejects_unknown_unit_and_locale() -> None:
    with pytest.raises(UnknownUnit, match="furlongs"):
        format_value(Decimal(1), "furlongs", "en")
    with pytest.raises(UnknownLocale, match="xx_YY"):
        format_value(Decimal(1), "minutes", "xx_YY")
    with pytest.raises(UnknownLocale):
        formatter_for("minutes", "xx_YY")


def test_formatter_is_cached_across_spellings() -> None:
    formatter = formatter_for("EUR", "en_US")
    assert formatter_for("EUR", "en_US") is formatter
    assert formatter_for("euros", "en-US") is formatter
    assert formatter_for("minutes", "en") is formatter_for("mins", "EN")


def test_every_babel_locale_formats_every_unit() -> None:
    for locale in locale_identifiers():
        for unit in [*sorted(NON_CURRENCY_UNITS), "EUR", "SAR"]:
            text = format_value(Decimal("-1234.5"), unit, locale)
            assert "4" in text, (locale, unit, text)
            assert not any(mark in text for mark in ("{", "}", "¤", "'")), (locale, unit, text)


# Properties.


@given(
    value=finite_decimals,
    unit=st.sampled_from(UNITS),
    locale=st.sampled_from(SAMPLE_LOCALES),
)
def test_any_finite_decimal_formats(value: Decimal, unit: str, locale: str) -> None:
    text = format_value(value, unit, locale)
    assert text
    assert text.strip() == text


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6),
    locale=st.sampled_from(SAMPLE_LOCALES),
)
def test_a_ratio_reads_as_the_percentage_it_is_a_share_of(value: Decimal, locale: str) -> None:
    assert format_value(value, "ratio", locale) == format_value(value * 100, "percent", locale)


@given(st.decimals(min_value=0, max_value=Decimal("59.99"), allow_nan=False, places=4))
def test_a_duration_under_an_hour_reads_back_to_its_seconds(minutes: Decimal) -> None:
    """Minutes and seconds, each whole: what is shown is the value to the nearest second."""
    text = format_value(minutes, "minutes", "en")
    found = re.fullmatch(r"(?:(\d+)min)? ?(?:(\d+)s)?", text)
    assert found is not None, text
    shown = int(found.group(1) or 0) * 60 + int(found.group(2) or 0)
    expected = (minutes * 60).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    assert shown == expected, text


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_whole_en_currency_round_trips(amount: int) -> None:
    text = format_value(Decimal(amount), "EUR", "en")
    assert "." not in text
    assert int(text.replace("€", "").replace(",", "")) == amount


@given(money)
def test_en_currency_is_exact(amount: Decimal) -> None:
    text = format_value(amount, "USD", "en")
    assert Decimal(text.replace("$", "").replace(",", "")) == amount


@given(
    value=st.decimals(min_value=-(10**20), max_value=10**20, allow_nan=False, places=6),
    locale=st.sampled_from(ASCII_MINUS_LOCALES),
)
def test_count_parses_back_to_the_value_rounded_half_even(value: Decimal, locale: str) -> None:
    text = format_value(value, "count", locale)
    assert parse_decimal(text, locale=locale, strict=True) == value.quantize(
        Decimal("0.001"), rounding=ROUND_HALF_EVEN
    )


@given(
    value=st.decimals(min_value=-(10**20), max_value=10**20, allow_nan=False, places=4),
    locale=st.sampled_from(ASCII_MINUS_LOCALES),
    currency=st.sampled_from(["EUR", "USD", "GBP"]),
)
def test_agrees_with_babel_where_babel_applies(value: Decimal, locale: str, currency: str) -> None:
    # Babel writes "-0" for a negative value that rounds to zero, where this module writes "0";
    # Babel always shows the currency's digits, where this module drops them for whole amounts.
    if value.quantize(Decimal("0.001")) != 0:
        assert format_value(value, "count", locale) == format_decimal(value, locale=locale)
    rounded = value.quantize(Decimal("0.01"))
    if rounded != 0:
        babel_money = format_currency(value, currency, locale=locale)
        if rounded == rounded.to_integral_value():
            babel_money = babel_money.replace(get_decimal_symbol(locale) + "00", "")
        assert format_value(value, currency, locale) == babel_money


@given(st.integers(min_value=0, max_value=10**12))
def test_en_minutes_read_back_as_hours_and_minutes(minutes: int) -> None:
    text = format_value(Decimal(minutes), "minutes", "en")
    match = re.fullmatch(r"(?:([\d,]+)h)? ?(?:(\d+)min)?", text)
    assert match is not None, text
    hours, rest = (int((group or "0").replace(",", "")) for group in match.groups())
    assert rest < 60
    assert hours * 60 + rest == minutes


@given(
    value=finite_decimals.filter(lambda v: v != 0),
    unit=st.sampled_from(UNITS),
    locale=st.sampled_from(["en", "fr", "de"]),
)
def test_negative_values_keep_their_sign(value: Decimal, unit: str, locale: str) -> None:
    magnitude = value.copy_abs()  # abs() would round to the context's 28 digits
    positive = format_value(magnitude, unit, locale)
    negative = format_value(magnitude.copy_negate(), unit, locale)
    if re.search("[1-9]", positive):
        assert negative != positive
        assert negative.startswith("-")
    else:  # rounds to zero: no sign
        assert negative == positive


@given(
    hours=st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False),
    locale=st.sampled_from(["en", "fr", "ar", "ru"]),
)
def test_hours_format_as_the_same_minutes(hours: Decimal, locale: str) -> None:
    minutes = hours * 60  # exact: at most 16 digits
    assert format_value(hours, "hours", locale) == format_value(minutes, "minutes", locale)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("12.5", "en", "12.5"),  # the median of 12 and 13 tickets
        ("47.375", "en", "47.4"),  # an interpolated p90
        ("12", "en", "12"),
        ("1234567.25", "fr", f"1{NNBSP}234{NNBSP}567,2"),  # half-even
        ("1234567.35", "hi", "12,34,567.4"),
        ("-0.04", "en", "0"),
    ],
)
def test_a_statistic_of_counts_keeps_one_fraction_digit(
    value: str, locale: str, expected: str
) -> None:
    assert format_statistic(Decimal(value), "count", locale) == expected


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False),
    st.sampled_from(["en", "fr", "de", "hi", "ar"]),
)
def test_statistics_are_formatted_as_values_but_counts_to_a_tenth(
    value: Decimal, locale: str
) -> None:
    tenth = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    assert format_statistic(value, "count", locale) == format_value(tenth, "count", locale)
    for unit in ("minutes", "days", "percent", "ratio", "EUR"):
        assert format_statistic(value, unit, locale) == format_value(value, unit, locale)


@pytest.mark.parametrize(
    ("locale", "day", "month", "short"),
    [
        ("en", "Apr 5, 2023", "April 2023", "Apr 23"),
        ("fr", "5 avr. 2023", "avril 2023", "avr. 23"),
        ("de_CH", "05.04.2023", "April 2023", "Apr 23"),
        ("hi_IN", "5 अप्रैल 2023", "अप्रैल 2023", "अप्रैल 23"),
    ],
)
def test_days_and_months_in_a_locale(locale: str, day: str, month: str, short: str) -> None:
    assert format_day(dt.date(2023, 4, 5), locale) == day
    assert format_month(dt.date(2023, 4, 1), locale) == month
    assert format_month(dt.date(2023, 4, 1), locale, short=True) == short


def test_dates_refuse_an_unknown_locale() -> None:
    with pytest.raises(UnknownLocale):
        format_day(dt.date(2023, 4, 5), "xx_YY")

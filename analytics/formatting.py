"""Formatting of metric values by unit and locale: the one place it happens.

Every format comes from the locale's CLDR data in Babel; the work of reading that data is done
once per (unit, locale) by `formatter_for`, which returns a small closure that formats a
`Decimal` in about a microsecond (Babel's own `format_currency` re-reads the data on every call).

Formats, with en / fr examples:

- ``minutes`` and ``hours``: the two largest units, each whole, as people write durations:
  ``1h 30min``, ``2h``, ``3h 2min``; under an hour minutes and seconds (35.4 minutes is
  ``35min 24s``, not ``35min``: the 24 s a response time differs by are seen), under a minute
  seconds (``24s``); the short width of the locale's units (``1 h 30 min`` in fr).
  The unit symbols are the locale's short CLDR unit patterns, else narrow, else long, joined with
  the locale's unit list pattern of that width (de: ``1 Std., 30 Min.``). English uses ``h`` and
  ``min`` as the contract fixes (CLDR's narrow English minute is ``m``, which reads as metres).
- ``days``: the locale's short unit pattern with its plural forms: ``1 day``, ``3 days`` / ``3 j``.
- ``count``: the locale's decimal pattern: ``12,345`` / ``12 345``, up to 3 fraction digits.
  A statistic of counts (a percentile, a median: `format_statistic`) keeps at most one: the
  median of 12 and 13 tickets is ``12.5``, an interpolated p90 of 47.375 tickets ``47.4``
  (the value itself stays exact; its last digits would claim a precision no count has).
- ``percent``: the stored value is already a percentage (42.5 means 42.5%): the locale's percent
  pattern with at most one fraction digit and no scaling: ``42.5%`` / ``42,5 %``.
- ``ratio``: a share of one, shown as the percentage it is read as: the locale's percent
  pattern on the value times 100, with at most one fraction digit: 0.574 -> ``57.4%`` /
  ``57,4 %`` (``0.57`` read as a number, not as the 57.4% it means).
- currencies: the locale's standard currency pattern and symbol: ``€15,000`` / ``15 000 €``;
  no fraction when the amount rounded to the currency's digits is whole, else those digits
  (``€1,234.50``). CLDR's default currency spacing applies when the symbol is made of letters
  (``SAR 15,000``).

Days and months, for text written in a locale (the ROI deck's sentences and titles), are the
locale's CLDR date patterns: ``format_day`` (``Apr 5, 2023`` / ``5 avr. 2023`` / ``05.04.2023``)
and ``format_month`` (``April 2023`` / ``avril 2023``; short: ``Apr 23``).

Rounding is half-even (as CLDR, ICU and Babel). A value that rounds to zero carries no minus
sign; otherwise the locale's minus sign is used. Digits are Latin (Babel's default numbering
system). Values of 10**100 or more are written in the locale's scientific notation with all
their digits; infinities as the locale's infinity symbol, NaN as its NaN symbol, without unit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
)
from functools import lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    parse_pattern,
)

from analytics.units import COUNT, DAYS, HOURS, MINUTES, PERCENT, RATIO, canonical_unit

Formatter = Callable[[Decimal], str]
DigitRenderer = Callable[[Decimal], str]

# Beyond this many integer digits a value is written in scientific notation (a fixed-point
# rendering of an arbitrary Decimal could be gigabytes long).
MAX_FIXED_INTEGER_DIGITS = 100
# Large enough that no rounding below happens to a value with at most MAX_FIXED_INTEGER_DIGITS
# integer digits, so quantize is exact up to the requested fraction digits.
_EXACT = Context(
    prec=MAX_FIXED_INTEGER_DIGITS + 50, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN
)

# The contract fixes English durations as "5min" / "1h 30min".
_DURATION_PATTERN_OVERRIDES: dict[str, dict[str, str]] = {
    "en": {"duration-hour": "{0}h", "duration-minute": "{0}min", "duration-second": "{0}s"},
}
_UNIT_WIDTHS = ("narrow", "short", "long")
# Durations take the short width first, as days do: the narrow one is terse English-like in
# some locales ('70h 54min' in French, whose short '70 h 54 min' is how French writes it).
_DURATION_WIDTHS = ("short", "narrow", "long")
_LOCALE_ID = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
_QUOTED = re.compile(r"'([^']*)'")


class UnknownLocale(ValueError):
    """A locale identifier that Babel (CLDR) does not know."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        super().__init__(f"Unknown locale {locale!r}: use a locale such as en, fr, de_CH")


@lru_cache(maxsize=1024)
def validate_locale(locale: str) -> str:
    """Return the normalized Babel id of ``locale`` ('en-US' -> 'en_US'), or raise UnknownLocale.

    Accepts ``_`` or ``-`` separators, any case, surrounding whitespace.
    """
    return str(_parse_locale(locale))


def _parse_locale(locale: str) -> Locale:
    text = locale.strip()
    if not _LOCALE_ID.fullmatch(text):
        raise UnknownLocale(locale)
    try:
        return Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise UnknownLocale(locale) from error


@lru_cache(maxsize=4096)
def formatter_for(unit: str, locale: str) -> Formatter:
    """The formatter of ``unit`` in ``locale``, built once from Babel's data and then cached.

    Spellings of the same unit and locale ('euros'/'EUR', 'en-US'/'en_US') share one formatter.
    Raises UnknownUnit or UnknownLocale.
    """
    return _build_formatter(canonical_unit(unit), validate_locale(locale))


def format_value(value: Decimal, unit: str, locale: str = "en") -> str:
    """Format ``value`` (an exact Decimal) in ``unit`` for ``locale``: 90 minutes -> '1h 30min'."""
    return formatter_for(unit, locale)(value)


@lru_cache(maxsize=1024)
def statistic_formatter_for(unit: str, locale: str) -> Formatter:
    """The formatter of a statistic of values in ``unit`` (a percentile, a median): that of
    ``formatter_for``, except that a count keeps at most one fraction digit. Percentiles are
    interpolated (PostgreSQL's ``percentile_cont``, numpy's default), so a count's p90 can be
    47.375 tickets: exact as a value, but its display says no more than 47.4."""
    canonical, locale_id = canonical_unit(unit), validate_locale(locale)
    if canonical == COUNT:
        parsed = Locale.parse(locale_id)
        return _pattern_formatter(_Symbols.of(parsed), parsed.decimal_formats[None], frac=(0, 1))
    return _build_formatter(canonical, locale_id)


def format_statistic(value: Decimal, unit: str, locale: str = "en") -> str:
    """Format a statistic of values in ``unit`` (``statistic_formatter_for``): 12.375 tickets
    -> '12.4'."""
    return statistic_formatter_for(unit, locale)(value)


def format_day(day: dt.date, locale: str) -> str:
    """A day in the locale's medium date form: 'Apr 5, 2023', '5 avr. 2023', '05.04.2023'."""
    return str(format_date(day, "medium", locale=validate_locale(locale)))


def format_month(month: dt.date, locale: str, *, short: bool = False) -> str:
    """A month and its year as the locale names them standing alone: 'April 2023', 'avril
    2023'; short, as a chart's category: 'Apr 23', 'avr. 23'."""
    pattern = "LLL yy" if short else "LLLL y"
    return str(format_date(month, pattern, locale=validate_locale(locale)))


@lru_cache(maxsize=4096)
def _build_formatter(unit: str, locale_id: str) -> Formatter:
    locale = Locale.parse(locale_id)
    symbols = _Symbols.of(locale)
    if unit in (MINUTES, HOURS):
        return _duration_formatter(locale, symbols, seconds_per_unit=3600 if unit == HOURS else 60)
    if unit == DAYS:
        return _days_formatter(locale, symbols)
    if unit == COUNT:
        return _pattern_formatter(symbols, locale.decimal_formats[None], frac=None)
    if unit == RATIO:
        return _ratio_formatter(symbols, locale.percent_formats[None])
    if unit == PERCENT:
        return _pattern_formatter(symbols, locale.percent_formats[None], frac=(0, 1))
    return _currency_formatter(locale, symbols, unit)


@dataclass(frozen=True)
class _Symbols:
    decimal: str
    group: str
    minus: str
    plus: str
    percent: str
    exponential: str
    infinity: str
    nan: str

    @classmethod
    def of(cls, locale: Locale) -> _Symbols:
        data = locale.number_symbols["latn"]
        return cls(
            decimal=data.get("decimal", "."),
            group=data.get("group", ","),
            minus=data.get("minusSign", "-"),
            plus=data.get("plusSign", "+"),
            percent=data.get("percentSign", "%"),
            exponential=data.get("exponential", "E"),
            infinity=data.get("infinity", "∞"),
            nan=data.get("nan", "NaN"),
        )

    def scientific(self, magnitude: Decimal) -> str:
        """All the digits of a large non-negative value as d.ddd E n (Decimal's own exponent
        range: Babel's format_scientific overflows beyond the default context's)."""
        digits = "".join(map(str, magnitude.as_tuple().digits)).rstrip("0") or "0"
        fraction = self.decimal + digits[1:] if len(digits) > 1 else ""
        return f"{digits[0]}{fraction}{self.exponential}{magnitude.adjusted()}"

    def non_finite(self, value: Decimal) -> str:
        if value.is_nan():
            return self.nan
        return self.minus + self.infinity if value.is_signed() else self.infinity


def _localizer(symbols: _Symbols) -> Callable[[str], str]:
    """Turn Python's '12,345.6' into the locale's digits separators."""
    group, decimal = symbols.group, symbols.decimal
    if group == "," and decimal == ".":
        return _identity
    if group == ",":
        return lambda text: text.replace(".", decimal)
    if "." not in group:
        return lambda text: text.replace(",", group).replace(".", decimal)
    return lambda text: text.replace(".", "\0").replace(",", group).replace("\0", decimal)


def _identity(text: str) -> str:
    return text


def _digit_renderer(
    symbols: _Symbols,
    pattern: NumberPattern,
    min_frac: int,
    max_frac: int,
    *,
    all_or_no_fraction: bool = False,
) -> DigitRenderer:
    """Render a non-negative Decimal with the pattern's grouping and the given fraction digits.

    Trailing fraction zeros are dropped down to ``min_frac``, or with ``all_or_no_fraction``
    the fraction is dropped only when it is all zeros.
    """
    quantum = Decimal(1).scaleb(-max_frac)
    quantize = _EXACT.quantize
    localize = _localizer(symbols)
    primary, secondary = pattern.grouping
    python_grouping = primary == secondary == 3
    no_grouping = primary >= 1000  # Babel's marker of a pattern without a group separator
    min_int = max(pattern.int_prec[0], 1)
    trim = max_frac > min_frac
    zero_fraction = "." + "0" * max_frac

    def render(magnitude: Decimal) -> str:
        if magnitude.adjusted() >= MAX_FIXED_INTEGER_DIGITS:
            return symbols.scientific(magnitude)
        rounded = quantize(magnitude, quantum)
        if python_grouping:
            text = format(rounded, ",f")
        else:
            text = format(rounded, "f")
            if not no_grouping or min_int > 1:
                text = _group(text, primary, secondary, min_int, no_grouping)
        if trim:
            if all_or_no_fraction:
                if text.endswith(zero_fraction):
                    text = text[: -len(zero_fraction)]
            else:
                whole, _, fraction = text.partition(".")
                fraction = fraction.rstrip("0").ljust(min_frac, "0")
                text = f"{whole}.{fraction}" if fraction else whole
        return localize(text)

    return render


def _integer_renderer(symbols: _Symbols, pattern: NumberPattern) -> Callable[[int], str]:
    """Render a non-negative int with the pattern's grouping."""
    localize = _localizer(symbols)
    primary, secondary = pattern.grouping
    if primary == secondary == 3:
        return lambda number: localize(f"{number:,}")
    min_int, no_grouping = max(pattern.int_prec[0], 1), primary >= 1000
    return lambda number: localize(_group(str(number), primary, secondary, min_int, no_grouping))


def _group(text: str, primary: int, secondary: int, min_int: int, no_grouping: bool) -> str:
    """Group the integer part of '1234567.5' for patterns Python's ',' does not cover."""
    whole, dot, fraction = text.partition(".")
    whole = whole.zfill(min_int)
    if not no_grouping and len(whole) > primary:
        groups = [whole[-primary:]]
        whole = whole[:-primary]
        while len(whole) > secondary:
            groups.append(whole[-secondary:])
            whole = whole[:-secondary]
        groups.append(whole)
        whole = ",".join(reversed(groups))
    return whole + dot + fraction


def _render_affix(raw: str, symbols: _Symbols, currency_symbol: str = "") -> str:
    """Replace CLDR pattern characters in a prefix/suffix by the locale's symbols.

    Text in single quotes is literal and ``''`` is a quote, as in CLDR patterns.
    """
    table = str.maketrans(
        {"-": symbols.minus, "+": symbols.plus, "%": symbols.percent, "¤": currency_symbol}
    )
    parts = _QUOTED.split(raw)  # even positions are pattern text, odd ones quoted literals
    return "".join(
        (part or "'") if position % 2 else part.translate(table)
        for position, part in enumerate(parts)
    )


def _affixes(
    pattern: NumberPattern, symbols: _Symbols, currency_symbol: str = ""
) -> tuple[str, str, str, str]:
    """(positive prefix, positive suffix, negative prefix, negative suffix) of a pattern."""
    (pos_prefix, neg_prefix), (pos_suffix, neg_suffix) = pattern.prefix, pattern.suffix
    rendered = [
        _render_affix(raw, symbols, currency_symbol)
        for raw in (pos_prefix, pos_suffix, neg_prefix, neg_suffix)
    ]
    if currency_symbol:
        rendered = [
            _currency_spacing(raw, text, currency_symbol, is_prefix=position % 2 == 0)
            for position, (raw, text) in enumerate(
                zip((pos_prefix, pos_suffix, neg_prefix, neg_suffix), rendered, strict=True)
            )
        ]
    return rendered[0], rendered[1], rendered[2], rendered[3]


def _currency_spacing(raw: str, text: str, symbol: str, *, is_prefix: bool) -> str:
    """CLDR's default currencySpacing: a no-break space between digits and a letter symbol."""
    if is_prefix and raw.endswith("¤") and not _is_symbol_or_space(symbol[-1]):
        return text + "\xa0"
    if not is_prefix and raw.startswith("¤") and not _is_symbol_or_space(symbol[0]):
        return "\xa0" + text
    return text


def _is_symbol_or_space(char: str) -> bool:
    return unicodedata.category(char)[0] in "SZ"


def _pattern_formatter(
    symbols: _Symbols,
    pattern_source: NumberPattern | str,
    *,
    frac: tuple[int, int] | None,
) -> Formatter:
    pattern = parse_pattern(pattern_source)
    min_frac, max_frac = frac or pattern.frac_prec
    render = _digit_renderer(symbols, pattern, min_frac, max_frac)
    return _signed_formatter(symbols, render, _affixes(pattern, symbols), max_frac)


def _ratio_formatter(symbols: _Symbols, pattern_source: NumberPattern | str) -> Formatter:
    """A ratio (a share of one: 0.574) as the percentage it is read as (57.4%): the percent
    formatter on the value times 100, exactly (Decimal's scaleb moves the exponent only)."""
    percent = _pattern_formatter(symbols, pattern_source, frac=(0, 1))
    scaleb = _EXACT.scaleb
    return lambda value: percent(scaleb(value, 2))


def _currency_formatter(locale: Locale, symbols: _Symbols, code: str) -> Formatter:
    pattern = parse_pattern(locale.currency_formats["standard"])
    digits = get_currency_precision(code)
    render = _digit_renderer(symbols, pattern, 0, digits, all_or_no_fraction=True)
    affixes = _affixes(pattern, symbols, get_currency_symbol(code, locale))
    return _signed_formatter(symbols, render, affixes, digits)


def _signed_formatter(
    symbols: _Symbols,
    render: DigitRenderer,
    affixes: tuple[str, str, str, str],
    max_frac: int,
) -> Formatter:
    pos_prefix, pos_suffix, neg_prefix, neg_suffix = affixes
    # Half-even rounding: a magnitude rounds to zero exactly when it is at most half a quantum.
    half_quantum = Decimal(5).scaleb(-max_frac - 1)

    def format_signed(value: Decimal) -> str:
        if not value.is_finite():
            return symbols.non_finite(value)
        if value.is_signed():
            magnitude = value.copy_abs()
            if magnitude > half_quantum:
                return neg_prefix + render(magnitude) + neg_suffix
            return pos_prefix + render(magnitude) + pos_suffix
        return pos_prefix + render(value) + pos_suffix

    return format_signed


def _unit_patterns(
    locale: Locale, unit_key: str, widths: tuple[str, ...] = _UNIT_WIDTHS
) -> tuple[str, dict[str, str]] | None:
    """(width, plural category -> pattern) of the first width the locale has data for."""
    all_patterns: Mapping[str, Mapping[str, Mapping[str, str]]] = locale._data["unit_patterns"]
    by_width = all_patterns.get(unit_key, {})
    for width in widths:
        patterns = {
            category: pattern
            for category, pattern in by_width.get(width, {}).items()
            if category != "per"
        }
        if "other" in patterns:
            return width, patterns
    return None


class _PluralPattern:
    """Pick the unit pattern for a displayed number by the locale's plural rules.

    Plural rules cost a few microseconds, so the category of each displayed number is
    remembered (bounded); when all categories share one pattern no rule is evaluated.
    """

    _CACHE_LIMIT = 4096

    def __init__(self, locale: Locale, patterns: dict[str, str]) -> None:
        self._rule = locale.plural_form
        self._patterns = patterns
        self._other = patterns["other"]
        self.constant: str | None = self._other if len(set(patterns.values())) == 1 else None
        self._by_number: dict[str, str] = {}

    def for_number(self, plain_digits: str) -> str:
        """``plain_digits`` is the displayed number in Python syntax without grouping."""
        if self.constant is not None:
            return self.constant
        return self._variable(plain_digits)

    def _variable(self, plain_digits: str) -> str:
        found = self._by_number.get(plain_digits)
        if found is None:
            try:
                # Plural rules run about 3x faster on an int than on the equal Decimal.
                number = (
                    int(plain_digits)
                    if plain_digits.isascii() and plain_digits.isdigit()
                    else Decimal(plain_digits)
                )
                category = self._rule(number)
            except ArithmeticError:  # scientific notation Decimal or Babel's rules cannot take
                category = "other"
            found = self._patterns.get(category, self._other)
            if len(self._by_number) < self._CACHE_LIMIT:
                self._by_number[plain_digits] = found
        return found


def _plain_digits(localized: str, symbols: _Symbols) -> str:
    """Back from the locale's digits to Python syntax, for plural rules."""
    return localized.replace(symbols.group, "").replace(symbols.decimal, ".")


def _days_formatter(locale: Locale, symbols: _Symbols) -> Formatter:
    pattern = parse_pattern(locale.decimal_formats[None])
    min_frac, max_frac = pattern.frac_prec
    render = _digit_renderer(symbols, pattern, min_frac, max_frac)
    found = _unit_patterns(locale, "duration-day", ("short", "long", "narrow"))
    plural = _PluralPattern(locale, found[1] if found else {"other": "{0} d"})
    minus = symbols.minus
    half_quantum = Decimal(5).scaleb(-max_frac - 1)

    def format_days(value: Decimal) -> str:
        if not value.is_finite():
            return symbols.non_finite(value)
        magnitude = value.copy_abs()
        digits = render(magnitude)
        unit_pattern = plural.constant or plural.for_number(_plain_digits(digits, symbols))
        text = unit_pattern.format(digits)
        return minus + text if value.is_signed() and magnitude > half_quantum else text

    return format_days


class _DurationPatterns(NamedTuple):
    width: str
    hours: dict[str, str]
    minutes: dict[str, str]
    seconds: dict[str, str]


def _duration_unit_patterns(locale: Locale) -> _DurationPatterns:
    """The hour, minute and second patterns of the first width having all three."""
    override = _DURATION_PATTERN_OVERRIDES.get(locale.language)
    if override is not None:
        return _DurationPatterns(
            "narrow",
            {"other": override["duration-hour"]},
            {"other": override["duration-minute"]},
            {"other": override["duration-second"]},
        )
    for width in _DURATION_WIDTHS:
        found = [
            _unit_patterns(locale, f"duration-{unit}", (width,))
            for unit in ("hour", "minute", "second")
        ]
        if all(found):
            hours, minutes, seconds = (patterns for _width, patterns in filter(None, found))
            return _DurationPatterns(width, hours, minutes, seconds)
    return _DurationPatterns("short", {"other": "{0} h"}, {"other": "{0} min"}, {"other": "{0} s"})


def _unit_list_pattern(locale: Locale, width: str) -> str:
    """The locale's pattern joining two unit amounts ('{0} {1}' in en narrow)."""
    list_patterns: Mapping[str, Mapping[str, str]] = locale.list_patterns
    for style in (f"unit-{width}", "unit-narrow", "unit-short", "unit"):
        patterns = list_patterns.get(style)
        if patterns:
            return patterns.get("2") or patterns.get("end") or "{0} {1}"
    return "{0} {1}"


def _duration_formatter(locale: Locale, symbols: _Symbols, *, seconds_per_unit: int) -> Formatter:
    """A duration in its two largest units, each a whole number, as people write them: whole
    hours and minutes from an hour on ('3h 9min'), minutes and seconds under an hour
    ('35min 24s': whole minutes alone would turn 35.4 minutes into '35min'), seconds under a
    minute ('24s'). A unit whose amount is 0 after the first is left out ('5min', '2h').

    The value is rounded once from its exact value (to seconds under an hour, else to
    minutes) and split with integer arithmetic; each unit text is built once, when first
    needed. Values of 10**100 or more are written in scientific notation in their own unit
    (hours or minutes).
    """
    decimal_pattern = parse_pattern(locale.decimal_formats[None])
    render_hours = _integer_renderer(symbols, decimal_pattern)
    patterns = _duration_unit_patterns(locale)
    hour_plural = _PluralPattern(locale, patterns.hours)
    minute_plural = _PluralPattern(locale, patterns.minutes)
    second_plural = _PluralPattern(locale, patterns.seconds)
    join = _unit_list_pattern(locale, patterns.width)
    minus = symbols.minus

    texts: dict[tuple[int, int], str] = {}

    def small_text(plural: _PluralPattern, amount: int) -> str:
        # Minutes and seconds are under 60: their digits need no grouping.
        key = (id(plural), amount)
        text = texts.get(key)
        if text is None:
            text = texts[key] = plural.for_number(str(amount)).format(str(amount))
        return text

    large_pattern = (patterns.hours if seconds_per_unit == 3600 else patterns.minutes)["other"]
    minutes_per_unit = seconds_per_unit // 60
    to_integral, multiply = _EXACT.to_integral_value, _EXACT.multiply

    def format_duration(value: Decimal) -> str:
        if not value.is_finite():
            return symbols.non_finite(value)
        magnitude = value.copy_abs()
        if magnitude.adjusted() >= MAX_FIXED_INTEGER_DIGITS:
            text = large_pattern.format(symbols.scientific(magnitude))
            return minus + text if value.is_signed() else text
        # Exact: at most MAX_FIXED_INTEGER_DIGITS + 4 integer digits before rounding to one.
        seconds = int(to_integral(multiply(magnitude, seconds_per_unit)))
        if seconds == 0:
            return small_text(minute_plural, 0)
        if seconds < 60:
            text = small_text(second_plural, seconds)
        elif seconds < 3600:
            minute, second = divmod(seconds, 60)
            text = small_text(minute_plural, minute)
            if second:
                text = join.format(text, small_text(second_plural, second))
        else:
            # Rounded from the exact value, not from the seconds: 60.549 min is 1h 1min.
            minutes = int(to_integral(multiply(magnitude, minutes_per_unit)))
            hours, minute = divmod(minutes, 60)
            if not hours:
                text = small_text(minute_plural, minute)
            else:
                hour_pattern = hour_plural.constant or hour_plural.for_number(str(hours))
                text = hour_pattern.format(render_hours(hours))
                if minute:
                    text = join.format(text, small_text(minute_plural, minute))
        return minus + text if value.is_signed() else text

    return format_duration

"""A chart's number format in the deck's locale.

A chart's numbers are formatted by the viewer from a format code, and a code's "," means "the
viewer's own thousands separator": a French deck opened under an English locale showed its
axis as 100,000. The code here writes the locale's separator (Babel's, as the deck's other
numbers use) as a literal, placed by conditions on the value, so that the axis reads 100 000 in
French, 100'000 in Swiss German and 1,00,000 in Hindi whatever the viewer's locale. Format
codes allow two conditions: whole numbers up to two separators are grouped (below a billion
with groups of three), larger ones keep their first digits together, and negative ones show
ungrouped."""

from __future__ import annotations

from babel import Locale
from babel.numbers import get_group_symbol, parse_pattern


def grouped_whole_number_format(locale: str) -> str:
    """The format code of a whole number grouped as `locale` groups it (`#,##0` written out)."""
    parsed = Locale.parse(locale)
    pattern = parsed.decimal_formats.get(None)
    grouping = parse_pattern(pattern.pattern if pattern is not None else "#,##0.###").grouping
    primary, secondary = grouping
    symbol = get_group_symbol(parsed)
    if primary <= 0 or primary > 9 or '"' in symbol:
        return "0"
    secondary = secondary if 0 < secondary <= 9 else primary
    mark = f'"{symbol}"'
    one = f"#{mark}{'#' * (primary - 1)}0"
    two = f"#{mark}{'#' * secondary}{mark}{'#' * (primary - 1)}0"
    return f"[>={10 ** (primary + secondary)}]{two};[>={10**primary}]{one};0"

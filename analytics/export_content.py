"""Which column of an export without a header row gives what, read off its values.

Some exports start with their first sale: `00001 19970101  1  11.77`. Their columns are then
recognised by what they hold, over the file's first lines:

- the date: the first column whose every value is a date (`19970101`, `31/03/2024`...; a
  column of bare 5- to 7-digit numbers is not taken for Excel dates: those are ids or
  amounts); a ledger's due date is the second such column;
- the side: a column whose every value is `Dr` or `Cr` (`Debit`, `D`...);
- a ledger's kind: another column whose every value is a voucher type (`Sales`,
  `Receipt`, `Journal`);
- the amount: the right-most column of amounts with decimals (`11.77`, `1,234.50 Dr`),
  else the right-most column of whole numbers that is not zero-padded; an amount has no
  letters but a `Dr`/`Cr` mark or a currency (`C1` is a code, not one C-dollar). Two
  right-most columns of amounts where every line has a value in exactly one are a debit and a
  credit column;
- the customer: of the columns left that hold text or zero-padded ids (`00001`), the one whose
  values repeat most (invoice numbers hardly repeat; the left-most on a tie), else the
  left-most column of whole numbers left;
- the quantity (sales): the one column of plain whole numbers left, if there is exactly one.

Every value of a column must fit, the first line's included: a header row that was not
recognised by its names never passes for data.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from analytics.export_amounts import (
    BadAmount,
    DecimalMark,
    DecimalMarkEvidence,
    is_side,
    parse_amount,
)
from analytics.export_dates import BadDate, DateOrder, parse_export_date
from analytics.export_kinds import is_kind_word

_WHOLE = re.compile(r"[0-9]+")
_ZERO_PADDED = re.compile(r"0[0-9]+")
# Bare numbers an Excel serial date could be; in a text file they are ids or amounts.
_SERIAL_LIKE = re.compile(r"[0-9]{5,7}(?:\.[0-9]+)?")
# The words an amount may carry: a side, `Rs`, a currency code.
_AMOUNT_WORDS = re.compile(r"(?i:(?<![a-z])(?:dr|cr|rs)(?![a-z])\.?)|(?:^|\s)[A-Z]{3}(?=\s|$)")
_LETTER = re.compile(r"[^\W\d_]")


def position_name(index: int) -> str:
    """The name of a column of a file without a header: `column 1`, `column 2`..."""
    return f"column {index + 1}"


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    index: int
    dates: bool
    kinds: bool
    sides: bool
    amounts: bool
    # Whole numbers only (no decimals, no signs or separators).
    whole: bool
    decimals: bool
    zero_padded: bool
    # How many different values the column holds.
    distinct: int

    @property
    def text(self) -> bool:
        return not (self.dates or self.amounts)


def _is_date(value: str) -> bool:
    if _SERIAL_LIKE.fullmatch(value):
        return False
    for order in DateOrder:
        try:
            parse_export_date(value, order)
        except BadDate:
            continue
        return True
    return False


def _amounts(values: Sequence[str]) -> tuple[bool, bool]:
    """(every value is an amount, some has decimals)."""
    evidence = DecimalMarkEvidence()
    for value in values:
        evidence.observe(value)
    mark: DecimalMark = evidence.mark
    decimals = False
    for value in values:
        if _LETTER.search(_AMOUNT_WORDS.sub("", value)):
            return False, False
        try:
            amount = parse_amount(value, mark)
        except BadAmount:
            return False, False
        exponent = amount.value.as_tuple().exponent
        decimals |= isinstance(exponent, int) and exponent < 0
    return True, decimals


def profile_column(index: int, values: Sequence[str]) -> ColumnProfile | None:
    """What the values of one column are; None for a column without any value."""
    present = [value.strip() for value in values if value and value.strip()]
    if not present:
        return None
    amounts, decimals = _amounts(present)
    return ColumnProfile(
        index=index,
        dates=all(_is_date(value) for value in present),
        kinds=all(is_kind_word(value) for value in present),
        sides=all(is_side(value) for value in present),
        amounts=amounts,
        whole=all(_WHOLE.fullmatch(value) for value in present),
        decimals=decimals,
        zero_padded=any(_ZERO_PADDED.fullmatch(value) for value in present),
        distinct=len(set(present)),
    )


def columns_by_content(rows: Sequence[Sequence[str]], roles: Collection[str]) -> dict[str, int]:
    """Role -> index of the column that gives it, for the roles among `roles` that some
    column's values show (see the module's rules)."""
    width = max((len(row) for row in rows), default=0)
    columns = [[row[index] if index < len(row) else "" for row in rows] for index in range(width)]
    profiles = [
        profile
        for index, values in enumerate(columns)
        if (profile := profile_column(index, values)) is not None
    ]
    assigned: dict[str, int] = {}
    free = {profile.index: profile for profile in profiles}

    def take(role: str, profile: ColumnProfile | None) -> None:
        if profile is not None and role in roles and role not in assigned:
            assigned[role] = profile.index
            del free[profile.index]

    dates = [profile for profile in profiles if profile.dates]
    take("date", dates[0] if dates else None)
    take("due_date", dates[1] if len(dates) > 1 else None)
    take("side", next((p for p in free.values() if p.sides and not p.amounts), None))
    take("kind", next((p for p in free.values() if p.kinds and not p.amounts), None))
    numbers = [p for p in free.values() if p.amounts and not p.dates]
    with_decimals = [p for p in numbers if p.decimals and not p.zero_padded]
    plain = [p for p in numbers if not p.zero_padded]
    sides = with_decimals[-2:]
    if len(sides) == 2 and _one_or_the_other(columns[sides[0].index], columns[sides[1].index]):
        take("debit", sides[0])
        take("credit", sides[1])
    else:
        take("amount", with_decimals[-1] if with_decimals else plain[-1] if plain else None)
    ids = sorted(
        (p for p in free.values() if (p.text and not p.kinds) or p.zero_padded),
        key=lambda p: (p.distinct, p.index),
    )
    whole = [p for p in free.values() if p.whole and not p.zero_padded]
    take("customer", ids[0] if ids else whole[0] if whole else None)
    counts = [p for p in free.values() if p.whole and not p.zero_padded]
    if len(counts) == 1:
        take("quantity", counts[0])
    return assigned


def _one_or_the_other(left: Sequence[str], right: Sequence[str]) -> bool:
    """Whether two columns are a debit and a credit column: every line has a value in
    exactly one of them."""
    return all(bool(a.strip()) != bool(b.strip()) for a, b in zip(left, right, strict=True))

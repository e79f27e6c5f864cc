from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.export_amounts import (
    Amount,
    BadAmount,
    BadSide,
    DecimalMark,
    Side,
    infer_decimal_mark,
    is_side,
    parse_amount,
    parse_side,
)

POINT, COMMA = DecimalMark.POINT, DecimalMark.COMMA


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1234.50", POINT, Amount(Decimal("1234.50"))),
        ("1,234.50", POINT, Amount(Decimal("1234.50"))),
        ("12,34,567.00", POINT, Amount(Decimal("1234567.00"))),
        ("₹1,23,45,678.50", POINT, Amount(Decimal("12345678.50"))),
        ("$1,234", POINT, Amount(Decimal("1234"))),
        ("Rs. 1,200", POINT, Amount(Decimal("1200"))),
        ("1,200.00 INR", POINT, Amount(Decimal("1200.00"))),
        ("USD 1,000,000", POINT, Amount(Decimal("1000000"))),
        ("₹ 12,500.00 Dr", POINT, Amount(Decimal("12500.00"), Side.DEBIT)),
        ("500.00 Cr", POINT, Amount(Decimal("500.00"), Side.CREDIT)),
        ("500cr.", POINT, Amount(Decimal("500"), Side.CREDIT)),
        ("Dr 75", POINT, Amount(Decimal("75"), Side.DEBIT)),
        ("(500.00)", POINT, Amount(Decimal("-500.00"))),
        ("500-", POINT, Amount(Decimal("-500"))),
        ("-$12.5", POINT, Amount(Decimal("-12.5"))),
        ("\u22123", POINT, Amount(Decimal("-3"))),
        ("-0", POINT, Amount(Decimal("0"))),
        (".5", POINT, Amount(Decimal("0.5"))),
        ("1'234.5", POINT, Amount(Decimal("1234.5"))),
        ("1.234,50", COMMA, Amount(Decimal("1234.50"))),
        ("1 234,50 €", COMMA, Amount(Decimal("1234.50"))),
        ("€1.234", COMMA, Amount(Decimal("1234"))),
        ("12,5", COMMA, Amount(Decimal("12.5"))),
    ],
)
def test_amounts_as_exports_write_them(text: str, mark: DecimalMark, expected: Amount) -> None:
    assert parse_amount(text, mark) == expected
    assert str(parse_amount(text, mark).value) == str(expected.value)


@pytest.mark.parametrize(
    ("text", "mark", "reason"),
    [
        ("abc", POINT, "write it like 1234.50 or 1,234.50"),
        ("N/A", POINT, "write it like"),
        ("1,2,3", POINT, "write it like"),
        ("12,345,67", POINT, "write it like"),
        ("123,45,678", POINT, "write it like"),  # lakhs after a group of three
        ("1,23,456,789", POINT, "write it like"),  # lakhs, then thousands
        ("1.2.3", POINT, "write it like"),
        ("--5", POINT, "more than one minus sign"),
        ("1,234.50", COMMA, "decimal comma, as in 1.234,50"),
        ("Dr", POINT, "write it like"),
    ],
)
def test_what_is_not_an_amount_says_how_to_write_one(
    text: str, mark: DecimalMark, reason: str
) -> None:
    with pytest.raises(BadAmount) as caught:
        parse_amount(text, mark)
    assert reason in str(caught.value)


def test_the_decimal_mark_is_decided_by_the_whole_file() -> None:
    assert infer_decimal_mark(["1,234", "2,000"]) is POINT
    assert infer_decimal_mark(["1,5", "2,25"]) is COMMA
    assert infer_decimal_mark(["1.234,50"]) is COMMA
    assert infer_decimal_mark(["1.234.567"]) is COMMA
    assert infer_decimal_mark(["12,5", "1,234.50"]) is POINT
    assert infer_decimal_mark(["12.5"]) is POINT
    assert infer_decimal_mark(["Rs. 1,200", "$ 3,000"]) is POINT


def _grouped(digits: str, size: int = 3) -> list[str]:
    groups: list[str] = []
    while len(digits) > size:
        groups.insert(0, digits[-size:])
        digits = digits[:-size]
    return [digits, *groups]


def _indian(digits: str) -> str:
    if len(digits) <= 3:
        return digits
    return ",".join([*_grouped(digits[:-3], 2), digits[-3:]])


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from(
        ["western", "indian", "european", "dr/cr", "currency", "parentheses", "tally minus"]
    ),
)
def test_every_written_amount_reads_back_exactly(value: Decimal, style: str) -> None:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    mark = POINT
    side = None
    if style == "western":
        text = f"{sign}{','.join(_grouped(whole))}.{fraction}"
    elif style == "indian":
        text = f"{sign}{_indian(whole)}.{fraction}"
    elif style == "european":
        text, mark = f"{sign}{'.'.join(_grouped(whole))},{fraction}", COMMA
    elif style == "dr/cr":
        side = Side.CREDIT if value < 0 else Side.DEBIT
        text, sign = f"{','.join(_grouped(whole))}.{fraction} {side}", ""
    elif style == "currency":
        text = f"{sign}₹ {','.join(_grouped(whole))}.{fraction}"
    elif style == "tally minus":
        text = f"{'(-)' if sign else ''}{_indian(whole)}.{fraction}"
    else:
        text = f"({whole}.{fraction})" if sign else f"{whole}.{fraction}"
    amount = parse_amount(text, mark)
    assert amount.side is side
    expected = abs(value) if side is not None else value
    assert amount.value == expected
    assert infer_decimal_mark([text]) is mark or mark is POINT


@given(
    value=st.decimals(min_value=Decimal("0.01"), max_value=10**12, places=2, allow_nan=False),
    grouping=st.sampled_from(["none", "western", "indian"]),
    currency=st.sampled_from(["", "₹ ", "Rs. ", "$"]),
    space=st.sampled_from(["", " "]),
    side=st.sampled_from(["", " Dr", " Cr"]),
)
def test_tallys_minus_sign_makes_any_written_amount_negative(
    value: Decimal, grouping: str, currency: str, space: str, side: str
) -> None:
    """`(-)` before any amount Tally writes (grouped either way, with a currency before it or
    after the sign, with a side) reads as that amount negated, never refused."""
    whole, _, fraction = f"{value:.2f}".partition(".")
    digits = {"none": whole, "western": ",".join(_grouped(whole)), "indian": _indian(whole)}
    number = f"{digits[grouping]}.{fraction}"
    for text in (f"(-){space}{currency}{number}{side}", f"{currency}(-){space}{number}{side}"):
        amount = parse_amount(text)
        assert amount.value == -value, text
        assert amount.side == (Side(side.strip()) if side else None)
        # Minus twice is still refused, not read as plus.
        with pytest.raises(BadAmount, match="more than one minus sign"):
            parse_amount(f"(-)-{number}")


_SIDE_WORDS = {"dr": Side.DEBIT, "debit": Side.DEBIT, "d": Side.DEBIT}
_SIDE_WORDS |= {"cr": Side.CREDIT, "credit": Side.CREDIT, "c": Side.CREDIT}


@given(
    word=st.sampled_from(sorted(_SIDE_WORDS)),
    cases=st.lists(st.booleans(), min_size=6, max_size=6),
    dot=st.booleans(),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_a_side_column_names_its_side_in_any_case(
    word: str, cases: list[bool], dot: bool, spaces: str
) -> None:
    written = "".join(c.upper() if up else c for c, up in zip(word, cases, strict=False))
    text = f"{spaces}{written}{'.' if dot else ''}{spaces}"
    assert is_side(text)
    assert parse_side(text) is _SIDE_WORDS[word]


@pytest.mark.parametrize("text", ["", "x", "Dr Cr", "Sales", "1,000.00", "Drr", "C1"])
def test_other_texts_are_not_sides(text: str) -> None:
    assert not is_side(text)
    with pytest.raises(BadSide, match="is neither Dr nor Cr"):
        parse_side(text)


@pytest.mark.parametrize("text", ["²", "1²", "12.³", "1,2²3"])
def test_digits_decimal_cannot_read_are_not_an_amount(text: str) -> None:
    # `²` is a digit to str.isdigit but not to Decimal, which raised InvalidOperation.
    with pytest.raises(BadAmount, match="is not an amount"):
        parse_amount(text)


def test_with_a_decimal_comma_a_point_before_three_digits_groups_thousands() -> None:
    assert parse_amount("1.234", DecimalMark.COMMA).value == Decimal("1234")
    assert parse_amount("1.234", DecimalMark.POINT).value == Decimal("1.234")
    assert parse_amount("1234", DecimalMark.COMMA).value == Decimal("1234")


@pytest.mark.parametrize("text", ["0.125", "-0.125", "012.345", ".125"])
def test_with_a_decimal_comma_no_thousands_are_grouped_after_a_leading_zero(text: str) -> None:
    # `0.125` was read as 125 in a file whose `12,5` decided a decimal comma.
    with pytest.raises(BadAmount, match="decimal comma"):
        parse_amount(text, DecimalMark.COMMA)


def test_a_fraction_after_a_zero_tells_the_decimal_mark() -> None:
    assert infer_decimal_mark(["0.125"]) is DecimalMark.POINT
    assert infer_decimal_mark(["0,125"]) is DecimalMark.COMMA
    assert parse_amount("0,125", DecimalMark.COMMA).value == Decimal("0.125")
    # A point needed anywhere wins, so `12,5` beside `0.125` is refused, not `0.125` misread.
    assert infer_decimal_mark(["12,5", "0.125"]) is DecimalMark.POINT
    with pytest.raises(BadAmount):
        parse_amount("12,5", DecimalMark.POINT)


@given(st.decimals(min_value=0, max_value=Decimal("0.999"), places=3, allow_nan=False))
def test_a_fraction_below_one_is_never_read_as_thousands(value: Decimal) -> None:
    for text, mark in (
        (f"{value:.3f}", DecimalMark.POINT),
        (f"{value:.3f}".replace(".", ","), DecimalMark.COMMA),
    ):
        assert infer_decimal_mark([text]) is mark
        assert parse_amount(text, mark).value == value

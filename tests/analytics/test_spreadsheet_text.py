"""Formula injection: text bound for a spreadsheet never starts a formula, and reads back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.spreadsheet_text import (
    FORMULA_STARTS,
    spreadsheet_safe,
    spreadsheet_text_of,
    spreadsheet_value,
)

# Text that tends to start with what matters: formula characters and quotes.
_starts = st.sampled_from([*FORMULA_STARTS, "'", "''", "", "a", " ", "1", "\n"])
texts = st.one_of(st.text(), st.builds(lambda a, b: a + b, _starts, st.text()))


@given(texts)
def test_safe_text_never_starts_a_formula(text: str) -> None:
    assert not spreadsheet_safe(text).startswith(FORMULA_STARTS)


@given(texts)
def test_the_text_reads_back_exactly(text: str) -> None:
    assert spreadsheet_text_of(spreadsheet_safe(text)) == text


@given(texts)
def test_only_a_single_quote_is_ever_added(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert safe in (text, "'" + text)


@given(st.text().filter(lambda text: not text.lstrip("'").startswith(FORMULA_STARTS)))
def test_text_that_starts_no_formula_is_unchanged(text: str) -> None:
    assert spreadsheet_safe(text) == text


@given(texts)
def test_what_a_spreadsheet_shows_is_the_text(text: str) -> None:
    # A spreadsheet hides one leading quote of a text cell.
    safe = spreadsheet_safe(text)
    shown = safe[1:] if safe.startswith("'") else safe
    assert shown == text or (text.startswith("'") and shown == text[1:])


@given(texts)
def test_a_csv_round_trip_keeps_the_safe_text(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet_safe(text)])
    [[cell]] = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert spreadsheet_text_of(cell) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil","Click")', '\'=HYPERLINK("http://evil","Click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("Acme Traders", "Acme Traders"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_the_owasp_rule(text: str, expected: str) -> None:
    assert spreadsheet_safe(text) == expected


@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False),
        st.integers(),
        st.floats(allow_nan=False),
        st.dates(),
        st.none(),
    )
)
def test_numbers_and_dates_stay_what_they_are(
    value: Decimal | int | float | dt.date | None,
) -> None:
    assert spreadsheet_value(value) is value


def test_negative_numbers_stay_numbers_and_their_text_is_escaped() -> None:
    assert spreadsheet_value(Decimal("-12.5")) == Decimal("-12.5")
    assert spreadsheet_value(-3) == -3
    assert spreadsheet_value("-12.5") == "'-12.5"

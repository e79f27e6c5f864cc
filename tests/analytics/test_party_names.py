"""The normal form of party names: what it links, and what it must keep apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.party_names import party_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Sharma Electricals", "SHARMA ELECTRICALS"),
        ("Sharma Electricals", "  Sharma \t Electricals "),
        ("Sharma Electricals Pvt. Ltd.", "Sharma Electricals Pvt Ltd"),
        ("Sharma Electricals Pvt.Ltd.", "sharma electricals pvt ltd"),
        ("Gupta Traders, Delhi", "Gupta Traders Delhi"),
        ("Straße Exports", "STRASSE EXPORTS"),
        ("Café Müller", "CAFÉ MÜLLER"),
        # Composed and decomposed accents, full-width letters, a no-break space.
        ("Café", "Cafe\u0301"),
        ("\uff21\uff22\uff23 Traders", "ABC Traders"),
        ("Patel\u00a0Hardware", "Patel Hardware"),
    ],
)
def test_the_same_party_written_otherwise_has_one_key(one: str, other: str) -> None:
    assert party_key(one) == party_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Sharma & Sons", "Sharma and Sons"),
        ("A-1 Traders", "A1 Traders"),
        ("Café Müller", "Cafe Muller"),
        ("M/s Sharma Electricals", "Sharma Electricals"),
        ("Sharma Electricals Pvt Ltd", "Sharma Electricals"),
        ("S.K. Traders", "SK Traders"),
        ("Sharma Electricals (Delhi)", "Sharma Electricals Delhi"),
        ("Gupta Traders 2", "Gupta Traders"),
    ],
)
def test_names_that_may_be_two_customers_keep_two_keys(one: str, other: str) -> None:
    assert party_key(one) != party_key(other)


def test_a_name_of_only_marks_has_the_empty_key() -> None:
    assert party_key(" ., . ") == ""


@given(st.text())
def test_a_key_is_its_own_key(name: str) -> None:
    key = party_key(name)
    assert party_key(key) == key
    assert key == key.strip()
    assert "  " not in key
    assert "." not in key
    assert "," not in key


@given(st.text())
def test_a_name_and_its_case_folding_have_one_key(name: str) -> None:
    assert party_key(name.casefold()) == party_key(name)


# Upper and lower case are one under case folding for these letters (not for all of Unicode:
# the dotless i, U+0131, uppercases to `I`, which folds to `i`).
@given(
    st.text(alphabet=st.characters(codec="latin-1")),
    st.sampled_from([str.upper, str.lower, str.title, str.swapcase]),
)
def test_case_never_matters_in_latin_letters(name: str, change: object) -> None:
    assert callable(change)
    assert party_key(change(name)) == party_key(name)


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Z", "Cc")), min_size=1)),
    st.lists(st.sampled_from([" ", "  ", "\t", ". ", ", ", "\u00a0", " . "]), min_size=1),
)
def test_spaces_full_stops_and_commas_between_words_never_matter(
    words: list[str], separators: list[str]
) -> None:
    spaced = " ".join(words)
    joined = "".join(word + separators[index % len(separators)] for index, word in enumerate(words))
    assert party_key(joined) == party_key(spaced)


@given(st.text(min_size=1), st.sampled_from("&-/()'#+@0123456789xyzé"))
def test_a_letter_digit_or_other_mark_added_to_a_word_makes_another_key(
    name: str, extra: str
) -> None:
    # Appended to the last word (not after a space, which folds away).
    key = party_key(name)
    if not key:
        return
    assert party_key(key + extra) != key

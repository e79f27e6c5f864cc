"""The folded name a book is stored and matched by (analytics/book_names.py): the spellings of
one company's name are one book; different companies, a branch and another legal form stay
apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.book_names import book_key


@pytest.mark.parametrize(
    "spellings",
    [
        (
            "Kaveri Distributors Pvt. Ltd.",
            "Kaveri Distributors Pvt Ltd",
            "KAVERI DISTRIBUTORS PRIVATE LIMITED",
            "Kaveri  Distributors Pvt.Ltd.",
            "kaveri distributors pvt. limited",
        ),
        ("Acme Distributing LLC", "Acme Distributing L.L.C.", "ACME DISTRIBUTING, LLC"),
        ("Sharma Trading Co.", "Sharma Trading Company", "SHARMA TRADING CO"),
        ("Kumar & Co.", "Kumar and Company", "KUMAR AND CO."),
        ("Craig's Design and Landscaping Services", "Craigs Design & Landscaping Services"),
        ("Rocket Labs Inc.", "Rocket Labs, Incorporated", "ROCKET LABS INC"),
        ("A. K. Traders", "AK Traders", "A.K. Traders"),
        ("Kaveri Distributors (Hubli Branch)", "Kaveri Distributors - Hubli Branch"),
    ],
)
def test_the_spellings_of_one_name_are_one_book(spellings: tuple[str, ...]) -> None:
    assert len({book_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    "names",
    [
        ("Acme Traders", "Acme Trading"),
        ("Kaveri Distributors Pvt Ltd", "Kaveri Distributors Ltd"),
        ("Kaveri Distributors Pvt. Ltd.", "Kaveri Distributors (Hubli Branch)"),
        ("Shree Ganesh Distributors", "Shree Ganesh Distributor"),
        ("Sharma Trading Co.", "Sharma Trading Corp."),
        ("Unit 1", "Unit 2"),
    ],
)
def test_different_companies_stay_two_books(names: tuple[str, str]) -> None:
    assert book_key(names[0]) != book_key(names[1])


@given(st.text(max_size=40))
def test_a_folded_name_folds_to_itself(printed: str) -> None:
    """0027 folds the stored books, and a title may print the folded name itself: folding
    twice changes nothing."""
    assert book_key(book_key(printed)) == book_key(printed)

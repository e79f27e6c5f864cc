"""Which family a run of the deck names for a complex script (`cli/slides/scripts.py`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cli.slides.scripts import complex_script_family

# Latin, Greek and Cyrillic letters, digits and punctuation: what the theme's fonts cover.
COVERED = st.text(st.characters(max_codepoint=0x052F, exclude_categories=["Cs"]))


@given(COVERED)
def test_text_the_theme_covers_names_no_family(text: str) -> None:
    assert complex_script_family(text) is None


@given(COVERED, COVERED)
def test_a_devanagari_letter_anywhere_names_a_devanagari_family(before: str, after: str) -> None:
    assert complex_script_family(f"{before}अ{after}") == "Noto Sans Devanagari"


def test_the_first_complex_script_names_the_family() -> None:
    assert complex_script_family("ROI review · अप्रैल 2023") == "Noto Sans Devanagari"
    assert complex_script_family("شركة") == "Noto Sans Arabic"
    assert complex_script_family("บริษัท · अ") == "Noto Sans Thai"
    assert complex_script_family("Chiffre d'affaires · 11\u202f800,25\xa0€") is None

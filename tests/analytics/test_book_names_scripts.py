"""Book names in any script (analytics/book_names.py): a company printed in Devanagari (or
Cyrillic, Greek...) is folded as a Latin name is, its combining marks part of its words, its
legal form in Hindi the same word as in English; two names fold together only when they differ
in case, punctuation, spacing or the spelling of their legal form.

Before: a combining mark (a Devanagari vowel sign, the virama) was read as punctuation, so
`शर्मा` folded to `शर म` and `राम` and `रम` (two names) to one book; and a title whose company was
printed in a script other than Latin named no book (`analytics/book_titles.py`)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.book_names import book_key
from analytics.book_titles import title_book


@pytest.mark.parametrize(
    "spellings",
    [
        (
            "शर्मा ट्रेडिंग प्राइवेट लिमिटेड",
            "शर्मा ट्रेडिंग प्रा. लि.",
            "शर्मा  ट्रेडिंग प्राईवेट लिमिटिड",
            "शर्मा ट्रेडिंग Pvt. Ltd.",
            "शर्मा-ट्रेडिंग (प्रा.) लि.",
        ),
        ("कुमार एंड कम्पनी", "कुमार एंड कंपनी", "कुमार एंड कं."),
        ("ए. के. ट्रेडर्स", "एके ट्रेडर्स"),
        ("कावेरी डिस्ट्रीब्यूटर्स (यूनिट २)", "कावेरी डिस्ट्रीब्यूटर्स - यूनिट 2"),
        # A zero-width joiner chooses how a conjunct is drawn, not which name it is.
        ("लक्ष्मी ट्रेडर्स", "लक्\u200dष्मी ट्रेडर्स"),
        ("ООО «Ромашка»", "ооо ромашка"),  # noqa: RUF001
        ("Σπύρου Εμπορική", "ΣΠΎΡΟΥ ΕΜΠΟΡΙΚΉ"),
    ],
)
def test_the_spellings_of_one_name_are_one_book(spellings: tuple[str, ...]) -> None:
    assert len({book_key(spelling) for spelling in spellings}) == 1, [
        book_key(spelling) for spelling in spellings
    ]


@pytest.mark.parametrize(
    "names",
    [
        ("राम ट्रेडर्स", "रम ट्रेडर्स"),
        ("शर्मा ट्रेडिंग", "शरमा ट्रेडिंग"),
        ("शर्मा ट्रेडिंग", "शर्मी ट्रेडिंग"),
        ("शर्मा ट्रेडिंग", "शर्म ट्रेडिंग"),
        ("कावेरी डिस्ट्रीब्यूटर्स (यूनिट १)", "कावेरी डिस्ट्रीब्यूटर्स (यूनिट २)"),
        ("शर्मा ट्रेडिंग प्राइवेट लिमिटेड", "शर्मा ट्रेडिंग लिमिटेड"),
        # No transliteration: the two scripts' spellings of a name are two books.
        ("Sharma Trading", "शर्मा ट्रेडिंग"),
    ],
)
def test_different_names_stay_two_books(names: tuple[str, str]) -> None:
    assert book_key(names[0]) != book_key(names[1])


@pytest.mark.parametrize(
    "name",
    ["शर्मा ट्रेडिंग प्राइवेट लिमिटेड", "東京商事株式会社", "ООО Ромашка", "كافيري للتوزيع"],  # noqa: RUF001
)
def test_a_title_naming_its_company_in_another_script_names_a_book(name: str) -> None:
    title = [[name], ["Ledger: Sharma Electricals"], ["1-Apr-2025 to 31-Mar-2026"]]

    assert title_book(title) == name
    assert book_key(name)


# Content words: two or more letters of one script (marks after a letter), never a legal
# form's spelling nor `and`.
_DEVANAGARI_LETTERS = [chr(c) for c in range(0x0915, 0x093A)]
_DEVANAGARI_MARKS = [chr(c) for c in (*range(0x093E, 0x094D), 0x094D, 0x0902)]
_SCRIPTS: dict[str, tuple[list[str], list[str]]] = {
    "latin": (list("abcdefghijklmnopqrstuvwxyz"), []),
    "cyrillic": ([chr(c) for c in range(0x0430, 0x0450)], []),
    "greek": ([chr(c) for c in range(0x03B1, 0x03CA) if c != 0x03C2], []),
    "devanagari": (_DEVANAGARI_LETTERS, _DEVANAGARI_MARKS),
}
# Each legal form (its English word, as book_key keeps it) and its spellings.
_FORMS = {
    "private": ("Pvt", "Pvt.", "PRIVATE", "Private", "प्रा.", "प्राइवेट", "प्राईवेट"),
    "limited": ("Ltd", "Ltd.", "LIMITED", "limited", "लि.", "लिमिटेड", "लिमिटिड"),
    "company": ("Co", "Co.", "Company", "कंपनी", "कम्पनी", "कं."),
    "incorporated": ("Inc", "Inc.", "Incorporated"),
    "corporation": ("Corp", "Corp.", "CORPORATION"),
}
_FORM_WORDS = {book_key(spelling) for spellings in _FORMS.values() for spelling in spellings}
_ENDINGS = [(), ("private", "limited"), ("limited",), ("company",), ("incorporated",)]
_ENDINGS += [("corporation",)]
_SEPARATORS = [" ", "  ", ". ", ", ", " - ", "/", " । ", " (", ") ", "\t"]


@st.composite
def _word(draw: st.DrawFn) -> str:
    letters, marks = draw(st.sampled_from(list(_SCRIPTS.values())))
    chars: list[str] = []
    for _ in range(draw(st.integers(2, 5))):
        chars.append(draw(st.sampled_from(letters)))
        if len(marks) > 0 and draw(st.booleans()):
            chars.append(draw(st.sampled_from(marks)))
    word = "".join(chars)
    folded = unicodedata.normalize("NFKC", word.casefold())
    if folded in _FORM_WORDS or folded in {"and", *_FORMS}:
        word += draw(st.sampled_from(letters))
    return word


# A name: its words and its legal form (a tuple of the forms' English words).
_NAMES = st.tuples(st.lists(_word(), min_size=1, max_size=4), st.sampled_from(_ENDINGS))


@st.composite
def _printed(draw: st.DrawFn, name: tuple[list[str], tuple[str, ...]]) -> str:
    """One way a title may print the name: any case, any separators, any spelling of its
    legal form."""
    words, ending = name
    shown = [draw(st.sampled_from([word, word.upper(), word.title()])) for word in words]
    shown += [draw(st.sampled_from(_FORMS[form])) for form in ending]
    text = draw(st.sampled_from(["", " ", "("]))
    for index, word in enumerate(shown):
        text += word + draw(st.sampled_from(_SEPARATORS if index < len(shown) - 1 else ["", "."]))
    return text


def _identity(name: tuple[list[str], tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What makes two names one company: their words (case aside) and their legal form."""
    words, ending = name
    return tuple(unicodedata.normalize("NFKC", word.casefold()) for word in words), ending


@given(st.data(), _NAMES)
def test_two_printings_of_one_name_are_one_book(
    data: st.DataObject, name: tuple[list[str], tuple[str, ...]]
) -> None:
    first = data.draw(_printed(name))
    second = data.draw(_printed(name))

    assert book_key(first) == book_key(second)


@given(st.data(), _NAMES, _NAMES)
def test_two_names_fold_together_only_when_they_are_one_name(
    data: st.DataObject,
    name: tuple[list[str], tuple[str, ...]],
    other: tuple[list[str], tuple[str, ...]],
) -> None:
    first = data.draw(_printed(name))
    second = data.draw(_printed(other))

    assert (book_key(first) == book_key(second)) == (_identity(name) == _identity(other))


@given(st.text(max_size=40))
def test_a_folded_name_of_any_script_folds_to_itself(printed: str) -> None:
    assert book_key(book_key(printed)) == book_key(printed)

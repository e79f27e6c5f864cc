"""The name a book is stored and matched by: the company's name as its title prints it,
folded, so that one company printed two ways is one book.

Tally prints the company's mailing name, which users edit (`Kaveri Distributors Pvt. Ltd.`
becomes `Kaveri Distributors Pvt Ltd`); QuickBooks and Zoho Books print whatever was typed in
the company settings. Loaded under each spelling, the same ledger was stored twice, and
credit risk counted its bills and receipts twice.

The fold (`book_key`), in order:

- Unicode compatibility forms (NFKC) and case folded (`KAVERI` is `kaveri`), in every
  script;
- `&` is the word `and`; an apostrophe is dropped (`Craig's` is `craigs`); characters that
  change how a name is drawn and not which name it is are dropped (zero-width joiners, which
  choose a Devanagari conjunct's form; soft hyphens; the Arabic tatweel);
- a digit of any script is its ASCII digit (`यूनिट २` is `यूनिट 2`);
- a letter's combining marks are part of its word, whatever the script (Devanagari's vowel
  signs and virama: `शर्मा` is one word, never `श र म`, and `राम` and `रम` stay two);
- every other run of characters that are not letters, marks or digits is one space
  (`Pvt.Ltd.`, `Pvt. Ltd.` and `Pvt Ltd` are `pvt ltd`; `(Hubli Branch)` is `hubli branch`;
  the Devanagari danda `।` too);
- a run of one-letter words (one letter with its marks) is one word (`L.L.C.` is `llc`,
  `A. K. Traders` is `ak traders`, `ए. के. ट्रेडर्स` is `एके ट्रेडर्स`);
- the spellings of a legal form are one word, in English or in Hindi: `Pvt`/`Private`/
  `प्रा`/`प्राइवेट`, `Ltd`/`Limited`/`लि`/`लिमिटेड`, `Co`/`Company`/`कं`/`कंपनी`,
  `Inc`/`Incorporated`, `Corp`/`Corporation`, each as the English word (a form printed in
  Hindi and in English is one).

Nothing else is folded: a word is never dropped, stemmed, transliterated or guessed (`Sharma
Traders` and `शर्मा ट्रेडर्स` are two books) (`Acme Traders` and
`Acme Trading` stay two books, and so do `Kaveri Pvt Ltd` and `Kaveri Ltd`: a private and a
public company are two), and a branch's words keep it apart from its head office.
"""

from __future__ import annotations

import unicodedata

# Each spelling of a legal form, folded to one word: the full English word, so that a form
# printed in Hindi and in English is one (`प्राइवेट लिमिटेड` is `private limited`).
_LEGAL_FORMS = {
    "pvt": "private",
    "ltd": "limited",
    "co": "company",
    "inc": "incorporated",
    "corp": "corporation",
    # Hindi (Devanagari), as Indian firms print their legal form: the words and the usual
    # abbreviations (`प्रा. लि.` for Pvt. Ltd., `कं.` for Co.), with the common variants of
    # a word's spelling (the long vowel of `प्राईवेट`, the half nasal of `कम्पनी`).
    "प्राइवेट": "private",
    "प्राईवेट": "private",
    "प्रा": "private",
    "लिमिटेड": "limited",
    "लिमिटिड": "limited",
    "लि": "limited",
    "कंपनी": "company",
    "कम्पनी": "company",
    "कं": "company",
}
_APOSTROPHES = frozenset("'\u2019\u2018`")
# Letters that only stretch a word where it is drawn (the Arabic tatweel): dropped, as the
# format characters (category Cf: zero-width joiners, soft hyphens) are.
_DRAWN_ONLY = frozenset("\u0640")


def _words(text: str) -> list[str]:
    """The words of a case-folded name: letters with their combining marks, digits as ASCII
    digits; apostrophes and characters that only change how it is drawn dropped; anything
    else (`&` aside, the word `and`) between words."""
    chars: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf" or char in _APOSTROPHES or char in _DRAWN_ONLY:
            continue
        if category == "Nd":
            chars.append(str(unicodedata.decimal(char)))
        elif category[0] in "LMN":
            chars.append(char)
        elif char == "&":
            chars.append(" and ")
        else:
            chars.append(" ")
    return "".join(chars).split()


def _letters(word: str) -> int:
    """How many letters (or digits) a word has, its combining marks not counted."""
    return sum(1 for char in word if unicodedata.category(char)[0] != "M")


def book_key(printed: str) -> str:
    """The folded name of the company a title prints (see the module's rule)."""
    # Compatibility forms before and after case folding (folding may leave a form NFKC changes).
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", printed).casefold())
    words: list[str] = []
    initials = ""
    for word in _words(text):
        if _letters(word) <= 1:
            initials += word
            continue
        if initials:
            words.append(initials)
            initials = ""
        words.append(word)
    if initials:
        words.append(initials)
    # Composed again: a mark the punctuation left alone (`R` then a spacing cedilla, U+00B8) joins
    # the letter before it once their words are one (`ŗ`), so that folding twice changes
    # nothing.
    return unicodedata.normalize("NFKC", " ".join(_LEGAL_FORMS.get(word, word) for word in words))

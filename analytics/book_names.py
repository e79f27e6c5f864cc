"""The name a book is stored and matched by: the company's name as its title prints it,
folded, so that one company printed two ways is one book.

Tally prints the company's mailing name, which users edit (`Kaveri Distributors Pvt. Ltd.`
becomes `Kaveri Distributors Pvt Ltd`); QuickBooks and Zoho Books print whatever was typed in
the company settings. Loaded under each spelling, the same ledger was stored twice, and
credit risk counted its bills and receipts twice.

The fold (`book_key`), in order:

- Unicode compatibility forms (NFKC) and case folded (`KAVERI` is `kaveri`);
- `&` is the word `and`; an apostrophe is dropped (`Craig's` is `craigs`);
- every other run of characters that are not letters or digits is one space (`Pvt.Ltd.`,
  `Pvt. Ltd.` and `Pvt Ltd` are `pvt ltd`; `(Hubli Branch)` is `hubli branch`);
- a run of one-character words is one word (`L.L.C.` is `llc`, `A. K. Traders` is
  `ak traders`);
- the spellings of a legal form are one word: `Pvt`/`Private`, `Ltd`/`Limited`,
  `Co`/`Company`, `Inc`/`Incorporated`, `Corp`/`Corporation`.

Nothing else is folded: a word is never dropped, stemmed or guessed (`Acme Traders` and
`Acme Trading` stay two books, and so do `Kaveri Pvt Ltd` and `Kaveri Ltd`: a private and a
public company are two), and a branch's words keep it apart from its head office.
"""

from __future__ import annotations

import re
import unicodedata

# Each spelling of a legal form, folded to one word (the full word).
_LEGAL_FORMS = {
    "pvt": "private",
    "ltd": "limited",
    "co": "company",
    "inc": "incorporated",
    "corp": "corporation",
}
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_SEPARATORS = re.compile(r"[\W_]+")


def book_key(printed: str) -> str:
    """The folded name of the company a title prints (see the module's rule)."""
    # Compatibility forms before and after case folding (folding may leave a form NFKC changes).
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", printed).casefold())
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    words: list[str] = []
    initials = ""
    for word in _SEPARATORS.sub(" ", text).split():
        if len(word) == 1:
            initials += word
            continue
        if initials:
            words.append(initials)
            initials = ""
        words.append(word)
    if initials:
        words.append(initials)
    return " ".join(_LEGAL_FORMS.get(word, word) for word in words)

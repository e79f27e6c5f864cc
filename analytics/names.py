"""The normal form two spellings of one name share: `Retail & E-commerce`, `retail  &
e-commerce` and `RETAIL & E-COMMERCE` are one sector.

Unicode compatibility forms are folded first (NFKC: a full-width letter, a no-break space),
then case (`str.casefold`: `STRASSE` and `Straße` agree) and runs of whitespace (one space,
none at either end). Nothing else is dropped: `Retail` and `Retail & E-commerce` stay two
names, so a name matches only what a person would call the same words.
"""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    """The normal form of a name, for matching: NFKC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

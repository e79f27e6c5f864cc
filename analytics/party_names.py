"""The normal form under which a party of an accounting export is compared with the names of
the accounts already loaded (and with the parties of a mapping file).

Accounting exports name their parties, not our ids, and write the same name in several ways:
`SHARMA ELECTRICALS`, `Sharma  Electricals`, `Sharma Electricals Pvt. Ltd.` beside `Sharma
Electricals Pvt Ltd`. Two names are the same party when their normal forms are equal:

- Unicode compatibility forms and case are folded (NFKC case folding: `Straße` = `STRASSE`,
  full-width letters = plain ones, a no-break space = a space);
- full stops and commas are spaces (`Pvt. Ltd.` = `Pvt Ltd` = `Pvt.Ltd.`, `Delhi, India` =
  `Delhi India`);
- runs of whitespace are one space, and none leads or trails.

Nothing else is folded, because a false merge of two real customers is worse than a missing
link (which a mapping file fixes): other punctuation stays (`Sharma & Sons` is not `Sharma and
Sons`, `A-1 Traders` is not `A1 Traders`), letters keep their accents (`Café` is not `Cafe`),
words are not dropped (`M/s Sharma` is not `Sharma`, `Sharma Pvt Ltd` is not `Sharma`), and
spaces are not removed (`S.K. Traders` becomes `s k traders`, which is not `SK Traders`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Full stops and commas: abbreviation marks and list separators, never what tells two
# customers apart.
_MARKS = re.compile(r"[.,]")


@lru_cache(maxsize=65536)
def party_key(name: str) -> str:
    """The normal form of a party's name; "" for a name of only marks and spaces, which is
    never compared (it names nobody)."""
    text = _once(name)
    # Removing marks and spaces can bring a combining mark next to another letter: fold
    # until nothing changes (once more at most in practice), so that a key is its own key.
    while (again := _once(text)) != text:
        text = again
    return text


def _once(text: str) -> str:
    # NFKC around the case folding, as Unicode's NFKC_Casefold: folding can leave a text that
    # is not normalized (a capital with a combining mark), normalizing one that folds again.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_MARKS.sub(" ", text).split())

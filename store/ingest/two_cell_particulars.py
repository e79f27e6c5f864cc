"""A ledger's `Particulars` printed over two cells, as Tally ERP 9 and Prime export a ledger
account: the side word in the named column (`To` on a debit, `By` on a credit, or `Dr`/`Cr`
where Tally is set to write them) and the other account of the entry in the unnamed column
right after it:

    Date,Particulars,,Vch Type,Vch No.,Debit,Credit
    1-Apr-2024,,Opening Balance,,,"25,000.00",
    5-Apr-2024,To,Sales Account,Sales,ST/24-25/010,"1,18,000.00",

The same ledger exported with `To Sales Account` in one cell names the same entries. So a
line's Particulars is read from both cells: the unnamed one when the named one is blank or
holds a side word alone (its side is the Debit or Credit column's already). Then the side
words are never taken for parties, and a balance line (`Opening Balance`, `By Closing
Balance`) is one whichever cell holds its label. A named cell holding a name keeps it.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from functools import lru_cache

# The key rows carry the unnamed column right after the customer's column under (no role is
# named so); `join_particulars` folds it into the customer's.
PARTICULARS_CONTINUED = "_particulars_continued"

_SIDE_WORDS = frozenset(("to", "by", "dr", "cr"))
_LEADING_SIDE_WORD = re.compile(r"^(?:to|by|dr|cr)\.?\s+", re.IGNORECASE)


# A ledger repeats the same few words line after line: each is judged once.
@lru_cache(maxsize=256)
def is_side_word(text: str) -> bool:
    """Whether a cell holds only the side word Tally writes before an entry's account."""
    return text.strip().rstrip(".").strip().casefold() in _SIDE_WORDS


def without_side_word(text: str) -> str:
    """A one-cell Particulars without the side word before it: Tally ERP 9 prints its
    closing balance as `By Closing Balance` (on the credit side, so that the columns'
    totals agree), a balance line all the same."""
    return _LEADING_SIDE_WORD.sub("", text.strip())


def join_particulars(row: MutableMapping[str, str | None]) -> None:
    """Reads a row's Particulars from its two cells (in place), dropping the second's key."""
    continued = row.pop(PARTICULARS_CONTINUED, None)
    if continued is None:
        return
    named = row.get("customer")
    if named is None or is_side_word(named):
        row["customer"] = continued

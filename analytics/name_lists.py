"""A list of names that a message shows in one line, however many there are: the first few,
then how many more (`a, b, c and 1,234 more`).

One rule for every such message (ingest notes and refusals, the query limits' refusals), in
the innermost layer so that all of them may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def first_and_more(names: Sequence[str], limit: int, shown: Callable[[str], str] = str) -> str:
    """The first `limit` names, each as `shown` writes it, joined by commas, and
    `and N more` when there are more (N grouped by thousands). Only the names listed are
    passed to `shown`: a list may hold a whole file's."""
    listed = ", ".join(shown(name) for name in names[:limit])
    more = len(names) - limit
    return f"{listed} and {more:,} more" if more > 0 else listed

"""The shape of a line or a value of a file, before its columns mean anything.

- Control characters: a value may hold a tab and line breaks (a quoted CSV cell or a JSON
  string may span lines), but no other C0 control character (NUL, an escape sequence) and no
  lone UTF-16 surrogate: SQLite would store them and PostgreSQL refuse them, and printed to a
  terminal some of them act. `unprintable` says whether a text must be escaped before it is
  printed (any control character, line breaks included).
- Rule lines: reports draw lines of `---`, `===` or `___` under a header or above a total;
  they are layout, not data.
"""

from __future__ import annotations

import re

# C0 controls except the tab and line breaks, and lone surrogates (JSON's "\\ud800"), which
# no UTF-8 store can hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# What a terminal may act on or a line may not hold: C0 and C1 controls, DEL, surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A rule: only rule characters, spaces, delimiters and the `+` of a crossing, with at least
# three dashes, equals signs or underscores in a row.
_RULE = re.compile(r"[\s\-=_+|,;:~*.]*(?:---|===|___)[\s\-=_+|,;:~*.]*")
# What a rule line may start with: the cheap test before the whole one.
RULE_STARTS = frozenset(" \t\r\n-=_+|,;:~*.")


def control_character(text: str) -> str | None:
    """The first character of `text` that a value may not hold, as `U+0000`; None if none."""
    match = CONTROL_CHARACTERS.search(text)
    if match is None:
        return None
    return f"U+{ord(match[0]):04X}"


def unprintable(text: str) -> bool:
    """Whether `text` must be escaped before it is printed on one line of a terminal."""
    return _UNPRINTABLE.search(text) is not None


def is_rule_line(text: str) -> bool:
    """Whether a line (or a row's cells joined) is a rule drawn across a report."""
    return text[:1] in RULE_STARTS and _RULE.fullmatch(text) is not None

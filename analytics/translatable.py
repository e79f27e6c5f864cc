"""The product's own words, written in English and translatable: a function that writes a
sentence takes a `Translate` (a gettext) and looks each English message up through it.

Messages are found in the source by Babel's extractor (`pybabel extract`, `make translations`):
a literal passed to `gettext(...)` or `ngettext(...)`, or marked with `N_(...)` where it is
written down before it is looked up (a table of words)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark `message` for translation where it is defined; it is looked up where it is used."""
    return message


def as_written(message: str) -> str:
    """The translation of a message into English: the message itself."""
    return message

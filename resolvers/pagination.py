"""Cursor pagination arguments: opaque cursors over entity ids, pages of 1 to 100.

A cursor names the kind of entity it was made for: an account's cursor passed to
`companies(after:)` is refused like any other cursor that was not an endCursor of that list."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from resolvers.errors import bad_input

MAX_PAGE = 100
MAX_IDS = 100
DEFAULT_PAGE = 50

CursorKind = Literal["account", "company", "contract"]


def encode_cursor(entity_id: str, kind: CursorKind = "account") -> str:
    return base64.urlsafe_b64encode(f"{kind}:{entity_id}".encode()).decode()


def decode_cursor(cursor: str | None, kind: CursorKind = "account") -> str | None:
    """The id after which the page starts."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    prefix = f"{kind}:"
    if not text.startswith(prefix):
        raise bad_input(
            f"Invalid cursor {cursor!r}: pass the endCursor of a previous page, or omit `after`"
        )
    return text[len(prefix) :]


def check_first(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(f"`first` must be between 1 and {MAX_PAGE}, got {first}")
    return first


def check_ids(argument: str, ids: list[str] | None) -> tuple[str, ...] | None:
    if ids is None:
        return None
    if len(ids) > MAX_IDS:
        raise bad_input(f"`{argument}` takes at most {MAX_IDS} ids, got {len(ids)}")
    return tuple(dict.fromkeys(ids))

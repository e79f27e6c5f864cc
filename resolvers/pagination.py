"""Cursor pagination arguments: opaque cursors over account ids, pages of 1 to 100."""

from __future__ import annotations

import base64
import binascii

from resolvers.errors import bad_input

MAX_PAGE = 100
MAX_IDS = 100
_CURSOR_PREFIX = "account:"


def encode_cursor(account_id: str) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{account_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(_CURSOR_PREFIX):
        raise bad_input(
            f"Invalid cursor {cursor!r}: pass the endCursor of a previous page, or omit `after`"
        )
    return text[len(_CURSOR_PREFIX) :]


DEFAULT_PAGE = 50


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

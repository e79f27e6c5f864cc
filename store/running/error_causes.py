"""What a database error wraps or was caused by: the one walk that the read pool (is the
connection broken?) and the read router (is the server unreachable?) both make."""

from __future__ import annotations

from collections.abc import Iterator


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and what it wraps or was caused by, each once (SQLAlchemy keeps the driver's
    error in `orig`)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]

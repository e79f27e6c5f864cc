"""The app of a sales or ledger load, when it does not exist yet: a likely typo is refused.

A load into an app that does not exist creates it, with an account for every customer of the
file. A mistyped `--app tallly` beside the app `tally` that holds the company's books would
then store every customer a second time under the new app, and no command removes an app. So a
load that would create an app is refused, in one line naming the app meant, when
- its name is close to an existing app's (`difflib`, as a mistyped `--book` is caught), or
- the company whose books the file is of is already stored in another app (a forgotten or
  mistyped `--app`: a company's books are one app's),
unless `--new-app` says the app is meant to be new. A load into an existing app is never
checked: scripts that load into their app keep working unchanged."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.books import stored_books
from store.ingest.errors import FileRejected
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK
from store.tables import APP_TABLE

# How alike two app names must be (difflib's ratio) to take one for a typo of the other:
# `tallly`/`tally` 0.91 and `taly`/`tally` 0.89 are, `acme`/`acne` 0.75 and `north`/`south`
# 0.6 are not (names that differ in one character of four are often meant apart).
CLOSE_NAMES = 0.8


async def check_new_app(
    connection: AsyncConnection,
    *,
    app: str,
    app_given: bool,
    book: str,
    new_app: bool,
) -> None:
    """`FileRejected` when the load would create app `app` (`app_given`: named by `--app`,
    else the default app) while another app looks meant: one of a close name, or the one that
    holds `book` (the load's book, folded; `UNKNOWN_BOOK` when the file names none)."""
    if new_app:
        return
    apps = set((await connection.execute(select(APP_TABLE.c.app_id))).scalars())
    if app in apps or not apps:
        return
    meant = _close_app(app, sorted(apps)) if app_given else None
    reason = f"its name is close to app {meant}'s"
    if meant is None and book != UNKNOWN_BOOK:
        holders = sorted({held.app for held in await stored_books(connection) if held.book == book})
        if holders:
            meant = holders[0]
            reason = f"app {meant} holds the books of {book!r}, which this file is of"
    if meant is None:
        return
    named = f"--app {app}" if app_given else f"app {app} (no --app given)"
    raise FileRejected(
        f"{named} does not exist yet and {reason}: did you mean `{meant}`? "
        f"(--app {meant}; or give --new-app to create app {app} anyway)"
    )


def _close_app(app: str, apps: Sequence[str]) -> str | None:
    """The existing app `app` is likely a typo of, if any. Names that differ in their digits
    only (`fx100` and `fx101`, `shop` and `shop2`) are numbered siblings, meant apart."""
    lettered = _DIGITS.sub("", app)
    others = [other for other in apps if _DIGITS.sub("", other) != lettered]
    close = difflib.get_close_matches(app, others, n=1, cutoff=CLOSE_NAMES)
    return close[0] if close else None


_DIGITS = re.compile(r"\d+")

"""`profiling ingest --currency CODE`: the base currency an app's sales and ledger exports
convert to, kept for the app.

A currency given is used for the file and kept for its app (as `--dates` keeps the order of
day and month: `store.ingest.date_setting`), so that a later load of the app without the
option converts to the same currency instead of deciding again from its own lines, or
refusing a file all in one foreign currency. A later `--currency` replaces it, and the load
says so in one line. Without `--currency` and with none kept, the base currency the file's
lines decide (`store.ingest.kinds.currencies`) is kept the same way: an app's exports are
summed, so a later file whose lines at rate 1 are in another currency is refused rather than
stored in that one beside the first file's amounts. `--currency guess` forgets the kept one
(as `--dates guess` forgets a kept order): that load decides from its own lines and keeps
nothing; the app's next load without `--currency` keeps what its lines decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.units import currency_code
from store.ingest.errors import FileRejected
from store.ingest.plan import TableWrite
from store.tables import INGEST_SETTING_TABLE

# `--currency guess`: no base currency given, and the one kept for the app forgotten.
GUESS = "guess"


def given_currency(text: str | None) -> str | None:
    """The ISO code `--currency` names (`INR`, `usd`, `euros`); a bad one refuses the load."""
    if text is None:
        return None
    code = currency_code(text.strip())
    if code is None:
        raise FileRejected(
            f"--currency {text!r} is not a currency: give its ISO 4217 code (INR, USD, EUR...), "
            f"or {GUESS} to let each file's lines decide"
        )
    return code


@dataclass(frozen=True, slots=True)
class AppCurrency:
    """The base currency of a load: given now (`--currency`), else kept for its app."""

    app: str
    # `--currency` now, as an ISO code.
    given: str | None = None
    # The one kept for the app before this load.
    kept: str | None = None
    # `--currency guess`: the kept one is not used, and is forgotten by the load's writes.
    forget: bool = False
    # The base currency the file's lines decided, when none was given or kept: kept for the
    # app, so that a later file in another base currency is refused, not summed with it.
    decided: str | None = None

    @property
    def code(self) -> str | None:
        return None if self.forget else self.given or self.kept

    @property
    def how(self) -> str:
        """What gave the base currency, for the load's notes."""
        if self.given is not None:
            return "--currency"
        return f"the base currency kept for app {self.app} (--currency CODE to change it)"

    def write(self) -> TableWrite | None:
        """The write that keeps the currency given now (or forgets the kept one), after the
        app's row."""
        if self.forget and self.kept is not None:
            return TableWrite(INGEST_SETTING_TABLE, ("app_id", "currency"), [(self.app, None)])
        if self._keeps_decided():
            return TableWrite(
                INGEST_SETTING_TABLE, ("app_id", "currency"), [(self.app, self.decided)]
            )
        if self.given is None or self.given == self.kept:
            return None
        return TableWrite(INGEST_SETTING_TABLE, ("app_id", "currency"), [(self.app, self.given)])

    def notes(self) -> list[str]:
        """One line when this load keeps another base currency for its app, or forgets it."""
        if self.forget:
            if self.kept is None:
                return [
                    f"--currency {GUESS}: app {self.app} has no base currency kept; this load "
                    f"decides it from its lines and keeps none"
                ]
            return [
                f"--currency {GUESS}: {self.kept}, the base currency kept for app {self.app}, "
                f"is forgotten; this load decides it from its lines, and the app's next load "
                f"without --currency keeps the one its lines decide"
            ]
        if self._keeps_decided():
            return [
                f"Base currency {self.decided} kept for app {self.app}: its later loads convert "
                f"to {self.decided}, and a file in another base currency is refused "
                f"(--currency CODE to change it)"
            ]
        if self.given is None or self.given == self.kept:
            return []
        if self.kept is None:
            return [
                f"--currency {self.given} kept for app {self.app}: its later loads convert to "
                f"{self.given} without --currency"
            ]
        return [
            f"--currency {self.given} replaces {self.kept}, the base currency kept for app "
            f"{self.app}: its later loads convert to {self.given}"
        ]

    def _keeps_decided(self) -> bool:
        """Whether the load keeps the base currency its lines decided: none was given or kept
        (a first load of the app's exports with a currency column). After `--currency guess`
        each load decides again, as asked."""
        return self.decided is not None and self.code is None and not self.forget


async def app_currency(connection: AsyncConnection, *, app: str, option: str | None) -> AppCurrency:
    """The currency given with `--currency` (checked), and the one kept for `app`."""
    forget = option is not None and option.strip().casefold() == GUESS
    given = None if forget else given_currency(option)
    kept = await connection.scalar(
        select(INGEST_SETTING_TABLE.c.currency).where(INGEST_SETTING_TABLE.c.app_id == app)
    )
    return AppCurrency(app, given, kept, forget)

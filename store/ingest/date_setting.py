"""`profiling ingest --dates day-first|month-first|guess`: the order of day and month an app's
exports write, kept for the app.

An order given is used for the file and kept for its app, so that every later load of the app
reads `04/01/2024` alike even when the later file's dates alone would say nothing (or, read
by themselves, the other order). `--dates guess` forgets it: each file's dates, title and
report decide again (`analytics.export_date_order`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.export_dates import DateOrder
from store.ingest.plan import TableWrite
from store.tables import INGEST_SETTING_TABLE


class DatesOption(StrEnum):
    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"
    GUESS = "guess"

    @property
    def order(self) -> DateOrder | None:
        if self is DatesOption.DAY_FIRST:
            return DateOrder.DAY_FIRST
        if self is DatesOption.MONTH_FIRST:
            return DateOrder.MONTH_FIRST
        return None


@dataclass(frozen=True, slots=True)
class AppDates:
    """The order of day and month a load reads its dates in, when the user says it."""

    app: str
    # The order given now (`--dates`) or kept for the app; None lets the file decide.
    order: DateOrder | None
    # What gave it, for the load's notes.
    given_by: str
    # `--dates` given now: kept for the app by the load's writes.
    option: DatesOption | None

    def write(self) -> TableWrite | None:
        """The write that keeps (or forgets) the order given now, after the app's row."""
        if self.option is None:
            return None
        order = self.option.order
        return TableWrite(
            INGEST_SETTING_TABLE,
            ("app_id", "date_order"),
            [(self.app, None if order is None else order.value)],
        )


async def app_dates(
    connection: AsyncConnection, *, app: str, option: DatesOption | None
) -> AppDates:
    """The order given with `--dates`, else the one kept for `app`, else none."""
    if option is not None:
        return AppDates(app, option.order, "--dates", option)
    kept = await connection.scalar(
        select(INGEST_SETTING_TABLE.c.date_order).where(INGEST_SETTING_TABLE.c.app_id == app)
    )
    if kept is None:
        return AppDates(app, None, "", None)
    return AppDates(
        app,
        DateOrder(kept),
        f"the order kept for app {app} (--dates guess to let each file decide)",
        None,
    )

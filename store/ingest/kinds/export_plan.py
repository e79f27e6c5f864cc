"""What a sales export and a ledger export do alike once their lines are checked: count the
lines that are not entries (totals, repeated column names), and write the parties' accounts
before the entries, then recompute the segments of the apps they touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.export_columns import words
from analytics.invoice_status import is_cancelled_voucher
from settings import SegmentOptions
from store.ingest.currency_setting import AppCurrency
from store.ingest.date_setting import AppDates
from store.ingest.guessing import ROW_LABEL
from store.ingest.kinds.exports import Resegment
from store.ingest.kinds.group_headings import names_no_customer
from store.ingest.kinds.parties import Parties
from store.ingest.plan import Before, TableWrite, WritePlan
from store.ingest.progress import IngestProgress
from store.ingest.reading import BELOW_RULE, Row


@dataclass
class SkippedLines:
    """Lines of an export that carry no entry, counted so that the load can say so."""

    totals: int = 0  # total or balance lines
    labels: int = 0  # a second line of column names (`Amount` under `Debit`)
    headings: int = 0  # a group's heading or a note, in an unnamed first column only
    cancelled: int = 0  # a cancelled voucher: Tally's `(cancelled)` for its party
    # Lines without a customer under QuickBooks' `Not Specified` heading (a walk-in sale).
    no_customer: int = 0
    # The heading of the group the lines are in (the unnamed first column's), if any.
    section: str | None = None

    def notes(self) -> list[str]:
        notes = []
        if self.totals:
            notes.append(
                f"Skipped {counted(self.totals, 'total or balance line', 'total or balance lines')}"
            )
        if self.labels:
            notes.append(
                f"Skipped {counted(self.labels, 'line', 'lines')} of column names "
                "(`Amount` under `Debit`)"
            )
        if self.headings:
            notes.append(
                "Skipped "
                + counted(self.headings, "heading or note line", "heading or note lines")
                + " (a customer's name over its lines, a footnote: text in the unnamed first "
                "column only)"
            )
        if self.cancelled:
            notes.append(
                f"Skipped {counted(self.cancelled, 'cancelled voucher', 'cancelled vouchers')} "
                f"(`(cancelled)` for the party)"
            )
        if self.no_customer:
            notes.append(
                f"Skipped {counted(self.no_customer, 'line', 'lines')} under `Not Specified` "
                "(sales without a customer)"
            )
        return notes

    def no_customer_line(self) -> bool:
        """Whether a line without a customer lies under QuickBooks' `Not Specified` heading:
        a sale to nobody (a walk-in Sales Receipt), skipped as the headings' own reading
        skips it, where it would refuse the file. Counted when so."""
        if self.section is not None and names_no_customer(self.section):
            self.no_customer += 1
            return True
        return False

    def cancelled_voucher(self, row: Row) -> bool:
        """Whether a line is a cancelled voucher (Tally's Day Book keeps its number, with
        `(cancelled)` for its party and no amount). Counted when so."""
        party = row.get("customer")
        if party is not None and is_cancelled_voucher(party):
            self.cancelled += 1
            return True
        return False

    def row_label(self, row: Row) -> bool:
        """Whether a line is not an entry by its unnamed first column (QuickBooks' detail
        reports): `Total for NAME` or `TOTAL` there is a total line, and a line with text
        there and nothing in the columns taken is a heading or a note. Counted when so."""
        label = row.get(ROW_LABEL)
        if label is None:
            return False
        if words(label)[:1] == ("total",):
            self.totals += 1
            self.section = None
            return True
        if all(value is None for key, value in row.items() if key not in (ROW_LABEL, BELOW_RULE)):
            self.headings += 1
            self.section = label
            return True
        return False


# A check may refuse the load (raising), or do its work and return lines for the report.
Check = Callable[[AsyncConnection], Awaitable[Sequence[str] | None]]


def export_plan(
    parties: Parties,
    segment: SegmentOptions,
    entries: TableWrite,
    *,
    rows: int,
    notes: list[str],
    dates: AppDates | None = None,
    currency: AppCurrency | None = None,
    check: Check | None = None,
    moves: Check | None = None,
    remove: Callable[[AsyncConnection], Awaitable[int]] | None = None,
) -> WritePlan:
    """The plan of an export's load: the accounts its parties need, the order of dates and
    the base currency given for the app (`--dates`, `--currency`), then `entries`. `check`
    runs in the transaction once the parties' accounts are settled, before anything is
    written, and may refuse the load (or return lines for the report); `moves` then re-dates
    stored invoices the file dates otherwise (`invoice_moves`); `remove` deletes stored
    entries the load makes stale (`WritePlan.remove`)."""
    keep_dates = None if dates is None else dates.write()
    if keep_dates is not None and not parties.has_app():
        # The order is kept with its app's row: a new app that this load gives no account is
        # not made (store/ingest/date_setting.py).
        keep_dates = None
        notes = [
            *notes,
            f"--dates not kept: app {parties.app} has no account (this load makes none)",
        ]
    keep_currency = None if currency is None else currency.write()
    if keep_currency is not None and not parties.has_app():
        # Likewise the currency (store/ingest/currency_setting.py).
        keep_currency = None
        notes = [
            *notes,
            f"--currency not kept: app {parties.app} has no account (this load makes none)",
        ]
    elif currency is not None:
        notes = [*notes, *currency.notes()]
    kept = [write for write in (keep_dates, keep_currency) if write is not None]
    return WritePlan(
        writes=[*parties.writes(), *kept, entries],
        rows=rows,
        created=parties.created(),
        notes=notes,
        before=_then(_then(parties.before(), check), moves),
        after=Resegment(parties.affected_apps, segment),
        remove=remove,
    )


def _then(before: Before | None, check: Check | None) -> Before | None:
    if check is None:
        return before

    async def both(connection: AsyncConnection, progress: IngestProgress) -> Sequence[str]:
        notes = [] if before is None else list(await before(connection, progress))
        notes.extend(await check(connection) or ())
        return notes

    return both

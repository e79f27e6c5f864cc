"""The voucher type in a sale line's or ledger entry's key: which stored lines a sales or
ledger load's lines are.

Tally numbers each voucher type apart, as QuickBooks Desktop numbers its invoices apart from
its sales receipts: one customer's `Sales 7` (in the Sales Register) and `Export Sales 7` (in
the Export Sales Register) of one day are two vouchers, so a line is known by its type too
(`sale_line.voucher_type`, revision 0026), and a load of one register never writes over the
other's lines. A line whose file had no type column is of no known type (""), as is every line
stored before types were kept. After the re-dating (`invoice_moves`), so that a moved invoice
is found at the date the file gives it, this step settles the lines of no known type at each
customer, date and number the file writes (its own book's only, `ledger_books`):

- a file with types takes the stored lines of no known type at a key it gives one type as
  that type's (`Sales 7` reloaded from the Sales Register after an untyped CSV of it doubles
  nothing, and its gross keeping the CSV's amount before tax, `taxed_amounts`, still types
  it), and removes one at a place its type's own line holds already (the same voucher stored
  twice, which a named book's load may have just taken from no known book); it records the
  type only of lines it keeps (a line beyond the file's lines of the voucher is trimmed,
  unless the voucher's stored amount before tax stays, all its lines with it);
  at a key it gives two types (a Day Book holding both vouchers of the day), which of them
  each untyped line was cannot be told, and the file holds both: they are replaced;
- a line without a type writes into the one known type stored at its key (an untyped CSV of
  `Sales 7` corrects it, as before types were kept); a key stored as two types is refused in
  one line, since the file cannot say which voucher it is, and nothing is written.

A voucher type renamed in the books (Tally lets a user rename `Sales` to `Domestic Sales`)
leaves its vouchers as they were: the reload gives a stored voucher the same customer, date,
number and amounts under a new name. Where a key is stored as one known type only, the file
gives it one other type, no line of the file is of the stored type (a renamed type is in no
export any more), the amounts are the stored ones, the new name is no type stored yet for the
app's book, and every voucher of the old type stored for the file's customers within the period
its title states (a Tally register's `1-Apr-25 to 30-Apr-25`), else within its dates, is among
those it gives so (a rename renames them all), it is that voucher: its stored lines
take the new name (said in the load's notes), so nothing is doubled. Where the file's amounts
include tax (a Sales Register's `Debit Amount`) and the stored ones are before tax (its
columnar register's `Sales Account`), the amounts are the stored ones when the stored amount is
below the gross, as `taxed_amounts` judges one invoice's two amounts, and the gross at most
40% and a rupee of rounding above it (India's highest GST rate since 22 September 2025: a
gross further above is another voucher's): the
voucher is renamed and keeps its stored amount before tax (before, judged on equal amounts, it
was written beside as a second voucher, its revenue counted twice, once with its tax).
Otherwise the two types are two vouchers (docs/export-shapes.md says what still looks alike).

A ledger entry's type is part of its key as well (revision 0029), and its key has a kind
(invoice or payment) beside the number: the same rules hold for its entries, by customer,
date, kind and number (`where.kind`), in a ledger load's transaction after its re-dating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import batches, key_in, rows_changed, rows_with_keys
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK
from store.ingest.kinds.stored_invoices import NumberedLines, StoredInvoices
from store.ingest.kinds.taxed_amounts import taxed_within_a_rate
from store.ingest.plan import KeptNote, RecordNote, RemovalNote
from store.tables import ACCOUNT_TABLE, METADATA

# Where a line is: account, date, kind ("" for a sale line, whose key has none; a ledger
# entry's invoice or payment), number.
VoucherKey = tuple[str, dt.date, str, str]
# A line of the file as written: where it is (accounts moved), voucher type ("" unknown),
# amount.
TypedLine = tuple[VoucherKey, str, Decimal]
_Key = VoucherKey
# Invoices named in a load's line; the rest are counted.
_SHOWN = 3


class VoucherKeys:
    """The step after the re-dating of a sales or ledger load (`where`: its book's sale lines
    or ledger entries): the lines of no known type at the file's keys; fills `stored_types`
    (the one known type stored at each key a line of no known type is written to) for the
    rows' write."""

    def __init__(
        self,
        where: NumberedLines,
        lines: Callable[[], Iterable[TypedLine]],
        stored: StoredInvoices,
        stored_types: MutableMapping[_Key, str],
        *,
        app: str,
        period: tuple[dt.date, dt.date] | None = None,
        kept_whole: Callable[[], AbstractSet[tuple[str, dt.date, str, str]]] = frozenset,
        gross: Callable[[], AbstractSet[_Key]] = frozenset,
        keep_before_tax: Callable[[tuple[str, dt.date, str, str]], None] | None = None,
    ) -> None:
        self._app = app
        # The file's keys whose amounts include tax (a sales load's gross lines), and what
        # keeps a voucher's stored amount before tax in place of the file's gross
        # (`TaxedAmounts.keep`): a renamed type's voucher is judged on its amount before tax.
        self._gross = gross
        self._keep_before_tax = keep_before_tax
        # The vouchers (key and type) whose stored lines all stay as they are, amounts before
        # tax a gross file does not replace (`taxed_amounts`): none of their lines is trimmed.
        self._kept_whole = kept_whole
        # The period the file's title states (a Tally register's `1-Apr-25 to 30-Apr-25`):
        # the file speaks for all of it, not only for the days it has vouchers on.
        self._period = period
        self._where = where
        self._lines = lines
        self._stored = stored
        self._stored_types = stored_types

    async def __call__(self, connection: AsyncConnection) -> Sequence[str]:
        # The amounts of each type the file gives each key.
        given: dict[_Key, dict[str, list[Decimal]]] = {}
        for at_line, kind, amount in self._lines():
            given.setdefault(at_line, {}).setdefault(kind, []).append(amount)
        if not given:
            return []
        table = METADATA.tables[self._where.table]
        c = table.c
        where = self._where
        book = where.book or UNKNOWN_BOOK
        at_key = self._at_key()
        stored: dict[_Key, dict[str, list[Decimal]]] = {}
        # The stored types of a key with a line that includes tax: their amounts are no
        # amounts before tax.
        taxed: set[tuple[_Key, str]] = set()
        numbered = {key for key in given if key[3]}
        if numbered and not self._stored.none_stored():
            # The numbered invoices' stored lines, as the load's earlier steps read them.
            invoices = {
                where.key_values(account, kind, number): (account, kind, number)
                for account, _day, kind, number in numbered
            }
            for invoice, lines in (await self._stored.of(connection, invoices)).items():
                account, kind, number = invoices[invoice]
                for day, _line, amount, includes_tax, of_type, _both_ways in lines:
                    found_at: _Key = (account, day, kind, number)
                    if found_at in numbered:
                        of_key = stored.setdefault(found_at, {})
                        of_key.setdefault(of_type or "", []).append(Decimal(amount))
                        if includes_tax:
                            taxed.add((found_at, of_type or ""))
        unnumbered = sorted(self._values(key) for key in given if not key[3])
        if unnumbered:
            found = await rows_with_keys(
                connection, at_key, unnumbered, c.voucher_type, c.amount, c.book
            )
            size = len(at_key)
            for row in found:
                kind, amount, of_book = row[size:]
                if of_book == book:
                    of_key = stored.setdefault(self._key(row[:size]), {})
                    of_key.setdefault(kind or "", []).append(Decimal(amount))
        if not stored:
            return []
        in_file = {kind for kinds in given.values() for kind in kinds}
        gross = self._gross() if self._keep_before_tax is not None else frozenset()
        adopt: dict[str, list[tuple[object, ...]]] = {}
        renamed: dict[tuple[str, str], list[tuple[object, ...]]] = {}
        # The renamed vouchers whose stored amount before tax stays (the file gives them
        # gross): the key, and how many lines the file has of it.
        renamed_before_tax: dict[tuple[str, str], list[tuple[_Key, int]]] = {}
        replace: list[tuple[object, ...]] = []
        for key, kinds in sorted(given.items()):
            at = stored.get(key, {})
            known_stored = set(at) - {""}
            typed = set(kinds) - {""}
            if "" in kinds and len(known_stored) == 1:
                self._stored_types[key] = next(iter(known_stored))
            elif "" in kinds and len(known_stored) > 1:
                raise FileRejected(_two_types(key, known_stored, where.noun))
            values = self._values(key)
            if "" in at and len(typed) == 1:
                adopt.setdefault(next(iter(typed)), []).append(values)
            elif "" in at and len(typed) > 1:
                replace.append(values)
            elif len(typed) == 1 and len(known_stored) == 1 and typed != known_stored:
                new, old = next(iter(typed)), next(iter(known_stored))
                if old in in_file:
                    continue
                if sorted(kinds[new]) == sorted(at[old]):
                    renamed.setdefault((old, new), []).append(values)
                elif (
                    key in gross
                    and (key, old) not in taxed
                    and taxed_within_a_rate(sum(at[old], Decimal(0)), sum(kinds[new], Decimal(0)))
                ):
                    # A gross file's voucher whose stored amount is below its gross, by at most
                    # the highest rate of tax: that amount may be its amount before tax (as
                    # `taxed_amounts` keeps it), so the rename is judged on it (before, on
                    # equal amounts only: the voucher was written beside as a second one, its
                    # revenue twice; then on any amount below the gross: a new type's voucher
                    # of 2,50,000.00 took another's 1,04,623.73 for its own).
                    renamed.setdefault((old, new), []).append(values)
                    renamed_before_tax.setdefault((old, new), []).append((key, len(kinds[new])))
        notes: list[str] = []
        mine = table.alias("mine")
        of_book = c.book == book
        adopted = 0
        doubled = 0
        for kind, keys in sorted(adopt.items()):
            # The type's own line at the same place: the untyped one there is that line's
            # double (a plain CSV of the voucher stored beside its register's line).
            taken = exists().where(
                *(mine.c[str(column.key)] == column for column in at_key),
                mine.c.line == c.line,
                mine.c.book == c.book,
                mine.c.voucher_type == kind,
            )
            for batch in batches(keys):
                untyped = and_(key_in(at_key, batch), of_book, c.voucher_type == "")
                # Before: left beside it, the voucher counted twice.
                doubles = delete(table).where(untyped, taken)
                doubled += (await connection.execute(doubles)).rowcount
                adoption = (
                    update(table)
                    .where(untyped)
                    .values(voucher_type=kind)
                    .returning(*at_key, c.line)
                )
                taken_lines = [
                    (self._key(values), line)
                    for *values, line in (await connection.execute(adoption)).all()
                ]
                for (account, day, of_kind, number), line in taken_lines:
                    # Followed in the shared stored lines: not read again for this.
                    self._stored.type_line(
                        where.key_values(account, of_kind, number), day, line, kind
                    )
                # Only the lines the file keeps: those beyond its lines of the voucher are
                # trimmed by the same load (`stale_item_lines`), so recorded nothing, unless
                # the voucher's stored amount before tax stays (all its lines do).
                kept_whole = self._kept_whole()
                adopted += sum(
                    1
                    for key, line in taken_lines
                    if line <= len(given[key].get(kind, ()))
                    or (key[0], key[1], key[3], kind) in kept_whole
                )
        if doubled:
            notes.append(
                RemovalNote(
                    f"Removed {counted(doubled, 'line', 'lines')} stored of no known voucher "
                    "type beside this file's voucher's own line at its place (the same voucher "
                    "stored twice: from a file without a type column, and this one)",
                    removed=doubled,
                )
            )
        if adopted:
            notes.append(
                RecordNote(
                    f"Took {counted(adopted, 'line', 'lines')} stored of no known voucher type "
                    "(from a file without a type column) as this file's voucher at its customer, "
                    "date and number",
                    recorded={"voucher_type": adopted},
                )
            )
        retyped = 0
        # Of the renamed vouchers kept before tax: each (key, new type), and the file's lines.
        kept: dict[tuple[str, dt.date, str, str], int] = {}
        for (old, new), keys in sorted(renamed.items()):
            if not await self._is_renamed(connection, old, new, keys, given):
                continue
            retyped += await rows_changed(
                connection,
                at_key,
                keys,
                update(table).where(of_book, c.voucher_type == old).values(voucher_type=new),
            )
            for (account, day, _kind, number), of_file in renamed_before_tax.get((old, new), ()):
                kept[(account, day, number, new)] = of_file
        if kept and self._keep_before_tax is not None:
            for renamed_invoice in kept:
                self._keep_before_tax(renamed_invoice)
            notes.append(
                KeptNote(
                    f"Kept the amount before tax of "
                    f"{counted(len(kept), 'invoice', 'invoices')} of a renamed voucher type "
                    f"stored from another export: {_shown(kept)}; this file's amounts include "
                    "tax, and taxes are not sales",
                    kept=sum(kept.values()),
                )
            )
        if retyped:
            names = ", ".join(f"{old!r} -> {new!r}" for old, new in sorted(renamed))
            notes.append(
                RecordNote(
                    f"Renamed the voucher type of "
                    f"{counted(retyped, 'stored line', 'stored lines')} ({names}): the same "
                    "customer, date, number and amounts (or, where this file's include tax, "
                    "stored amounts before tax below them), and this file has no voucher of the "
                    "stored type (a type renamed in the books)",
                    recorded={"voucher_type": retyped},
                )
            )
        removed = await rows_changed(
            connection,
            at_key,
            replace,
            delete(table).where(of_book, c.voucher_type == ""),
        )
        if removed:
            notes.append(
                RemovalNote(
                    f"Replaced {counted(removed, 'line', 'lines')} stored of no known voucher "
                    "type where this file has vouchers of two types at one customer, date and "
                    "number (which one each was cannot be told; this file holds both)",
                    removed=removed,
                )
            )
        if removed or retyped or doubled:
            # Types changed under the shared stored lines: read again when next asked.
            self._stored.forget()
        return notes

    def _at_key(self) -> tuple[ColumnElement[object], ...]:
        """The columns of where a line is: account, date, kind (a ledger's), number."""
        c = METADATA.tables[self._where.table].c
        where = self._where
        kind = () if where.kind is None else (c[where.kind],)
        return (c.account_id, c[where.date], *kind, c[where.number])

    def _values(self, key: _Key) -> tuple[object, ...]:
        """A key's values of `_at_key()` (a sale line's without the kind)."""
        account, day, _kind, number = key
        return (account, day, number) if self._where.kind is None else key

    def _key(self, values: Sequence[object]) -> _Key:
        """The key of values of `_at_key()`."""
        if self._where.kind is None:
            account, day, number = values
            return (str(account), _date(day), "", str(number))
        account, day, kind, number = values
        return (str(account), _date(day), str(kind), str(number))

    async def _is_renamed(
        self,
        connection: AsyncConnection,
        old: str,
        new: str,
        keys: list[tuple[object, ...]],
        given: Mapping[_Key, object],
    ) -> bool:
        """Whether the vouchers the file gives as `new`, stored as `old` at `keys` with the
        same amounts, are a renamed type's: `new` is no stored type of the app's book yet (a
        renamed type's first reload), and every voucher of `old` stored for the file's
        customers within its title's period (else its dates) is among `keys` (a rename
        renames them all). Otherwise a second register's voucher of one number, day and
        amount is told from a rename."""
        table = METADATA.tables[self._where.table]
        c = table.c
        book = self._where.book or UNKNOWN_BOOK
        of_app = c.account_id.in_(
            select(ACCOUNT_TABLE.c.account_id).where(ACCOUNT_TABLE.c.app_id == self._app)
        )
        known = select(c.account_id).where(of_app, c.book == book, c.voucher_type == new)
        if (await connection.execute(known.limit(1))).first() is not None:
            return False
        # Within the title's period where it states one (before, the file's
        # own dates only, so a `Sales 8` of 20 April beside an April register whose one
        # voucher is of 3 April did not keep `Sales 7` from being taken for a rename).
        days = [key[1] for key in given]
        if self._period is not None:
            days.extend(self._period)
        accounts = sorted({key[0] for key in given})
        stored: set[tuple[object, ...]] = set()
        at_key = self._at_key()
        date = c[self._where.date]
        for batch in batches(accounts):
            found = await connection.execute(
                select(*at_key).where(
                    c.account_id.in_(batch),
                    c.book == book,
                    c.voucher_type == old,
                    date.between(min(days), max(days)),
                )
            )
            stored.update(tuple(row) for row in found)
        return stored <= set(keys)


def _shown(invoices: Mapping[tuple[str, dt.date, str, str], int]) -> str:
    """`KD/25-26/001, KD/25-26/002 and 3 more`: the first few invoices' numbers."""
    numbers = [invoice[2] for invoice in sorted(invoices, key=lambda key: (key[1], key[2]))]
    more = len(numbers) - _SHOWN
    return ", ".join(numbers[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _date(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value


def _two_types(key: _Key, kinds: set[str], noun: str) -> str:
    account, day, kind, number = key
    names = " and ".join(sorted(kinds))
    return (
        f"{kind or noun} {number} of {account} on {day.isoformat()} is stored as vouchers of "
        f"{len(kinds)} types ({names}), and this file gives it without a voucher type, so it "
        "cannot say which it is and nothing was loaded (load an export with its voucher type "
        "column, or name it with --column voucher_type=COLUMN)"
    )

"""The books stored of each app (`profiling books list`), whether one is stored (a load's
`--book` checks its name), and renaming one (`profiling books rename OLD NEW`).

A book is stored by its folded name (`analytics.book_names.book_key`) in `ledger_entry.book`
and `sale_line.book`; its lines belong to an app through their customer's account, so a book
is listed, checked and renamed per app (two tenants may keep a company of one name).

A rename moves every line of book OLD of the app to NEW, ledger entries and sale lines, in one
transaction that holds the loads' lock (`store.write_locks.hold_loads`): a load of the book
never runs beside it. It is refused, nothing moved, when NEW already holds lines of a customer
OLD holds lines of: the two may hold one invoice twice (one export loaded under each name)
and only a load can say which line is right (its rules correct, re-date and trim a book's
lines against its file; a rename has no file). Every rule of a load matches lines within one
customer, so NEW's lines of other customers are merged with OLD's as they are: the book is
then what loading both books' files under one name would have stored. Nothing derived changes
(credit risk settles a book's bills by its own receipts, orders count a number once per book:
both per customer), so no segment is recomputed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics.book_names import book_key
from analytics.counts import counted
from analytics.name_lists import first_and_more
from store.book_refold import BOOK_TABLES
from store.tables import ACCOUNT_TABLE, LEDGER_TABLE, SALE_LINE_TABLE
from store.write_locks import hold_loads

# The book of lines whose file named no company (and of those stored before books were kept).
NO_KNOWN_BOOK = ""
_BOOK_TABLES = (LEDGER_TABLE, SALE_LINE_TABLE)


class BookRefused(Exception):
    """A book command that cannot be done as asked; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class StoredBook:
    """A book of an app as stored: its folded name (`""`: no known book) and what it holds."""

    app: str
    book: str
    customers: int
    ledger_entries: int
    sale_lines: int


@dataclass(frozen=True, slots=True)
class BookRename:
    """What a rename moved: book `old` of `app` into `new` (both folded)."""

    app: str
    old: str
    new: str
    ledger_entries: int
    sale_lines: int
    customers: int
    # Whether NEW held lines already: the two books are one now.
    merged: bool
    # With `merge`, of the customers both books held: how many, and OLD's lines at a place
    # NEW held (the line's key without its book) dropped, identical to NEW's or not.
    joined_customers: int = 0
    dropped_identical: int = 0
    replaced_differing: int = 0

    def summary(self) -> str:
        what = (
            f"{counted(self.ledger_entries, 'ledger entry', 'ledger entries')} and "
            f"{counted(self.sale_lines, 'sale line', 'sale lines')} of "
            f"{counted(self.customers, 'customer', 'customers')}"
        )
        into = (
            f"into book {self.new!r}, which held lines already"
            if self.merged
            else (f"to {self.new!r}")
        )
        said = f"Renamed book {self.old!r} of app {self.app} {into}: {what} moved"
        if not self.joined_customers:
            return said
        return (
            f"{said}; of the {counted(self.joined_customers, 'customer', 'customers')} both "
            f"books held, {counted(self.dropped_identical, 'line', 'lines')} stored in both "
            f"dropped and {counted(self.replaced_differing, 'line', 'lines')} of {self.old!r} "
            f"replaced by {self.new!r}'s at the same place (reload the company's latest "
            f"exports with --book {self.new!r} to re-date, withdraw and trim as a load does)"
        )


def _lines() -> Select[tuple[str, str, str]]:
    """Every line of both tables: its account, its book, and which table holds it."""
    ledger = select(
        LEDGER_TABLE.c.account_id, LEDGER_TABLE.c.book, literal("ledger").label("source")
    )
    sales = select(
        SALE_LINE_TABLE.c.account_id, SALE_LINE_TABLE.c.book, literal("sales").label("source")
    )
    both = union_all(ledger, sales).subquery("line")
    return select(both.c.account_id, both.c.book, both.c.source)


async def stored_books(connection: AsyncConnection, *, app: str | None = None) -> list[StoredBook]:
    """The books stored, by app then name (one statement); only `app`'s when given."""
    line = _lines().subquery("lines")
    account = ACCOUNT_TABLE.c
    query = (
        select(
            account.app_id,
            line.c.book,
            func.count(distinct(line.c.account_id)),
            func.count().filter(line.c.source == "ledger"),
            func.count().filter(line.c.source == "sales"),
        )
        .join(ACCOUNT_TABLE, account.account_id == line.c.account_id)
        .group_by(account.app_id, line.c.book)
        .order_by(account.app_id, line.c.book)
    )
    if app is not None:
        query = query.where(account.app_id == app)
    rows = (await connection.execute(query)).all()
    return [StoredBook(*row) for row in rows]


async def book_is_stored(connection: AsyncConnection, *, book: str, app: str) -> bool:
    """Whether any ledger entry or sale line of `app` is of `book` (folded)."""
    for table in _BOOK_TABLES:
        held = await connection.scalar(
            select(literal(1))
            .where(
                table.c.book == book,
                table.c.account_id.in_(
                    select(ACCOUNT_TABLE.c.account_id).where(ACCOUNT_TABLE.c.app_id == app)
                ),
            )
            .limit(1)
        )
        if held is not None:
            return True
    return False


def nearest(book: str, books: Sequence[str]) -> str:
    """` (did you mean 'x'?)` naming the stored book nearest `book`, or what the app holds."""
    named = [name for name in books if name != NO_KNOWN_BOOK]
    close = difflib.get_close_matches(book, named, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if not named:
        return " (no named book is stored there)"
    return f" (its books: {first_and_more(named, 5, repr)})"


def _named(given: str, role: str) -> str:
    folded = book_key(given)
    if not folded:
        raise BookRefused(
            f"{role} {given!r} names no company: give a book as `profiling books list` shows it"
            " (or as a title prints the company)"
        )
    return folded


def _held_by(table: Table, book: str, old: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Whether `book` holds a line of the voucher of `table`'s line (of book `old`) at its
    place (its key without the book), and whether that line is identical to it."""
    # The line's key as the table has it now: a ledger entry's voucher type is part of it
    # since revision 0029 (as in `BOOK_TABLES`), so `Sales 7` of one book and `Export
    # Sales 7` of the other at one place are two vouchers.
    key = tuple(c.name for c in table.primary_key.columns if c.name != "book")
    values = tuple(c for c in BOOK_TABLES[table.name][1] if c not in key)
    place = tuple(c for c in key if c != "voucher_type")
    other = table.alias("other")
    mine = table.alias("mine")
    theirs = table.c.voucher_type
    # A line of no known type ("": stored before types were kept) is the voucher of a known
    # type at its place, as a load takes it (`store.ingest.kinds.voucher_keys`): one of the old
    # book's is the new book's line there, whatever its type; one of the new book's is the old
    # book's line of a type when the old book holds no other known type at that place (with
    # two, which of them it is cannot be told, and both are kept).
    one_old_type = ~exists().where(
        mine.c.book == old,
        *(mine.c[c] == table.c[c] for c in place),
        mine.c.voucher_type != "",
        mine.c.voucher_type != theirs,
    )
    same_voucher = or_(
        other.c.voucher_type == theirs,
        theirs == "",
        and_(other.c.voucher_type == "", one_old_type),
    )
    same_place = and_(
        other.c.book == book, *(other.c[c] == table.c[c] for c in place), same_voucher
    )
    same_values = and_(*(other.c[c].is_not_distinct_from(table.c[c]) for c in values))
    return exists().where(same_place), exists().where(same_place, same_values)


async def rename_book(
    engine: AsyncEngine, *, old: str, new: str, app: str | None = None, merge: bool = False
) -> BookRename:
    """Move every line of book `old` (as printed or folded) of `app` to book `new`, in one
    transaction; `app` may be left out when one app holds the book. `BookRefused` (nothing
    moved) when a name names no company, both are one book, `old` holds nothing there, or,
    unless `merge`, `new` holds lines of a customer `old` holds lines of. With `merge`, a
    line of `old` at a place `new` holds a line at is dropped: `new`'s is kept."""
    old_key = _named(old, "OLD")
    new_key = _named(new, "NEW")
    if old_key == new_key:
        raise BookRefused(
            f"{old!r} and {new!r} are one book once folded (stored as {old_key!r}): "
            "nothing to rename"
        )
    async with engine.begin() as connection:
        # No load of the book runs beside the rename (nor reads it half moved).
        await hold_loads(connection)
        books = await stored_books(connection, app=app)
        apps = sorted({held.app for held in books if held.book == old_key})
        if not apps:
            where = f" in app {app}" if app is not None else ""
            raise BookRefused(
                f"no book {old_key!r} is stored{where}"
                + nearest(old_key, sorted({held.book for held in books}))
            )
        if len(apps) > 1:
            raise BookRefused(
                f"book {old_key!r} is stored in apps {', '.join(apps)}: give --app to say "
                "whose to rename"
            )
        (owner,) = apps
        accounts = select(ACCOUNT_TABLE.c.account_id).where(ACCOUNT_TABLE.c.app_id == owner)
        line = _lines().subquery("owned")
        customers_of = {
            key: select(line.c.account_id)
            .where(line.c.book == key, line.c.account_id.in_(accounts))
            .distinct()
            for key in (old_key, new_key)
        }
        shared = (
            (await connection.execute(customers_of[old_key].intersect(customers_of[new_key])))
            .scalars()
            .all()
        )
        if shared and not merge:
            example = sorted(shared)[0]
            raise BookRefused(
                f"book {new_key!r} of app {owner} holds lines of "
                f"{counted(len(shared), 'customer', 'customers')} that {old_key!r} holds lines "
                f"of too (such as account {example}): the two books may hold one invoice "
                "twice, so nothing was moved; give --merge to join them, keeping NEW's line "
                "where both hold one (NEW must be the book of the later exports)"
            )
        moved: list[int] = []
        identical = differing = 0
        for table in _BOOK_TABLES:
            mine = and_(table.c.book == old_key, table.c.account_id.in_(accounts))
            if shared:
                at_place, same = _held_by(table, new_key, old_key)
                both, equal = (
                    await connection.execute(
                        select(func.count(), func.count().filter(same)).where(mine, at_place)
                    )
                ).one()
                identical += equal
                differing += both - equal
                await connection.execute(delete(table).where(mine, at_place))
            result = await connection.execute(update(table).where(mine).values(book=new_key))
            moved.append(result.rowcount)
        held = {b.book: b for b in books if b.app == owner}
    return BookRename(
        app=owner,
        old=old_key,
        new=new_key,
        ledger_entries=moved[0],
        sale_lines=moved[1],
        customers=held[old_key].customers,
        merged=new_key in held,
        joined_customers=len(shared),
        dropped_identical=identical,
        replaced_differing=differing,
    )

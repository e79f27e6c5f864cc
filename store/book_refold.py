"""Folding the stored books again by the rule of this release (`analytics.book_names`), for a
revision that changes the rule (as 0028 did, with its own copy of this): a book stored by an
earlier rule's fold must be the book a load of the same company now names, or the load starts
a second book beside it.

Lines are keyed as the tables key them now: a ledger entry's voucher type is part of its key
since revision 0029, as a sale line's since 0026, so `Sales 7` under one spelling of a company
and `Export Sales 7` under the other at one place are two vouchers, both kept when the names
join (with 0028's key, the type among the values, one of them was removed as a line stored
twice). A revision that refolds copies this module's key as it stands then, so that a later
change of the key does not change what the revision does.

As revision 0027 did: where two stored names fold to one and both hold a line at one key (the
line's key without its book), the line of the name first by name is kept (the order the two
were loaded in is not stored), and the log counts the lines removed, identical and differing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Each table holding books: its key without the book, and its other values.
BOOK_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ledger_entry": (
        ("account_id", "entry_date", "kind", "reference", "line", "voucher_type"),
        ("amount", "due_date", "date_ambiguous", "voucher_number", "reference_is_bill"),
    ),
    "sale_line": (
        ("account_id", "sale_date", "invoice", "line", "voucher_type"),
        ("amount", "quantity", "cost", "profit", "includes_tax", "date_ambiguous"),
    ),
}
_LOG = logging.getLogger("alembic.runtime.migration")


def refold_books(bind: Connection, fold: Callable[[str], str], *, revision: str) -> None:
    """Store every book of both tables under `fold` of its stored name (see the module)."""
    for name, (key, values) in BOOK_TABLES.items():
        _refold(bind, name, key, values, fold, revision)


def _refold(
    bind: Connection,
    name: str,
    key: Sequence[str],
    values: Sequence[str],
    fold: Callable[[str], str],
    revision: str,
) -> None:
    table = sa.table(name, *(sa.column(column) for column in (*key, *values, "book")))
    stored = [row[0] for row in bind.execute(sa.select(table.c.book).distinct())]
    names: dict[str, list[str]] = defaultdict(list)
    for book in stored:
        names[fold(book)].append(book)
    renamed = joined = identical = differing = 0
    for folded, books in sorted(names.items()):
        if books == [folded]:
            continue
        other = table.alias("other")
        same_key = sa.and_(
            *(other.c[column] == table.c[column] for column in key),
            other.c.book.in_(books),
            other.c.book < table.c.book,
        )
        same_values = sa.and_(*(other.c[c].is_not_distinct_from(table.c[c]) for c in values))
        stored_twice = sa.and_(table.c.book.in_(books), sa.exists().where(same_key))
        both = bind.execute(
            sa.select(
                sa.func.count(),
                sa.func.count().filter(sa.exists().where(same_key, same_values)),
            ).where(stored_twice)
        ).one()
        identical += both[1]
        differing += both[0] - both[1]
        bind.execute(sa.delete(table).where(stored_twice))
        bind.execute(sa.update(table).where(table.c.book.in_(books)).values(book=folded))
        renamed += len([book for book in books if book != folded])
        joined += len(books) > 1
    _LOG.info(
        "%s: %s: %d stored book names folded (names folded into one: %d); lines stored under "
        "two names of one book removed: %d identical, %d differing (the line of the name "
        "first by name kept)",
        revision,
        name,
        renamed,
        joined,
        identical,
        differing,
    )

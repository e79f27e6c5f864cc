"""What every kind of file provides, and the checks the kinds share.

A kind validates rows one by one in plain Python (no ORM objects), against ids loaded from
the database once before the file is read, and at the end hands over a `WritePlan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from settings import SegmentOptions
from store.ingest.account_mapping import AccountMapping
from store.ingest.columns import ColumnSpec
from store.ingest.date_setting import DatesOption
from store.ingest.errors import RowProblem
from store.ingest.guessing import GuessingMatcher
from store.ingest.plan import CompareBy, TableWrite, WriteMode, WritePlan
from store.ingest.reading import Row
from store.ingest.values import BadValue
from store.tables import METADATA

T = TypeVar("T")


def table(name: str) -> Table:
    return METADATA.tables[name]


@dataclass(frozen=True, slots=True)
class IngestOptions:
    # The app of accounts whose row names none (`--app`); None means the default app.
    app: str | None = None
    # `--column role=name` of exports of any shape; a name of None means "no such column".
    columns: Mapping[str, str | None] = field(default_factory=dict)
    # How loads of sales and ledger data recompute segments.
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    # `--accounts`: which account each party of a sales or ledger export is.
    accounts: AccountMapping | None = None
    # `--party`: the one customer of a ledger export (the ledger of one party).
    party: str | None = None
    # `--dates`: the order of day and month of a sales or ledger export, kept for its app.
    dates: DatesOption | None = None
    # `--currency`: the base currency a sales or ledger export's amounts in other currencies
    # convert to, kept for its app.
    currency: str | None = None
    # `--book`: the company whose books a sales or ledger export is of, in place of the one its
    # title names (`store.ingest.kinds.load_book`).
    book: str | None = None
    # `--new-book`: the book `--book` names may be new (else a name nothing is stored under is
    # refused as a likely typo: `store.ingest.kinds.load_book.check_option_book_stored`).
    new_book: bool = False
    # `--new-app`: the app the load would create is meant to be new (else one whose name is
    # close to an existing app's, or whose book another app holds, is refused as a likely
    # typo: `store.ingest.kinds.load_app.check_new_app`).
    new_app: bool = False
    # The cells of the lines above an export's header (its title), read once it is found.
    title: Sequence[Sequence[str]] = ()
    # The day the file is loaded: a period its title states is known up to that day at most
    # (an April-June export made on 15 June holds no sale of the rest of June). None: today.
    loaded_on: dt.date | None = None

    def known_to(self, stated_end: dt.date) -> dt.date:
        """The day a file whose title states a period ending on `stated_end` is known up to."""
        return min(stated_end, self.loaded_on or dt.date.today())


class RowValidator(Protocol):
    def check(self, line: int, row: Row) -> list[str]:
        """Validate and keep one row; return the reasons it is bad (none when it is good)."""

    def finish(self) -> list[RowProblem]:
        """Problems known only once every row is read (a later row may settle an earlier one)."""

    def plan(self, present: frozenset[str]) -> WritePlan:
        """The writes for every row kept; `present` are the fields the file has columns for."""


@dataclass(frozen=True, slots=True)
class KindLoader:
    columns: ColumnSpec
    # Loads what validation needs from the database (existing ids, definitions) once.
    prepare: Callable[[AsyncConnection, IngestOptions], Awaitable[RowValidator]]
    # Exports of any shape (sales, ledger) guess their columns instead of naming them.
    guess_columns: Callable[[IngestOptions], GuessingMatcher] | None = None
    # Reads the lines above the header (`IngestOptions.title`): a ledger's party may be there.
    reads_title: bool = False


async def existing_ids(connection: AsyncConnection, table_name: str, column: str) -> set[str]:
    """Every id of a table, in one query."""
    result = await connection.execute(select(table(table_name).c[column]))
    return set(result.scalars())


async def apps_of(connection: AsyncConnection, level: str) -> dict[str, str]:
    """The app of every account, company or contract (`level`), by id, in one query."""
    accounts = table("account")
    companies = table("company")
    contracts = table("contract")
    query: Any
    if level == "account":
        query = select(accounts.c.account_id, accounts.c.app_id)
    elif level == "company":
        query = select(companies.c.company_id, accounts.c.app_id).join_from(companies, accounts)
    elif level == "contract":
        query = (
            select(contracts.c.contract_id, accounts.c.app_id)
            .join_from(contracts, companies)
            .join_from(companies, accounts)
        )
    else:
        raise ValueError(f"no app for level {level!r}")
    result = await connection.execute(query)
    apps: dict[str, str] = dict(result.all())
    return apps


def other_app_reason(what: str, entity_id: str, app: str, wanted: str) -> str:
    """Why a row of an `--app` load may not name another app's entity."""
    return (
        f"{what} {entity_id!r} belongs to app {app!r}, not to app {wanted!r} (--app): "
        f"a file loaded for one app names only that app's {what}s"
    )


def move_reason(what: str, entity_id: str, app: str, new_app: str) -> str:
    """Why a row may not move an entity to another app."""
    return (
        f"{what} {entity_id!r} belongs to app {app!r}; this row would move it to app "
        f"{new_app!r} (a load never moves anything from one app to another)"
    )


# The plural of each level a row may name, for the reasons.
_PLURALS = {"account": "accounts", "company": "companies", "contract": "contracts"}


@dataclass(frozen=True, slots=True)
class ParentApps:
    """The rule for the parent a row names (a company's account, a contract's company): it
    exists, it is of the file's app (`--app`), and the row does not move its entity (the
    `child`) from the app it is of to the parent's."""

    parent: str
    child: str
    parents: dict[str, str]  # the app of every existing parent
    children: dict[str, str]  # the app of every existing entity of the row's kind
    app: str | None  # --app

    def check(self, child_id: str, parent_id: str, reasons: list[str]) -> None:
        """Adds why the row may not name this parent (ids "" when missing), if it may not."""
        parent_app = self.parents.get(parent_id) if parent_id else None
        if parent_id and parent_app is None:
            reasons.append(
                f"unknown {self.parent} {parent_id!r}: no {self.parent} has this id "
                f"(load the {_PLURALS[self.parent]} before their {_PLURALS[self.child]})"
            )
        elif parent_app is not None and self.app is not None and parent_app != self.app:
            reasons.append(other_app_reason(self.parent, parent_id, parent_app, self.app))
        elif parent_app is not None and child_id:
            child_app = self.children.get(child_id)
            if child_app is not None and child_app != parent_app:
                reasons.append(move_reason(self.child, child_id, child_app, parent_app))


def required(row: Row, name: str, reasons: list[str]) -> str:
    """The value of a required field; an empty string (and a reason) when it is missing."""
    value = row.get(name)
    if value is None:
        reasons.append(f"missing required value for {name}")
        return ""
    return value


def optional(
    row: Row,
    name: str,
    parse: Callable[[str], T],
    default: T,
    reasons: list[str],
) -> T:
    """The parsed value of an optional field, `default` when it is empty or bad."""
    value = row.get(name)
    if value is None:
        return default
    try:
        return parse(value)
    except BadValue as exc:
        reasons.append(str(exc))
        return default


class FirstLines:
    """Remembers the first line of each key, to name both lines of a duplicate."""

    def __init__(self) -> None:
        self._lines: dict[Hashable, int] = {}

    def duplicate_reason(self, key: Hashable, line: int, what: str) -> str | None:
        first = self._lines.setdefault(key, line)
        if first == line:
            return None
        return f"duplicate {what} {key!r}: line {first} has the same"


def table_write(
    table_name: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    always: Sequence[str],
    optional: Mapping[str, str] | None = None,
    present: frozenset[str] = frozenset(),
    mode: WriteMode = WriteMode.UPSERT,
    compare: CompareBy | None = None,
) -> TableWrite:
    """The write of `rows` (dicts keyed by column), cut down to the columns the file gave:
    `always` and the columns of the `optional` fields (field -> column) it has.

    A column the file lacks is left as it is in existing rows; new rows get its default.
    """
    columns = (*always, *(column for name, column in (optional or {}).items() if name in present))
    values = [tuple(row[column] for column in columns) for row in rows]
    return TableWrite(table(table_name), columns, values, mode, compare)

"""The account-rows JSON read's statement binds the read's values and nothing else.

Each bound value is one more argument converted in Python and bound in sqlite3 on every read:
the level of the rows, SQLite's separator and PostgreSQL's constants of a value's text are
constants of the statement, written into it (about 12,000 instructions of the small request
on SQLite: docs/performance.md). What is bound
is what changes from read to read: the ids, the filter's names and months, the aliased keys,
and the scope's app or account (a client's string, never written into SQL text)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Dialect, create_engine
from sqlalchemy.dialects import sqlite

from store.reads.account_metrics_json import RowColumn, RowField, statement_of
from store.reads.entities import MetricFilter
from store.scope import INTERNAL, Role, Scope

_COLUMNS = [column for column in RowColumn if column is not RowColumn.TYPE_NAME]
_FIELDS = st.lists(st.tuples(st.sampled_from(_COLUMNS), st.booleans()), min_size=1, max_size=4).map(
    lambda fields: tuple(
        RowField(f"f{position}" if aliased else column.name.lower(), column)
        for position, (column, aliased) in enumerate(fields)
    )
)
_TEXT = st.text(alphabet="abc-'\"", min_size=1, max_size=5)


# The dialects as the stores' engines have them (asyncpg's dialect class is untyped).
_DIALECTS = [
    sqlite.dialect(),
    create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none").dialect,
]


@pytest.mark.parametrize("dialect", _DIALECTS, ids=["sqlite", "postgresql"])
@given(
    ids=st.lists(_TEXT, min_size=1, max_size=3),
    names=st.none() | st.lists(_TEXT, min_size=1, max_size=3).map(tuple),
    months=st.none()
    | st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)), min_size=1, max_size=3).map(
        tuple
    ),
    fields=_FIELDS,
    scope=st.sampled_from(
        (INTERNAL, Scope(Role.APP, app_id="north"), Scope(Role.ACCOUNT, "north", "acc-2"))
    ),
)
def test_binds_only_what_changes_between_reads(
    dialect: Dialect,
    ids: list[str],
    names: tuple[str, ...] | None,
    months: tuple[dt.date, ...] | None,
    fields: tuple[RowField, ...],
    scope: Scope,
) -> None:
    statement, parameters = statement_of(ids, MetricFilter(names, months), scope, fields, dialect)
    _sql, arguments = statement.sql(dialect, parameters)
    expected: list[object] = [
        *ids,
        *(names or ()),
        *(_month(month, dialect) for month in months or ()),
    ]
    expected += [value for name, value in parameters.items() if name.startswith("row_key_")]
    expected += {Role.APP: ["north"], Role.ACCOUNT: ["acc-2"]}.get(scope.role, [])
    assert Counter(arguments) == Counter(expected)


def _month(month: dt.date, dialect: Dialect) -> object:
    """A month as the driver takes it: SQLite's ISO text, asyncpg's date."""
    return month.isoformat() if dialect.name == "sqlite" else month

"""Column forms of resolvers: one call computes a field for a whole list of rows.

A field whose resolver is a pure function of its row and arguments may declare a column form
in its metadata (``metadata=column_form(fn)``). ``fn(rows, **arguments)`` receives every row
of a list (a list, or rows kept as columns: `attribute_column` reads either) and the field's
arguments under their Python names, and returns one value per row, equal to what the resolver
returns for that row. It may raise: the lean executor
(schema.execution.lean) then completes that list with the standard executor, whose per-row
resolver raises the same error at the right row.

The point is the arguments: the executor evaluates them once per list, not once per row, and
the column form can do per-list work once (a formatter per unit and locale)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from store.column_rows import ColumnRows

COLUMN = "profiling.column"
BATCH = "profiling.batch"

ColumnForm = Callable[..., list[Any]]


def attribute_column(rows: Sequence[Any], name: str) -> list[Any]:
    """The attribute `name` of every row: a column form's read of its rows, one slice of a
    column when the rows are kept as columns (store/column_rows.py)."""
    if isinstance(rows, ColumnRows):
        column = rows.column(name)
        if column is not None:
            return column
    return [getattr(row, name) for row in rows]


def column_form(form: Callable[..., Sequence[Any]]) -> dict[str, object]:
    """Field metadata that declares ``form`` as the column form of the field's resolver."""
    return {COLUMN: form}


def batch_form(form: Callable[..., Awaitable[Sequence[Any]]]) -> dict[str, object]:
    """Field metadata that declares ``form`` as the batch form of an async resolver whose
    field is a list of objects (an entity's metric rows).

    ``await form(rows, context, **arguments)`` returns one value per row, equal to what the
    resolver returns for that row with that request context: one batch of reads for the
    whole list instead of a resolver call per row. It may raise, as a column form may."""
    return {BATCH: form}

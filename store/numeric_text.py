"""A NUMERIC column read as PostgreSQL's text: the same exact Decimal, no Python call a value.

The read pool's connections decode NUMERIC through a Python decoder (driver_pool.py: Decimal of
the text, exact as PostgreSQL writes it): asyncpg calls it once for every value, about 1.5 us
each, which is most of what 10 values add to the small query's read. Cast to text in the
statement, the values come through asyncpg's own text decoding (C, no Python call), and the
column becomes Decimals in one `map(Decimal, ...)` (ExactDecimal.column_result_processor): the
same values, as Decimal's constructor reads the same text. On SQLite the column is already
text and the expression is the bare column.

Only in a statement's columns: a cast in a condition or an ORDER BY would compare texts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from store.tables import ExactDecimal


class numeric_text(FunctionElement[Decimal]):  # SQLAlchemy's naming of constructs
    """`numeric_text(column)`: an ExactDecimal column as PostgreSQL's text (the bare column
    elsewhere), converted back to the column's Decimals by ExactDecimal."""

    type = ExactDecimal()
    name = "numeric_text"
    inherit_cache = True

    def __init__(self, column: ColumnElement[Decimal]) -> None:
        super().__init__(column)


@compiles(numeric_text)
def _bare(element: numeric_text, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(numeric_text, "postgresql")
def _as_text(element: numeric_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"

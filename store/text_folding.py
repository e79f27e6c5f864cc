"""Case-insensitive text matching that folds every letter on both stores.

SQLite's lower(), LIKE and ILIKE fold ASCII letters only: 'MÜLLER' would not find 'Müller'.
Every SQLite connection (store/engine.py's `sqlite_pragmas`, which runs on connect for the
async engine and for the reader threads' sqlite3 connections alike) gets UNICODE_LOWER, Python's
str.lower, and `folded` compiles to it there (to lower() on PostgreSQL, which lowers every
letter already, as str.lower does), so both stores give the same answer:
'STRAẞE' finds 'Straße' on both, and 'strasse' finds it on neither (that would be Unicode
case folding, which PostgreSQL 15 does not do).

A contains-search (`%text%`) reads every row whatever the case rule, so no index would help it;
none is made on the function, which would also make the file unwritable to a SQLite client
without it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

UNICODE_LOWER = "unicode_lower"


def unicode_lower(value: object) -> object:
    """Text lowered letter by letter, as PostgreSQL's lower() does; anything else as it is."""
    return value.lower() if isinstance(value, str) else value


def register_unicode_lower(dbapi_connection: Any) -> None:
    """Define UNICODE_LOWER on a SQLite DB-API connection (sqlite3, or SQLAlchemy's adapter
    of aiosqlite, which takes the same arguments)."""
    dbapi_connection.create_function(UNICODE_LOWER, 1, unicode_lower, deterministic=True)


class folded(FunctionElement[str]):
    """Text with every letter lowered: lower() on PostgreSQL, UNICODE_LOWER on SQLite.
    `folded(text).like(folded(pattern))` is PostgreSQL's ILIKE on both stores."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _unicode_lower(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{UNICODE_LOWER}({compiler.process(element.clauses, **kw)})"

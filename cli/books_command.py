"""`profiling books list|rename`: the books of a company's sales and ledger, by app.

A book is the company a sales or ledger export's title names (folded: case, punctuation and
legal forms; `docs/ledger-books.md`). `books list` shows them as stored, with what each holds;
`books rename OLD NEW` moves a book's lines under another name (a company renamed in its
books, a book started by a misspelt `--book`), in one transaction, refused when the two books
hold lines of one customer unless `--merge` (`store/books.py`).

The store (SQLAlchemy) is imported when a command runs, not for `--help`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import fail, run_on_database, settings_or_exit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from store.books import BookRename, StoredBook

books = typer.Typer(
    help="List and rename the books of sales and ledger data.",
    no_args_is_help=True,
    # Plain help: flags show as flags (Typer's Rich panels print `--flag <bool>`).
    rich_markup_mode=None,
)


def _checked_app(app: str | None) -> None:
    if app is not None and not app.strip():
        # An unset shell variable (`--app "$APP"`): never read as "every app".
        raise fail("--app is empty: give an app (or leave --app out)")


@books.command("list", short_help="List the books stored, by app, with what each holds.")
def list_(
    app: Annotated[str | None, typer.Option(help="Only this app's books.")] = None,
) -> None:
    """List the books stored, by app: each as stored (folded), with its customers, ledger
    entries and sale lines ('(no known book)': files that named no company)."""
    from rich.console import Console
    from rich.table import Table

    from store.books import stored_books

    _checked_app(app)
    settings = settings_or_exit()

    async def job(engine: AsyncEngine) -> list[StoredBook]:
        async with engine.connect() as connection:
            return await stored_books(connection, app=app)

    held = run_on_database(settings, job, create=False)
    table = Table("app", "book", "customers", "ledger entries", "sale lines")
    for book in held:
        table.add_row(
            book.app,
            book.book or "(no known book)",
            f"{book.customers:,}",
            f"{book.ledger_entries:,}",
            f"{book.sale_lines:,}",
        )
    # Wide enough for whole names when the output is a pipe or a file.
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@books.command("rename", short_help="Move every line of book OLD to book NEW.")
def rename(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The book to rename.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new name.")],
    app: Annotated[
        str | None,
        typer.Option(help="The app whose book it is (needed when two apps keep a book OLD)."),
    ] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help=(
                "Join OLD into NEW even when both hold lines of one customer: where both hold "
                "a line at one place, NEW's is kept (NEW must be the book of the later "
                "exports); then reload the latest exports with --book NEW."
            ),
        ),
    ] = False,
) -> None:
    """Move every ledger entry and sale line of book OLD to book NEW, in one transaction.
    Names are compared folded, as a title's are. Refused, nothing moved, when NEW holds lines
    of a customer OLD holds lines of too, unless --merge; NEW's lines of other customers are
    merged."""
    from store.books import BookRefused, rename_book

    _checked_app(app)
    settings = settings_or_exit()

    async def job(engine: AsyncEngine) -> BookRename:
        return await rename_book(engine, old=old, new=new, app=app, merge=merge)

    try:
        # Nothing to rename in a database that does not exist: it is not created for that.
        renamed = run_on_database(settings, job, create=False)
    except BookRefused as exc:
        raise fail(str(exc)) from None
    typer.echo(renamed.summary())

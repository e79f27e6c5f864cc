"""`profiling ingest KIND FILE [--app APP] [--column ROLE=NAME] [--accounts MAPPING]
[--party NAME] [--dates day-first|month-first|guess] [--currency CODE|guess] [--book NAME
[--new-book]] [--new-app]`:
load one file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from cli.common import run_on_database, settings_or_exit
from cli.progress import RichProgress, progress_bar
from settings import SettingsError
from store.ingest import (
    DatesOption,
    FileRejected,
    IngestKind,
    IngestRejected,
    IngestReport,
    ingest_file,
)
from store.jobs.segment_settings import KeptOptionsConflict


def _ingest(
    kind: IngestKind,
    file: Path,
    app: str | None,
    columns: dict[str, str | None],
    accounts: Path | None,
    party: str | None,
    dates: DatesOption | None,
    currency: str | None,
    book: str | None,
    new_book: bool,
    new_app: bool,
    console: Console,
) -> IngestReport:
    """Load on the settings' database: it is named first, created when missing, and a
    database that cannot be used is one line (cli.common.run_on_database)."""
    settings = settings_or_exit()
    _check_readable(file)

    async def job(engine: AsyncEngine) -> IngestReport:
        with progress_bar(console) as bar:
            return await ingest_file(
                engine,
                kind=kind,
                path=file,
                app=app,
                progress=RichProgress(bar),
                columns=columns,
                segment=settings.segment,
                accounts=accounts,
                party=party,
                dates=dates,
                currency=currency,
                book=book,
                new_book=new_book,
                new_app=new_app,
                # PROFILING_TODAY, as the server's "today" that caps a period asked about.
                loaded_on=settings.today(),
            )

    return run_on_database(settings, job)


def _check_readable(file: Path) -> None:
    """Refuse a file that cannot be opened, named as it was given (`/data/x.csv`, not `x.csv`),
    before the database is opened: a mistyped path creates no database."""
    try:
        with file.open("rb"):
            pass
    except OSError as exc:
        raise FileRejected(f"{file}: cannot read it: {exc.strerror or exc}") from None


def _column_overrides(options: list[str] | None) -> dict[str, str | None]:
    """`role=name` pairs; `role=` says the file has no column for that role."""
    overrides: dict[str, str | None] = {}
    for option in options or []:
        role, equals, column = option.partition("=")
        if not equals or not role.strip():
            raise FileRejected(
                f"--column {option!r}: write it as ROLE=COLUMN, e.g. --column amount='Net Amt'"
            )
        overrides[role.strip()] = column.strip() or None
    return overrides


def _print_report(report: IngestReport) -> None:
    # Short whatever the file's size: counts and a few examples, never every id.
    typer.echo("".join(f"{line}\n" for line in report.lines()), nl=False)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def ingest(
    kind: Annotated[IngestKind, typer.Argument(metavar="KIND", help="What the file holds.")],
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help=(
                "A CSV (comma, semicolon or tab) or JSON Lines file; sales and ledger files may "
                "also be pipe-separated, whitespace-aligned, without a header row, in "
                "Windows-1252 or UTF-16, or Excel .xlsx."
            ),
        ),
    ],
    app: Annotated[
        str | None,
        typer.Option(
            help=(
                "The file's app: accounts whose row names none and new customers join it, and "
                "rows may name only its accounts, companies and contracts (sales and ledger "
                "files: default 'default')."
            )
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ROLE=COLUMN",
            help=(
                "Sales and ledger files: the column that gives a role, by name or position, "
                "instead of the guess (e.g. amount='Net Amt', customer=1; ROLE= for none). "
                "Repeat for more roles."
            ),
        ),
    ] = None,
    accounts: Annotated[
        Path | None,
        typer.Option(
            metavar="MAPPING",
            help=(
                "Sales and ledger files: a CSV (or JSON Lines) with columns party,account_id "
                "saying which existing account of the app each party of the export is, where "
                "its name does not say it (two accounts share the name, or the export writes "
                "it otherwise)."
            ),
        ),
    ] = None,
    party: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help=(
                "Ledger files: the one customer of a ledger exported for one party, whose "
                "Particulars name the other account of each entry (Sales Account, a bank); "
                "its title names it otherwise (Ledger: NAME)."
            ),
        ),
    ] = None,
    dates: Annotated[
        DatesOption | None,
        typer.Option(
            help=(
                "Sales and ledger files: the order of day and month of dates such as "
                "04/01/2024 (day-first: 4 January; month-first: 1 April), kept for the app so "
                "that its later loads read them alike; guess forgets a kept order. Without "
                "it, a file whose dates read both ways is read as its title's period or its "
                "report's convention says, or refused."
            )
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            metavar="CODE|guess",
            help=(
                "Sales and ledger files: the base currency (ISO code) that amounts in other "
                "currencies convert to at their line's exchange rate, kept for the app so "
                "that its later loads convert alike; a later --currency changes it, guess "
                "forgets it. Without it or a kept one, the currency of the lines at rate 1."
            ),
        ),
    ] = None,
    book: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help=(
                "Sales and ledger files: the company whose books the file is of, in place of "
                "the one its title names (compared as a title's: case, punctuation and legal "
                "forms folded). For a company renamed in its books, its old name: the file "
                "then loads into the stored book, nothing doubled; also for a file whose title "
                "has no company line. A name nothing of the app is stored under is refused "
                "(a typo would start a second book) unless the title names it too or "
                "--new-book is given."
            ),
        ),
    ] = None,
    new_book: Annotated[
        bool,
        typer.Option(
            "--new-book",
            help=(
                "With --book: the book it names may be new (a company's first load under "
                "that name)."
            ),
        ),
    ] = False,
    new_app: Annotated[
        bool,
        typer.Option(
            "--new-app",
            help=(
                "Sales and ledger files: the app the load creates is meant to be new. Without "
                "it, a load that would create an app whose name is close to an existing app's "
                "(a typo), or whose company's books another app holds, is refused."
            ),
        ),
    ] = False,
) -> None:
    """Load one file: every row or, if any row is bad, none (each bad row is listed)."""
    # Only the progress bar goes through Rich; results are plain lines, never wrapped.
    progress_console = Console(stderr=True)
    if app is not None and not app.strip():
        # An unset shell variable (`--app "$APP"`) would otherwise load the file into the app
        # `default`, another tenant's customers beside this one's.
        raise _fail("--app is empty: give the file's app (or leave --app out for 'default')")
    try:
        columns = _column_overrides(column)
        report = _ingest(
            kind,
            file,
            app,
            columns,
            accounts,
            party,
            dates,
            currency,
            book,
            new_book,
            new_app,
            progress_console,
        )
    except IngestRejected as exc:
        # One write for all bad rows: a file may have a million of them.
        typer.echo("".join(f"{problem}\n" for problem in exc.problems), err=True, nl=False)
        if exc.columns_line is not None:
            typer.echo(exc.columns_line, err=True)
        raise _fail(exc.summary) from exc
    except (FileRejected, SettingsError, KeptOptionsConflict) as exc:
        # (An app's kept segment options that no longer fit the environment: the load, in
        # the same transaction as its recomputation, wrote nothing.)
        raise _fail(str(exc)) from exc
    except (SQLAlchemyError, OSError) as exc:
        # The driver's message can run over many lines; the first says what happened.
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise _fail(f"cannot load {file}: {first_line}") from exc
    _print_report(report)

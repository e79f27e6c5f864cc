"""`ingest_file`: read and check a whole file, then write all of it in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncEngine

from settings import SegmentOptions
from store.ingest.account_mapping import read_account_mapping
from store.ingest.blocks import ColumnBlock
from store.ingest.cell_formats import Formats, ReadsAgain
from store.ingest.columns import ColumnMatcher
from store.ingest.date_setting import DatesOption
from store.ingest.errors import FileRejected, IngestRejected, RowProblem
from store.ingest.kind import IngestKind
from store.ingest.kinds.base import IngestOptions, RowValidator
from store.ingest.kinds.exports import ScansFirst
from store.ingest.kinds.load_book import checked_book_option
from store.ingest.kinds.registry import LOADERS
from store.ingest.plan import RowChanges, WritePlan
from store.ingest.progress import IngestProgress, NoProgress
from store.ingest.reading import TableFile, TableReader, open_table_file
from store.ingest.report import IngestReport
from store.ingest.staging import MetricStage, StagesRows
from store.ingest.title_lines import title_lines
from store.ingest.write_ahead import WriteAhead
from store.ingest.writer import WriteResult, write_plan, write_plan_on

# Checked rows handed to the stage at a time: memory holds at most this many.
STAGE_CHUNK_ROWS = 10_000


def _one_per_line(problems: Iterable[RowProblem]) -> list[RowProblem]:
    """One problem per bad line, its reasons joined, in line order."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.line, []).append(problem.reason)
    return [RowProblem(line, "; ".join(texts)) for line, texts in sorted(reasons.items())]


async def ingest_file(
    engine: AsyncEngine,
    *,
    kind: IngestKind,
    path: Path,
    app: str | None = None,
    progress: IngestProgress | None = None,
    columns: Mapping[str, str | None] | None = None,
    segment: SegmentOptions | None = None,
    accounts: Path | None = None,
    party: str | None = None,
    dates: DatesOption | None = None,
    currency: str | None = None,
    book: str | None = None,
    new_book: bool = False,
    new_app: bool = False,
    loaded_on: dt.date | None = None,
) -> IngestReport:
    """Load one file of `kind`: every row or none.

    Raises `FileRejected` when the file cannot be read or lacks a required column, and
    `IngestRejected` listing every bad row; in both cases nothing is written. Loading the
    same file again changes nothing.

    Sales and ledger files guess their columns (`columns` overrides a guess: role -> column
    name, None for none) and recompute the segments of their apps (`segment` configures it).
    Their parties link to the accounts of their app (`store.ingest.kinds.parties`); `accounts`
    is a file mapping parties to account ids (`store.ingest.account_mapping`). A ledger of one
    customer takes its party from its title, or from `party`. `dates` gives the order of day
    and month of a sales or ledger export and keeps it for the app
    (`store.ingest.date_setting`). `currency` is the base currency a sales or ledger export's
    amounts in other currencies convert to (`store.ingest.kinds.currencies`), kept for the app
    likewise (`store.ingest.currency_setting`). `book` names the company whose books a sales or
    ledger export is of, in place of its title's (a renamed company's old name:
    `store.ingest.kinds.load_book`); a book nothing of the app is stored under is refused
    unless the title names it too or `new_book`. A sales or ledger load that would create an
    app whose name is close to an existing one's, or whose book another app holds, is refused
    unless `new_app` (`store.ingest.kinds.load_app`). A period a sales or ledger export's title
    states is stored as known up to `loaded_on` at most (the settings' today; None: today).
    """
    if currency is not None and LOADERS[kind].guess_columns is None:
        raise FileRejected(
            f"--currency gives the base currency of sales and ledger files' amounts, not of "
            f"{kind} files"
        )
    if dates is not None and LOADERS[kind].guess_columns is None:
        raise FileRejected(
            f"--dates gives the order of day and month of sales and ledger files; {kind} files "
            f"decide it from their own dates"
        )
    if accounts is not None and LOADERS[kind].guess_columns is None:
        raise FileRejected(
            f"--accounts maps the parties of sales and ledger files; {kind} files name their "
            f"accounts by id"
        )
    if book is not None:
        if LOADERS[kind].guess_columns is None:
            raise FileRejected(
                f"--book names the company whose books sales and ledger files are of; {kind} "
                f"files are of no book"
            )
        checked_book_option(book)
    elif new_book:
        raise FileRejected("--new-book says the book --book names may be new: give --book too")
    if new_app and LOADERS[kind].guess_columns is None:
        raise FileRejected(
            f"--new-app lets a sales or ledger file create an app of a name close to another's; "
            f"{kind} files create no app from --app"
        )
    options = IngestOptions(
        app=app,
        columns=dict(columns or {}),
        segment=segment or SegmentOptions(),
        accounts=None if accounts is None else read_account_mapping(accounts),
        party=party,
        dates=dates,
        currency=currency,
        book=book,
        new_book=new_book,
        new_app=new_app,
        loaded_on=loaded_on,
    )
    try:
        return await _ingest(engine, kind=kind, path=path, options=options, progress=progress)
    except FileRejected as exc:
        # Said once here rather than in every message: which file it was.
        raise FileRejected(f"{path}: {exc}") from exc


async def _ingest(
    engine: AsyncEngine,
    *,
    kind: IngestKind,
    path: Path,
    options: IngestOptions,
    progress: IngestProgress | None,
) -> IngestReport:
    progress = progress or NoProgress()
    loader = LOADERS[kind]
    if options.party is not None and kind is not IngestKind.LEDGER:
        raise FileRejected(f"--party names the one customer of a ledger, not of {kind} files")
    matcher: ColumnMatcher
    if loader.guess_columns is not None:
        guessing = loader.guess_columns(options)
        table_file = open_table_file(
            path,
            header_score=guessing.header_score,
            content_guess=guessing.content_guess,
            fallback_encoding=True,
        )
        if table_file.headerless is not None:
            guessing.positions = dict(table_file.headerless.positions)
        matcher = guessing
        if loader.reads_title:
            options = replace(options, title=title_lines(table_file, guessing.header_score))
    elif options.columns:
        raise FileRejected(
            f"--column is for sales and ledger files; {kind} files name their columns "
            f"{', '.join(loader.columns.fields)}"
        )

    else:
        table_file = open_table_file(path)
        matcher = ColumnMatcher(loader.columns)
    async with engine.connect() as connection:
        validator = await loader.prepare(connection, options)
    if isinstance(validator, StagesRows):
        try:
            return await _ingest_staged(engine, kind, table_file, matcher, validator, progress)
        except _ReadAgain as again:
            # The file writes its dates or numbers otherwise than assumed (month first, a
            # decimal comma): nothing was written; read it again as it writes them.
            async with engine.connect() as connection:
                validator = await loader.prepare(connection, options)
            assert isinstance(validator, ReadsAgain)
            validator.assume(again.formats)
            return await _ingest_staged(
                engine, kind, table_file, matcher, validator, progress, read_again=False
            )

    if isinstance(validator, ScansFirst):
        # How dates and amounts are written is decided from the whole file, read once more.
        progress.start(f"Scanning {path}", total=table_file.size)
        for _line, row in TableReader(table_file, matcher, progress):
            validator.observe(row)
        validator.formats_known(matcher.mapping, matcher.ignored)
    reader = TableReader(table_file, matcher, progress)
    problems: list[RowProblem] = []
    progress.start(f"Reading {path}", total=table_file.size)
    # The hot loop of a million-row file: keep it to one call per row.
    check = validator.check
    for line, row in reader:
        reasons = check(line, row)
        if reasons:
            problems.append(RowProblem(line, "; ".join(reasons)))
    problems.extend(reader.problems)
    problems.extend(validator.finish())
    if problems:
        raise IngestRejected(
            file_name=str(path),
            problems=_one_per_line(problems),
            rows_read=reader.rows_read,
            columns=matcher.mapping if loader.guess_columns is not None else None,
        )

    plan = validator.plan(matcher.present)
    progress.start(f"Writing {path}", total=plan.total_rows)
    written = await write_plan(engine, plan, progress=progress)
    return _report(
        kind, table_file, reader, matcher, plan, written, rows=plan.rows, changes=written.changes
    )


async def _ingest_staged(
    engine: AsyncEngine,
    kind: IngestKind,
    table_file: TableFile,
    matcher: ColumnMatcher,
    validator: RowValidator,
    progress: IngestProgress,
    *,
    read_again: bool = True,
) -> IngestReport:
    """The load of a validator that stages its rows: read, check and stage chunk by chunk,
    then let the database find duplicates and write, all in one transaction. When the file's
    dates or numbers turn out to be written otherwise than the validator assumed, and
    `read_again`, raises `_ReadAgain` (the transaction rolls back) for a second read."""
    assert isinstance(validator, StagesRows)
    path = table_file.path
    reader = TableReader(table_file, matcher, progress)
    problems: list[RowProblem] = []
    async with engine.begin() as connection:
        stage = await MetricStage.create(
            connection,
            entities=validator.staged_entities(),
            metrics=validator.staged_metrics(),
        )
        ahead = WriteAhead()
        try:
            progress.start(f"Reading {path}", total=table_file.size)
            check = validator.check
            staged = validator.staged
            for block in reader.blocks(STAGE_CHUNK_ROWS):
                if isinstance(block, ColumnBlock):
                    columns = validator.stage_block(block)
                    if columns is not None:
                        await ahead.start(stage.add_columns(columns), under_way=stage.sent)
                        continue
                    block = block.records()
                for line, row in block:
                    reasons = check(line, row)
                    if reasons:
                        problems.append(RowProblem(line, "; ".join(reasons)))
                    elif len(staged) >= STAGE_CHUNK_ROWS:
                        await ahead.wait()
                        await stage.add(validator.take_staged())
                        staged = validator.staged
            await ahead.wait()
            await stage.add(validator.take_staged())
            if (
                read_again
                and isinstance(validator, ReadsAgain)
                and (formats := validator.reread_formats())
            ):
                raise _ReadAgain(formats)
            problems.extend(reader.problems)
            problems.extend(validator.finish())
            await stage.finish_loading()
            if problems:
                problems.extend(await stage.duplicates())
                _reject(path, problems, reader)
            plan = validator.plan(matcher.present)
            progress.start(f"Writing {path}", total=plan.total_rows + stage.rows)
            await stage.lock_for_writes()
            written = await write_plan_on(connection, plan, progress=progress)
            changes = await stage.write_if_all_new()
            if changes is None:
                problems.extend(await stage.duplicates())
                if problems:
                    _reject(path, problems, reader)
                changes = await stage.changes()
                await stage.write(changes)
            progress.advance(stage.rows)
        finally:
            await ahead.settle()
            await stage.drop()
    return _report(
        kind, table_file, reader, matcher, plan, written, rows=stage.rows, changes=changes
    )


class _ReadAgain(Exception):
    """A staged read must start over with the formats the whole file decided."""

    def __init__(self, formats: Formats) -> None:
        super().__init__(formats)
        self.formats = formats


def _reject(path: Path, problems: list[RowProblem], reader: TableReader) -> NoReturn:
    raise IngestRejected(
        file_name=str(path), problems=_one_per_line(problems), rows_read=reader.rows_read
    )


def _report(
    kind: IngestKind,
    table_file: TableFile,
    reader: TableReader,
    matcher: ColumnMatcher,
    plan: WritePlan,
    written: WriteResult,
    *,
    rows: int,
    changes: RowChanges | None,
) -> IngestReport:
    """What a load did, whichever way its rows were written."""
    encoding = table_file.encoding_note()
    return IngestReport(
        kind=kind,
        file_name=str(table_file.path),
        file_format=table_file.describe(),
        rows_read=reader.rows_read,
        rows_written=rows,
        columns=dict(matcher.mapping),
        ignored_columns=list(matcher.ignored),
        created={what: list(names) for what, names in plan.created.items()},
        notes=[*([encoding] if encoding else []), *plan.notes, *written.notes],
        changes=changes,
    )

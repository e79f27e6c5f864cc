"""`--book NAME` naming a book nothing of the app is stored under (`ingest_file(book=...)`,
`store/ingest/kinds/load_book.py`): refused in one line, nothing read or written, naming the
stored book nearest it, unless `new_book` (`--new-book`) says it is meant to be new or the
title names that company too.

Before: a misspelt `--book` (`Kaveri Distrbutors`) loaded without a word into a new book: the
renamed company's ledger and register stored twice, beside the book meant (outstanding and
revenue counted twice), with no command able to join the two."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.ingest.test_book_option import _KINDS, NEW, OLD

TYPO = "Kaveri Distrbutors"
OLD_KEY = book_key(OLD)


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_a_misspelt_book_is_refused_nothing_written(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    write, lines, stored = _KINDS[kind]
    await ingest_file(engine, kind=kind, path=write(tmp_path, "old.csv", lines, OLD), app="kav")
    before = await stored(engine)
    renamed = write(tmp_path, "new.csv", lines, NEW)

    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=renamed, app="kav", book=TYPO)

    message = str(refused.value)
    assert "\n" not in message
    assert message == (
        f"{renamed}: --book {TYPO!r}: no book 'kaveri distrbutors' is stored in app kav (did "
        "you mean 'kaveri distributors'?); give --new-book as well to start that book (a "
        "company's first load under it)"
    )
    assert await stored(engine) == before


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_new_book_starts_the_book(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """A file whose title was cut off, of a company nothing is stored of yet."""
    write, lines, stored = _KINDS[kind]
    headless = write(tmp_path, "cut.csv", lines, None)

    with pytest.raises(FileRejected, match="no named book is stored there"):
        await ingest_file(engine, kind=kind, path=headless, app="kav", book=NEW)
    await ingest_file(engine, kind=kind, path=headless, app="kav", book=NEW, new_book=True)

    assert {line[-1] for line in await stored(engine)} == {book_key(NEW)}
    # The book is stored now: the option alone loads into it.
    again = await ingest_file(engine, kind=kind, path=headless, app="kav", book=NEW)
    assert again.changes is not None
    assert again.changes.new == 0


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_a_title_naming_the_same_company_needs_no_new_book(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    write, lines, stored = _KINDS[kind]
    titled = write(tmp_path, "new.csv", lines, NEW)

    await ingest_file(engine, kind=kind, path=titled, app="kav", book="KAVERI ELECTRICALS.")

    assert {line[-1] for line in await stored(engine)} == {book_key(NEW)}


async def test_a_book_of_another_app_is_not_this_apps(engine: AsyncEngine, tmp_path: Path) -> None:
    """Books are per app (their lines' customers are): another tenant's book is no reason to
    take a name as meant."""
    write, lines, stored = _KINDS[IngestKind.SALES]
    await ingest_file(
        engine, kind=IngestKind.SALES, path=write(tmp_path, "o.csv", lines, OLD), app="other"
    )
    before = await stored(engine)

    with pytest.raises(FileRejected, match=r"no book 'kaveri distributors' is stored in app kav"):
        await ingest_file(
            engine,
            kind=IngestKind.SALES,
            path=write(tmp_path, "n.csv", lines, NEW),
            app="kav",
            book=OLD,
        )
    assert await stored(engine) == before


async def test_a_book_holding_only_the_other_kind_is_stored(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The register loaded under the old name, the ledger not yet: the book is the company's."""
    sales_file, sales_lines, _ = _KINDS[IngestKind.SALES]
    ledger_file, ledger_lines, entries = _KINDS[IngestKind.LEDGER]
    await ingest_file(
        engine,
        kind=IngestKind.SALES,
        path=sales_file(tmp_path, "r.csv", sales_lines, OLD),
        app="kav",
    )

    await ingest_file(
        engine,
        kind=IngestKind.LEDGER,
        path=ledger_file(tmp_path, "l.csv", ledger_lines, NEW),
        app="kav",
        book=OLD,
    )

    assert {entry[-1] for entry in await entries(engine)} == {book_key(OLD)}


async def test_new_book_without_book_is_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    write, lines, stored = _KINDS[IngestKind.SALES]

    with pytest.raises(FileRejected, match=r"--new-book .* give --book too"):
        await ingest_file(
            engine,
            kind=IngestKind.SALES,
            path=write(tmp_path, "n.csv", lines, NEW),
            app="kav",
            new_book=True,
        )
    assert await stored(engine) == []


_OPTIONS = st.one_of(
    st.sampled_from(
        [OLD, "KAVERI DISTRIBUTORS.", NEW, "kaveri electricals", TYPO, "", "कावेरी", "Kaveri"]
    ),
    st.text(max_size=20),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(option=_OPTIONS)
async def test_any_book_option_loads_into_a_book_meant_or_is_refused(
    engine: AsyncEngine, tmp_path: Path, option: str
) -> None:
    """The renamed title's register with any `--book`: loaded into the stored book when the
    option folds to it (nothing new), into the title's book when it folds to the title's
    company, else refused with nothing written."""
    write, lines, stored = _KINDS[IngestKind.SALES]
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM sale_line WHERE book <> :old"), {"old": OLD_KEY})
    if not await stored(engine):
        await ingest_file(
            engine, kind=IngestKind.SALES, path=write(tmp_path, "o.csv", lines, OLD), app="kav"
        )
    before = await stored(engine)
    renamed = write(tmp_path, "n.csv", lines, NEW)
    key = book_key(option)

    if key in (OLD_KEY, book_key(NEW)):
        await ingest_file(engine, kind=IngestKind.SALES, path=renamed, app="kav", book=option)
        after = await stored(engine)
        assert {line[-1] for line in after} == {OLD_KEY, key}
        assert len(after) == len(before) * (1 if key == OLD_KEY else 2)
        return
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=IngestKind.SALES, path=renamed, app="kav", book=option)
    assert "\n" not in str(refused.value)
    assert await stored(engine) == before

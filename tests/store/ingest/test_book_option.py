"""`--book NAME` (`ingest_file(book=...)`): the book a sales or ledger file is of, in place of
the company its title names. A company renamed in Tally (its mailing name `Kaveri
Distributors` became `Kaveri Electricals`) prints the new name above its next exports: without
the option they are a new book, and the ledger and register are stored twice (outstanding and
revenue counted twice); with `book=OLD` they load into the stored book, nothing doubled."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.kinds.load_book import LoadBook
from tests.store.ingest.test_ledger_books import MAIN_LINES as LEDGER_LINES
from tests.store.ingest.test_ledger_books import entries, ledger_file
from tests.store.ingest.test_sales_books import MAIN_LINES as SALES_LINES
from tests.store.ingest.test_sales_books import register, sales

OLD = "Kaveri Distributors"
NEW = "Kaveri Electricals"
_KINDS = {
    IngestKind.LEDGER: (ledger_file, LEDGER_LINES, entries),
    IngestKind.SALES: (register, SALES_LINES, sales),
}


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_a_renamed_companys_file_loads_into_the_stored_book(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    write, lines, stored = _KINDS[kind]
    await ingest_file(engine, kind=kind, path=write(tmp_path, "old.csv", lines, OLD), app="kav")
    before = await stored(engine)
    renamed = write(tmp_path, "new.csv", lines, NEW)

    report = await ingest_file(engine, kind=kind, path=renamed, app="kav", book=OLD)

    assert await stored(engine) == before
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
    note = next(note for note in report.notes if note.startswith("Book: "))
    assert note.startswith(f"Book: {OLD!r} (--book"), note
    assert repr(NEW) in note, note
    # Reloading it so again changes nothing.
    again = await ingest_file(engine, kind=kind, path=renamed, app="kav", book=OLD)
    assert await stored(engine) == before
    assert again.changes is not None
    assert again.changes.new == 0


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_without_the_option_the_renamed_title_is_a_second_book(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """What the README documents: a genuinely new name is a new book (its lines beside)."""
    write, lines, stored = _KINDS[kind]
    await ingest_file(engine, kind=kind, path=write(tmp_path, "old.csv", lines, OLD), app="kav")
    once = await stored(engine)
    await ingest_file(engine, kind=kind, path=write(tmp_path, "new.csv", lines, NEW), app="kav")

    after = await stored(engine)
    assert len(after) == 2 * len(once)
    assert {line[-1] for line in after} == {book_key(OLD), book_key(NEW)}


@pytest.mark.parametrize("kind", list(_KINDS))
async def test_a_file_without_its_company_line_loads_into_the_named_book(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """A title cut off (no company line): `--book` names the book, spelt any way its fold
    joins (`KAVERI DISTRIBUTORS.`)."""
    write, lines, stored = _KINDS[kind]
    await ingest_file(engine, kind=kind, path=write(tmp_path, "old.csv", lines, OLD), app="kav")
    before = await stored(engine)
    headless = write(tmp_path, "cut.csv", lines, None)

    report = await ingest_file(
        engine, kind=kind, path=headless, app="kav", book="KAVERI DISTRIBUTORS."
    )

    assert await stored(engine) == before
    note = next(note for note in report.notes if note.startswith("Book: "))
    assert note.startswith("Book: 'KAVERI DISTRIBUTORS.' (--book"), note


@pytest.mark.parametrize("given", ["", "   ", "--", "."])
@pytest.mark.parametrize("kind", list(_KINDS))
async def test_a_book_option_naming_no_company_is_refused_nothing_written(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, given: str
) -> None:
    write, lines, stored = _KINDS[kind]
    path = write(tmp_path, "new.csv", lines, NEW)

    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=path, app="kav", book=given)

    assert "\n" not in str(refused.value)
    assert "--book" in str(refused.value)
    assert await stored(engine) == []


async def test_the_option_is_refused_for_other_kinds(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name,industry\nA1,Acme,retail\n", encoding="utf-8")

    with pytest.raises(FileRejected, match=r"--book .* sales and ledger files"):
        await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=path, book=OLD)


_TITLES = st.sampled_from(
    [(), ((NEW,), ("Sales Register",), ("1-Apr-25 to 30-Apr-25",)), ((OLD,), ("Day Book",))]
)


@given(option=st.text(max_size=30), title=_TITLES)
def test_the_option_is_the_book_whatever_the_title_or_refused(
    option: str, title: tuple[tuple[str, ...], ...]
) -> None:
    """For any `--book` text: the load's book is its fold, whatever company the title names,
    or, when nothing is left of it once folded, the load is refused (never no known book)."""
    if not book_key(option):
        with pytest.raises(FileRejected):
            LoadBook.of_load(title, option)
        return
    chosen = LoadBook.of_load(title, option)
    assert chosen.key == book_key(option)
    assert chosen.note().startswith(f"Book: {option!r} (--book")

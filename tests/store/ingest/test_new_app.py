"""A sales or ledger load that would create an app where another looks meant is refused in one
line naming it (store/ingest/kinds/load_app.py): a name close to an existing app's, or a
company whose books another app holds. `new_app` creates it anyway; loads into an existing app
are never checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.kinds.load_app import _close_app
from tests.store.ingest.test_parties import DAYBOOK, LEDGER_FILE
from tests.store.sales_support import rows_of, write_delimited

SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER


async def _stored(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    return {name: await rows_of(engine, name) for name in ("app", "account", "sale_line")}


async def test_a_mistyped_app_is_refused_naming_the_app_meant(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=SALES, path=DAYBOOK, app="tally")
    before = await _stored(engine)
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=SALES, path=DAYBOOK, app="tallly")
    assert str(refused.value) == (
        f"{DAYBOOK}: --app tallly does not exist yet and its name is close to app tally's: "
        "did you mean `tally`? (--app tally; or give --new-app to create app tallly anyway)"
    )
    assert await _stored(engine) == before
    # Loads into the existing app go on as before, nothing asked of them.
    again = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="tally")
    assert again.created["accounts"] == []


@pytest.mark.parametrize("app", ["other", None])
async def test_the_app_holding_the_files_books_is_named(
    engine: AsyncEngine, app: str | None
) -> None:
    """Another name, or none (the default app): the company's books are app tally's."""
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="tally")
    before = await _stored(engine)
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app=app)
    named = "--app other" if app else "app default (no --app given)"
    assert str(refused.value).startswith(
        f"{LEDGER_FILE}: {named} does not exist yet and app tally holds the books of "
    )
    assert "did you mean `tally`?" in str(refused.value)
    assert await _stored(engine) == before
    # Meant: a second tenant keeping the same company's books.
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app=app, new_app=True)
    assert report.created["apps"] == [app or "default"]


async def test_apps_of_other_names_and_books_are_created_without_a_word(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=SALES, path=DAYBOOK, app="tally")
    header = ("Date", "Invoice", "Customer", "Amount")
    for app in ("north", "tally2"):  # a name apart; a numbered sibling
        path = write_delimited(
            tmp_path, f"{app}.csv", ",", header, [("2024-03-01", f"{app}-1", "Anand", "100")]
        )
        report = await ingest_file(engine, kind=SALES, path=path, app=app)
        assert report.created["apps"] == [app]


async def test_new_app_is_refused_for_files_that_create_no_app(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(tmp_path, "industries.csv", ",", ("industry_id", "name"), [])
    with pytest.raises(FileRejected, match="--new-app lets a sales or ledger file"):
        await ingest_file(engine, kind=IngestKind.INDUSTRIES, path=path, new_app=True)


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)


@given(stem=_NAME, first=st.integers(0, 10**6), second=st.integers(0, 10**6))
def test_names_that_differ_in_digits_only_are_never_taken_for_a_typo(
    stem: str, first: int, second: int
) -> None:
    assert _close_app(f"{stem}{first}", [f"{stem}{second}", stem]) is None


@given(name=_NAME.filter(lambda name: len(name) >= 4), at=st.integers(0, 11))
def test_one_letter_doubled_in_a_name_of_four_letters_or_more_is_a_typo(name: str, at: int) -> None:
    at %= len(name)
    typo = name[: at + 1] + name[at] + name[at + 1 :]
    assert _close_app(typo, [name, "zzzzzzzzzzzzzzzzz"]) == name

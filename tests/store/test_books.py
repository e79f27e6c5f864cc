"""The books of an app (`store/books.py`): listed with what each holds, and renamed in one
transaction (`profiling books rename OLD NEW`).

Before: no command renamed a stored book. A company renamed in its books (Tally's mailing
name `Kaveri Distributors` became `Kaveri Electricals`) could load its new exports into the
stored book only with `--book OLD` on every load from then on."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.books import BookRefused, StoredBook, nearest, rename_book, stored_books
from store.ingest import IngestKind, ingest_file
from tests.store.ingest.test_book_option import _KINDS, NEW, OLD

OLD_KEY = book_key(OLD)
NEW_KEY = book_key(NEW)
LEDGER, SALES = IngestKind.LEDGER, IngestKind.SALES


async def _load(
    engine: AsyncEngine, folder: Path, kind: IngestKind, company: str | None, app: str = "kav"
) -> None:
    write, lines, _ = _KINDS[kind]
    name = f"{kind}-{company}-{app}.csv"
    # A second app of the same company's books is meant here (`--new-app`).
    await ingest_file(
        engine,
        kind=kind,
        path=write(folder, name, lines, company),
        app=app,
        new_app=app != "kav",
    )


async def _books(engine: AsyncEngine, app: str | None = None) -> list[StoredBook]:
    async with engine.connect() as connection:
        return await stored_books(connection, app=app)


async def _stored(engine: AsyncEngine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return await _KINDS[LEDGER][2](engine), await _KINDS[SALES][2](engine)


async def test_a_renamed_company_loads_under_its_new_name_after_the_rename(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, LEDGER, OLD)
    await _load(engine, tmp_path, SALES, OLD)
    entries, sales = await _stored(engine)

    renamed = await rename_book(engine, old="Kaveri Distributors.", new=NEW)

    assert (renamed.app, renamed.old, renamed.new) == ("kav", OLD_KEY, NEW_KEY)
    assert (renamed.ledger_entries, renamed.sale_lines, renamed.customers) == (3, 1, 1)
    assert renamed.summary() == (
        "Renamed book 'kaveri distributors' of app kav to 'kaveri electricals': 3 ledger "
        "entries and 1 sale line of 1 customer moved"
    )
    after_entries, after_sales = await _stored(engine)
    assert after_entries == [(*entry[:-1], NEW_KEY) for entry in entries]
    assert after_sales == [(*line[:-1], NEW_KEY) for line in sales]
    # The renamed title's exports now load into the book, nothing doubled.
    await _load(engine, tmp_path, LEDGER, NEW)
    await _load(engine, tmp_path, SALES, NEW)
    assert await _stored(engine) == (after_entries, after_sales)


async def test_a_book_holding_a_customer_of_the_old_one_is_refused_nothing_moved(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The renamed title loaded without `--book`: one ledger stored in two books. A rename
    cannot say which line of an invoice held twice is right."""
    await _load(engine, tmp_path, LEDGER, OLD)
    await _load(engine, tmp_path, LEDGER, NEW)
    before = await _stored(engine)

    with pytest.raises(BookRefused) as refused:
        await rename_book(engine, old=OLD, new=NEW)

    assert str(refused.value).startswith(
        "book 'kaveri electricals' of app kav holds lines of 1 customer that 'kaveri "
        "distributors' holds lines of too (such as account "
    )
    assert "nothing was moved; give --merge to join them" in str(refused.value)
    assert await _stored(engine) == before


@pytest.mark.parametrize("kind", [LEDGER, SALES])
async def test_merge_joins_a_doubled_book_into_one_copy(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """The renamed title loaded without `--book` (the same export under both names): merged,
    the book holds what one load under the new name stores."""
    stored = _KINDS[kind][2]
    await _load(engine, tmp_path, kind, NEW)
    once = await stored(engine)
    await _load(engine, tmp_path, kind, OLD)
    assert len(await stored(engine)) == 2 * len(once)

    joined = await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert await stored(engine) == once
    assert (joined.joined_customers, joined.dropped_identical, joined.replaced_differing) == (
        1,
        len(once),
        0,
    )
    assert f"{len(once)} line" in joined.summary()
    assert "--book 'kaveri electricals' to re-date, withdraw and trim" in joined.summary()


async def test_merge_keeps_the_new_books_line_where_they_differ(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    write, lines, stored = _KINDS[SALES]
    await ingest_file(engine, kind=SALES, path=write(tmp_path, "o.csv", lines, OLD), app="kav")
    edited = lines.replace('"50,000.00"', '"45,000.00"')
    await ingest_file(engine, kind=SALES, path=write(tmp_path, "n.csv", edited, NEW), app="kav")

    joined = await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert [(line[3], line[4]) for line in await stored(engine)] == [(Decimal("45000.00"), NEW_KEY)]
    assert (joined.dropped_identical, joined.replaced_differing, joined.sale_lines) == (0, 1, 0)


async def test_merge_keeps_two_types_vouchers_at_one_place_of_the_two_books(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Sales 7` of the old book and `Export Sales 7` of the new one, of one customer and day,
    both at place 1: two vouchers (the type is in a ledger entry's key since revision 0029).
    Before, the merge took the new book's for the old one's line at that place and dropped
    `Sales 7` (50,000.00 of receivables gone)."""
    write, _lines, stored = _KINDS[LEDGER]
    receipt = '10-May-2024,7,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
    old = '1-May-2024,7,Sharma Electricals,Sales,7,"50,000.00",\n' + receipt
    new = '1-May-2024,7,Sharma Electricals,Export Sales,7,"30,000.00",\n' + receipt
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "o.csv", old, OLD), app="kav")
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "n.csv", new, NEW), app="kav")

    joined = await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert [(e[1], e[4], e[5]) for e in await stored(engine)] == [
        ("invoice", Decimal("30000.00"), NEW_KEY),
        ("invoice", Decimal("50000.00"), NEW_KEY),
        ("payment", Decimal("25000.00"), NEW_KEY),
    ]
    assert (joined.dropped_identical, joined.replaced_differing) == (1, 0)


async def test_a_book_holding_other_customers_is_merged(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Every rule of a load matches lines within one customer: books of different customers
    join as loading both under one name would have stored them."""
    await _load(engine, tmp_path, SALES, OLD)
    other = tmp_path / "other.csv"
    other.write_text(
        f"{NEW}\nSales Register\n1-Apr-25 to 30-Apr-25\n"
        + _KINDS[SALES][0](tmp_path, "x.csv", "", None).read_text(encoding="utf-8")
        + '5-Apr-25,Mehta Traders,Sales,9,"1,000.00"\n',
        encoding="utf-8",
    )
    await ingest_file(engine, kind=SALES, path=other, app="kav")

    renamed = await rename_book(engine, old=OLD, new=NEW)

    assert renamed.merged
    assert "which held lines already" in renamed.summary()
    assert [(b.book, b.customers, b.sale_lines) for b in await _books(engine)] == [(NEW_KEY, 2, 2)]


async def test_refusals_say_why_in_one_line(engine: AsyncEngine, tmp_path: Path) -> None:
    await _load(engine, tmp_path, SALES, OLD)
    await _load(engine, tmp_path, SALES, OLD, app="two")
    before = await _stored(engine)
    cases = {
        ("Kaveri Distrbutors", NEW, "kav"): "no book 'kaveri distrbutors' is stored in app kav "
        "(did you mean 'kaveri distributors'?)",
        (OLD, "Kaveri Distributors.", "kav"): "'Kaveri Distributors' and 'Kaveri "
        "Distributors.' are one book once folded (stored as 'kaveri distributors'): nothing to "
        "rename",
        (OLD, "..", "kav"): "NEW '..' names no company: give a book as `profiling books list` "
        "shows it (or as a title prints the company)",
        ("", NEW, "kav"): "OLD '' names no company: give a book as `profiling books list` "
        "shows it (or as a title prints the company)",
        (OLD, NEW, None): "book 'kaveri distributors' is stored in apps kav, two: give --app "
        "to say whose to rename",
        (OLD, NEW, "three"): "no book 'kaveri distributors' is stored in app three (no named "
        "book is stored there)",
    }
    for (old, new, app), message in cases.items():
        with pytest.raises(BookRefused) as refused:
            await rename_book(engine, old=old, new=new, app=app)
        assert str(refused.value) == message
    assert await _stored(engine) == before


async def test_only_the_given_apps_book_is_renamed(engine: AsyncEngine, tmp_path: Path) -> None:
    await _load(engine, tmp_path, SALES, OLD)
    await _load(engine, tmp_path, SALES, OLD, app="two")

    await rename_book(engine, old=OLD, new=NEW, app="two")

    assert [(b.app, b.book) for b in await _books(engine)] == [
        ("kav", OLD_KEY),
        ("two", NEW_KEY),
    ]


async def test_the_books_are_listed_by_app_with_what_they_hold(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, LEDGER, OLD)
    await _load(engine, tmp_path, SALES, OLD)
    await _load(engine, tmp_path, SALES, None, app="two")

    assert await _books(engine) == [
        StoredBook(app="kav", book=OLD_KEY, customers=1, ledger_entries=3, sale_lines=1),
        StoredBook(app="two", book="", customers=1, ledger_entries=0, sale_lines=1),
    ]
    assert await _books(engine, "two") == [
        StoredBook(app="two", book="", customers=1, ledger_entries=0, sale_lines=1)
    ]


_NAMES = st.sampled_from([NEW, "Kaveri Electricals (Hubli Branch)", "कावेरी इलेक्ट्रिकल्स"])


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=_NAMES)
async def test_renaming_there_and_back_restores_every_line(
    engine: AsyncEngine, tmp_path: Path, name: str
) -> None:
    """Whatever the new name: a rename and its reverse leave every line as it was."""
    for book in await _books(engine):
        if book.book != OLD_KEY:
            await rename_book(engine, old=book.book, new=OLD, app=book.app)
    if not await _books(engine):
        await _load(engine, tmp_path, LEDGER, OLD)
        await _load(engine, tmp_path, SALES, OLD)
    before = await _stored(engine)

    await rename_book(engine, old=OLD, new=name)
    assert {b.book for b in await _books(engine)} == {book_key(name)}
    await rename_book(engine, old=name, new=OLD)

    assert await _stored(engine) == before


# Invoices of one customer, each of one day and one line (no re-dating or trimming, which
# only a reload does), at one of two amounts (an export edited between the two books').
_INVOICES = st.dictionaries(
    st.sampled_from(["7", "8", "9", "10"]),
    st.sampled_from(["1,000.00", "2,500.00"]),
    max_size=4,
)


def _register_lines(invoices: dict[str, str]) -> str:
    return "".join(
        f'{3 + int(number)}-Apr-25,Sharma Electricals,Sales,{number},"{amount}"\n'
        for number, amount in sorted(invoices.items())
    )


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(older=_INVOICES, later=_INVOICES)
async def test_merge_stores_what_loading_both_under_one_name_does(
    engine: AsyncEngine, tmp_path: Path, older: dict[str, str], later: dict[str, str]
) -> None:
    """The older exports under the old name and the later under the new, then `--merge` of
    old into new: the lines that loading the older then the later export under the new name
    store (where no invoice was re-dated or trimmed between them)."""
    write, _, stored = _KINDS[SALES]

    async def load(lines: str, company: str, book: str | None = None) -> None:
        if lines:
            path = write(tmp_path, f"{company}.csv", lines, company)
            await ingest_file(
                engine, kind=SALES, path=path, app="kav", book=book, new_book=book is not None
            )

    async def empty() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM sale_line"))

    await empty()
    await load(_register_lines(older), OLD, book=NEW)
    await load(_register_lines(later), NEW)
    expected = await stored(engine)
    await empty()
    await load(_register_lines(older), OLD)
    await load(_register_lines(later), NEW)

    if older and later:
        await rename_book(engine, old=OLD, new=NEW, merge=True)
    elif older:
        await rename_book(engine, old=OLD, new=NEW)

    assert await stored(engine) == expected


async def test_merge_tells_lines_apart_by_what_their_reference_is(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two books' copies of a ledger line that differ only in `reference_is_bill` (the old
    book's stored before the release that records it: unknown) are two readings of the line,
    counted as replaced by the new book's, whose record is kept. Before, they were counted
    identical and the old book's unknown could be the one kept."""
    write, lines, _stored = _KINDS[LEDGER]
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "o.csv", lines, OLD), app="kav")
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "n.csv", lines, NEW), app="kav")
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE ledger_entry SET reference_is_bill = NULL WHERE book = :old"),
            {"old": OLD_KEY},
        )
        held = (await connection.execute(text("SELECT count(*) FROM ledger_entry"))).scalar_one()

    joined = await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert (joined.dropped_identical, joined.replaced_differing) == (0, held // 2)
    async with engine.connect() as connection:
        unknown = await connection.execute(
            text("SELECT count(*) FROM ledger_entry WHERE reference_is_bill IS NULL")
        )
        assert unknown.scalar_one() == 0


async def test_merge_takes_an_old_entry_of_no_known_type_for_the_new_books_typed_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The old book's entries stored before types were kept ("" : revision 0029) beside the
    new book's `Sales` ones at the same places: one voucher each, as a load takes an untyped
    entry for the one type stored at its key (`voucher_keys`). Before, the merge kept both:
    the bill and its receipts counted twice."""
    write, lines, stored = _KINDS[LEDGER]
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "o.csv", lines, OLD), app="kav")
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "n.csv", lines, NEW), app="kav")
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE ledger_entry SET voucher_type = '' WHERE book = :old"), {"old": OLD_KEY}
        )
    before = [entry for entry in await stored(engine) if entry[5] == NEW_KEY]

    joined = await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert await stored(engine) == before
    assert joined.dropped_identical + joined.replaced_differing == len(before)
    async with engine.connect() as connection:
        untyped = await connection.execute(
            text("SELECT count(*) FROM ledger_entry WHERE voucher_type = ''")
        )
        assert untyped.scalar_one() == 0


async def test_merge_keeps_an_old_untyped_entry_where_the_new_book_holds_two_types(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """An old entry of no known type at a place where the new book holds `Sales 7` and
    `Export Sales 7`: which of them it is cannot be told, so it is dropped (the new book
    holds both vouchers), never kept beside them."""
    write, _lines, stored = _KINDS[LEDGER]
    old = '1-May-2024,7,Sharma Electricals,Sales,7,"50,000.00",\n'
    new = old + '1-May-2024,7,Sharma Electricals,Export Sales,7,"30,000.00",\n'
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "o.csv", old, OLD), app="kav")
    await ingest_file(engine, kind=LEDGER, path=write(tmp_path, "n.csv", new, NEW), app="kav")
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE ledger_entry SET voucher_type = '' WHERE book = :old"), {"old": OLD_KEY}
        )

    await rename_book(engine, old=OLD, new=NEW, merge=True)

    assert sorted((e[1], e[4], e[5]) for e in await stored(engine)) == [
        ("invoice", Decimal("30000.00"), NEW_KEY),
        ("invoice", Decimal("50000.00"), NEW_KEY),
    ]


def test_the_books_listed_past_five_say_how_many_more_grouped_by_thousands() -> None:
    """One rule for `a, b, c and N more` (`analytics.name_lists.first_and_more`)."""
    books = [f"book {n:04}" for n in range(1_005)]

    assert nearest("zzz", books) == (
        " (its books: 'book 0000', 'book 0001', 'book 0002', 'book 0003', 'book 0004' "
        "and 1,000 more)"
    )

"""The lending rule of a file naming no company (store/ingest/kinds/unnamed_books.py), for any
sequence of loads: Day Books of small vouchers over two books, each exported with its company
line or without it. The stored lines equal a simple model's: each voucher (customer and
number, one financial year) once, in the book the rule says (a named file's: its book; a file
naming no company: the one named book holding the voucher, else no known book), with the last
load's date and amount; a cancelled voucher (number and day, no customer: as Tally lists it)
removed from its file's book, or, in a file naming no company, wherever the rule would have
written it; a load two named books' vouchers make ambiguous is refused and writes nothing."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from analytics.export_dates import parse_export_date
from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from store.tables import METADATA

BOOKS = ("Sharma Trading Co.", "Sharma Trading Co. (Pune Branch)")
CUSTOMERS = ("Mehta & Sons", "Joshi Traders")
NUMBERS = ("7", "8")
# Two days of one financial year, and one of the next (Tally numbers each year afresh: `7` of
# the next year is another voucher).
DAYS = {2024: ("2-Apr-2024", "5-Apr-2024"), 2025: ("2-Apr-2025",)}
# A voucher: customer, number, financial year.
Voucher = tuple[str, str, int]
# The model: (book, *voucher) -> (day, amount); "" is no known book.
Model = dict[tuple[str, str, str, int], tuple[str, int]]
# A file: its company (None: no company line), its vouchers' days and amounts, and the
# vouchers it lists cancelled (number, day).
File = tuple[str | None, dict[Voucher, tuple[str, int]], frozenset[tuple[str, str]]]

_VOUCHERS = st.tuples(
    st.sampled_from(CUSTOMERS), st.sampled_from(NUMBERS), st.sampled_from(sorted(DAYS))
)


@st.composite
def _files(draw: st.DrawFn) -> File:
    company = draw(st.sampled_from((*BOOKS, None)))
    vouchers = draw(st.lists(_VOUCHERS, min_size=1, max_size=3, unique=True))
    # Cancelled numbers apart from the file's vouchers' (a number is one voucher a day).
    free = [number for number in NUMBERS if number not in {v[1] for v in vouchers}]
    every_day = [day for days in DAYS.values() for day in days]
    cancelled = draw(
        st.frozensets(st.tuples(st.sampled_from(free), st.sampled_from(every_day)), max_size=1)
        if free
        else st.just(frozenset[tuple[str, str]]())
    )
    written = {
        voucher: (draw(st.sampled_from(DAYS[voucher[2]])), draw(st.integers(1, 9)) * 100)
        for voucher in vouchers
    }
    return company, written, cancelled


def _unchanging(file: File) -> File:
    """The file with each voucher at its first day and an amount of its own."""
    company, vouchers, cancelled = file
    fixed = {
        (customer, number, year): (DAYS[year][0], 100 * (1 + CUSTOMERS.index(customer)))
        for customer, number, year in vouchers
    }
    return company, fixed, cancelled


_names = itertools.count()


def _day_book(folder: Path, file: File) -> Path:
    company, vouchers, cancelled = file
    title = "" if company is None else f"{company}\n"
    lines = "".join(
        f'{day},{customer},Sales,{number},"{amount:,}.00",\n'
        for (customer, number, _year), (day, amount) in sorted(vouchers.items())
    ) + "".join(f"{day},(cancelled),Sales,{number},,\n" for number, day in sorted(cancelled))
    path = folder / f"{next(_names)}.csv"
    path.write_text(
        f"{title}Day Book\n1-Apr-2024 to 30-Apr-2025\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n" + lines,
        encoding="utf-8",
    )
    return path


def _load(model: Model, file: File) -> bool:
    """The model after one load (changed in place); False if the rule refuses it."""
    company, vouchers, cancelled = file
    # The named books holding each voucher of the file, and each cancelled one.
    holders = {
        voucher: [book for book in BOOKS if (book, *voucher) in model] for voucher in vouchers
    }
    holding = {
        withdrawn: {book for (book, _c, n, _y), (day, _a) in model.items() if (n, day) == withdrawn}
        for withdrawn in cancelled
    }
    if company is None and any(
        len(named) > 1
        for named in (*holders.values(), *({b for b in books if b} for books in holding.values()))
    ):
        return False
    for withdrawn in holding:
        for book, customer, number, year in list(model):
            if (number, model[(book, customer, number, year)][0]) == withdrawn and (
                book == company or company is None
            ):
                del model[(book, customer, number, year)]
    for voucher, written in vouchers.items():
        book = company if company is not None else next(iter(holders[voucher]), "")
        # One voucher, one place: its copy of no known book becomes the book's.
        model.pop(("", *voucher), None)
        model[(book, *voucher)] = written
    return True


# Where each kind of load keeps a voucher: its table and the columns read back.
_KEPT = {
    IngestKind.SALES: ("sale_line", ("book", "account_id", "invoice", "sale_date")),
    IngestKind.LEDGER: ("ledger_entry", ("book", "account_id", "reference", "entry_date")),
}


async def _stored(engine: AsyncEngine, kind: IngestKind) -> list[tuple[object, ...]]:
    name, kept = _KEPT[kind]
    table = METADATA.tables[name]
    columns = (*kept, "line", "amount")
    async with engine.connect() as connection:
        rows = await connection.execute(select(*(table.c[name] for name in columns)))
    return sorted(tuple(row) for row in rows)


def _expected(model: Model) -> list[tuple[object, ...]]:
    return sorted(
        # A book is stored by its folded name (analytics.book_names); "" stays "".
        (book_key(book), customer, number, parse_export_date(day), 1, Decimal(amount))
        for (book, customer, number, _year), (day, amount) in model.items()
    )


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(_files(), min_size=1, max_size=4))
@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER], ids=["sales", "ledger"])
async def test_the_stored_lines_are_the_models_after_any_loads(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, files: list[File]
) -> None:
    """The Day Books loaded as sales (sale lines) or as a ledger (invoice entries: a file of
    some invoices of a customer is part of its ledger and may not change them, so each
    voucher keeps one day and amount there)."""
    if kind is IngestKind.LEDGER:
        files = [_unchanging(file) for file in files]
    await _empty(engine)
    model: Model = {}
    for file in files:
        before = await _stored(engine, kind)
        accepted = _load(model, file)
        path = _day_book(tmp_path, file)
        if accepted:
            await ingest_file(engine, kind=kind, path=path, app="s")
        else:
            with pytest.raises(FileRejected):
                await ingest_file(engine, kind=kind, path=path, app="s")
            assert await _stored(engine, kind) == before
        assert await _stored(engine, kind) == _expected(model), (file, model)

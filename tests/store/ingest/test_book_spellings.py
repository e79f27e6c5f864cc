"""A book was the company's name exactly as a title printed it (runs
of spaces as one), so one company printed two ways (`Pvt. Ltd.` and `Pvt Ltd`: a mailing name
edited, a title typed over) was two books, and the same ledger loaded under each was stored
twice: its invoices, receipts and opening balance summed twice into credit risk. Seen in the
upgrade check of b8f6993's store (two Tally fixtures of `Kaveri Distributors`): Sharma
Electricals' outstanding went from 223,406.00 to 561,176.00, above what it was invoiced.

A book is now stored and matched by its folded name (analytics/book_names.py); different
companies stay apart (tests/analytics/test_book_names.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import METADATA
from tests.store.ingest.test_ledger_books import MAIN_LINES, _load, entries, ledger_file
from tests.store.ingest.test_sales_books import MAIN_LINES as SALES_LINES
from tests.store.ingest.test_sales_books import register, sales


async def test_one_company_printed_two_ways_is_one_book(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, ledger_file(tmp_path, "a.csv", MAIN_LINES, "Kaveri Distributors Pvt. Ltd."))
    once = await entries(engine)
    await _load(engine, ledger_file(tmp_path, "b.csv", MAIN_LINES, "Kaveri Distributors Pvt Ltd"))
    assert await entries(engine) == once


# How a title may print each word of `Kaveri Distributors Pvt. Ltd.`: the case it was typed
# in, the legal forms spelt out or abbreviated, with or without their full stops.
_CASES: tuple[Callable[[str], str], ...] = (str, str.upper, str.lower, str.title)
_PRIVATE = ("Pvt.", "Pvt", "Private", "PVT.", "pvt")
_LIMITED = ("Ltd.", "Ltd", "Limited", "LTD", "ltd.")
_BETWEEN = (" ", "  ", "\t")


@st.composite
def _spellings(draw: st.DrawFn) -> str:
    case = draw(st.sampled_from(_CASES))
    private, limited = draw(st.sampled_from(_PRIVATE)), draw(st.sampled_from(_LIMITED))
    # `Pvt.Ltd.`: a full stop with no space after it still parts the words.
    legal = f"{private}{limited}" if private.endswith(".") and draw(st.booleans()) else None
    words = ["Kaveri", "Distributors", *((legal,) if legal else (private, limited))]
    return "".join(
        f"{draw(st.sampled_from(_BETWEEN)) if i else ''}{case(word)}"
        for i, word in enumerate(words)
    )


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(_spellings(), min_size=2, max_size=3))
@pytest.mark.parametrize("kind", ["ledger", "sales"])
async def test_loads_under_any_spellings_of_one_name_store_what_one_load_does(
    engine: AsyncEngine, tmp_path: Path, kind: str, names: list[str]
) -> None:
    """The same ledger (or register) loaded under each spelling leaves the store of its first
    load: nothing added, nothing changed."""
    from store.ingest import IngestKind, ingest_file

    await _empty(engine)
    stored = entries if kind == "ledger" else sales
    once = None
    for n, name in enumerate(names):
        if kind == "ledger":
            await _load(engine, ledger_file(tmp_path, f"{n}.csv", MAIN_LINES, name))
        else:
            path = register(tmp_path, f"{n}.csv", SALES_LINES, name)
            await ingest_file(engine, kind=IngestKind.SALES, path=path, app="kav")
        once = once or await stored(engine)
        assert await stored(engine) == once, names

"""A sales load decides its parties from the accounts it reads before checking the file, and
writes later: an accounts load that makes one of those accounts real in between, or while
the sales load writes, keeps it, with its industry, on both stores."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_engine
from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.ingest.support import write_text

SALES = IngestKind.SALES
ACCOUNTS = IngestKind.ACCOUNTS
# How long a load holds its open transaction while the other one tries to write.
_HOLD_SECONDS = 1.0


class _Hook:
    """A progress that calls `on_start` when its load begins writing (its parties resolved,
    no transaction yet), and `on_advance` on the first rows written (inside the write
    transaction)."""

    def __init__(
        self,
        on_start: Callable[[], None] = lambda: None,
        on_advance: Callable[[], None] = lambda: None,
    ) -> None:
        self._on_start, self._on_advance = on_start, on_advance
        self._writing = False

    def start(self, phase: str, total: int | None = None) -> None:
        if phase.startswith("Writing"):
            self._writing = True
            self._on_start()

    def advance(self, amount: int) -> None:
        if self._writing:
            self._writing = False
            self._on_advance()


def _in_thread(url: str, path: Path, progress: _Hook | None = None) -> threading.Thread:
    """The accounts load of `path` on its own connection, in a thread of its own."""

    async def load() -> None:
        other = create_engine(url)
        try:
            await ingest_file(other, kind=ACCOUNTS, path=path, progress=progress)
        finally:
            await other.dispose()

    return threading.Thread(target=lambda: asyncio.run(load()))


async def _files(engine: AsyncEngine, folder: Path) -> tuple[Path, Path, Path]:
    """`X Traders`, an account created for a party, and R-9, a real one; the accounts file
    that makes `X Traders` real, a mapping of the party to R-9 and the sales file to load."""
    first = write_text(folder, "first.csv", "customer,date,amount\nX Traders,2026-01-05,100\n")
    await ingest_file(engine, kind=SALES, path=first)
    r9 = write_text(folder, "r9.csv", "account_id,name\nR-9,Real X Traders\n")
    await ingest_file(engine, kind=ACCOUNTS, path=r9)
    real = write_text(
        folder, "real.csv", "account_id,name,industry,n_employees\nX Traders,X Traders,retail,40\n"
    )
    mapping = write_text(folder, "map.csv", "party,account_id\nX Traders,R-9\n")
    second = write_text(folder, "second.csv", "customer,date,amount\nX Traders,2026-02-05,70\n")
    return real, mapping, second


async def _state(engine: AsyncEngine) -> tuple[list[object], list[object], list[object]]:
    async with engine.connect() as connection:
        accounts = await connection.execute(
            text("SELECT account_id, industry_id, n_employees FROM account ORDER BY account_id")
        )
        lines = await connection.execute(
            text("SELECT account_id, amount FROM sale_line ORDER BY sale_date")
        )
        parties = await connection.execute(text("SELECT account_id FROM party_account"))
        return (
            [tuple(row) for row in accounts],
            [(row[0], int(Decimal(str(row[1])))) for row in lines],
            list(parties.scalars()),
        )


async def test_an_account_made_real_after_the_parties_are_read_is_not_moved_away(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    real, mapping, second = await _files(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)

    def accounts_load() -> None:
        thread = _in_thread(url, real)
        thread.start()
        thread.join()

    report = await ingest_file(
        engine, kind=SALES, path=second, accounts=mapping, progress=_Hook(on_start=accounts_load)
    )
    accounts, lines, parties = await _state(engine)
    # As if the accounts load had come first: the real account keeps its lines; the party's
    # new line goes where the mapping says.
    assert accounts == [("R-9", None, None), ("X Traders", "retail", 40)]
    assert lines == [("X Traders", 100), ("R-9", 70)]
    assert parties == []
    assert (
        "Left X Traders where they are: accounts loads have made them real accounts since this "
        "load read the accounts, so they are no longer moved"
    ) in report.notes
    assert not any(note.startswith("Moved") for note in report.notes)


async def test_a_sales_load_waits_for_an_accounts_load_writing_meanwhile(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The accounts load has begun its transaction (not committed) when the sales load
    writes: the sales load waits for it, then sees the account real."""
    real, mapping, second = await _files(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    writing = threading.Event()

    def hold() -> None:
        writing.set()
        time.sleep(_HOLD_SECONDS)

    thread = _in_thread(url, real, _Hook(on_advance=hold))
    thread.start()
    await asyncio.to_thread(writing.wait)
    try:
        await ingest_file(engine, kind=SALES, path=second, accounts=mapping)
    finally:
        await asyncio.to_thread(thread.join)
    accounts, lines, parties = await _state(engine)
    assert accounts == [("R-9", None, None), ("X Traders", "retail", 40)]
    assert lines == [("X Traders", 100), ("R-9", 70)]
    assert parties == []


async def test_an_accounts_load_waits_for_a_sales_load_writing_meanwhile(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The sales load moves the account created for the party and commits; the accounts
    load, which waited, then makes `X Traders` a real account again: nothing is lost."""
    real, mapping, second = await _files(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    threads: list[threading.Thread] = []

    def accounts_load() -> None:
        threads.append(_in_thread(url, real))
        threads[0].start()
        # Long enough for the accounts load to be waiting for the sales load's lock.
        time.sleep(_HOLD_SECONDS)

    report = await ingest_file(
        engine, kind=SALES, path=second, accounts=mapping, progress=_Hook(on_advance=accounts_load)
    )
    await asyncio.to_thread(threads[0].join)
    accounts, lines, parties = await _state(engine)
    assert accounts == [("R-9", None, None), ("X Traders", "retail", 40)]
    assert lines == [("R-9", 100), ("R-9", 70)]
    assert parties == []
    assert any(note.startswith("Moved 1 sale line and") for note in report.notes), report.notes


@pytest.mark.parametrize("kind", [SALES, IngestKind.LEDGER])
async def test_a_new_party_loaded_meanwhile_as_a_real_account_is_not_marked_for_a_party(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """The sales or ledger load found no account `Y Traders` and creates it; an accounts
    load creates it first, as a real one: it stays real (a later mapping never moves it)."""
    real = write_text(
        tmp_path, "real.csv", "account_id,name,industry\nY Traders,Y Traders,retail\n"
    )
    url = engine.url.render_as_string(hide_password=False)
    export = write_text(
        tmp_path, "export.csv", "customer,date,amount,kind\nY Traders,2026-02-05,70,invoice\n"
    )

    def accounts_load() -> None:
        thread = _in_thread(url, real)
        thread.start()
        thread.join()

    await ingest_file(engine, kind=kind, path=export, progress=_Hook(accounts_load))
    accounts, _lines, parties = await _state(engine)
    assert accounts == [("Y Traders", "retail", None)]
    assert parties == []


async def test_a_party_whose_account_another_load_moved_meanwhile_is_loaded_again(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The sales load takes `X Traders`, created for the party by an earlier load; another
    sales load moves it onto R-9 (a mapping) before this one writes: refused in one line,
    nothing written; loading it again decides the party anew."""
    _real, mapping, second = await _files(engine, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    third = write_text(tmp_path, "third.csv", "customer,date,amount\nX Traders,2026-03-05,30\n")

    async def move(other_url: str) -> None:
        other = create_engine(other_url)
        try:
            await ingest_file(other, kind=SALES, path=second, accounts=mapping)
        finally:
            await other.dispose()

    def sales_load() -> None:
        thread = threading.Thread(target=lambda: asyncio.run(move(url)))
        thread.start()
        thread.join()

    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=SALES, path=third, progress=_Hook(on_start=sales_load))
    assert str(refused.value) == f"{third}: " + (
        "accounts that earlier loads created for parties of this file have since "
        "been moved to other accounts (accounts: X Traders): another load changed these "
        "accounts while this file was read: load the file again"
    )
    _accounts, lines, _parties = await _state(engine)
    assert lines == [("R-9", 100), ("R-9", 70)]
    mapped = write_text(tmp_path, "map3.csv", "party,account_id\nX Traders,R-9\n")
    await ingest_file(engine, kind=SALES, path=third, accounts=mapped)
    _accounts, lines, _parties = await _state(engine)
    assert lines == [("R-9", 100), ("R-9", 70), ("R-9", 30)]

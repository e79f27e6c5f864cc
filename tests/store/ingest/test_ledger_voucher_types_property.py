"""A ledger entry's voucher type is part of its key (revision 0029, store/ingest/kinds/
voucher_keys.py): the Day Book's `Sales 7` and `Export Sales 7` of one customer and day, the
registers of each type, a ledger without a type column (sides only) and a cancelled voucher,
loaded in any order, any number of times, leave what a model says:

- a typed file's vouchers as it gives them; an entry of no known type ("") at their key is
  taken as the file's one type, or replaced where the file gives two;
- the one other type stored, of the same amount, taken for a type renamed in the books (the
  rename rule of sale lines);
- a file without types writes into the one known type stored, else is of no known type, and is
  refused in one line (writing nothing) where two types are stored;
- a cancelled voucher removes its type's entry and one of no known type;
- a reload of the last file loaded writes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from store.tables import METADATA

D = Decimal
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
SALES = '3-Apr-25,Kaveri Traders,Sales,7,"{amount}",\n'
EXPORT = '3-Apr-25,Kaveri Traders,Export Sales,7,"{amount}",\n'
RECEIPT = '20-May-25,Kaveri Traders,Receipt,1,,"1,000.00"\n'
TYPES = {"sales": SALES, "export sales": EXPORT}
# A ledger without a type column: the side of each amount says invoice or payment.
UNTYPED_HEADER = "Date,Particulars,Vch No.,Debit Amount,Credit Amount\n"
UNTYPED = '3-Apr-25,Kaveri Traders,7,"{amount}",\n20-May-25,Kaveri Traders,1,,"1,000.00"\n'
# A file: the typed invoices it holds (type -> amount; "" for the one invoice of a file without
# a type column), or the type it lists cancelled.
File = tuple[dict[str, int], str | None]


@st.composite
def _files(draw: st.DrawFn) -> File:
    shape = draw(st.integers(0, 5))
    if shape == 0:
        return {}, draw(st.sampled_from(sorted(TYPES)))
    amount = st.sampled_from((800, 1000, 1200))
    if shape == 1:
        return {"": draw(amount) * 100}, None
    kinds = draw(st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=2, unique=True))
    return {kind: draw(amount) * 100 for kind in sorted(kinds)}, None


def _text(file: File) -> str:
    vouchers, cancelled = file
    if "" in vouchers:
        return UNTYPED_HEADER + UNTYPED.format(amount=f"{vouchers['']:,}.00")
    if cancelled is not None:
        name = "Export Sales" if cancelled == "export sales" else "Sales"
        return HEADER + f"3-Apr-25,(cancelled),{name},7,,\n"
    lines = "".join(
        TYPES[kind].format(amount=f"{amount:,}.00") for kind, amount in vouchers.items()
    )
    return HEADER + lines + RECEIPT


async def _invoices(engine: AsyncEngine) -> dict[str, Decimal]:
    table = METADATA.tables["ledger_entry"]
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.voucher_type, table.c.amount).where(table.c.kind == "invoice")
        )
    found = [(kind, D(str(amount))) for kind, amount in rows]
    stored = dict(found)
    assert len(stored) == len(found), found
    return stored


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(_files(), min_size=1, max_size=5))
async def test_any_order_of_loads_touches_only_each_files_types(
    engine: AsyncEngine, tmp_path: Path, files: list[File]
) -> None:
    await _empty(engine)
    model: dict[str, Decimal] = {}
    path = tmp_path / "load.csv"
    for file in files:
        vouchers, cancelled = file
        path.write_text(_text(file), encoding="utf-8")
        given = {kind: D(amount) for kind, amount in vouchers.items()}
        # Never both: a typed load takes (or replaces) the untyped entry, an untyped one
        # writes into the one known type.
        assert not ("" in model and len(model) > 1), model
        known = set(model) - {""}
        if cancelled is not None:
            model.pop(cancelled, None)
            model.pop("", None)
        elif "" in given and len(known) > 1:
            # Which of the two stored vouchers the file's `7` is cannot be told: refused.
            before = await _invoices(engine)
            with pytest.raises(FileRejected) as refused:
                await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
            assert "\n" not in str(refused.value)
            assert "Kaveri Traders is stored as" in str(refused.value)
            assert "nothing was loaded" in str(refused.value)
            assert await _invoices(engine) == before
            continue
        elif "" in given:
            model = {next(iter(known)) if known else "": given[""]}
        elif "" in model:
            model = given
        elif (
            len(given) == 1
            and len(known) == 1
            and known != set(given)
            and model[next(iter(known))] == next(iter(given.values()))
        ):
            # The one other type, of the same amount: a type renamed in the books.
            model = given
        else:
            model.update(given)
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
        assert await _invoices(engine) == model, files
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
        assert report.changes is not None
        changes = report.changes
        assert (changes.new, changes.changed, changes.removed, changes.recorded) == (
            0,
            0,
            0,
            (),
        ), (files, report.notes)
        assert await _invoices(engine) == model, files

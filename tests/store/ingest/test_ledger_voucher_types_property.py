"""Review h6: the Day Book's `Sales 7` and `Export Sales 7` of one customer and day, loaded as a
ledger, each keep their voucher type, so that the registers of each type and a cancelled voucher
loaded after it (in any order, any number of times) touch only their own type's entry. The store
is what a model says: each type's invoice as the last file holding it gave it; a cancelled
voucher removes its type's; a register of one type meeting the other type alone is refused (a
ledger entry's key has no type yet: `test_ledger_voucher_type_keys.py`) and writes nothing; a
reload of the last file loaded writes nothing."""

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
# A file: the typed invoices it holds (type -> amount), or the type it lists cancelled.
File = tuple[dict[str, int], str | None]


@st.composite
def _files(draw: st.DrawFn) -> File:
    if draw(st.integers(0, 4)) == 0:
        return {}, draw(st.sampled_from(sorted(TYPES)))
    kinds = draw(st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=2, unique=True))
    return {kind: draw(st.sampled_from((800, 1200))) * 100 for kind in sorted(kinds)}, None


def _text(file: File) -> str:
    vouchers, cancelled = file
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
        if cancelled is not None:
            model.pop(cancelled, None)
        elif len(vouchers) == 1 and len(model) == 1 and set(model) != set(vouchers):
            # One known type stored, the file's voucher of the other: refused as a collision.
            before = await _invoices(engine)
            with pytest.raises(FileRejected):
                await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
            assert await _invoices(engine) == before
            continue
        else:
            model.update({kind: D(amount) for kind, amount in vouchers.items()})
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
        assert await _invoices(engine) == model, files
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")
        if report.changes is not None:
            changes = report.changes
            assert (changes.new, changes.changed, changes.removed) == (0, 0, 0), files
        assert await _invoices(engine) == model, files

"""The base currency a file's lines decide (no `--currency`, none kept for the app) is kept for
the app: without it, a first Zoho export of an Indian organisation (INR at rate 1) and a later
one of the same app whose lines at rate 1 are in USD were each stored in their own base
currency, and the app's sums (revenue, invoiced, outstanding) added rupees to dollars."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
_SALES = "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total\n"
_LEDGER = "Date,Transaction Type,Customer Name,Currency Code,Exchange Rate,Amount\n"
FILES = {
    IngestKind.SALES: (
        _SALES + "2025-04-04,INV-1,Acme,INR,1,10000.00\n2025-04-05,INV-2,Globex,USD,83.25,100.00\n",
        _SALES + "2025-05-04,INV-3,Acme,USD,1,500.00\n",
    ),
    IngestKind.LEDGER: (
        _LEDGER
        + "2025-04-04,Invoice,Acme,INR,1,10000.00\n2025-04-05,Payment,Acme,USD,83.25,10.00\n",
        _LEDGER + "2025-05-04,Invoice,Acme,USD,1,500.00\n",
    ),
}


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_file_in_another_base_currency_than_the_apps_first_is_refused(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    rupees, dollars = FILES[kind]
    first = await ingest_file(engine, kind=kind, path=_file(tmp_path, "a.csv", rupees), app="zoho")
    assert any("Base currency INR kept for app zoho" in note for note in first.notes), first.notes
    assert [row[-1] for row in await rows_of(engine, "ingest_setting")] == ["INR"]
    before = await rows_of(engine, table)
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=kind, path=_file(tmp_path, "b.csv", dollars), app="zoho")
    assert "\n" not in str(caught.value)
    assert "are in USD" in str(caught.value)
    assert await rows_of(engine, table) == before


async def test_currency_guess_decides_again_and_keeps_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    rupees, _dollars = FILES[IngestKind.SALES]
    path = _file(tmp_path, "a.csv", rupees)
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=path, app="zoho", currency="guess"
    )
    assert (
        "--currency guess: app zoho has no base currency kept; this load decides it from its "
        "lines and keeps none"
    ) in report.notes
    assert await rows_of(engine, "ingest_setting") == []

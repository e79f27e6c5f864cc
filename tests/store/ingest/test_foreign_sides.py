"""The side column of a German or Spanish export is read, not only found: DATEV and its kin
write `S` (Soll, debit) and `H` (Haben, credit) under `S/H` or `Soll/Haben`, Spanish exports
`Debe` and `Haber`. An English `S&H` (shipping and handling) column of
amounts is no side column (finding 5b): `S/H` is found by its values, right after the amount."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal


@pytest.mark.parametrize(
    ("header", "debit", "credit"),
    [("S/H", "S", "H"), ("Soll/Haben", "Soll", "Haben"), ("Debe/Haber", "Debe", "Haber")],
)
async def test_a_german_or_spanish_side_column_is_read(
    engine: AsyncEngine, tmp_path: Path, header: str, debit: str, credit: str
) -> None:
    path = tmp_path / "kontoauszug.csv"
    path.write_text(
        f"Kunde;Datum;Belegnummer;Betrag;{header}\n"
        f"Müller GmbH;15.01.2024;R-1;1.190,00;{debit}\n"
        f"Müller GmbH;20.02.2024;Z-1;500,00;{credit}\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="de")
    entries = [(row[1], row[2], row[5]) for row in await rows_of(engine, "ledger_entry")]
    assert entries == [
        (d("2024-01-15"), "invoice", D("1190.00")),
        (d("2024-02-20"), "payment", D("500.00")),
    ]


async def test_a_shipping_and_handling_column_is_no_side(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(
        "Customer,Date,Invoice,Amount,S&H\n"
        "Acme,2024-01-15,A1,100.00,5.00\n"
        "Beta,2024-01-16,A2,200.00,7.50\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="us")
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [D("100.00"), D("200.00")]

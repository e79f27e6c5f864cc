"""Exports with German, French and Spanish column names (`Kunde;Datum;Betrag`), read like
English ones: the names are guessed, and a German total line (`Summe`) is no customer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal

_FILES = {
    "german": (
        "Kunde;Datum;Rechnungsnummer;Menge;Betrag\n"
        "Müller GmbH;31.03.2024;RE-1001;2;1.234,50\n"
        "Schmidt AG;02.04.2024;RE-1002;1;99,90\n"
        "Summe;;;3;1.334,40\n"
    ),
    "french": (
        "Client;Date de facture;N° facture;Quantité;Montant HT;Montant TTC\n"
        "Müller GmbH;31/03/2024;RE-1001;2;1 234,50;1 481,40\n"
        "Schmidt AG;02/04/2024;RE-1002;1;99,90;119,88\n"
        "Total général;;;3;1 334,40;1 601,28\n"
    ),
    "spanish": (
        "Cliente,Fecha,Número de factura,Cantidad,Importe,Estado\n"
        "Müller GmbH,31/03/2024,RE-1001,2,1234.50,Pagada\n"
        "Schmidt AG,02/04/2024,RE-1002,1,99.90,Emitida\n"
        "Schmidt AG,03/04/2024,RE-1003,1,500.00,Anulada\n"
    ),
}


@pytest.mark.parametrize("language", sorted(_FILES))
async def test_foreign_column_names_are_recognised(
    engine: AsyncEngine, tmp_path: Path, language: str
) -> None:
    path = tmp_path / f"{language}.csv"
    path.write_text(_FILES[language], encoding="utf-8")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert set(report.columns) >= {"customer", "date", "invoice", "quantity", "amount"}
    # The total lines are no customers, and the Spanish `Anulada` invoice is void.
    assert [row[:6] for row in await rows_of(engine, "sale_line")] == [
        ("Müller GmbH", d("2024-03-31"), "RE-1001", 1, D("1234.50"), D("2")),
        ("Schmidt AG", d("2024-04-02"), "RE-1002", 1, D("99.90"), D("1")),
    ]

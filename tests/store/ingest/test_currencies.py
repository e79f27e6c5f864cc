"""Sales amounts in another currency than the base one (Zoho Books' `Currency Code` and
`Exchange Rate`): converted at their line's rate, never stored as they are
(`store.ingest.kinds.currencies`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import SALES_TABLES, d, rows_of, tables_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
_HEADER = (
    "Invoice Date,Invoice Number,Invoice Status,Customer ID,Customer Name,Currency Code,"
    "Exchange Rate,SubTotal,Item Name,Quantity,Item Total"
)


def _zoho(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text("\n".join((_HEADER, *lines)) + "\n", encoding="utf-8")
    return path


async def test_amounts_in_another_currency_are_converted_at_their_rate(
    engine: AsyncEngine,
) -> None:
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_usd.csv", app="zoho"
    )
    assert report.columns["currency"] == "Currency Code"
    assert report.columns["exchange_rate"] == "Exchange Rate"
    assert (
        "1 invoice in EUR, 1 invoice in USD converted to INR at their exchange rates (amount x "
        "rate; base currency INR: the currency of the lines at exchange rate 1)"
    ) in report.notes
    # 1000.00 USD x 83.25; 10.01 x 83.25 = 833.3325; 0.10 x 1.25 = 0.125, half to even.
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("460000000010001", d("2025-04-03"), "INV-000001", 1, D("10000.00")),
        ("460000000010001", d("2025-04-03"), "INV-000001", 2, D("2500.00")),
        ("460000000010002", d("2025-04-10"), "INV-000002", 1, D("6000.00")),
        ("460000000010006", d("2025-07-06"), "INV-000008", 1, D("83250.00")),
        ("460000000010006", d("2025-07-06"), "INV-000008", 2, D("833.33")),
        ("460000000010007", d("2025-07-20"), "INV-000009", 1, D("0.12")),
    ]


async def test_a_foreign_line_without_a_usable_rate_is_a_bad_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _zoho(
        tmp_path,
        "2025-04-03,INV-1,Paid,C1,Alpha,INR,1.00,100.00,A,1,100.00",
        "2025-04-04,INV-2,Sent,C2,Globex,USD,,100.00,A,1,100.00",
        "2025-04-05,INV-3,Sent,C2,Globex,USD,0,100.00,A,1,100.00",
        "2025-04-06,INV-4,Sent,C2,Globex,USD,n/a,100.00,A,1,100.00",
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: amount in USD with no exchange rate: converting it to INR needs a rate above "
        "0 (amount x rate), and it is never stored unconverted",
        "line 4: amount in USD with exchange rate '0': converting it to INR needs a rate above "
        "0 (amount x rate), and it is never stored unconverted",
        "line 5: amount in USD with exchange rate 'n/a': converting it to INR needs a rate "
        "above 0 (amount x rate), and it is never stored unconverted",
    ]
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}


async def test_without_a_line_at_rate_one_the_base_currency_is_asked_for(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _zoho(
        tmp_path,
        "2025-04-04,INV-2,Sent,C2,Globex,USD,83.25,100.00,A,1,100.00",
        "2025-04-05,INV-3,Sent,C3,Initech,EUR,90.5,10.00,A,1,10.00",
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert str(caught.value) == (
        f"{path}: the amounts are in several currencies, USD (1 line), EUR (1 line), and no "
        "exchange rate of 1 shows which is the base currency the others convert to: give it "
        "with --currency CODE"
    )
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}

    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, currency="inr")
    assert any("base currency INR: --currency" in note for note in report.notes)
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [D("8325.00"), D("905.00")]


async def test_currency_option_is_checked(engine: AsyncEngine, tmp_path: Path) -> None:
    path = _zoho(tmp_path, "2025-04-04,INV-2,Sent,C2,Globex,USD,83.25,100.00,A,1,100.00")
    with pytest.raises(FileRejected, match="--currency 'rupees!' is not a currency"):
        await ingest_file(engine, kind=IngestKind.SALES, path=path, currency="rupees!")
    with pytest.raises(FileRejected, match="--currency gives the base currency of sales and"):
        await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=path, currency="INR")


async def test_a_base_currency_the_rates_do_not_convert_to_is_refused(
    engine: AsyncEngine,
) -> None:
    """Zoho's rates convert to the organisation's base currency, whose own invoices are at
    rate 1: another --currency would convert rupees x 1 into 'dollars'."""
    path = FIXTURES / "zoho_usd.csv"
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.SALES, path=path, currency="USD")
    assert str(caught.value) == (
        f"{path}: --currency USD contradicts the file: its lines at exchange rate 1 are in "
        "INR, so its rates convert to that; give --currency INR or leave it out"
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, currency="INR")
    assert any("base currency INR: --currency" in note for note in report.notes)


async def test_a_file_all_in_one_foreign_currency_needs_its_base_currency(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Every line in USD at 83.25: the rates convert to a base currency the file never names.
    Refused in one line, nothing stored; with `--currency INR` the dollars are converted."""
    path = _zoho(
        tmp_path,
        "2025-04-04,INV-2,Sent,C2,Globex,USD,83.25,100.00,A,1,100.00",
        "2025-04-05,INV-3,Sent,C2,Globex,USD,83.25,10.00,A,1,10.00",
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert str(caught.value) == (
        f"{path}: the amounts are all in USD at exchange rates other than 1 (83.25): they "
        "convert to a base currency the file does not name; give it with --currency CODE (the "
        "currency the rates convert to)"
    )
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}

    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, currency="INR")

    assert (
        "2 invoices in USD converted to INR at their exchange rates (amount x rate; base "
        "currency INR: --currency)"
    ) in report.notes
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [D("8325.00"), D("832.50")]


async def test_a_file_all_in_one_currency_at_rate_one_or_without_rates_is_its_own_base(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """All USD at rate 1, or with no rate: nothing converts, the amounts are stored as they are."""
    path = _zoho(
        tmp_path,
        "2025-04-04,INV-2,Sent,C2,Globex,USD,1.00,100.00,A,1,100.00",
        "2025-04-05,INV-3,Sent,C2,Globex,USD,,10.00,A,1,10.00",
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert not any("converted" in note for note in report.notes)
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [D("100.00"), D("10.00")]


async def test_sales_amounts_in_the_base_currency_beside_foreign_ones_are_kept(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """QuickBooks Online's `Amount` (home currency) beside `Foreign Amount`: the same rule as
    ledger loads (store.ingest.kinds.currencies), nothing converted twice."""
    path = tmp_path / "qbo_sales.csv"
    path.write_text(
        "Date,Transaction Type,Num,Customer,Currency,Exchange Rate,Foreign Amount,Amount\n"
        "04/10/2025,Invoice,1002,Maple Leaf Retail,CAD,0.7300,1000.00,730.00\n"
        "04/22/2025,Invoice,1004,Maple Leaf Retail,CAD,0.7300,10.00,7.30\n"
        "04/12/2025,Invoice,1003,Amy's Bird Sanctuary,USD,1.00,300.00,300.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert report.columns["foreign_amount"] == "Foreign Amount"
    assert (
        "Amounts read from 'Amount', in the base currency: nothing converted, 'Foreign Amount' "
        "gives each line's amount in its own currency"
    ) in report.notes
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [
        D("300.00"),
        D("730.00"),
        D("7.30"),
    ]

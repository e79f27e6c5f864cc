"""`--currency` is kept per app, as `--dates` is (`store.ingest.currency_setting`): a later
load of the app without it converts to the same base currency, for sales and ledger files
alike; a later `--currency` replaces it, each said in one line of the load's notes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import DatesOption, FileRejected, IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
SALES = IngestKind.SALES
_HEADER = "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total"
_KEPT = "base currency INR: the base currency kept for app zoho (--currency CODE to change it)"


def _invoices(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join((_HEADER, *lines)) + "\n", encoding="utf-8")
    return path


async def _setting(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return await rows_of(engine, "ingest_setting")


async def test_a_second_load_without_currency_converts_as_the_first(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    may = _invoices(tmp_path, "may.csv", "2025-05-06,INV-7,Globex,USD,83.50,10.00")
    first = await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    assert (
        "--currency INR kept for app zoho: its later loads convert to INR without --currency"
    ) in first.notes
    assert await _setting(engine) == [("zoho", None, "INR")]

    # Without the kept currency this file, all in dollars at 83.50, would be refused.
    second = await ingest_file(engine, kind=SALES, path=may, app="zoho")
    assert (
        f"1 invoice in USD converted to INR at its exchange rate (amount x rate; {_KEPT})"
    ) in second.notes
    assert not any("kept for app zoho:" in note for note in second.notes)
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [D("8325.00"), D("835.00")]
    assert await _setting(engine) == [("zoho", None, "INR")]


async def test_the_kept_currency_serves_ledger_loads_of_the_app(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "Date,Transaction Type,Customer Name,Currency Code,Exchange Rate,Amount\n"
        "2025-04-04,Invoice,Globex,USD,83.25,100.00\n"
        "2025-05-02,Payment,Globex,USD,84.00,40.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=ledger, app="zoho")
    assert (
        f"2 entries in USD converted to INR at their exchange rates (amount x rate; {_KEPT})"
    ) in report.notes
    assert [row[5] for row in await rows_of(engine, "ledger_entry")] == [
        D("8325.00"),
        D("3360.00"),
    ]


async def test_a_later_currency_replaces_the_kept_one_and_says_so(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    euros = _invoices(tmp_path, "euros.csv", "2025-06-02,INV-9,Initech,USD,0.92,50.00")
    report = await ingest_file(engine, kind=SALES, path=euros, app="zoho", currency="eur")
    assert (
        "--currency EUR replaces INR, the base currency kept for app zoho: its later loads "
        "convert to EUR"
    ) in report.notes
    assert await _setting(engine) == [("zoho", None, "EUR")]
    # The same currency again is no change: nothing said.
    again = await ingest_file(engine, kind=SALES, path=euros, app="zoho", currency="EUR")
    assert not any("kept for app" in note for note in again.notes)


async def test_a_file_whose_rates_convert_to_another_currency_than_the_kept_one_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    before = await rows_of(engine, "sale_line")
    us = _invoices(
        tmp_path,
        "us.csv",
        "2025-05-01,INV-20,Initech,USD,1.00,100.00",
        "2025-05-02,INV-21,Globex,EUR,1.09,10.00",
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=us, app="zoho")
    assert str(caught.value) == (
        f"{us}: the base currency kept for app zoho is INR, but the file's lines at exchange "
        "rate 1 are in USD, so its rates convert to that; give --currency USD to load it (and "
        "keep USD for the app)"
    )
    assert await rows_of(engine, "sale_line") == before
    assert await _setting(engine) == [("zoho", None, "INR")]


async def test_a_file_without_currency_columns_says_the_kept_currency(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    plain = tmp_path / "plain.csv"
    plain.write_text("Date,Customer,Amount\n2025-05-01,Globex,500.00\n", encoding="utf-8")
    report = await ingest_file(engine, kind=SALES, path=plain, app="zoho")
    assert f"Amounts in INR, the base currency: {_KEPT[len('base currency INR: ') :]}" in (
        report.notes
    )


async def test_currency_and_dates_are_kept_side_by_side(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    april = _invoices(tmp_path, "april.csv", "04/04/2025,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(
        engine, kind=SALES, path=april, app="zoho", dates=DatesOption.DAY_FIRST, currency="INR"
    )
    assert await _setting(engine) == [("zoho", "day first", "INR")]
    await ingest_file(engine, kind=SALES, path=april, app="zoho", dates=DatesOption.GUESS)
    assert await _setting(engine) == [("zoho", None, "INR")]
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    assert await _setting(engine) == [("zoho", None, "INR")]


async def test_the_currency_of_a_new_app_without_accounts_is_not_kept(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "void_only.csv"
    path.write_text(
        "Invoice Date,Invoice Number,Invoice Status,Customer Name,Currency Code,Exchange Rate,"
        "Total\n2025-04-04,INV-7,Void,Zen,USD,83.25,59.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=SALES, path=path, app="newapp", currency="INR")
    assert await _setting(engine) == []
    assert "--currency not kept: app newapp has no account (this load makes none)" in (report.notes)


async def test_currency_guess_forgets_the_kept_currency_and_says_so(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`--currency guess`: the file's lines decide the base currency again (here USD, its
    lines at rate 1), the kept INR is forgotten for the app's later loads, and the load says
    so; with nothing kept it says that too, and keeps nothing."""
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    us = _invoices(
        tmp_path,
        "us.csv",
        "2025-05-01,INV-20,Initech,USD,1.00,100.00",
        "2025-05-02,INV-21,Globex,EUR,1.10,10.00",
    )
    report = await ingest_file(engine, kind=SALES, path=us, app="zoho", currency="guess")
    assert (
        "--currency guess: INR, the base currency kept for app zoho, is forgotten; this load "
        "decides it from its lines, and the app's next load without --currency keeps the one its "
        "lines decide"
    ) in report.notes
    assert any("converted to USD" in note for note in report.notes), report.notes
    assert await _setting(engine) == [("zoho", None, None)]
    # A later load without --currency decides from its own lines, as before INR was kept,
    # and keeps what they decide (a first load of the app does so too).
    later = await ingest_file(engine, kind=SALES, path=us, app="zoho")
    assert not any("INR" in note for note in later.notes), later.notes
    assert any("Base currency USD kept for app zoho" in note for note in later.notes)
    assert await _setting(engine) == [("zoho", None, "USD")]

    again = await ingest_file(engine, kind=SALES, path=us, app="zoho", currency="GUESS")
    assert (
        "--currency guess: USD, the base currency kept for app zoho, is forgotten; this load "
        "decides it from its lines, and the app's next load without --currency keeps the one its "
        "lines decide"
    ) in again.notes
    assert await _setting(engine) == [("zoho", None, None)]


async def test_currency_guess_keeps_the_date_order(engine: AsyncEngine, tmp_path: Path) -> None:
    april = _invoices(tmp_path, "april.csv", "04/04/2025,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(
        engine, kind=SALES, path=april, app="zoho", dates=DatesOption.DAY_FIRST, currency="INR"
    )
    us = _invoices(tmp_path, "us.csv", "05/04/2025,INV-20,Initech,USD,1.00,100.00")
    await ingest_file(engine, kind=SALES, path=us, app="zoho", currency="guess")
    assert await _setting(engine) == [("zoho", "day first", None)]


# QuickBooks Online's Transaction List by Customer, multicurrency on: `Amount` in the home
# currency (USD) beside each line's own.
_QBO_BASE = """Craig's Design and Landscaping Services
Transaction List by Customer
"April - May, 2025"

,Date,Transaction Type,Num,Name,Currency,Exchange Rate,Foreign Amount,Amount
,04/03/2025,Invoice,1001,Amy's Bird Sanctuary,USD,1.00,300.00,300.00
,04/10/2025,Invoice,1002,Maple Leaf Retail,CAD,0.7300,"1,000.00",730.00
,05/02/2025,Payment,,Maple Leaf Retail,CAD,0.7400,-600.00,-444.00
"""


async def test_a_file_read_from_its_base_amounts_is_checked_against_the_kept_currency(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The app keeps INR; the file's base amounts are in USD (its lines at rate 1): summed
    with the app's rupees they would be wrong, so the load is refused as a converted one is,
    and loads with --currency USD."""
    april = _invoices(tmp_path, "april.csv", "2025-04-04,INV-2,Globex,USD,83.25,100.00")
    await ingest_file(engine, kind=SALES, path=april, app="zoho", currency="INR")
    ledger = tmp_path / "qbo.csv"
    ledger.write_text(_QBO_BASE, encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=ledger, app="zoho")
    assert str(caught.value) == (
        f"{ledger}: the base currency kept for app zoho is INR, but the file's lines at "
        "exchange rate 1 are in USD, so its rates convert to that; give --currency USD to load "
        "it (and keep USD for the app)"
    )
    assert await rows_of(engine, "ledger_entry") == []
    with pytest.raises(FileRejected, match="--currency EUR contradicts the file"):
        await ingest_file(engine, kind=IngestKind.LEDGER, path=ledger, app="zoho", currency="EUR")

    report = await ingest_file(
        engine, kind=IngestKind.LEDGER, path=ledger, app="zoho", currency="USD"
    )
    assert any(note.startswith("Amounts read from 'Amount'") for note in report.notes)
    assert [row[5] for row in await rows_of(engine, "ledger_entry")] == [
        D("300.00"),
        D("730.00"),
        D("444.00"),
    ]
    assert await _setting(engine) == [("zoho", None, "USD")]

"""Ledger amounts in another currency than the base one are converted at their line's rate, as
sales amounts are (one rule: `store.ingest.kinds.currencies`), so that invoiced, outstanding
and credit risk sum one currency; an amount in the base currency beside the line's own
(`Foreign Amount`, `Forex Amount`) is read as it is."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import LEDGER_TABLES, d, rows_of, tables_of

D = Decimal
LEDGER = IngestKind.LEDGER

# Zoho Books' customer transactions (invoices and payments received), each in the customer's
# currency with its rate to the organisation's base currency (INR: rate 1).
ZOHO = (
    "Date,Transaction Type,Transaction#,Customer Name,Currency Code,Exchange Rate,Amount,"
    "Due Date\n"
    """2025-04-03,Invoice,INV-000001,Alpha Traders,INR,1.00,"12,500.00",2025-05-03
2025-04-10,Invoice,INV-000002,Globex GmbH,EUR,90.50,"1,000.00",2025-05-10
2025-05-02,Payment,PMT-000001,Globex GmbH,EUR,91.00,600.00,
2025-05-05,Invoice,INV-000003,Initech LLC,USD,83.25,"1,000.00",2025-06-04
2025-05-20,Payment,PMT-000002,Alpha Traders,INR,1.00,"12,500.00",
"""
)

# QuickBooks Online's transaction list with multicurrency on (home currency USD), its Name
# column added (a ledger load reads customers from a column): `Exchange
# Rate` is home units per foreign unit, a payment's amount is negative.
QBO_TITLE = """Craig's Design and Landscaping Services
Transaction List by Customer
"April 1 - June 30, 2025"

"""
QBO_BOTH = (
    QBO_TITLE
    + ",Date,Transaction Type,Num,Name,Memo/Description,Currency,Exchange Rate,Foreign Amount,"
    + """Amount
,04/03/2025,Invoice,1001,Amy's Bird Sanctuary,,USD,1.00,300.00,300.00
,04/10/2025,Invoice,1002,Maple Leaf Retail,,CAD,0.7300,"1,000.00",730.00
,05/02/2025,Payment,,Maple Leaf Retail,,CAD,0.7400,-600.00,-444.00
TOTAL,,,,,,,,,$586.00
"""
)
QBO_FOREIGN = (
    QBO_TITLE
    + """,Date,Transaction Type,Num,Name,Memo/Description,Currency,Exchange Rate,Foreign Amount
,04/03/2025,Invoice,1001,Amy's Bird Sanctuary,,USD,1.00,300.00
,04/10/2025,Invoice,1002,Maple Leaf Retail,,CAD,0.7300,"1,000.00"
,05/02/2025,Payment,,Maple Leaf Retail,,CAD,0.7400,-600.00
"""
)

# Tally's ledger of a party kept in dollars, forex details shown: Debit and Credit in the
# company's rupees, the dollars and their rate beside them.
TALLY = """Shree Ganesh Distributors Pvt. Ltd.
Ledger: Acme Inc. (USA)
1-Apr-2025 to 30-Jun-2025

Date,Particulars,Vch Type,Vch No.,Debit,Credit,Forex Amount,Rate of Exchange
3-Apr-2025,Export Sales,Sales,EX/001,"83,250.00",,"$1,000.00",83.25
20-May-2025,HDFC Bank,Receipt,RC/011,,"50,400.00",$600.00,84.00
"""


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _entries(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(row[0], row[1], row[2], row[5]) for row in rows]


async def test_zoho_entries_in_other_currencies_are_converted_and_credit_risk_follows(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _file(tmp_path, "zoho_transactions.csv", ZOHO)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="zoho")
    assert report.columns["currency"] == "Currency Code"
    assert report.columns["exchange_rate"] == "Exchange Rate"
    assert (
        "2 entries in EUR, 1 entry in USD converted to INR at their exchange rates (amount x "
        "rate; base currency INR: the currency of the lines at exchange rate 1)"
    ) in report.notes
    assert _entries(await rows_of(engine, "ledger_entry")) == [
        ("Alpha Traders", d("2025-04-03"), "invoice", D("12500.00")),
        ("Alpha Traders", d("2025-05-20"), "payment", D("12500.00")),
        # 1000 EUR x 90.50, then 600 EUR x 91.00 (the rate of the day it was paid).
        ("Globex GmbH", d("2025-04-10"), "invoice", D("90500.00")),
        ("Globex GmbH", d("2025-05-02"), "payment", D("54600.00")),
        ("Initech LLC", d("2025-05-05"), "invoice", D("83250.00")),
    ]
    risk = {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}
    assert risk == {
        "Alpha Traders": (D("12500.00"), D("0.00")),
        "Globex GmbH": (D("90500.00"), D("35900.00")),
        "Initech LLC": (D("83250.00"), D("83250.00")),
    }


async def test_a_foreign_entry_without_a_usable_rate_is_a_bad_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    text = ZOHO.replace("EUR,91.00,600.00", "EUR,,600.00").replace("USD,83.25", "USD,0")
    path = _file(tmp_path, "zoho_transactions.csv", text)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path, app="zoho")
    assert [str(problem) for problem in caught.value.problems] == [
        "line 4: amount in EUR with no exchange rate: converting it to INR needs a rate above "
        "0 (amount x rate), and it is never stored unconverted",
        "line 5: amount in USD with exchange rate '0': converting it to INR needs a rate above "
        "0 (amount x rate), and it is never stored unconverted",
    ]
    assert await tables_of(engine, LEDGER_TABLES) == {name: [] for name in LEDGER_TABLES}


async def test_a_ledger_all_in_one_foreign_currency_needs_its_base_currency(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    lines = [line for line in ZOHO.splitlines() if "USD" in line or line.startswith("Date")]
    path = _file(tmp_path, "initech.csv", "\n".join(lines) + "\n")
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path, app="zoho")
    assert str(caught.value) == (
        f"{path}: the amounts are all in USD at exchange rates other than 1 (83.25): they "
        "convert to a base currency the file does not name; give it with --currency CODE (the "
        "currency the rates convert to)"
    )
    assert await tables_of(engine, LEDGER_TABLES) == {name: [] for name in LEDGER_TABLES}
    report = await ingest_file(engine, kind=LEDGER, path=path, app="zoho", currency="INR")
    assert (
        "1 entry in USD converted to INR at its exchange rate (amount x rate; base currency "
        "INR: --currency)"
    ) in report.notes
    assert _entries(await rows_of(engine, "ledger_entry")) == [
        ("Initech LLC", d("2025-05-05"), "invoice", D("83250.00")),
    ]


async def test_quickbooks_foreign_amounts_alone_are_converted(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _file(tmp_path, "qbo.csv", QBO_FOREIGN)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="qbo")
    assert report.columns["amount"] == "Foreign Amount"
    assert _entries(await rows_of(engine, "ledger_entry")) == [
        ("Amy's Bird Sanctuary", d("2025-04-03"), "invoice", D("300.00")),
        # 1,000 CAD x 0.73 USD; the payment of 600 CAD at 0.74.
        ("Maple Leaf Retail", d("2025-04-10"), "invoice", D("730.00")),
        ("Maple Leaf Retail", d("2025-05-02"), "payment", D("444.00")),
    ]
    outstanding = {row[0]: row[5] for row in await rows_of(engine, "credit_risk")}
    assert outstanding == {"Amy's Bird Sanctuary": D("300.00"), "Maple Leaf Retail": D("286.00")}


@pytest.mark.parametrize(
    ("name", "text", "note"),
    [
        (
            "qbo.csv",
            QBO_BOTH,
            "Amounts read from 'Amount', in the base currency: nothing converted, 'Foreign "
            "Amount' gives each line's amount in its own currency",
        ),
        (
            "Ledger Acme.csv",
            TALLY,
            "Amounts read from 'Debit' and 'Credit', in the base currency: nothing converted, "
            "'Forex Amount' gives each line's amount in its own currency",
        ),
    ],
)
async def test_amounts_in_the_base_currency_beside_foreign_ones_are_kept_as_they_are(
    engine: AsyncEngine, tmp_path: Path, name: str, text: str, note: str
) -> None:
    path = _file(tmp_path, name, text)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="books")
    assert note in report.notes
    amounts = sorted(row[5] for row in await rows_of(engine, "ledger_entry"))
    if name == "qbo.csv":
        assert amounts == [D("300.00"), D("444.00"), D("730.00")]
    else:
        assert amounts == [D("50400.00"), D("83250.00")]


_examples = itertools.count()


def _joined(cells: list[tuple[str, str, str, str, Decimal, Decimal]]) -> list[list[str]]:
    """Date, number, then the rest of each line joined by commas (an INR line's rate 1.00)."""
    return [
        [day, number, f"{customer},{code},{'1.00' if code == 'INR' else rate},{amount}"]
        for day, number, customer, code, rate, amount in cells
    ]


_Rate = tuple[str, Decimal, Decimal]  # currency, exchange rate, amount
_line = st.tuples(
    st.sampled_from(["INR", "USD", "EUR"]),
    st.decimals(Decimal("0.0001"), Decimal("250"), places=4),
    st.decimals(Decimal("0.01"), Decimal("99999.99"), places=2),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(_line, min_size=1, max_size=6))
async def test_ledger_and_sales_loads_convert_alike_to_the_cent(
    engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory, lines: list[_Rate]
) -> None:
    """Whatever the lines' currencies, rates and amounts (beside one invoice in INR at rate
    1): a ledger load stores each amount x its rate rounded half to even to the cent, and a
    sales load of the same lines stores the same amounts (one rule for both kinds)."""
    example = next(_examples)
    app = f"fx{example}"
    folder = tmp_path_factory.mktemp(app)
    rows = [("INR", Decimal(1), Decimal("100.00")), *lines]
    cells = [
        (f"2025-04-{n + 1:02d}", f"INV-{n}", f"{app}-C{n}", code, rate, amount)
        for n, (code, rate, amount) in enumerate(rows)
    ]
    ledger = folder / "ledger.csv"
    ledger.write_text(
        "Date,Transaction Type,Transaction#,Customer Name,Currency Code,Exchange Rate,Amount\n"
        + "".join(f"{day},Invoice,{number},{rest}\n" for day, number, rest in _joined(cells)),
        encoding="utf-8",
    )
    sales = folder / "sales.csv"
    sales.write_text(
        "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total\n"
        + "".join(f"{day},{number},{rest}\n" for day, number, rest in _joined(cells)),
        encoding="utf-8",
    )
    expected = {
        f"{app}-C{n}": (
            amount
            if code == "INR"
            else (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        )
        for n, (code, rate, amount) in enumerate(rows)
    }
    try:
        await ingest_file(engine, kind=LEDGER, path=ledger, app=app)
    except IngestRejected as exc:
        raise AssertionError([str(p) for p in exc.problems]) from exc
    await ingest_file(engine, kind=IngestKind.SALES, path=sales, app=app)
    stored = {row[0]: row[5] for row in await rows_of(engine, "ledger_entry") if row[0] in expected}
    sold = {row[0]: row[4] for row in await rows_of(engine, "sale_line") if row[0] in expected}
    assert stored == expected
    assert sold == expected


async def test_an_amount_named_in_the_base_currency_is_not_converted_again(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Zoho's `Amount (BCY)` beside the line's currency and rate is the amount converted
    already: converting it again would multiply by the rate twice."""
    text = ZOHO.replace("Amount,Due Date", "Amount (BCY),Due Date").replace(
        '90.50,"1,000.00"', '90.50,"90,500.00"'
    )
    path = _file(tmp_path, "zoho_bcy.csv", text)
    report = await ingest_file(engine, kind=LEDGER, path=path, app="zoho")
    assert (
        "Amounts read from 'Amount (BCY)', in the base currency: nothing converted" in report.notes
    )
    invoices = {
        row[0]: row[5] for row in await rows_of(engine, "ledger_entry") if row[2] == "invoice"
    }
    assert invoices["Globex GmbH"] == D("90500.00")


@pytest.mark.parametrize("kind", [LEDGER, IngestKind.SALES])
async def test_base_amounts_of_another_home_currency_than_the_apps_are_refused(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """QuickBooks Online's `Amount` beside `Foreign Amount` is in the company's home currency,
    which its lines at rate 1 name (USD here). Loaded into an app whose base currency is INR
    (kept by an earlier `--currency INR`), those dollars were stored as rupees, unconverted,
    beside the app's rupees; the load is refused, as it is without the base amounts beside."""
    zoho = _file(tmp_path, "zoho.csv", ZOHO)
    await ingest_file(engine, kind=LEDGER, path=zoho, app="books", currency="INR")
    before = await rows_of(engine, "ledger_entry"), await rows_of(engine, "sale_line")
    path = _file(tmp_path, "qbo.csv", QBO_BOTH)
    with pytest.raises(
        FileRejected, match=r"kept for app books is INR.*at exchange rate 1 are in USD"
    ) as refused:
        await ingest_file(engine, kind=kind, path=path, app="books")
    assert "\n" not in str(refused.value)
    assert (await rows_of(engine, "ledger_entry"), await rows_of(engine, "sale_line")) == before
    # Said the other way round, with --currency USD, it loads (and USD is kept for the app).
    report = await ingest_file(engine, kind=kind, path=path, app="books", currency="USD")
    assert report.rows_written == (3 if kind is LEDGER else 2)

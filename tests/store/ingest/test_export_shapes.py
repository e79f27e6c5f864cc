"""Exports as they really come (issue 13): single-space aligned text with and without a header
(the CDNOW master file as the `lifetimes` package ships it), CRLF, rule lines, dated balance
lines, Windows-1252 and UTF-16 text, a Tally ledger report. Each is built here from generated
sales, loaded on SQLite and PostgreSQL, and its orders and revenue per quarter compared with a
count of the same sales made here."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.quarters import quarter_label
from store.ingest import DatesOption, IngestKind, IngestReport, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
SALES, LEDGER = IngestKind.SALES, IngestKind.LEDGER


@dataclass(frozen=True)
class Sale:
    customer: str
    day: dt.date
    quantity: int
    amount: Decimal
    invoice: str = ""


def _sales(count: int = 300, seed: int = 7, customers: Sequence[str] | None = None) -> list[Sale]:
    rng = random.Random(seed)
    names = list(customers or [f"{n:05d}" for n in range(1, 41)])
    sales = []
    for _ in range(count):
        day = dt.date(1997, 1, 1) + dt.timedelta(days=rng.randrange(545))
        cents = rng.randrange(99, 60_000)
        sales.append(Sale(rng.choice(names), day, rng.randint(1, 30), D(cents).scaleb(-2)))
    # The file lists each customer's purchases in order, as CDNOW's does.
    return sorted(sales, key=lambda sale: (sale.customer, sale.day))


def _expected(sales: Sequence[Sale]) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """Orders and revenue per customer and quarter, counted here: an order per invoice, or
    per line without one."""
    revenue: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    invoices: dict[tuple[str, str], set[str]] = defaultdict(set)
    loose: dict[tuple[str, str], int] = defaultdict(int)
    for sale in sales:
        key = (sale.customer, quarter_label(sale.day))
        revenue[key] += sale.amount
        if sale.invoice:
            invoices[key].add(sale.invoice)
        else:
            loose[key] += 1
    return {key: (len(invoices[key]) + loose[key], total) for key, total in revenue.items()}


async def _quarters(engine: AsyncEngine) -> dict[tuple[str, str], tuple[int, Decimal]]:
    return {(row[0], row[1]): (row[2], row[3]) for row in await rows_of(engine, "quarter_segment")}


def _write(folder: Path, name: str, lines: Sequence[str], *, crlf: bool = False) -> Path:
    path = folder / name
    ending = "\r\n" if crlf else "\n"
    path.write_bytes(ending.join(lines).encode() + ending.encode())
    return path


# --- The CDNOW master file ----------------------------------------------------------------


def _cdnow_line(sale: Sale, rng: random.Random) -> str:
    # Ids with leading zeros, yyyymmdd dates, right-aligned numbers, single spaces between the
    # first columns; some lines end in spaces.
    trailing = " " * rng.choice((0, 0, 1, 3))
    return f" {sale.customer} {sale.day:%Y%m%d} {sale.quantity:2d} {sale.amount:7.2f}{trailing}"


def _cdnow(folder: Path, sales: Sequence[Sale], *, header: bool) -> Path:
    rng = random.Random(1)
    lines = [" customer_id  date number_of_cds  dollar_value"] if header else []
    lines += [_cdnow_line(sale, rng) for sale in sales]
    return _write(folder, "CDNOW_master.txt", lines, crlf=True)


@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
async def test_the_cdnow_master_file_loads(
    engine: AsyncEngine, tmp_path: Path, header: bool
) -> None:
    sales = _sales()
    path = _cdnow(tmp_path, sales, header=header)

    report = await ingest_file(engine, kind=SALES, path=path, app="cdnow")

    if header:
        assert report.file_format == "whitespace-aligned text"
        assert report.columns == {
            "customer": "customer_id",
            "date": "date",
            "quantity": "number_of_cds",
            "amount": "dollar_value",
        }
    else:
        assert report.file_format == ("whitespace-aligned text, no header row: columns by position")
        assert report.columns == {
            "customer": "column 1",
            "date": "column 2",
            "quantity": "column 3",
            "amount": "column 4",
        }
    assert report.rows_read == report.rows_written == len(sales)
    assert await _quarters(engine) == _expected(sales)
    lines = await rows_of(engine, "sale_line")
    assert sorted(row[5] for row in lines) == sorted(D(sale.quantity) for sale in sales)
    assert {row[0] for row in lines} == {sale.customer for sale in sales}


async def test_names_of_two_words_stay_one_value_under_a_header_of_two_words(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Single spaces would split header and lines alike into four, but the values line up
    # under the header's three columns: single spaces stay inside names.
    lines = [
        "Date        Party Name      Amount",
        "01-04-2023  Acme Traders    100.00",
        "02-04-2023  Beta Stores      50.00",
    ]
    path = _write(tmp_path, "register.txt", lines)

    report = await ingest_file(engine, kind=SALES, path=path, dates=DatesOption.DAY_FIRST)

    assert report.columns == {"date": "Date", "customer": "Party Name", "amount": "Amount"}
    assert [row[0] for row in await rows_of(engine, "sale_line")] == [
        "Acme Traders",
        "Beta Stores",
    ]


async def test_a_file_without_header_names_its_columns_by_position(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Two columns of text: the names repeat less than the codes here, so the guess would take
    # the codes; --column says the names are the customers.
    lines = [
        "2024-01-05;K-1;Acme Traders;10.00",
        "2024-01-06;K-1;Acme Traders North;3.50",
        "2024-02-07;K-2;Beta;7.25",
    ]
    path = _write(tmp_path, "export.csv", lines)

    report = await ingest_file(engine, kind=SALES, path=path, columns={"customer": "3"})

    assert report.columns == {"date": "column 1", "customer": "column 3", "amount": "column 4"}
    assert report.ignored_columns == ["column 2"]
    assert [row[:2] for row in await rows_of(engine, "sale_line")] == [
        ("Acme Traders", d("2024-01-05")),
        ("Acme Traders North", d("2024-01-06")),
        ("Beta", d("2024-02-07")),
    ]


# --- Reports with rules and balance lines -------------------------------------------------


def _aligned(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    parts = [
        cell.rjust(width) if to_right else cell.ljust(width)
        for cell, width, to_right in zip(cells, widths, right, strict=True)
    ]
    return "  ".join(parts).rstrip()


async def test_a_register_with_rules_and_total_lines_loads(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = [
        Sale(sale.customer, sale.day, sale.quantity, sale.amount, f"S-{number // 2}")
        for number, sale in enumerate(_sales(120, seed=3))
    ]
    widths, right = (10, 14, 8, 5, 12), (False, False, False, True, True)
    total = sum((sale.amount for sale in sales), D(0))
    lines = [
        "Northwind Traders Pvt Ltd",
        "Sales Register",
        "1-Jan-1997 to 30-Jun-1998",
        "",
        _aligned(["Date", "Particulars", "Vch No.", "Qty", "Amount"], widths, right),
        _aligned(["-" * 10, "-" * 14, "-" * 8, "-" * 5, "-" * 12], widths, right),
    ]
    lines += [
        _aligned(
            [f"{s.day:%d-%m-%Y}", s.customer, s.invoice, str(s.quantity), f"{s.amount:,.2f}"],
            widths,
            right,
        )
        for s in sales
    ]
    lines += [
        _aligned(["", "", "", "", "-" * 12], widths, right),
        _aligned(["", "", "", "", f"{total:,.2f}"], widths, right),
        _aligned(["", "Grand Total", "", "", f"{total:,.2f}"], widths, right),
        _aligned(["", "", "", "", "=" * 12], widths, right),
    ]
    path = _write(tmp_path, "register.txt", lines, crlf=True)

    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.file_format == "whitespace-aligned text, header on line 5"
    assert report.rows_written == len(sales)
    assert "Skipped 2 total or balance lines" in report.notes
    assert await _quarters(engine) == _expected(sales)


@pytest.mark.parametrize(
    "label",
    [
        "Opening Balance",
        "Closing Balance",
        "Total",
        "Grand Total",
        "Carried Forward",
        "Brought Forward",
        "c/f",
        "b/f",
        "Balance c/f",
    ],
)
async def test_dated_balance_lines_are_never_customers(
    engine: AsyncEngine, tmp_path: Path, label: str
) -> None:
    sales = _sales(60, seed=11)
    lines = ["Date,Customer,Invoice No,Amount", f'01/01/1997,{label},,"5,000.00"']
    lines += [f'{s.day:%d/%m/%Y},{s.customer},{s.invoice},"{s.amount:,.2f}"' for s in sales]
    lines += [f'30/06/1998,{label},,"99,999.00"']
    path = _write(tmp_path, "sales.csv", lines, crlf=True)

    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.rows_written == len(sales)
    assert "Skipped 2 total or balance lines" in report.notes
    assert await _quarters(engine) == _expected(sales)
    assert label not in {row[0] for row in await rows_of(engine, "account")}


async def test_a_tally_ledger_report_with_a_rule_under_its_amounts_loads(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    widths = (10, 20, 9, 8, 13, 13)
    right = (False, False, False, False, True, True)

    def line(*cells: str) -> str:
        return _aligned(cells, widths, right)

    lines = [
        "Northwind Traders Pvt Ltd",
        "Ledger: Sundry Debtors",
        "1-Apr-2023 to 31-Mar-2024",
        "",
        line("Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"),
        line("", "", "", "", "-" * 13, "-" * 13),
        line("01-04-2023", "Opening Balance", "", "", "5,000.00", ""),
        line("05-04-2023", "Acme Traders", "Sales", "S-101", "12,500.00", ""),
        line("20-04-2023", "Acme Traders", "Receipt", "R-55", "", "10,000.00"),
        line("02-05-2023", "Beta Stores", "Sales", "S-102", "4,000.00", ""),
        line("15-06-2023", "Beta Stores", "Receipt", "R-56", "", "4,000.00"),
        line("", "", "", "", "-" * 13, "-" * 13),
        line("", "", "", "", "21,500.00", "14,000.00"),
        line("31-03-2024", "Closing Balance", "", "", "", "7,500.00"),
        line("", "", "", "", "=" * 13, "=" * 13),
    ]
    path = _write(tmp_path, "ledger.txt", lines)

    report = await ingest_file(engine, kind=LEDGER, path=path, app="northwind")

    assert report.columns == {
        "date": "Date",
        "customer": "Particulars",
        "kind": "Vch Type",
        "invoice": "Vch No.",
        "debit": "Debit",
        "credit": "Credit",
    }
    assert "Skipped 3 total or balance lines" in report.notes
    assert [row[:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("Acme Traders", d("2023-04-05"), "invoice", "S-101", 1, D("12500.00")),
        ("Acme Traders", d("2023-04-20"), "payment", "R-55", 1, D("10000.00")),
        ("Beta Stores", d("2023-05-02"), "invoice", "S-102", 1, D("4000.00")),
        ("Beta Stores", d("2023-06-15"), "payment", "R-56", 1, D("4000.00")),
    ]


# --- Encodings ----------------------------------------------------------------------------

_NAMES = [
    "Café Noël",
    "Société Générale",
    "Müller & Söhne",
    "Œuvre \u2018Quoted\u2019",
    "Plain Ltd",
]


_DECIMAL_COMMA = str.maketrans(",.", ".,")


def _semicolon_lines(sales: Sequence[Sale]) -> list[str]:
    """Dates as 31.03.1997, amounts as € 1.234,50: a European export."""
    lines = ["Date;Customer;Amount"]
    lines += [
        f"{s.day:%d.%m.%Y};{s.customer};€ {f'{s.amount:,.2f}'.translate(_DECIMAL_COMMA)}"
        for s in sales
    ]
    return lines


_ENCODED: dict[str, tuple[Callable[[str], bytes], str]] = {
    "cp1252": (
        lambda text: text.encode("cp1252"),
        "Text read as Windows-1252 (the file is not UTF-8)",
    ),
    "utf-16": (lambda text: text.encode("utf-16"), "Text read as UTF-16"),
    "utf-8-bom": (lambda text: text.encode("utf-8-sig"), "Text read as UTF-8 with byte order mark"),
    "utf-8": (lambda text: text.encode("utf-8"), "Text read as UTF-8"),
}


@pytest.mark.parametrize("encoding", sorted(_ENCODED))
async def test_every_encoding_an_export_comes_in(
    engine: AsyncEngine, tmp_path: Path, encoding: str
) -> None:
    sales = _sales(80, seed=5, customers=_NAMES)
    text = "\r\n".join(_semicolon_lines(sales)) + "\r\n"
    encode, note = _ENCODED[encoding]
    path = tmp_path / "sales.csv"
    path.write_bytes(encode(text))

    report = await ingest_file(engine, kind=SALES, path=path)

    assert note in report.notes
    assert "Amounts read with a decimal comma (1.234,50)" in report.notes
    assert await _quarters(engine) == _expected(sales)
    assert {row[0] for row in await rows_of(engine, "account")} == set(_NAMES)


async def test_a_utf16_tab_separated_export_as_excel_saves_it(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = _sales(50, seed=9, customers=["Łódź Traders", "日本商事", "00042"])
    lines = ["Customer\tInvoice Date\tQty\tNet Amount"]
    lines += [f"{s.customer}\t{s.day:%d-%b-%Y}\t{s.quantity}\t{s.amount}" for s in sales]
    path = tmp_path / "sales.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))

    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.file_format == "CSV, tab-separated"
    assert "Text read as UTF-16" in report.notes
    assert await _quarters(engine) == _expected(sales)


async def test_bytes_that_are_no_text_at_all_are_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales.csv"
    path.write_bytes(b"Date,Customer,Amount\n2024-01-05,C\x81\xff,10\n")
    with pytest.raises(Exception, match="neither UTF-8, UTF-16 nor Windows-1252 text"):
        await ingest_file(engine, kind=SALES, path=path)


# --- What a reload says -------------------------------------------------------------------


def _changes(report: IngestReport) -> tuple[int, int, int] | None:
    changes = report.changes
    return None if changes is None else (changes.new, changes.changed, changes.unchanged)


async def test_a_reload_says_what_was_new_changed_and_unchanged(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sales = _sales(40, seed=2)
    first = _cdnow(tmp_path, sales, header=True)
    report = await ingest_file(engine, kind=SALES, path=first)
    assert _changes(report) == (40, 0, 0)

    again = await ingest_file(engine, kind=SALES, path=first)
    assert _changes(again) == (0, 0, 40)
    assert again.changes_line() == "40 sale lines: 0 new, 0 changed, 40 unchanged"

    corrected = [*sales[:-1], Sale(sales[-1].customer, sales[-1].day, 1, D("1.00"))]
    extra = Sale("99999", dt.date(1998, 1, 1), 2, D("5.00"))
    second = _cdnow(tmp_path, [*corrected, extra], header=True)
    assert _changes(await ingest_file(engine, kind=SALES, path=second)) == (1, 1, 39)
    assert await _quarters(engine) == _expected([*corrected, extra])


async def test_every_kind_counts_its_reloaded_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    files = {
        IngestKind.DEFINITIONS: "name,unit,lower_bound,upper_bound\nrevenue,EUR,0,1e6\n",
        IngestKind.INDUSTRIES: "industry_id,name\nretail,Retail\n",
        IngestKind.ACCOUNTS: "account_id,name,industry\nA1,Acme,retail\nA2,Beta,retail\n",
        IngestKind.COMPANIES: "company_id,account_id,name\nC1,A1,Acme North\n",
        IngestKind.CONTRACTS: "contract_id,company_id,name\nK1,C1,Support\n",
        IngestKind.METRICS: "level,entity_id,metric_name,effective_date,value,unit\n"
        "account,A1,revenue,2024-01,10.0,EUR\naccount,A2,revenue,2024-01,5,EUR\n",
    }
    # What each file's rows are, counted as the summary says them.
    counted_rows = {
        IngestKind.DEFINITIONS: "1 row read, 1 definition",
        IngestKind.INDUSTRIES: "1 row read, 1 industry",
        IngestKind.ACCOUNTS: "2 rows read, 2 accounts",
        IngestKind.COMPANIES: "1 row read, 1 company",
        IngestKind.CONTRACTS: "1 row read, 1 contract",
        IngestKind.METRICS: "2 rows read, 2 metric values",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text)
        rows = text.count("\n") - 1
        first = await ingest_file(engine, kind=kind, path=path)
        assert _changes(first) == (rows, 0, 0)
        assert f"{counted_rows[kind]} written" in first.summary()
        again = await ingest_file(engine, kind=kind, path=path)
        assert _changes(again) == (0, 0, rows)
        # A reload that changes nothing does not say it wrote anything.
        read, _, written = counted_rows[kind].partition(", ")
        assert again.summary().endswith(f"{read}, nothing written, {written} unchanged")
    # 10.0 -> 10.00 writes other digits: a change.
    path = tmp_path / "metrics.csv"
    path.write_text(files[IngestKind.METRICS].replace("10.0,", "10.00,"))
    changed = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    assert _changes(changed) == (0, 1, 1)
    assert changed.summary() == (
        f"{path} (CSV, comma-separated): 2 rows read, 1 metric value written, 1 unchanged"
    )
    # A definition's changed bound is a change too.
    path = tmp_path / "definitions.csv"
    path.write_text("name,unit,lower_bound,upper_bound\nrevenue,EUR,0,2e6\nvisits,count,,\n")
    changed = await ingest_file(engine, kind=IngestKind.DEFINITIONS, path=path)
    assert _changes(changed) == (1, 1, 0)

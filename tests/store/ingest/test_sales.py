"""Sales exports of any shape: columns guessed, dates and amounts as exports write them,
all or nothing, idempotent, and segments recomputed after each load."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.quarters import quarter_label
from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from tests.factories import Seed
from tests.store.sales_support import (
    SALES_TABLES,
    d,
    rows_of,
    tables_of,
    write_aligned,
    write_delimited,
    write_workbook,
)

D = Decimal
SALES = IngestKind.SALES
HEADER = ["Voucher Date", "Party Name", "Vch No.", "Net Amount"]
ROWS = [
    ["01/04/2023", "00123", "S-1", "12,500.00"],
    ["15/04/2023", "Acme Traders", "S-2", "1,000.50"],
    ["15/04/2023", "Acme Traders", "S-2", "499.50"],
    ["20/07/2023", "00123", "S-3", "2,000.00"],
]
# (account_id, sale_date, invoice, line, amount) as stored.
EXPECTED_LINES = [
    ("00123", d("2023-04-01"), "S-1", 1, D("12500.00")),
    ("00123", d("2023-07-20"), "S-3", 1, D("2000.00")),
    ("Acme Traders", d("2023-04-15"), "S-2", 1, D("1000.50")),
    ("Acme Traders", d("2023-04-15"), "S-2", 2, D("499.50")),
]


def _lines(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [row[:5] for row in rows]


def _xlsx(folder: Path) -> Path:
    values = [
        [dt.datetime(2023, 4, 1), 123, "S-1", 12500.0],
        [dt.datetime(2023, 4, 15), "Acme Traders", "S-2", 1000.5],
        [dt.datetime(2023, 4, 15), "Acme Traders", "S-2", 499.5],
        [45127, 123, "S-3", "2,000.00"],  # an Excel serial date, an amount typed as text
    ]
    return write_workbook(
        folder, "sales.xlsx", HEADER, values, title="Sales Register", formats={1: "00000"}
    )


SHAPES = {
    "comma": lambda f: write_delimited(
        f, "s.csv", ",", HEADER, [[f'"{v}"' for v in r] for r in ROWS]
    ),
    "semicolon": lambda f: write_delimited(f, "s.csv", ";", HEADER, ROWS),
    "tab": lambda f: write_delimited(f, "s.txt", "\t", HEADER, ROWS),
    "pipe": lambda f: write_delimited(f, "s.txt", " | ", HEADER, ROWS),
    "aligned": lambda f: write_aligned(f, "s.txt", HEADER, ROWS),
    "xlsx": _xlsx,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
async def test_every_shape_of_export_gives_the_same_lines(
    engine: AsyncEngine, tmp_path: Path, shape: str
) -> None:
    path = SHAPES[shape](tmp_path)
    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.columns == {
        "date": "Voucher Date",
        "customer": "Party Name",
        "invoice": "Vch No.",
        "amount": "Net Amount",
    }
    assert report.rows_written == 4
    assert _lines(await rows_of(engine, "sale_line")) == EXPECTED_LINES
    assert report.created["accounts"] == ["00123", "Acme Traders"]
    assert report.notes[-1] == (
        "Segments of app default: 2 accounts with sales over 2 quarters, 0 with ledger entries"
    )


async def test_a_title_above_the_header_is_skipped(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    lines = ["Acme Ltd,,,", "Sales Register 1-Apr-2023 to 31-Mar-2024,,,", "", ",".join(HEADER)]
    lines += [",".join(f'"{v}"' for v in row) for row in ROWS]
    lines += [',Grand Total,,"16,000.00"']
    path.write_text("\n".join(lines) + "\n")

    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.file_format == "CSV, comma-separated, header on line 4"
    assert _lines(await rows_of(engine, "sale_line")) == EXPECTED_LINES
    assert "Skipped 1 total or balance line" in report.notes
    # The loader says why: the first date that reads only one way.
    assert "Dates read day first (DD/MM/YYYY): '15/04/2023' reads only day first" in report.notes


async def test_json_lines_keys_are_guessed_too(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "sales.jsonl"
    path.write_text("".join(json.dumps(dict(zip(HEADER, row, strict=True))) + "\n" for row in ROWS))
    await ingest_file(engine, kind=SALES, path=path)
    assert _lines(await rows_of(engine, "sale_line")) == EXPECTED_LINES


async def test_an_aligned_report_with_empty_cells_reads_by_position(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales.txt"
    path.write_text(
        "Date        Customer         Invoice         Amount\n"
        "01-04-2023  00123            S-1          12,500.00\n"
        "15-04-2023  Acme Traders                   1,000.50 \n"
        "\n"
        "20-07-2023  00123            S-3           2,000.00\n"
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert report.file_format == "whitespace-aligned text"
    assert _lines(await rows_of(engine, "sale_line")) == [
        ("00123", d("2023-04-01"), "S-1", 1, D("12500.00")),
        ("00123", d("2023-07-20"), "S-3", 1, D("2000.00")),
        ("Acme Traders", d("2023-04-15"), "", 1, D("1000.50")),
    ]


async def test_debit_and_credit_columns_make_returns_negative(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Debit", "Credit", "Cost"],
        [
            ["05-Jan-24", "C1", "Sales", "1000", "", "600"],
            ["06-Jan-24", "C1", "Sales", "500", "", "300"],
            ["09-Jan-24", "C1", "Credit Note", "", "200", "120"],
        ],
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert "Lines on the Cr side counted as returns (negative)" in report.notes
    lines = await rows_of(engine, "sale_line")
    assert [(row[4], row[6], row[7]) for row in lines] == [
        (D("1000"), D("600"), D("400")),
        (D("500"), D("300"), D("200")),
        (D("-200"), D("-120"), D("-80")),
    ]
    # The credit note lowers the quarter's revenue and profit, but it is not an order.
    [quarter] = await rows_of(engine, "quarter_segment")
    assert quarter[1:5] == ("2024-Q1", 2, D("1300"), D("520"))


async def test_dr_cr_marks_of_a_sales_register_count_credits_as_sales(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "register.csv",
        ";",
        ["Date", "Customer", "Amount"],
        [
            ["2024-01-05", "C1", "1.000,00 Cr"],
            ["2024-01-06", "C1", "250,50 Cr"],
            ["2024-01-07", "C1", "50,00 Dr"],
        ],
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert "Amounts read with a decimal comma (1.234,50)" in report.notes
    assert [row[4] for row in await rows_of(engine, "sale_line")] == [
        D("1000.00"),
        D("250.50"),
        D("-50.00"),
    ]


async def test_month_first_dates_and_two_digit_years(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_delimited(
        tmp_path,
        "us.csv",
        ",",
        ["Order Date", "Customer ID", "Total"],
        [["03/02/97", "7", "10"], ["12/31/97", "7", "20"], ["1/13/98", "8", "30"]],
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert "Dates read month first (MM/DD/YYYY): '12/31/97' reads only month first" in report.notes
    assert [row[:2] for row in await rows_of(engine, "sale_line")] == [
        ("7", d("1997-03-02")),
        ("7", d("1997-12-31")),
        ("8", d("1998-01-13")),
    ]


async def test_exact_orders_and_revenue_per_quarter_of_a_generated_file(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    rng = random.Random(42)
    customers = [f"{n:05d}" for n in range(1, 31)]
    expected_revenue: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    expected_invoices: dict[tuple[str, str], set[str]] = defaultdict(set)
    expected_loose: dict[tuple[str, str], int] = defaultdict(int)
    rows = []
    for number in range(600):
        customer = rng.choice(customers)
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(730))
        cents = rng.randrange(1, 10_000_000)
        amount = D(cents).scaleb(-2)
        invoice = "" if rng.random() < 0.2 else f"INV-{customer}-{rng.randrange(number // 3 + 1)}"
        key = (customer, quarter_label(day))
        expected_revenue[key] += amount
        if invoice:
            expected_invoices[key].add(invoice)
        else:
            expected_loose[key] += 1
        rows.append([customer, f"{day:%d-%b-%y}", invoice, f"₹ {amount:,.2f}"])
    path = write_delimited(
        tmp_path, "sales.csv", ";", ["Customer", "Date", "Invoice No", "Sales"], rows
    )

    await ingest_file(engine, kind=SALES, path=path)

    found = {(row[0], row[1]): (row[2], row[3]) for row in await rows_of(engine, "quarter_segment")}
    assert found == {
        key: (len(expected_invoices[key]) + expected_loose[key], revenue)
        for key, revenue in expected_revenue.items()
    }


async def test_loading_twice_or_an_overlapping_export_adds_nothing_twice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    first = write_delimited(tmp_path, "q2.csv", ";", HEADER, ROWS[:3])
    second = write_delimited(tmp_path, "q2-q3.csv", ";", HEADER, ROWS[1:])
    await ingest_file(engine, kind=SALES, path=first)
    once = await tables_of(engine, SALES_TABLES)
    await ingest_file(engine, kind=SALES, path=first)
    assert await tables_of(engine, SALES_TABLES) == once

    await ingest_file(engine, kind=SALES, path=second)
    assert _lines(await rows_of(engine, "sale_line")) == EXPECTED_LINES


async def test_a_corrected_amount_replaces_the_old_one(engine: AsyncEngine, tmp_path: Path) -> None:
    await ingest_file(
        engine, kind=SALES, path=write_delimited(tmp_path, "a.csv", ";", HEADER, ROWS)
    )
    corrected = [*ROWS[:3], ["20/07/2023", "00123", "S-3", "2,500.00"]]
    await ingest_file(
        engine, kind=SALES, path=write_delimited(tmp_path, "b.csv", ";", HEADER, corrected)
    )
    lines = _lines(await rows_of(engine, "sale_line"))
    assert lines[1] == ("00123", d("2023-07-20"), "S-3", 1, D("2500.00"))
    assert len(lines) == 4


async def test_new_customers_join_the_given_app(engine: AsyncEngine, tmp_path: Path) -> None:
    seed = Seed()
    seed.account("00123", app="south")
    await seed.write(engine)
    path = write_delimited(
        tmp_path,
        "s.csv",
        ",",
        ["Customer Code", "Customer Name", "Date", "Amount"],
        [["00123", "Known", "2024-01-01", "5"], ["0042", "Forty Two", "2024-01-02", "7"]],
    )
    report = await ingest_file(engine, kind=SALES, path=path, app="south")

    accounts = {row[0]: (row[1], row[2]) for row in await rows_of(engine, "account")}
    assert accounts == {"00123": ("south", "Account 00123"), "0042": ("south", "Forty Two")}
    assert report.created == {"apps": [], "accounts": ["0042"]}
    assert [note for note in report.notes if note.startswith("Segments")] == [
        "Segments of app south: 2 accounts with sales over 1 quarter, 0 with ledger entries",
    ]


async def test_every_bad_row_is_reported_and_nothing_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "bad.csv",
        ",",
        ["Date", "Customer", "Amount", "Cost"],
        [
            ["2024-01-01", "C1", "10", "5"],
            ["2024-02-30", "C1", "10", ""],
            ["2024-01-03", "", "ten", ""],
            ["", "C2", "", "x"],
            ["2024-01-04", "C1", "10", "4"],
        ],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: date '2024-02-30' is not a valid date (read as YYYY-MM-DD)",
        "line 4: missing customer; amount 'ten' is not an amount: write it like 1234.50 or "
        "1,234.50",
        "line 5: missing date; missing amount; cost 'x' is not an amount: write it like 1234.50 "
        "or 1,234.50",
    ]
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}


async def test_a_file_without_the_needed_columns_lists_those_it_has(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path, "odd.csv", ",", ["When", "Who", "Amount"], [["2024-01-01", "y", "1"]]
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert str(caught.value) == (
        f"{path}: found no column for the customer, date; the file's columns are: 'When', "
        "'Who', 'Amount'. Name the column with --column customer=COLUMN (roles: customer, "
        "customer_name, date, invoice, amount, debit, credit, side, quantity, cost, profit, "
        "voucher_type, status, currency, exchange_rate, foreign_amount, memo)"
    )

    report = await ingest_file(
        engine, kind=SALES, path=path, columns={"customer": "Who", "date": "When"}
    )
    assert report.columns == {"date": "When", "customer": "Who", "amount": "Amount"}
    assert await rows_of(engine, "sale_line") == [
        # No voucher type column; `2024-01-01` reads one way only; no company named: no
        # known book.
        ("y", d("2024-01-01"), "", 1, D("1"), None, None, None, False, "", False, "")
    ]


async def test_column_overrides_are_only_for_exports(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_delimited(tmp_path, "i.csv", ",", ["industry_id", "name"], [["a", "A"]])
    with pytest.raises(FileRejected, match="--column is for sales and ledger files"):
        await ingest_file(engine, kind=IngestKind.INDUSTRIES, path=path, columns={"x": "y"})

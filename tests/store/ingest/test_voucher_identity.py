"""A stored invoice is re-dated by a later load only when it is the same voucher: the lines
keep the voucher type they came with (`sale_line.voucher_type`, `ledger_entry.voucher_type`),
so that files without a title (a Day Book exported without its heading rows, QuickBooks
Desktop's transaction lists, one per quarter) no longer merge two vouchers of one customer
that share a number but not a type; and an invoice of the same type and number that a
QuickBooks report of the next quarter dates otherwise is moved, not stored twice."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from cli.main import app
from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from tests.api_client import GraphQLClient
from tests.store.sales_support import d, rows_of

D = Decimal
SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER

# Tally's Day Book, each month exported without its title rows: Sales 7 of April and Export
# Sales 7 of May are two vouchers (each type is numbered on its own).
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
APRIL = HEADER + (
    '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
    '9-Apr-25,Sharma Electricals,Sales,8,"45,000.00",\n'
)
MAY = HEADER + (
    '6-May-25,Kaveri Traders,Export Sales,7,"80,000.00",\n'
    '20-May-25,Kaveri Traders,Receipt,1,,"1,20,000.00"\n'
)
# The April Day Book re-exported after Sales 7 was re-dated: the same voucher.
APRIL_FIXED = APRIL.replace("3-Apr-25,Kaveri", "4-Apr-25,Kaveri")

# QuickBooks Desktop's transaction list, one file a quarter, without its report heading:
# Invoice 5 and Sales Receipt 5 (numbered apart) of one customer in one financial year.
QB_Q2 = "Type,Date,Num,Name,Amount\nInvoice,05/13/2025,5,Cool Cars,1000.00\n"
QB_Q3 = "Type,Date,Num,Name,Amount\nSales Receipt,08/14/2025,5,Cool Cars,200.00\n"

# QuickBooks' titled quarterly reports: invoice 1001 re-dated from 28 March to 2 April after
# the first quarter's report was loaded. Its numbers never restart: one invoice.
QB_REPORT = (
    'Craig\'s Design and Landscaping Services\nSales by Customer Detail\n"{period}"\n\n'
    ",Type,Date,Num,Name,Amount\n,{kind},{day},1001,Amy's Bird Sanctuary,$300.00\n"
)
QB_MARCH = QB_REPORT.format(period="January - March, 2025", kind="Invoice", day="03/28/2025")
QB_APRIL = QB_REPORT.format(period="April - June, 2025", kind="Invoice", day="04/02/2025")

QUARTERS = """
{
  accounts(first: 10) {
    edges { node { accountId salesProfile { quarters { quarter revenue orders } } } }
  }
}
"""


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _invoiced(
    rows: list[tuple[object, ...]], kind: IngestKind, account: str
) -> list[tuple[str, Decimal]]:
    """(date, amount) of the account's sales, or of its ledger's invoices."""
    return sorted(
        (str(row[1]), D(str(row[4] if kind is SALES else row[5])))
        for row in rows
        if row[0] == account and (kind is SALES or row[2] == "invoice")
    )


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_untitled_day_books_keep_two_voucher_types_of_one_number_apart(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "april.csv", APRIL), app="distrib")
    report = await ingest_file(
        engine, kind=kind, path=_file(tmp_path, "may.csv", MAY), app="distrib"
    )
    assert not any("re-dated" in note for note in report.notes), report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert _invoiced(await rows_of(engine, table), kind, "Kaveri Traders") == [
        ("2025-04-03", D("120000.00")),
        ("2025-05-06", D("80000.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_an_untitled_day_book_re_dating_a_voucher_of_its_type_moves_it(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    for name, text in (("april.csv", APRIL), ("may.csv", MAY), ("fixed.csv", APRIL_FIXED)):
        report = await ingest_file(
            engine, kind=kind, path=_file(tmp_path, name, text), app="distrib"
        )
    assert any("7 2025-04-03 -> 2025-04-04" in note for note in report.notes), report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert _invoiced(await rows_of(engine, table), kind, "Kaveri Traders") == [
        ("2025-04-04", D("120000.00")),
        ("2025-05-06", D("80000.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_quickbooks_desktop_lists_keep_an_invoice_and_a_sales_receipt_apart(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    for name, text in (("q2.csv", QB_Q2), ("q3.csv", QB_Q3)):
        await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="craig")
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert _invoiced(await rows_of(engine, table), kind, "Cool Cars") == [
        ("2025-05-13", D("1000.00")),
        ("2025-08-14", D("200.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_a_quickbooks_invoice_re_dated_into_the_next_quarter_is_moved(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "q1.csv", QB_MARCH), app="craig")
    report = await ingest_file(
        engine, kind=kind, path=_file(tmp_path, "q2.csv", QB_APRIL), app="craig"
    )
    assert any("1001 2025-03-28 -> 2025-04-02" in note for note in report.notes), report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert _invoiced(await rows_of(engine, table), kind, "Amy's Bird Sanctuary") == [
        ("2025-04-02", D("300.00"))
    ]


async def test_a_sales_receipt_of_the_next_quarter_moves_no_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Outside the report's period only the same type and number are the same voucher."""
    receipt = QB_REPORT.format(period="April - June, 2025", kind="Sales Receipt", day="04/02/2025")
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "q1.csv", QB_MARCH), app="craig")
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "q2.csv", receipt), app="craig")
    assert [row[1] for row in await rows_of(engine, "sale_line")] == [
        d("2025-03-28"),
        d("2025-04-02"),
    ]


@pytest.mark.parametrize(
    ("files", "account", "expected"),
    [
        # Orders are distinct invoices: Sales 7 and Export Sales 7 are two, each type being
        # numbered on its own (a number is read within its voucher type).
        ((APRIL, MAY), "Kaveri Traders", [("2025-Q2", "200000.00", 2)]),
        ((QB_Q2, QB_Q3), "Cool Cars", [("2025-Q2", "1000.00", 1), ("2025-Q3", "200.00", 1)]),
        # Moved into the second quarter, not counted in both.
        ((QB_MARCH, QB_APRIL), "Amy's Bird Sanctuary", [("2025-Q2", "300.00", 1)]),
    ],
    ids=["day-books", "quickbooks-lists", "quickbooks-reports"],
)
async def test_each_voucher_counts_once_in_the_purchase_history(
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    client: GraphQLClient,
    files: tuple[str, str],
    account: str,
    expected: list[tuple[str, str, int]],
) -> None:
    """Through the command line, then the API's quarters of the customer."""
    url = engine.url.render_as_string(hide_password=False)
    for number, text in enumerate(files):
        path = _file(tmp_path, f"export{number}.csv", text)
        result = await asyncio.to_thread(
            CliRunner().invoke,
            app,
            ["ingest", "sales", str(path), "--app", "distrib"],
            env={"DATABASE_URL": url},
        )
        assert result.exit_code == 0, result.output
    data = await client.data(QUARTERS)
    quarters = {
        edge["node"]["accountId"]: edge["node"]["salesProfile"]["quarters"]
        for edge in data["accounts"]["edges"]
    }
    assert [
        (quarter["quarter"], quarter["revenue"], quarter["orders"]) for quarter in quarters[account]
    ] == expected


# Tally's Day Books of two financial years, without their titles: dates with the month's name
# (`10-Mar-24`), which no reading swaps. Sales 8 of 10 March 2024 and of 3 October 2024 are
# two vouchers (numbers restart each April), not one read with day and month swapped.
FY_23_24 = HEADER + (
    '14-Jun-23,Kaveri Traders,Sales,3,"40,000.00",\n'
    '10-Mar-24,Kaveri Traders,Sales,8,"1,20,000.00",\n'
)
FY_24_25 = HEADER + '3-Oct-24,Kaveri Traders,Sales,8,"75,000.00",\n'

# The May Day Book written with dates in numbers, day first (20/05/2025 says so): its Export
# Sales 7 of 4 May is no misreading of April's Sales 7 of 5 April (`5-Apr-25`), which no
# reading swaps, and is of another type.
APRIL_5 = HEADER + '5-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
MAY_NUMERIC = HEADER + (
    '04/05/2025,Kaveri Traders,Export Sales,7,"80,000.00",\n'
    '20/05/2025,Sharma Electricals,Sales,9,"10,000.00",\n'
)


@pytest.mark.parametrize("kind", [SALES, LEDGER])
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            FY_23_24,
            FY_24_25,
            [
                ("2023-06-14", D("40000.00")),
                ("2024-03-10", D("120000.00")),
                ("2024-10-03", D("75000.00")),
            ],
        ),
        (APRIL_5, MAY_NUMERIC, [("2025-04-05", D("120000.00")), ("2025-05-04", D("80000.00"))]),
    ],
    ids=["financial-years", "types"],
)
async def test_a_date_no_reading_swaps_is_no_misreading(
    engine: AsyncEngine,
    tmp_path: Path,
    kind: IngestKind,
    first: str,
    second: str,
    expected: list[tuple[str, Decimal]],
) -> None:
    """Stored lines keep whether their date could be read both ways (`date_ambiguous`): one
    that could not was read right, so a later file giving its number the swapped date is not
    refused, and with `--dates` the stored line is never taken for a misreading."""
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "a.csv", first), app="distrib")
    report = await ingest_file(
        engine, kind=kind, path=_file(tmp_path, "b.csv", second), app="distrib"
    )
    assert not any("re-dated" in note for note in report.notes), report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert _invoiced(await rows_of(engine, table), kind, "Kaveri Traders") == expected


async def test_a_file_without_types_that_would_merge_two_vouchers_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Sales 7 and Export Sales 7 are stored; a register without voucher types dating number 7
    otherwise cannot say which it is: refused in one line, nothing written."""
    for name, text in (("april.csv", APRIL), ("may.csv", MAY)):
        await ingest_file(engine, kind=SALES, path=_file(tmp_path, name, text), app="distrib")
    before = await rows_of(engine, "sale_line")
    register = _file(
        tmp_path, "register.csv", "Customer,Date,Invoice,Amount\nKaveri Traders,2025-04-04,7,10\n"
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=register, app="distrib")
    assert str(caught.value).endswith(
        "invoice 7 of Kaveri Traders is stored as 2 vouchers of different types (export sales "
        "2025-05-06 and sales 2025-04-03), and this file dates it 2025-04-04 without saying its "
        "voucher type, so nothing was loaded (load an export with its voucher type column, or "
        "name it with --column voucher_type=COLUMN)"
    )
    assert "\n" not in str(caught.value)
    assert await rows_of(engine, "sale_line") == before

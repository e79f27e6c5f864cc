"""Sales exports as Tally writes them (fixtures in `tally/`, shaped as a trial user's files
were): a side column (`Dr/Cr`) beside the amount, a header on two rows (`Value` over `Debit |
Credit`), and the detailed register's item lines under each voucher."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import SALES_TABLES, d, rows_of, tables_of, write_delimited

D = Decimal
SALES = IngestKind.SALES
FIXTURES = Path(__file__).parent / "tally"


async def _amounts(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(customer, date, invoice, line, amount) of every stored sale line."""
    return [row[:5] for row in await rows_of(engine, "sale_line")]


async def test_a_dr_cr_column_signs_the_amounts(engine: AsyncEngine) -> None:
    report = await ingest_file(engine, kind=SALES, path=FIXTURES / "sales_drcr.xlsx", app="sharma")
    assert report.columns["side"] == "Dr/Cr"
    # Most lines are credits: a sales register; the debit (a credit note) is a return.
    assert "Lines on the Dr side counted as returns (negative)" in report.notes
    assert await _amounts(engine) == [
        ("Patel Hardware", d("2025-10-02"), "S/402", 1, D("2500")),
        ("Patel Hardware", d("2025-10-03"), "CN/402", 1, D("-500.00")),
        ("Ramesh Kumar & Sons", d("2025-10-01"), "S/401", 1, D("123456.78")),
    ]


@pytest.mark.parametrize("name", ["", "Type"])
async def test_a_column_of_sides_after_the_amount_is_recognised_by_its_values(
    engine: AsyncEngine, tmp_path: Path, name: str
) -> None:
    path = write_delimited(
        tmp_path,
        "daybook.csv",
        ",",
        ["Date", "Party", "Amount", name, "Narration"],
        [
            ["05-Jan-24", "C1", "1000.00", "dr", "first"],
            ["06-Jan-24", "C1", "500.00", "Debit", "second"],
            ["07-Jan-24", "C1", "100.00", "D", ""],
            ["09-Jan-24", "C1", "200.00", "CR.", "returned"],
        ],
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    where = "the voucher type column" if name else "the column after the amount"
    assert f"Sides (Dr/Cr) read from {where}" in report.notes
    assert [row[4] for row in await _amounts(engine)] == [
        D("1000.00"),
        D("500.00"),
        D("100.00"),
        D("-200.00"),
    ]


async def test_a_column_after_the_amount_that_is_not_sides_changes_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "sales.csv",
        ",",
        ["Date", "Party", "Amount", "Note"],
        [["05-Jan-24", "C1", "1000.00", "Cr"], ["06-Jan-24", "C1", "500.00", "cash"]],
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert not any("Sides" in note for note in report.notes)
    assert [row[4] for row in await _amounts(engine)] == [D("1000.00"), D("500.00")]


async def test_column_side_names_the_side_column_by_position(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "sales.csv",
        ",",
        ["Mark", "Date", "Party", "Amount"],
        [
            ["Dr", "05-Jan-24", "C1", "1000"],
            ["Dr", "06-Jan-24", "C1", "700"],
            ["Cr", "07-Jan-24", "C1", "300"],
        ],
    )
    report = await ingest_file(engine, kind=SALES, path=path, columns={"side": "1"})
    assert report.columns["side"] == "Mark"
    assert [row[4] for row in await _amounts(engine)] == [D("1000"), D("700"), D("-300")]


async def test_a_bad_side_is_a_bad_row_and_nothing_is_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "sales.csv",
        ",",
        ["Date", "Party", "Amount", "Dr/Cr"],
        [
            ["05-Jan-24", "C1", "1000", "Dr"],
            ["06-Jan-24", "C1", "700", "Xx"],
            ["07-Jan-24", "C1", "300 Cr", "Dr"],
        ],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: side 'Xx' is neither Dr nor Cr (write Dr, Cr, Debit, Credit, D or C)",
        "line 4: the amount says Cr but the side column says Dr",
    ]
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}


async def test_a_header_on_two_rows_is_read_as_one(engine: AsyncEngine) -> None:
    path = FIXTURES / "sales_register_bom.csv"
    report = await ingest_file(engine, kind=SALES, path=path, app="sharma")
    assert report.file_format == "CSV, comma-separated, header on lines 5 and 6"
    assert (report.columns["debit"], report.columns["credit"]) == ("Debit", "Credit")
    lines = await _amounts(engine)
    assert len(lines) == 7
    assert ("Gupta Enterprises", d("2025-05-20"), "CN/001", 1, D("-5000.00")) in lines
    # The credits' total of the register's last line, less the credit note.
    amounts: list[Decimal] = [row[4] for row in lines]  # type: ignore[misc]
    assert sum(amounts) == D("1359701.28") - D("5000.00")


async def test_a_workbook_header_on_two_rows_is_read_as_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [
        ["Sharma Traders Pvt. Ltd."],
        ["Sales Register"],
        [],
        ["Date", "Particulars", "Vch No.", "Value", None],
        [None, None, None, "Debit", "Credit"],
        [dt.datetime(2025, 4, 1), "Ramesh Kumar & Sons", "S/001", None, 1000.5],
        [dt.datetime(2025, 4, 2), "Ramesh Kumar & Sons", "S/002", None, 2000],
        [dt.datetime(2025, 4, 3), "Ramesh Kumar & Sons", "CN/1", 300, None],
    ]:
        sheet.append(row)
    path = tmp_path / "register.xlsx"
    book.save(path)
    report = await ingest_file(engine, kind=SALES, path=path)
    assert (report.columns["debit"], report.columns["credit"]) == ("Debit", "Credit")
    assert [row[4] for row in await _amounts(engine)] == [D("1000.5"), D("2000"), D("-300")]


async def test_a_detailed_register_reads_items_under_their_voucher(engine: AsyncEngine) -> None:
    report = await ingest_file(
        engine, kind=SALES, path=FIXTURES / "sales_detailed.csv", app="sharma"
    )
    assert (
        "Read 3 item lines under 2 vouchers (a detailed register): they replace their "
        "voucher's total line"
    ) in report.notes
    lines = await rows_of(engine, "sale_line")
    # The vouchers' totals (1,500.00 and 2,000.00) are not counted beside their items.
    assert [row[:6] for row in lines] == [
        ("Patel Hardware", d("2025-07-02"), "S/202", 1, D("2000.00"), D("20")),
        ("Ramesh Kumar & Sons", d("2025-07-01"), "S/201", 1, D("1000.00"), D("10")),
        ("Ramesh Kumar & Sons", d("2025-07-01"), "S/201", 2, D("500.00"), D("5")),
    ]
    again = await ingest_file(
        engine, kind=SALES, path=FIXTURES / "sales_detailed.csv", app="sharma"
    )
    assert again.changes is not None
    assert again.changes.unchanged == 3


async def test_items_that_do_not_add_up_to_their_voucher_are_refused_in_one_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    text = (FIXTURES / "sales_detailed.csv").read_text().replace('"1,000.00"', '"1,100.00"')
    path = tmp_path / "detailed.csv"
    path.write_text(text)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 5: voucher 'S/201' totals 1500.00 but the lines 6 to 7 under it, read as its "
        "items (they have no date), add up to 1600.00: a line without a date is an item of "
        "the voucher above it"
    ]
    assert await tables_of(engine, SALES_TABLES) == {name: [] for name in SALES_TABLES}


async def test_a_refused_load_says_which_columns_it_took(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path, "s.csv", ",", ["Date", "Party", "Value"], [["05-Jan-24", "C1", "Debit"]]
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert caught.value.columns_line == (
        "Columns taken: date <- 'Date', customer <- 'Party', amount <- 'Value' "
        "(--column ROLE=COLUMN to change one)"
    )


async def test_a_day_book_loaded_as_sales_skips_its_receipts(engine: AsyncEngine) -> None:
    report = await ingest_file(engine, kind=SALES, path=FIXTURES / "daybook.xlsx", app="sharma")
    assert report.columns["voucher_type"] == "Vch Type"
    assert "Skipped lines whose voucher type is not a sale: 3 Receipt" in report.notes
    lines = await _amounts(engine)
    assert [row[2] for row in lines if row[4] < 0] == ["CN/001"]  # type: ignore[operator]
    assert len(lines) == 7


async def test_a_credit_note_is_a_return_without_a_side(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Vch No.", "Amount", "Cost"],
        [
            ["1-Apr-2025", "C1", "Sales", "S/1", "1000.00", "600"],
            ["2-Apr-2025", "C1", "Credit Note", "CN/1", "250.00", "150"],
            ["3-Apr-2025", "C1", "Receipt", "R/1", "1000.00", ""],
        ],
    )
    await ingest_file(engine, kind=SALES, path=path)
    lines = await rows_of(engine, "sale_line")
    assert [(row[2], row[4], row[6], row[7]) for row in lines] == [
        ("S/1", D("1000.00"), D("600"), D("400.00")),
        ("CN/1", D("-250.00"), D("-150"), D("-100.00")),
    ]


async def test_the_items_of_a_credit_note_are_returns_too(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "detailed.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Vch No.", "Quantity", "Value"],
        [
            ["1-Jul-2025", "C1", "Sales", "S/1", "", "1500.00"],
            ["", "Widget A", "", "", "10 Nos", "1000.00"],
            ["", "Widget B", "", "", "5 Nos", "500.00"],
            ["9-Jul-2025", "C1", "Credit Note", "CN/1", "", "100.00"],
            ["", "Widget B", "", "", "1 Nos", "100.00"],
        ],
    )
    await ingest_file(engine, kind=SALES, path=path)
    assert [(row[2], row[4]) for row in await _amounts(engine)] == [
        ("S/1", D("1000.00")),
        ("S/1", D("500.00")),
        ("CN/1", D("-100.00")),
    ]


async def test_a_flat_line_without_its_date_is_not_an_item(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "sales.csv",
        ",",
        ["Date", "Party", "Amount"],
        [["05-Jan-24", "C1", "1000.00"], ["", "C1", "1000.00"]],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert [str(problem) for problem in caught.value.problems] == ["line 3: missing date"]


async def test_an_aligned_header_on_two_rows_is_read_as_one(engine: AsyncEngine) -> None:
    path = FIXTURES / "sales_register_aligned.txt"
    report = await ingest_file(engine, kind=SALES, path=path)
    assert report.file_format == "whitespace-aligned text, header on lines 4 and 5"
    assert (report.columns["debit"], report.columns["credit"]) == ("Debit", "Credit")
    assert [(row[2], row[4]) for row in await _amounts(engine)] == [
        ("S/002", D("45000.00")),
        ("CN/001", D("-5000.00")),
        ("S/001", D("123456.78")),
    ]


async def test_a_row_of_units_under_the_header_is_part_of_it(engine: AsyncEngine) -> None:
    # Tally's Sales Register as CSV: `Amount | Amount` under `Debit | Credit`.
    path = FIXTURES / "sales_register_units.csv"
    report = await ingest_file(engine, kind=SALES, path=path)
    assert report.file_format == "CSV, comma-separated, header on lines 6 and 7"
    assert (report.columns["debit"], report.columns["credit"]) == ("Debit", "Credit")
    lines = await _amounts(engine)
    assert len(lines) == 7
    assert ("Patel Hardware Stores", d("2024-05-30"), "CN/001", 1, D("-8500.00")) in lines
    amounts: list[Decimal] = [row[4] for row in lines]  # type: ignore[misc]
    assert sum(amounts) == D("1726817.50") - D("8500.00")


async def test_column_finds_a_header_no_export_names_and_its_units_row(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Register\n\nDay,Whom,Num,Out,In\n,,,Amount,Amount\n"
        '2-Apr-2024,Acme,S/1,,"1,000.00"\n3-Apr-2024,Acme,S/2,,"300.00"\n'
        '4-Apr-2024,Acme,S/3,"200.00",\n',
        encoding="utf-8",
    )
    with pytest.raises(FileRejected, match="found no column for the customer"):
        await ingest_file(engine, kind=SALES, path=path)
    columns = {"customer": "Whom", "debit": "Out", "credit": "In"}
    report = await ingest_file(engine, kind=SALES, path=path, columns=columns)
    assert report.file_format == "CSV, comma-separated, header on lines 3 and 4"
    assert [row[4] for row in await _amounts(engine)] == [D("1000.00"), D("300.00"), D("-200.00")]


@pytest.mark.parametrize(
    "labels",
    [
        ["", "", "", "Amount", "Amount"],  # a units row the header was not read with
        ["Date", "Particulars", "Vch No.", "Debit", "Credit"],  # the header at a page break
    ],
)
async def test_a_row_of_column_names_among_the_lines_is_skipped(
    engine: AsyncEngine, tmp_path: Path, labels: list[str]
) -> None:
    header = ["Date", "Particulars", "Vch No.", "Debit", "Credit"]
    rows = [
        ["1-Apr-2025", "Acme", "S/1", "", "100.00"],
        labels,
        ["2-Apr-2025", "Acme", "S/2", "", "50.00"],
    ]
    path = write_delimited(tmp_path, "paged.csv", ",", header, rows)
    report = await ingest_file(engine, kind=SALES, path=path)
    assert "Skipped 1 line of column names (`Amount` under `Debit`)" in report.notes
    assert [row[4] for row in await _amounts(engine)] == [D("100.00"), D("50.00")]


async def test_a_row_with_something_else_than_column_names_is_still_a_bad_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    header = ["Date", "Particulars", "Vch No.", "Debit", "Credit"]
    rows = [["1-Apr-2025", "Acme", "S/1", "", "100.00"], ["", "", "", "Amount", "n/a"]]
    path = write_delimited(tmp_path, "bad.csv", ",", header, rows)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    [problem] = [str(problem) for problem in caught.value.problems]
    assert problem.startswith("line 3: ")
    assert "credit 'n/a' is not an amount" in problem


async def test_tallys_minus_sign_is_a_negative_amount(engine: AsyncEngine) -> None:
    """A Sales Register line of `(-)5,000.00` (Tally's minus) is a return of 5,000."""
    await ingest_file(engine, kind=SALES, path=FIXTURES / "tally_neg.csv", app="sharma")
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Gupta Traders", d("2024-04-01"), "ST/001", 1, Decimal("12345678.00")),
        ("Mehta & Sons", d("2024-04-02"), "ST/002", 1, Decimal("45000.00")),
        ("Mehta & Sons", d("2024-04-03"), "ST/003", 1, Decimal("-5000.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, IngestKind.LEDGER])
async def test_a_cancelled_voucher_of_a_day_book_is_skipped_and_counted(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    """Tally keeps a cancelled voucher's number in the Day Book, with `(cancelled)` for its
    party and no amount: it is no entry, not a line that lacks its amount."""
    report = await ingest_file(engine, kind=kind, path=FIXTURES / "tally_cancelled.csv")
    assert "Skipped 1 cancelled voucher (`(cancelled)` for the party)" in report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert sorted(row[0] for row in await rows_of(engine, table)) == [
        "Gupta Traders",
        "Mehta & Sons",
    ]


@pytest.mark.parametrize("kind", [SALES, IngestKind.LEDGER])
async def test_a_day_books_column_totals_without_a_rule_are_skipped(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """A Day Book whose last line sums its Debit and Credit columns, with no rule line above
    and no label: no date, party or voucher, both a debit and a credit (which no entry has).
    It is a total, skipped and counted, not a bad line refusing the file."""
    path = tmp_path / "Day Book.csv"
    path.write_text(
        "Kaveri Distributors Pvt Ltd\nDay Book\n1-Apr-25 to 30-Jun-25\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '1-Apr-25,Sharma Electricals,Sales,KD/25-26/001,"1,18,000.00",\n'
        '10-Apr-25,Sharma Electricals,Receipt,1,,"50,000.00"\n'
        '2-May-25,Patel Traders,Sales,KD/25-26/004,"2,36,000.00",\n'
        ',,,,"3,54,000.00","50,000.00"\n',
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=kind, path=path, app="kaveri")
    assert "Skipped 1 total or balance line" in report.notes
    table = "sale_line" if kind is SALES else "ledger_entry"
    assert len(await rows_of(engine, table)) == (2 if kind is SALES else 3)

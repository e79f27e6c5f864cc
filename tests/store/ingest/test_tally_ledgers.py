"""Ledger exports as Tally writes them (fixtures in `tally/`, shaped as a trial user's files
were): an amount with its side in a column of its own (`Amount;Dr/Cr`), the voucher types a
sales file knows (`GST Sales`, `Credit Note`), and the ledger of one customer, whose party is
in the title and whose `Particulars` are the other account of each entry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import DatesOption, FileRejected, IngestKind, IngestRejected, ingest_file
from tests.store.sales_support import d, rows_of, write_delimited

D = Decimal
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"


async def test_an_amount_and_a_dr_cr_column_give_the_kind(engine: AsyncEngine) -> None:
    report = await ingest_file(
        engine, kind=LEDGER, path=FIXTURES / "ledger_receivables.csv", app="acme"
    )
    assert report.columns["amount"] == "Amount"
    assert report.columns["side"] == "Dr/Cr"
    assert "debit" not in report.columns
    assert "Text read as Windows-1252 (the file is not UTF-8)" in report.notes
    assert "Skipped lines whose voucher type posts nothing to a ledger: 1 Sales Order" in (
        report.notes
    )
    assert [row[:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("Café Mocha Traders", d("2024-05-12"), "invoice", "SG/24-25/003", 1, D("12500.00")),
        ("Café Mocha Traders", d("2024-05-20"), "payment", "CN/004", 1, D("2500.00")),
        # A journal goes by its side.
        ("Café Mocha Traders", d("2024-05-31"), "invoice", "JV/007", 1, D("300.00")),
        ("Sharma Electricals", d("2024-04-01"), "invoice", "SG/24-25/001", 1, D("100000.00")),
        ("Sharma Electricals", d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("50000.00")),
        ("Sharma Electricals", d("2024-05-10"), "payment", "RC/090", 1, D("50000.00")),
    ]


@pytest.mark.parametrize(
    ("name", "override"), [("Side", None), ("Flag", "Flag"), ("", "5"), ("", None)]
)
async def test_a_side_column_by_name_by_column_side_or_after_the_amount(
    engine: AsyncEngine, tmp_path: Path, name: str, override: str | None
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Party", "Ref No", "Amount", name, "Narration"],
        [
            ["05/01/2024", "C1", "INV-1", "1000.00", "Dr", "goods"],
            ["01/02/2024", "C1", "INV-1", "1000.00", "Cr", "cheque"],
        ],
    )
    columns = {} if override is None else {"side": override}
    # Its dates read both ways (05/01, 01/02) and nothing else says which.
    report = await ingest_file(
        engine, kind=LEDGER, path=path, columns=columns, dates=DatesOption.DAY_FIRST
    )
    assert [row[2] for row in await rows_of(engine, "ledger_entry")] == ["invoice", "payment"]
    if name:
        assert report.columns["side"] == name
    elif override is None:
        assert "Sides (Dr/Cr) read from the column after the amount" in report.notes


async def test_a_side_column_and_a_kind_that_disagree_are_a_bad_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ";",
        ["Date", "Particulars", "Vch Type", "Amount", "Dr/Cr"],
        [["05/01/2024", "C1", "Receipt", "10.00", "Dr"], ["06/01/2024", "C1", "Sales", "5", "X"]],
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "line 2: kind 'Receipt' says payment but the amount is a Dr (invoice)",
        "line 3: side 'X' is neither Dr nor Cr (write Dr, Cr, Debit, Credit, D or C)",
    ]
    assert await rows_of(engine, "ledger_entry") == []


async def test_the_ledger_of_one_customer_takes_its_party_from_the_title(
    engine: AsyncEngine,
) -> None:
    # `Particulars` names the other account of each entry: the sales ledger, a duty, the bank.
    report = await ingest_file(
        engine, kind=LEDGER, path=FIXTURES / "ledger_one_party.csv", app="acme"
    )
    assert report.created["accounts"] == ["Sharma Electricals"]
    assert (
        "The ledger of one customer: 'Sharma Electricals' (from the title); its Particulars "
        "name the other account of each entry"
    ) in report.notes
    # The opening balance is an entry of its own, on the period's first day.
    assert [row[:6] for row in await rows_of(engine, "ledger_entry")] == [
        ("Sharma Electricals", d("2024-04-01"), "opening due", "", 1, D("25000.00")),
        ("Sharma Electricals", d("2024-04-02"), "invoice", "JV/003", 1, D("900.00")),
        ("Sharma Electricals", d("2024-04-02"), "invoice", "SG/001", 1, D("118000.00")),
        ("Sharma Electricals", d("2024-05-10"), "payment", "RC/090", 1, D("50000.00")),
        ("Sharma Electricals", d("2024-05-18"), "payment", "RC/095", 1, D("5000.00")),
    ]
    assert [row[0] for row in await rows_of(engine, "account")] == ["Sharma Electricals"]


@pytest.mark.parametrize(
    "title",
    [
        # Tally ERP 9 prints the party's name over `Ledger Account`.
        [["Shree Ganesh Distributors"], ["Sharma Electricals"], ["Ledger Account"]],
        # The label and the name in two cells.
        [["Shree Ganesh Distributors"], ["Party:", "Sharma Electricals"]],
    ],
)
async def test_a_workbooks_title_names_the_party(
    engine: AsyncEngine, tmp_path: Path, title: list[list[str]]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in [*title, ["1-Apr-2024 to 31-Mar-2025"], []]:
        sheet.append(line)
    sheet.append(["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"])
    sheet.append(["2024-04-02", "Sales Account", "Sales", "SG/001", 1000, None])
    sheet.append(["2024-05-10", "State Bank of India", "Receipt", "RC/090", None, 400])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    await ingest_file(engine, kind=LEDGER, path=path)
    assert {row[0] for row in await rows_of(engine, "ledger_entry")} == {"Sharma Electricals"}


async def test_contra_ledgers_are_never_customers_and_party_names_the_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    untitled = tmp_path / "Ledger Sharma.csv"
    text = (FIXTURES / "ledger_one_party.csv").read_text(encoding="utf-8")
    untitled.write_text(text.replace("Ledger: Sharma Electricals", "Ledger Vouchers"))
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=untitled)
    assert str(caught.value) == (
        f"{untitled}: line 8: 'Sales Account' is a sales, bank, cash or tax ledger, not a "
        "customer (4 lines name such ledgers: Sales Account, Output CGST @9%, HDFC Bank, "
        "Cash); in the ledger of one customer, Particulars names the other account of each "
        "entry: name that customer with --party NAME (or, if the column does name customers, "
        "--column customer=COLUMN)"
    )
    assert await rows_of(engine, "account") == []

    report = await ingest_file(engine, kind=LEDGER, path=untitled, party="Sharma Electricals")
    assert report.created["accounts"] == ["Sharma Electricals"]
    assert any("(from --party)" in note for note in report.notes)
    assert len(await rows_of(engine, "ledger_entry")) == 5


async def test_a_ledger_without_a_party_anywhere_is_refused_in_one_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "ledger.csv",
        ",",
        ["Date", "Vch Type", "Vch No.", "Debit", "Credit"],
        [["02/04/2024", "Sales", "SG/001", "1000.00", ""]],
    )
    with pytest.raises(FileRejected, match=r"no line names its customer, and no title names"):
        await ingest_file(engine, kind=LEDGER, path=path)
    await ingest_file(engine, kind=LEDGER, path=path, party="C1")
    assert [row[0] for row in await rows_of(engine, "ledger_entry")] == ["C1"]


async def test_a_party_column_named_by_column_is_taken_as_it_is(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # A bank may be a customer: naming the column says so.
    path = write_delimited(
        tmp_path,
        "debtors.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Amount"],
        [["02/04/2024", "HDFC Bank", "Sales", "1000.00"]],
    )
    with pytest.raises(FileRejected, match="'HDFC Bank' is a sales, bank, cash or tax ledger"):
        await ingest_file(engine, kind=LEDGER, path=path)
    await ingest_file(engine, kind=LEDGER, path=path, columns={"customer": "Particulars"})
    assert [row[0] for row in await rows_of(engine, "ledger_entry")] == ["HDFC Bank"]


async def test_party_is_for_ledgers_and_not_beside_column_customer(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = FIXTURES / "ledger_one_party.csv"
    with pytest.raises(FileRejected, match="--party names the one customer of a ledger"):
        await ingest_file(engine, kind=IngestKind.SALES, path=path, party="X")
    with pytest.raises(FileRejected, match="--party and --column customer both name"):
        await ingest_file(
            engine, kind=LEDGER, path=path, party="X", columns={"customer": "Particulars"}
        )


async def test_an_aligned_ledger_of_one_customer_and_one_of_a_group(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    def ledger(title: str, name: str) -> Path:
        path = tmp_path / name
        path.write_text(
            "\n".join(
                [
                    "Shree Ganesh Distributors",
                    title,
                    "",
                    "Date        Particulars      Vch Type  Vch No.      Debit     Credit",
                    "02-04-2024  Sales Account    Sales     SG/001    1,000.00",
                    "10-05-2024  Cash             Receipt   RC/090                400.00",
                ]
            )
            + "\n"
        )
        return path

    await ingest_file(engine, kind=LEDGER, path=ledger("Ledger: Sharma Electricals", "one.txt"))
    assert {row[0] for row in await rows_of(engine, "ledger_entry")} == {"Sharma Electricals"}
    # A group's report names no party: its Particulars must be customers, and these are not.
    with pytest.raises(FileRejected, match="'Sales Account' is a sales, bank, cash or tax"):
        await ingest_file(engine, kind=LEDGER, path=ledger("Ledger: Sundry Debtors", "group.txt"))


_SUB_GROUP = (
    "Shree Ganesh Distributors Pvt. Ltd.\n"
    "Ledger: Debtors - Mumbai Region\n"
    "1-Apr-2024 to 31-Mar-2025\n\n"
    "Date;Particulars;Vch Type;Vch No.;Amount;Dr/Cr\n"
    "1-Apr-2024;Sharma Electricals;GST Sales;SG/001;1,00,000.00;Dr\n"
    "12-May-2024;Patel Hardware;Sales;SG/003;12,500.00;Dr\n"
    "20-May-2024;Gupta Enterprises;Sales;SG/004;2,500.00;Dr\n"
    "25-May-2024;Sharma Electricals;Receipt;RC/001;50,000.00;Cr\n"
)


async def test_a_title_naming_a_sub_group_of_debtors_is_not_taken_for_one_customer(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Ledger: Debtors - Mumbai Region` (a user's sub-group of Sundry Debtors) reads like a
    party's title, but Particulars names several customers: refused in one line, nothing
    written; `--column customer=Particulars` loads each line as its customer's, `--party`
    loads the file as one customer's ledger when it is one."""
    path = tmp_path / "mumbai.csv"
    path.write_text(_SUB_GROUP, encoding="utf-8")
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=LEDGER, path=path)
    assert str(refused.value) == f"{path}: " + (
        "the title names one customer, 'Debtors - Mumbai Region', but the "
        "Particulars column names several parties rather than sales, bank or cash ledgers (3 "
        "parties: Sharma Electricals, Patel Hardware, Gupta Enterprises): if that column names "
        "each line's customer, load the file with --column customer=Particulars; if the file "
        "is the ledger of one customer, name the customer with --party NAME"
    )
    assert await rows_of(engine, "ledger_entry") == []
    assert await rows_of(engine, "account") == []

    await ingest_file(engine, kind=LEDGER, path=path, columns={"customer": "Particulars"})
    assert sorted({row[0] for row in await rows_of(engine, "ledger_entry")}) == [
        "Gupta Enterprises",
        "Patel Hardware",
        "Sharma Electricals",
    ]
    report = await ingest_file(
        engine, kind=LEDGER, path=path, party="Mumbai Debtors", app="x", new_app=True
    )
    assert "The ledger of one customer: 'Mumbai Debtors' (from --party); its Particulars name " in (
        " ".join(report.notes)
    )


async def test_one_customers_ledger_naming_another_party_once_still_loads(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A real ledger of one customer: its Particulars are sales, bank and cash ledgers, with
    another party or two now and then (a journal between customers): the title's party."""
    text = (
        "Ledger: Sharma Electricals\n"
        "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
        '2-Apr-2024,Sales Account,GST Sales,SG/001,"1,18,000.00",\n'
        "3-Apr-2024,Local Sales @ 18%,Sales,SG/002,500.00,\n"
        '10-May-2024,HDFC Bank,Receipt,RC/090,,"50,000.00"\n'
        '18-May-2024,Cash,Receipt,RC/095,,"5,000.00"\n'
        '20-May-2024,Patel Hardware,Journal,JV/001,,"1,000.00"\n'
        "21-May-2024,Bad Debts Written Off,Journal,JV/002,,100.00\n"
    )
    path = tmp_path / "sharma.csv"
    path.write_text(text, encoding="utf-8")
    report = await ingest_file(engine, kind=LEDGER, path=path)
    assert (
        "The ledger of one customer: 'Sharma Electricals' (from the title); its Particulars "
        "name the other account of each entry"
    ) in report.notes
    assert {row[0] for row in await rows_of(engine, "ledger_entry")} == {"Sharma Electricals"}
    assert len(await rows_of(engine, "ledger_entry")) == 6

"""One rule for the party of each line of a sales or a ledger export
(`store.ingest.kinds.export_party`), on Tally's exports (fixtures in `tally/`): a contra
ledger (`Sales Account`, `Cash`, a bank, a duty) is never a customer. A customer's ledger
loaded as sales is refused with what to do instead; a Day Book, a party per line, loads its
customers' lines and skips and counts those naming contra ledgers, as sales and as a ledger."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.sales_support import d, rows_of, write_delimited

D = Decimal
SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"


def _without_column_totals(folder: Path) -> Path:
    """Tally Prime's ledger of one customer, closing with its balance line only (a trial
    user's export): loaded as sales, nothing else stops it."""
    lines = (FIXTURES / "ledger_one_party.csv").read_text(encoding="utf-8").splitlines()
    path = folder / "Ledger Sharma.csv"
    path.write_text("\n".join(line for line in lines if not line.startswith(",,,,")) + "\n")
    return path


@pytest.mark.parametrize(
    ("name", "party", "first"),
    [
        (None, "Sharma Electricals", "line 8: 'Sales Account'"),
        # Tally ERP 9 prints the party's name over `Ledger Account`.
        ("ledger_erp9.csv", "Gupta Traders", "line 8: 'Local Sales @ 18%'"),
    ],
)
async def test_a_customers_ledger_loaded_as_sales_is_refused_with_what_to_do(
    engine: AsyncEngine, tmp_path: Path, name: str | None, party: str, first: str
) -> None:
    path = _without_column_totals(tmp_path) if name is None else FIXTURES / name
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {first} is a sales, bank, cash or tax ledger")
    assert message.endswith(
        f"the title says this is the ledger of {party!r}, whose Particulars name the other "
        f"account of each entry, not customers: load it as a ledger, with `profiling ingest "
        f"ledger`"
    )
    assert await rows_of(engine, "account") == []
    # As it says: loaded as a ledger, the file is the party's.
    await ingest_file(engine, kind=LEDGER, path=path)
    assert [row[0] for row in await rows_of(engine, "account")] == [party]


@pytest.mark.parametrize(
    ("name", "register"),
    [
        ("sales_register_bom.csv", "Sales Register"),
        ("sales_detailed.csv", "Sales Register (Detailed)"),
    ],
)
async def test_a_register_of_sales_loaded_as_a_ledger_is_refused_with_what_to_do(
    engine: AsyncEngine, name: str, register: str
) -> None:
    """The reverse mistake: a register holds no receipts, so as a ledger every sale would be
    an invoice never paid, and every customer's credit risk a debt overdue."""
    path = FIXTURES / name
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path, app="acme")
    assert str(caught.value) == (
        f"{path}: the title says this is a {register!r}: sales vouchers only, without the "
        "customers' payments, so loaded as a ledger every sale would stay unpaid: load it as "
        "sales, with `profiling ingest sales`; a ledger is a customer's ledger, a Day Book or "
        "a receivables ledger, with the receipts"
    )
    assert await rows_of(engine, "account") == []
    assert await rows_of(engine, "ledger_entry") == []
    # As it says: loaded as sales, the file loads.
    await ingest_file(engine, kind=SALES, path=path, app="acme")
    assert await rows_of(engine, "sale_line") != []


async def test_an_untitled_ledger_loaded_as_sales_names_the_ledger_and_party_options(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = write_delimited(
        tmp_path,
        "sharma.csv",
        ",",
        ["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"],
        [
            ["2-Apr-2024", "Sales Account", "GST Sales", "SG/001", "118000.00", ""],
            ["30-Apr-2024", "Cash", "Sales", "SG/002", "500.00", ""],
        ],
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert str(caught.value) == (
        f"{path}: line 2: 'Sales Account' is a sales, bank, cash or tax ledger, not a customer "
        "(2 lines name such ledgers: Sales Account, Cash); in the ledger of one customer, "
        "Particulars names the other account of each entry: load such a file as a ledger, "
        "with `profiling ingest ledger --party NAME` (or, if the column does name customers, "
        "--column customer=COLUMN)"
    )
    assert await rows_of(engine, "account") == []
    # Named with --column, the column is taken as it is: a customer may be called `Cash`.
    await ingest_file(engine, kind=SALES, path=path, columns={"customer": "Particulars"})
    assert [row[0] for row in await rows_of(engine, "account")] == ["Cash", "Sales Account"]


async def test_a_sales_register_of_one_customer_titled_with_its_name_loads(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Its party column names the customer, not contra ledgers: nothing to refuse.
    path = tmp_path / "register.csv"
    path.write_text(
        "Shree Ganesh Distributors Pvt. Ltd.\nParty: Sharma Electricals\n\n"
        "Date,Particulars,Vch Type,Vch No.,Value\n"
        '2-Apr-2024,Sharma Electricals,Sales,SG/001,"1,18,000.00"\n',
        encoding="utf-8",
    )
    await ingest_file(engine, kind=SALES, path=path)
    assert [row[0] for row in await rows_of(engine, "sale_line")] == ["Sharma Electricals"]


@pytest.mark.parametrize(
    ("kind", "table", "skipped", "entries"),
    [
        # Receipts are skipped by their type already; the cash sale names no customer.
        (
            SALES,
            "sale_line",
            "1 line whose party is a sales, bank, cash or tax ledger, not a customer (ledgers: "
            "Cash)",
            [
                ("Gupta Traders", d("2025-04-03"), "S/002", 1, D("45000.00")),
                ("Gupta Traders", d("2025-04-15"), "CN/001", 1, D("-5000.00")),
                ("Sharma Electricals", d("2025-04-01"), "S/001", 1, D("118000.00")),
            ],
        ),
        (
            LEDGER,
            "ledger_entry",
            "4 lines whose party is a sales, bank, cash or tax ledger, not a customer (ledgers: "
            "Cash, HDFC Bank)",
            [
                ("Gupta Traders", d("2025-04-03"), "invoice", "S/002", 1),
                ("Gupta Traders", d("2025-04-15"), "payment", "CN/001", 1),
                ("Sharma Electricals", d("2025-04-01"), "invoice", "S/001", 1),
                ("Sharma Electricals", d("2025-04-20"), "payment", "R/003", 1),
            ],
        ),
    ],
)
async def test_a_day_book_loads_its_customers_lines_and_skips_the_others(
    engine: AsyncEngine,
    kind: IngestKind,
    table: str,
    skipped: str,
    entries: list[tuple[object, ...]],
) -> None:
    report = await ingest_file(engine, kind=kind, path=FIXTURES / "daybook_cash.csv")
    assert f"A Day Book (its title says so): skipped {skipped}" in report.notes
    width = len(entries[0])
    assert [row[:width] for row in await rows_of(engine, table)] == entries
    assert [row[0] for row in await rows_of(engine, "account")] == [
        "Gupta Traders",
        "Sharma Electricals",
    ]


async def test_a_day_book_of_contra_ledgers_only_loads_nothing_and_says_so(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "cash.csv"
    path.write_text(
        "Day Book\n1-Apr-2025 to 30-Apr-2025\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '14-Apr-2025,Cash,Sales,S/003,"2,500.00",\n',
        encoding="utf-8",
    )
    for kind in (SALES, LEDGER):
        report = await ingest_file(engine, kind=kind, path=path)
        assert report.rows_written == 0
        assert any(
            note.startswith("A Day Book (its title says so): skipped 1 line")
            for note in (report.notes)
        )
    assert await rows_of(engine, "account") == []


async def test_a_sales_register_skips_its_cash_sales_and_loads_its_customers(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's Sales Register lists a cash sale under `Cash`: a sale without a customer, not
    the sign of a customer's ledger (which a ledger load of a register refuses anyway)."""
    path = tmp_path / "Sales Register.csv"
    path.write_text(
        "Kaveri Distributors Pvt Ltd\nSales Register\n1-Apr-2025 to 30-Jun-2025\n\n"
        "Date,Particulars,Voucher Type,Voucher No.,Value,Gross Total\n"
        '1-Apr-25,Sharma Electricals,Sales,KD/25-26/001,"1,04,623.73","1,23,456.00"\n'
        '28-Jun-25,Cash,Sales,KD/25-26/008,"1,694.92","2,000.00"\n'
        '29-Jun-25,HDFC Bank,Sales,KD/25-26/009,"847.46","1,000.00"\n'
        ',Grand Total,,,"1,07,166.11","1,26,456.00"\n',
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=SALES, path=path, app="kaveri")
    assert (
        "A Sales Register (its title says so): skipped 2 lines whose party is a sales, bank, "
        "cash or tax ledger, not a customer (ledgers: Cash, HDFC Bank)"
    ) in report.notes
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Sharma Electricals", d("2025-04-01"), "KD/25-26/001", 1, D("104623.73"))
    ]
    assert [row[0] for row in await rows_of(engine, "account")] == ["Sharma Electricals"]


async def test_a_customer_id_column_is_not_read_as_ledger_names(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # `CASH` is an id here (the column's name says so): the account of cash sales.
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Date", "Customer ID", "Invoice No", "Amount"],
        [["2024-04-02", "CASH", "S/1", "100.00"], ["2024-04-03", "C1", "S/2", "50.00"]],
    )
    for kind, amount in ((SALES, "100.00"), (LEDGER, "100.00Dr")):
        text = (
            path.read_text(encoding="utf-8")
            .replace("100.00", amount)
            .replace("50.00", "50.00" if kind is SALES else "50.00Dr")
        )
        path.write_text(text, encoding="utf-8")
        await ingest_file(engine, kind=kind, path=path)
    assert [row[0] for row in await rows_of(engine, "account")] == ["C1", "CASH"]


async def test_an_untitled_tally_prime_ledger_loaded_as_sales_creates_no_side_word_customer(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Tally Prime's ledger of one customer without its title lines (exported with the
    # report's header only): `To` and `By` before the other account say the entry's side.
    # (The receipt is no sale: skipped by its voucher type before its party is asked.)
    path = tmp_path / "Ledger.csv"
    path.write_text(
        "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
        ',Opening Balance,,,"12,000.00",\n'
        '3-Apr-25,To Sales Account,Sales,KD/25-26/002,"45,600.00",\n'
        '28-Apr-25,To Local Sales @ 18%,Sales,KD/25-26/009,"1,180.00",\n'
        '30-May-25,By Cash,Receipt,R/007,,"40,000.00"\n'
        ',Closing Balance,,,,"18,780.00"\n',
        encoding="utf-8",
    )
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=SALES, path=path)
    assert str(caught.value).startswith(
        f"{path}: line 3: 'To Sales Account' is a sales, bank, cash or tax ledger, not a "
        "customer (2 lines name such ledgers: To Sales Account, To Local Sales @ 18%)"
    )
    # Loaded as a ledger without --party, the receipt's `By Cash` is no customer either.
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=LEDGER, path=path)
    assert "(3 lines name such ledgers: To Sales Account, To Local Sales @ 18%, By Cash)" in (
        str(caught.value)
    )
    assert await rows_of(engine, "account") == []
    await ingest_file(engine, kind=LEDGER, path=path, party="Gupta Traders")
    assert [row[0] for row in await rows_of(engine, "account")] == ["Gupta Traders"]


async def test_a_day_book_skips_side_worded_contra_ledgers(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Tally Prime's Day Book of the same vouchers, its Particulars with the side word.
    path = tmp_path / "DayBook.csv"
    path.write_text(
        "Kaveri Distributors Pvt. Ltd.\nDay Book\n1-Apr-25 to 30-Apr-25\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '3-Apr-25,Gupta Traders,Sales,KD/25-26/002,"45,600.00",\n'
        '14-Apr-25,To Sales Account,Sales,KD/25-26/003,"2,500.00",\n'
        '20-Apr-25,By Cash,Sales,KD/25-26/004,"1,000.00",\n',
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=SALES, path=path)
    assert (
        "A Day Book (its title says so): skipped 2 lines whose party is a sales, bank, cash or "
        "tax ledger, not a customer (ledgers: To Sales Account, By Cash)"
    ) in report.notes
    assert [row[0] for row in await rows_of(engine, "account")] == ["Gupta Traders"]


async def test_a_day_book_with_bill_wise_details_loads_as_sales_and_as_a_ledger(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's Day Book with bill-wise details on: a `New Ref` or `Agst Ref` line under a
    voucher, without a date, is a detail of it, neither an item of the sale above nor a line
    missing its date."""
    path = tmp_path / "Day Book.csv"
    path.write_text(
        "Kaveri Distributors Pvt Ltd\nDay Book\n1-Apr-2025 to 30-Apr-2025\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '3-Apr-2025,Gupta Traders,Sales,KD/25-26/002,"29,500.00",\n'
        ',New Ref  KD/25-26/002  Due on 3-May-2025,,,"29,500.00 Dr",\n'
        '20-Apr-2025,Gupta Traders,Receipt,RCP/003,,"29,500.00"\n'
        ',Agst Ref  KD/25-26/002,,,,"29,500.00 Cr"\n',
        encoding="utf-8",
    )
    sales = await ingest_file(engine, kind=SALES, path=path, app="kaveri")
    assert (
        "Skipped 2 bill-wise detail lines (Tally's bill-wise details under a voucher, `New "
        "Ref` or `Agst Ref`: not sales)"
    ) in sales.notes
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Gupta Traders", d("2025-04-03"), "KD/25-26/002", 1, D("29500.00"))
    ]
    await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    assert [row[:4] + row[5:7] for row in await rows_of(engine, "ledger_entry")] == [
        (
            "Gupta Traders",
            d("2025-04-03"),
            "invoice",
            "KD/25-26/002",
            D("29500.00"),
            d("2025-05-03"),
        ),
        ("Gupta Traders", d("2025-04-20"), "payment", "KD/25-26/002", D("29500.00"), None),
    ]


@pytest.mark.parametrize("kind", [LEDGER, SALES])
async def test_an_untitled_day_book_is_refused_saying_to_keep_its_title(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    # Tally's Day Book without its title lines (cut off by hand): customers and contra
    # ledgers a line each. Refused, as a file naming contra ledgers without a title saying
    # they are a Day Book's is; but on main the refusal called it the ledger of one customer
    # and asked only for --party. Kept refused: a header alone does not tell a Day Book from a
    # receivables list that names a bank, and Tally writes the title.
    path = tmp_path / "daybook.csv"
    text = (FIXTURES / "daybook_cash.csv").read_text(encoding="utf-8")
    path.write_text(text.split("\n", 5)[5], encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=kind, path=path)
    message = str(caught.value)
    assert "beside other parties (customers: Gupta Traders, Sharma Electricals)" in message
    assert "a Day Book (each line under its voucher's party) loads with its title line " in message
    assert "`Day Book` kept above the header" in message
    assert await rows_of(engine, "account") == []
    titled = tmp_path / "titled.csv"
    titled.write_text("Day Book\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    await ingest_file(engine, kind=kind, path=titled)
    assert [row[0] for row in await rows_of(engine, "account")] == [
        "Gupta Traders",
        "Sharma Electricals",
    ]

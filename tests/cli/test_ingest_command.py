"""`profiling ingest KIND FILE [--app APP]` through Typer's runner, on a throwaway SQLite file."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.ingest_command import ingest

app = typer.Typer()
app.command("ingest")(ingest)
# A second command keeps Typer from folding the app into its only command.
app.command("noop")(lambda: None)


def problems(result: typer.testing.Result) -> list[str]:
    """What a command said on stderr after naming its database (its first line, checked in
    test_the_database_is_named_first)."""
    lines: list[str] = result.stderr.splitlines()
    assert lines
    assert lines[0].startswith("Database: ")
    return [line for line in lines[1:] if not line.startswith("Created the database")]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "profiling.db"


def run(database: Path, *arguments: str) -> typer.testing.Result:
    return CliRunner().invoke(
        app, ["ingest", *arguments], env={"DATABASE_URL": f"sqlite:///{database}"}
    )


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_a_good_file_is_loaded_and_its_columns_shown(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Account ID;Name;Industry;Notes\nA1;Acme;retail;x\n", encoding="utf-8")

    result = run(database, "accounts", str(path), "--app", "ksa")

    assert result.exit_code == 0, result.output
    assert "account_id <- Account ID" in result.stdout
    assert "industry <- Industry" in result.stdout
    assert "Ignored columns: Notes" in result.stdout
    assert "Created apps: ksa" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        f"{path} (CSV, semicolon-separated): 1 row read, 1 account written, "
        "1 new app, 1 new industry"
    )
    assert rows(database, "select account_id, app_id, industry_id from account") == [
        ("A1", "ksa", "retail")
    ]


def test_every_bad_row_is_listed_and_nothing_written(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "industries.csv"
    path.write_text("industry_id,name\nretail,Retail\nenergy,\nretail,Again\n", encoding="utf-8")

    result = run(database, "industries", str(path))

    assert result.exit_code == 1
    assert problems(result) == [
        "line 3: missing required value for name",
        "line 4: duplicate industry_id 'retail': line 2 has the same",
        f"{path}: 2 bad rows out of 3; nothing was written "
        "(fix the listed lines and load the file again)",
    ]
    # Nor is the database the load would have created left behind.
    assert not database.exists()


def test_a_missing_column_is_one_line(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "industries.csv"
    path.write_text("id,label\nretail,Retail\n", encoding="utf-8")

    result = run(database, "industries", str(path))

    assert result.exit_code == 1
    assert problems(result) == [
        f"{path}: missing required column(s) industry_id, name; "
        "the file's columns are: 'id', 'label'"
    ]


@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_app_is_one_line_and_loads_nothing(
    database: Path, tmp_path: Path, given: str
) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("Date,Customer,Amount\n2025-04-01,Acme,100\n", encoding="utf-8")

    result = run(database, "sales", str(path), "--app", given)

    assert result.exit_code == 1
    assert result.stderr == (
        "--app is empty: give the file's app (or leave --app out for 'default')\n"
    )
    assert not database.exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("nowhere.csv", "No such file or directory"), ("a folder", "Is a directory")],
)
def test_a_file_that_cannot_be_read_is_one_line_naming_its_path_and_creates_no_database(
    database: Path, tmp_path: Path, name: str, reason: str
) -> None:
    (tmp_path / "a folder").mkdir()
    path = tmp_path / name

    result = run(database, "metrics", str(path))

    assert result.exit_code == 1
    assert result.stderr == f"{path}: cannot read it: {reason}\n"
    assert not database.exists()


def test_an_unknown_kind_is_refused_by_the_command_line(database: Path, tmp_path: Path) -> None:
    result = run(database, "customers", str(tmp_path / "x.csv"))

    assert result.exit_code == 2
    assert "customers" in result.stderr


def test_loading_twice_changes_nothing(database: Path, tmp_path: Path) -> None:
    definitions = tmp_path / "definitions.jsonl"
    definitions.write_text('{"name": "revenue", "unit": "euros"}\n', encoding="utf-8")
    industries = tmp_path / "industries.tsv"
    industries.write_text("industry_id\tname\nretail\tRetail\n", encoding="utf-8")
    metrics = tmp_path / "metrics.csv"
    metrics.write_text(
        "level,entity_id,metric_name,effective_date,value\nindustry,retail,revenue,2024-05-20,1.50\n",
        encoding="utf-8",
    )
    for kind, path in [("definitions", definitions), ("industries", industries)]:
        assert run(database, kind, str(path)).exit_code == 0

    first = run(database, "metrics", str(metrics))
    before = rows(database, "select * from metric_value")
    second = run(database, "metrics", str(metrics))

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert before == [("industry", "retail", "revenue", "2024-05-01", "1.50")]
    assert rows(database, "select * from metric_value") == before


def test_what_is_printed_stays_short_whatever_the_file_size(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "sales.txt"
    lines = [" customer_id  date number_of_cds  dollar_value"]
    lines += [f" {n:05d} 19970101  1   11.77" for n in range(1, 1201)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())

    first = run(database, "sales", str(path), "--app", "cdnow")
    again = run(database, "sales", str(path), "--app", "cdnow")

    assert first.exit_code == 0, first.output
    assert "1,200 new accounts, e.g. 00001, 00002, 00003" in first.stdout.splitlines()
    assert "1,200 sale lines: 1,200 new, 0 changed, 0 unchanged" in first.stdout.splitlines()
    assert len(first.stdout.splitlines()) < 15
    assert again.exit_code == 0, again.output
    assert "1,200 sale lines: 0 new, 0 changed, 1,200 unchanged" in again.stdout.splitlines()
    assert "new accounts" not in again.stdout


def test_a_customer_named_as_another_apps_account_is_an_account_of_its_own_app(
    database: Path, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\nACME,Acme\n", encoding="utf-8")
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Customer,Amount\n2024-01-05,ACME,10\n", encoding="utf-8")
    assert run(database, "accounts", str(accounts), "--app", "alpha").exit_code == 0

    result = run(database, "sales", str(sales), "--app", "beta")

    assert result.exit_code == 0, result.output
    assert rows(database, "select account_id, count(*) from sale_line group by account_id") == [
        ("beta:ACME", 1)
    ]
    assert rows(database, "select account_id, app_id from account order by account_id") == [
        ("ACME", "alpha"),
        ("beta:ACME", "beta"),
    ]


def test_harmful_files_fail_in_one_line_without_a_traceback(database: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Customer", "Amount"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    with zipfile.ZipFile(plain) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    entities = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    parts["xl/worksheets/sheet1.xml"] = entities + parts["xl/worksheets/sheet1.xml"]
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")

    for path in (bomb, deep):
        result = run(database, "sales", str(path))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert problems(run(database, "sales", str(bomb))) == [
        f"{bomb}: part xl/worksheets/sheet1.xml of the workbook declares a DTD (XML "
        "entities), which a workbook never needs: refused"
    ]


def test_names_with_control_characters_are_printed_escaped(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("Date,Customer,Amount,Note\x1b[2J\n2024-01-05,C1,10,x\n", encoding="utf-8")

    result = run(database, "sales", str(path))

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "Ignored columns: 'Note\\x1b[2J'" in result.stdout.splitlines()


def test_the_database_is_named_first(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text("unrelated\n1\n", encoding="utf-8")
    result = run(database, "metrics", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"Database: sqlite+aiosqlite:///{database}")


def test_a_refused_export_shows_the_columns_it_took(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "Date,Particulars,Value,Narration\n1-Apr-2025,Acme,Debit,x\n2-Apr-2025,Acme,100,y\n",
        encoding="utf-8",
    )

    result = run(database, "sales", str(path))

    assert result.exit_code == 1
    assert problems(result) == [
        "line 2: amount 'Debit' is not an amount: write it like 1234.50 or 1,234.50",
        "Columns taken: date <- 'Date', customer <- 'Particulars', amount <- 'Value' "
        "(--column ROLE=COLUMN to change one)",
        f"{path}: 1 bad row out of 2; nothing was written "
        "(fix the listed lines and load the file again)",
    ]


def test_a_day_book_says_how_its_parties_linked_and_a_mapping_settles_a_shared_name(
    database: Path, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account_id,name\nSE-1,Sharma Electricals\nSE-2,SHARMA ELECTRICALS\nGT-1,Gupta Traders\n",
        encoding="utf-8",
    )
    daybook = tmp_path / "daybook.csv"
    daybook.write_text(
        "Day Book\n1-Apr-2025 to 30-Apr-2025\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        '1-Apr-2025,Sharma Electricals,Sales,S/1,"1,000.00",\n'
        '2-Apr-2025,Gupta Traders Pvt. Ltd.,Sales,S/2,"2,000.00",\n'
        '3-Apr-2025,gupta traders,Sales,S/3,"3,000.00",\n'
        '4-Apr-2025,Sharma Electricals,Sales,S/4,"4,000.00",\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "parties.csv"
    mapping.write_text("party,account_id\nSharma Electricals,SE-2\n", encoding="utf-8")
    assert run(database, "accounts", str(accounts), "--app", "x").exit_code == 0

    refused = run(database, "sales", str(daybook), "--app", "x")
    mapped = run(database, "sales", str(daybook), "--app", "x", "--accounts", str(mapping))

    assert refused.exit_code == 1
    assert problems(refused)[0] == (
        "line 5: party 'Sharma Electricals' has the name of 2 accounts of app 'x': 'SE-1', "
        "'SE-2'; which one is not guessed: say it with --accounts FILE (a CSV with columns "
        "party,account_id) (this stands for every line of the party)"
    )
    assert mapped.exit_code == 0, mapped.output
    assert (
        "Parties: 2 linked to existing accounts (1 by name, 1 by mapping), 1 new account"
        in mapped.stdout.splitlines()
    )
    assert rows(database, "select account_id, count(*) from sale_line group by 1 order by 1") == [
        ("GT-1", 1),
        ("Gupta Traders Pvt. Ltd.", 1),
        ("SE-2", 2),
    ]


def test_every_message_names_the_file_as_it_was_given(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Monthly exports saved under one name in a folder a month: only the folder tells them
    # apart, so each message names the file as typed, relative or absolute.
    monkeypatch.chdir(tmp_path)
    for month, amount in (("april", "100.00"), ("may", "1OO.00"), ("june", "")):
        Path(month).mkdir()
        header = "Date,Party,Amount" if amount else "When,Who"
        Path(month, "Sales Register.csv").write_text(
            f"Shree Ganesh Distributors\nSales Register\n{header}\n1-Apr-2025,Acme,{amount}\n",
            encoding="utf-8",
        )

    loaded = run(database, "sales", "april/Sales Register.csv")
    bad_row = run(database, "sales", "may/Sales Register.csv")
    no_columns = run(database, "sales", str(tmp_path / "june" / "Sales Register.csv"))

    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout.splitlines()[0] == "Columns of april/Sales Register.csv:"
    assert loaded.stdout.splitlines()[-1].startswith("april/Sales Register.csv (CSV, comma-")
    assert bad_row.exit_code == 1
    assert problems(bad_row)[-1].startswith("may/Sales Register.csv: 1 bad row out of 1;")
    assert no_columns.exit_code == 1
    assert problems(no_columns)[0].startswith(
        f"{tmp_path}/june/Sales Register.csv: found no column for"
    )


def test_dates_give_the_order_and_keep_it_for_the_app(database: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Customer,Date,Invoice,Amount\nA,04/01/2024,1,10\n", encoding="utf-8")
    refused = run(database, "sales", str(first), "--app", "acme")
    assert refused.exit_code == 1
    assert problems(refused) == [
        f"{first}: dates such as '04/01/2024' read either day first or month first, and "
        "nothing in the file says which: give the order with --dates day-first (DD/MM/YYYY) "
        "or --dates month-first (MM/DD/YYYY)"
    ]

    loaded = run(database, "sales", str(first), "--app", "acme", "--dates", "day-first")
    assert loaded.exit_code == 0, loaded.output
    assert "Dates read day first (DD/MM/YYYY), as --dates says" in loaded.stdout
    assert rows(database, "select app_id, date_order from ingest_setting") == [
        ("acme", "day first")
    ]
    # Given the other order now, the load corrects the earlier reading: the invoice moves
    # from 4 January to 1 April, never stored at both (it was refused
    # with the advice to give --dates, which it had).
    moved = run(database, "sales", str(first), "--app", "acme", "--dates", "month-first")
    assert moved.exit_code == 0, moved.output
    assert (
        "Moved 1 invoice stored with day and month swapped (by an earlier load read the other "
        "way round) to this file's dates, as --dates says"
    ) in moved.stdout
    assert rows(database, "select sale_date from sale_line") == [("2024-04-01",)]
    assert rows(database, "select date_order from ingest_setting") == [("month first",)]
    # Without an order given, a file dating the invoice at its swapped date is refused.
    iso = tmp_path / "iso.csv"
    iso.write_text("Customer,Date,Invoice,Amount\nA,2024-01-04,1,10\n", encoding="utf-8")
    swapped = run(database, "sales", str(iso), "--app", "acme")
    assert swapped.exit_code == 1
    assert problems(swapped) == [
        f"{iso}: invoice 1 of A is stored dated 2024-04-01, and this file dates it "
        "2024-01-04: an invoice keeps its date, so nothing was loaded (if day and month were "
        "read the wrong way round, give the order with --dates day-first or --dates month-first)"
    ]
    assert rows(database, "select sale_date from sale_line") == [("2024-04-01",)]

    bad = run(database, "sales", str(first), "--dates", "sideways")
    assert bad.exit_code == 2
    assert "sideways" in bad.output
    assert "day-first" in bad.output


def test_a_file_all_in_one_foreign_currency_asks_for_the_base_one(
    database: Path, tmp_path: Path
) -> None:
    """Every invoice in USD at 83.25: one line asking for --currency, no traceback; then
    --currency INR converts them."""
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total\n"
        "2025-04-04,INV-2,Globex,USD,83.25,100.00\n",
        encoding="utf-8",
    )

    refused = run(database, "sales", str(path))

    assert refused.exit_code == 1
    assert problems(refused) == [
        f"{path}: the amounts are all in USD at exchange rates other than 1 (83.25): they "
        "convert to a base currency the file does not name; give it with --currency CODE (the "
        "currency the rates convert to)"
    ]
    assert "Traceback" not in refused.output

    result = run(database, "sales", str(path), "--currency", "INR")

    assert result.exit_code == 0, result.output
    assert rows(database, "select account_id, amount from sale_line") == [("Globex", "8325.00")]


def test_currency_is_kept_for_the_app_and_said(database: Path, tmp_path: Path) -> None:
    """`--currency INR` once: the next load of the app's dollars converts to INR without it,
    and its output says which currency and why; a later `--currency` replaces it in one line."""
    header = "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total\n"
    april = tmp_path / "april.csv"
    april.write_text(header + "2025-04-04,INV-2,Globex,USD,83.25,100.00\n", encoding="utf-8")
    may = tmp_path / "may.csv"
    may.write_text(header + "2025-05-06,INV-7,Globex,USD,83.50,10.00\n", encoding="utf-8")

    first = run(database, "sales", str(april), "--currency", "INR")
    assert first.exit_code == 0, first.output
    assert (
        "--currency INR kept for app default: its later loads convert to INR without --currency"
        in first.stdout
    )

    second = run(database, "sales", str(may))
    assert second.exit_code == 0, second.output
    assert (
        "1 invoice in USD converted to INR at its exchange rate (amount x rate; base currency "
        "INR: the base currency kept for app default (--currency CODE to change it))"
        in second.stdout
    )
    assert rows(database, "select amount from sale_line order by sale_date") == [
        ("8325.00",),
        ("835.00",),
    ]

    euros = tmp_path / "euros.csv"
    euros.write_text(header + "2025-06-02,INV-9,Initech,USD,0.92,50.00\n", encoding="utf-8")
    third = run(database, "sales", str(euros), "--currency", "EUR")
    assert third.exit_code == 0, third.output
    changed = [line for line in third.stdout.splitlines() if "replaces INR" in line]
    assert len(changed) == 1
    assert changed[0].endswith(
        "--currency EUR replaces INR, the base currency kept for app default: its later loads "
        "convert to EUR"
    )


def test_a_file_in_several_currencies_asks_for_the_base_one(database: Path, tmp_path: Path) -> None:
    """Zoho's invoices in USD and EUR, none at rate 1: one line asking for --currency, then
    --currency INR converts them and says so."""
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice Date,Invoice Number,Customer Name,Currency Code,Exchange Rate,Item Total\n"
        "2025-04-04,INV-2,Globex,USD,83.25,100.00\n"
        "2025-04-05,INV-3,Initech,EUR,90.5,10.00\n",
        encoding="utf-8",
    )

    refused = run(database, "sales", str(path))

    assert refused.exit_code == 1
    assert problems(refused) == [
        f"{path}: the amounts are in several currencies, USD (1 line), EUR (1 line), and no "
        "exchange rate of 1 shows which is the base currency the others convert to: give it "
        "with --currency CODE"
    ]

    result = run(database, "sales", str(path), "--currency", "INR")

    assert result.exit_code == 0, result.output
    assert (
        "1 invoice in EUR, 1 invoice in USD converted to INR at their exchange rates"
        in result.stdout
    )
    assert rows(database, "select account_id, amount from sale_line order by account_id") == [
        ("Globex", "8325.00"),
        ("Initech", "905.00"),
    ]


def test_quickbooks_online_sales_by_customer_detail_is_loaded(
    database: Path, tmp_path: Path
) -> None:
    path = Path(__file__).parents[1] / "store/ingest/tally/qbo_sales_by_customer_detail.csv"

    result = run(database, "sales", str(path), "--app", "qb")

    assert result.exit_code == 0, result.output
    assert "customer <- (group headings)" in result.stdout
    assert "Customers read from group headings: 4 customers" in result.stdout
    assert rows(database, "select count(*) from sale_line") == [(6,)]


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        # Every sale on one side: no line is a return, and none is said to be.
        ([("Sales", "ST/1", "1,000.00", ""), ("Sales", "ST/2", "2,500.00", "")], []),
        ([("Sales", "ST/1", "", "1,000.00"), ("Sales", "ST/2", "", "2,500.00")], []),
        # A credit note on the other side than most lines (the sales): it is the return, and
        # the note says on which side.
        (
            [
                ("Sales", "ST/1", "1,000.00", ""),
                ("Sales", "ST/2", "2,500.00", ""),
                ("Credit Note", "CN/1", "", "200.00"),
            ],
            ["Lines on the Cr side counted as returns (negative)"],
        ),
        (
            [
                ("Sales", "ST/1", "", "1,000.00"),
                ("Sales", "ST/2", "", "2,500.00"),
                ("Credit Note", "CN/1", "200.00", ""),
            ],
            ["Lines on the Dr side counted as returns (negative)"],
        ),
    ],
)
def test_a_sales_register_says_it_counted_returns_only_when_it_has_some(
    database: Path, tmp_path: Path, lines: list[tuple[str, str, str, str]], said: list[str]
) -> None:
    path = tmp_path / "sales_register.csv"
    rows_text = "".join(
        f'1-Apr-2024,Gupta Traders,{kind},{number},"{debit}","{credit}"\n'
        for kind, number, debit, credit in lines
    )
    path.write_text(
        "Sharma Trading Co. (2024-25)\nSales Register\n1-Apr-2024 to 31-Mar-2025\n"
        "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n,,,,Amount,Amount\n" + rows_text,
        encoding="utf-8",
    )

    result = run(database, "sales", str(path), "--app", "sharma")

    assert result.exit_code == 0, result.output
    printed = [line for line in result.stdout.splitlines() if "counted as returns" in line]
    assert printed == said


def test_a_period_still_under_way_is_stored_as_known_to_the_day_of_the_load(
    database: Path, tmp_path: Path
) -> None:
    """PROFILING_TODAY is the day of the load, as it is the server's today: the April-June Day
    Book loaded on 15 June is known to 15 June, not to 30 June."""
    from tests.server.pages.test_dashboard_accounting_only import APP, DAY_BOOK

    path = tmp_path / "day_book.csv"
    path.write_text(DAY_BOOK, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["ingest", "sales", str(path), "--app", APP],
        env={"DATABASE_URL": f"sqlite:///{database}", "PROFILING_TODAY": "2024-06-15"},
    )
    assert result.exit_code == 0, result.output
    assert rows(database, "select period_end from sales_period") == [("2024-06-15",)]


def test_a_mistyped_app_is_one_line_naming_the_app_meant(database: Path) -> None:
    from tests.store.ingest.test_parties import DAYBOOK

    assert run(database, "sales", str(DAYBOOK), "--app", "tally").exit_code == 0
    refused = run(database, "sales", str(DAYBOOK), "--app", "tallly")
    assert refused.exit_code == 1
    assert problems(refused) == [
        f"{DAYBOOK}: --app tallly does not exist yet and its name is close to app tally's: "
        "did you mean `tally`? (--app tally; or give --new-app to create app tallly anyway)"
    ]
    assert rows(database, "select app_id from app") == [("tally",)]
    created = run(database, "sales", str(DAYBOOK), "--app", "tallly", "--new-app")
    assert created.exit_code == 0, created.output
    assert rows(database, "select app_id from app order by app_id") == [("tallly",), ("tally",)]

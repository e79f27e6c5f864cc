"""The parties of sales and ledger exports link to the accounts already loaded: by id, by
name (one account of the app with that name), by a mapping file; ambiguous names are refused;
accounts that earlier loads created for a party move onto the account it links to later.

The exports are Tally's (`tally/`): a Day Book and a bill-wise ledger naming parties, never
our ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from store.migrate import alembic_config
from tests.store.sales_support import rows_of, write_delimited

SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER
ACCOUNTS = IngestKind.ACCOUNTS
FIXTURES = Path(__file__).parent / "tally"
DAYBOOK = FIXTURES / "daybook.xlsx"
LEDGER_FILE = FIXTURES / "ledger_billwise.csv"
# The Day Book's parties and how many of its sale lines each has (receipts are skipped).
DAYBOOK_LINES = {
    "Ramesh Kumar & Sons": 3,
    "Gupta Enterprises": 2,
    "Café Müller Exports": 1,
    "Patel Hardware": 1,
}


async def _accounts(engine: AsyncEngine, tmp_path: Path, app: str, *rows: tuple[str, str]) -> None:
    path = write_delimited(
        tmp_path,
        f"accounts_{app}.csv",
        ",",
        ["account_id", "name", "app"],
        [[account, f'"{name}"', app] for account, name in rows],
    )
    await ingest_file(engine, kind=ACCOUNTS, path=path)


def _mapping(tmp_path: Path, *rows: tuple[str, str]) -> Path:
    return write_delimited(
        tmp_path, "mapping.csv", ",", ["Party", "Account ID"], [[f'"{p}"', a] for p, a in rows]
    )


async def _lines_per_account(engine: AsyncEngine, name: str = "sale_line") -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in await rows_of(engine, name):
        counts[row[0]] = counts.get(row[0], 0) + 1
    return counts


async def _account_ids(engine: AsyncEngine) -> list[str]:
    return [row[0] for row in await rows_of(engine, "account")]


async def _party_accounts(engine: AsyncEngine) -> list[str]:
    return [row[0] for row in await rows_of(engine, "party_account")]


async def test_a_day_book_links_its_parties_to_the_accounts_of_that_name(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _accounts(
        engine,
        tmp_path,
        "sharma",
        ("RK-01", "RAMESH KUMAR & SONS"),
        ("GE-02", "Gupta  Enterprises."),
        ("PH-05", "Patel Hardware"),
    )
    # Another app's account of the same name is not a candidate.
    await _accounts(engine, tmp_path, "other", ("X-PH", "Patel Hardware"))
    report = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma")

    assert "Parties: 3 linked to existing accounts (3 by name), 1 new account" in report.notes
    assert (
        "Linked by name: Ramesh Kumar & Sons -> RK-01, Gupta Enterprises -> GE-02, "
        "Patel Hardware -> PH-05"
    ) in report.notes
    assert await _lines_per_account(engine) == {
        "RK-01": 3,
        "GE-02": 2,
        "PH-05": 1,
        "Café Müller Exports": 1,
    }
    assert report.created["accounts"] == ["Café Müller Exports"]
    assert await _party_accounts(engine) == ["Café Müller Exports"]

    again = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma")
    assert again.created["accounts"] == []
    assert (
        "Parties: 4 linked to existing accounts (3 by name, 1 created for them by earlier "
        "loads), no new account"
    ) in again.notes
    assert again.what_was_written() == "nothing written, 7 sale lines unchanged"
    assert len(await _account_ids(engine)) == 5


async def test_a_ledger_links_its_party_to_the_account_of_that_name(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _accounts(engine, tmp_path, "sgd", ("SGD-001", "Sharma Electricals"))
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    assert "Parties: 1 linked to existing accounts (1 by name), no new account" in report.notes
    assert await _lines_per_account(engine, "ledger_entry") == {"SGD-001": 3}
    assert await _account_ids(engine) == ["SGD-001"]
    assert [row[0] for row in await rows_of(engine, "credit_risk")] == ["SGD-001"]


async def test_two_accounts_of_the_name_refuse_the_party_in_one_line_and_write_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _accounts(
        engine,
        tmp_path,
        "sharma",
        ("RK-01", "Ramesh Kumar & Sons"),
        ("RK-02", "Ramesh Kumar & Sons."),
    )
    before = {name: await rows_of(engine, name) for name in ("account", "sale_line")}
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma")
    assert [str(problem) for problem in caught.value.problems] == [
        "line 6: party 'Ramesh Kumar & Sons' has the name of 2 accounts of app 'sharma': "
        "'RK-01', 'RK-02'; which one is not guessed: say it with --accounts FILE (a CSV with "
        "columns party,account_id) (this stands for every line of the party)"
    ]
    assert {name: await rows_of(engine, name) for name in before} == before


async def test_a_mapping_says_which_account_a_party_is(engine: AsyncEngine, tmp_path: Path) -> None:
    await _accounts(
        engine,
        tmp_path,
        "sharma",
        ("RK-01", "Ramesh Kumar & Sons"),
        ("RK-02", "Ramesh Kumar & Sons"),
        ("CM-09", "Cafe Muller"),
        ("GE-02", "Gupta Enterprises"),
    )
    mapping = _mapping(
        tmp_path,
        ("ramesh kumar & sons", "RK-02"),
        ("Café Müller Exports", "CM-09"),
        ("Nobody Of This File", "GE-02"),
    )
    report = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma", accounts=mapping)
    assert (
        "Parties: 3 linked to existing accounts (1 by name, 2 by mapping), 1 new account"
    ) in report.notes
    assert f"Parties of {mapping} not in this file: Nobody Of This File" in report.notes
    assert await _lines_per_account(engine) == {
        "RK-02": 3,
        "GE-02": 2,
        "CM-09": 1,
        "Patel Hardware": 1,
    }


async def test_a_bad_mapping_is_refused_line_by_line_and_nothing_is_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _accounts(engine, tmp_path, "sharma", ("RK-01", "Ramesh Kumar & Sons"))
    await _accounts(engine, tmp_path, "other", ("OT-01", "Other"))
    mapping = _mapping(
        tmp_path,
        ("Ramesh Kumar & Sons", "RK-01"),
        ("Gupta Enterprises", "NOPE"),
        ("Patel Hardware", "OT-01"),
        ("RAMESH KUMAR & SONS.", "OT-01"),
    )
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma", accounts=mapping)
    assert caught.value.summary.startswith(f"{mapping} (--accounts): 3 bad rows out of 4")
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: account 'NOPE' does not exist (load it with `profiling ingest accounts` "
        "first, or correct the id)",
        "line 4: account 'OT-01' is an account of app 'other', not of this export's app "
        "'sharma': a mapping names accounts of the export's app",
        "line 5: party 'RAMESH KUMAR & SONS.' is mapped to account 'RK-01' on line 2 (names "
        "compared without case, spacing, full stops and commas): a party is one account",
    ]
    assert await rows_of(engine, "sale_line") == []


async def test_a_mapping_is_for_sales_and_ledger_files(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_delimited(tmp_path, "accounts.csv", ",", ["account_id", "name"], [["A", "B"]])
    with pytest.raises(FileRejected, match="--accounts maps the parties of sales and ledger"):
        await ingest_file(engine, kind=ACCOUNTS, path=path, accounts=_mapping(tmp_path))


async def test_an_id_column_links_by_id_then_by_its_name_column(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _accounts(
        engine, tmp_path, "app", ("RK-01", "Ramesh Kumar"), ("GE-02", "Gupta Enterprises")
    )
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Customer Code", "Customer Name", "Date", "Amount"],
        [
            ["RK-01", "Somebody Else", "2025-04-01", "100"],
            ["T-77", "GUPTA ENTERPRISES", "2025-04-02", "200"],
            ["T-78", "Nobody Known", "2025-04-03", "300"],
            # An id is never matched as a name: no account is named `ge-02`, but the value of
            # an id column is not compared with names either.
            ["Gupta Enterprises", "", "2025-04-04", "400"],
        ],
    )
    report = await ingest_file(engine, kind=SALES, path=path, app="app")
    assert (
        "Parties: 2 linked to existing accounts (1 by id, 1 by name), 2 new accounts"
    ) in report.notes
    assert await _lines_per_account(engine) == {
        "RK-01": 1,
        "GE-02": 1,
        "T-78": 1,
        "Gupta Enterprises": 1,
    }
    names = {row[0]: row[2] for row in await rows_of(engine, "account")}
    assert names["T-78"] == "Nobody Known"


async def test_a_reload_moves_the_lines_of_an_account_created_for_a_party_to_its_account(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # The trial's story: the Day Book and the ledger came before the accounts.
    await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma")
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sharma")
    assert await _party_accounts(engine) == sorted([*DAYBOOK_LINES, "Sharma Electricals"])
    await _accounts(
        engine,
        tmp_path,
        "sharma",
        ("RK-01", "Ramesh Kumar & Sons"),
        ("SGD-001", "Sharma Electricals"),
    )

    report = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma")
    assert (
        "Moved 3 sale lines and 0 ledger entries of 1 account created for parties by earlier "
        "loads to the accounts the parties now link to (Ramesh Kumar & Sons -> RK-01)"
    ) in report.notes
    assert "Removed 1 of those accounts, left empty" in report.notes
    # Its own lines are stored as they were, but three of them moved: not `nothing written`.
    assert report.what_was_written() == "3 sale lines moved, 7 unchanged"
    counts = await _lines_per_account(engine)
    assert counts["RK-01"] == 3
    assert "Ramesh Kumar & Sons" not in await _account_ids(engine)

    # A mapping added later moves its party's account too, the ledger's entries with it.
    mapping = _mapping(tmp_path, ("Gupta Enterprises", "SGD-001"))
    await ingest_file(engine, kind=SALES, path=DAYBOOK, app="sharma", accounts=mapping)
    assert (await _lines_per_account(engine))["SGD-001"] == 2
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sharma")
    assert "Parties: 1 linked to existing accounts (1 by name), no new account" in report.notes
    assert await _lines_per_account(engine, "ledger_entry") == {"SGD-001": 3}
    assert await _account_ids(engine) == [
        "Café Müller Exports",
        "Patel Hardware",
        "RK-01",
        "SGD-001",
    ]
    assert await _party_accounts(engine) == ["Café Müller Exports", "Patel Hardware"]
    assert sorted(row[0] for row in await rows_of(engine, "sales_profile")) == [
        "Café Müller Exports",
        "Patel Hardware",
        "RK-01",
        "SGD-001",
    ]


async def test_an_account_created_for_a_party_that_something_refers_to_is_kept(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    path = write_delimited(
        tmp_path,
        "companies.csv",
        ",",
        ["company_id", "account_id", "name"],
        [["C1", "Sharma Electricals", "Sharma North"]],
    )
    await ingest_file(engine, kind=IngestKind.COMPANIES, path=path)
    await _accounts(engine, tmp_path, "sgd", ("SGD-001", "Sharma Electricals."))
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    assert (
        "Kept 1 of them, now without sales or ledger lines, because a company, an account "
        "metric value or an API key refers to them: Sharma Electricals"
    ) in report.notes
    assert await _lines_per_account(engine, "ledger_entry") == {"SGD-001": 3}
    assert "Sharma Electricals" in await _account_ids(engine)


async def test_an_accounts_file_makes_an_account_created_for_a_party_a_real_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    path = write_delimited(
        tmp_path,
        "accounts.csv",
        ",",
        ["account_id", "name", "industry"],
        [["Sharma Electricals", "Sharma Electricals", "retail"], ["SGD-001", "Sharma", ""]],
    )
    report = await ingest_file(engine, kind=ACCOUNTS, path=path, app="sgd")
    assert (
        "1 of these accounts had been created for parties of sales or ledger files: they are "
        "real accounts now"
    ) in report.notes
    assert await _party_accounts(engine) == []
    # Real now: its party links to it by id, and nothing moves.
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    assert "Parties: 1 linked to existing accounts (1 by id), no new account" in report.notes


def _day_book(folder: Path, app: str, parties: int) -> Path:
    rows = [
        [f"{1 + day}-Apr-2025", f"{app} Party No. {party}", "Sales", f"S/{party}/{day}", "100.00"]
        for party in range(parties)
        for day in range(2)
    ]
    header = ["Date", "Particulars", "Vch Type", "Vch No.", "Debit"]
    return write_delimited(folder, f"daybook_{app}.csv", ",", header, rows)


async def _statements_of_load(engine: AsyncEngine, path: Path, app: str, **options: Any) -> int:
    statements: list[str] = []

    def count(_connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await ingest_file(engine, kind=SALES, path=path, app=app, **options)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(statements)


async def _statements_of_loads(
    engine: AsyncEngine, folder: Path, app: str, parties: int
) -> list[int]:
    """The statements of four loads of a Day Book of `parties` parties: creating their
    accounts; moving them onto accounts of their names loaded since; linking by name; by a
    mapping."""
    path = _day_book(folder, app, parties)
    counts = [await _statements_of_load(engine, path, app)]
    await _accounts(
        engine,
        folder,
        app,
        *((f"{app}-{party}", f"{app} party no {party}") for party in range(parties)),
    )
    counts.append(await _statements_of_load(engine, path, app))
    counts.append(await _statements_of_load(engine, path, app))
    mapping = _mapping(folder, *((f"{app} Party No. {p}", f"{app}-{p}") for p in range(parties)))
    counts.append(await _statements_of_load(engine, path, app, accounts=mapping))
    return counts


async def test_statements_of_a_load_do_not_grow_with_its_parties(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    small = await _statements_of_loads(engine, tmp_path, "small", 4)
    large = await _statements_of_loads(engine, tmp_path, "large", 40)
    assert small == large
    assert await _party_accounts(engine) == []
    assert len(await _lines_per_account(engine)) == 44


async def test_accounts_created_by_loads_before_party_accounts_are_recognised(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The migration that records accounts created for parties finds those of earlier loads:
    an account whose id is its name and that nothing but sales or ledger lines refers to."""
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    await _accounts(engine, tmp_path, "sgd", ("Named As Id", "Named As Id"), ("K", "Kept"))
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0008"))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount) "
                    "VALUES ('K', '2025-01-01', '', 1, '1'), "
                    "('Named As Id', '2025-01-01', '', 1, '1')"
                )
            )
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    assert await _party_accounts(engine) == ["Named As Id", "Sharma Electricals"]


async def test_two_ids_with_the_name_of_one_account_refuse_the_file_in_one_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two customers of a `Customer Code` column named alike are not merged into the one
    account of that name: the load fails on one line and writes nothing."""
    await _accounts(engine, tmp_path, "default", ("R-9", "Sharma Traders"))
    path = write_delimited(
        tmp_path,
        "register.csv",
        ",",
        ["Customer Code", "Customer Name", "Date", "Amount"],
        [
            ["C-1", "Sharma Traders", "2026-01-05", "100"],
            ["C-2", "Sharma Traders", "2026-01-06", "900"],
            ["C-2", "Sharma Traders", "2026-01-07", "50"],
        ],
    )
    with pytest.raises(IngestRejected) as refused:
        await ingest_file(engine, kind=SALES, path=path)
    assert [(problem.line, problem.reason) for problem in refused.value.problems] == [
        (
            3,
            "parties 'C-1' and 'C-2' of an id column are two parties with one name, 'Sharma "
            "Traders', and account 'R-9' of app 'default' has it; which of them it is, if "
            "either, is not guessed: say it with --accounts FILE (a CSV with columns "
            "party,account_id) (this stands for every line of the party)",
        )
    ]
    assert await rows_of(engine, "sale_line") == []
    # C-2 is another customer: once its account is loaded, it links by id.
    await _accounts(engine, tmp_path, "default", ("C-2", "Sharma Traders (Pune)"))
    report = await ingest_file(engine, kind=SALES, path=path)
    assert await _lines_per_account(engine) == {"R-9": 1, "C-2": 2}
    assert "Parties: 2 linked to existing accounts (1 by id, 1 by name), no new account" in (
        report.notes
    )
    assert "Linked by name: C-1 (Sharma Traders) -> R-9" in report.notes

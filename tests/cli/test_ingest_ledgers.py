"""`profiling ingest ledger` on Tally's ledger exports, as a trial user ran it: the receivables
with `Amount;Dr/Cr` in Windows-1252, and the ledger of one customer with and without its
title party (`--party`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_ingest_command import problems, rows, run

TALLY = Path(__file__).parents[1] / "store" / "ingest" / "tally"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "profiling.db"


def test_receivables_with_a_dr_cr_column_load(database: Path) -> None:
    result = run(database, "ledger", str(TALLY / "ledger_receivables.csv"), "--app", "acme")
    assert result.exit_code == 0, result.output
    assert "  amount <- Amount\n  side <- Dr/Cr\n" in result.stdout
    assert rows(database, "SELECT kind, count(*) FROM ledger_entry GROUP BY kind") == [
        ("invoice", 4),
        ("payment", 2),
    ]


def test_the_ledger_of_one_customer_creates_no_contra_accounts(
    database: Path, tmp_path: Path
) -> None:
    result = run(database, "ledger", str(TALLY / "ledger_one_party.csv"), "--app", "acme")
    assert result.exit_code == 0, result.output
    assert "Created accounts: Sharma Electricals\n" in result.stdout
    assert rows(database, "SELECT account_id FROM account") == [("Sharma Electricals",)]

    untitled = tmp_path / "Ledger Sharma.csv"
    text = (TALLY / "ledger_one_party.csv").read_text(encoding="utf-8")
    untitled.write_text(text.replace("Ledger: Sharma Electricals", "Ledger Vouchers"))
    refused = run(database, "ledger", str(untitled), "--app", "acme")
    assert refused.exit_code == 1
    [line] = problems(refused)
    assert line.startswith(f"{untitled}: line 8: 'Sales Account' is a sales, bank, cash")
    assert "--party NAME" in line

    named = run(database, "ledger", str(untitled), "--app", "acme", "--party", "Sharma Electricals")
    assert named.exit_code == 0, named.output
    # The same entries as the titled file's, its opening balance among them: nothing new.
    assert "5 ledger entries: 0 new, 0 changed, 5 unchanged" in named.stdout


def test_a_ledger_titled_with_a_group_of_customers_is_refused_in_one_line(
    database: Path, tmp_path: Path
) -> None:
    """`Ledger: Debtors - Mumbai Region` lists its customers in Particulars: not one party."""
    text = (TALLY / "ledger_receivables.csv").read_bytes().decode("cp1252")
    grouped = tmp_path / "Mumbai.csv"
    grouped.write_text(text.replace("Sundry Debtors - Outstandings", "Ledger: Debtors - Mumbai"))
    refused = run(database, "ledger", str(grouped), "--app", "acme")
    assert refused.exit_code == 1
    [line] = problems(refused)
    assert line.startswith(
        f"{grouped}: the title names one customer, 'Debtors - Mumbai', but the Particulars "
        "column names several parties"
    )
    assert "--column customer=Particulars" in line
    assert "--party NAME" in line
    assert not database.exists()  # nothing written, not even the new database
    loaded = run(
        database, "ledger", str(grouped), "--app", "acme", "--column", "customer=Particulars"
    )
    assert loaded.exit_code == 0, loaded.output
    assert rows(database, "SELECT count(DISTINCT account_id) FROM ledger_entry") == [(2,)]


def test_a_ledger_with_its_side_words_in_a_column_of_their_own_loads(database: Path) -> None:
    """Tally ERP 9's `Date,Particulars,,Vch Type...` (`To` | `Sales Account`): the same
    ledger as with `To Sales Account` in one cell, so loading both stores it once."""
    two_cells = run(database, "ledger", str(TALLY / "ledger_sharma_erp9_to_by.csv"))
    assert two_cells.exit_code == 0, two_cells.output
    assert "Closing balance 123,870.00 Dr agrees with the entries loaded\n" in two_cells.stdout
    assert "Opening balance 25,000.00 (owed by the customer) loaded as of 2024-04-01" in (
        two_cells.stdout
    )
    one_cell = run(database, "ledger", str(TALLY / "ledger_sharma_erp9_one_cell.csv"))
    assert one_cell.exit_code == 0, one_cell.output
    assert "6 ledger entries: 0 new, 0 changed, 6 unchanged" in one_cell.stdout
    named = run(
        database,
        "ledger",
        str(TALLY / "ledger_sharma_prime_dr_cr.csv"),
        "--party",
        "Sharma Electricals",
    )
    assert named.exit_code == 0, named.output
    assert "6 ledger entries: 0 new, 0 changed, 6 unchanged" in named.stdout
    assert "Closing balance 123,870.00 Dr agrees with the entries loaded\n" in named.stdout
    assert rows(database, "SELECT kind, count(*), sum(amount) FROM ledger_entry GROUP BY kind") == [
        ("invoice", 3, 173870),
        ("opening due", 1, 25000),
        ("payment", 2, 75000),
    ]


def test_a_group_summary_of_sundry_debtors_is_refused_as_a_summary(database: Path) -> None:
    path = TALLY / "sundry_debtors_summary.csv"
    refused = run(database, "ledger", str(path))
    assert refused.exit_code == 1
    [line] = problems(refused)
    assert line.startswith(f"{path}: this is a summary of totals")
    assert "Group Summary of Sundry Debtors), not the register of vouchers: it has no date" in line

"""Moving an account created for a party onto the account the party links to later never
loses a line unsaid: a line the account holds already (same key, same values) is dropped and
counted; a line of the same key with another amount is another sale of that day, kept under
the next place of its date and invoice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, NoProgress, ingest_file
from store.ingest.party_moves import PartyMoves
from store.tables import METADATA
from tests.store.ingest.support import load_text, write_text

SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER
ACCOUNTS = IngestKind.ACCOUNTS


async def _lines(engine: AsyncEngine, table: str = "sale_line") -> list[tuple[str, int, Decimal]]:
    """(account, place, amount) of every line, in date and place order."""
    day = "sale_date" if table == "sale_line" else "entry_date"
    async with engine.connect() as connection:
        result = await connection.execute(
            text(f"SELECT account_id, line, amount FROM {table} ORDER BY {day}, line, amount")
        )
        return [(row[0], row[1], Decimal(str(row[2]))) for row in result]


async def test_a_moved_line_of_another_amount_under_a_held_key_is_kept_and_said(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The review's case: `Sharma Traders` (created for the party) and R-9 both hold a line
    of 5 January without invoice, of 100 and 250; the move keeps both."""
    await load_text(
        engine, tmp_path, SALES, "customer,date,amount\nSharma Traders,2026-01-05,100\n", "a.csv"
    )
    await load_text(engine, tmp_path, ACCOUNTS, "account_id,name\nR-9,Sharma Traders\n")
    await load_text(
        engine, tmp_path, SALES, "customer_id,date,amount\nR-9,2026-01-05,250\n", "b.csv"
    )
    report = await load_text(
        engine, tmp_path, SALES, "customer,date,amount\nSharma Traders,2026-03-01,50\n", "c.csv"
    )
    assert await _lines(engine) == [
        ("R-9", 1, Decimal("250.00")),
        ("R-9", 2, Decimal("100.00")),
        ("R-9", 1, Decimal("50.00")),
    ]
    assert (
        "Moved 1 sale line and 0 ledger entries of 1 account created for parties by earlier "
        "loads to the accounts the parties now link to (Sharma Traders -> R-9)"
    ) in report.notes
    assert (
        "Kept 1 sale line and 0 ledger entries whose date, invoice and place the accounts "
        "they moved to held with another amount, as other lines of that day"
    ) in report.notes
    assert not any(note.startswith("Dropped") for note in report.notes)


async def test_a_moved_line_the_account_holds_already_is_dropped_and_counted(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two exports that overlap, one naming the party, one the account's id: the same sale."""
    party = "customer,date,invoice,amount\nSharma Traders,2026-01-05,S1,100\n"
    party += "Sharma Traders,2026-01-05,S1,40\nSharma Traders,2026-01-06,S2,70\n"
    await load_text(engine, tmp_path, SALES, party, "a.csv")
    await load_text(engine, tmp_path, ACCOUNTS, "account_id,name\nR-9,Sharma Traders\n")
    await load_text(
        engine, tmp_path, SALES, "customer_id,date,invoice,amount\nR-9,2026-01-05,S1,100\n"
    )
    report = await load_text(engine, tmp_path, SALES, party, "a.csv")
    assert await _lines(engine) == [
        ("R-9", 1, Decimal("100.00")),
        ("R-9", 2, Decimal("40.00")),
        ("R-9", 1, Decimal("70.00")),
    ]
    assert (
        "Dropped 1 sale line and 0 ledger entries of those accounts that the accounts they "
        "moved to held already (same date, invoice, place and amount): nothing counts twice"
    ) in report.notes
    assert not any(note.startswith("Kept 1") for note in report.notes)


async def test_a_load_that_only_moves_lines_says_so_in_its_last_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The party's export loaded again once the party links to R-9: its lines are all stored
    already, but two were moved and one dropped as a double, which the summary says instead of
    `nothing written`; loaded once more, it changes nothing and says so."""
    party = "customer,date,invoice,amount\nSharma Traders,2026-01-05,S1,100\n"
    party += "Sharma Traders,2026-01-05,S1,40\nSharma Traders,2026-01-06,S2,70\n"
    await load_text(engine, tmp_path, SALES, party, "a.csv")
    await load_text(engine, tmp_path, ACCOUNTS, "account_id,name\nR-9,Sharma Traders\n")
    await load_text(
        engine, tmp_path, SALES, "customer_id,date,invoice,amount\nR-9,2026-01-05,S1,100\n"
    )
    report = await load_text(engine, tmp_path, SALES, party, "a.csv")
    assert report.what_was_written() == "2 sale lines moved, 3 unchanged, 1 removed"
    assert report.lines()[-1].endswith("3 rows read, 2 sale lines moved, 3 unchanged, 1 removed")
    again = await load_text(engine, tmp_path, SALES, party, "a.csv")
    assert again.what_was_written() == "nothing written, 3 sale lines unchanged"


async def test_two_accounts_moving_onto_one_keep_every_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A mapping names one account for two parties whose accounts, created by earlier
    loads, both hold a line of the same date and place, and so does the account: the
    three lines are three sales of that day, ledger entries alike."""
    sales = "customer,date,amount\nGupta & Co,2026-01-05,10\nGupta and Co,2026-01-05,20\n"
    await load_text(engine, tmp_path, SALES, sales, "a.csv")
    entries = "customer,date,amount,kind\nGupta & Co,2026-01-05,10,invoice\n"
    entries += "Gupta and Co,2026-01-05,20,invoice\n"
    await load_text(engine, tmp_path, LEDGER, entries, "l.csv")
    await load_text(engine, tmp_path, ACCOUNTS, "account_id,name\nG-1,Gupta\n")
    await load_text(engine, tmp_path, SALES, "customer_id,date,amount\nG-1,2026-01-05,30\n")
    await load_text(
        engine, tmp_path, LEDGER, "customer_id,date,amount,kind\nG-1,2026-01-05,30,invoice\n"
    )
    mapping = write_text(
        tmp_path, "map.csv", "party,account_id\nGupta & Co,G-1\nGupta and Co,G-1\n"
    )
    later = write_text(
        tmp_path,
        "later.csv",
        "customer,date,amount\nGupta & Co,2026-02-01,5\nGupta and Co,2026-02-01,6\n",
    )
    report = await ingest_file(engine, kind=SALES, path=later, accounts=mapping)
    assert await _lines(engine) == [
        ("G-1", 1, Decimal("30.00")),
        ("G-1", 2, Decimal("10.00")),
        ("G-1", 3, Decimal("20.00")),
        ("G-1", 1, Decimal("5.00")),
        ("G-1", 2, Decimal("6.00")),
    ]
    assert sorted(amount for *_key, amount in await _lines(engine, "ledger_entry")) == [
        Decimal("10.00"),
        Decimal("20.00"),
        Decimal("30.00"),
    ]
    assert (
        "Kept 2 sale lines and 2 ledger entries whose date, invoice and place the accounts "
        "they moved to held with another amount, as other lines of that day"
    ) in report.notes


_MINE = ("T", "S1", "S2")
_Line = tuple[int, str, int, int]  # day of January, invoice, place, amount
_lines_of = st.lists(
    st.tuples(
        st.integers(1, 2), st.sampled_from(["", "I1"]), st.integers(1, 3), st.sampled_from([10, 20])
    ),
    max_size=8,
    unique_by=lambda line: line[:3],
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=_lines_of, first=_lines_of, second=_lines_of)
async def test_a_move_keeps_every_line_but_those_the_account_holds_already(
    engine: AsyncEngine, target: list[_Line], first: list[_Line], second: list[_Line]
) -> None:
    """Whatever the lines of two accounts moving onto a third and of that account: after the
    move it holds its own and every moved line, but for the moved lines it held already
    (same key and amount), and the counts say so."""
    async with engine.begin() as connection:
        # The accounts of the last example go (an earlier test's rows may stay).
        for table in ("sale_line", "party_account", "account"):
            column = METADATA.tables[table].c.account_id
            await connection.execute(delete(METADATA.tables[table]).where(column.in_(_MINE)))
        apps = METADATA.tables["app"]
        await connection.execute(delete(apps).where(apps.c.app_id == "x"))
        await connection.execute(insert(apps), [{"app_id": "x"}])
        await connection.execute(
            insert(METADATA.tables["account"]),
            [{"account_id": a, "app_id": "x", "name": a} for a in ("T", "S1", "S2")],
        )
        await connection.execute(
            insert(METADATA.tables["party_account"]),
            [{"account_id": a, "app_id": "x", "party": a} for a in ("S1", "S2")],
        )
        rows = [
            {
                "account_id": account,
                "sale_date": dt.date(2026, 1, day),
                "invoice": invoice,
                "line": place,
                "amount": Decimal(amount),
            }
            for account, lines in (("T", target), ("S1", first), ("S2", second))
            for day, invoice, place, amount in lines
        ]
        if rows:
            await connection.execute(insert(METADATA.tables["sale_line"]), rows)
    held = set(target)
    dropped = [line for line in (*first, *second) if line in held]
    kept = Counter(
        (day, invoice, amount) for day, invoice, _place, amount in (*target, *first, *second)
    )
    kept.subtract((day, invoice, amount) for day, invoice, _place, amount in dropped)
    async with engine.begin() as connection:
        notes = await PartyMoves({"S1": "T", "S2": "T"})(connection, NoProgress())
        lines = METADATA.tables["sale_line"]
        result = await connection.execute(
            select(lines.c.account_id, lines.c.sale_date, lines.c.invoice, lines.c.amount).where(
                lines.c.account_id.in_(_MINE)
            )
        )
        after = result.all()
    assert {row[0] for row in after} <= {"T"}
    assert Counter((row[1].day, row[2], int(row[3])) for row in after) == +kept
    moved = len(first) + len(second) - len(dropped)

    def sale_lines(count: int) -> str:
        return "1 sale line" if count == 1 else f"{count} sale lines"

    assert notes[0].startswith(f"Moved {sale_lines(moved)} and 0 ledger entries of 2 accounts")
    said = " ".join(notes)
    assert (f"Dropped {sale_lines(len(dropped))} and" in said) == bool(dropped)


@pytest.mark.parametrize(
    ("own_period", "periods"),
    [
        # The account holds the moved accounts' period already: one row of it.
        ("1-Feb-26 to 28-Feb-26", [dt.date(2026, 2, 28)]),
        ("1-Jan-26 to 31-Jan-26", [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]),
    ],
)
async def test_ledger_periods_move_with_the_entries(
    engine: AsyncEngine, tmp_path: Path, own_period: str, periods: list[dt.date]
) -> None:
    """The period a titled ledger export states for its accounts (an account key's credit risk
    is measured on its end) follows their entries to the account they move to, once each."""
    entries = "Day Book\n1-Feb-26 to 28-Feb-26\ncustomer,date,amount,kind\n"
    entries += "Gupta & Co,2026-02-05,10,invoice\nGupta and Co,2026-02-05,20,invoice\n"
    await load_text(engine, tmp_path, LEDGER, entries, "l.csv")
    await load_text(engine, tmp_path, ACCOUNTS, "account_id,name\nG-1,Gupta\n")
    own = f"Day Book\n{own_period}\ncustomer_id,date,amount,kind\nG-1,2026-01-05,30,invoice\n"
    await load_text(engine, tmp_path, LEDGER, own, "own.csv")
    mapping = write_text(
        tmp_path, "map.csv", "party,account_id\nGupta & Co,G-1\nGupta and Co,G-1\n"
    )
    later = write_text(
        tmp_path,
        "later.csv",
        "customer,date,amount\nGupta & Co,2026-03-01,5\nGupta and Co,2026-03-01,6\n",
    )
    await ingest_file(engine, kind=SALES, path=later, accounts=mapping)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT account_id, period_end FROM ledger_period ORDER BY period_end")
        )
        stored = [(row[0], row[1]) for row in rows]
    assert [account for account, _end in stored] == ["G-1"] * len(periods)
    assert [str(end)[:10] for _account, end in stored] == [str(end) for end in periods]

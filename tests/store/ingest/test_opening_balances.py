"""The opening balance of the ledger of one party (the trial's Tally ledgers, in `tally/`) is
an entry of its own on the period's first day: in what is owed and in credit risk, never an
invoice or a payment; it counts for what the entries loaded before it do not give, so a next
period's opening balance never counts twice, a later period's survives the load of an earlier
one that does not reach it, and any order of loading the same ledgers gives the same balances
(on both stores); the closing balance line is checked against the entries, amount and side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import EntryKind, LedgerEntry, credit_measures
from analytics.export_amounts import Amount, Side
from store.ingest import IngestKind, IngestReport, ingest_file
from store.ingest.kinds.ledger_balances import LedgerBalances, OpeningCheck
from store.ingest.progress import NoProgress
from store.tables import CREDIT_RISK_TABLE, LEDGER_TABLE
from tests.api_client import StatementCounter
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
_NEXT = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
1-Jul-25 to 30-Sep-25
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,"{opening}",
5-Jul-25,To Sales Account,Sales,KD/25-26/011,"10,000.00",
,Closing Balance,,,,"{closing}"
"""


async def _load(engine: AsyncEngine, path: Path) -> IngestReport:
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")


async def _trial(engine: AsyncEngine) -> list[IngestReport]:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    return [
        await _load(engine, FIXTURES / name)
        for name in ("ledger_sharma_erp9.txt", "ledger_gupta_prime.csv", "ledger_iyer_balance.csv")
    ]


async def _credit(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    # account -> (invoiced, outstanding)
    return {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}


def _next_period(folder: Path, opening: str, closing: str) -> Path:
    path = folder / "ledger_sharma_next.csv"
    path.write_text(_NEXT.format(opening=opening, closing=closing), encoding="utf-8")
    return path


async def test_opening_balances_are_owed_but_not_invoiced(engine: AsyncEngine) -> None:
    sharma, gupta, iyer = await _trial(engine)
    openings = [
        row[:6]
        for row in await rows_of(engine, "ledger_entry")
        if row[2] == EntryKind.OPENING_DUE.value
    ]
    assert openings == [
        ("KAV-001", d("2025-04-01"), "opening due", "", 1, D("25000.00")),
        ("KAV-002", d("2025-04-01"), "opening due", "", 1, D("12000.00")),
    ]
    # Tally's closing balances: 28,706.00 Dr, 12,000.00 Dr, 60,000.00 Dr.
    credit = await _credit(engine)
    assert credit["KAV-001"] == (D("133706.00"), D("28706.00"))
    assert credit["KAV-002"] == (D("45600.00"), D("12000.00"))
    assert credit["Iyer Agencies"] == (D("67890.00"), D("60000.00"))
    assert "Closing balance 28,706.00 Dr agrees with the entries loaded" in sharma.notes
    assert "Closing balance 12,000.00 Dr agrees with the entries loaded" in gupta.notes
    assert "Closing balance 60,000.00 Dr agrees with the entries loaded" in iyer.notes
    assert any(note.startswith("Opening balance 12,000.00 (owed") for note in gupta.notes)
    again = await _load(engine, FIXTURES / "ledger_sharma_erp9.txt")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 6)


async def test_a_next_periods_opening_balance_is_checked_not_counted_twice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _trial(engine)
    report = await _load(engine, _next_period(tmp_path, "28,706.00", "38,706.00"))
    assert any(
        note.startswith("Opening balance of KAV-001 on 2025-07-01 (28,706.00 Dr) agrees")
        for note in report.notes
    )
    assert "Closing balance 38,706.00 Dr agrees with the entries loaded" in report.notes
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")
    # Stored (another load may yet come between), adding nothing.
    kinds = [row[2] for row in await rows_of(engine, "ledger_entry") if row[0] == "KAV-001"]
    assert kinds.count("opening due") == 2

    # The books' balance on 1 Jul is the opening's: it counts for what the entries before it
    # do not give, and the load says so; the file's own closing line disagrees with it.
    wrong = await _load(engine, _next_period(tmp_path, "30,000.00", "38,706.00"))
    assert any(
        "is 30,000.00 Dr but the 6 entries loaded before it give 28,706.00 Dr: it counts for "
        "the difference, 1,294.00 Dr" in note
        for note in wrong.notes
    )
    assert any(
        note.startswith(
            "Closing balance on line 7 is 38,706.00 written under Credit (a Cr balance, or Dr "
            "if it balances the columns) but the entries loaded (with the opening balance) give "
            "40,000.00 Dr"
        )
        for note in wrong.notes
    )
    assert (await _credit(engine))["KAV-001"][1] == D("40000.00")


async def test_an_earlier_period_loaded_later_is_checked_against_the_opening_balance(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    await _load(engine, _next_period(tmp_path, "28,706.00", "38,706.00"))
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")
    report = await _load(engine, FIXTURES / "ledger_sharma_erp9.txt")
    assert any(
        note.startswith(
            "Opening balance of KAV-001 on 2025-07-01 loaded before (28,706.00 Dr) agrees "
            "with the 6 entries loaded before it"
        )
        for note in report.notes
    ), report.notes
    assert (await _credit(engine))["KAV-001"][1] == D("38706.00")


# -- ledgers loaded in any order, with gaps and overlaps ----------------------------------

_PERIOD = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
{period}
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,"{opening}",
{lines}
,Closing Balance,,,,"{closing}"
"""
# Sharma's ledgers of 2025: Jan-Mar and Apr-Jun agree; Jul-Sep's opening (50,000 owed) is
# what the books say on 1 Jul, though no ledger of what came between is loaded; May-Jul
# overlaps Apr-Jun and Jul-Sep and agrees with Apr-Jun.
LEDGERS = {
    "q1": ("1-Jan-25 to 31-Mar-25", "0.00", ['5-Jan-25,Sales,Sales,A,"1,000.00",'], "1,000.00"),
    "q2": (
        "1-Apr-25 to 30-Jun-25",
        "1,000.00",
        ['10-May-25,Sales,Sales,B,"2,000.00",'],
        "3,000.00",
    ),
    "q3": (
        "1-Jul-25 to 30-Sep-25",
        "50,000.00",
        ['5-Jul-25,Sales,Sales,C,"10,000.00",'],
        "60,000.00",
    ),
    "may_jul": (
        "1-May-25 to 31-Jul-25",
        "1,000.00",
        ['10-May-25,Sales,Sales,B,"2,000.00",', '5-Jul-25,Sales,Sales,C,"10,000.00",'],
        "13,000.00",
    ),
}  # fmt: skip (in the order of their periods)


def _ledger(folder: Path, name: str) -> Path:
    period, opening, lines, closing = LEDGERS[name]
    path = folder / f"{name}.csv"
    text = _PERIOD.format(period=period, opening=opening, lines="\n".join(lines), closing=closing)
    path.write_text(text, encoding="utf-8")
    return path


async def _outstanding_after(engine: AsyncEngine, folder: Path, names: list[str]) -> D:
    for name in names:
        await _load(engine, _ledger(folder, name))
    return D((await _credit(engine))["KAV-001"][1])


async def test_an_earlier_ledger_does_not_drop_a_later_opening_balance(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Jul-Sep (50,000 owed on 1 Jul, then 10,000 invoiced), then Jan-Mar, which stops
    months before 1 Jul: what is owed stays 60,000 (it fell to 11,000 when the load of Jan-Mar
    removed the opening balance of 1 Jul)."""
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    assert await _outstanding_after(engine, tmp_path, ["q3"]) == D("60000.00")
    report = await _load(engine, _ledger(tmp_path, "q1"))
    assert (await _credit(engine))["KAV-001"][1] == D("60000.00")
    assert any(
        note.startswith(
            "Opening balance of KAV-001 on 2025-07-01 loaded before is 50,000.00 Dr but the "
            "2 entries loaded before it give 1,000.00 Dr: it counts for the difference, "
            "49,000.00 Dr"
        )
        for note in report.notes
    ), report.notes
    assert "Closing balance 1,000.00 Dr agrees with the entries loaded" in report.notes


@pytest.mark.parametrize(
    ("names", "owed"),
    [
        (["q1", "q3"], "60000.00"),  # the reverse order: the same
        (["q1", "q2"], "3000.00"),
        (["q2", "q1"], "3000.00"),
        (["q2", "may_jul"], "13000.00"),  # overlapping, agreeing: nothing counts twice
        (["may_jul", "q3", "q2"], "60000.00"),
    ],
)
async def test_ledgers_with_gaps_and_overlaps(
    engine: AsyncEngine, tmp_path: Path, names: list[str], owed: str
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    assert await _outstanding_after(engine, tmp_path, names) == D(owed)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(st.sampled_from(sorted(LEDGERS)), min_size=1, max_size=4, unique=True))
async def test_any_order_of_loading_gives_the_same_balance(
    engine: AsyncEngine, tmp_path: Path, names: list[str]
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    answers = []
    for order in (sorted(names, key=list(LEDGERS).index), names):
        async with engine.begin() as connection:
            await connection.execute(delete(LEDGER_TABLE))
            await connection.execute(delete(CREDIT_RISK_TABLE))
        answers.append(await _outstanding_after(engine, tmp_path, order))
    assert answers[0] == answers[1], names


# -- the closing balance line, amount and side ---------------------------------------------


async def test_a_closing_balance_under_its_own_side_agrees(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """12,000 owed written under Debit: TallyPrime's Ledger Vouchers print a debtor's closing
    balance under its own side (ERP 9's ledger account under the other, to balance the
    columns): either agrees, and nothing says the debits and credits are swapped."""
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    text = (FIXTURES / "ledger_gupta_prime.csv").read_text(encoding="utf-8")
    own_side = tmp_path / "gupta.csv"
    own_side.write_text(
        text.replace(',Closing Balance,,,,"12,000.00"', ',Closing Balance,,,"12,000.00",'),
        encoding="utf-8",
    )
    report = await _load(engine, own_side)
    assert "Closing balance 12,000.00 Dr agrees with the entries loaded" in report.notes
    assert not any("swapped" in note for note in report.notes), report.notes


@pytest.mark.parametrize(
    ("amount", "in_side_column", "agrees"),
    [
        (Amount(D("100"), Side.DEBIT), False, True),  # 100.00 Dr: its own side
        (Amount(D("100"), Side.CREDIT), False, False),
        (Amount(D("100"), Side.CREDIT), True, True),  # under Credit: Tally's other side
        (Amount(D("100"), Side.DEBIT), True, True),  # under Debit: its own side
        (Amount(D("100"), None), False, True),
        (Amount(D("-100"), None), False, False),
    ],
)
def test_a_closing_balance_agrees_in_amount_and_side(
    amount: Amount, in_side_column: bool, agrees: bool
) -> None:
    balances = LedgerBalances(())
    balances.take("closing", 9, amount, None, in_side_column=in_side_column)
    note = balances.closing_note([(EntryKind.INVOICE, D("150")), (EntryKind.PAYMENT, D("50"))])
    assert note is not None
    assert note.endswith("agrees with the entries loaded") is agrees, note


async def test_the_opening_check_sends_the_same_statements_for_any_number_of_parties(
    engine: AsyncEngine, sql_statements: StatementCounter
) -> None:
    async def statements(parties: int) -> int:
        rows = [
            (f"P{n}", dt.date(2025, 4, 1), EntryKind.OPENING_DUE.value, "", 1, D("10"), None)
            for n in range(parties)
        ] + [
            (f"P{n}", dt.date(2025, 4, 9), EntryKind.INVOICE.value, "I", 1, D("5"), None)
            for n in range(parties)
        ]
        sql_statements.reset()
        async with engine.begin() as connection:
            notes = await OpeningCheck(rows, list, None)(connection, NoProgress())
        assert len(notes) == parties
        return sql_statements.count

    assert await statements(1) == await statements(300) <= 2


def test_an_opening_advance_settles_the_first_invoices() -> None:
    entries = [
        LedgerEntry(dt.date(2025, 4, 1), EntryKind.OPENING_ADVANCE, D("500")),
        LedgerEntry(dt.date(2025, 4, 1), EntryKind.OPENING_DUE, D("0")),
        LedgerEntry(dt.date(2025, 4, 10), EntryKind.INVOICE, D("800")),
    ]
    measures = credit_measures(entries, as_of=dt.date(2025, 4, 20))
    assert measures.invoiced == D("800.00")
    assert measures.outstanding == D("300.00")


async def test_a_late_paid_opening_balance_counts_in_the_measures_from_its_day(
    engine: AsyncEngine,
) -> None:
    """The trial's Day Book, then Sharma's ledger, whose opening balance of 10,000 (1 April,
    due 1 May) was paid on 30 June, 60 days late, before the first invoice of the books (5
    April). The period starts on the opening balance's day, so that payment is measured
    (it was left out when the period started at the first invoice)."""
    for name in ("daybook_trial.csv", "ledger_sharma_opening.csv"):
        await _load(engine, FIXTURES / name)
    async with engine.connect() as connection:
        risk = CREDIT_RISK_TABLE.c
        row = (
            await connection.execute(
                select(
                    risk.as_of,
                    risk.invoiced,
                    risk.outstanding,
                    risk.average_days_late,
                    risk.days_sales_outstanding,
                ).where(risk.account_id == "Sharma Electricals")
            )
        ).one()
    as_of = dt.date(2025, 9, 19)  # the app's latest ledger date (Gupta's invoice)
    assert row.as_of == as_of
    # By hand: 45,000 paid on 30 June settles the opening 10,000 (due 1 May: 60 days late),
    # then 35,000 of the 5 April invoice (due 5 May: 56 days); still owed on 19 September:
    # 10,000 of it (137 days late), 30,000 of 18 May (due 17 June: 94 days), 12,500 of 9
    # August (due 8 September: 11 days).
    late = [(10_000, 60), (35_000, 56), (10_000, 137), (30_000, 94), (12_500, 11)]
    assert sum(amount for amount, _days in late) == 97_500
    average = sum(amount * days for amount, days in late) / 97_500
    assert row.average_days_late == pytest.approx(average)
    assert round(average, 2) == 70.64  # 71.86 with the opening balance left out
    # The DSO's period counts from 1 April (172 days to 19 September), not from 5 April;
    # invoiced is the invoices' 87,500 alone: the opening balance is owed, not invoiced.
    days = (as_of - dt.date(2025, 3, 31)).days
    assert days == 172
    assert (row.invoiced, row.outstanding) == (D("87500.00"), D("52500.00"))
    assert row.days_sales_outstanding == pytest.approx(52_500 / 87_500 * days)

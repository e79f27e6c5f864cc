"""Tally ledger accounts whose `Particulars` span two cells, the side word (`To`/`By`, or
`Dr`/`Cr`) in one and the other account in the unnamed column after it (a trial user's
files, in `tally/`): they load as the same ledger exported with `To Sales Account` in one
cell does, opening balance, entries and closing check alike, and a second layout of the same
ledger adds nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.ledger_balances import balance_line
from store.ingest.two_cell_particulars import (
    PARTICULARS_CONTINUED,
    is_side_word,
    join_particulars,
)
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"
ONE_CELL = FIXTURES / "ledger_sharma_erp9_one_cell.csv"
# Tally ERP 9 (`To`/`By`) and Tally Prime set to write `Dr`/`Cr`.
TWO_CELLS = [FIXTURES / "ledger_sharma_erp9_to_by.csv", FIXTURES / "ledger_sharma_prime_dr_cr.csv"]

SHARMA = [
    ("Sharma Electricals", d("2024-04-01"), "opening due", "", 1, D("25000.00")),
    ("Sharma Electricals", d("2024-04-05"), "invoice", "ST/24-25/010", 1, D("118000.00")),
    ("Sharma Electricals", d("2024-04-12"), "invoice", "ST/24-25/010", 1, D("10620.00")),
    ("Sharma Electricals", d("2024-04-30"), "payment", "RC/001", 1, D("50000.00")),
    ("Sharma Electricals", d("2024-05-15"), "invoice", "ST/24-25/021", 1, D("45250.00")),
    ("Sharma Electricals", d("2024-06-10"), "payment", "RC/014", 1, D("25000.00")),
]
CLOSING_AGREES = "Closing balance 123,870.00 Dr agrees with the entries loaded"
OPENING_LOADED = (
    "Opening balance 25,000.00 (owed by the customer) loaded as of 2024-04-01: in what is "
    "owed and in credit risk, not an invoice or a payment"
)


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return [row[:6] for row in await rows_of(engine, "ledger_entry")]


@pytest.mark.parametrize("party", [None, "Sharma Electricals"])
@pytest.mark.parametrize("path", TWO_CELLS, ids=["to_by", "dr_cr"])
async def test_a_side_word_column_loads_as_the_one_cell_ledger(
    engine: AsyncEngine, path: Path, party: str | None
) -> None:
    # With --party too, the `Opening Balance` in the unnamed cell is the opening, never an
    # invoice, and the closing balance is checked.
    report = await ingest_file(engine, kind=LEDGER, path=path, party=party)
    assert report.columns["customer"] == "Particulars"
    assert CLOSING_AGREES in report.notes
    assert OPENING_LOADED in report.notes
    assert "Skipped 3 total or balance lines" in report.notes
    assert await _entries(engine) == SHARMA
    assert [row[0] for row in await rows_of(engine, "account")] == ["Sharma Electricals"]


@pytest.mark.parametrize("second", TWO_CELLS, ids=["to_by", "dr_cr"])
@pytest.mark.parametrize("one_cell_first", [True, False])
async def test_both_layouts_of_one_ledger_store_its_opening_balance_once(
    engine: AsyncEngine, second: Path, one_cell_first: bool
) -> None:
    first, then = (ONE_CELL, second) if one_cell_first else (second, ONE_CELL)
    await ingest_file(engine, kind=LEDGER, path=first)
    report = await ingest_file(engine, kind=LEDGER, path=then)
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.unchanged) == (0, 0, 6)
    assert await _entries(engine) == SHARMA
    assert CLOSING_AGREES in report.notes


async def test_a_workbook_with_by_before_its_closing_balance(engine: AsyncEngine) -> None:
    report = await ingest_file(engine, kind=LEDGER, path=FIXTURES / "ledger_mehta_to_by.xlsx")
    assert "Closing balance 5,000.00 Dr agrees with the entries loaded" in report.notes
    assert await _entries(engine) == [
        ("Mehta & Sons", d("2024-04-03"), "invoice", "ST/24-25/002", 1, D("45000.00")),
        ("Mehta & Sons", d("2024-05-03"), "payment", "RC/005", 1, D("40000.00")),
    ]


async def test_a_name_in_the_named_cell_stays_the_party(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A party column followed by an unnamed column of notes: the names stand, the notes
    name no party."""
    path = tmp_path / "debtors.csv"
    path.write_text(
        "Date,Party,,Vch Type,Amount\n"
        "1-Apr-2024,Gupta Traders,urgent,Sales,100.00\n"
        "2-Apr-2024,Mehta & Sons,,Sales,200.00\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=LEDGER, path=path)
    assert [row[0] for row in await _entries(engine)] == ["Gupta Traders", "Mehta & Sons"]


_SIDES = st.sampled_from(["To", "By", "Dr", "Cr", "to", "BY", "Dr.", " cr ", "CR."])
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


@given(side=st.one_of(st.none(), _SIDES), account=_TEXT)
def test_a_side_word_or_a_blank_gives_way_to_the_account(side: str | None, account: str) -> None:
    row: dict[str, str | None] = {"customer": side, PARTICULARS_CONTINUED: account}
    join_particulars(row)
    assert row == {"customer": account}


@given(named=_TEXT, continued=st.one_of(st.none(), _TEXT))
def test_a_named_cell_that_is_no_side_word_is_kept(named: str, continued: str | None) -> None:
    row: dict[str, str | None] = {"customer": named, PARTICULARS_CONTINUED: continued}
    join_particulars(row)
    if continued is None or not is_side_word(named):
        assert row == {"customer": named}
    else:
        assert row == {"customer": continued}


@pytest.mark.parametrize("label", ["By Closing Balance", "Cr. Closing Balance"])
async def test_a_closing_balance_after_a_side_word_in_one_cell_is_checked(
    engine: AsyncEngine, tmp_path: Path, label: str
) -> None:
    """Tally ERP 9 prints `By Closing Balance` in one cell: a balance line, not an entry
    without a date."""
    path = tmp_path / "sharma.csv"
    text = ONE_CELL.read_text(encoding="utf-8")
    path.write_text(text.replace(",Closing Balance,", f",{label},"), encoding="utf-8")
    report = await ingest_file(engine, kind=LEDGER, path=path)
    assert CLOSING_AGREES in report.notes
    assert await _entries(engine) == SHARMA


@given(
    side=st.sampled_from(["", "To ", "By ", "Dr ", "cr. ", "BY  "]),
    label=st.sampled_from(["Opening Balance", "Closing Balance", "Op Bal", "c/f", "b/f"]),
)
def test_a_balance_label_is_one_after_any_side_word(side: str, label: str) -> None:
    expected = "opening" if label in ("Opening Balance", "Op Bal", "b/f") else "closing"
    assert balance_line({"customer": f"{side}{label}"}) == expected
    # A party whose name starts with a side word's letters is no balance line.
    assert balance_line({"customer": f"{side}Tobacco Traders"}) is None

"""A Tally Sales Register exported with the voucher register's own columns (`Debit Amount`,
`Credit Amount`: the columns of the Day Book, a register of every voucher type, of which the
Sales Register is the register of the sales vouchers) gives each voucher's party line, the
invoice's gross, taxes included, as a condensed Day Book does (docs/export-shapes.md). It was
stored as an amount before tax, so it replaced a stored amount before tax of the same invoice
(its columnar register's `Sales Account`) with the gross: revenue with the tax in it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from tests.store.ingest.test_taxed_amounts import BEFORE_TAX, REGISTER
from tests.store.sales_support import rows_of

D = Decimal

DEBIT_ONLY = """Kaveri Distributors Pvt Ltd
Sales Register
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00"
5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,"45,000.00"
"""
BOTH_SIDES = """Kaveri Distributors Pvt Ltd
Sales Register
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00",
5-Apr-25,Sharma Electricals,Sales,KD/25-26/002,"45,000.00",
"""


async def _lines(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(customer, date, invoice, amount, includes tax) of every stored sale line."""
    return [(r[0], r[1], r[2], r[4], r[8]) for r in await rows_of(engine, "sale_line")]


@pytest.mark.parametrize("text", [DEBIT_ONLY, BOTH_SIDES], ids=["debit-only", "both-sides"])
async def test_a_register_of_party_amounts_is_stored_with_tax(
    engine: AsyncEngine, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(text)
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert [line[3:] for line in await _lines(engine)] == [
        (D("123456.00"), True),
        (D("45000.00"), True),
    ]


@pytest.mark.parametrize("text", [DEBIT_ONLY, BOTH_SIDES], ids=["debit-only", "both-sides"])
async def test_it_never_replaces_the_amount_before_tax_of_its_columnar_register(
    engine: AsyncEngine, tmp_path: Path, text: str
) -> None:
    columnar, party = tmp_path / "columnar.csv", tmp_path / "register.csv"
    columnar.write_text(REGISTER)
    party.write_text(text)
    await ingest_file(engine, kind=IngestKind.SALES, path=columnar)
    report = await ingest_file(engine, kind=IngestKind.SALES, path=party)
    assert await _lines(engine) == BEFORE_TAX
    (note,) = [n for n in report.notes if n.startswith("Kept the amount before tax")]
    assert "KD/25-26/001 104623.73 (not 123456.00)" in note


# The register of one sales voucher type, titled by the type's name as Tally titles it.
EXPORT_REGISTER = """Kaveri Distributors Pvt Ltd
Export Sales Register
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Export Sales,KD/25-26/001,"1,23,456.00",
"""


async def test_the_register_of_a_sales_type_of_its_own_is_stored_with_tax(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """An `Export Sales Register` is the Sales Register of one voucher type: its
    `Debit Amount` is the invoice's gross too. Its title was not read as a sales register's,
    so its amount was stored as before tax."""
    path = tmp_path / "register.csv"
    path.write_text(EXPORT_REGISTER)
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert [line[3:] for line in await _lines(engine)] == [(D("123456.00"), True)]


async def test_the_register_of_a_sales_type_loaded_as_a_ledger_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """As the Sales Register is: sales vouchers only, every sale would stand unpaid."""
    path = tmp_path / "register.csv"
    path.write_text(EXPORT_REGISTER)
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path)
    assert "the title says this is a 'Export Sales Register': sales vouchers only" in str(
        caught.value
    )
    assert await rows_of(engine, "ledger_entry") == []


# The Sales Register's line of KD/25-26/001 alone (its first six lines).
FIRST_LINE = "".join(BOTH_SIDES.splitlines(keepends=True)[:6])
NEW_LINE = '9-Apr-25,Kaveri Traders,Sales,KD/25-26/003,"5,900.00",\n'


@pytest.mark.parametrize(
    ("text", "new", "summary"),
    [
        (FIRST_LINE, 0, "1 row read, nothing written, 1 sale line unchanged"),
        (FIRST_LINE + NEW_LINE, 1, "2 rows read, 1 sale line written, 1 unchanged"),
    ],
    ids=["only-line-kept", "one-kept-one-new"],
)
async def test_a_line_that_keeps_its_stored_amount_before_tax_counts_unchanged(
    engine: AsyncEngine, tmp_path: Path, text: str, new: int, summary: str
) -> None:
    """The line's invoice keeps its stored amount before tax: the line is not written, and
    the stored one stands for it. It was counted nowhere: a load of that line alone said
    `0 sale lines: 0 new, 0 changed, 0 unchanged` and `0 sale lines written`."""
    columnar, party = tmp_path / "columnar.csv", tmp_path / "register.csv"
    columnar.write_text(REGISTER)
    party.write_text(text)
    await ingest_file(engine, kind=IngestKind.SALES, path=columnar)
    report = await ingest_file(engine, kind=IngestKind.SALES, path=party)
    assert report.changes is not None
    changes = report.changes
    assert (changes.new, changes.changed, changes.unchanged) == (new, 0, 1)
    assert changes.total == report.rows_written
    assert report.summary().endswith(summary)
    # Its reload: every line unchanged.
    again = await ingest_file(engine, kind=IngestKind.SALES, path=party)
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 1 + new)
    stored = await _lines(engine)
    assert all(line in stored for line in BEFORE_TAX)

"""Two vouchers of one customer, number and date but of different types (Tally's `Sales 7` and
`Export Sales 7`, numbered apart) shared a sale line's and a ledger entry's key (customer, date,
number, place) until the type joined it (revisions 0026 and 0029): a later file holding one of
them must not write over the other's stored lines, nor delete them as a double when a re-dated
voucher lands on their date."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.ingest.test_voucher_identity import APRIL, HEADER, MAY, QB_REPORT
from tests.store.sales_support import rows_of

D = Decimal
SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER

# The sales register and the export sales register of April, each a file of its own.
DOMESTIC = HEADER + '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
EXPORT = HEADER + '3-Apr-25,Kaveri Traders,Export Sales,7,"80,000.00",\n'
# A whole ledger has payments too (a file of invoices alone is part of one, and changes nothing
# stored: `store.ingest.kinds.ledger_places`).
RECEIPT = '20-May-25,Kaveri Traders,Receipt,1,,"1,000.00"\n'
# April's Day Book re-exported after Sales 7 was re-dated to the day of May's Export Sales 7.
APRIL_ONTO_MAY = APRIL.replace("3-Apr-25,Kaveri", "6-May-25,Kaveri")


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _amounts(rows: list[tuple[object, ...]], kind: IngestKind) -> list[tuple[str, Decimal]]:
    return sorted(
        (str(row[1]), D(str(row[4] if kind is SALES else row[5])))
        for row in rows
        if row[0] == "Kaveri Traders" and (kind is SALES or row[2] == "invoice")
    )


# Sale lines keep their type in their key since revision 0026, ledger entries since 0029: both
# vouchers are stored (tests/store/ingest/test_voucher_type_keys.py,
# test_ledger_voucher_type_keys.py). Before 0029 a ledger load was refused here.
@pytest.mark.parametrize("kind", [LEDGER])
async def test_a_voucher_of_another_type_at_the_same_key_is_stored_beside_not_written_over(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    table = "sale_line" if kind is SALES else "ledger_entry"
    payments = RECEIPT if kind is LEDGER else ""
    domestic = _file(tmp_path, "d.csv", DOMESTIC + payments)
    await ingest_file(engine, kind=kind, path=domestic, app="distrib")
    export = _file(tmp_path, "e.csv", EXPORT + payments)
    await ingest_file(engine, kind=kind, path=export, app="distrib")
    assert _amounts(await rows_of(engine, table), kind) == [
        ("2025-04-03", D("80000.00")),
        ("2025-04-03", D("120000.00")),
    ]


@pytest.mark.parametrize("kind", [LEDGER])
async def test_a_voucher_re_dated_onto_another_types_voucher_deletes_neither(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    table = "sale_line" if kind is SALES else "ledger_entry"
    payments = RECEIPT if kind is LEDGER else ""
    for name, text in (("april.csv", APRIL + payments), ("may.csv", MAY)):
        await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="distrib")
    fixed = _file(tmp_path, "fixed.csv", APRIL_ONTO_MAY + payments)
    report = await ingest_file(engine, kind=kind, path=fixed, app="distrib")
    assert any("re-dated: 7 2025-04-03 -> 2025-05-06" in note for note in report.notes)
    assert _amounts(await rows_of(engine, table), kind) == [
        ("2025-05-06", D("80000.00")),
        ("2025-05-06", D("120000.00")),
    ]
    # Its reload changes nothing.
    again = await ingest_file(engine, kind=kind, path=fixed, app="distrib")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.removed) == (0, 0, 0)


async def test_the_day_book_holding_both_vouchers_loads_them_both(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """What the refusal says to do: a file with both vouchers of the day keeps both."""
    await ingest_file(engine, kind=SALES, path=_file(tmp_path, "d.csv", DOMESTIC), app="distrib")
    both = _file(tmp_path, "b.csv", DOMESTIC + EXPORT.removeprefix(HEADER))
    await ingest_file(engine, kind=SALES, path=both, app="distrib")
    assert _amounts(await rows_of(engine, "sale_line"), SALES) == [
        ("2025-04-03", D("80000.00")),
        ("2025-04-03", D("120000.00")),
    ]


@pytest.mark.parametrize("kind", [SALES, LEDGER])
async def test_a_quickbooks_number_used_again_a_year_later_moves_nothing(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """QuickBooks only warns when a number is used again: a business that starts its invoice
    numbers again each year has Invoice 1001 of a customer in two years' first quarters. The
    second report moved the first year's invoice into its own quarter and wrote over it."""
    table = "sale_line" if kind is SALES else "ledger_entry"
    first = QB_REPORT.format(period="January - March, 2024", kind="Invoice", day="01/10/2024")
    second = QB_REPORT.format(period="January - March, 2025", kind="Invoice", day="01/12/2025")
    second = second.replace("$300.00", "$450.00")
    for name, text in (("q1-2024.csv", first), ("q1-2025.csv", second)):
        report = await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="craig")
    assert not any("re-dated" in note for note in report.notes), report.notes
    rows = await rows_of(engine, table)
    assert sorted(
        (str(row[1]), D(str(row[4] if kind is SALES else row[5])))
        for row in rows
        if kind is SALES or row[2] == "invoice"
    ) == [("2024-01-10", D("300.00")), ("2025-01-12", D("450.00"))]

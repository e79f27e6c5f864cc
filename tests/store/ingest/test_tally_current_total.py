"""Tally's Ledger Vouchers (and its Cash or Bank Book) close with three footer lines under the
entries: `Opening Balance`, `Current Total` (the period's debits and credits summed) and
`Closing Balance`. Exported to Excel or CSV, the label stands in the Particulars column. The
`Current Total` line is a total, skipped and counted like `Grand Total`, never a bad line that
refuses the whole ledger; a party named `Current Total Ltd` stays a party (on both stores)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import EntryKind
from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.exports import is_summary_text
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
# TallyPrime's Ledger Vouchers of one party, footer included, as its export writes it.
_LEDGER: list[list[str | None]] = [
    ["Kaveri Distributors Pvt. Ltd."],
    ["Ledger: Gupta Traders"],
    ["1-Apr-25 to 30-Jun-25"],
    ["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"],
    [None, "Opening Balance", None, None, "12,000.00", None],
    ["3-Apr-25", "Sales Account", "Sales", "KD/25-26/002", "45,600.00", None],
    ["30-May-25", "ICICI Bank", "Receipt", "R/007", None, "40,000.00"],
    [None, "Current Total", None, None, "45,600.00", "40,000.00"],
    [None, "Closing Balance", None, None, None, "17,600.00"],
]


def _csv(folder: Path) -> Path:
    path = folder / "Ledger Gupta.csv"
    path.write_text(
        "\n".join(
            ",".join(f'"{cell}"' if cell is not None else "" for cell in row) for row in _LEDGER
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def _xlsx(folder: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in _LEDGER:
        sheet.append(row)
    path = folder / "Ledger Gupta.xlsx"
    workbook.save(path)
    return path


async def test_a_ledger_with_tallys_current_total_line_loads(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    for path in (_csv(tmp_path), _xlsx(tmp_path)):
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
        assert "Skipped 2 total or balance lines" in report.notes, report.notes
        assert "Closing balance 17,600.00 Dr agrees with the entries loaded" in report.notes, (
            report.notes
        )
    entries = [row[:6] for row in await rows_of(engine, "ledger_entry")]
    assert entries == [
        ("KAV-002", d("2025-04-01"), EntryKind.OPENING_DUE.value, "", 1, D("12000.00")),
        ("KAV-002", d("2025-04-03"), EntryKind.INVOICE.value, "KD/25-26/002", 1, D("45600.00")),
        ("KAV-002", d("2025-05-30"), EntryKind.PAYMENT.value, "R/007", 1, D("40000.00")),
    ]
    credit = {row[0]: (row[4], row[5]) for row in await rows_of(engine, "credit_risk")}
    assert credit["KAV-002"] == (D("45600.00"), D("17600.00"))


def test_current_total_is_a_total_but_a_company_of_that_name_is_not() -> None:
    assert is_summary_text("Current Total")
    assert is_summary_text("  CURRENT TOTAL ")
    assert not is_summary_text("Current Total Ltd")

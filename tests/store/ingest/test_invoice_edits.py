"""An invoice edited down to fewer items: the reload that holds it holds the whole invoice, so
the stored lines beyond the file's count go in the same transaction, counted in the summary
(store/ingest/kinds/stale_item_lines.py), and revenue and segments follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.stale_item_lines import StaleItemLines
from store.tables import METADATA
from tests.store.sales_support import rows_of

D = Decimal
DAY = dt.date(2024, 7, 2)
sale_line = METADATA.tables["sale_line"]
FIXTURES = Path(__file__).parent / "tally"
ZOHO_HEADER = (
    "Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer ID,Customer Name,"
    "Currency Code,SubTotal,Total,Balance,Item Name,Quantity,Item Price,Item Total"
)


def _zoho(folder: Path, name: str, items: list[tuple[str, str]]) -> Path:
    """Zoho item rows of INV-7 (the items given, as name and Item Total) and of INV-8 (one)."""
    subtotal = sum(D(total) for _name, total in items)
    rows = [
        f"2024-07-02,12007,INV-7,Paid,10001,Zenith Foods,INR,{subtotal},{subtotal},0.00,"
        f"{item},1,{total},{total}"
        for item, total in items
    ]
    rows.append(
        "2024-07-03,12008,INV-8,Paid,10002,Pioneer Mart,INR,900.00,900.00,0.00,Salt,1,900.00,900.00"
    )
    path = folder / name
    path.write_text("\n".join([ZOHO_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def _lines(engine: AsyncEngine) -> list[tuple[str, int, Decimal]]:
    return sorted((row[2], row[3], row[4]) for row in await rows_of(engine, "sale_line"))


async def _revenue(engine: AsyncEngine) -> Decimal:
    return sum((row[3] for row in await rows_of(engine, "quarter_segment")), D(0))


async def test_an_invoice_edited_down_to_fewer_items_loses_the_removed_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """INV-7 stored as lines 1..3; its re-export has two item rows: line 3 goes, the summary
    counts it removed, the segments' revenue is the two items' again, and a second reload of
    the same file removes and changes nothing."""
    first = _zoho(
        tmp_path, "first.csv", [("Rice", "100.00"), ("Sugar", "200.00"), ("Oil", "400.00")]
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=first, app="zoho")
    assert [line[:2] for line in await _lines(engine)] == [
        ("INV-7", 1),
        ("INV-7", 2),
        ("INV-7", 3),
        ("INV-8", 1),
    ]
    assert await _revenue(engine) == D("1600.00")
    edited = _zoho(tmp_path, "edited.csv", [("Rice", "100.00"), ("Sugar", "200.00")])

    report = await ingest_file(engine, kind=IngestKind.SALES, path=edited, app="zoho")

    assert await _lines(engine) == [
        ("INV-7", 1, D("100.00")),
        ("INV-7", 2, D("200.00")),
        ("INV-8", 1, D("900.00")),
    ]
    assert report.changes is not None
    assert report.changes.removed == 1
    assert "1 removed" in report.summary()
    assert await _revenue(engine) == D("1200.00")

    again = await ingest_file(engine, kind=IngestKind.SALES, path=edited, app="zoho")

    assert again.changes is not None
    assert (again.changes.removed, again.changes.changed, again.changes.new) == (0, 0, 0)
    assert len(await _lines(engine)) == 3
    assert await _revenue(engine) == D("1200.00")


async def test_lines_without_an_invoice_number_are_not_touched(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Lines without a number name no invoice: a file with one of three no longer there
    replaces the lines it has and leaves the third (it cannot tell it is the same sale)."""
    path = tmp_path / "register.csv"
    path.write_text(
        "Date,Customer,Invoice No,Amount\n"
        "2024-07-02,C1,,100.00\n2024-07-02,C1,,200.00\n2024-07-02,C1,,300.00\n"
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    path.write_text(
        "Date,Customer,Invoice No,Amount\n2024-07-02,C1,,100.00\n2024-07-02,C1,,200.00\n"
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path)
    assert report.changes is not None
    assert report.changes.removed == 0
    assert len(await _lines(engine)) == 3


async def test_a_detailed_register_voucher_edited_down_loses_the_removed_item(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally's detailed register: S/201's items Widget A and B stored as lines 1 and 2; the
    voucher edited to Widget A alone (1,000.00) is line 1 alone on reload."""
    register = (FIXTURES / "sales_detailed.csv").read_text()
    await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "sales_detailed.csv", app="sharma"
    )
    assert [line[:2] for line in await _lines(engine)] == [("S/201", 1), ("S/201", 2), ("S/202", 1)]
    edited = tmp_path / "detailed.csv"
    edited.write_text(
        register.replace('"1,500.00"', '"1,000.00"')
        .replace(",  Widget B,,,5 Nos,100.00,500.00\n", "")
        .replace('"3,500.00"', '"3,000.00"')
        .replace("35 Nos", "30 Nos"),
        encoding="utf-8",
    )

    report = await ingest_file(engine, kind=IngestKind.SALES, path=edited, app="sharma")

    assert await _lines(engine) == [("S/201", 1, D("1000.00")), ("S/202", 1, D("2000.00"))]
    assert report.changes is not None
    assert report.changes.removed == 1
    assert await _revenue(engine) == D("3000.00")


_INVOICES = st.sampled_from([("A1", "INV-1"), ("A1", "INV-2"), ("A2", "INV-1"), ("A2", "")])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stored=st.dictionaries(_INVOICES, st.integers(1, 4), max_size=4),
    in_file=st.dictionaries(_INVOICES, st.integers(1, 4), max_size=4),
)
async def test_the_file_s_invoices_keep_as_many_stored_lines_as_it_has(
    engine: AsyncEngine,
    stored: dict[tuple[str, str], int],
    in_file: dict[tuple[str, str], int],
) -> None:
    """Whatever lines are stored and whatever a file holds: after the removal, an invoice with
    a number in the file keeps its stored lines up to the file's count, every other invoice
    (not in the file, or without a number) keeps all its lines, and the count removed is the
    difference (in a transaction rolled back: nothing stays from one example to the next)."""
    async with engine.connect() as connection, connection.begin() as transaction:
        await connection.execute(insert(METADATA.tables["app"]), [{"app_id": "a"}])
        await connection.execute(
            insert(METADATA.tables["account"]),
            [{"account_id": name, "app_id": "a", "name": name} for name in ("A1", "A2")],
        )
        lines = [
            {"account_id": account, "sale_date": DAY, "invoice": invoice, "line": line, "amount": 1}
            for (account, invoice), count in stored.items()
            for line in range(1, count + 1)
        ]
        if lines:
            await connection.execute(insert(METADATA.tables["sale_line"]), lines)
        rows = [
            (account, DAY, invoice, line, D(1))
            for (account, invoice), count in in_file.items()
            for line in range(1, count + 1)
        ]

        removed = await StaleItemLines(rows).remove(connection)

        expected = {
            key: min(count, in_file[key]) if key[1] and key in in_file else count
            for key, count in stored.items()
        }
        result = await connection.execute(
            select(sale_line.c.account_id, sale_line.c.invoice, func.count()).group_by(
                sale_line.c.account_id, sale_line.c.invoice
            )
        )
        assert {(account, invoice): count for account, invoice, count in result} == expected
        assert removed == sum(stored.values()) - sum(expected.values())
        await transaction.rollback()

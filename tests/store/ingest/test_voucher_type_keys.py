"""A sale line's key holds its voucher type (revision 0026): Tally numbers each voucher type
apart, so one customer's `Sales 7` (Sales Register) and `Export Sales 7` (Export Sales
Register) of one day are two vouchers, loaded from either register in either order, or from
one Day Book holding both; a line of no known type still matches a typed one of its number;
a file without types cannot say which of two stored types it is, and is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from tests.store.sales_support import rows_of

D = Decimal
SALES = IngestKind.SALES
HEADER = "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
DOMESTIC_LINE = '3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",\n'
EXPORT_LINE = '3-Apr-25,Kaveri Traders,Export Sales,7,"80,000.00",\n'
DOMESTIC = HEADER + DOMESTIC_LINE
EXPORT = HEADER + EXPORT_LINE
DAY_BOOK = HEADER + DOMESTIC_LINE + EXPORT_LINE
# A file without a type column (a plain CSV of the invoices).
PLAIN = "Date,Customer,Invoice,Amount\n"
BOTH = [("export sales", D("80000.00")), ("sales", D("120000.00"))]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _load(engine: AsyncEngine, folder: Path, name: str, text: str) -> object:
    return await ingest_file(engine, kind=SALES, path=_file(folder, name, text), app="distrib")


async def _vouchers(engine: AsyncEngine) -> list[tuple[str, Decimal]]:
    rows = await rows_of(engine, "sale_line")
    columns = await _columns(engine)
    kind = columns.index("voucher_type")
    return sorted(
        (row[kind], D(str(row[4]))) for row in rows if row[0] == "Kaveri Traders" and row[2] == "7"
    )


async def _columns(engine: AsyncEngine) -> list[str]:
    from store.tables import METADATA

    return [column.name for column in METADATA.tables["sale_line"].columns]


async def _quarter(engine: AsyncEngine) -> tuple[int, Decimal]:
    (row,) = [row for row in await rows_of(engine, "quarter_segment") if row[1] == "2025-Q2"]
    return row[2], D(str(row[3]))


@pytest.mark.parametrize(
    "files",
    [
        [("d.csv", DOMESTIC), ("e.csv", EXPORT)],
        [("e.csv", EXPORT), ("d.csv", DOMESTIC)],
        [("b.csv", DAY_BOOK)],
        [("d.csv", DOMESTIC), ("b.csv", DAY_BOOK)],
    ],
    ids=["sales-then-export", "export-then-sales", "day-book", "sales-then-day-book"],
)
async def test_both_registers_store_both_vouchers_and_reloads_change_nothing(
    engine: AsyncEngine, tmp_path: Path, files: list[tuple[str, str]]
) -> None:
    for name, text in files:
        await _load(engine, tmp_path, name, text)
    assert await _vouchers(engine) == BOTH
    # Revenue and orders of the quarter count both vouchers.
    assert await _quarter(engine) == (2, D("200000.00"))
    for name, text in [("d.csv", DOMESTIC), ("e.csv", EXPORT), ("b.csv", DAY_BOOK)]:
        report = await _load(engine, tmp_path, name, text)
        changes = report.changes  # type: ignore[attr-defined]
        assert (changes.new, changes.changed, changes.removed) == (0, 0, 0), name
    assert await _vouchers(engine) == BOTH
    assert await _quarter(engine) == (2, D("200000.00"))


async def test_a_cancelled_export_sale_removes_only_its_own_types_lines(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "d.csv", DOMESTIC)
    await _load(engine, tmp_path, "e.csv", EXPORT)
    cancelled = HEADER + "3-Apr-25,(cancelled),Export Sales,7,,\n"
    await _load(engine, tmp_path, "c.csv", cancelled)
    assert await _vouchers(engine) == [("sales", D("120000.00"))]
    assert await _quarter(engine) == (1, D("120000.00"))


async def test_an_edited_register_changes_only_its_own_voucher(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "b.csv", DAY_BOOK)
    await _load(engine, tmp_path, "e.csv", EXPORT.replace("80,000.00", "85,000.00"))
    assert await _vouchers(engine) == [
        ("export sales", D("85000.00")),
        ("sales", D("120000.00")),
    ]


async def test_an_untyped_file_writes_into_the_one_type_stored(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "d.csv", DOMESTIC)
    report = await _load(engine, tmp_path, "p.csv", PLAIN + "2025-04-03,Kaveri Traders,7,125000\n")
    assert report.changes.changed == 1  # type: ignore[attr-defined]
    assert await _vouchers(engine) == [("sales", D("125000.00"))]


async def test_an_untyped_file_matching_two_stored_types_is_refused_in_one_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "b.csv", DAY_BOOK)
    before = await rows_of(engine, "sale_line")
    with pytest.raises(FileRejected) as caught:
        await _load(engine, tmp_path, "p.csv", PLAIN + "2025-04-03,Kaveri Traders,7,125000\n")
    message = str(caught.value)
    assert "\n" not in message
    assert "invoice 7 of Kaveri Traders" in message
    assert "stored as 2 vouchers of different types" in message
    assert await rows_of(engine, "sale_line") == before


@pytest.mark.parametrize("typed", [DOMESTIC, DAY_BOOK], ids=["one-type", "two-types"])
async def test_a_typed_file_takes_untyped_lines_of_its_key(
    engine: AsyncEngine, tmp_path: Path, typed: str
) -> None:
    """Lines of no known type (a plain CSV, or stored before types were kept) are the typed
    voucher of their number: never a second invoice beside it."""
    await _load(engine, tmp_path, "p.csv", PLAIN + "2025-04-03,Kaveri Traders,7,120000\n")
    await _load(engine, tmp_path, "t.csv", typed)
    expected = [("sales", D("120000.00"))] if typed == DOMESTIC else BOTH
    assert await _vouchers(engine) == expected


async def test_re_dating_moves_only_a_voucher_of_its_type(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "b.csv", DAY_BOOK)
    report = await _load(engine, tmp_path, "d.csv", DOMESTIC.replace("3-Apr-25", "4-Apr-25"))
    assert any("re-dated" in str(note) for note in report.notes)  # type: ignore[attr-defined]
    rows = await rows_of(engine, "sale_line")
    kind = (await _columns(engine)).index("voucher_type")
    assert sorted((str(row[1]), row[kind]) for row in rows) == [
        ("2025-04-03", "export sales"),
        ("2025-04-04", "sales"),
    ]
    # Sales 7 re-dated onto Export Sales 7's day: two vouchers there, neither deleted.
    await _load(engine, tmp_path, "e.csv", DOMESTIC)
    assert await _vouchers(engine) == BOTH


async def test_a_renamed_voucher_type_keeps_one_voucher(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Tally lets a user rename `Sales` to `Domestic Sales`: the reload gives the same voucher
    (customer, date, number, amounts) under the new name, and the file has no `Sales`
    voucher any more. The stored lines take the new name; nothing is doubled."""
    await _load(engine, tmp_path, "d.csv", DOMESTIC)
    renamed = DOMESTIC.replace(",Sales,", ",Domestic Sales,")
    report = await _load(engine, tmp_path, "r.csv", renamed)
    assert any("'sales' -> 'domestic sales'" in str(n) for n in report.notes)  # type: ignore[attr-defined]
    assert await _vouchers(engine) == [("domestic sales", D("120000.00"))]
    assert await _quarter(engine) == (1, D("120000.00"))


async def test_a_second_register_of_equal_amounts_is_no_rename(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`Export Sales 7` of the day and amount of a stored `Sales 7`: a second voucher, not the
    first renamed, when the customer has another `Sales` voucher within the register's dates
    (a rename would have renamed that one too)."""
    sales = DOMESTIC + '9-Apr-25,Kaveri Traders,Sales,8,"5,000.00",\n'
    await _load(engine, tmp_path, "d.csv", sales)
    export = EXPORT.replace("80,000.00", "1,20,000.00")
    await _load(
        engine, tmp_path, "e.csv", export + '10-Apr-25,Mehta & Sons,Export Sales,9,"700.00",\n'
    )
    assert await _vouchers(engine) == [
        ("export sales", D("120000.00")),
        ("sales", D("120000.00")),
    ]


async def test_a_rename_taken_wrongly_is_undone_by_the_other_register(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The one case a rename and a second register look alike (one voucher each, same number,
    day and amount): the other register's next load stores its voucher beside, nothing lost."""
    other = '5-Apr-25,Sharma Electricals,Sales,3,"9,000.00",\n'
    await _load(engine, tmp_path, "d.csv", DOMESTIC + other)
    export = EXPORT.replace("80,000.00", "1,20,000.00")
    await _load(engine, tmp_path, "e.csv", export)
    await _load(engine, tmp_path, "d.csv", DOMESTIC + other)
    assert await _vouchers(engine) == [
        ("export sales", D("120000.00")),
        ("sales", D("120000.00")),
    ]


# A Tally register titled with its company and period (`analytics/book_titles.py`,
# `analytics/report_period.py`).
KAVERI = "Kaveri Distributors Pvt. Ltd."
_TITLE = "{company}\n{register}\n1-Apr-25 to 30-Apr-25\n\n"


def _titled(register: str, lines: str, company: str | None = KAVERI) -> str:
    title = "" if company is None else _TITLE.format(company=company, register=register)
    return title + HEADER + lines


async def _stored_lines(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """(invoice, line, voucher type, amount, book) of every sale line, sorted."""
    from sqlalchemy import select

    from store.tables import METADATA

    table = METADATA.tables["sale_line"]
    names = ("invoice", "line", "voucher_type", "amount", "book")
    async with engine.connect() as connection:
        rows = await connection.execute(select(*(table.c[name] for name in names)))
    return sorted((*row[:3], D(str(row[3])), row[4]) for row in rows)


async def _insert_untyped(engine: AsyncEngine, *, line: int, amount: str, book: str = "") -> None:
    """A line of invoice 7 of no known type, as a store of an older revision kept it (a plain
    CSV loaded beside a register before lending and voucher types were kept)."""
    from sqlalchemy import insert

    from store.tables import METADATA

    async with engine.begin() as connection:
        await connection.execute(
            insert(METADATA.tables["sale_line"]).values(
                account_id="Kaveri Traders",
                sale_date=dt.date(2025, 4, 3),
                invoice="7",
                line=line,
                amount=D(amount),
                voucher_type="",
                book=book,
            )
        )


@pytest.mark.parametrize("company", [KAVERI, None], ids=["named-book", "no-known-book"])
async def test_a_typed_reload_drops_an_untyped_line_beside_its_typed_line(
    engine: AsyncEngine, tmp_path: Path, company: str | None
) -> None:
    """A register's `Sales 7` stored beside a line of no known type and book at
    the same place (a plain CSV of it, loaded before such lines were lent to the register's
    book). The register's reload took the untyped line into its book, then left it beside its
    own typed line (120,000 counted twice). It is that voucher: removed, and said so."""
    from analytics.book_names import book_key

    text = _titled("Sales Register", DOMESTIC_LINE, company)
    await _load(engine, tmp_path, "d.csv", text)
    await _insert_untyped(engine, line=1, amount="120000.00")
    report = await _load(engine, tmp_path, "d.csv", text)
    book = "" if company is None else book_key(company)
    assert await _stored_lines(engine) == [("7", 1, "sales", D("120000.00"), book)]
    assert await _quarter(engine) == (1, D("120000.00"))
    assert report.changes.removed == 1  # type: ignore[attr-defined]
    again = await _load(engine, tmp_path, "d.csv", text)
    changes = again.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.removed, changes.recorded) == (0, 0, 0, ())


async def test_recorded_types_count_only_the_lines_the_load_keeps(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Untyped lines 1 and 2 of `Sales 7` (an older load stored one line per
    item row); the typed register has one line. Line 2 is taken as the voucher's, then trimmed:
    only line 1's type is recorded (before: `recorded the voucher type of 2`)."""
    await _load(engine, tmp_path, "p.csv", PLAIN + "2025-04-03,Kaveri Traders,7,120000\n")
    await _insert_untyped(engine, line=2, amount="5000.00")
    report = await _load(engine, tmp_path, "d.csv", DOMESTIC)
    assert await _stored_lines(engine) == [("7", 1, "sales", D("120000.00"), "")]
    changes = report.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.removed) == (0, 0, 1)
    assert changes.recorded == (("voucher_type", 1),)
    assert "recorded the voucher type of 1, 1 removed" in report.changes_line()  # type: ignore[attr-defined]


async def test_a_rename_is_judged_over_the_titles_period_not_the_files_dates(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The Sales Register of April holds `Sales 7` (3 April) and `Sales 8`
    (20 April) of one customer; the Export Sales Register of April holds only `Export Sales 7`
    of 3 April at `Sales 7`'s amount. A rename would have renamed `Sales 8` too, and it is
    within the period the title states, though beyond the file's own dates (3 April only):
    a second voucher, stored beside (before: taken for a rename, `Sales 7` lost)."""
    sales = DOMESTIC_LINE + '20-Apr-25,Kaveri Traders,Sales,8,"5,000.00",\n'
    await _load(engine, tmp_path, "d.csv", _titled("Sales Register", sales))
    export = EXPORT_LINE.replace("80,000.00", "1,20,000.00")
    report = await _load(engine, tmp_path, "e.csv", _titled("Export Sales Register", export))
    assert not any("Renamed" in str(note) for note in report.notes)  # type: ignore[attr-defined]
    assert await _vouchers(engine) == [
        ("export sales", D("120000.00")),
        ("sales", D("120000.00")),
    ]


@pytest.mark.parametrize("register", ["Sales Register", "Export Sales Register"])
async def test_a_titled_day_book_after_one_register_stores_the_other_voucher(
    engine: AsyncEngine, tmp_path: Path, register: str
) -> None:
    """Found by the property of `test_voucher_type_keys_property.py`: a titled Day Book's
    amounts include tax, and a stored amount below an invoice's gross is kept as its amount
    before tax. The two types' vouchers were summed as one invoice (200,000 against the
    register's 80,000 or 120,000): the Day Book's other voucher was taken for that one with
    its tax and not written. Each type's invoice is compared with its own stored lines."""
    line = EXPORT_LINE if register.startswith("Export") else DOMESTIC_LINE
    await _load(engine, tmp_path, "r.csv", _titled(register, line))
    report = await _load(
        engine, tmp_path, "b.csv", _titled("Day Book", DOMESTIC_LINE + EXPORT_LINE)
    )
    assert not any("before tax" in str(note) for note in report.notes)  # type: ignore[attr-defined]
    assert await _vouchers(engine) == BOTH
    assert await _quarter(engine) == (2, D("200000.00"))


async def test_a_renamed_type_reloaded_gross_keeps_one_voucher_and_its_amounts_before_tax(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The columnar Sales Register stores `Sales` KD/25-26/001 and 002 before tax
    (`Sales Account`); the type is then renamed `Domestic Sales` in the books, and the Sales
    Register in the voucher register's columns gives both gross (`Debit Amount`). The rename
    was judged on equal amounts only, so each voucher was written beside as a second one (the
    revenue twice, once with its tax). Where the file is gross, a stored amount before tax
    below it is the same voucher's: renamed, and the amounts before tax stay."""
    from sqlalchemy import select

    from store.tables import METADATA
    from tests.store.ingest.test_register_party_amounts import BOTH_SIDES
    from tests.store.ingest.test_taxed_amounts import REGISTER

    async def stored() -> list[tuple[object, ...]]:
        table = METADATA.tables["sale_line"]
        names = ("invoice", "line", "voucher_type", "amount", "includes_tax")
        async with engine.connect() as connection:
            rows = await connection.execute(select(*(table.c[name] for name in names)))
        return sorted((row[0], row[1], row[2], D(str(row[3])), bool(row[4])) for row in rows)

    await _load(engine, tmp_path, "c.csv", REGISTER)
    gross = BOTH_SIDES.replace(",Sales,", ",Domestic Sales,")
    report = await _load(engine, tmp_path, "g.csv", gross)
    expected = [
        ("KD/25-26/001", 1, "domestic sales", D("104623.73"), False),
        ("KD/25-26/002", 1, "domestic sales", D("38135.60"), False),
    ]
    assert await stored() == expected
    notes = [str(note) for note in report.notes]  # type: ignore[attr-defined]
    assert any("'sales' -> 'domestic sales'" in note for note in notes)
    assert any(note.startswith("Kept the amount before tax of 2 invoices") for note in notes)
    changes = report.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.unchanged) == (0, 0, 2)
    again = await _load(engine, tmp_path, "g.csv", gross)
    changes = again.changes  # type: ignore[attr-defined]
    assert (changes.new, changes.changed, changes.removed, changes.recorded) == (0, 0, 0, ())
    assert await stored() == expected


@pytest.mark.parametrize(
    ("gross", "renamed"),
    [
        ("1,23,456.00", True),
        ("1,33,918.37", True),
        ("1,46,473.22", True),
        ("1,46,474.23", False),
        ("2,50,000.00", False),
    ],
    ids=["gst-18", "at-28", "at-40", "past-40", "far-past"],
)
async def test_a_new_types_gross_voucher_is_a_rename_only_within_a_tax_rate(
    engine: AsyncEngine, tmp_path: Path, gross: str, renamed: bool
) -> None:
    """The columnar Sales Register stores `Sales` KD/25-26/001 of Kaveri Traders before tax
    (1,04,623.73); a gross register of a new type, `Export Sales`, then has that customer's
    only voucher at the same number and day. Its gross is the stored amount with tax only up
    to India's highest GST rate (40% since 22 September 2025: 1,46,473.22) and a rupee of
    rounding: beyond, it is another voucher, stored beside. Before, any stored amount below the
    gross was taken for its amount before tax: the export sale of 2,50,000.00 renamed `Sales`
    KD/25-26/001 and kept its 1,04,623.73; and a gross at the 40% rate was another voucher,
    its revenue counted twice."""
    from sqlalchemy import select

    from store.tables import METADATA
    from tests.store.ingest.test_taxed_amounts import REGISTER

    async def stored() -> list[tuple[object, ...]]:
        table = METADATA.tables["sale_line"]
        names = ("invoice", "voucher_type", "amount", "includes_tax")
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(*(table.c[name] for name in names)).where(
                    table.c.account_id == "Kaveri Traders"
                )
            )
        return sorted((row[0], row[1], D(str(row[2])), bool(row[3])) for row in rows)

    await _load(engine, tmp_path, "c.csv", REGISTER)
    export = (
        "Kaveri Distributors Pvt Ltd\nExport Sales Register\n1-Apr-25 to 30-Apr-25\n\n"
        "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        f'1-Apr-25,Kaveri Traders,Export Sales,KD/25-26/001,"{gross}",\n'
    )
    report = await _load(engine, tmp_path, "x.csv", export)

    before_tax = ("KD/25-26/001", "sales", D("104623.73"), False)
    if renamed:
        assert await stored() == [("KD/25-26/001", "export sales", D("104623.73"), False)]
    else:
        amount = D(gross.replace(",", ""))
        assert await stored() == [("KD/25-26/001", "export sales", amount, True), before_tax]
    notes = [str(note) for note in report.notes]  # type: ignore[attr-defined]
    assert any("'sales' -> 'export sales'" in note for note in notes) == renamed

"""QuickBooks Online's Transaction List by Customer: each customer's name alone on a line over
its transactions, no `Total for` lines (a transaction list has no totals), and an `Account`
column holding the ledger account each line posts to (`Accounts Receivable (A/R)`,
`Undeposited Funds`, `-Split-`), never the customer. Loaded as sales and as a ledger, the
customers come from the headings. Every figure below is the file's, added by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.guessing import ROW_LABEL
from store.ingest.kinds.group_headings import GroupHeadings
from store.ingest.reading import Row
from tests.store.sales_support import d, rows_of

D = Decimal
LIST = Path(__file__).parent / "tally" / "qbo_transaction_list_by_customer.csv"
AMY, BILL, COOL = "Amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars"
# The Estimate (Posting `No`), the payments and the voided invoice at 0.00 are no sales.
SALES = [
    (AMY, d("2024-04-03"), "1001", D("1200.00"), "invoice"),
    (BILL, d("2024-05-02"), "1003", D("850.00"), "invoice"),
    (BILL, d("2024-05-18"), "1004", D("225.50"), "sales receipt"),
    (BILL, d("2024-06-12"), "1005", D("2400.00"), "invoice"),
    (COOL, d("2024-06-07"), "1007", D("3100.00"), "invoice"),
    (COOL, d("2024-06-25"), "1008", D("-300.00"), "credit memo"),
]
ENTRIES = [
    (AMY, d("2024-04-03"), "invoice", "1001", D("1200.00")),
    (AMY, d("2024-04-20"), "payment", "", D("1200.00")),
    (BILL, d("2024-05-02"), "invoice", "1003", D("850.00")),
    (BILL, d("2024-05-18"), "invoice", "1004", D("225.50")),
    (BILL, d("2024-05-18"), "payment", "1004", D("225.50")),
    (BILL, d("2024-06-12"), "invoice", "1005", D("2400.00")),
    (BILL, d("2024-06-28"), "payment", "", D("850.00")),
    (COOL, d("2024-06-07"), "invoice", "1007", D("3100.00")),
    (COOL, d("2024-06-25"), "payment", "1008", D("300.00")),
]
# Amy: 1,200.00 invoiced, 1,200.00 paid. Bill: 850.00 + 2,400.00 invoiced (the Sales Receipt
# paid on the spot), 850.00 paid. Cool Cars: 3,100.00 less the 300.00 credit memo.
OUTSTANDING = {AMY: D("0.00"), BILL: D("2400.00"), COOL: D("2800.00")}
UNTOTALLED = (
    "Customers read from group headings: 3 customers named over their lines (the file has no "
    "customer column; each heading over its lines up to the next, no totals)"
)


def _with_totals(folder: Path) -> Path:
    """The same list with a `Total for NAME` line closing each customer's group."""
    lines = LIST.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    group: str | None = None
    for line in lines:
        name = line.split(",")[0].strip('"')
        heading = name and line.endswith(",,,,,,,") and not name.startswith("Accrual")
        if (heading or line == ",,,,,,,") and group is not None:
            out.append(f"Total for {group},,,,,,,")
            group = None
        if heading:
            group = name
        out.append(line)
    path = folder / "with_totals.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _sales(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(row[0], row[1], row[2], row[4], row[9]) for row in rows]


def _entries(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(row[0], row[1], row[2], row[3], row[5]) for row in rows]


@pytest.mark.parametrize("totals", [False, True], ids=["as_exported", "with_totals"])
async def test_sales_take_the_customers_from_the_headings(
    engine: AsyncEngine, tmp_path: Path, totals: bool
) -> None:
    path = _with_totals(tmp_path) if totals else LIST
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert report.columns["customer"] == "(group headings)"
    assert "Account" in report.ignored_columns
    assert (UNTOTALLED in report.notes) is not totals
    assert _sales(await rows_of(engine, "sale_line")) == SALES
    again = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 6)


@pytest.mark.parametrize("totals", [False, True], ids=["as_exported", "with_totals"])
async def test_the_ledger_takes_the_customers_from_the_headings(
    engine: AsyncEngine, tmp_path: Path, totals: bool
) -> None:
    path = _with_totals(tmp_path) if totals else LIST
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="qbo")
    assert report.columns["customer"] == "(group headings)"
    assert (UNTOTALLED in report.notes) is not totals
    assert _entries(await rows_of(engine, "ledger_entry")) == ENTRIES
    assert {row[0]: row[5] for row in await rows_of(engine, "credit_risk")} == OUTSTANDING
    accounts = {row[0] for row in await rows_of(engine, "account")}
    assert accounts == {AMY, BILL, COOL}


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_dropping_the_customer_column_leaves_it_to_the_headings(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """`--column customer=` says no column names the customer: the headings do."""
    path = _with_totals(tmp_path)
    report = await ingest_file(engine, kind=kind, path=path, app="qbo", columns={"customer": None})
    assert report.columns["customer"] == "(group headings)"
    assert {row[0] for row in await rows_of(engine, "account")} == {AMY, BILL, COOL}


async def test_naming_the_account_column_still_takes_it(engine: AsyncEngine) -> None:
    """The user has the last word: `--column customer=Account` takes that column."""
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=LIST, app="qbo", columns={"customer": "Account"}
    )
    assert report.columns["customer"] == "Account"
    assert {row[0] for row in await rows_of(engine, "sale_line")} == {
        "Accounts Receivable (A/R)",
        "Undeposited Funds",
    }


async def test_a_name_column_beside_the_account_gives_the_customer(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A QuickBooks report with both (a transaction list customised to show `Name`): `Name`
    is the customer, never the ledger account."""
    path = tmp_path / "with_names.csv"
    path.write_text(
        "Transaction List by Customer\nCraig's Design and Landscaping Services\n"
        '"April - June, 2024"\n\n'
        ",Date,Transaction Type,Num,Name,Account,Amount\n"
        "Amy's Bird Sanctuary,,,,,,\n"
        ",04/03/2024,Invoice,1001,Amy's Bird Sanctuary,Accounts Receivable (A/R),1200.00\n"
        "Cool Cars,,,,,,\n"
        ",06/07/2024,Invoice,1007,Cool Cars,Accounts Receivable (A/R),3100.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert report.columns["customer"] == "Name"
    assert "Account" in report.ignored_columns
    assert [row[0] for row in await rows_of(engine, "sale_line")] == [AMY, COOL]


async def test_an_account_column_outside_quickbooks_layout_is_still_the_customer(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Only QuickBooks' report layout says `Account` is a ledger account: a plain export's
    `Account` column names its customers, as before."""
    path = tmp_path / "plain.csv"
    path.write_text("Date,Account,Invoice,Amount\n2024-04-03,Amy's Bird Sanctuary,1001,1200.00\n")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert report.columns["customer"] == "Account"
    assert [row[0] for row in await rows_of(engine, "sale_line")] == [AMY]


async def test_a_line_before_every_heading_is_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    """Without totals the headings still name every line, or none: a transaction above the
    first heading has no customer, and the file is refused, writing nothing."""
    text = LIST.read_text(encoding="utf-8").replace(
        "Amy's Bird Sanctuary,,,,,,,\n",
        ",04/01/2024,Invoice,1000,Yes,,Accounts Receivable (A/R),10.00\n"
        "Amy's Bird Sanctuary,,,,,,,\n",
    )
    path = tmp_path / "orphan.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileRejected, match="does not name customers over their lines"):
        await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert await rows_of(engine, "sale_line") == []


async def test_groups_without_totals_need_the_title(engine: AsyncEngine, tmp_path: Path) -> None:
    """Only a transaction list closes its groups with no total: the same lines under another
    title are not taken for customers' groups (a note over lines is no customer)."""
    text = LIST.read_text(encoding="utf-8").replace(
        "Transaction List by Customer", "Sales by Customer Detail"
    )
    path = tmp_path / "untitled.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileRejected, match="does not name customers over their lines"):
        await ingest_file(engine, kind=IngestKind.SALES, path=path, app="qbo")
    assert await rows_of(engine, "sale_line") == []


def _heading(name: str) -> Row:
    return {ROW_LABEL: name, "date": None, "amount": None}


def _line(amount: str) -> Row:
    return {"date": "04/03/2024", "amount": amount}


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefgh '", min_size=1, max_size=12).filter(
                lambda name: name.strip() and not name.strip().lower().startswith("total")
            ),
            st.integers(min_value=0, max_value=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_without_totals_every_line_is_its_last_headings(groups: list[tuple[str, int]]) -> None:
    """For any groups without totals (a heading with no lines being a note), each line's
    customer is the heading last above it, never a path of the headings before."""
    rows: list[Row] = []
    expected: list[str] = []
    for name, count in groups:
        rows.append(_heading(name))
        for index in range(count):
            rows.append(_line(str(index)))
            expected.append(name)
    headings = GroupHeadings()
    for row in rows:
        headings.customer(row)
    assert headings.decide(transaction_list=True) is bool(expected)
    if not expected:
        return
    headings.restart()
    named = [headings.customer(row) for row in rows]
    assert [name for name in named if name is not None] == expected

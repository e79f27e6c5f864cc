"""`store.ingest.keyed_rows`: the rows of many keys, in batches of statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.keyed_rows import KEYS_PER_STATEMENT, batches, rows_changed, rows_with_keys
from store.tables import ACCOUNT_TABLE, METADATA
from tests.api_client import StatementCounter
from tests.factories import Seed
from tests.store.sales_support import d


async def test_the_rows_of_every_batch_and_one_statement_a_batch(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.account("first", app="north")
    seed.account("middle", app="south")
    seed.account("last", app="north")
    await seed.write(engine)
    # The stored keys at the start, in the middle and at the end of three batches.
    keys = [f"absent-{n}" for n in range(2 * KEYS_PER_STATEMENT + 500)]
    keys[0], keys[KEYS_PER_STATEMENT + 3], keys[-1] = "first", "middle", "last"
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with engine.connect() as connection:
            account = ACCOUNT_TABLE.c
            found = await rows_with_keys(connection, account.account_id, keys, account.app_id)
            only_keys = await rows_with_keys(connection, account.account_id, keys[:2])
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert sorted(found) == [("first", "north"), ("last", "north"), ("middle", "south")]
    assert only_keys == [("first",)]
    assert len(statements) == 3 + 1


async def test_a_key_of_two_columns_finds_exactly_its_pairs_in_batches(
    engine: AsyncEngine, tmp_path: Path, sql_statements: StatementCounter
) -> None:
    """`(account, invoice)` pairs: an account's other invoices and another account's same
    invoice number are not read; 2,500 pairs take three statements."""
    path = tmp_path / "sales.csv"
    path.write_text(
        "Customer,Date,Invoice,Amount\n"
        "A,2024-04-02,1,10\nA,2024-04-02,1,11\nA,2024-04-03,2,20\nB,2024-04-02,1,30\n"
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    sale_line = METADATA.tables["sale_line"].c
    keys = [("C", str(n)) for n in range(2 * KEYS_PER_STATEMENT + 498)] + [("A", "1"), ("B", "2")]
    async with engine.connect() as connection:
        sql_statements.reset()
        found = await rows_with_keys(
            connection,
            (sale_line.account_id, sale_line.invoice),
            keys,
            sale_line.sale_date,
            sale_line.line,
        )
        assert sql_statements.count == 3
    assert sorted(found) == [("A", "1", d("2024-04-02"), 1), ("A", "1", d("2024-04-02"), 2)]


async def test_rows_changed_counts_the_rows_of_every_batch_one_statement_a_batch(
    engine: AsyncEngine, sql_statements: StatementCounter
) -> None:
    """An UPDATE over 2,500 keys, three of them stored (one in each batch): three statements,
    three rows changed, the statement's own condition kept."""
    seed = Seed()
    for name in ("first", "middle", "last", "other"):
        seed.account(name, app="north")
    await seed.write(engine)
    keys = [f"absent-{n}" for n in range(2 * KEYS_PER_STATEMENT + 500)]
    keys[0], keys[KEYS_PER_STATEMENT + 3], keys[-1] = "first", "middle", "last"
    account = ACCOUNT_TABLE.c
    async with engine.begin() as connection:
        sql_statements.reset()
        changed = await rows_changed(
            connection,
            account.account_id,
            keys,
            update(ACCOUNT_TABLE).where(account.app_id == "north").values(name="renamed"),
        )
        assert sql_statements.count == 3
        names = dict((await connection.execute(select(account.account_id, account.name))).all())
    assert changed == 3
    assert {key for key, name in names.items() if name == "renamed"} == {"first", "middle", "last"}


@given(items=st.lists(st.integers(), max_size=50), size=st.integers(min_value=1, max_value=12))
def test_batches_are_the_items_in_order_in_slices_of_size(items: list[int], size: int) -> None:
    sliced = list(batches(items, size))
    assert [item for batch in sliced for item in batch] == items
    assert all(len(batch) == size for batch in sliced[:-1])
    assert len(sliced) == -(-len(items) // size)

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import DatabaseUnavailable
from store.migrate import migrate
from store.tables import METADATA, is_metric_partition


def _declared(name: str | None, type_: str, parent_names: object) -> bool:
    # metric_value's partitions on PostgreSQL are made by migrations and loads, not declared.
    return not (type_ == "table" and name is not None and is_metric_partition(name))


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": _declared}
    )
    return list(compare_metadata(context, METADATA))


async def test_migrations_build_exactly_the_declared_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_migrating_twice_is_harmless(engine: AsyncEngine) -> None:
    await migrate(engine)
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


def _migrate_to(connection: Connection, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from store.migrate import alembic_config

    if down:
        command.downgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(connection), revision)


_VALUES = [
    ("account", f"A{n}", "revenue", dt.date(1980 + n // 12, n % 12 + 1, 1), Decimal(f"{n}.50"))
    for n in range(30)
]


async def _stored(engine: AsyncEngine) -> tuple[list[tuple[Any, ...]], str]:
    """metric_value's rows, and what kind of table it is on PostgreSQL ('p': partitioned)."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT level, entity_id, metric_name, effective_date, value FROM metric_value")
        )
        kind = ""
        if engine.dialect.name == "postgresql":
            found = await connection.execute(
                text("SELECT relkind::text FROM pg_class WHERE oid = 'metric_value'::regclass")
            )
            kind = str(found.scalar_one())
        values = sorted(
            (
                r[0],
                r[1],
                r[2],
                r[3] if isinstance(r[3], dt.date) else dt.date.fromisoformat(r[3]),
                Decimal(r[4]),
            )
            for r in rows
        )
        return values, kind


async def test_a_store_of_a_newer_release_is_refused_in_one_line_and_left_as_it_is(
    engine: AsyncEngine,
) -> None:
    """A rollback to an earlier release: the store's revision is one this release does not
    have. Refused with what to do (Alembic alone fails with a traceback), nothing changed."""
    await migrate(engine)
    async with engine.begin() as connection:
        query = text("SELECT version_num FROM alembic_version")
        head = (await connection.execute(query)).scalar_one()
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            await migrate(engine)
        async with engine.connect() as connection:
            query = text("SELECT version_num FROM alembic_version")
            stored = (await connection.execute(query)).all()
    finally:
        # The fixture's clean-up migrates the store down: give it back its own revision.
        async with engine.begin() as connection:
            await connection.execute(text(f"UPDATE alembic_version SET version_num = '{head}'"))
    message = str(refused.value)
    assert "\n" not in message
    assert "revision 9999, written by a newer release" in message
    assert "restore a backup" in message
    assert stored == [("9999",)]


async def test_partitioning_by_month_moves_stored_values_and_back(engine: AsyncEngine) -> None:
    """Revision 0010 (metric_value partitioned by month on PostgreSQL, nothing on SQLite)
    keeps every stored value through the upgrade and the downgrade."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0009", down=True)
            await connection.execute(
                text(
                    "INSERT INTO metric_definition (name, unit, description, higher_is_better, "
                    "aggregation) VALUES ('revenue', 'EUR', '', true, 'sum')"
                )
            )
            await connection.execute(
                text("INSERT INTO metric_value VALUES (:level, :entity, :name, :month, :value)"),
                [
                    {"level": a, "entity": b, "name": c, "month": d, "value": str(e)}
                    for a, b, c, d, e in _VALUES
                ],
            )
        flat = await _stored(engine)
        assert flat[0] == sorted(_VALUES)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        partitioned = await _stored(engine)
        assert partitioned[0] == sorted(_VALUES)
        if engine.dialect.name == "postgresql":
            assert (flat[1], partitioned[1]) == ("r", "p")
            async with engine.connect() as connection:
                found = await connection.execute(
                    text("SELECT count(DISTINCT tableoid) FROM metric_value")
                )
                assert found.scalar_one() == 30
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0009", down=True)
        assert await _stored(engine) == flat
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
            assert await connection.run_sync(_differences) == []
    finally:
        # Back to the head whatever failed midway: the database is shared by the tests
        # after this one, which reset its rows and not its schema.
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


# Releases published before revision 0011, each against the definition its metric has when the
# migration runs: (metric, cohort size, private p25..p90, private roll-up) -> what 0011 records
# (lower, upper, aggregation).
_DEFINITIONS = [
    # name, aggregation, lower, upper
    ("kept", "mean", "0", "100"),
    ("summed", "sum", "0", "10"),
    ("capped", "max", "0", "100"),
    ("dropped", "mean", None, None),
    ("narrowed", "mean", "40", "60"),
    ("resummed", "sum", "0", "100"),
]
_RELEASES = {
    "kept": (5, (10.0, 20.0, 30.0, 100.0), "55.5"),
    "summed": (5, (1.0, 2.0, 3.0, 10.0), "49.25"),
    "capped": (5, (10.0, 20.0, 30.0, 40.0), None),
    "dropped": (5, (10.0, 20.0, 30.0, 40.0), "25"),
    # A released p25 below today's lower bound: drawn within other bounds.
    "narrowed": (5, (10.0, 45.0, 50.0, 55.0), "50"),
    # A sum of 5 values beyond 5 x today's upper bound: drawn within other bounds.
    "resummed": (5, (10.0, 20.0, 30.0, 40.0), "600"),
}
_RECORDED = {
    "kept": (Decimal("0"), Decimal("100"), "mean"),
    "summed": (Decimal("0"), Decimal("10"), "sum"),
    "capped": (Decimal("0"), Decimal("100"), "max"),
    "dropped": (None, None, "mean"),
    "narrowed": (None, None, "mean"),
    "resummed": (None, None, "sum"),
    "unreleased": (None, None, None),
}


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def _release_columns(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT metric_name, release_lower_bound, release_upper_bound, "
                "release_aggregation FROM cohort"
            )
        )
        return {name: (_number(lower), _number(upper), kind) for name, lower, upper, kind in rows}


async def _cohort_rows(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT metric_name, cohort_size, private_p25, private_p50, private_p75, "
                "private_p90, private_rollup, release_epsilon FROM cohort ORDER BY metric_name"
            )
        )
        return [(*row[:6], _number(row[6]), row[7]) for row in rows]


async def test_release_bounds_are_recorded_for_earlier_releases_that_fit_them(
    engine: AsyncEngine,
) -> None:
    """Revision 0011 gives a release published before it the bounds and aggregation its
    metric declares when it runs (what the server read then), only where the release fits
    them; its downgrade keeps every release as it was."""
    month = dt.date(2023, 3, 1)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0010", down=True)
            await connection.execute(text("INSERT INTO industry VALUES ('big', 'Big')"))
            await connection.execute(
                text(
                    "INSERT INTO published_month (month, published_at, revision, min_cohort) "
                    "VALUES (:month, :at, 1, 5)"
                ),
                {"month": month, "at": dt.datetime(2023, 4, 2, tzinfo=dt.UTC)},
            )
            await connection.execute(
                text(
                    "INSERT INTO metric_definition (name, unit, description, higher_is_better, "
                    "aggregation, lower_bound, upper_bound) "
                    "VALUES (:name, 'count', '', true, :aggregation, :lower, :upper)"
                ),
                [
                    {"name": n, "aggregation": a, "lower": lower, "upper": upper}
                    for n, a, lower, upper in [*_DEFINITIONS, ("unreleased", "mean", "0", "1")]
                ],
            )
            cohorts = [
                {
                    "name": name,
                    "size": size,
                    "p25": quantiles[0],
                    "p50": quantiles[1],
                    "p75": quantiles[2],
                    "p90": quantiles[3],
                    "rollup": rollup,
                    "epsilon": 0.25,
                }
                for name, (size, quantiles, rollup) in _RELEASES.items()
            ]
            cohorts.append(
                {
                    "name": "unreleased",
                    **dict.fromkeys(("p25", "p50", "p75", "p90", "rollup", "epsilon")),
                    "size": 3,
                }
            )
            await connection.execute(
                text(
                    "INSERT INTO cohort (industry_id, metric_name, month, cohort_size, "
                    "member_ids, member_values, member_apps, private_p25, private_p50, "
                    "private_p75, private_p90, private_rollup, release_epsilon) "
                    "VALUES ('big', :name, :month, :size, '[]', '[]', '{}', :p25, :p50, "
                    ":p75, :p90, :rollup, :epsilon)"
                ),
                [{**row, "month": month} for row in cohorts],
            )
        before = await _cohort_rows(engine)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _release_columns(engine) == _RECORDED
        assert await _cohort_rows(engine) == before
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0010", down=True)
        assert await _cohort_rows(engine) == before
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
            assert await connection.run_sync(_differences) == []
        assert await _release_columns(engine) == _RECORDED
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _sale_lines(engine: AsyncEngine, *, with_tax: bool) -> list[tuple[Any, ...]]:
    columns = "account_id, invoice, amount" + (", includes_tax" if with_tax else "")
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM sale_line"))
        return sorted(
            (r[0], r[1], Decimal(r[2]), *([bool(r[3])] if with_tax else [])) for r in rows
        )


async def test_sale_lines_stored_before_includes_tax_are_before_tax(engine: AsyncEngine) -> None:
    """Revision 0016 adds sale_line.includes_tax: lines stored before it keep every value and
    are taken as before tax (false); the downgrade keeps them too."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0015", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('distrib')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES ('Kaveri Traders', 'distrib', 'Kaveri Traders', false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount) "
                    "VALUES ('Kaveri Traders', :day, :invoice, 1, :amount)"
                ),
                [
                    {"day": dt.date(2025, 4, 1), "invoice": "KD/25-26/001", "amount": "104623.73"},
                    {"day": dt.date(2025, 4, 9), "invoice": "KD/25-26/003", "amount": "8500.00"},
                ],
            )
        before = await _sale_lines(engine, with_tax=False)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _sale_lines(engine, with_tax=True) == [(*row, False) for row in before]
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0015", down=True)
        assert await _sale_lines(engine, with_tax=False) == before
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _ingest_settings(engine: AsyncEngine, *, with_currency: bool) -> list[tuple[Any, ...]]:
    columns = "app_id, date_order" + (", currency" if with_currency else "")
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM ingest_setting"))
        return sorted(tuple(row) for row in rows)


async def test_ingest_settings_stored_before_the_currency_keep_their_order_of_dates(
    engine: AsyncEngine,
) -> None:
    """Revision 0018 adds ingest_setting.currency: apps set before it keep their order of
    dates and have no currency (each file decides, as before); the downgrade keeps the orders
    and drops the currencies."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0017", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('zoho'), ('tally')"))
            await connection.execute(
                text("INSERT INTO ingest_setting (app_id, date_order) VALUES (:app, :order)"),
                [{"app": "zoho", "order": "month first"}, {"app": "tally", "order": None}],
            )
        before = await _ingest_settings(engine, with_currency=False)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _ingest_settings(engine, with_currency=True) == [
            (*row, None) for row in before
        ]
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE ingest_setting SET currency = 'INR' WHERE app_id = 'zoho'")
            )
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0017", down=True)
        assert await _ingest_settings(engine, with_currency=False) == before
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _typed_lines(engine: AsyncEngine, *, with_type: bool) -> list[tuple[Any, ...]]:
    columns = "account_id, sale_date, invoice, amount" + (", voucher_type" if with_type else "")
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM sale_line"))
        return sorted(
            (r[0], str(r[1]), r[2], Decimal(r[3]), *([r[4]] if with_type else [])) for r in rows
        )


async def test_lines_stored_before_voucher_types_have_none_until_reloaded(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Revision 0019 adds sale_line.voucher_type and ledger_entry.voucher_type: lines stored
    before it keep every value and have no type (NULL: taken by customer and number alone, as
    before); reloading their export records the types without counting a change, and a later
    month's voucher of another type with the same number is then kept apart."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_voucher_identity import APRIL, MAY

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0018", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('distrib')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES (:name, 'distrib', :name, false)"
                ),
                [{"name": "Kaveri Traders"}, {"name": "Sharma Electricals"}],
            )
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount) "
                    "VALUES (:account, :day, :invoice, 1, :amount)"
                ),
                [
                    {
                        "account": "Kaveri Traders",
                        "day": dt.date(2025, 4, 3),
                        "invoice": "7",
                        "amount": "120000.00",
                    },
                    {
                        "account": "Sharma Electricals",
                        "day": dt.date(2025, 4, 9),
                        "invoice": "8",
                        "amount": "45000.00",
                    },
                ],
            )
        before = await _typed_lines(engine, with_type=False)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        # No known type: NULL at 0019, "" since 0026 made the type part of the key.
        assert await _typed_lines(engine, with_type=True) == [(*row, "") for row in before]

        april = tmp_path / "april.csv"
        april.write_text(APRIL)
        report = await ingest_file(engine, kind=IngestKind.SALES, path=april, app="distrib")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed) == (0, 0)
        assert await _typed_lines(engine, with_type=True) == [(*row, "sales") for row in before]
        may = tmp_path / "may.csv"
        may.write_text(MAY)
        await ingest_file(engine, kind=IngestKind.SALES, path=may, app="distrib")
        kaveri = [row for row in await _typed_lines(engine, with_type=True) if row[2] == "7"]
        assert kaveri == [
            ("Kaveri Traders", "2025-04-03", "7", Decimal("120000.00"), "sales"),
            ("Kaveri Traders", "2025-05-06", "7", Decimal("80000.00"), "export sales"),
        ]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0018", down=True)
        assert len(await _typed_lines(engine, with_type=False)) == 3
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _ledger_rows(engine: AsyncEngine, *, with_book: bool) -> list[tuple[Any, ...]]:
    columns = "account_id, entry_date, kind, reference, line, amount" + (
        ", book" if with_book else ""
    )
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM ledger_entry"))
        return sorted((r[0], str(r[1]), *r[2:5], Decimal(r[5]), *r[6:]) for r in rows)


async def test_ledger_entries_stored_before_books_are_of_no_known_book_until_reloaded(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Revision 0020 adds ledger_entry.book to the entry's key: entries stored before it keep
    every value and are of no known book (""); reloading their export with its company header
    makes them that book's without doubling or changing any, and a branch's ledger of the same
    bill and day is then kept beside them. Downgrading keeps one entry per key of 0019."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_ledger_books import (
        MAIN,
        MAIN_ENTRIES,
        MAIN_LINES,
        PUNE,
        PUNE_ENTRIES,
        PUNE_LINES,
        entries,
        ledger_file,
    )

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0019", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('sgd')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES ('Sharma Electricals', 'sgd', 'Sharma Electricals', false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO ledger_entry (account_id, entry_date, kind, reference, line, "
                    "amount, voucher_type, date_ambiguous) VALUES ('Sharma Electricals', :day, "
                    ":kind, 'SG/24-25/002', :line, :amount, :type, false)"
                ),
                [
                    {"day": day, "kind": kind, "line": line, "amount": str(amount), "type": type_}
                    for (day, kind, _number, line, amount, _book), type_ in zip(
                        MAIN_ENTRIES, ("sales", "credit note", "receipt"), strict=True
                    )
                ],
            )
        before = await _ledger_rows(engine, with_book=False)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _ledger_rows(engine, with_book=True) == [(*row, "") for row in before]

        main = ledger_file(tmp_path, "main.csv", MAIN_LINES, MAIN)
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=main, app="sgd")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
        assert await entries(engine) == MAIN_ENTRIES
        pune = ledger_file(tmp_path, "pune.csv", PUNE_LINES, PUNE)
        await ingest_file(engine, kind=IngestKind.LEDGER, path=pune, app="sgd")
        assert await entries(engine) == [*MAIN_ENTRIES, *PUNE_ENTRIES]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0019", down=True)
        # The two books' entries at one key of 0019 (the invoice, the first payment) are one.
        assert len(await _ledger_rows(engine, with_book=False)) == 3
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _sale_rows(engine: AsyncEngine, *, with_book: bool) -> list[tuple[Any, ...]]:
    columns = "account_id, sale_date, invoice, line, amount, voucher_type" + (
        ", book" if with_book else ""
    )
    async with engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT {columns} FROM sale_line"))
        return sorted((r[0], str(r[1]), *r[2:4], Decimal(r[4]), *r[5:]) for r in rows)


async def test_sale_lines_stored_before_books_are_of_no_known_book_until_reloaded(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Revision 0024 adds sale_line.book to the line's key: lines stored before it keep every
    value and are of no known book (""); reloading their register with its company header
    makes them that book's without doubling or changing any, and the branch's `Sales 7` of
    the same day is then kept beside them. Downgrading keeps one line per key of 0023."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_sales_books import (
        HUBLI,
        HUBLI_LINES,
        HUBLI_SALE,
        MAIN,
        MAIN_LINES,
        MAIN_SALE,
        register,
        sales,
    )

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0023", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('kav')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES ('Sharma Electricals', 'kav', 'Sharma Electricals', false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount, "
                    "includes_tax, voucher_type, date_ambiguous) VALUES ('Sharma Electricals', "
                    "'2025-04-03', '7', 1, '50000.00', false, 'sales', false)"
                )
            )
        before = await _sale_rows(engine, with_book=False)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _sale_rows(engine, with_book=True) == [(*row, "") for row in before]

        main = register(tmp_path, "main.csv", MAIN_LINES, MAIN)
        report = await ingest_file(engine, kind=IngestKind.SALES, path=main, app="kav")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed, report.changes.removed) == (0, 0, 0)
        assert await sales(engine) == [MAIN_SALE]
        hubli = register(tmp_path, "hubli.csv", HUBLI_LINES, HUBLI)
        await ingest_file(engine, kind=IngestKind.SALES, path=hubli, app="kav")
        assert await sales(engine) == [HUBLI_SALE, MAIN_SALE]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0023", down=True)
        # The two books' lines at one key of 0023 are one: the first book's by name.
        assert await _sale_rows(engine, with_book=False) == [
            ("Sharma Electricals", "2025-04-03", "7", 1, Decimal("30000.00"), "sales")
        ]
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def _voucher_types(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        sales = await connection.execute(
            text("SELECT 'sale', invoice, voucher_type FROM sale_line")
        )
        entries = await connection.execute(
            text("SELECT 'ledger', reference, voucher_type FROM ledger_entry")
        )
        return sorted([*sales, *entries], key=str)


async def test_abbreviated_voucher_types_stored_before_are_renamed_to_their_whole_names(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Revision 0025 renames the voucher types a Tally Day Book abbreviated (`sale`, `rcpt`),
    stored as written before it, to their whole names, leaving every other type and every
    other value; the customer's ledger (`Sales`, `Receipt`) then loads beside that Day Book's
    entries, which it leaves unchanged."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_day_book_abbreviations import DAY_BOOK, LEDGER

    day_book = tmp_path / "DayBook.csv"
    day_book.write_text(DAY_BOOK, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=day_book, app="tally")
    await ingest_file(engine, kind=IngestKind.SALES, path=day_book, app="tally")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
            # As 0024's loads stored them: the types as written, in lower case.
            for table in ("sale_line", "ledger_entry"):
                await connection.execute(
                    text(f"UPDATE {table} SET voucher_type = 'sale' WHERE voucher_type = 'sales'")
                )
                await connection.execute(
                    text(f"UPDATE {table} SET voucher_type = 'rcpt' WHERE voucher_type = 'receipt'")
                )
            await connection.execute(
                text(
                    "UPDATE sale_line SET voucher_type = 'export sales' "
                    "WHERE invoice = 'NT/25-26/002'"
                )
            )
        before = await _voucher_types(engine)
        assert ("ledger", "12", "rcpt") in before
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        whole = {"sale": "sales", "rcpt": "receipt"}
        assert await _voucher_types(engine) == sorted(
            ((kind, invoice, whole.get(name, name)) for kind, invoice, name in before), key=str
        )
        ledger = tmp_path / "Ledger Sharma Electricals.csv"
        ledger.write_text(LEDGER, encoding="utf-8")
        report = await ingest_file(engine, kind=IngestKind.LEDGER, path=ledger, app="tally")
        assert report.changes is not None
        assert (report.changes.new, report.changes.unchanged) == (0, 2), report.changes
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def test_a_zoho_discount_type_stored_as_a_voucher_type_is_cleared(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Before 0025 a Zoho invoice export's `Discount Type` was taken for the voucher type and its
    lines stored as of type `entity level`: the upgrade clears that type (every other value
    kept), and the same export then reloads, typed `invoice`, without a line more."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_zoho_invoice_columns import invoice_export

    export = invoice_export(tmp_path, "Invoice.csv", "entity_level")
    await ingest_file(engine, kind=IngestKind.SALES, path=export, app="zoho")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
            await connection.execute(text("UPDATE sale_line SET voucher_type = 'entity level'"))
        before = await _sale_rows(engine, with_book=True)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _sale_rows(engine, with_book=True) == [
            (*row[:5], "", row[6]) for row in before
        ]
        report = await ingest_file(engine, kind=IngestKind.SALES, path=export, app="zoho")
        assert report.changes is not None
        assert report.changes.new == 0, report.changes
        assert {row[5] for row in await _sale_rows(engine, with_book=True)} == {"invoice"}
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


async def test_sale_lines_stored_before_typed_keys_keep_their_types_and_untyped_lines_match(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Revision 0026 puts sale_line.voucher_type in the line's key ("" for no known type):
    lines stored before it keep every value (NULL becomes ""); the Export Sales Register's
    `Export Sales 7` of the day of a stored `Sales 7` is then stored beside it, and an
    untyped line is taken by a typed load of its number. Downgrading keeps one line per key
    of 0024 (the first type by name) and gives "" back as NULL."""
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_voucher_type_keys import EXPORT

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('distrib')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES (:name, 'distrib', :name, false)"
                ),
                [{"name": "Kaveri Traders"}, {"name": "Sharma Electricals"}],
            )
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount, "
                    "includes_tax, voucher_type, date_ambiguous, book) VALUES (:account, "
                    "'2025-04-03', :invoice, 1, :amount, false, :kind, false, '')"
                ),
                [
                    {
                        "account": "Kaveri Traders",
                        "invoice": "7",
                        "amount": "120000.00",
                        "kind": "sales",
                    },
                    {
                        "account": "Sharma Electricals",
                        "invoice": "8",
                        "amount": "45000.00",
                        "kind": None,
                    },
                ],
            )
        before = await _sale_rows(engine, with_book=True)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        assert await _sale_rows(engine, with_book=True) == [
            (*row[:5], row[5] or "", row[6]) for row in before
        ]

        export = tmp_path / "export.csv"
        export.write_text(EXPORT + '3-Apr-25,Sharma Electricals,Sales,8,"45,000.00",\n')
        report = await ingest_file(engine, kind=IngestKind.SALES, path=export, app="distrib")
        assert report.changes is not None
        assert (report.changes.new, report.changes.changed) == (1, 0)
        assert await _sale_rows(engine, with_book=True) == [
            ("Kaveri Traders", "2025-04-03", "7", 1, Decimal("80000.00"), "export sales", ""),
            ("Kaveri Traders", "2025-04-03", "7", 1, Decimal("120000.00"), "sales", ""),
            ("Sharma Electricals", "2025-04-03", "8", 1, Decimal("45000.00"), "sales", ""),
        ]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
        assert await _sale_rows(engine, with_book=True) == [
            ("Kaveri Traders", "2025-04-03", "7", 1, Decimal("80000.00"), "export sales", ""),
            ("Sharma Electricals", "2025-04-03", "8", 1, Decimal("45000.00"), "sales", ""),
        ]
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")


# One company's ledger and register stored under two spellings of its name before 0027 (the
# same export loaded twice: identical lines), with a bill the second export has at another
# amount (edited between the exports), and a branch's line at the same key (another book).
_SPELLINGS = ("Kaveri Distributors Pvt. Ltd.", "Kaveri Distributors Pvt Ltd")
_BRANCH = "Kaveri Distributors (Hubli Branch)"
_SPELT_LEDGER = [
    (book, dt.date(2025, 4, 3), "invoice", reference, 1, amount)
    for book in _SPELLINGS
    for reference, amount in (("KD/1", "50000.00"), ("KD/2", "7000.00"))
] + [
    (_SPELLINGS[1], dt.date(2025, 4, 3), "invoice", "KD/3", 1, "9000.00"),
    (_SPELLINGS[0], dt.date(2025, 4, 3), "invoice", "KD/3", 1, "8000.00"),
    (_BRANCH, dt.date(2025, 4, 3), "invoice", "KD/1", 1, "30000.00"),
    ("", dt.date(2025, 4, 3), "invoice", "KD/1", 1, "50000.00"),
]


async def test_books_stored_under_two_spellings_are_folded_into_one_by_0027(
    engine: AsyncEngine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Revision 0027 folds the stored books (analytics/book_names.py): two spellings of one
    company become one book, keeping one line per key (the spelling first by name's), and
    counts in its log the identical and the differing lines it removed; other books (a
    branch's, no known book's) keep their lines. A reload under a third spelling then adds
    nothing. Downgrading keeps the folded names (a book as 0024 knows one)."""
    import logging

    from analytics.book_names import book_key
    from store.ingest import IngestKind, ingest_file
    from tests.store.ingest.test_sales_books import MAIN_LINES, register, sales

    folded = book_key(_SPELLINGS[0])
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
            await connection.execute(text("INSERT INTO app VALUES ('kav')"))
            await connection.execute(
                text(
                    "INSERT INTO account (account_id, app_id, name, is_key_account) "
                    "VALUES ('Sharma Electricals', 'kav', 'Sharma Electricals', false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO ledger_entry (account_id, entry_date, kind, reference, line, "
                    "amount, book, date_ambiguous) VALUES ('Sharma Electricals', :day, :kind, "
                    ":reference, :line, :amount, :book, false)"
                ),
                [
                    dict(
                        zip(("book", "day", "kind", "reference", "line", "amount"), e, strict=True)
                    )
                    for e in _SPELT_LEDGER
                ],
            )
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount, "
                    "includes_tax, voucher_type, date_ambiguous, book) VALUES ("
                    "'Sharma Electricals', '2025-04-03', '7', 1, '50000.00', false, 'sales', "
                    "false, :book)"
                ),
                [{"book": book} for book in (*_SPELLINGS, _BRANCH)],
            )
            # Two vouchers of two types at one key, each under a spelling: not one stored
            # twice (the type is in the key since 0026), both kept.
            await connection.execute(
                text(
                    "INSERT INTO sale_line (account_id, sale_date, invoice, line, amount, "
                    "includes_tax, voucher_type, date_ambiguous, book) VALUES ("
                    "'Sharma Electricals', '2024-05-02', '9', 1, :amount, false, :kind, "
                    "false, :book)"
                ),
                [
                    {"book": _SPELLINGS[0], "kind": "sales", "amount": "12000.00"},
                    {"book": _SPELLINGS[1], "kind": "export sales", "amount": "11000.00"},
                ],
            )
        with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
            async with engine.begin() as connection:
                await connection.run_sync(_migrate_to, "head")

        ledger = await _ledger_rows(engine, with_book=True)
        assert [(row[3], row[5], row[6]) for row in ledger] == [
            ("KD/1", Decimal("30000.00"), book_key(_BRANCH)),
            ("KD/1", Decimal("50000.00"), ""),
            ("KD/1", Decimal("50000.00"), folded),
            ("KD/2", Decimal("7000.00"), folded),
            # `Pvt Ltd` sorts before `Pvt. Ltd.`: its line of the bill is kept.
            ("KD/3", Decimal("9000.00"), folded),
        ]
        assert sorted((row[-1], row[4]) for row in await _sale_rows(engine, with_book=True)) == [
            (book_key(_BRANCH), Decimal("50000.00")),
            (folded, Decimal("11000.00")),
            (folded, Decimal("12000.00")),
            (folded, Decimal("50000.00")),
        ]
        logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("0027")]
        assert any(
            "ledger_entry: 3 stored book names folded (books printed two or more ways: 1)" in m
            and "2 identical, 1 differing" in m
            for m in logged
        ), logged
        assert any(
            "sale_line: 3 stored book names folded (books printed two or more ways: 1)" in m
            and "1 identical, 0 differing" in m
            for m in logged
        ), logged

        # The register under a third spelling is the stored book's: nothing added.
        third = register(tmp_path, "main.csv", MAIN_LINES, "KAVERI DISTRIBUTORS PRIVATE LIMITED")
        report = await ingest_file(engine, kind=IngestKind.SALES, path=third, app="kav")
        assert report.changes is not None
        assert (report.changes.new, report.changes.removed) == (0, 0)
        assert len(await sales(engine)) == 4

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0024", down=True)
        assert await _ledger_rows(engine, with_book=True) == ledger
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")

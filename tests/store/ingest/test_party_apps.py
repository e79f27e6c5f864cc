"""Two apps are two tenants: the parties their exports name alike (`Ramesh Kumar & Sons` in
both apps' Day Books) become two accounts, one of each app, that never collide nor see each
other; a reload of either takes its own again (store/ingest/kinds/parties.py, revision 0014).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.party_names import party_key
from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.migrate import alembic_config
from store.scope import Role
from store.tables import METADATA
from tests.store.ingest.test_parties import (
    DAYBOOK,
    DAYBOOK_LINES,
    LEDGER_FILE,
    _accounts,
    _lines_per_account,
)
from tests.store.sales_support import rows_of, write_delimited

SALES = IngestKind.SALES
LEDGER = IngestKind.LEDGER
# The Day Book's parties as the second app's accounts.
SECOND = {f"north:{party}": lines for party, lines in DAYBOOK_LINES.items()}


async def _party_rows(engine: AsyncEngine) -> list[tuple[str, str, str]]:
    """party_account as (app, party, account), sorted."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT app_id, party, account_id FROM party_account ORDER BY app_id, party")
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def _accounts_by_app(engine: AsyncEngine) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for account_id, app, *_ in await rows_of(engine, "account"):
        found.setdefault(app, []).append(account_id)
    return {app: sorted(ids) for app, ids in found.items()}


async def test_two_apps_load_the_same_parties_and_reload_them_as_their_own(
    engine: AsyncEngine,
) -> None:
    first = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="south")
    # The same company's books in a second tenant: meant, so said (`--new-app`).
    second = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="north", new_app=True)

    # The first app's accounts keep the parties' values as ids; the second's are its own.
    assert first.created["accounts"] == list(DAYBOOK_LINES)
    assert second.created["accounts"] == list(SECOND)
    assert second.rows_written == first.rows_written == 7
    assert any(
        note.startswith("Ids of 4 new accounts are app:party, since other accounts")
        for note in second.notes
    ), second.notes
    assert await _accounts_by_app(engine) == {
        "south": sorted(DAYBOOK_LINES),
        "north": sorted(SECOND),
    }
    assert await _lines_per_account(engine) == DAYBOOK_LINES | SECOND
    assert await _party_rows(engine) == sorted(
        [("south", party, party) for party in DAYBOOK_LINES]
        + [("north", party, f"north:{party}") for party in DAYBOOK_LINES]
    )

    # Reloads: nothing new, nothing moved, in either app, whichever order.
    before = {name: await rows_of(engine, name) for name in ("account", "sale_line")}
    for app in ("north", "south", "north"):
        again = await ingest_file(engine, kind=SALES, path=DAYBOOK, app=app)
        assert again.created["accounts"] == []
        assert again.what_was_written() == "nothing written, 7 sale lines unchanged"
        assert (
            "Parties: 4 linked to existing accounts (4 created for them by earlier loads), "
            "no new account"
        ) in again.notes
    assert {name: await rows_of(engine, name) for name in ("account", "sale_line")} == before


async def test_each_apps_key_sees_only_its_own_parties(engine: AsyncEngine) -> None:
    for app in ("south", "north"):
        await ingest_file(engine, kind=SALES, path=DAYBOOK, app=app, new_app=True)
    query = """query ($id: String!) {
        accounts(first: 50) { edges { node { accountId name app } } }
        account(accountId: $id) { accountId }
    }"""
    seen: dict[str, Any] = {}
    server = create_app(settings=load_settings({}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=server), base_url="http://test"
    ) as http:
        for app, other in (("south", "north:Patel Hardware"), ("north", "Patel Hardware")):
            _, key = await create_key(engine, role=Role.APP, app_id=app)
            answer = await http.post(
                "/graphql",
                json={"query": query, "variables": {"id": other}},
                headers={"Authorization": f"Bearer {key}"},
            )
            seen[app] = answer.json()
    south = [edge["node"] for edge in seen["south"]["data"]["accounts"]["edges"]]
    north = [edge["node"] for edge in seen["north"]["data"]["accounts"]["edges"]]
    assert sorted(node["accountId"] for node in south) == sorted(DAYBOOK_LINES)
    assert sorted(node["accountId"] for node in north) == sorted(SECOND)
    # The same names, each app's own.
    assert sorted(node["name"] for node in north) == sorted(node["name"] for node in south)
    assert {node["app"] for node in south} == {"south"}
    assert {node["app"] for node in north} == {"north"}
    # The other app's account of the same party does not exist for the key.
    for answer in seen.values():
        assert answer["data"]["account"] is None
        assert [error["extensions"]["code"] for error in answer["errors"]] == ["NOT_FOUND"]


async def test_an_id_column_naming_another_apps_account_makes_an_account_of_its_own(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Party codes restart in every company's books: `C-001` of one app's export is not the
    account `C-001` of another app, which keeps its lines and gets none."""
    await _accounts(engine, tmp_path, "alpha", ("C-001", "Alpha's Customer"))
    path = write_delimited(
        tmp_path,
        "sales.csv",
        ",",
        ["Date", "Customer Code", "Customer Name", "Amount"],
        [["2025-01-05", "C-001", "Beta Buyer", "10"], ["2025-01-06", "C-001", "Beta Buyer", "5"]],
    )
    for _ in range(2):
        report = await ingest_file(engine, kind=SALES, path=path, app="beta")
    assert report.created["accounts"] == []
    assert [row[:3] for row in await rows_of(engine, "account")] == [
        ("C-001", "alpha", "Alpha's Customer"),
        ("beta:C-001", "beta", "Beta Buyer"),
    ]
    assert await _lines_per_account(engine) == {"beta:C-001": 2}


async def test_a_real_account_of_its_app_takes_the_party_from_its_own_app_only(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The ledger's party in two apps; an accounts file of one of them then names the account:
    that app's party account moves onto it, the other app's stays as it is."""
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="other")
    await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd", new_app=True)
    assert await _lines_per_account(engine, "ledger_entry") == {
        "Sharma Electricals": 3,
        "sgd:Sharma Electricals": 3,
    }
    await _accounts(engine, tmp_path, "sgd", ("SGD-001", "Sharma Electricals"))
    report = await ingest_file(engine, kind=LEDGER, path=LEDGER_FILE, app="sgd")
    assert "Parties: 1 linked to existing accounts (1 by name), no new account" in report.notes
    assert await _lines_per_account(engine, "ledger_entry") == {
        "Sharma Electricals": 3,
        "SGD-001": 3,
    }
    assert await _party_rows(engine) == [("other", "Sharma Electricals", "Sharma Electricals")]


def _migrate(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = alembic_config(connection)
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


# Columns added by revisions after 0014, which a database at revision 0013 does not have.
_LATER_COLUMNS = {"sale_line": ("includes_tax", "voucher_type", "date_ambiguous", "book")}


async def _rows_at_0013(engine: AsyncEngine, name: str) -> list[tuple[Any, ...]]:
    """The rows of a table in the columns it has at revision 0013, sorted."""
    table = METADATA.tables[name]
    later = _LATER_COLUMNS.get(name, ())
    columns = [column for column in table.columns if column.name not in later]
    async with engine.connect() as connection:
        result = await connection.execute(select(*columns))
        return sorted(tuple(row) for row in result)


async def test_a_database_of_the_previous_revision_upgrades_without_a_change_of_id(
    engine: AsyncEngine,
) -> None:
    """A database at revision 0013 holds accounts created for parties, recorded by id alone:
    the upgrade records their apps and parties, changes no id and loses no row; a reload takes
    them again and another app's export of the same parties loads beside them."""
    await ingest_file(engine, kind=SALES, path=DAYBOOK, app="south")
    tables = ("app", "account", "sale_line", "quarter_segment", "sales_profile")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0013", down=True)
        async with engine.connect() as connection:
            columns = await connection.execute(text("SELECT * FROM party_account"))
            assert list(columns.keys()) == ["account_id"]  # as revision 0013 made it
        before = {name: await _rows_at_0013(engine, name) for name in tables}
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "head")
    assert {name: await _rows_at_0013(engine, name) for name in tables} == before
    assert await _party_rows(engine) == [("south", party, party) for party in sorted(DAYBOOK_LINES)]

    again = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="south")
    assert again.created["accounts"] == []
    # Nothing changes. (Lines stored before revision 0015 count as before tax, so this Day
    # Book's gross amounts leave them as stored rather than rewrite them unchanged.)
    assert {name: await _rows_at_0013(engine, name) for name in tables} == before
    other = await ingest_file(engine, kind=SALES, path=DAYBOOK, app="north", new_app=True)
    assert other.created["accounts"] == list(SECOND)
    assert await _lines_per_account(engine) == DAYBOOK_LINES | SECOND


# Parties written alike across apps, and values that look like the ids given to the accounts
# of other apps' parties (`north:Acme`).
_PARTIES = st.lists(
    st.sampled_from(["Acme", "ACME.", "Bolt", "north:Acme", "south:Acme", "north:Acme:2"]),
    min_size=1,
    max_size=4,
)


async def _emptied(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


async def _load(engine: AsyncEngine, path: Path, app: str) -> None:
    await ingest_file(engine, kind=SALES, path=path, app=app)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(north=_PARTIES, south=_PARTIES, north_first=st.booleans())
async def test_the_parties_of_two_apps_never_meet(
    engine: AsyncEngine, tmp_path: Path, north: list[str], south: list[str], north_first: bool
) -> None:
    """Whatever the parties of two apps and the order of their loads: every line lands on an
    account of its own app, one account per party of an app, and reloads change nothing."""
    await _emptied(engine)
    files = {
        app: write_delimited(
            tmp_path,
            f"{app}.csv",
            ",",
            ["Date", "Customer", "Invoice", "Amount"],
            [
                [f"2025-01-0{n + 1}", f'"{party}"', f"{app}-{n}", "10"]
                for n, party in enumerate(names)
            ],
        )
        for app, names in (("north", north), ("south", south))
    }
    order = ["north", "south"] if north_first else ["south", "north"]
    for app in order:
        await _load(engine, files[app], app)
    apps = {row[0]: row[1] for row in await rows_of(engine, "account")}
    lines = await rows_of(engine, "sale_line")
    for app, names in (("north", north), ("south", south)):
        own = [row for row in lines if row[2].startswith(f"{app}-")]  # by invoice
        assert len(own) == len(names)
        assert {apps[row[0]] for row in own} == {app}
    # One account per party (by its normal form) of each app.
    for app, names in (("north", north), ("south", south)):
        assert sum(1 for owner in apps.values() if owner == app) == len(set(map(party_key, names)))
    before = {
        name: await rows_of(engine, name) for name in ("account", "sale_line", "party_account")
    }
    for app in [*order, *order]:
        await _load(engine, files[app], app)
    after = {
        name: await rows_of(engine, name) for name in ("account", "sale_line", "party_account")
    }
    assert after == before

"""Query.segmentation's lists of accounts (enteredAccounts, lapsedAccounts) and its value x
credit-risk matrix, over HTTP on both stores: checked against counts the test makes itself
from the data it seeded, under every kind of key, and in statements that do not grow with the
accounts listed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from store.tables import (
    ACCOUNT_TABLE,
    CREDIT_RISK_TABLE,
    LEDGER_TABLE,
    QUARTER_SEGMENT_TABLE,
)
from store.upsert import upsert
from tests.api_client import GraphQLClient, StatementCounter
from tests.factories import Seed
from tests.schema.segmentation_support import QUERY, entry, load, sale

NORTH = 40
Q1, Q2 = "2024-Q1", "2024-Q2"
LOW, MEDIUM, HIGH = "LOW_RISK", "MEDIUM_RISK", "HIGH_RISK"
VALUES = ("HIGH_VALUE", "AVERAGE", "BELOW_AVERAGE", "LOW_VALUE")
RISKS = (LOW, MEDIUM, HIGH)

# How each kind of payer pays one invoice of 100 sent on 2024-01-01 (due 2024-01-31), and
# the credit segment that follows as of 2024-03-31 (Q1's end) and as of 2024-05-08 (the
# app's latest ledger date, which ends Q2's measures), worked out by hand:
PAYERS: dict[str, tuple[dt.date | None, dt.date | None, str | None, str | None]] = {
    # Paid before the due date: nothing overdue, nothing owed -> 100.
    "on_time": (dt.date(2024, 1, 1), dt.date(2024, 1, 20), LOW, LOW),
    # Paid 15 days late: overdue share 1 (0.4), 15/60 days late (0.3 x 0.25), nothing owed
    # (DSO 0) -> 100 x (1 - 0.475) = 52 (52.5 rounds to even).
    "late": (dt.date(2024, 1, 1), dt.date(2024, 2, 15), MEDIUM, MEDIUM),
    # Unpaid on 2024-03-31, 60 days past due: overdue 1, fully late, DSO 91 days for 30 days'
    # terms -> 10. Paid on 2024-04-01, 61 days late: overdue 1, fully late, DSO 0 -> 30.
    "very_late": (dt.date(2024, 1, 1), dt.date(2024, 4, 1), HIGH, HIGH),
    # A first invoice on 2024-05-02 paid on 2024-05-08: no entry up to Q1's end, then 100.
    "new": (dt.date(2024, 5, 2), dt.date(2024, 5, 8), None, LOW),
    # No ledger at all.
    "none": (None, None, None, None),
}


def payer(n: int) -> str:
    return ("on_time", "late", "very_late", "new", "on_time", "late", "very_late", "none")[n % 8]


def north_id(n: int) -> str:
    return f"n-{n:03d}"


@pytest.fixture
async def north(engine: AsyncEngine) -> None:
    """40 accounts of app north: those with n % 5 != 4 buy in Q1, those with n % 5 != 0 in
    Q2 (so 8 enter Q2 and 8 lapse), in varied orders and amounts, each paying as payer(n)
    says. Five accounts of app south buy in both quarters and pay late: none may show in
    north's answers."""
    seed = Seed()
    sales: list[Any] = []
    ledger: list[Any] = []
    for n in range(NORTH):
        account = north_id(n)
        seed.account(account, app="north")
        for quarter, day, buys in (
            (Q1, dt.date(2024, 2, 1), n % 5 != 4),
            (Q2, dt.date(2024, 5, 1), n % 5 != 0),
        ):
            if buys:
                for k in range(n % 3 + 1):
                    amount = 100 * ((n * 7 + k) % 11 + 1)
                    sales.append(
                        sale(
                            account, day + dt.timedelta(days=k), amount, f"{account}-{quarter}-{k}"
                        )
                    )
        invoiced, paid, _, _ = PAYERS[payer(n)]
        if invoiced is not None and paid is not None:
            ledger.append(entry(account, invoiced, "invoice", f"{account}-I"))
            ledger.append(entry(account, paid, "payment", f"{account}-I"))
    for n in range(5):
        account = f"s-{n}"
        seed.account(account, app="south")
        sales.append(sale(account, dt.date(2024, 2, 2), 500, f"{account}-1"))
        sales.append(sale(account, dt.date(2024, 5, 2), 500, f"{account}-2"))
        ledger.append(entry(account, dt.date(2024, 1, 1), "invoice", f"{account}-I"))
    await load(engine, seed, sales, ledger)


async def segments_in(engine: AsyncEngine, quarter: str) -> dict[str, tuple[str, str]]:
    """(frequency, monetary) segment of each north account with orders in `quarter`, as the
    segment job stored them."""
    qs = QUARTER_SEGMENT_TABLE.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(qs.account_id, qs.frequency_segment, qs.monetary_segment)
            .join(ACCOUNT_TABLE, ACCOUNT_TABLE.c.account_id == qs.account_id)
            .where(qs.quarter == quarter, ACCOUNT_TABLE.c.app_id == "north")
        )
        return {account: (frequency, monetary) for account, frequency, monetary in rows}


def matrix(answer: dict[str, Any]) -> dict[tuple[str, str], int]:
    cells = answer["valueByCreditRisk"]
    assert [(c["monetarySegment"], c["creditSegment"]) for c in cells] == [
        (value, risk) for value in VALUES for risk in RISKS
    ]
    return {(c["monetarySegment"], c["creditSegment"]): c["accounts"] for c in cells}


def expected_matrix(
    segments: dict[str, tuple[str, str]], risk_of: dict[str, str | None]
) -> tuple[dict[tuple[str, str], int], int]:
    counted = Counter(
        (monetary, risk_of[account])
        for account, (_, monetary) in segments.items()
        if risk_of[account] is not None
    )
    cells = {(value, risk): counted[value, risk] for value in VALUES for risk in RISKS}
    return cells, sum(1 for account in segments if risk_of[account] is None)


@pytest.mark.parametrize(
    ("quarter", "as_of", "column"), [(Q1, "2024-03-31", 2), (Q2, "2024-05-08", 3)]
)
async def test_the_matrix_counts_value_against_credit_risk_as_of_the_quarters_end(
    engine: AsyncEngine, client: GraphQLClient, north: None, quarter: str, as_of: str, column: int
) -> None:
    answer = (await client.data(QUERY, {"quarter": quarter, "app": "north"}))["segmentation"]
    segments = await segments_in(engine, quarter)
    risk_of = {north_id(n): PAYERS[payer(n)][column] for n in range(NORTH)}
    cells, without = expected_matrix(segments, risk_of)
    assert matrix(answer) == cells
    assert answer["accountsWithoutCreditRisk"] == without
    assert answer["creditRiskAsOf"] == as_of
    assert sum(cells.values()) + without == answer["monetary"]["accounts"] == len(segments)
    # Not a degenerate matrix: several monetary segments and every credit segment occur.
    assert len({value for value, _ in cells if cells[value, LOW]}) >= 2
    assert all(sum(cells[value, risk] for value in VALUES) for risk in RISKS)


async def test_from_the_latest_ledger_quarter_the_matrix_has_the_stored_credit_risks(
    engine: AsyncEngine, client: GraphQLClient, north: None
) -> None:
    """2024-Q2 holds north's latest ledger date: its matrix agrees with Account.creditRisk
    (the segment job's credit_risk rows), and so does any later quarter's."""
    async with engine.connect() as connection:
        stored = dict(
            (
                await connection.execute(
                    select(CREDIT_RISK_TABLE.c.account_id, CREDIT_RISK_TABLE.c.segment)
                )
            ).all()
        )
    segments = await segments_in(engine, Q2)
    cells, without = expected_matrix(
        segments, {account: stored.get(account) for account in segments}
    )
    answer = (await client.data(QUERY, {"quarter": Q2, "app": "north"}))["segmentation"]
    assert (matrix(answer), answer["accountsWithoutCreditRisk"]) == (cells, without)
    later = (await client.data(QUERY, {"quarter": "2025-Q1", "app": "north"}))["segmentation"]
    assert later["creditRiskAsOf"] == "2024-05-08"
    assert [cell["accounts"] for cell in later["valueByCreditRisk"]] == [0] * 12  # no orders


async def test_a_ledger_written_without_the_segment_job_is_scored_from_the_ledger(
    engine: AsyncEngine, client: GraphQLClient, north: None
) -> None:
    """n-007 had no ledger; an invoice of 2024-06-01 written without the job makes that the
    app's latest ledger date, on which no stored credit risk was measured: Q2's matrix
    scores every account from the ledger instead. Owed 100 on the day it was invoiced,
    nothing due yet: score 100, LOW_RISK; the others keep their segments."""
    async with engine.begin() as connection:
        await upsert(
            connection, LEDGER_TABLE, [entry("n-007", dt.date(2024, 6, 1), "invoice", "L")]
        )
    answer = (await client.data(QUERY, {"quarter": Q2, "app": "north"}))["segmentation"]
    segments = await segments_in(engine, Q2)
    risk_of = {north_id(n): PAYERS[payer(n)][3] for n in range(NORTH)}
    risk_of["n-007"] = LOW
    cells, without = expected_matrix(segments, risk_of)
    assert answer["creditRiskAsOf"] == "2024-06-01"
    assert (matrix(answer), answer["accountsWithoutCreditRisk"]) == (cells, without)


async def test_entered_and_lapsed_accounts_are_the_accounts_counted(
    engine: AsyncEngine, client: GraphQLClient, north: None
) -> None:
    answer = (await client.data(QUERY, {"quarter": Q2, "app": "north"}))["segmentation"]
    before, now = await segments_in(engine, Q1), await segments_in(engine, Q2)
    entered = sorted(north_id(n) for n in range(NORTH) if n % 5 == 4)
    lapsed = sorted(north_id(n) for n in range(NORTH) if n % 5 == 0)
    for index, measure in enumerate(("frequency", "monetary")):
        flows = answer[measure]
        listed_in = [member["account"]["accountId"] for member in flows["enteredAccounts"]]
        listed_out = [member["account"]["accountId"] for member in flows["lapsedAccounts"]]
        assert (listed_in, listed_out) == (entered, lapsed)  # by accountId
        assert [m["segment"] for m in flows["enteredAccounts"]] == [now[a][index] for a in entered]
        assert [m["segment"] for m in flows["lapsedAccounts"]] == [before[a][index] for a in lapsed]
        for listed, counts in (("enteredAccounts", "entered"), ("lapsedAccounts", "lapsed")):
            by_segment = Counter(member["segment"] for member in flows[listed])
            assert {c["segment"]: c["accounts"] for c in flows[counts]} == {
                segment: by_segment[segment] for segment in VALUES
            }
        assert {member["account"]["app"] for member in flows["enteredAccounts"]} == {"north"}


async def test_a_quarter_without_orders_lists_nobody(client: GraphQLClient, north: None) -> None:
    answer = (await client.data(QUERY, {"quarter": "2023-Q1", "app": "north"}))["segmentation"]
    assert answer["frequency"]["enteredAccounts"] == answer["monetary"]["lapsedAccounts"] == []
    assert answer["accountsWithoutCreditRisk"] == 0
    assert answer["creditRiskAsOf"] == "2023-03-31"  # the ledger goes on beyond it
    assert {cell["accounts"] for cell in answer["valueByCreditRisk"]} == {0}


async def test_an_app_without_a_ledger_has_an_empty_matrix(
    engine: AsyncEngine, client: GraphQLClient
) -> None:
    seed = Seed()
    seed.account("a", app="solo")
    await load(engine, seed, [sale("a", dt.date(2024, 2, 1), 10, "a1")], [])
    answer = (await client.data(QUERY, {"quarter": Q1, "app": "solo"}))["segmentation"]
    assert answer["creditRiskAsOf"] is None
    assert answer["accountsWithoutCreditRisk"] == 1
    assert len(answer["valueByCreditRisk"]) == 12
    assert sum(cell["accounts"] for cell in answer["valueByCreditRisk"]) == 0
    assert answer["frequency"]["enteredAccounts"][0]["account"]["accountId"] == "a"


async def test_keys_see_the_lists_of_their_own_app_only(engine: AsyncEngine, north: None) -> None:
    keys = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("north", Role.APP, "north", None),
        ("south", Role.APP, "south", None),
        ("account", Role.ACCOUNT, None, north_id(4)),
        ("public", Role.PUBLIC, None, None),
    ):
        _, keys[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    server = create_app(settings=load_settings({"PROFILING_TODAY": "2024-06-01"}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=server), base_url="http://test"
    ) as http:

        async def ask(key: str, app: str) -> dict[str, Any]:
            response = await http.post(
                "/graphql",
                json={"query": QUERY, "variables": {"quarter": Q2, "app": app}},
                headers={"Authorization": f"Bearer {keys[key]}"},
            )
            body: dict[str, Any] = response.json()
            return body

        internal = await ask("internal", "north")
        own = await ask("north", "north")
        assert "errors" not in own
        assert own == internal
        listed = {
            member["account"]["app"]
            for measure in ("frequency", "monetary")
            for field in ("enteredAccounts", "lapsedAccounts")
            for member in own["data"]["segmentation"][measure][field]
        }
        assert listed == {"north"}
        for key in ("south", "account", "public"):
            refused = await ask(key, "north")
            assert refused["data"] is None
            assert [e["extensions"]["code"] for e in refused["errors"]] == ["NOT_FOUND"]
            assert "n-0" not in str(refused)
        south = await ask("south", "south")
        assert south["data"]["segmentation"]["frequency"]["enteredAccounts"] == []
        assert south["data"]["segmentation"]["accountsWithoutCreditRisk"] == 0


async def test_statements_do_not_grow_with_the_accounts_listed(
    engine: AsyncEngine, client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    """App five has 5 accounts that lapse in Q2 and 5 that enter it, app fifty 50 and 50,
    all with a ledger that goes on into Q3: the same statements answer both, in Q2 (whose
    matrix is scored from the ledger as of its end) and in Q3 (whose matrix is the stored
    credit risks, as of the latest ledger date)."""
    seed = Seed()
    sales: list[Any] = []
    ledger: list[Any] = []
    for app, size in (("five", 5), ("fifty", 50)):
        for n in range(2 * size):
            account = f"{app}-{n:03d}"
            seed.account(account, app=app)
            day = dt.date(2024, 2, 1) if n % 2 else dt.date(2024, 5, 1)
            sales.append(sale(account, day, 10 * (n % 9 + 1), f"{account}-s"))
            sales.append(sale(account, dt.date(2024, 8, 1), 10 * (n % 9 + 1), f"{account}-t"))
            ledger.append(entry(account, dt.date(2024, 1, 1 + n % 28), "invoice", f"{account}-I"))
            ledger.append(entry(account, dt.date(2024, 7, 1 + n % 28), "payment", f"{account}-I"))
    await load(engine, seed, sales, ledger)
    counts: dict[tuple[str, str], int] = {}
    for app, size in (("five", 5), ("fifty", 50)):
        # Everyone buys in Q3: the accounts that lapsed in Q2 enter it again.
        for quarter, entering, lapsing in ((Q2, size, size), ("2024-Q3", size, 0)):
            sql_statements.reset()
            answer = (await client.data(QUERY, {"quarter": quarter, "app": app}))["segmentation"]
            counts[app, quarter] = sql_statements.count
            for measure in ("frequency", "monetary"):
                assert len(answer[measure]["enteredAccounts"]) == entering
                assert len(answer[measure]["lapsedAccounts"]) == lapsing
            cells = sum(cell["accounts"] for cell in answer["valueByCreditRisk"])
            assert cells == answer["monetary"]["accounts"] > 0
    # The app, the counts, the changes, the ledger's latest date, the ledger's rows up to
    # Q2's end and the options kept for the app to score them with (in Q3: the stored credit
    # risks), the accounts.
    for quarter, statements in ((Q2, 7), ("2024-Q3", 6)):
        assert counts["five", quarter] == counts["fifty", quarter] == statements, (
            sql_statements.statements
        )


async def test_the_standard_executor_answers_the_same(
    engine: AsyncEngine, client: GraphQLClient, north: None
) -> None:
    """The lean executor (the default) sends these lists to the standard completion; both
    must answer alike."""
    server = create_app(
        require_keys=False,
        settings=load_settings({"PROFILING_LEAN_EXECUTION": "false"}),
        engine=engine,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=server), base_url="http://test"
    ) as http:
        standard = GraphQLClient(http)
        for quarter in (Q1, Q2):
            variables = {"quarter": quarter, "app": "north"}
            assert await standard.data(QUERY, variables) == await client.data(QUERY, variables)

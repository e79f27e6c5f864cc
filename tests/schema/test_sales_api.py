"""Account.salesProfile, Account.creditRisk and Query.segmentation over HTTP, batched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.jobs.segment import segment_apps
from store.jobs.segment_settings import KeptOptions, keep_options
from store.keys import create_key
from store.scope import Role
from store.tables import LEDGER_TABLE, SALE_LINE_TABLE
from store.upsert import upsert
from tests.api_client import GraphQLClient, StatementCounter
from tests.factories import Seed

ACCOUNTS = 120


def _sale(
    account: str, day: dt.date, amount: int, invoice: str, profit: int | None = None
) -> dict[str, Any]:
    return {
        "account_id": account,
        "sale_date": day,
        "invoice": invoice,
        "line": 1,
        "amount": Decimal(amount),
        "quantity": None,
        "cost": None,
        "profit": None if profit is None else Decimal(profit),
    }


def _entry(account: str, day: dt.date, kind: str, amount: int, ref: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "entry_date": day,
        "kind": kind,
        "reference": ref,
        "line": 1,
        "amount": Decimal(amount),
        "due_date": None,
    }


async def _load(
    engine: AsyncEngine, seed: Seed, sales: list[dict[str, Any]], ledger: list[dict[str, Any]]
) -> None:
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(connection, SALE_LINE_TABLE, sales)
        await upsert(connection, LEDGER_TABLE, ledger)
        await segment_apps(connection)


@pytest.fixture
async def customers(engine: AsyncEngine) -> None:
    """acc-0000 .. acc-0119 of app north, buying in 2024-Q1 and Q2; every other one has a
    ledger. The last account never buys."""
    seed = Seed()
    sales, ledger = [], []
    for n in range(ACCOUNTS):
        account = f"acc-{n:04d}"
        seed.account(account, app="north")
        if n == ACCOUNTS - 1:
            continue
        for k in range(n % 4 + 1):
            sales.append(_sale(account, dt.date(2024, 1, 1 + k), 100 + n, f"{account}-Q1-{k}"))
        if n % 3:
            sales.append(_sale(account, dt.date(2024, 4, 2), 50 * (n % 7 + 1), f"{account}-Q2"))
        if n % 2 == 0:
            ledger.append(_entry(account, dt.date(2024, 1, 1), "invoice", 100, f"{account}-I"))
            paid_on = dt.date(2024, 1, 20) if n % 4 == 0 else dt.date(2024, 4, 1)
            ledger.append(_entry(account, paid_on, "payment", 100, f"{account}-I"))
    await _load(engine, seed, sales, ledger)


PROFILES = """
query ($first: Int!) {
  accounts(first: $first) { edges { node {
    accountId
    salesProfile {
      firstPurchase lastPurchase isRecent daysSinceLastPurchase
      quarters { quarter orders revenue profit frequencySegment monetarySegment
                 frequencyCluster monetaryCluster recencyDays monetaryIsProfit }
    }
    creditRisk {
      score segment daysSalesOutstanding overdueShare averageDaysLate asOf invoiced outstanding
    }
  } } }
}
"""


async def test_profiles_and_credit_risks_of_accounts(
    client: GraphQLClient, customers: None
) -> None:
    data = await client.data(PROFILES, {"first": 100})
    nodes = {edge["node"]["accountId"]: edge["node"] for edge in data["accounts"]["edges"]}

    # Q1 orders are 1 to 4 (four clusters); Q2 orders are all 1 (one cluster, AVERAGE) and
    # Q2 revenues take seven values, of which 300 is the sixth.
    five = nodes["acc-0005"]
    assert five["salesProfile"] == {
        "firstPurchase": "2024-01-01",
        "lastPurchase": "2024-04-02",
        "isRecent": True,
        "daysSinceLastPurchase": 0,
        "quarters": [
            {
                "quarter": "2024-Q1",
                "orders": 2,
                "revenue": "210.00",
                "profit": None,
                "frequencySegment": "BELOW_AVERAGE",
                "monetarySegment": "LOW_VALUE",
                "frequencyCluster": 1,
                "monetaryCluster": 1,
                "recencyDays": 89,
                "monetaryIsProfit": False,
            },
            {
                "quarter": "2024-Q2",
                "orders": 1,
                "revenue": "300.00",
                "profit": None,
                "frequencySegment": "AVERAGE",
                "monetarySegment": "HIGH_VALUE",
                "frequencyCluster": 0,
                "monetaryCluster": 5,
                # The app's sales end on 2024-04-02, this purchase's day: Q2 is not over by then,
                # so it is measured to that day (it was 89, to 2024-06-30, a day still to come).
                "recencyDays": 0,
                "monetaryIsProfit": False,
            },
        ],
    }
    assert five["creditRisk"] is None
    paid_on_time, paid_late = nodes["acc-0004"]["creditRisk"], nodes["acc-0006"]["creditRisk"]
    assert paid_on_time == {
        "score": 100,
        "segment": "LOW_RISK",
        "daysSalesOutstanding": 0.0,
        "overdueShare": 0.0,
        "averageDaysLate": 0.0,
        "asOf": "2024-04-01",
        "invoiced": "100.00",
        "outstanding": "0.00",
    }
    # Paid 61 days late: all of it overdue (0.4) and fully late (0.3), nothing owed now.
    assert paid_late["overdueShare"] == 1.0
    assert paid_late["averageDaysLate"] == 61.0
    assert (paid_late["score"], paid_late["segment"]) == (30, "HIGH_RISK")


async def test_an_account_without_sales_or_ledger_has_neither(
    client: GraphQLClient, customers: None
) -> None:
    data = await client.data(
        '{ account(accountId: "acc-0119") { salesProfile { isRecent } creditRisk { score } } }'
    )
    assert data["account"] == {"salesProfile": None, "creditRisk": None}


async def test_profiles_run_the_same_statements_for_1_and_100_accounts(
    client: GraphQLClient, customers: None, sql_statements: StatementCounter
) -> None:
    sql_statements.reset()
    one = await client.data(PROFILES, {"first": 1})
    statements_for_one = sql_statements.count
    sql_statements.reset()
    hundred = await client.data(PROFILES, {"first": 100})
    assert len(one["accounts"]["edges"]) == 1
    edges = hundred["accounts"]["edges"]
    assert len(edges) == 100
    assert sum(1 for edge in edges if edge["node"]["creditRisk"]) == 50
    assert all(edge["node"]["salesProfile"]["quarters"] for edge in edges)
    assert sql_statements.count == statements_for_one, sql_statements.statements
    # The page and its count, then one batch each for profiles (two reads) and credit.
    assert sql_statements.count <= 5, sql_statements.statements


LEDGER_COVERAGE = """
query ($first: Int!) {
  accounts(first: $first) { edges { node {
    accountId ledgerCoverage { firstEntry lastEntry } creditRisk { asOf }
  } } }
}
"""


async def test_ledger_coverage_is_the_accounts_own_in_one_batch(
    client: GraphQLClient, customers: None, sql_statements: StatementCounter
) -> None:
    """Each account's own first and last entries, where its credit risk is measured on its
    app's latest ledger date; one statement for 1 account or 100."""
    sql_statements.reset()
    await client.data(LEDGER_COVERAGE, {"first": 1})
    statements_for_one = sql_statements.count
    sql_statements.reset()
    data = await client.data(LEDGER_COVERAGE, {"first": 100})
    assert sql_statements.count == statements_for_one, sql_statements.statements
    nodes = {edge["node"]["accountId"]: edge["node"] for edge in data["accounts"]["edges"]}
    assert nodes["acc-0004"] == {
        "accountId": "acc-0004",
        "ledgerCoverage": {"firstEntry": "2024-01-01", "lastEntry": "2024-01-20"},
        "creditRisk": {"asOf": "2024-04-01"},  # the app's latest ledger date
    }
    assert nodes["acc-0006"]["ledgerCoverage"] == {
        "firstEntry": "2024-01-01",
        "lastEntry": "2024-04-01",
    }
    assert nodes["acc-0005"]["ledgerCoverage"] is None  # no ledger


SEGMENTATION = """
query ($quarter: String!, $app: String!) {
  segmentation(quarter: $quarter, app: $app) {
    app quarter previousQuarter
    frequency {
      accounts previousAccounts
      counts { segment accounts }
      previousCounts { segment accounts }
      transitions { from to accounts }
      entered { segment accounts }
      lapsed { segment accounts }
    }
    monetary { accounts counts { segment accounts } }
  }
}
"""


async def test_segmentation_counts_segments_and_moves(
    engine: AsyncEngine, client: GraphQLClient
) -> None:
    seed = Seed()
    for name in ("a", "b", "c", "d"):
        seed.account(name, app="north")
    seed.account("z", app="south")
    q1, q2 = dt.date(2024, 2, 1), dt.date(2024, 5, 1)
    sales = [
        # Q1: a 1 order, b 2, c 3 -> three clusters: LOW, AVERAGE, HIGH.
        _sale("a", q1, 10, "a1"),
        *(_sale("b", q1 + dt.timedelta(days=k), 10, f"b{k}") for k in range(2)),
        *(_sale("c", q1 + dt.timedelta(days=k), 10, f"c{k}") for k in range(3)),
        # Q2: a 2 orders, b 1, d 2 (new); c lapses -> two clusters: BELOW_AVERAGE, HIGH.
        *(_sale("a", q2 + dt.timedelta(days=k), 10, f"a2{k}") for k in range(2)),
        _sale("b", q2, 10, "b2"),
        *(_sale("d", q2 + dt.timedelta(days=k), 10, f"d{k}") for k in range(2)),
        _sale("z", q2, 10, "z1"),
    ]
    await _load(engine, seed, sales, [])

    data = await client.data(SEGMENTATION, {"quarter": "2024-Q2", "app": "north"})
    result = data["segmentation"]
    assert (result["app"], result["quarter"], result["previousQuarter"]) == (
        "north",
        "2024-Q2",
        "2024-Q1",
    )
    frequency = result["frequency"]
    assert (frequency["accounts"], frequency["previousAccounts"]) == (3, 3)

    def counts(entries: list[dict[str, Any]]) -> dict[str, int]:
        return {entry["segment"]: entry["accounts"] for entry in entries}

    assert counts(frequency["counts"]) == {
        "HIGH_VALUE": 2,
        "AVERAGE": 0,
        "BELOW_AVERAGE": 1,
        "LOW_VALUE": 0,
    }
    assert counts(frequency["previousCounts"]) == {
        "HIGH_VALUE": 1,
        "AVERAGE": 1,
        "BELOW_AVERAGE": 0,
        "LOW_VALUE": 1,
    }
    moves = {(t["from"], t["to"]): t["accounts"] for t in frequency["transitions"] if t["accounts"]}
    assert moves == {("LOW_VALUE", "HIGH_VALUE"): 1, ("AVERAGE", "BELOW_AVERAGE"): 1}
    assert len(frequency["transitions"]) == 16
    assert counts(frequency["entered"])["HIGH_VALUE"] == 1
    assert counts(frequency["lapsed"])["HIGH_VALUE"] == 1
    # Revenues 20, 10 and 20: two clusters.
    assert counts(result["monetary"]["counts"]) == {
        "HIGH_VALUE": 2,
        "AVERAGE": 0,
        "BELOW_AVERAGE": 1,
        "LOW_VALUE": 0,
    }

    empty = await client.data(SEGMENTATION, {"quarter": "1997-Q1", "app": "north"})
    assert empty["segmentation"]["frequency"]["accounts"] == 0


@pytest.mark.parametrize(
    ("quarter", "app", "code", "message"),
    [
        (
            "2024Q1",
            "north",
            "BAD_USER_INPUT",
            "quarter '2024Q1' is not a calendar quarter: write it as YYYY-Qn",
        ),
        ("2024-Q1", "nowhere", "NOT_FOUND", "No app with id 'nowhere'"),
    ],
)
async def test_segmentation_refuses_bad_arguments(
    client: GraphQLClient, customers: None, quarter: str, app: str, code: str, message: str
) -> None:
    body = await client.post(SEGMENTATION, {"quarter": quarter, "app": app})
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"].startswith(message)


async def test_keys_see_the_segmentation_of_their_own_app_only(
    engine: AsyncEngine, customers: None
) -> None:
    seed = Seed()
    seed.account("s-1", app="south")
    await _load(engine, seed, [_sale("s-1", dt.date(2024, 1, 5), 10, "S")], [])
    keys = {}
    for label, role, app_id, account in (
        ("north", Role.APP, "north", None),
        ("south", Role.APP, "south", None),
        ("account", Role.ACCOUNT, None, "acc-0005"),
        ("public", Role.PUBLIC, None, None),
    ):
        _, keys[label] = await create_key(engine, role=role, app_id=app_id, account_id=account)
    app = create_app(settings=load_settings({"PROFILING_TODAY": "2024-06-01"}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:

        async def ask(key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {keys[key]}"},
            )
            body: dict[str, Any] = response.json()
            return body

        north = {"quarter": "2024-Q1", "app": "north"}
        seen = await ask("north", SEGMENTATION, north)
        assert seen["data"]["segmentation"]["frequency"]["accounts"] == ACCOUNTS - 1
        for key in ("south", "public"):
            refused = await ask(key, SEGMENTATION, north)
            assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            assert refused["errors"][0]["message"] == "No app with id 'north'"
        # An account key sees its app in `apps`: it is told why, the same for any app.
        for asked in ("north", "nowhere"):
            refused = await ask("account", SEGMENTATION, {**north, "app": asked})
            assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            assert refused["errors"][0]["message"] == (
                "Segments of the whole app need an internal key or the app's own key: "
                "an account key sees its own account only"
            )

        profile = '{ account(accountId: "acc-0005") { salesProfile { firstPurchase } } }'
        own = await ask("account", profile, {})
        assert own["data"]["account"]["salesProfile"] == {"firstPurchase": "2024-01-01"}
        other = await ask("south", profile, {})
        assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_account_key_sees_only_dates_of_its_own_data(
    engine: AsyncEngine, customers: None
) -> None:
    """acc-0000 bought on 2024-01-01 and paid its invoice on 2024-01-20; others of its app
    bought until 2024-04-02 and paid until 2024-04-01. Its own key must learn neither date."""
    _, key = await create_key(engine, role=Role.ACCOUNT, account_id="acc-0000")
    app = create_app(settings=load_settings({"PROFILING_TODAY": "2024-06-30"}), engine=engine)
    query = """{ account(accountId: "acc-0000") {
        salesProfile { lastPurchase isRecent daysSinceLastPurchase }
        creditRisk { score segment asOf invoiced outstanding } } }"""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        own = await http.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
        )
        internal = await http.post(
            "/graphql",
            json={"query": query},
            headers={
                "Authorization": f"Bearer {(await create_key(engine, role=Role.INTERNAL))[1]}"
            },
        )
    seen = own.json()["data"]["account"]
    assert seen["salesProfile"] == {
        "lastPurchase": "2024-01-01",
        "isRecent": False,  # not within a quarter of today
        "daysSinceLastPurchase": 181,  # to today, not to the app's latest sale
    }
    assert seen["creditRisk"]["asOf"] == "2024-06-30"  # today, public
    assert (seen["creditRisk"]["score"], seen["creditRisk"]["outstanding"]) == (100, "0.00")
    assert "2024-04-0" not in own.text
    # Keys that see the app keep the app's reference dates.
    full = internal.json()["data"]["account"]
    assert full["salesProfile"]["daysSinceLastPurchase"] == 92
    assert full["creditRisk"]["asOf"] == "2024-04-01"


CREDIT_AS_OF = """query ($id: String!, $day: Date) { account(accountId: $id) {
    creditRisk(asOf: $day) { score segment overdueShare asOf invoiced outstanding } } }"""


async def test_credit_risk_as_of_a_day_is_measured_from_the_entries_up_to_it(
    engine: AsyncEngine, customers: None
) -> None:
    """acc-0002 was invoiced 100 on 2024-01-01 (due 30 days later) and paid on 2024-04-01, the
    app's latest ledger date; acc-0000 paid its invoice on 2024-01-20."""
    internal = (await create_key(engine, role=Role.INTERNAL))[1]
    own = (await create_key(engine, role=Role.ACCOUNT, account_id="acc-0000"))[1]
    app = create_app(settings=load_settings({"PROFILING_TODAY": "2024-06-30"}), engine=engine)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:

        async def credit(key: str, account: str, day: str | None) -> Any:
            answer = await http.post(
                "/graphql",
                json={"query": CREDIT_AS_OF, "variables": {"id": account, "day": day}},
                headers={"Authorization": f"Bearer {key}"},
            )
            body = answer.json()
            assert "errors" not in body, body
            return body["data"]["account"]["creditRisk"]

        default = await credit(internal, "acc-0002", None)
        assert (default["asOf"], default["outstanding"]) == ("2024-04-01", "0.00")
        # Before the payment, the invoice was owed and a month overdue.
        unpaid = await credit(internal, "acc-0002", "2024-03-01")
        assert unpaid["asOf"] == "2024-03-01"
        assert (unpaid["invoiced"], unpaid["outstanding"], unpaid["overdueShare"]) == (
            "100.00",
            "100.00",
            1.0,
        )
        # Paid 61 days late in the end: measured on the later day, another score.
        assert unpaid["score"] != default["score"]
        # Past the app's latest ledger date only when asked, and never past today: the day an
        # account key's default measure may be, so staff can see what the customer sees.
        later = await credit(internal, "acc-0002", "2025-01-01")
        assert later["asOf"] == "2024-06-30"
        assert later == await credit(internal, "acc-0002", "2024-06-30")
        assert await credit(internal, "acc-0000", "2025-01-01") == await credit(
            own, "acc-0000", None
        )
        # Before its first entry there is nothing to measure.
        assert await credit(internal, "acc-0002", "2023-12-31") is None
        # An account key: never past today, whatever day it asks (by default today).
        assert (await credit(own, "acc-0000", "2025-01-01"))["asOf"] == "2024-06-30"
        assert (await credit(own, "acc-0000", None))["asOf"] == "2024-06-30"
        early = await credit(own, "acc-0000", "2024-01-10")
        assert (early["asOf"], early["outstanding"]) == ("2024-01-10", "100.00")


KEPT_OPTIONS_QUERY = """query ($id: String!) {
  account(accountId: $id) {
    salesProfile { isRecent }
    creditRisk { score segment overdueShare asOf }
    earlier: creditRisk(asOf: "2024-03-01") { score segment overdueShare asOf }
  }
}"""
KEPT_OPTIONS_MATRIX = """{
  segmentation(quarter: "2024-Q1", app: "north") {
    valueByCreditRisk { monetarySegment creditSegment accounts }
    accountsWithoutCreditRisk creditRiskAsOf
  }
}"""


async def test_options_kept_for_an_app_measure_as_the_environments_would(
    engine: AsyncEngine, customers: None
) -> None:
    """What is measured on request (a credit risk as of an earlier day, an account key's
    figures, a past quarter's value x credit-risk matrix) uses the options kept for the app by
    `profiling segment`, as the segment job does: the same answers as those options given
    through the environment."""
    environment = {
        "PROFILING_TODAY": "2024-06-30",
        "PROFILING_PAYMENT_TERMS_DAYS": "90",
        "PROFILING_RECENT_QUARTERS": "4",
    }
    keys = [
        (await create_key(engine, role=Role.INTERNAL))[1],
        (await create_key(engine, role=Role.ACCOUNT, account_id="acc-0000"))[1],
    ]

    async def answers(settings: dict[str, str]) -> list[Any]:
        app = create_app(settings=load_settings(settings), engine=engine)
        found = []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as http:
            for key, account in ((keys[0], "acc-0002"), (keys[1], "acc-0000")):
                answer = await http.post(
                    "/graphql",
                    json={"query": KEPT_OPTIONS_QUERY, "variables": {"id": account}},
                    headers={"Authorization": f"Bearer {key}"},
                )
                found.append(answer.json())
            answer = await http.post(
                "/graphql",
                json={"query": KEPT_OPTIONS_MATRIX},
                headers={"Authorization": f"Bearer {keys[0]}"},
            )
            found.append(answer.json())
        return found

    async with engine.begin() as connection:
        await segment_apps(connection, options=load_settings(environment).segment)
    through_environment = await answers(environment)
    # Due 90 days after it, acc-0002's invoice was not overdue yet on 2024-03-01.
    assert through_environment[0]["data"]["account"]["earlier"]["overdueShare"] == 0.0
    # acc-0000's last purchase, on 2024-01-01, is within 4 quarters of today.
    assert through_environment[1]["data"]["account"]["salesProfile"]["isRecent"] is True
    assert "errors" not in through_environment[2], through_environment[2]

    async with engine.begin() as connection:
        await keep_options(
            connection,
            apps=["north"],
            options=KeptOptions(payment_terms_days=90, recent_quarters=4),
        )
        await segment_apps(connection)
    assert await answers({"PROFILING_TODAY": "2024-06-30"}) == through_environment

"""Property: for any app's sales and ledger, the value x credit-risk matrix counts every
account with orders in the quarter exactly once, in its cells when it has a ledger entry up to
the date credit risks are measured on and apart otherwise, and the lists of entered and
lapsed accounts are exactly the accounts that bought in one of the two quarters only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import METADATA
from tests.api_client import GraphQLClient
from tests.factories import Seed
from tests.schema.segmentation_support import QUERY, load, sale

START = dt.date(2024, 1, 1)
Q1_END, Q2_END = dt.date(2024, 3, 31), dt.date(2024, 6, 30)


class Customer:
    def __init__(self, q1: bool, q2: bool, ledger: list[tuple[int, str, int]]) -> None:
        self.q1, self.q2 = q1, q2
        # (days after START, kind, amount)
        self.ledger = ledger


customers = st.builds(
    Customer,
    st.booleans(),
    st.booleans(),
    st.lists(
        st.tuples(
            st.integers(0, 240), st.sampled_from(("invoice", "payment")), st.integers(1, 900)
        ),
        max_size=4,
    ),
)


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=st.lists(customers, min_size=1, max_size=8))
async def test_every_account_with_orders_is_counted_once(
    client: GraphQLClient, engine: AsyncEngine, base: list[Customer]
) -> None:
    await _reset(engine)
    seed = Seed()
    sales: list[Any] = []
    ledger: list[Any] = []
    for n, customer in enumerate(base):
        account = f"c-{n}"
        seed.account(account, app="prop")
        if customer.q1:
            sales.append(sale(account, dt.date(2024, 2, 1 + n), 10 * (n + 1), f"{account}-1"))
        if customer.q2:
            sales.append(sale(account, dt.date(2024, 5, 1 + n), 10 * (9 - n), f"{account}-2"))
        for line, (days, kind, amount) in enumerate(customer.ledger):
            ledger.append(
                {
                    "account_id": account,
                    "entry_date": START + dt.timedelta(days=days),
                    "kind": kind,
                    "reference": f"{account}-{line}",
                    "line": line,
                    "amount": amount,
                    "due_date": None,
                }
            )
    await load(engine, seed, sales, ledger)
    latest = max(
        (START + dt.timedelta(days=days) for c in base for days, _, _ in c.ledger), default=None
    )
    for quarter, end, bought_now, bought_before in (
        ("2024-Q1", Q1_END, lambda c: c.q1, lambda _c: False),
        ("2024-Q2", Q2_END, lambda c: c.q2, lambda c: c.q1),
    ):
        answer = (await client.data(QUERY, {"quarter": quarter, "app": "prop"}))["segmentation"]
        as_of = None if latest is None else min(latest, end)
        assert answer["creditRiskAsOf"] == (None if as_of is None else as_of.isoformat())
        buyers = [c for c in base if bought_now(c)]
        scored = sum(
            1
            for c in buyers
            if as_of is not None
            and any(START + dt.timedelta(days=d) <= as_of for d, _, _ in c.ledger)
        )
        cells = [cell["accounts"] for cell in answer["valueByCreditRisk"]]
        assert len(cells) == 12
        assert sum(cells) == scored
        assert answer["accountsWithoutCreditRisk"] == len(buyers) - scored
        assert sum(cells) + answer["accountsWithoutCreditRisk"] == answer["monetary"]["accounts"]
        for measure in ("frequency", "monetary"):
            flows = answer[measure]
            entered = [m["account"]["accountId"] for m in flows["enteredAccounts"]]
            lapsed = [m["account"]["accountId"] for m in flows["lapsedAccounts"]]
            assert entered == [
                f"c-{n}" for n, c in enumerate(base) if bought_now(c) and not bought_before(c)
            ]
            assert lapsed == [
                f"c-{n}" for n, c in enumerate(base) if bought_before(c) and not bought_now(c)
            ]
            assert len(entered) == sum(count["accounts"] for count in flows["entered"])
            assert len(lapsed) == sum(count["accounts"] for count in flows["lapsed"])

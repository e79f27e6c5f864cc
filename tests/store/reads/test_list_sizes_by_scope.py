"""The list sizes within each app and account (store/reads/list_sizes.py's scoped_list_sizes):
for any store, each account's (and each app's for the accounts of a quarter) as counted one by
one, and only those over the threshold asked for."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads.list_sizes import SCOPED_SIZES, ScopedRow, scoped_list_sizes
from store.tables import METADATA, QUARTER_SEGMENT_TABLE
from store.upsert import upsert
from tests.factories import Seed

ACCOUNTS = {"x1": "a1", "x2": "a1", "x3": "a2", "x4": "a2"}
QUARTERS = ["2021-Q1", "2021-Q2", "2021-Q3"]


def _segment(account: str, quarter: str) -> dict[str, object]:
    return {
        "account_id": account,
        "quarter": quarter,
        "orders": 1,
        "revenue": Decimal(1),
        "profit": None,
        "recency_days": 1,
        "monetary_is_profit": False,
        "frequency_cluster": 0,
        "frequency_segment": "s",
        "monetary_cluster": 0,
        "monetary_segment": "s",
    }


def _expected(
    companies: list[str],
    contracts: list[int],
    segments: set[tuple[str, str]],
    above: dict[str, int],
) -> dict[str, set[ScopedRow]]:
    """Counted one by one: companies[n] is company n's account, contracts[m] contract m's
    company."""
    per_account = {
        "companies_per_account": Counter(companies),
        "contracts_per_account": Counter(companies[company] for company in contracts),
        "quarters_per_account": Counter(account for account, _quarter in segments),
    }
    found: dict[str, set[ScopedRow]] = {
        name: {
            (ACCOUNTS[account], account, n)
            for account, n in counts.items()
            if n > above.get(name, 0)
        }
        for name, counts in per_account.items()
    }
    by_company = Counter(contracts)
    most: dict[str, int] = {}
    for company, n in by_company.items():
        if n > above.get("contracts_per_company", 0):
            account = companies[company]
            most[account] = max(most.get(account, 0), n)
    found["contracts_per_company"] = {(ACCOUNTS[a], a, n) for a, n in most.items()}
    by_quarter = Counter((ACCOUNTS[account], quarter) for account, quarter in segments)
    apps: dict[str, int] = {}
    for (app, _quarter), n in by_quarter.items():
        if n > above.get("accounts_per_quarter", 0):
            apps[app] = max(apps.get(app, 0), n)
    found["accounts_per_quarter"] = {(app, None, n) for app, n in apps.items()}
    return found


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    companies=st.lists(st.sampled_from(sorted(ACCOUNTS)), max_size=12),
    contract_picks=st.lists(st.integers(0, 11), max_size=30),
    segments=st.sets(st.tuples(st.sampled_from(sorted(ACCOUNTS)), st.sampled_from(QUARTERS))),
    above=st.dictionaries(st.sampled_from(SCOPED_SIZES), st.integers(0, 3)),
)
async def test_each_scope_is_counted_alone(
    engine: AsyncEngine,
    companies: list[str],
    contract_picks: list[int],
    segments: set[tuple[str, str]],
    above: dict[str, int],
) -> None:
    contracts = [pick for pick in contract_picks if pick < len(companies)]
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))
    seed = Seed()
    for account, app in ACCOUNTS.items():
        seed.account(account, app=app)
    for n, account in enumerate(companies):
        seed.company(f"co-{n}", account=account)
    for m, company in enumerate(contracts):
        seed.contract(f"ct-{m}", company=f"co-{company}")
    await seed.write(engine)
    if segments:
        async with engine.begin() as connection:
            await upsert(connection, QUARTER_SEGMENT_TABLE, [_segment(*s) for s in segments])
    async with engine.connect() as connection:
        measured = await scoped_list_sizes(connection, above=above)
    assert {name: set(rows) for name, rows in measured.items()} == _expected(
        companies, contracts, segments, above
    )

"""An account key's own credit risk, as the customer sees it (dashboard, default ROI deck): it is
measured on the end of the period of the latest ledger export with its entries (its title's
`1-Apr-25 to 30-Sep-25`, a fact about the export), else on today, a public date, with its unpaid
invoices late up to that day; never on the app's latest ledger date (another customer's entry
date), and never on its own latest entry, which kept a debt long overdue looking as young as on
that day ("Low risk" for ever). Nothing it is told depends on another account's ledger entries:
two stores that differ only in them give it the same answers (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.scope import Role
from store.tables import LEDGER_PERIOD_TABLE, METADATA
from store.upsert import upsert
from tests.factories import Seed
from tests.schema.segmentation_support import load

TODAY = "2026-12-06"
TRIAL_DAYBOOK = Path(__file__).parents[1] / "store" / "ingest" / "tally" / "daybook_trial.csv"
_MEASURES = (
    "score segment daysSalesOutstanding overdueShare averageDaysLate asOf invoiced outstanding"
)
CREDIT = f"""query ($id: String!) {{ account(accountId: $id) {{
  creditRisk {{ {_MEASURES} }}
  ledgerCoverage {{ firstEntry lastEntry }}
}} }}"""
# Every day an account key may ask about: before its entries, between them, between its last
# entry and the app's latest ledger date, after that, and after today.
EVERY_DAY = f"""query {{ account(accountId: "c0") {{
  creditRisk {{ {_MEASURES} }}
  before: creditRisk(asOf: "2025-03-01") {{ {_MEASURES} }}
  early: creditRisk(asOf: "2025-04-10") {{ {_MEASURES} }}
  between: creditRisk(asOf: "2025-08-15") {{ {_MEASURES} }}
  later: creditRisk(asOf: "2026-01-01") {{ {_MEASURES} }}
  future: creditRisk(asOf: "2030-01-01") {{ {_MEASURES} }}
  ledgerCoverage {{ firstEntry lastEntry }}
}} }}"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def test_the_customer_sees_its_risk_at_the_end_of_the_exports_period(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    """The trial's Day Book (`1-Apr-25 to 30-Sep-25`): Kaveri Traders still owes 20,000 of its
    1 April invoice (due 1 May) and all of 60,000 of 4 July, its latest entry; the app's latest
    ledger date is 19 September (Gupta's invoice). Measured on its own latest entry it saw
    85/100, low risk, for ever; on the end of the Day Book's period 20,000 is 152 days late
    and 60,000 58 days."""
    await ingest_file(engine, kind=IngestKind.LEDGER, path=TRIAL_DAYBOOK, app="kaveri")
    own = (await create_key(engine, role=Role.ACCOUNT, account_id="Kaveri Traders"))[1]
    internal = (await create_key(engine, role=Role.INTERNAL))[1]
    variables = {"id": "Kaveri Traders"}

    seen = (await _ask(http, own, CREDIT, variables))["data"]["account"]
    risk = seen["creditRisk"]
    assert risk["asOf"] == "2025-09-30"
    assert (risk["invoiced"], risk["outstanding"]) == ("183456.00", "80000.00")
    # By hand: 100,000 paid on time, the 3,456 credit note 40 days late, 20,000 152 days and
    # 60,000 58 days late on 30 September, over the 183,456 paid or due.
    late = 3_456 * 40 + 20_000 * 152 + 60_000 * 58
    assert risk["averageDaysLate"] == pytest.approx(late / 183_456)
    assert (risk["score"], risk["segment"]) == (47, "MEDIUM_RISK")
    assert seen["ledgerCoverage"] == {"firstEntry": "2025-04-01", "lastEntry": "2025-07-04"}
    # The app's view keeps the app's latest ledger date, which the account key never learns.
    app_view = (await _ask(http, internal, CREDIT, variables))["data"]["account"]["creditRisk"]
    assert (app_view["asOf"], app_view["score"], app_view["segment"]) == (
        "2025-09-19",
        51,
        "MEDIUM_RISK",
    )
    # Nothing is known of payments after the period: a later day asked gives its end.
    asked = """query { account(accountId: "Kaveri Traders") {
      later: creditRisk(asOf: "2026-01-31") { asOf }
      earlier: creditRisk(asOf: "2025-07-04") { asOf segment } } }"""
    answers = (await _ask(http, own, asked))["data"]["account"]
    assert answers["later"] == {"asOf": "2025-09-30"}
    assert answers["earlier"] == {"asOf": "2025-07-04", "segment": "LOW_RISK"}


UNTITLED = """Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-25,Kaveri Traders,Sales,KD/25-26/001,"1,23,456.00",
20-Apr-25,Kaveri Traders,Receipt,1,,"1,00,000.00"
{extra}"""


@pytest.mark.parametrize(
    ("title", "extra", "as_of"),
    [
        # No period stated: today, the unpaid 23,456 long overdue.
        ("", "", TODAY),
        # An export of a period still under way (made before its end): not after today.
        ("Day Book\n1-Apr-26 to 31-Mar-27\n", "", TODAY),
        # An entry of its own after the period it was loaded with (from a later export without
        # a title): the period no longer covers its books, today does.
        ("Day Book\n1-Apr-25 to 30-Apr-25\n", "", "2025-04-30"),
    ],
)
async def test_without_a_period_covering_its_entries_the_customer_sees_today(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path, title: str, extra: str, as_of: str
) -> None:
    path = tmp_path / "daybook.csv"
    path.write_text(title + UNTITLED.format(extra=extra), encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    own = (await create_key(engine, role=Role.ACCOUNT, account_id="Kaveri Traders"))[1]
    risk = (await _ask(http, own, CREDIT, {"id": "Kaveri Traders"}))["data"]["account"]
    assert risk["creditRisk"]["asOf"] == as_of
    if as_of == TODAY:
        assert risk["creditRisk"]["segment"] != "LOW_RISK"
    later = tmp_path / "later.csv"
    later.write_text(
        UNTITLED.format(extra="5-May-25,Kaveri Traders,Sales,KD/25-26/002,100.00,\n"),
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.LEDGER, path=later, app="kaveri")
    risk = (await _ask(http, own, CREDIT, {"id": "Kaveri Traders"}))["data"]["account"]
    assert risk["creditRisk"]["asOf"] == TODAY


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


def _entry(account: str, day: dt.date, kind: str, amount: int, line: int) -> dict[str, Any]:
    return {
        "account_id": account,
        "entry_date": day,
        "kind": kind,
        "reference": "",
        "line": line,
        "amount": Decimal(amount),
        "due_date": None,
    }


# c0's own ledger: 20,000 of an April invoice still owed, and the July invoice unpaid.
OWN = [
    _entry("c0", dt.date(2025, 4, 1), "invoice", 123_456, 1),
    _entry("c0", dt.date(2025, 4, 20), "payment", 100_000, 1),
    _entry("c0", dt.date(2025, 6, 10), "payment", 3_456, 1),
    _entry("c0", dt.date(2025, 7, 4), "invoice", 60_000, 1),
]
other_entries = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "payment"]),
        st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
        st.integers(1, 500_000),
    ),
    max_size=6,
)


async def _answers(
    engine: AsyncEngine, http: httpx.AsyncClient, others: list[tuple[str, dt.date, int]]
) -> dict[str, Any]:
    await _reset(engine)
    seed = Seed()
    seed.app("north")
    seed.account("c0", app="north")
    seed.account("c1", app="north")
    ledger = [
        _entry("c1", day, kind, amount, line)
        for line, (kind, day, amount) in enumerate(others, start=1)
    ]
    await load(engine, seed, [], [*OWN, *ledger])
    # c0's export stated its period; another account's periods are facts of other exports.
    periods = [{"account_id": "c0", "period_end": dt.date(2025, 9, 30)}]
    periods += [{"account_id": "c1", "period_end": day} for _kind, day, _amount in others]
    async with engine.begin() as connection:
        await upsert(connection, LEDGER_PERIOD_TABLE, periods)
    key = (await create_key(engine, role=Role.ACCOUNT, account_id="c0"))[1]
    return await _ask(http, key, EVERY_DAY)


@settings(
    max_examples=6,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(others=other_entries)
@example(others=[("invoice", dt.date(2025, 9, 19), 1_500)])  # the trial's Gupta Stores
@example(others=[("invoice", dt.date(2024, 1, 1), 9_999), ("payment", dt.date(2026, 6, 1), 9)])
async def test_another_accounts_entries_change_nothing_an_account_key_is_told(
    engine: AsyncEngine, http: httpx.AsyncClient, others: list[tuple[str, dt.date, int]]
) -> None:
    """Whatever another account of the app was invoiced or paid, and when (before, between
    and after c0's entries, after today), c0's key gets the same answers, for every day it
    can ask about, as when the other account has no ledger at all."""
    alone = await _answers(engine, http, [])
    assert alone["data"]["account"]["creditRisk"]["asOf"] == "2025-09-30"
    assert await _answers(engine, http, others) == alone


async def test_a_period_loaded_before_its_end_counts_to_the_day_of_the_load(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    """The trial's Day Book (`1-Apr-25 to 30-Sep-25`) exported and loaded on 10 September
    knows no payment of 11-30 September: the customer's risk is measured on 10 September, not
    on the period's end, however late it is asked."""
    await ingest_file(
        engine,
        kind=IngestKind.LEDGER,
        path=TRIAL_DAYBOOK,
        app="kaveri",
        loaded_on=dt.date(2025, 9, 10),
    )
    own = (await create_key(engine, role=Role.ACCOUNT, account_id="Kaveri Traders"))[1]
    seen = (await _ask(http, own, CREDIT, {"id": "Kaveri Traders"}))["data"]["account"]
    assert seen["creditRisk"]["asOf"] == "2025-09-10"

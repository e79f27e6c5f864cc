"""The demo's sales and ledger: deterministic, consistent, and segmented when loaded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from demo.calendar import month_index
from demo.dataset import SEED, load_demo, plan_demo
from demo.sales import generate_sales
from tests.store.sales_support import tables_of

TODAY = dt.date(2025, 6, 15)
SCALE = 0.05
DERIVED = ("sale_line", "ledger_entry", "quarter_segment", "sales_profile", "credit_risk")


def test_sales_follow_the_customers_and_the_ledger_follows_the_sales() -> None:
    plan = plan_demo(today=TODAY, scale=SCALE)
    sales = plan.sales
    assert sales == generate_sales(plan.accounts, plan.window, seed=SEED)
    accounts = {account.account_id: account for account in plan.accounts}
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    for line in sales.sale_lines:
        month = month_index(line["sale_date"])
        account = accounts[line["account_id"]]
        assert plan.window.first <= month <= plan.window.last
        assert any(
            contract.is_active(month)
            for company in account.companies
            for contract in company.contracts
        )
        assert line["profit"] == line["amount"] - line["cost"]
        assert line["amount"] > 0
        invoiced[line["invoice"]] += line["amount"]
    invoices = {e["reference"]: e for e in sales.ledger_entries if e["kind"] == "invoice"}
    assert {ref: e["amount"] for ref, e in invoices.items()} == dict(invoiced)
    for entry in sales.ledger_entries:
        if entry["kind"] == "payment":
            invoice = invoices[entry["reference"]]
            assert entry["amount"] == invoice["amount"]
            assert entry["entry_date"] >= invoice["entry_date"]
        else:
            assert entry["due_date"] > entry["entry_date"]
    keys = [
        (e["account_id"], e["entry_date"], e["kind"], e["reference"]) for e in sales.ledger_entries
    ]
    assert len(set(keys)) == len(keys)
    assert plan.summary.sale_lines == len(sales.sale_lines)
    assert plan.summary.ledger_entries == len(sales.ledger_entries)


async def test_a_loaded_demo_has_profiles_segments_and_credit_risks_and_reloads_the_same(
    engine: AsyncEngine,
) -> None:
    summary = await load_demo(engine, today=TODAY, scale=SCALE)
    tables = await tables_of(engine, DERIVED)

    buyers = {row[0] for row in tables["sale_line"]}
    assert len(tables["sale_line"]) == summary.sale_lines
    assert {row[0] for row in tables["sales_profile"]} == buyers
    assert {row[0] for row in tables["credit_risk"]} == {row[0] for row in tables["ledger_entry"]}
    assert {row[3] for row in tables["credit_risk"]} == {"LOW_RISK", "MEDIUM_RISK", "HIGH_RISK"}
    assert {row[8] for row in tables["quarter_segment"]} == {
        "LOW_VALUE",
        "BELOW_AVERAGE",
        "AVERAGE",
        "HIGH_VALUE",
    }
    assert {row[4] for row in tables["sales_profile"]} == {True, False}
    # June 2023 to May 2025: nine calendar quarters, the first and the last partial.
    assert len({row[1] for row in tables["quarter_segment"]}) == 9

    await load_demo(engine, today=TODAY, scale=SCALE)
    assert await tables_of(engine, DERIVED) == tables

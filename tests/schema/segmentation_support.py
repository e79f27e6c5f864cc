"""What the segmentation tests share: the query of every list and count, and sales and
ledger rows written the way the ingest writes them, then segmented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.segment import segment_apps
from store.tables import LEDGER_TABLE, SALE_LINE_TABLE
from store.upsert import upsert
from tests.factories import Seed

QUERY = """
query ($quarter: String!, $app: String!) {
  segmentation(quarter: $quarter, app: $app) {
    creditRiskAsOf accountsWithoutCreditRisk
    valueByCreditRisk { monetarySegment creditSegment accounts }
    frequency { ...flows }
    monetary { ...flows }
  }
}
fragment flows on SegmentFlows {
  accounts
  entered { segment accounts }
  lapsed { segment accounts }
  enteredAccounts { segment account { accountId app name } }
  lapsedAccounts { segment account { accountId app name } }
}
"""


def sale(account: str, day: dt.date, amount: int, invoice: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "sale_date": day,
        "invoice": invoice,
        "line": 1,
        "amount": Decimal(amount),
        "quantity": None,
        "cost": None,
        "profit": None,
    }


def entry(account: str, day: dt.date, kind: str, reference: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "entry_date": day,
        "kind": kind,
        "reference": reference,
        "line": 1,
        "amount": Decimal(100),
        "due_date": None,  # due 30 days after the invoice
    }


async def load(engine: AsyncEngine, seed: Seed, sales: list[Any], ledger: list[Any]) -> None:
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(connection, SALE_LINE_TABLE, sales)
        if ledger:
            await upsert(connection, LEDGER_TABLE, ledger)
        await segment_apps(connection)

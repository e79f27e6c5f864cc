"""Through the API: a Zoho Books user's credit risk, from its invoice export and its Customer
Payments export loaded as a ledger, is the one a Tally user gets for the same vouchers from a
Day Book, every measure alike, as an internal key asks it over HTTP (on SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.scope import Role
from tests.store.ingest.zoho_exports import DAY_BOOK, HEADER, PAYMENTS, ROWS, VOID_AND_DRAFT

_MEASURES = (
    "score segment daysSalesOutstanding overdueShare averageDaysLate asOf invoiced outstanding"
)
CREDIT = f"""query {{
  tallyZylker: account(accountId: "Zylker Foods") {{ creditRisk {{ {_MEASURES} }} }}
  zohoZylker: account(accountId: "7001") {{ creditRisk {{ {_MEASURES} }} }}
  tallyBright: account(accountId: "Bright Traders") {{ creditRisk {{ {_MEASURES} }} }}
  zohoBright: account(accountId: "7002") {{ creditRisk {{ {_MEASURES} }} }}
}}"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": "2026-12-06"}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _load(engine: AsyncEngine, folder: Path, name: str, text: str, app: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app=app)


async def test_a_zoho_users_credit_risk_is_a_tally_users_for_the_same_vouchers(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "daybook.csv", DAY_BOOK, "tally")
    await _load(engine, tmp_path, "Invoice.csv", HEADER + ROWS + VOID_AND_DRAFT, "zoho")
    await _load(engine, tmp_path, "Customer Payment.csv", PAYMENTS, "zoho")
    key = (await create_key(engine, role=Role.INTERNAL))[1]
    response = await http.post(
        "/graphql", json={"query": CREDIT}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data = body["data"]
    assert data["zohoZylker"] == data["tallyZylker"]
    assert data["zohoBright"] == data["tallyBright"]
    zylker = data["zohoZylker"]["creditRisk"]
    # The void invoice of 100,000.00 is no debt: 16,800.00 and 11,800.00 invoiced.
    assert (zylker["invoiced"], zylker["outstanding"]) == ("28600.00", "1800.00")
    assert (zylker["score"], zylker["segment"]) == (68, "MEDIUM_RISK")
    assert data["zohoBright"]["creditRisk"]["segment"] == "HIGH_RISK"

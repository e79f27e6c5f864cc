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


# Zoho Books' Customer Payments export as Zoho writes a payment set against two invoices: one
# row per invoice, the payment's whole `Amount` repeated on each, and what it set against that
# invoice in `Amount Applied to Invoice`.
PAYMENT_OVER_TWO_INVOICES = (
    "Payment Number,CustomerPayment ID,Mode,CustomerID,Exchange Rate,Amount,Unused Amount,"
    "Currency Code,Customer Name,Payment Type,Date,Invoice Number,Invoice Date,"
    "Amount Applied to Invoice\n"
    "1,460001,Bank Transfer,7001,1.00,26800.00,0.00,INR,Zylker Foods,Invoice Payment,"
    "2025-05-20,INV-000001,2025-04-03,16800.00\n"
    "1,460001,Bank Transfer,7001,1.00,26800.00,0.00,INR,Zylker Foods,Invoice Payment,"
    "2025-05-20,INV-000003,2025-05-10,10000.00\n"
)


async def test_a_payment_set_against_two_invoices_counts_once(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "Invoice.csv", HEADER + ROWS, "zoho")
    await _load(engine, tmp_path, "Customer Payment.csv", PAYMENT_OVER_TWO_INVOICES, "zoho")
    key = (await create_key(engine, role=Role.INTERNAL))[1]
    query = f'{{ account(accountId: "7001") {{ creditRisk {{ {_MEASURES} }} }} }}'
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    risk = response.json()["data"]["account"]["creditRisk"]
    # 26,800.00 paid of 28,600.00 invoiced: INV-000003's 1,800.00 is still owed, as its
    # `Balance` in the invoice export says (taking the whole payment on each row would count
    # 53,600.00 paid and nothing owed).
    assert (risk["invoiced"], risk["outstanding"]) == ("28600.00", "1800.00")


# What the applied amounts leave out: a payment of 1,500.00 of which 1,000.00 is set against
# INV-000002 (500.00 unused), and a payment of 1,000.00 set against no invoice yet (an advance:
# no invoice, its applied cell blank).
UNUSED_AND_UNAPPLIED = (
    "Payment Number,CustomerID,Amount,Unused Amount,Customer Name,Payment Type,Date,"
    "Invoice Number,Amount Applied to Invoice\n"
    "2,7002,1500.00,500.00,Bright Traders,Invoice Payment,2025-06-30,INV-000002,1000.00\n"
    "3,7001,1000.00,1000.00,Zylker Foods,Invoice Payment,2025-06-20,,\n"
    "1,7001,26800.00,0.00,Zylker Foods,Invoice Payment,2025-05-20,INV-000001,16800.00\n"
    "1,7001,26800.00,0.00,Zylker Foods,Invoice Payment,2025-05-20,INV-000003,10000.00\n"
)


async def test_a_payments_unused_part_and_an_advance_are_credits(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    await _load(engine, tmp_path, "Invoice.csv", HEADER + ROWS, "zoho")
    await _load(engine, tmp_path, "Customer Payment.csv", UNUSED_AND_UNAPPLIED, "zoho")
    key = (await create_key(engine, role=Role.INTERNAL))[1]
    query = (
        '{ zylker: account(accountId: "7001") { creditRisk { outstanding } } '
        'bright: account(accountId: "7002") { creditRisk { outstanding } } }'
    )
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    # 5,900.00 less the whole 1,500.00 paid (the unused 500.00 is the customer's credit).
    assert data["bright"]["creditRisk"]["outstanding"] == "4400.00"
    # 28,600.00 less 26,800.00 and the 1,000.00 advance.
    assert data["zylker"]["creditRisk"]["outstanding"] == "800.00"


async def test_a_payment_edited_in_zoho_takes_its_new_amount_on_reload(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    # Zoho's Customer Payments export holds each payment whole, as its invoice export each
    # invoice: a payment whose amount was corrected in Zoho is that payment again, not one
    # the file leaves out, so the re-export's amount replaces the stored one.
    await _load(engine, tmp_path, "Invoice.csv", HEADER + ROWS, "zoho")
    await _load(engine, tmp_path, "Customer Payment.csv", PAYMENTS, "zoho")
    edited = PAYMENTS.replace("2025-06-30,1000.00,INV-000002", "2025-06-30,1200.00,INV-000002")
    assert edited != PAYMENTS
    await _load(engine, tmp_path, "Customer Payment.csv", edited, "zoho")
    key = (await create_key(engine, role=Role.INTERNAL))[1]
    query = '{ account(accountId: "7002") { creditRisk { outstanding } } }'
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    # 5,900.00 less the 1,200.00 the payment now is.
    assert response.json()["data"]["account"]["creditRisk"]["outstanding"] == "4700.00"

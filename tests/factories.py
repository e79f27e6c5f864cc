"""Test data written straight through the store's upsert: small, explicit, on any backend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    METRIC_TABLE,
    SALE_LINE_TABLE,
)
from store.upsert import upsert


@dataclass
class Seed:
    apps: list[dict[str, Any]] = field(default_factory=list)
    industries: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    definitions: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)

    def app(self, app_id: str) -> None:
        if all(row["app_id"] != app_id for row in self.apps):
            self.apps.append({"app_id": app_id})

    def industry(self, industry_id: str, name: str | None = None) -> None:
        self.industries.append({"industry_id": industry_id, "name": name or industry_id.title()})

    def account(
        self,
        account_id: str,
        *,
        app: str = "default",
        industry: str | None = None,
        key: bool = False,
        employees: int | None = None,
    ) -> None:
        self.app(app)
        self.accounts.append(
            {
                "account_id": account_id,
                "app_id": app,
                "name": f"Account {account_id}",
                "industry_id": industry,
                "is_key_account": key,
                "n_employees": employees,
            }
        )

    def company(self, company_id: str, *, account: str, industry: str | None = None) -> None:
        self.companies.append(
            {
                "company_id": company_id,
                "account_id": account,
                "name": f"Company {company_id}",
                "industry_id": industry,
                "n_employees": None,
            }
        )

    def contract(
        self,
        contract_id: str,
        *,
        company: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> None:
        self.contracts.append(
            {
                "contract_id": contract_id,
                "company_id": company,
                "name": f"Contract {contract_id}",
                "start_date": start,
                "end_date": end,
            }
        )

    def definition(
        self,
        name: str,
        unit: str,
        *,
        higher_is_better: bool = True,
        aggregation: str = "mean",
        bounds: tuple[str, str] | None = None,
    ) -> None:
        self.definitions.append(
            {
                "name": name,
                "unit": unit,
                "description": f"{name} in {unit}",
                "higher_is_better": higher_is_better,
                "aggregation": aggregation,
                "lower_bound": None if bounds is None else Decimal(bounds[0]),
                "upper_bound": None if bounds is None else Decimal(bounds[1]),
            }
        )

    def metric(self, level: str, entity_id: str, name: str, month: str, value: str) -> None:
        self.metrics.append(
            {
                "level": level,
                "entity_id": entity_id,
                "metric_name": name,
                "effective_date": dt.date.fromisoformat(month),
                "value": Decimal(value),
            }
        )

    def sale(self, account: str, day: str, amount: str, *, invoice: str = "") -> None:
        """One sale line (the segment job derives profiles and quarters from them)."""
        line = 1 + sum(
            1
            for sale in self.sales
            if (sale["account_id"], sale["sale_date"], sale["invoice"])
            == (account, dt.date.fromisoformat(day), invoice)
        )
        self.sales.append(
            {
                "account_id": account,
                "sale_date": dt.date.fromisoformat(day),
                "invoice": invoice,
                "line": line,
                "amount": Decimal(amount),
                "quantity": None,
                "cost": None,
                "profit": None,
            }
        )

    async def write(self, engine: AsyncEngine) -> None:
        async with engine.begin() as connection:
            for table, rows in (
                (APP_TABLE, self.apps),
                (INDUSTRY_TABLE, self.industries),
                (ACCOUNT_TABLE, self.accounts),
                (COMPANY_TABLE, self.companies),
                (CONTRACT_TABLE, self.contracts),
                (DEFINITION_TABLE, self.definitions),
                (METRIC_TABLE, self.metrics),
                (SALE_LINE_TABLE, self.sales),
            ):
                await upsert(connection, table, rows)

"""The kinds of file `profiling ingest` loads."""

from __future__ import annotations

from enum import StrEnum


class IngestKind(StrEnum):
    DEFINITIONS = "definitions"
    INDUSTRIES = "industries"
    ACCOUNTS = "accounts"
    COMPANIES = "companies"
    CONTRACTS = "contracts"
    METRICS = "metrics"
    SALES = "sales"
    LEDGER = "ledger"

"""Which loader reads which kind of file."""

from __future__ import annotations

from store.ingest.kind import IngestKind
from store.ingest.kinds import (
    accounts,
    companies,
    contracts,
    definitions,
    industries,
    ledger,
    metrics,
    sales,
)
from store.ingest.kinds.base import KindLoader

LOADERS: dict[IngestKind, KindLoader] = {
    IngestKind.DEFINITIONS: definitions.LOADER,
    IngestKind.INDUSTRIES: industries.LOADER,
    IngestKind.ACCOUNTS: accounts.LOADER,
    IngestKind.COMPANIES: companies.LOADER,
    IngestKind.CONTRACTS: contracts.LOADER,
    IngestKind.METRICS: metrics.LOADER,
    IngestKind.SALES: sales.LOADER,
    IngestKind.LEDGER: ledger.LOADER,
}

"""The tables the demo writes and derives: named apart from demo.dataset, so that a rerun with
nothing to add (demo/stamp.py) imports none of the demo's generators."""

from __future__ import annotations

from sqlalchemy import Table

from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    CREDIT_RISK_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    LEDGER_TABLE,
    METRIC_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALE_LINE_TABLE,
    SALES_PROFILE_TABLE,
)

# The tables the demo fills, parents before children.
DEMO_TABLES: tuple[Table, ...] = (
    APP_TABLE,
    INDUSTRY_TABLE,
    ACCOUNT_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    DEFINITION_TABLE,
    METRIC_TABLE,
)
# What a run of the demo writes or derives: its sales and ledger, and the segments and credit
# risks derived from them.
STAMPED_TABLES: tuple[Table, ...] = (
    *DEMO_TABLES,
    SALE_LINE_TABLE,
    LEDGER_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALES_PROFILE_TABLE,
    CREDIT_RISK_TABLE,
)

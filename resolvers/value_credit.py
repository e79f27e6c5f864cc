"""The value x credit-risk matrix of a quarter, from the ledgers its read returns.

Each account's credit risk is measured as of the quarter's end (or the app's latest ledger
date, when the ledger stops before it) from its entries up to that date, by the method and
settings of the segment job (analytics.credit.assess_credit): a past quarter shows the credit
risks its accounts had then, and the quarter of the app's latest ledger date shows the credit
risks `Account.creditRisk` gives."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from analytics.credit import CreditPolicy, assess_credit
from analytics.value_credit import ValueCreditCell, value_credit_matrix
from store.sales_records import QuarterLedgers


class ValueCreditRecord(NamedTuple):
    cells: list[ValueCreditCell]
    without_credit_risk: int
    as_of: dt.date | None


def value_credit(ledgers: QuarterLedgers, policy: CreditPolicy) -> ValueCreditRecord:
    as_of = ledgers.as_of
    matrix = value_credit_matrix(
        (
            account.monetary_segment,
            None
            if as_of is None or not account.entries
            else assess_credit(account.entries, as_of=as_of, policy=policy).segment,
        )
        for account in ledgers.accounts
    )
    return ValueCreditRecord(matrix.cells, matrix.without_credit_risk, as_of)

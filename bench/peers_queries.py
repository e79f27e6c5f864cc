"""The two query shapes as each kind of server is asked them, and the rows of each answer.

small: one account's ten metric rows of one month (the account changes on every request).
large: the first 100 accounts by id with all their rows, 12,000 of them.

Rows are compared as (accountId, metricName, value as a number, unit, effectiveDate) tuples,
sorted, so that a server may order them or write a value ("114.10" or 114.1) its own way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peers_load import ACCOUNT_MARK

MONTH = "2023-12-01"
LARGE_ACCOUNTS = 100
FIELDS = "metricName value unit effectiveDate"

NormalRow = tuple[str, str, Decimal, str, str]
Extract = Callable[[Any, str], list[NormalRow]]


def _body(query: str, variables: dict[str, Any]) -> str:
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":"))


def small_body(query: str) -> str:
    return _body(query, {"id": ACCOUNT_MARK, "month": MONTH})


def _normal(account: str, row: dict[str, Any]) -> NormalRow:
    return (
        account,
        str(row["metricName"]),
        Decimal(str(row["value"])),
        str(row["unit"]),
        str(row["effectiveDate"]),
    )


@dataclass(frozen=True)
class Dialect:
    """How one kind of server is asked the two shapes, and where its answer keeps the rows."""

    small_path: str
    large_path: str
    small: str
    large: str
    small_rows: Extract
    large_rows: Extract

    def small_for(self, account: str) -> str:
        return self.small.replace(ACCOUNT_MARK, account)


def _ours_small(answer: Any, account: str) -> list[NormalRow]:
    return [_normal(account, row) for row in answer["data"]["account"]["metrics"]]


def _ours_large(answer: Any, _account: str) -> list[NormalRow]:
    return [
        _normal(edge["node"]["accountId"], row)
        for edge in answer["data"]["accounts"]["edges"]
        for row in edge["node"]["metrics"]
    ]


OURS = Dialect(
    small_path="/graphql",
    large_path="/graphql",
    small=small_body(
        "query ($id: String!, $month: Date!) { account(accountId: $id) { "
        f"metrics(effectiveDates: [$month]) {{ {FIELDS} }} }} }}"
    ),
    large=_body(
        "query ($first: Int!) { accounts(first: $first) { edges { node { accountId "
        f"metrics {{ {FIELDS} }} }} }} }} }}",
        {"first": LARGE_ACCOUNTS},
    ),
    small_rows=_ours_small,
    large_rows=_ours_large,
)

# The floor answers in our shape, on a path of its own per query (it parses no GraphQL).
FLOOR = Dialect(
    small_path="/small",
    large_path="/large",
    small=_body("", {"id": ACCOUNT_MARK, "month": MONTH}),
    large=_body("", {"first": LARGE_ACCOUNTS}),
    small_rows=_ours_small,
    large_rows=_ours_large,
)


def _postgraphile_small(answer: Any, account: str) -> list[NormalRow]:
    found = answer["data"]["accountByAccountId"]["accountMetricsByAccountId"]["nodes"]
    return [_normal(account, row) for row in found]


def _postgraphile_large(answer: Any, _account: str) -> list[NormalRow]:
    return [
        _normal(node["accountId"], row)
        for node in answer["data"]["allAccounts"]["nodes"]
        for row in node["accountMetricsByAccountId"]["nodes"]
    ]


# PostGraphile 4 and 5 (amber preset) name the views' fields the same way.
POSTGRAPHILE = Dialect(
    small_path="/graphql",
    large_path="/graphql",
    small=small_body(
        "query ($id: String!, $month: Date!) { accountByAccountId(accountId: $id) { "
        "accountMetricsByAccountId(condition: {effectiveDate: $month}, "
        f"orderBy: [METRIC_NAME_ASC]) {{ nodes {{ {FIELDS} }} }} }} }}"
    ),
    large=_body(
        "query ($first: Int!) { allAccounts(first: $first, orderBy: ACCOUNT_ID_ASC) { nodes { "
        "accountId accountMetricsByAccountId(orderBy: [METRIC_NAME_ASC, EFFECTIVE_DATE_ASC]) "
        f"{{ nodes {{ {FIELDS} }} }} }} }} }}",
        {"first": LARGE_ACCOUNTS},
    ),
    small_rows=_postgraphile_small,
    large_rows=_postgraphile_large,
)

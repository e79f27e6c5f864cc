"""The queries the deck sends, and what it keeps of their answers.

Three queries: the account with thirteen months of metrics (the deck's month, the eleven
before it, and the same month a year earlier), its sales profile, its credit risk as it stood
at the end of the deck's month, the metric definitions and the key it is read with (a deck read
with any key but the account's own is marked internal); its sector comparisons, a few
metrics per query (aliases are limited); and the cohort minimum of the month's pulse report.
When none of the account's metrics, sales or ledger covers the month, the months of its metrics
(to name its latest month of data). Names and months travel as variables, never inside the
query text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from analytics.months import add_months, last_of_month
from analytics.quarters import Quarter as QuarterOfYear
from cli.slides.client import Answer, DeckError, GraphQLClient
from cli.slides.model import (
    Comparison,
    ComparisonStatus,
    CreditRisk,
    DeckData,
    MetricDefinition,
    MetricHistory,
    MonthChosen,
    MonthSource,
    MonthValue,
    Quarter,
    SalesProfile,
)

TREND_MONTHS = 12
# Comparisons per query: well under the server's alias limit (15 by default).
COMPARISONS_PER_QUERY = 10

ACCOUNT_QUERY = """
query DeckAccount(
  $accountId: String!, $months: [Date!]!, $locale: String!, $creditAsOf: Date
) {
  account(accountId: $accountId) {
    accountId
    name
    app
    industry { industryId name }
    metrics(effectiveDates: $months) {
      metricName value unit effectiveDate formattedValue(locale: $locale)
    }
    salesProfile {
      firstPurchase lastPurchase isRecent daysSinceLastPurchase recencyAsOf salesKnownTo
      quarters {
        quarter orders revenue profit frequencySegment monetarySegment monetaryIsProfit
      }
    }
    creditRisk(asOf: $creditAsOf) {
      score segment daysSalesOutstanding overdueShare averageDaysLate asOf invoiced outstanding
    }
    ledgerCoverage { firstEntry lastEntry }
  }
  metricDefinitions { name unit description higherIsBetter }
  viewer { role accountId }
}
"""

# The months of the account's metrics: asked only when the deck's month has none of its data.
LATEST_METRICS_QUERY = """
query DeckLatestMetrics($accountId: String!) {
  account(accountId: $accountId) { metrics { effectiveDate } }
}
"""

COMPARISON_FIELDS = """
fragment DeckComparison on CustomerComparison {
  customerValue sectorP50 sectorP90 customerPercentile insight figureKind informative
}
"""

PULSE_QUERY = """
query DeckMethod($month: Date!) {
  pulseReport(month: $month) { minCohortForPublication }
}
"""

NOT_FOUND = "NOT_FOUND"
COHORT_TOO_SMALL = "COHORT_TOO_SMALL"
MONTH_NOT_PUBLISHED = "MONTH_NOT_PUBLISHED"
# A key that is not internal: no sector figures of a metric published without bounds, and no
# rank read off a release whose bounds are unknown (a month published before they were kept).
INTERNAL_ONLY = "INTERNAL_ONLY"
RELEASE_BOUNDS_UNKNOWN = "RELEASE_BOUNDS_UNKNOWN"


def deck_months(month: dt.date) -> list[dt.date]:
    """The same month a year earlier, then the twelve months up to `month`."""
    return [add_months(month, -TREND_MONTHS), *trend_months(month)]


def trend_months(month: dt.date) -> list[dt.date]:
    return [add_months(month, offset) for offset in range(1 - TREND_MONTHS, 1)]


def comparison_query(count: int) -> str:
    """A query for `count` comparisons of one account and month, metric names as $m0.."""
    variables = "".join(f", $m{n}: String!" for n in range(count))
    fields = "\n    ".join(
        f"c{n}: comparison(metric: $m{n}, effectiveDate: $month) {{ ...DeckComparison }}"
        for n in range(count)
    )
    return (
        f"query DeckComparisons($accountId: String!, $month: Date!{variables}) {{\n"
        f"  account(accountId: $accountId) {{\n    {fields}\n  }}\n}}\n{COMPARISON_FIELDS}"
    )


def _first_error(answer: Answer) -> str:
    error = answer.errors[0]
    code = f" ({error.code})" if error.code else ""
    return f"the API refused the query: {error.message}{code}"


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _definitions(rows: Sequence[dict[str, Any]]) -> dict[str, MetricDefinition]:
    return {
        row["name"]: MetricDefinition(
            name=row["name"],
            unit=row["unit"],
            description=row["description"],
            higher_is_better=bool(row["higherIsBetter"]),
        )
        for row in rows
    }


def _histories(
    rows: Sequence[dict[str, Any]], definitions: dict[str, MetricDefinition], month: dt.date
) -> tuple[MetricHistory, ...]:
    by_metric: dict[str, dict[dt.date, MonthValue]] = {}
    units: dict[str, str] = {}
    for row in rows:
        by_metric.setdefault(row["metricName"], {})[_date(row["effectiveDate"])] = MonthValue(
            value=_decimal(row["value"]), formatted=row["formattedValue"]
        )
        units[row["metricName"]] = row["unit"]
    months = tuple(trend_months(month))
    histories = []
    # The API orders rows by metric name: the deck keeps that order.
    for name, values in by_metric.items():
        current = values.get(month)
        if current is None:
            continue
        definition = definitions.get(name) or MetricDefinition(name, units[name], "", True)
        histories.append(
            MetricHistory(
                definition=definition,
                current=current,
                year_earlier=values.get(add_months(month, -TREND_MONTHS)),
                months=months,
                values=tuple(values[m].value if m in values else None for m in months),
            )
        )
    return tuple(histories)


def _sales(profile: dict[str, Any] | None, month: dt.date) -> SalesProfile | None:
    """The profile with the quarters that began by the end of the deck's month: a deck of a
    past month tells the story as it stood then, not with quarters that came after."""
    if profile is None:
        return None
    end = last_of_month(month)
    rows = [
        row for row in profile["quarters"] if QuarterOfYear.parse(row["quarter"]).first_day <= end
    ]
    return SalesProfile(
        first_purchase=_date(profile["firstPurchase"]),
        last_purchase=_date(profile["lastPurchase"]),
        is_recent=bool(profile["isRecent"]),
        days_since_last_purchase=int(profile["daysSinceLastPurchase"]),
        recency_as_of=_date(profile["recencyAsOf"]),
        sales_known_to=_date(profile["salesKnownTo"]),
        quarters=tuple(
            Quarter(
                quarter=row["quarter"],
                orders=int(row["orders"]),
                revenue=_decimal(row["revenue"]),
                profit=None if row["profit"] is None else _decimal(row["profit"]),
                frequency_segment=row["frequencySegment"],
                monetary_segment=row["monetarySegment"],
                monetary_is_profit=row["monetaryIsProfit"],
            )
            for row in rows
        ),
        later_quarters=len(profile["quarters"]) - len(rows),
    )


def _credit(risk: dict[str, Any] | None) -> CreditRisk | None:
    if risk is None:
        return None
    return CreditRisk(
        score=int(risk["score"]),
        segment=risk["segment"],
        days_sales_outstanding=risk["daysSalesOutstanding"],
        overdue_share=risk["overdueShare"],
        average_days_late=risk["averageDaysLate"],
        as_of=_date(risk["asOf"]),
        invoiced=_decimal(risk["invoiced"]),
        outstanding=_decimal(risk["outstanding"]),
    )


def _comparison(
    definition: MetricDefinition, row: dict[str, Any] | None, codes: set[str | None]
) -> Comparison:
    if MONTH_NOT_PUBLISHED in codes:
        return Comparison(definition, ComparisonStatus.NOT_PUBLISHED)
    if row is None:
        return Comparison(definition, ComparisonStatus.NOT_IN_COHORT)
    if INTERNAL_ONLY in codes:
        status = ComparisonStatus.INTERNAL_ONLY
    elif COHORT_TOO_SMALL in codes:
        status = ComparisonStatus.REFUSED
    elif RELEASE_BOUNDS_UNKNOWN in codes:
        status = ComparisonStatus.UNRANKED
    elif row["customerPercentile"] is None:
        status = ComparisonStatus.REFUSED
    else:
        status = ComparisonStatus.COMPARED
    return Comparison(
        definition,
        status,
        customer_value=row["customerValue"],
        sector_p50=row["sectorP50"],
        sector_p90=row["sectorP90"],
        customer_percentile=row["customerPercentile"],
        insight=row["insight"],
        figure_kind=row["figureKind"],
        # Without a rank there is no precision to speak of: the sentence says why instead.
        informative=status is ComparisonStatus.UNRANKED or row["informative"] is not False,
    )


async def _comparisons(
    client: GraphQLClient,
    *,
    account_id: str,
    month: dt.date,
    definitions: Sequence[MetricDefinition],
) -> list[Comparison]:
    found: list[Comparison] = []
    for start in range(0, len(definitions), COMPARISONS_PER_QUERY):
        batch = definitions[start : start + COMPARISONS_PER_QUERY]
        variables: dict[str, Any] = {"accountId": account_id, "month": month.isoformat()}
        variables.update({f"m{n}": d.name for n, d in enumerate(batch)})
        answer = await client.query(comparison_query(len(batch)), variables)
        expected = {COHORT_TOO_SMALL, MONTH_NOT_PUBLISHED, INTERNAL_ONLY, RELEASE_BOUNDS_UNKNOWN}
        unexpected = [e for e in answer.errors if e.code not in expected]
        account = (answer.data or {}).get("account")
        if unexpected or account is None:
            raise DeckError(_first_error(answer) if answer.errors else "no comparisons came back")
        for n, definition in enumerate(batch):
            codes = {error.code for error in answer.errors_under("account", f"c{n}")}
            found.append(_comparison(definition, account.get(f"c{n}"), codes))
    return found


def _read_with_own_key(viewer: Any, account_id: str) -> bool:
    """Whether the API says the deck was read with the account's own key."""
    if not isinstance(viewer, dict):
        return False
    return viewer.get("role") == "ACCOUNT" and viewer.get("accountId") == account_id


async def _min_cohort(client: GraphQLClient, month: dt.date) -> int | None:
    answer = await client.query(PULSE_QUERY, {"month": month.isoformat()})
    report = (answer.data or {}).get("pulseReport")
    if answer.errors or not isinstance(report, dict):
        return None
    return int(report["minCohortForPublication"])


def _first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _covers(account: dict[str, Any], month: dt.date) -> bool:
    """Whether the account's sales or ledger cover `month`: it had bought by the month's end
    and bought again in it or later; or it had ledger entries by the month's end and again in
    it or later. The account's own entries: its credit risk's date is its app's latest ledger
    date for an app or internal key, which may be months after the account's last entry."""
    end = last_of_month(month)
    profile = account["salesProfile"]
    if profile is not None and (
        _date(profile["firstPurchase"]) <= end and _date(profile["lastPurchase"]) >= month
    ):
        return True
    ledger = account["ledgerCoverage"]
    return ledger is not None and (
        _date(ledger["firstEntry"]) <= end and _date(ledger["lastEntry"]) >= month
    )


# On a tie, the source that fills the most slides names the month.
SOURCE_ORDER = (MonthSource.METRICS, MonthSource.SALES, MonthSource.LEDGER)
SOURCE_WORDS = {
    MonthSource.METRICS: "metrics",
    MonthSource.SALES: "sale",
    MonthSource.LEDGER: "ledger entry",
}


async def _latest_month(
    client: GraphQLClient, account_id: str, account: dict[str, Any]
) -> tuple[dt.date, MonthSource] | None:
    """The latest month of the account's metrics, sales and ledger (as the key is told them),
    and which of them it is; None when it has none of them."""
    answer = await client.query(LATEST_METRICS_QUERY, {"accountId": account_id})
    if answer.errors:
        raise DeckError(_first_error(answer))
    rows = ((answer.data or {}).get("account") or {}).get("metrics") or []
    found: list[tuple[dt.date, MonthSource]] = []
    if rows:
        found.append((max(_date(row["effectiveDate"]) for row in rows), MonthSource.METRICS))
    if account["salesProfile"] is not None:
        found.append((_first_of(_date(account["salesProfile"]["lastPurchase"])), MonthSource.SALES))
    if account["ledgerCoverage"] is not None:
        found.append((_first_of(_date(account["ledgerCoverage"]["lastEntry"])), MonthSource.LEDGER))
    if not found:
        return None
    return max(found, key=lambda item: (item[0], -SOURCE_ORDER.index(item[1])))


def latest_words(month: dt.date, source: MonthSource) -> str:
    """`2024-06, the month of its latest sale`: for the command's lines."""
    return f"{month:%Y-%m}, the month of its latest {SOURCE_WORDS[source]}"


async def _account_answer(
    client: GraphQLClient, *, account_id: str, month: dt.date, locale: str, latest: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The account query's data and its account, or the one-line reason there is none.

    The credit risk is the month's, as of its last day; a deck of the latest data (`latest`:
    no month asked for) shows the current one instead, as the API measures it by default (for
    the account's own key, today): the month of the account's latest entry would show its
    unpaid invoices as they were then, however overdue they are now."""
    answer = await client.query(
        ACCOUNT_QUERY,
        {
            "accountId": account_id,
            "months": [m.isoformat() for m in deck_months(month)],
            "locale": locale,
            "creditAsOf": None if latest else last_of_month(month).isoformat(),
        },
    )
    if any(error.code == NOT_FOUND for error in answer.errors_under("account")):
        raise DeckError(f"there is no account {account_id!r}")
    if answer.errors:
        raise DeckError(_first_error(answer))
    data = answer.data or {}
    account = data.get("account")
    if account is None:
        raise DeckError(f"there is no account {account_id!r}")
    return data, account


async def fetch_deck(
    client: GraphQLClient,
    *,
    account_id: str,
    month: dt.date,
    locale: str,
    built_on: dt.date,
    latest_if_none: bool = False,
) -> DeckData:
    """Everything the deck shows. An unknown account (or one the key may not see) is a
    `DeckError`, and so is a month that none of the account's metrics, sales or ledger
    covers; unless `latest_if_none` (the month was not asked for, only defaulted): the deck is
    then of the latest month of the account's data, and says so (`DeckData.month_chosen`).

    An account known only from sales or ledger exports (no metric values in the month) gets
    a deck without headline metrics and sector position: its RFM story and credit risk."""
    data, account = await _account_answer(
        client, account_id=account_id, month=month, locale=locale, latest=latest_if_none
    )
    histories = _histories(account["metrics"], _definitions(data["metricDefinitions"]), month)
    chosen = None
    if not histories and not _covers(account, month):
        latest = await _latest_month(client, account_id, account)
        if latest is None:
            raise DeckError(
                f"account {account_id!r} has no metrics, sales or ledger entries: load an "
                f"export of them first (profiling ingest metrics|sales|ledger FILE)"
            )
        if not latest_if_none:
            raise DeckError(
                f"account {account_id!r} has no metrics, sales or ledger entries for "
                f"{month:%Y-%m}; its latest data is of {latest_words(*latest)}"
            )
        chosen = MonthChosen(source=latest[1], instead_of=month)
        month = latest[0]
        data, account = await _account_answer(
            client, account_id=account_id, month=month, locale=locale, latest=latest_if_none
        )
        histories = _histories(account["metrics"], _definitions(data["metricDefinitions"]), month)
    comparisons = await _comparisons(
        client,
        account_id=account_id,
        month=month,
        definitions=[history.definition for history in histories],
    )
    industry = account.get("industry")
    return DeckData(
        account_id=account["accountId"],
        name=account["name"],
        app=account["app"],
        sector_name=industry["name"] if industry else None,
        month=month,
        locale=locale,
        metrics=histories,
        comparisons=tuple(comparisons),
        sales=_sales(account["salesProfile"], month),
        credit=_credit(account["creditRisk"]),
        # The cohort minimum is the sector figures' rule: a deck without them does not ask.
        min_cohort=await _min_cohort(client, month) if histories else None,
        source=client.source,
        built_on=built_on,
        ledger_begins_later=account["creditRisk"] is None and account["ledgerCoverage"] is not None,
        own_key=_read_with_own_key(data.get("viewer"), account["accountId"]),
        month_chosen=chosen,
    )

"""Account/Company/Contract/Industry metrics through HTTP, exactly as the contract documents."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient
from tests.factories import Seed


@pytest.fixture
async def seeded(engine: AsyncEngine) -> Seed:
    seed = Seed()
    seed.industry("retail")
    seed.account("acc-1", industry="retail", key=True, employees=120)
    seed.company("co-1", account="acc-1")
    seed.contract("ct-1", company="co-1")
    seed.definition("minutes_saved", "minutes")
    seed.definition("revenue", "EUR")
    seed.definition("response_time", "minutes", higher_is_better=False)
    for month, minutes, revenue in (
        ("2023-02-01", "45", "15000.0"),
        ("2023-03-01", "90", "15000.50"),
        ("2023-04-01", "5", "0.10"),
    ):
        seed.metric("account", "acc-1", "minutes_saved", month, minutes)
        seed.metric("account", "acc-1", "revenue", month, revenue)
    seed.metric("company", "co-1", "revenue", "2023-04-01", "7")
    seed.metric("contract", "ct-1", "revenue", "2023-04-01", "3")
    await seed.write(engine)
    return seed


QUERY = """
query ($names: [String!], $dates: [Date!], $last: Boolean) {
  account(accountId: "acc-1") {
    metrics(names: $names, effectiveDates: $dates, lastFullMonth: $last) {
      metricName value unit effectiveDate formattedValue
    }
  }
}
"""


async def test_rows_are_exact_ordered_and_formatted(client: GraphQLClient, seeded: Seed) -> None:
    data = await client.data(QUERY)
    rows = data["account"]["metrics"]
    assert [(r["metricName"], r["effectiveDate"]) for r in rows] == [
        ("minutes_saved", "2023-02-01"),
        ("minutes_saved", "2023-03-01"),
        ("minutes_saved", "2023-04-01"),
        ("revenue", "2023-02-01"),
        ("revenue", "2023-03-01"),
        ("revenue", "2023-04-01"),
    ]
    by_key = {(r["metricName"], r["effectiveDate"]): r for r in rows}
    assert by_key["revenue", "2023-02-01"]["value"] == "15000.0"
    assert by_key["revenue", "2023-02-01"]["formattedValue"] == "€15,000"
    assert by_key["revenue", "2023-03-01"]["value"] == "15000.50"
    assert by_key["minutes_saved", "2023-03-01"]["formattedValue"] == "1h 30min"
    assert by_key["minutes_saved", "2023-04-01"]["formattedValue"] == "5min"
    assert by_key["minutes_saved", "2023-04-01"]["unit"] == "minutes"


async def test_formatted_value_follows_the_locale(client: GraphQLClient, seeded: Seed) -> None:
    data = await client.data(
        """{ account(accountId: "acc-1") {
             metrics(names: ["revenue"], effectiveDates: ["2023-02-01"]) {
               en: formattedValue fr: formattedValue(locale: "fr") } } }"""
    )
    (row,) = data["account"]["metrics"]
    assert row["en"] == "€15,000"
    assert row["fr"].replace("\u202f", " ").replace("\xa0", " ") == "15 000 €"


async def test_unknown_locale_is_bad_input(client: GraphQLClient, seeded: Seed) -> None:
    body = await client.post(
        """{ account(accountId: "acc-1") {
             metrics(names: ["revenue"]) { formattedValue(locale: "xx_QQ") } } }"""
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "xx_QQ" in body["errors"][0]["message"]


@pytest.mark.parametrize("locale", ['""', '"  "'])
async def test_an_empty_locale_is_bad_input_not_en(
    client: GraphQLClient, seeded: Seed, locale: str
) -> None:
    body = await client.post(
        f"""{{ account(accountId: "acc-1") {{
             metrics(names: ["revenue"]) {{ formattedValue(locale: {locale}) }} }} }}"""
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(f"Unknown locale {locale.strip(chr(34))!r}: use a locale")


async def test_a_null_locale_is_the_default(client: GraphQLClient, seeded: Seed) -> None:
    data = await client.data(
        """{ account(accountId: "acc-1") { metrics(names: ["revenue"], effectiveDates:
             ["2023-02-01"]) { formattedValue(locale: null) } } }"""
    )
    assert data["account"]["metrics"] == [{"formattedValue": "€15,000"}]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"names": ["revenue"]}, 3),
        ({"names": []}, 0),
        ({"dates": ["2023-03-15"]}, 2),
        ({"dates": ["2023-03-31", "2023-02-28"]}, 4),
        ({"last": True}, 2),
        ({"last": True, "names": ["revenue"]}, 1),
        ({"last": True, "dates": ["2023-03-01"]}, 0),
        ({"last": True, "dates": ["2023-04-30"]}, 2),
        ({"last": False}, 6),
        ({"last": None}, 6),
    ],
)
async def test_filters_combine_with_and(
    client: GraphQLClient, seeded: Seed, variables: dict[str, object], expected: int
) -> None:
    data = await client.data(QUERY, variables)
    assert len(data["account"]["metrics"]) == expected


async def test_last_full_month_uses_the_pinned_today(client: GraphQLClient, seeded: Seed) -> None:
    # PROFILING_TODAY is 2023-05-17 in these tests: the last full month is April.
    data = await client.data(QUERY, {"last": True})
    assert {r["effectiveDate"] for r in data["account"]["metrics"]} == {"2023-04-01"}


async def test_unknown_metric_name_is_bad_input(client: GraphQLClient, seeded: Seed) -> None:
    body = await client.post(QUERY, {"names": ["revenue", "nope"]})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nope" in error["message"]
    assert body["data"] is None or body["data"]["account"] is None


@pytest.mark.parametrize("bad_date", ["2023-13-01", "yesterday", "2023/04/01", ""])
async def test_malformed_date_is_bad_input(
    client: GraphQLClient, seeded: Seed, bad_date: str
) -> None:
    body = await client.post(QUERY, {"dates": [bad_date]})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "ISO 8601" in body["errors"][0]["message"]


async def test_malformed_date_literal_is_bad_input(client: GraphQLClient, seeded: Seed) -> None:
    body = await client.post(
        '{ account(accountId: "acc-1") { metrics(effectiveDates: ["April"]) { value } } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_level_has_its_own_rows(client: GraphQLClient, seeded: Seed) -> None:
    data = await client.data(
        """{ company(companyId: "co-1") { metrics { value } contracts { metrics { value } } }
             contract(contractId: "ct-1") { metrics { value } company { companyId } } }"""
    )
    assert data["company"]["metrics"] == [{"value": "7"}]
    assert data["company"]["contracts"] == [{"metrics": [{"value": "3"}]}]
    assert data["contract"]["metrics"] == [{"value": "3"}]


async def test_a_bad_date_is_told_in_one_phrase(client: GraphQLClient, seeded: Seed) -> None:
    body = await client.post(QUERY, {"dates": ["2026-13-01"]})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        "Variable '$dates' has invalid value at [0]: \"2026-13-01\" is not a date: send an ISO "
        '8601 date such as "2023-03-01"'
    )
    literal = await client.post(
        '{ account(accountId: "acc-1") { metrics(effectiveDates: ["2026-13-01"]) { value } } }'
    )
    (error,) = literal["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        '"2026-13-01" is not a date: send an ISO 8601 date such as "2023-03-01"'
    )

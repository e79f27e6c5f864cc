"""Content-Type headers parsed once per distinct header give Strawberry's own answers."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.http.parse_content_type import parse_content_type

from schema.execution import internals
from server.app import create_app
from server.content_types import parse_content_type_once
from settings import load_settings
from tests.api_client import TODAY

HEADERS = [
    "application/json",
    "application/json; charset=utf-8",
    'application/json;charset="UTF-8"',
    "APPLICATION/JSON",
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "",
    "application/graphql-response+json; q=0.9",
]


@pytest.mark.parametrize("header", HEADERS)
def test_the_same_answer_as_strawberrys_parser(header: str) -> None:
    assert parse_content_type_once(header) == parse_content_type(header)
    assert parse_content_type_once(header) == parse_content_type(header)  # from the memo


@given(st.text(max_size=60))
def test_the_same_answer_or_the_same_refusal_for_any_header(header: str) -> None:
    try:
        expected = parse_content_type(header)
    except Exception as refusal:
        with pytest.raises(type(refusal)):
            parse_content_type_once(header)
        return
    assert parse_content_type_once(header) == expected


def test_each_call_gets_a_dict_of_its_own() -> None:
    first = parse_content_type_once("application/json; charset=utf-8")
    first[1]["charset"] = "changed"
    assert parse_content_type_once("application/json; charset=utf-8")[1] == {"charset": "utf-8"}


async def test_the_app_installs_it_and_still_refuses_other_content_types(
    engine: AsyncEngine,
) -> None:
    settings = load_settings({"PROFILING_TODAY": TODAY})
    app = create_app(settings=settings, engine=engine, require_keys=False)
    assert internals.installed_content_type_parser() is parse_content_type_once
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for content_type in ("application/json", "application/json; charset=utf-8"):
            answer = await client.post(
                "/graphql",
                content=b'{"query": "{ __typename }"}',
                headers={"Content-Type": content_type},
            )
            assert answer.status_code == 200
            assert answer.json() == {"data": {"__typename": "Query"}}
        refused = await client.post(
            "/graphql", content=b"{ __typename }", headers={"Content-Type": "text/plain"}
        )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

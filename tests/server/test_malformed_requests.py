"""Every request the API cannot make sense of is answered in JSON with `extensions.code`
BAD_REQUEST and the status that says why: never a 500, never plain text. Browsers still get
GraphiQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY, GraphQLClient

JSON = {"Content-Type": "application/json"}


def _refusal(response: httpx.Response, status: int) -> str:
    """The one error of a refused request; its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert list(body) == ["errors"]
    (error,) = body["errors"]
    code = "METHOD_NOT_ALLOWED" if status == 405 else "BAD_REQUEST"
    assert error["extensions"] == {"code": code}
    message: str = error["message"]
    assert message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'"x"', "got a string"),
        (b"12", "got a number"),
        (b"null", "got null"),
        (b"true", "got a boolean"),
        (b"{bad", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b'[{"query": "{ __typename }"}]', "Batched requests"),
        (b"[]", "Batched requests"),
        (b'{"query": 12}', "`query` must be a string"),
        (b'{"query": "{ __typename }", "variables": "x"}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "extensions": 5}', "`extensions` must be an object"),
        (b"{}", "No query in the request"),
        (b'{"query": ""}', "No query in the request"),
    ],
)
async def test_a_malformed_body_is_a_bad_request(
    client: GraphQLClient, body: bytes, says: str
) -> None:
    response = await client.http.post("/graphql", content=body, headers=JSON)
    assert says in _refusal(response, 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"]
)
async def test_an_unsupported_content_type_is_a_bad_request(
    client: GraphQLClient, content_type: str
) -> None:
    response = await client.http.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers={"Content-Type": content_type}
    )
    assert "Content-Type: application/json" in _refusal(response, 400)


async def test_a_get_without_a_query_or_with_one_is_a_bad_request(client: GraphQLClient) -> None:
    accept_json = {"Accept": "application/json"}
    bare = await client.http.get("/graphql", headers=accept_json)
    assert "No query in the request" in _refusal(bare, 400)
    query = await client.http.get(
        "/graphql", params={"query": "{ __typename }"}, headers=accept_json
    )
    assert "not run by GET" in _refusal(query, 400)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
async def test_an_unsupported_method_is_405(client: GraphQLClient, method: str) -> None:
    response = await client.http.request(method, "/graphql")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    if method != "HEAD":  # a HEAD answer has no body
        assert f"Method {method} is not allowed here" in _refusal(response, 405)


async def test_browsers_still_get_graphiql(client: GraphQLClient) -> None:
    for accept in ("text/html,application/xhtml+xml", "*/*"):
        page = await client.http.get("/graphql", headers={"Accept": accept})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()


async def test_a_well_formed_request_beside_them_is_answered(client: GraphQLClient) -> None:
    await client.http.post("/graphql", content=b'"x"', headers=JSON)
    assert await client.data("{ __typename }") == {"__typename": "Query"}


@pytest.fixture
async def keyed(engine: AsyncEngine) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    _, key = await create_key(engine, role=Role.PUBLIC, name="pulse page")
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http, key


async def test_with_keys_a_malformed_body_is_a_bad_request_too(
    keyed: tuple[httpx.AsyncClient, str],
) -> None:
    http, key = keyed
    response = await http.post(
        "/graphql", content=b"null", headers={**JSON, "Authorization": f"Bearer {key}"}
    )
    assert "got null" in _refusal(response, 400)
    # Without a key the key is what is missing, as for any request.
    anonymous = await http.post("/graphql", content=b"null", headers=JSON)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refusals_are_counted_in_the_metrics(client: GraphQLClient) -> None:
    await client.http.post("/graphql", content=b"12", headers=JSON)
    metrics = await client.http.get("/metrics")
    assert 'profiling_graphql_errors_total{code="BAD_REQUEST"} 1.0' in metrics.text
    assert 'profiling_http_requests_total{path="/graphql",status="400"} 1.0' in metrics.text

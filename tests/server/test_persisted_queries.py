"""Automatic persisted queries over HTTP, as Apollo clients speak them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.persisted_queries import PersistedQueries, PersistedQuery, PersistedQueryError
from settings import load_settings
from store.keys import create_key
from store.scope import Role, Scope
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

QUERY = '{ account(accountId: "acc-1") { accountId metrics { value formattedValue } } }'


def _sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _persisted(sha256_hash: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256_hash}}


async def _post(http: httpx.AsyncClient, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await http.post("/graphql", json=body)
    answer: dict[str, Any] = response.json()
    return response.status_code, answer


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.account("acc-1")
    seed.metric("account", "acc-1", "revenue", "2023-03-01", "15000")
    await seed.write(engine)


async def test_an_unknown_hash_asks_for_the_query_then_the_hash_alone_runs_it(
    client: GraphQLClient, seeded: None
) -> None:
    hashed = {"extensions": _persisted(_sha(QUERY))}
    status, first = await _post(client.http, hashed)
    assert status == 200
    assert first["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    status, registered = await _post(client.http, {"query": QUERY, **hashed})
    assert status == 200
    expected = {
        "account": {
            "accountId": "acc-1",
            "metrics": [{"value": "15000", "formattedValue": "€15,000"}],
        }
    }
    assert registered == {"data": expected}
    status, again = await _post(client.http, hashed)
    assert (status, again) == (200, {"data": expected})


async def test_the_hash_alone_takes_variables_and_an_uppercase_hash(
    client: GraphQLClient, seeded: None
) -> None:
    query = "query ($id: String!) { account(accountId: $id) { accountId } }"
    hashed = {"extensions": _persisted(_sha(query).upper()), "variables": {"id": "acc-1"}}
    await _post(client.http, {"query": query, **hashed})
    status, answer = await _post(client.http, hashed)
    assert (status, answer) == (200, {"data": {"account": {"accountId": "acc-1"}}})


async def test_a_hash_that_does_not_match_the_query_is_refused_and_not_kept(
    client: GraphQLClient, seeded: None
) -> None:
    other = _sha("{ metricDefinitions { name } }")
    status, answer = await _post(client.http, {"query": QUERY, "extensions": _persisted(other)})
    assert status == 400
    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "does not match the query" in error["message"]
    status, later = await _post(client.http, {"extensions": _persisted(other)})
    assert later["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("persisted", "says"),
    [
        ({"version": 2, "sha256Hash": "ab"}, "send version 1"),
        ({"version": 1}, "sha256Hash must be"),
        ("abc", "must be an object"),
    ],
)
async def test_a_malformed_extension_says_what_to_send(
    client: GraphQLClient, seeded: None, persisted: object, says: str
) -> None:
    body = {"query": QUERY, "extensions": {"persistedQuery": persisted}}
    status, answer = await _post(client.http, body)
    assert status == 400
    assert says in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_an_invalid_query_is_answered_but_not_kept(
    client: GraphQLClient, seeded: None
) -> None:
    invalid = "{ metricDefinitions { nope } }"
    hashed = {"extensions": _persisted(_sha(invalid))}
    status, answer = await _post(client.http, {"query": invalid, **hashed})
    assert status == 200
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    status, later = await _post(client.http, hashed)
    assert later["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_persisted_query_reads_the_same_statements(
    client: GraphQLClient, seeded: None, sql_statements: StatementCounter
) -> None:
    hashed = {"extensions": _persisted(_sha(QUERY))}
    await _post(client.http, {"query": QUERY, **hashed})
    sql_statements.reset()
    await _post(client.http, {"query": QUERY})
    plain = sql_statements.count
    sql_statements.reset()
    await _post(client.http, hashed)
    assert sql_statements.count == plain


def test_the_store_keeps_the_most_recently_used_queries() -> None:
    store = PersistedQueries(maxsize=2)
    queries = ["{ a }", "{ b }", "{ c }"]
    for query in queries[:2]:
        found = store.resolve(query, _persisted(_sha(query)))
        assert found == PersistedQuery(query, _sha(query), new=True)
        store.register(found)
    # Using "{ a }" makes "{ b }" the least recently used: "{ c }" pushes it out.
    assert store.resolve(None, _persisted(_sha("{ a }"))) == PersistedQuery(
        "{ a }", _sha("{ a }"), new=False
    )
    found = store.resolve("{ c }", _persisted(_sha("{ c }")))
    assert found is not None
    store.register(found)
    assert len(store) == 2
    with pytest.raises(PersistedQueryError, match="PersistedQueryNotFound"):
        store.resolve(None, _persisted(_sha("{ b }")))
    assert store.resolve(None, _persisted(_sha("{ c }"))) is not None


def test_a_registered_query_runs_as_the_string_first_registered() -> None:
    # The caches of parsing and validation then find it by the hash Python keeps on the string.
    store = PersistedQueries()
    first = "".join(["{ metricDefinitions ", "{ name } }"])
    found = store.resolve(first, _persisted(_sha(first)))
    assert found is not None
    store.register(found)
    resent = "".join(["{ metricDefinitions { name ", "} }"])
    assert resent == first
    assert resent is not first
    again = store.resolve(resent, _persisted(_sha(resent)))
    assert again is not None
    assert again.query is first
    assert not again.new
    assert store.resolve("{ x }", None) is None


# --- per credential scope --------------------------------------------------------------------


@pytest.fixture
async def keyed_http(engine: AsyncEngine, seeded: None) -> AsyncIterator[tuple[Any, ...]]:
    keys = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("public", Role.PUBLIC, None, None),
        ("north", Role.APP, "default", None),
        ("north2", Role.APP, "default", None),
        ("account", Role.ACCOUNT, None, "acc-1"),
    ):
        _, keys[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield http, keys


async def _as(
    http: httpx.AsyncClient, key: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
    answer: dict[str, Any] = response.json()
    return response.status_code, answer


NOT_FOUND = {
    "data": None,
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ],
}


async def test_a_query_registered_by_one_scope_is_unknown_to_another(
    keyed_http: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, keys = keyed_http
    hashed = {"extensions": _persisted(_sha(QUERY))}
    status, registered = await _as(http, keys["internal"], {"query": QUERY, **hashed})
    assert status == 200
    assert registered["data"]["account"]["accountId"] == "acc-1"
    assert (await _as(http, keys["internal"], hashed))[1] == registered
    # The attack: a public key sends only the hash an internal key registered.
    for other in ("public", "north", "account"):
        assert await _as(http, keys[other], hashed) == (200, NOT_FOUND)
    # Each scope registers its own; then the hash alone runs in that scope, with its view.
    status, public = await _as(http, keys["public"], {"query": QUERY, **hashed})
    assert public["data"] == {"account": None}
    assert public["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await _as(http, keys["public"], hashed))[1] == public
    await _as(http, keys["north"], {"query": QUERY, **hashed})
    # Keys of the same scope (role, app and account) share what it registered.
    status, shared = await _as(http, keys["north2"], hashed)
    assert shared["data"]["account"]["accountId"] == "acc-1"
    assert await _as(http, keys["account"], hashed) == (200, NOT_FOUND)


def test_scopes_share_one_bound() -> None:
    store = PersistedQueries(maxsize=2)
    query = "{ a }"
    for scope in (Scope(Role.INTERNAL), Scope(Role.PUBLIC), Scope(Role.APP, app_id="north")):
        found = store.resolve(query, _persisted(_sha(query)), scope=scope)
        assert found == PersistedQuery(query, _sha(query), new=True, scope=scope)
        store.register(found)
    assert len(store) == 2
    with pytest.raises(PersistedQueryError, match="PersistedQueryNotFound"):
        store.resolve(None, _persisted(_sha(query)), scope=Scope(Role.INTERNAL))
    for scope in (Scope(Role.PUBLIC), Scope(Role.APP, app_id="north")):
        assert store.resolve(None, _persisted(_sha(query)), scope=scope) is not None
    with pytest.raises(PersistedQueryError, match="PersistedQueryNotFound"):
        store.resolve(None, _persisted(_sha(query)), scope=Scope(Role.APP, app_id="south"))


# --- by GET: the key first, then the same refusal as any query by GET ------------------------


def _get_params(body: dict[str, Any]) -> dict[str, str]:
    """A request's fields as GET query parameters, JSON-encoded as Apollo's link sends them."""
    return {name: value if name == "query" else json.dumps(value) for name, value in body.items()}


@pytest.mark.parametrize("accept", ["application/json", "*/*", "text/html"])
async def test_a_persisted_query_by_get_needs_a_key_and_is_never_run(
    keyed_http: tuple[httpx.AsyncClient, dict[str, str]], accept: str
) -> None:
    http, keys = keyed_http
    hashed = {"extensions": _persisted(_sha(QUERY))}
    status, registered = await _as(http, keys["internal"], {"query": QUERY, **hashed})
    assert status == 200
    assert registered["data"]["account"]["accountId"] == "acc-1"
    for params in (_get_params(hashed), _get_params({"query": QUERY, **hashed})):
        # No key, or one that is not a key: refused before the hash is looked at.
        for headers in ({}, {"Authorization": "Bearer bogus"}, {"Authorization": "Basic x"}):
            response = await http.get(
                "/graphql", params=params, headers={"Accept": accept, **headers}
            )
            assert response.status_code == 401, response.text
            assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
        # The key that registered the hash: a query by GET is not run (README), not looked up.
        for key in ("internal", "public"):
            response = await http.get(
                "/graphql",
                params=params,
                headers={"Accept": accept, "Authorization": f"Bearer {keys[key]}"},
            )
            assert response.status_code == 400, response.text
            assert response.json() == {
                "errors": [
                    {
                        "message": "Queries are not run by GET, persisted ones included: POST "
                        '{"query": "..."} as application/json',
                        "extensions": {"code": "BAD_REQUEST"},
                    }
                ]
            }


async def test_only_a_browsers_get_of_the_page_goes_without_a_key(
    keyed_http: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    http, keys = keyed_http
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    with_key = await http.get(
        "/graphql",
        headers={"Accept": "text/html", "Authorization": f"Bearer {keys['public']}"},
    )
    assert with_key.text == page.text
    # A key sent with it is checked like any other: a mistyped one is not passed over.
    mistyped = await http.get(
        "/graphql", headers={"Accept": "text/html", "Authorization": "Bearer bogus"}
    )
    assert mistyped.status_code == 401
    # A GET that asks for JSON is a program's, not a browser's: it needs a key.
    program = await http.get("/graphql", headers={"Accept": "application/json"})
    assert program.status_code == 401
    keyed = await http.get(
        "/graphql",
        headers={"Accept": "application/json", "Authorization": f"Bearer {keys['public']}"},
    )
    assert keyed.status_code == 400
    assert keyed.json()["errors"][0]["message"].startswith("No query in the request")

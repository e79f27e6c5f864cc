"""The landing page, our GraphiQL page, the dashboard and the SDL, over HTTP."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest
from graphql import parse, validate

from schema.build import build_schema, export_sdl
from schema.execution import internals
from server.pages.graphiql import example_query
from server.pages.headers import CONTENT_SECURITY_POLICY
from tests.server.pages.conftest import MakeClient

HTML = {"accept": "text/html,application/xhtml+xml"}


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self._in_title = False
        self.attributes: dict[str, dict[str, str | None]] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if found.get("id"):
            self.attributes[str(found["id"])] = found
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


async def test_landing_page_links_the_other_pages(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = Page(response.text)
    assert page.title == "Customer Profiling GraphQL"
    assert {"graphql", "dashboard", "healthz", "graphql/schema.graphql"} <= set(page.links)
    # Relative links: the pages work behind a proxy that serves them under a path prefix.
    for link in page.links:
        assert httpx.URL("http://testserver/").join(link).host == "testserver"
        assert not link.startswith("/"), link
    for link in ("graphql", "healthz", "graphql/schema.graphql"):
        followed = await http.get(f"/{link}", headers=HTML)
        assert followed.status_code == 200, link
    assert (await http.head("/")).status_code == 200


async def test_graphiql_is_our_page_with_the_api_key_field(http: httpx.AsyncClient) -> None:
    for accept in (HTML["accept"], "*/*"):
        response = await http.get("/graphql", headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        page = Page(response.text)
        assert page.title == "Customer Profiling GraphQL"
        assert page.attributes["api-key"]["type"] == "password"
        assert page.attributes["graphiql"]["data-example-query"] == example_query()
        assert "Authorization: Bearer &lt;key&gt;" in response.text
        assert "sessionStorage" in response.text
        assert "unpkg" not in response.text
        assert "Strawberry" not in response.text


async def test_graphql_still_answers_programs(http: httpx.AsyncClient) -> None:
    # Keys are required: the page is open to a browser, a query is not.
    response = await http.post("/graphql", json={"query": "{ metricDefinitions { name } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # A GET that is not a browser's asks for JSON, not for the page.
    response = await http.get("/graphql", headers={"accept": "application/json"})
    assert response.headers["content-type"] != "text/html; charset=utf-8"


async def test_graphiql_can_be_switched_off(make_client: MakeClient) -> None:
    http = make_client(PROFILING_GRAPHIQL="false")
    response = await http.get("/graphql", headers=HTML)
    assert response.status_code == 404
    landing = await http.get("/")
    assert landing.status_code == 200
    assert "graphql" not in Page(landing.text).links
    assert "PROFILING_GRAPHIQL=false" in landing.text
    # The SDL is still served: it documents the API, it is not GraphiQL.
    assert (await http.get("/graphql/schema.graphql")).status_code == 200


def test_the_example_query_is_valid_for_the_schema() -> None:
    document = parse(example_query())
    assert validate(internals.graphql_schema(build_schema()), document) == []
    operations = [getattr(node, "name", None) for node in document.definitions]
    assert [name.value for name in operations if name] == ["AccountMetrics", "SectorBenchmarks"]
    assert "formattedValue" in example_query()


async def test_the_sdl_is_the_exported_schema(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql/schema.graphql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == export_sdl()
    assert "type Query {" in response.text


async def test_the_dashboard_is_a_shell_of_es_modules(http: httpx.AsyncClient) -> None:
    response = await http.get("/dashboard", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = Page(response.text)
    assert page.title == "Customer Profiling Dashboard"
    assert page.attributes["api-key"]["type"] == "password"
    assert '<script type="module" src="static/dashboard/main.js?v=' in response.text
    assert "sessionStorage" in response.text
    assert (await http.head("/dashboard")).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/dashboard", "/graphql/schema.graphql", "/static/vendor/manifest.json"]
)
async def test_pages_need_no_key(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert response.status_code == 200

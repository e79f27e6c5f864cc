"""The files our pages load: vendored at their pinned versions with their licences, cached
under their digests, and not one of them (nor any page) loading anything from another host."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import httpx
import pytest

from server.pages import assets
from server.pages.refresh_assets import MANIFEST, PACKAGES, VENDOR, Package

# Where HTML names something to load or to go to.
_URL_ATTRIBUTES = {"src", "href", "action", "formaction", "data", "poster", "srcset", "manifest"}
# CSS: url(...) and @import.
_CSS_LOADS = re.compile(r"""url\(\s*["']?([^"')\s]*)|@import\s+(?:url\(\s*)?["']?([^"')\s;]*)""")
# JavaScript: a literal URL with a host that a script would load, open or link to.
_JS_LOADS = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s*|\bimportScripts\s*\(\s*|\bfetch\s*\(\s*"""
    r"""|\bWebSocket\s*\(\s*|\bEventSource\s*\(\s*|\bsendBeacon\s*\(\s*|\bWorker\s*\(\s*"""
    r"""|\bsrc\s*[=:]\s*|\bhref\s*[=:]\s*|\burl\s*[=:]\s*|\baction\s*[=:]\s*"""
    r"""|\.open\s*\(\s*["'`]\w+["'`]\s*,\s*)["'`]((?:[a-z][a-z0-9+.-]*:)?//[^"'`\s/][^"'`]*)""",
    re.IGNORECASE,
)
# Links in GraphiQL's and the explorer's own UI (documentation links a user may click);
# nothing loads them. A refresh that adds one fails here until it is looked at.
_DOCUMENTATION_LINKS = {
    "https://codemirror.net/5/doc/manual.html#keymaps",
    "https://github.com/graphql/graphiql",
    "https://www.onegraph.com",
    "https://github.com/OneGraph/graphiql-explorer",
}


class _Tags(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.inline_scripts = 0
        self._script_without_src = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _URL_ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
            if name == "style" and value and "url(" in value:
                self.urls.append((tag, name, value))
        self._script_without_src = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data: str) -> None:
        if self._script_without_src and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._script_without_src = False


def _foreign(url: str) -> bool:
    """Whether a URL in a page or asset of ours points at another host."""
    url = url.strip()
    return url.startswith("//") or bool(re.match(r"[a-z][a-z0-9+.-]*://", url, re.IGNORECASE))


# A static ES module import: `import ... from "./x.js"` or `import "./x.js"`.
_MODULE_IMPORTS = re.compile(
    r"""^\s*(?:import\s*(?:[\w$*{}\s,]+\bfrom\s*)?|export\s*[\w$*{}\s,]+\bfrom\s*)["']([^"']+)["']""",
    re.M,
)


async def _crawl(http: httpx.AsyncClient) -> dict[str, httpx.Response]:
    """Every page of ours and everything they load (the modules that scripts import too), by
    URL."""
    seen: dict[str, httpx.Response] = {}
    pages = ["http://testserver/", "http://testserver/graphql", "http://testserver/dashboard"]
    to_load: list[str] = []
    for page in pages:
        response = await http.get(page, headers={"accept": "text/html"})
        assert response.status_code == 200, page
        seen[page] = response
        for tag, _attribute, value in _Tags(response.text).urls:
            if tag in ("script", "link") and not value.startswith("data:"):
                to_load.append(str(httpx.URL(page).join(value)))
    while to_load:
        url = to_load.pop()
        if url in seen:
            continue
        seen[url] = await http.get(url)
        assert seen[url].status_code == 200, url
        if seen[url].headers["content-type"].startswith("text/javascript"):
            for match in _MODULE_IMPORTS.finditer(seen[url].text):
                to_load.append(str(httpx.URL(url).join(match.group(1))))
    return seen


async def test_no_page_or_asset_of_ours_loads_anything_from_another_host(
    http: httpx.AsyncClient,
) -> None:
    crawled = await _crawl(http)
    types = {response.headers["content-type"].split(";")[0] for response in crawled.values()}
    assert types == {"text/html", "text/css", "text/javascript", "image/svg+xml"}
    foreign = []
    for url, response in crawled.items():
        kind = response.headers["content-type"].split(";")[0]
        if kind == "text/html":
            tags = _Tags(response.text)
            assert tags.inline_scripts == 0, url  # the CSP allows no inline script
            foreign += [f"{url}: <{t} {a}={v!r}>" for t, a, v in tags.urls if _foreign(v)]
        elif kind == "text/css":
            for match in _CSS_LOADS.finditer(response.text):
                target = match.group(1) or match.group(2) or ""
                if _foreign(target):
                    foreign.append(f"{url}: {match.group(0)[:80]}")
        elif kind == "text/javascript":
            for match in _JS_LOADS.finditer(response.text):
                if match.group(1) not in _DOCUMENTATION_LINKS:
                    foreign.append(f"{url}: {match.group(0)[:80]}")
    assert foreign == []


def test_the_scan_finds_what_it_looks_for() -> None:
    page = _Tags('<script src="https://cdn.example/x.js"></script><link href="//cdn/x.css">')
    assert [value for _, _, value in page.urls if _foreign(value)] == [
        "https://cdn.example/x.js",
        "//cdn/x.css",
    ]
    assert _Tags("<script>alert(1)</script>").inline_scripts == 1
    css = "@import 'https://fonts.example/a.css'; b { background: url(//cdn/x.png) }"
    assert [m.group(1) or m.group(2) for m in _CSS_LOADS.finditer(css)] == [
        "https://fonts.example/a.css",
        "//cdn/x.png",
    ]
    js = 'fetch("https://api.example/q"); import("//cdn/m.js"); s.src = "https://cdn/x.js"'
    assert len(list(_JS_LOADS.finditer(js))) == 3
    assert not list(_JS_LOADS.finditer('fetch(endpoint); x = "http://www.w3.org/2000/svg"'))
    module = 'import { a } from "./a.js";\nimport "./b.js";\nexport { c } from "./c.js";'
    assert [m.group(1) for m in _MODULE_IMPORTS.finditer(module)] == ["./a.js", "./b.js", "./c.js"]


async def test_the_crawl_reaches_every_dashboard_module(http: httpx.AsyncClient) -> None:
    crawled = {httpx.URL(url).path for url in await _crawl(http)}
    modules = {
        f"/static/{path.relative_to(assets.STATIC).as_posix()}"
        for path in (assets.STATIC / "dashboard").glob("*.js")
    }
    assert modules <= crawled


def test_vendored_files_are_the_pinned_packages_with_their_licences() -> None:
    manifest = json.loads((VENDOR / MANIFEST).read_text())
    assert {name: entry["version"] for name, entry in manifest.items()} == {
        package.name: package.version for package in PACKAGES
    }, "a pin in refresh_assets.py changed: run `make assets`"
    on_disk = {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*") if path.is_file()}
    listed = {MANIFEST} | {
        f"{entry['folder']}/{name}" for entry in manifest.values() for name in entry["files"]
    }
    assert on_disk == listed
    for entry in manifest.values():
        for name, digest in entry["files"].items():
            body = (VENDOR / entry["folder"] / name).read_bytes()
            assert hashlib.sha256(body).hexdigest() == digest, f"{entry['folder']}/{name} changed"
        licence = (VENDOR / entry["folder"] / "LICENSE").read_text()
        assert "Permission is hereby granted, free of charge" in licence  # MIT, all of them
    for package in PACKAGES:
        assert set(package.files.values()) | {"LICENSE"} == set(manifest[package.name]["files"])


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.name)
def test_vendored_builds_are_minified(package: Package) -> None:
    for name in package.files.values():
        body = (VENDOR / package.folder / name).read_bytes()
        assert b"sourceMappingURL" not in body  # we do not ship the maps
        # Minified: nearly all of it on long lines (a licence header may stay readable).
        long_lines = sum(len(line) for line in body.split(b"\n") if len(line) >= 500)
        assert long_lines / len(body) > 0.9, f"{name} is not minified"


async def test_licence_files_are_served(http: httpx.AsyncClient) -> None:
    for package in PACKAGES:
        response = await http.get(f"/static/vendor/{package.folder}/LICENSE")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert "MIT" in response.text or "Permission is hereby granted" in response.text


async def test_assets_are_cached_for_a_year_under_their_digest(http: httpx.AsyncClient) -> None:
    url = assets.vendor_url("graphiql", "graphiql.min.js")
    path, _, version = url.partition("?v=")
    response = await http.get(f"/{url}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["etag"] == f'"{version}"'
    assert response.headers["x-content-type-options"] == "nosniff"
    # Any other version, or none, is revalidated.
    for other in (f"/{path}", f"/{path}?v=0123456789abcdef"):
        assert (await http.get(other)).headers["cache-control"] == "no-cache"
    revalidated = await http.get(f"/{path}", headers={"if-none-match": f'"{version}"'})
    assert revalidated.status_code == 304
    assert revalidated.content == b""


async def test_text_assets_are_gzipped_for_clients_that_accept_it(
    http: httpx.AsyncClient,
) -> None:
    url = "/" + assets.static_url("graphiql-page.js")
    raw = (assets.STATIC / "graphiql-page.js").read_bytes()
    zipped = await http.get(url, headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.content == raw  # httpx decodes it
    assert int(zipped.headers["content-length"]) < len(raw)
    for refused in ("identity", "gzip;q=0", "br"):
        plain = await http.get(url, headers={"accept-encoding": refused})
        assert "content-encoding" not in plain.headers, refused
        assert plain.content == raw


@pytest.mark.parametrize(
    "path",
    ["/static/nothing.js", "/static/vendor", "/static/..%2Fassets.py", "/static/%2e%2e/assets.py"],
)
async def test_only_files_under_static_are_served(http: httpx.AsyncClient, path: str) -> None:
    assert (await http.get(path)).status_code == 404

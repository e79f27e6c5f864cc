"""`profiling serve` over HTTP: proxy headers from a local proxy read where they matter (a
redirect keeps the proxy's scheme), the `date` header sent, no `server` header
(server/forwarded.py, cli/main.py)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.cli.test_main import env
from tests.cli.test_serve_workers import serving

__all__ = ["env"]  # the fixture, used by name below


def test_a_local_proxys_scheme_is_kept_and_no_server_header_is_sent(
    env: dict[str, str], tmp_path: Path
) -> None:
    with (
        serving([], {**env, "PROFILING_ACCESS_LOG_SAMPLE": "0"}, tmp_path / "serve.log") as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        redirect = http.get(
            "/graphql/",
            headers={"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"},
        )
        answer = http.post("/graphql", json={"query": "{ __typename }"})
    assert redirect.status_code == 307
    assert redirect.headers["location"].startswith("https://")
    assert answer.json() == {"data": {"__typename": "Query"}}
    for response in (redirect, answer):
        assert "server" not in response.headers
        assert "date" in response.headers

"""The HTML templates of our pages (`templates/`), filled once per process.

A template names what it links: `{{static pages.css}}` and `{{vendor graphiql graphiql.min.js}}`
become the files' URLs (assets.static_url, assets.vendor_url), `{{name}}` a value given to
`render`; every substitution is HTML-escaped but an `Html` value."""

from __future__ import annotations

import html
import re
from pathlib import Path

from server.pages.assets import static_url, vendor_url

TEMPLATES = Path(__file__).resolve().parent / "templates"

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)((?:\s+[^\s}]+)*)\s*\}\}")


class Html(str):
    """Markup that `render` puts in as it is."""

    __slots__ = ()


def read(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        kind, arguments = match.group(1), match.group(2).split()
        if kind == "static" and len(arguments) == 1:
            text = static_url(arguments[0])
        elif kind == "vendor" and len(arguments) == 2:
            text = vendor_url(arguments[0], arguments[1])
        elif not arguments and kind in values:
            text = values[kind]
        else:
            raise KeyError(f"{name}: nothing to put in {match.group(0)}")
        return text if isinstance(text, Html) else html.escape(text, quote=True)

    return _PLACEHOLDER.sub(substitute, read(name))

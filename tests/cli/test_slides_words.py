"""The deck's words (`cli/slides/words.py`): the catalogues shipped hold every message of the
code, French and German translate each one whole (same placeholders, no fuzzy entry), the
compiled `.mo` files are those of the `.po` files, the package ships them, and a locale finds
its catalogue as gettext does."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cli.slides.words import DOMAIN, LOCALES, shipped_languages, speaks_english, words_for

ROOT = Path(__file__).resolve().parents[2]
# Where `make translations` extracts the messages from.
SOURCES = (ROOT / "cli" / "slides", ROOT / "analytics" / "insights.py")
LANGUAGES = ["de", "fr"]

Message = str | tuple[str, ...]


def _code_messages() -> set[Message]:
    found: set[Message] = set()
    for source in SOURCES:
        if source.is_dir():
            extracted: Iterator[tuple[object, ...]] = (
                (line, message, comments, context)
                for _name, line, message, comments, context in extract_from_dir(source)
            )
        else:
            extracted = iter(extract_from_file("python", source))
        for _line, message, *_rest in extracted:
            assert isinstance(message, str | tuple)
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _ids(catalog: Catalog) -> set[Message]:
    return {message.id for message in catalog if message.id}


def _key(text: str | list[str] | tuple[str, ...]) -> Message:
    """A message's id or string, a plural's forms as a tuple (the .mo reader gives lists)."""
    return text if isinstance(text, str) else tuple(text)


def _placeholders(text: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(text) if name}


def test_the_template_holds_every_message_of_the_code() -> None:
    """`make translations` was run after the deck's words last changed."""
    assert _ids(_catalog(LOCALES / f"{DOMAIN}.pot")) == _code_messages()


def test_french_and_german_are_shipped() -> None:
    assert shipped_languages() == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_catalogue_translates_every_message_whole(language: str) -> None:
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog = _catalog(po, language)
    assert _ids(catalog) == _ids(_catalog(LOCALES / f"{DOMAIN}.pot"))
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert len(strings) == catalog.num_plurals or isinstance(message.id, str), message.id
        assert all(strings), f"{language}: {message.id!r} is not translated"
        # Every value the code fills in has its place in the translation, and no other.
        for translated in strings:
            assert _placeholders(translated) == _placeholders(ids[-1]), (message.id, translated)
        # French typography: a no-break space before a colon or a semicolon, never a plain one.
        if language == "fr":
            assert not any(re.search(r" [:;]", text) for text in strings), strings


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_po(language: str) -> None:
    folder = LOCALES / language / "LC_MESSAGES"
    with (folder / f"{DOMAIN}.mo").open("rb") as file:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(file) if m.id}
    po = _catalog(folder / f"{DOMAIN}.po", language)
    assert compiled == {_key(m.id): _key(m.string) for m in po if m.id}


def test_the_package_ships_the_catalogues() -> None:
    """pyproject's package data of `cli.slides` covers every catalogue file."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["cli.slides"]
    package = ROOT / "cli" / "slides"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    files = {path for path in LOCALES.rglob("*") if path.is_file()}
    assert files
    assert files == shipped


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("fr", "fr"),
        ("fr_CA", "fr"),
        ("fr-CH", "fr"),
        ("de", "de"),
        ("de_AT", "de"),
        ("de_CH", "de"),
        ("en", None),
        ("en_GB", None),
        ("hi_IN", None),
        ("ja", None),
    ],
)
def test_a_locale_finds_its_language(locale: str, language: str | None) -> None:
    words = words_for(locale)
    assert words.language == language
    heading = words.gettext("Headline metrics")
    assert heading == {"fr": "Indicateurs clés", "de": "Kennzahlen im Überblick"}.get(
        language or "", "Headline metrics"
    )


def test_plurals_follow_the_language() -> None:
    """French says 0 and 1 in the singular, English and German only 1."""
    singular = "{count} earlier quarter with orders is not shown."
    plural = "{count} earlier quarters with orders are not shown."
    assert words_for("en").ngettext(singular, plural, 0) == plural
    assert words_for("fr").ngettext(singular, plural, 0).startswith("{count} trimestre antérieur")
    assert words_for("de").ngettext(singular, plural, 0).startswith("{count} frühere Quartale")


def test_english_locales_need_no_catalogue() -> None:
    assert speaks_english("en_IN")
    assert not speaks_english("hi_IN")

"""The deck's own words in the deck's language: gettext catalogues of the domain `deck`, shipped
in `cli/slides/locales/<language>/LC_MESSAGES/deck.mo` (compiled by Babel from the `.po` beside
it: `make translations`).

The messages are the deck's English text. A locale finds its catalogue as gettext does (`fr_CH`,
then `fr`); a locale without one keeps the English words, while its numbers and dates still
follow the locale (`analytics.formatting`)."""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations

from analytics.formatting import validate_locale

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "deck"


@dataclass(frozen=True, slots=True)
class Words:
    """The deck's words in one language: `language` is the catalogue's (`fr`), None for the
    English the messages are written in."""

    language: str | None
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return str(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return str(self.translations.ngettext(singular, plural, count))


def shipped_languages() -> list[str]:
    """The languages the deck has a catalogue for, besides English."""
    return sorted(path.parent.parent.name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))


def words_for(locale: str) -> Words:
    """The deck's words for `locale` (a Babel id, `validate_locale` checks it)."""
    found = gettext_module.find(DOMAIN, str(LOCALES), [validate_locale(locale)])
    if found is None:
        return Words(None, NullTranslations())
    with open(found, "rb") as file:
        translations = Translations(fp=file, domain=DOMAIN)
    return Words(Path(found).parent.parent.name, translations)


def speaks_english(locale: str) -> bool:
    """Whether `locale` is an English one (no catalogue needed)."""
    return Locale.parse(validate_locale(locale)).language == "en"

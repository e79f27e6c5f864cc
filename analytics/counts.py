"""A count and its noun, in the form English gives them: `1 metric value`, `2 metric
values`, `0 cohorts`, `1,234 ledger entries`.

The command line and the messages it prints are in English only; gettext's `ngettext`
without a catalogue is English's rule (the singular for exactly one, else the plural), and
keeps every such phrase ready for a catalogue should the messages ever be translated. The
plural is always given: English's are not all a suffix (`ledger entries`, `companies`), and a
verb may agree with the count too (`1 line names such a ledger`, `2 lines name such ledgers`).
"""

from __future__ import annotations

from gettext import NullTranslations

# No catalogue: not the process's locale, which must not change what a message says.
_ENGLISH = NullTranslations()


def counted(count: int, one: str, many: str) -> str:
    """The count, grouped by thousands as every count the command line prints, and the words
    for it: `one` for exactly one, `many` otherwise (zero included)."""
    return f"{count:,} {_ENGLISH.ngettext(one, many, count)}"

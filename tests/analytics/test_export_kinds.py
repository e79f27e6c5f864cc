from __future__ import annotations

import pytest

from analytics.credit import EntryKind
from analytics.export_kinds import BadKind, entry_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Invoice", EntryKind.INVOICE),
        ("Tax Invoice", EntryKind.INVOICE),
        ("SALES", EntryKind.INVOICE),
        ("Dr", EntryKind.INVOICE),
        ("Receipt", EntryKind.PAYMENT),
        ("credit-note", EntryKind.PAYMENT),
        ("payment", EntryKind.PAYMENT),
        ("Cr.", EntryKind.PAYMENT),
    ],
)
def test_the_words_of_exports(text: str, kind: EntryKind) -> None:
    assert entry_kind(text) is kind


def test_other_words_are_refused_with_the_words_to_use() -> None:
    with pytest.raises(
        BadKind, match=r"'Journal' is neither an invoice nor a payment: use invoice"
    ):
        entry_kind("Journal")

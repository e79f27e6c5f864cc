from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.export_text import control_character, is_rule_line, unprintable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", None),
        ("Acme\tLtd", None),
        ("two\nlines\r\n", None),
        ("C\x001", "U+0000"),
        ("\x1b[31mred", "U+001B"),
        ("bell\x07", "U+0007"),
        ("lone \ud800", "U+D800"),
        ("café ₹ 日本", None),
    ],
)
def test_control_characters(text: str, expected: str | None) -> None:
    assert control_character(text) == expected


@given(st.text(alphabet=st.characters(min_codepoint=0x20, exclude_categories=("Cs",))))
def test_printable_text_holds_no_control_character(text: str) -> None:
    assert control_character(text) is None


@pytest.mark.parametrize(("text", "expected"), [("Acme", False), ("a\nb", True), ("\x9b", True)])
def test_unprintable(text: str, expected: bool) -> None:
    assert unprintable(text) is expected


@pytest.mark.parametrize(
    "line",
    [
        "---",
        "----------  ----------",
        "  =========",
        "___________",
        "-----+------+-----",
        ",,,-----,-----",
        "|---|---|",
        "\t----\t----\r\n",
    ],
)
def test_rule_lines(line: str) -> None:
    assert is_rule_line(line)


@pytest.mark.parametrize(
    "line", ["", "   ", "-", "--", "- - -", "-5", "Total ----", "00123 ---", "1,234.50", "Acme"]
)
def test_lines_that_are_not_rules(line: str) -> None:
    assert not is_rule_line(line)

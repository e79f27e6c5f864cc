"""The layout of exports: a header on two rows (`store.ingest.layout.merge_header_rows`)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from analytics.export_columns import SALES_ROLES, header_score
from store.ingest.layout import (
    Layout,
    find_header_row,
    find_layout,
    merge_aligned_rows,
    merge_header_rows,
)


def _score(cells: Sequence[str]) -> int:
    return header_score(cells, SALES_ROLES)


UPPER = ["Date", "Particulars", "Vch No.", "Value", ""]


def test_the_lower_row_names_the_columns_the_upper_leaves_blank() -> None:
    lower = ["", "", "", "Debit", "Credit"]
    assert merge_header_rows(UPPER, lower, _score) == (
        "Date",
        "Particulars",
        "Vch No.",
        "Debit",
        "Credit",
    )


def test_a_data_row_or_a_row_of_other_words_is_not_a_second_header_row() -> None:
    data = ["1-Apr-2025", "Acme", "S/1", "", "1,000.00"]
    assert merge_header_rows(UPPER, data, _score) is None
    # A group heading names no role; a row under a header without blanks adds no column.
    assert merge_header_rows(UPPER, ["Sundry Debtors", "", "", "", ""], _score) is None
    full = ["Date", "Particulars", "Vch No.", "Debit", "Credit"]
    assert merge_header_rows(full, ["", "", "", "1,000.00", "Credit"], _score) is None


def test_a_row_of_units_under_named_columns_leaves_the_upper_names() -> None:
    # Tally's Sales Register: `Amount | Amount` under `Debit | Credit`.
    full = ["Date", "Particulars", "Vch Type", "Vch No.", "Debit", "Credit"]
    units = ["", "", "", "", "Amount", "Amount"]
    assert merge_header_rows(full, units, _score) == tuple(full)
    lines = ["Sales Register", ",".join(full), ",".join(units), "1-Apr-2025,Acme,Sales,S/1,,1.00"]
    layout = find_layout(list(enumerate(lines, start=1)), _score)
    assert layout == Layout(",", 3, tuple(full))


def test_a_text_file_and_a_sheet_find_both_rows() -> None:
    lines = [
        "Sharma Traders",
        "Sales Register",
        ",,,,",
        "Date,Particulars,Vch No.,Value,",
        ",,,Debit,Credit",
        "1-Apr-2025,Acme,S/1,,100.00",
    ]
    layout = find_layout(list(enumerate(lines, start=1)), _score)
    assert layout == Layout(",", 5, ("Date", "Particulars", "Vch No.", "Debit", "Credit"))
    rows = [(number, line.split(",")) for number, line in enumerate(lines, start=1)]
    sheet = find_header_row([(n, [c or None for c in cells]) for n, cells in rows], _score)
    assert sheet == Layout(None, 5, ("Date", "Particulars", "Vch No.", "Debit", "Credit"))


def test_aligned_text_places_the_columns_of_both_rows() -> None:
    upper = "Date         Particulars   Vch No.      Value"
    # `Value` spans both columns: `Debit` starts under it.
    lower = " " * upper.index("Value") + "Debit      Credit"
    cells = merge_aligned_rows(upper, lower, _score)
    assert cells is not None
    assert [cell.text for cell in cells] == ["Date", "Particulars", "Vch No.", "Debit", "Credit"]
    assert merge_aligned_rows(upper, "01-Apr-2025  Acme  S/1  100.00", _score) is None


def test_columns_under_a_heading_of_balances_keep_it() -> None:
    """Tally's group summary: `Closing Balance` over `Debit | Credit` (the heading in the
    first cell of the two it spans) names two columns of balances, never of amounts."""
    upper = ["Particulars", "Closing Balance", ""]
    assert merge_header_rows(upper, ["", "Debit", "Credit"], _score) == (
        "Particulars",
        "Closing Balance Debit",
        "Closing Balance Credit",
    )
    # A heading that is no balance gives way to the lower names, as before.
    assert merge_header_rows(
        ["Particulars", "Transactions", "", "Closing"], ["", "Debit", "Credit", "Balance"], _score
    ) == ("Particulars", "Debit", "Credit", "Closing Balance")


def test_a_heading_of_balances_spans_only_the_columns_it_is_over() -> None:
    """`Opening Balance` over the first Debit/Credit pair of two (a merged cell's text in its
    first cell, the second pair's heading blank): the second pair is no balance."""
    upper = ["Date", "Particulars", "Opening Balance", "", "", ""]
    lower = ["", "", "Debit", "Credit", "Debit", "Credit"]
    assert merge_header_rows(upper, lower, _score) == (
        "Date",
        "Particulars",
        "Opening Balance Debit",
        "Opening Balance Credit",
        "Debit",
        "Credit",
    )
    # A column blank in both rows ends the heading too.
    upper = ["Particulars", "Closing Balance", "", "", ""]
    lower = ["", "Debit", "Credit", "", "Amount"]
    assert merge_header_rows(upper, lower, _score) == (
        "Particulars",
        "Closing Balance Debit",
        "Closing Balance Credit",
        "",
        "Amount",
    )


def test_a_ledger_with_an_opening_balance_heading_over_one_pair_reads_the_next_as_amounts() -> None:
    """A customer's ledger as Tally-like exports give it, the opening balance on the left:
    its entries' Debit and Credit are the columns taken, not balances."""
    lines = [
        "Sharma Electricals",
        "Ledger Account",
        "Date,Particulars,Vch No.,Opening Balance,,,",
        ",,,Debit,Credit,Debit,Credit",
        '1-Apr-2025,Sales,S/1,,,"1,000.00",',
    ]
    layout = find_layout(list(enumerate(lines, start=1)), _score)
    assert layout is not None
    assert layout.names == (
        "Date",
        "Particulars",
        "Vch No.",
        "Opening Balance Debit",
        "Opening Balance Credit",
        "Debit",
        "Credit",
    )


@given(
    heading=st.sampled_from(["Opening Balance", "Closing Balance", "Balance", "Op. Bal."]),
    names=st.lists(st.sampled_from(["Debit", "Credit", "Amount", "Value"]), min_size=2),
)
def test_a_heading_of_balances_ends_where_a_name_under_it_repeats(
    heading: str, names: list[str]
) -> None:
    """For every row of names under one heading: the names up to the first one met again
    keep the heading, and none after it does."""
    merged = merge_header_rows(
        ["Particulars", heading, *[""] * (len(names) - 1)], ["", *names], _score
    )
    if merged is None:
        return
    folded = [name.casefold() for name in names]
    group = next((index for index, name in enumerate(folded) if name in folded[:index]), len(names))
    assert list(merged[1:]) == [f"{heading} {name}" for name in names[:group]] + names[group:]

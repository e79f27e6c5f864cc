"""Columns of a file without a header, recognised by their values."""

from __future__ import annotations

from analytics.export_columns import LEDGER_ROLES, SALES_ROLES
from analytics.export_content import columns_by_content, position_name

SALES = SALES_ROLES.names
LEDGER = LEDGER_ROLES.names


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_the_cdnow_master_file() -> None:
    rows = _rows(
        """
        00001 19970101  1   11.77
        00002 19970112  1   12.00
        00002 19970112  5   77.00
        00003 19970102  2   20.76
        """
    )
    assert columns_by_content(rows, SALES) == {
        "date": 1,
        "amount": 3,
        "customer": 0,
        "quantity": 2,
    }


def test_the_customer_repeats_and_the_invoice_does_not() -> None:
    rows = [
        ["S-1", "01/04/2023", "Acme Traders", "100"],
        ["S-2", "02/04/2023", "Acme Traders", "1,000.50"],
        ["S-3", "13/04/2023", "Beta", "7"],
    ]
    assert columns_by_content(rows, SALES) == {"date": 1, "amount": 3, "customer": 2}


def test_codes_are_not_amounts_and_ids_without_zeros_are_customers() -> None:
    rows = [["C1", "2024-01-05", "10.50"], ["C2", "2024-01-06", "3.00"]]
    assert columns_by_content(rows, SALES) == {"date": 1, "amount": 2, "customer": 0}
    rows = [["17", "2024-01-05", "3", "10.50"], ["18", "2024-01-06", "1", "3.00"]]
    assert columns_by_content(rows, SALES) == {
        "date": 1,
        "amount": 3,
        "customer": 0,
        "quantity": 2,
    }


def test_a_ledger_with_kinds_due_dates_and_sides() -> None:
    rows = [
        ["01-04-2023", "Acme", "Sales", "30-04-2023", "500.00", ""],
        ["02-04-2023", "Acme", "Receipt", "02-04-2023", "", "200.00"],
        ["03-04-2023", "Beta", "Sales", "03-05-2023", "75.25", ""],
    ]
    assert columns_by_content(rows, LEDGER) == {
        "date": 0,
        "due_date": 3,
        "kind": 2,
        "debit": 4,
        "credit": 5,
        "customer": 1,
    }


def test_a_header_row_is_not_data() -> None:
    rows = [["Date", "Customer", "Amount"], ["2024-01-05", "C1", "10.00"]]
    assert "date" not in columns_by_content(rows, SALES)


def test_bare_five_digit_numbers_are_not_excel_dates() -> None:
    rows = [["10001", "2024-01-05", "10.00"], ["10002", "2024-01-06", "3.00"]]
    assert columns_by_content(rows, SALES)["date"] == 1


def test_positions_are_named_from_one() -> None:
    assert [position_name(index) for index in range(3)] == ["column 1", "column 2", "column 3"]


def test_a_column_of_sides_is_the_side_of_a_sales_file_and_of_a_ledger() -> None:
    rows = [["01/04/2024", "C1", "1000.00", "Cr"], ["03/04/2024", "C1", "100.00", "dr"]]
    assert columns_by_content(rows, SALES_ROLES.names)["side"] == 3
    assert columns_by_content(rows, LEDGER_ROLES.names)["side"] == 3

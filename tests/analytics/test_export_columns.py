from __future__ import annotations

import pytest

from analytics.export_columns import (
    LEDGER_ROLES,
    SALES_ROLES,
    ColumnGuessError,
    guess_columns,
    header_score,
    normalize,
    words,
)


def _named(header: list[str], **overrides: str | None) -> dict[str, str]:
    return {
        role: header[index] for role, index in guess_columns(header, SALES_ROLES, overrides).items()
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Voucher Date", "Party Name", "Vch No.", "Net Amount", "Qty"],
            {
                "date": "Voucher Date",
                "customer": "Party Name",
                "invoice": "Vch No.",
                "amount": "Net Amount",
                "quantity": "Qty",
            },
        ),
        (
            ["customer_id", "order_date", "dollar_value"],
            {"customer": "customer_id", "date": "order_date", "amount": "dollar_value"},
        ),
        (
            ["Customer ID", "Customer Name", "Invoice Date", "Invoice No", "Amount (INR)", "COGS"],
            {
                "customer": "Customer ID",
                "customer_name": "Customer Name",
                "date": "Invoice Date",
                "invoice": "Invoice No",
                "amount": "Amount (INR)",
                "cost": "COGS",
            },
        ),
        (
            ["Date", "Buyer", "Sales", "Gross Profit", "Remarks"],
            {"date": "Date", "customer": "Buyer", "amount": "Sales", "profit": "Gross Profit"},
        ),
        (
            ["Date", "Particulars", "Debit", "Credit", "Balance"],
            {"date": "Date", "customer": "Particulars", "debit": "Debit", "credit": "Credit"},
        ),
        (
            ["invoiceDate", "clientCode", "invoiceAmountUsd"],
            {"date": "invoiceDate", "customer": "clientCode", "amount": "invoiceAmountUsd"},
        ),
    ],
)
def test_columns_of_real_exports_are_recognised(
    header: list[str], expected: dict[str, str]
) -> None:
    assert _named(header) == expected


def test_a_ledger_tells_the_due_date_from_the_date() -> None:
    header = ["Date", "Due Date", "Party", "Vch Type", "Ref No", "Amount"]
    found = {role: header[i] for role, i in guess_columns(header, LEDGER_ROLES).items()}
    assert found == {
        "date": "Date",
        "due_date": "Due Date",
        "customer": "Party",
        "kind": "Vch Type",
        "invoice": "Ref No",
        "amount": "Amount",
    }


def test_an_override_beats_the_guess_and_an_empty_one_drops_a_column() -> None:
    header = ["Date", "Customer", "Amount", "Net Amt", "Cost"]
    found = _named(header, amount="Net Amt", cost=None)
    assert found == {"date": "Date", "customer": "Customer", "amount": "Net Amt"}
    assert _named(header, amount="net_amt")["amount"] == "Net Amt"


def test_overrides_that_name_nothing_are_refused_with_what_exists() -> None:
    with pytest.raises(ColumnGuessError, match="no such column; its columns are: 'Date', 'X'"):
        guess_columns(["Date", "X"], SALES_ROLES, {"amount": "Total"})
    with pytest.raises(ColumnGuessError, match="no column role 'price': use one of customer"):
        guess_columns(["Date", "X"], SALES_ROLES, {"price": "X"})
    with pytest.raises(ColumnGuessError, match="both name column 'X'"):
        guess_columns(["Date", "X"], SALES_ROLES, {"amount": "X", "cost": "X"})


def test_a_column_gives_one_role_at_most() -> None:
    assigned = guess_columns(["Name", "Date", "Value"], SALES_ROLES)
    assert sorted(assigned.values()) == [0, 1, 2]
    assert "customer_name" not in assigned


def test_the_header_scores_above_a_title() -> None:
    assert header_score(["Sales Register"], SALES_ROLES) <= 1
    assert header_score(["Date", "Party", "Amount"], SALES_ROLES) == 3


def test_names_compare_without_case_spaces_and_punctuation() -> None:
    assert normalize(" Party's-Name ") == "partysname"
    assert words("invoiceDate (dd/mm)") == ("invoice", "date", "dd", "mm")
    assert words("VAT_Amount") == ("vat", "amount")


@pytest.mark.parametrize(
    "column", ["qty", "Units", "number_of_cds", "No. of Items", "items", "Number of Units"]
)
def test_names_of_a_quantity(column: str) -> None:
    header = ["Customer", "Date", column, "Amount"]
    assert _named(header)["quantity"] == column


def test_invoice_numbers_are_not_quantities() -> None:
    header = ["Customer", "Date", "Invoice Number", "Amount"]
    assert _named(header)["invoice"] == "Invoice Number"
    assert "quantity" not in _named(header)


def test_an_override_may_name_a_column_by_its_position() -> None:
    header = ["column 1", "column 2", "column 3"]
    assert _named(header, customer="1", date="2", amount="3") == {
        "customer": "column 1",
        "date": "column 2",
        "amount": "column 3",
    }
    with pytest.raises(ColumnGuessError, match=r"or name one by its position, 1 to 3"):
        guess_columns(header, SALES_ROLES, {"amount": "4"})


def test_a_name_beats_a_position() -> None:
    header = ["2", "Date", "Amount", "Customer"]
    assert _named(header, customer="2")["customer"] == "2"


def test_positions_from_values_come_after_overrides_and_before_names() -> None:
    header = ["Customer", "Date", "Amount", "Buyer"]
    guessed = guess_columns(header, SALES_ROLES, {"amount": "Amount"}, {"customer": 3, "amount": 1})
    assert guessed == {"amount": 2, "customer": 3, "date": 1}


@pytest.mark.parametrize("name", ["Dr/Cr", "DR-CR", "Debit/Credit", "D/C", "Side", "Cr/Dr"])
def test_a_side_column_is_known_by_its_whole_name(name: str) -> None:
    assert _named(["Date", "Party", "Amount", name])["side"] == name


def test_an_amount_with_its_side_in_the_name_is_an_amount_not_a_side() -> None:
    assert _named(["Date", "Party", "Amount (Dr/Cr)"]) == {
        "date": "Date",
        "customer": "Party",
        "amount": "Amount (Dr/Cr)",
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Kunde", "Datum", "Betrag"],
            {"customer": "Kunde", "date": "Datum", "amount": "Betrag"},
        ),
        (
            ["Kunden-Nr.", "Kundenname", "Rechnungsdatum", "Belegnummer", "Menge", "Betrag"],
            {
                "customer": "Kunden-Nr.",
                "customer_name": "Kundenname",
                "date": "Rechnungsdatum",
                "invoice": "Belegnummer",
                "quantity": "Menge",
                "amount": "Betrag",
            },
        ),
        (
            ["Client", "Date de facture", "N° facture", "Quantité", "Montant HT", "Montant TTC"],
            {
                "customer": "Client",
                "date": "Date de facture",
                "invoice": "N° facture",
                "quantity": "Quantité",
                "amount": "Montant HT",
            },
        ),
        (
            ["Cliente", "Fecha", "Número de factura", "Cantidad", "Importe", "Estado"],
            {
                "customer": "Cliente",
                "date": "Fecha",
                "invoice": "Número de factura",
                "quantity": "Cantidad",
                "amount": "Importe",
                "status": "Estado",
            },
        ),
        # A balance is never the amount, in German either.
        (
            ["Kunde", "Datum", "Offener Betrag", "Rechnungsbetrag"],
            {"customer": "Kunde", "date": "Datum", "amount": "Rechnungsbetrag"},
        ),
    ],
)
def test_german_french_and_spanish_names(header: list[str], expected: dict[str, str]) -> None:
    guessed = guess_columns(header, SALES_ROLES)
    assert {role: header[index] for role, index in guessed.items()} == expected

"""What a voucher type says of an export's line (Tally's `Vch Type`, `Voucher Type`,
`Document Type`), in one vocabulary for sales files and ledgers.

Voucher types are often the user's own (`GST Sales`, `Export Sales`, `Sales Return -
Damaged`), so a type is read by its words. Each class means one thing on a receivables
ledger and one thing in a sales file:

| class | e.g. | sales file | ledger |
| --- | --- | --- | --- |
| sale | Sales, GST Sales, Tax Invoice, Bill | a sale | an invoice |
| return | Credit Note, Sales Return | a return | a payment (a credit) |
| receipt | Receipt, Collection | skipped | a payment |
| payment | Payment | skipped | a payment, unless a debit (money paid to the customer) |
| debit note | Debit Note | skipped | an invoice (a charge) |
| journal | Journal, Contra, Purchase | skipped | its side (Dr an invoice, Cr a payment) |
| not posted | Sales Order, Quotation, Delivery Note, Memorandum | skipped | skipped |
| paid sale | Sales Receipt (QuickBooks: paid on the spot) | a sale | an invoice and its payment |
| refund | Refund Receipt (QuickBooks: refunded on the spot) | a return | a credit and its refund |
| unnamed | none of these words | a sale | its side |

Tally's Day Book may write its types abbreviated (`Sale`, `Purc`, `Rcpt`, `Pymt`, `Jrnl`,
`Ctra`, `C/Note`, `D/Note`, `Dely Note`, `Memo`...): each is read as the type it stands for.

A Day Book or a ledger loaded as sales holds receipts and payments beside the sales: they
are money received, not goods sold, and counting them as returns would lower revenue.
Orders, quotations, estimates, delivery notes and memoranda post nothing to a ledger (nor
QuickBooks' delayed charges and credits, billed only when an invoice takes them up).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from analytics.export_columns import normalize, words


class VoucherClass(StrEnum):
    SALE = "sale"
    RETURN = "return"
    RECEIPT = "receipt"
    PAYMENT = "payment"
    DEBIT_NOTE = "debit note"
    PAID_SALE = "paid sale"
    REFUND = "refund"
    JOURNAL = "journal"
    NOT_POSTED = "not posted"
    UNNAMED = "unnamed"


class VoucherType(StrEnum):
    """What a voucher type is in a sales file."""

    SALE = "sale"
    RETURN = "return"
    OTHER = "not a sale"


# Checked in this order: a `Purchase Return` is a purchase, not a sales return; a `Sales
# Order` an order; a `Receipt Note` (goods received) posts nothing; a `Sales Receipt` a sale.
_PHRASES = (
    (
        VoucherClass.NOT_POSTED,
        (
            *("order", "orders", "quotation", "delivery note", "receipt note", "rejection"),
            *("rejections", "rejection in", "rejection out", "physical stock", "stock"),
            *("stock journal", "attendance", "payroll", "memorandum", "memo voucher"),
            *("estimate", "estimates", "delayed charge", "delayed credit"),
        ),
    ),
    # Before receipts: QuickBooks' `Sales Receipt` is a sale, its `Refund Receipt` a return.
    (VoucherClass.PAID_SALE, ("sales receipt", "sale receipt", "sales receipts")),
    (VoucherClass.REFUND, ("refund receipt", "refund receipts")),
    (VoucherClass.JOURNAL, ("purchase", "purchases", "journal", "contra", "reversing")),
    (VoucherClass.DEBIT_NOTE, ("debit note", "dn")),
    (VoucherClass.RETURN, ("credit note", "return", "returns", "cn", "credit memo")),
    (
        VoucherClass.RECEIPT,
        (
            *("receipt", "receipts", "rcpt", "collection", "settlement", "paid"),
            "payment received",
        ),
    ),
    (VoucherClass.PAYMENT, ("payment", "payments")),
    (VoucherClass.SALE, ("sale", "sales", "invoice", "inv", "bill", "charge")),
)
# Tally's abbreviations of its predefined voucher types, which its Day Book writes in the
# `Vch Type` column (as in its ASCII export) and its data keep beside each type's name:
# `Sale`, `Purc`, `Rcpt`, `Pymt`, `Jrnl`, `Ctra`, `C/Note`, `D/Note`, `Dely Note`,
# `Rej In`, `Rej Out`, `Memo`, `Phys Stock`. Read only as a type's whole name: `Memo` alone
# is Tally's memorandum, while QuickBooks' `Credit Memo` is a return.
_ABBREVIATIONS = {
    "purc": VoucherClass.JOURNAL,
    "pymt": VoucherClass.PAYMENT,
    "jrnl": VoucherClass.JOURNAL,
    "ctra": VoucherClass.JOURNAL,
    "c note": VoucherClass.RETURN,
    "d note": VoucherClass.DEBIT_NOTE,
    "dely note": VoucherClass.NOT_POSTED,
    "rej in": VoucherClass.NOT_POSTED,
    "rej out": VoucherClass.NOT_POSTED,
    "memo": VoucherClass.NOT_POSTED,
}
_IN_SALES = {
    VoucherClass.SALE: VoucherType.SALE,
    VoucherClass.UNNAMED: VoucherType.SALE,
    VoucherClass.RETURN: VoucherType.RETURN,
    VoucherClass.PAID_SALE: VoucherType.SALE,
    VoucherClass.REFUND: VoucherType.RETURN,
}


def voucher_class(text: str) -> VoucherClass:
    """The class of a voucher type as an export names it."""
    name = " ".join(words(text))
    abbreviated = _ABBREVIATIONS.get(name)
    if abbreviated is not None:
        return abbreviated
    written = f" {name} "
    for kind, phrases in _PHRASES:
        if any(f" {phrase} " in written for phrase in phrases):
            return kind
    return VoucherClass.UNNAMED


def voucher_type(text: str) -> VoucherType:
    """What a line of this voucher type is in a sales file: a type that names none of the
    words stays a sale, as a line without a type is."""
    return _IN_SALES.get(voucher_class(text), VoucherType.OTHER)


# The whole names of those abbreviations, as Tally's registers and ledgers write the types:
# `Sale 1` of a Day Book and `Sales 1` of the customer's ledger are one voucher.
WHOLE_NAMES = {
    "sale": "sales",
    "purc": "purchase",
    "rcpt": "receipt",
    "pymt": "payment",
    "jrnl": "journal",
    "ctra": "contra",
    "c note": "credit note",
    "d note": "debit note",
    "dely note": "delivery note",
    "rej in": "rejections in",
    "rej out": "rejections out",
    "memo": "memorandum",
    "phys stock": "physical stock",
}


def type_name(text: str) -> str | None:
    """A voucher type as a stored line keeps it: its words in lower case (`Export Sales` and
    `EXPORT  SALES` are one type), a Tally abbreviation by its whole name (`Sale` is `sales`),
    None for a blank cell."""
    name = " ".join(words(text))
    return WHOLE_NAMES.get(name, name) or None


# The types of a customer's business with us: what it buys, returns and pays.
_CUSTOMER_CLASSES = frozenset(
    (
        VoucherClass.SALE,
        VoucherClass.PAID_SALE,
        VoucherClass.RETURN,
        VoucherClass.RECEIPT,
        VoucherClass.REFUND,
    )
)
_PURCHASE_WORDS = frozenset(("purchase", "purchases", "purc"))


def is_purchase(text: str) -> bool:
    """Whether a voucher type is a purchase (`Purchase`, Tally's `Purc`, `Purchase Return`,
    `Import Purchase`): its party is a supplier, the seller."""
    return not _PURCHASE_WORDS.isdisjoint(words(text))


def is_customer_business(text: str) -> bool:
    """Whether a voucher type is one of a customer's: a sale, a return, a receipt."""
    return voucher_class(text) in _CUSTOMER_CLASSES


# Number columns whose name says what every line of the file is (Zoho Books exports each
# document type on its own, without a type column): the type a line would otherwise carry.
_TYPED_NUMBER_COLUMNS = {
    **dict.fromkeys(("salesreceiptnumber", "salesreceiptno", "salesreceiptnum"), "Sales Receipt"),
    **dict.fromkeys(
        ("creditnotenumber", "creditnoteno", "creditnotenum"),
        "Credit Note",
    ),
}
# `Invoice Number` names a plain file's invoice column as well: it says the type only beside
# the status of that document (Zoho Books' invoice exports write `Invoice Status`).
_INVOICE_NUMBERS = frozenset(("invoicenumber", "invoiceno", "invoicenum"))
_INVOICE_STATUS = "invoicestatus"


def is_invoice_number_column(name: str) -> bool:
    """Whether a column's name says it numbers invoices (`Invoice Number`, `Invoice No`)."""
    return normalize(name) in _INVOICE_NUMBERS


def number_column_type(number_column: str | None, status_column: str | None) -> str | None:
    """The voucher type of every line of a file without a type column, when its number
    column's name gives it (Zoho Books' `Sales Receipt Number`, `Credit Note Number`, and
    `Invoice Number` beside `Invoice Status`); None when it says none (a plain file)."""
    if number_column is None:
        return None
    number = normalize(number_column)
    if number in _INVOICE_NUMBERS:
        status = None if status_column is None else normalize(status_column)
        return "Invoice" if status == _INVOICE_STATUS else None
    return _TYPED_NUMBER_COLUMNS.get(number)


# Zoho Books' Customer Payments export numbers each payment (`Payment Number`) beside Zoho's
# customer id (`CustomerID`); its `Invoice Number` names the invoice a payment settles, so it
# says nothing of the line's type. Its `Payment Type` column (`Invoice Payment`) does, but an
# export template may leave that column out: the payment number then says it of every line,
# as the type Zoho writes there for a payment of invoices (the lines stored as with it).
PAYMENT_NUMBER_TYPE = "Invoice Payment"
_PAYMENT_NUMBERS = frozenset(("paymentnumber", "paymentno", "paymentnum"))
# Zoho's own customer id: a file of one's own with a `Payment Number` column may number the
# payments among invoices, and its other lines are no payments.
_ZOHO_CUSTOMER_ID = "customerid"


def payment_numbers_column(header: Iterable[str]) -> str | None:
    """A column numbering payments (`Payment Number`, `Payment No`), as the file names it."""
    return next((name for name in header if normalize(name) in _PAYMENT_NUMBERS), None)


def payment_number_column(header: Iterable[str]) -> str | None:
    """The `Payment Number` column of Zoho Books' Customer Payments export (every line a
    payment), as the file names it; None for any other file."""
    names = list(header)
    if all(normalize(name) != _ZOHO_CUSTOMER_ID for name in names):
        return None
    return payment_numbers_column(names)

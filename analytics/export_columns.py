"""Which column of an accounting export gives what: the customer, the date, the amount...

Every export names its columns its own way (`Party Name`, `Voucher Date`, `Dollar_Value`,
`Amount (INR)`), so each role carries the names exports use for it, most telling first.
A column matches a role when its name, compared without case, spaces and punctuation, is one
of those names; failing that, when its words contain one of them (`Amount (INR)` contains
`amount`, `number_of_cds` contains `number of`), the column whose words are covered best
winning. A column gives one role at most, and an override (`--column amount="Net Amt"`, or
`--column customer=1` by position) beats every guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def normalize(name: str) -> str:
    """`Party Name`, `party_name` and `PARTY-NAME` all become `partyname`."""
    return _NOT_ALPHANUMERIC.sub("", name.lower())


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of a name, camelCase split: `invoiceDate (dd/mm)` -> invoice, date,
    dd, mm."""
    return tuple(word.lower() for word in _WORD.findall(name))


class ColumnGuessError(ValueError):
    """An override names a role or a column that does not exist."""


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    # Names exports give this column, most telling first.
    vocabulary: tuple[str, ...]
    description: str
    # Matched by whole names only: `Amount (Dr/Cr)` is an amount with its side marks, not a
    # side column.
    exact_only: bool = False
    # Words that make a column something else whatever it also says: `Pending Amount` is a
    # balance (what a bill still owes), not an amount.
    never_words: frozenset[str] = frozenset()
    _exact: dict[str, int] = field(init=False, repr=False, compare=False)
    _phrases: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, int] = {}
        for rank, phrase in enumerate(self.vocabulary):
            exact.setdefault(normalize(phrase), rank)
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_phrases", tuple(words(phrase) for phrase in self.vocabulary))

    def exact_rank(self, column: str) -> int | None:
        """The rank of the vocabulary name equal to `column`, if any."""
        if self.never_words and not self.never_words.isdisjoint(words(column)):
            return None
        return self._exact.get(normalize(column))

    def word_match(self, column: str) -> tuple[float, int] | None:
        """(share of the column's words covered, rank) of the best vocabulary name whose
        words appear, in order, among the column's."""
        if self.exact_only:
            return None
        column_words = words(column)
        if self.never_words and not self.never_words.isdisjoint(column_words):
            return None
        best: tuple[float, int] | None = None
        for rank, phrase in enumerate(self._phrases):
            size = len(phrase)
            if not size or size > len(column_words):
                continue
            if any(
                column_words[start : start + size] == phrase
                for start in range(len(column_words) - size + 1)
            ):
                coverage = size / len(column_words)
                if best is None or coverage > best[0]:
                    best = (coverage, rank)
        return best


@dataclass(frozen=True, slots=True)
class RoleSet:
    """The roles of one kind of export, in the order they pick their columns."""

    roles: tuple[Role, ...]
    # Each group needs at least one of its roles, e.g. an amount or debit/credit columns.
    required: tuple[tuple[str, ...], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(role.name for role in self.roles)

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        listed = ", ".join(self.names)
        raise ColumnGuessError(f"there is no column role {name!r}: use one of {listed}")

    def missing(self, assigned: Mapping[str, object]) -> list[tuple[str, ...]]:
        """The required groups none of whose roles has a column."""
        return [group for group in self.required if not any(role in assigned for role in group)]


def _find_column(header: Sequence[str], column: str, role: str) -> int:
    """The column named `column`, else (a number) the column at that position from 1."""
    for index, name in enumerate(header):
        if name.strip() == column.strip():
            return index
    wanted = normalize(column)
    for index, name in enumerate(header):
        if normalize(name) == wanted:
            return index
    position = column.strip()
    if position.isascii() and position.isdigit() and 1 <= int(position) <= len(header):
        return int(position) - 1
    seen = ", ".join(repr(name) for name in header)
    raise ColumnGuessError(
        f"--column {role}={column!r}: the file has no such column; its columns are: {seen} "
        f"(or name one by its position, 1 to {len(header)})"
    )


def guess_columns(
    header: Sequence[str],
    role_set: RoleSet,
    overrides: Mapping[str, str | None] | None = None,
    positions: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Role -> index of the column that gives it. An override of None (or empty) means the
    role takes no column, whatever the guess. `positions` are guesses made otherwise (from
    the values of a file without a header): they come after the overrides, before names."""
    assigned: dict[str, int] = {}
    excluded: set[str] = set()
    for role_name, column in (overrides or {}).items():
        role_set.role(role_name)
        if not column:
            excluded.add(role_name)
            continue
        index = _find_column(header, column, role_name)
        for other, taken in assigned.items():
            if taken == index:
                raise ColumnGuessError(
                    f"--column {other} and --column {role_name} both name column {column!r}"
                )
        assigned[role_name] = index

    def free(index: int) -> bool:
        return index not in assigned.values() and bool(header[index].strip())

    for role_name, index in (positions or {}).items():
        role_set.role(role_name)
        if role_name not in assigned and role_name not in excluded and free(index):
            assigned[role_name] = index

    for role in role_set.roles:
        if role.name in assigned or role.name in excluded:
            continue
        exact = [
            (rank, index)
            for index, column in enumerate(header)
            if free(index) and (rank := role.exact_rank(column)) is not None
        ]
        if exact:
            assigned[role.name] = min(exact)[1]

    while True:
        candidates = [
            (-coverage, rank, order, index, role.name)
            for order, role in enumerate(role_set.roles)
            if role.name not in assigned and role.name not in excluded
            for index, column in enumerate(header)
            if free(index) and (match := role.word_match(column)) is not None
            for coverage, rank in [match]
        ]
        if not candidates:
            return _foreign_amount_alone(assigned, excluded)
        *_, index, role_name = min(candidates)
        assigned[role_name] = index


def _foreign_amount_alone(assigned: dict[str, int], excluded: set[str]) -> dict[str, int]:
    """A foreign amount with no amount in the base currency beside it (QuickBooks' `Foreign
    Amount` alone) is the line's amount, in its own currency: converted at its rate."""
    if "foreign_amount" in assigned and not any(
        role in assigned or role in excluded for role in ("amount", "debit", "credit")
    ):
        assigned["amount"] = assigned.pop("foreign_amount")
    return assigned


def header_score(
    header: Sequence[str], role_set: RoleSet, overrides: Mapping[str, str | None] | None = None
) -> int:
    """How many roles a row would give if it were the header: the header is the row of a
    file's first lines that scores best (reports put a title and a period above it). The
    overrides that name one of the row's cells count as that role, so that --column finds a
    header whose names no export uses; the others (positions, other rows' names) do not."""
    names = {normalize(cell) for cell in header if cell.strip()}
    naming = {
        role: column
        for role, column in (overrides or {}).items()
        if column and normalize(column) in names
    }
    try:
        return len(guess_columns(header, role_set, naming))
    except ColumnGuessError:
        return 0


def _role(
    name: str,
    description: str,
    *vocabulary: str,
    exact_only: bool = False,
    never_words: frozenset[str] = frozenset(),
) -> Role:
    return Role(
        name=name,
        vocabulary=vocabulary,
        description=description,
        exact_only=exact_only,
        never_words=never_words,
    )


# Words of a column of balances (`Pending Amount`, `Balance Due`, `Outstanding`, `Closing
# Balance`): what is still owed after the entries, never the amount of a voucher.
BALANCE_WORDS = frozenset(
    (
        *("pending", "outstanding", "overdue", "unpaid", "balance", "bal", "due", "remaining"),
        *("closing", "opening", "open"),
    )
)


# A customer's name in German, French and Spanish exports.
_CUSTOMER_NAMES_ABROAD = (
    *("kundenname", "name des kunden", "firmenname", "nom du client", "nom client"),
    *("raison sociale", "nombre del cliente", "nombre cliente", "nombre", "razón social"),
    "razon social",
)
# German, French and Spanish words of a column of balances (`Offener Betrag`, `Solde`,
# `Saldo pendiente`).
_BALANCE_WORDS_ABROAD = frozenset(
    ("offen", "offener", "saldo", "solde", "restant", "pendiente", "restbetrag")
)
CUSTOMER = _role(
    "customer",
    "the customer's id (kept as written) or, without one, its name",
    *("customer id", "customer code", "customer no", "customer number", "cust id", "cust code"),
    *("cust no", "client id", "client code", "buyer id", "party code", "party id"),
    *("account id", "account code", "ledger code", "customer", "cust", "client", "buyer"),
    # German, French and Spanish ids, then the customer itself.
    *("kundennummer", "kunden nr", "kundennr", "debitorennummer", "debitor nr", "debitor"),
    *("code client", "numéro client", "numero client", "n° client", "id client"),
    *("código cliente", "codigo cliente", "código de cliente", "codigo de cliente"),
    *("id cliente", "kunde", "cliente"),
    *("party", "account", "ledger", "customer name", "cust name", "client name", "buyer name"),
    *("party name", "party's name", "account name", "ledger name", "particulars", "name"),
    *_CUSTOMER_NAMES_ABROAD,
)
CUSTOMER_NAME = _role(
    "customer_name",
    "the name of a customer that is not an account yet",
    *("customer name", "cust name", "client name", "buyer name", "party name", "account name"),
    *("ledger name", "name", "particulars"),
    *_CUSTOMER_NAMES_ABROAD,
)
DATE = _role(
    "date",
    "the date of the sale or ledger entry",
    *("date", "voucher date", "vch date", "invoice date", "inv date", "invoice dt", "inv dt"),
    *("bill date", "order date", "sale date", "sales date", "transaction date", "txn date"),
    *("posting date", "document date", "doc date", "entry date", "value date", "dt", "day"),
    # German, French, Spanish.
    *("datum", "rechnungsdatum", "belegdatum", "buchungsdatum", "leistungsdatum"),
    *("date facture", "date de facture", "date de la facture", "date d'émission"),
    *("fecha", "fecha factura", "fecha de factura", "fecha de emisión", "fecha de emision"),
    "fecha de expedición",
)
INVOICE = _role(
    "invoice",
    "the invoice (or voucher) number: orders are distinct invoice numbers",
    *("invoice no", "invoice number", "invoice num", "invoice id", "inv no", "inv number"),
    *("invoice", "bill no", "bill number", "voucher no", "voucher number", "vch no"),
    *("vch number", "voucher", "document no", "document number", "doc no", "order no"),
    *("order number", "order id", "order", "reference no", "reference number", "ref no"),
    *("reference", "ref", "receipt no", "transaction id", "txn id"),
    # QuickBooks' reports.
    "num",
    # Zoho Books' exports of sales receipts and credit notes (a whole name first: the words
    # `Credit Note Number` would make a credit column).
    *("sales receipt number", "sales receipt no", "sales receipt num", "credit note number"),
    *("credit note no", "credit note num", "creditnote number"),
    # German, French, Spanish.
    *("rechnungsnummer", "rechnungsnr", "rechnung nr", "belegnummer", "belegnr", "beleg nr"),
    *("rechnung", "beleg"),
    *("numéro de facture", "numero de facture", "n° facture", "no facture", "num facture"),
    *("n° de facture", "facture", "numéro", "pièce", "n° pièce"),
    *("número de factura", "numero de factura", "nº factura", "n° factura", "num factura"),
    *("no factura", "factura", "folio", "número", "numero"),
)
AMOUNT = _role(
    "amount",
    "the amount, possibly with a currency, thousands separators or a Dr/Cr mark",
    *("net amount", "net value", "net amt", "amount"),
    # German, French and Spanish: the net amount before the plain one, as in English.
    *("nettobetrag", "netto", "importe neto", "betrag", "montant", "importe", "monto"),
    *("sales amount", "sale amount", "umsatz", "rechnungsbetrag", "chiffre d'affaires"),
    *("sales value", "sales", "value", "invoice amount", "invoice value", "line total"),
    # An item line's own amount, before the invoice's (Zoho's `Item Total` beside `SubTotal`).
    *("item total", "item amount", "line amount", "item net amount"),
    *("total amount", "total", "invoice total", "bill amount", "gross amount", "grand total"),
    *("dollar value", "revenue", "turnover", "amt"),
    *("bruttobetrag", "brutto", "gesamtbetrag", "endbetrag", "summe", "wert"),
    *("montant ttc", "total ttc", "valeur", "total factura", "importe total", "valor"),
    never_words=BALANCE_WORDS | _BALANCE_WORDS_ABROAD,
)
# An item line's own amounts, which a sales file takes before the invoice's (`AMOUNT`).
_ITEM_AMOUNTS = ("item total", "item amount", "line amount", "item net amount")
# The part of a payment set against the invoice its row names.
_APPLIED_TO_INVOICE = ("amount applied to invoice",)
# A ledger's amount: what the customer owes for the invoice, taxes, shipping and adjustments
# included. Beside an item's own amount (Zoho's `Item Total`, before tax) an export of one row
# per item gives the whole invoice's (`Total`), which a ledger takes (once per invoice:
# `store.ingest.kinds.document_rows`); its items' amounts only where it gives no other.
LEDGER_AMOUNT = _role(
    "amount",
    AMOUNT.description,
    # Zoho Books' Customer Payments export writes a payment set against several invoices as a
    # row per invoice, each repeating the payment's whole `Amount`: what settles that invoice
    # is its `Amount Applied to Invoice` (taking `Amount` counted a payment once per invoice).
    *_APPLIED_TO_INVOICE,
    *(name for name in AMOUNT.vocabulary if name not in _ITEM_AMOUNTS),
    *_ITEM_AMOUNTS,
    never_words=AMOUNT.never_words,
)
# French `hors taxes` and Spanish `base imponible`: before tax, as `SubTotal` is.
_BEFORE_TAX_ABROAD = ("montant ht", "total ht", "base imponible", "base ht")
# A sales file's amount: where an export gives the amount before tax and the total with it
# (Zoho's `SubTotal` and `Total`), the amount before tax, since taxes are not sales; a
# ledger's amount is what the customer owes, taxes included (`AMOUNT`).
SALES_AMOUNT = _role(
    "amount",
    AMOUNT.description,
    *AMOUNT.vocabulary[: AMOUNT.vocabulary.index("total amount")],
    *("sub total", "subtotal", "taxable value", "taxable amount", "amount before tax"),
    *_BEFORE_TAX_ABROAD,
    *AMOUNT.vocabulary[AMOUNT.vocabulary.index("total amount") :],
    never_words=BALANCE_WORDS | _BALANCE_WORDS_ABROAD,
)
# Names of a sales amount taken before tax.
BEFORE_TAX = frozenset(
    normalize(name)
    for name in (
        *("sub total", "subtotal", "taxable value", "taxable amount", "amount before tax"),
        *_BEFORE_TAX_ABROAD,
    )
)
# Names of an amount of the whole invoice, which an export of one row per item repeats on
# each of the invoice's rows (Zoho's `SubTotal` and `Total`): counted once per invoice.
# (Not `Taxable Value`: a GST register gives it per item.)
# Names of a sales amount that includes the taxes on it (the gross), where the export may
# give the amount before tax elsewhere.
WITH_TAX = frozenset(
    normalize(name)
    for name in (
        *("gross total", "gross amount", "grand total", "invoice total", "total amount"),
        *("total", "bill amount", "invoice amount", "invoice value", "amount incl tax"),
        *("montant ttc", "total ttc", "bruttobetrag", "brutto", "importe total"),
        "total factura",
    )
)
# The amount columns of a voucher register (Tally's Day Book, and its Sales Register, the
# register of the sales vouchers alone): each voucher's line of its party, whose amount is the
# invoice's gross, taxes included (docs/export-shapes.md).
VOUCHER_REGISTER_AMOUNTS = frozenset(normalize(name) for name in ("debit amount", "credit amount"))
INVOICE_AMOUNTS = frozenset(
    normalize(name)
    for name in (
        *("sub total", "subtotal", "invoice sub total", "total", "invoice total"),
        *("invoice amount", "invoice value", "grand total", "bill amount"),
    )
)
# Of those, the names a register of lines also gives each line's amount: a bare `Total` (a
# line's total, taxes included) says nothing of whether it is the whole invoice's.
LINE_OR_INVOICE_AMOUNTS = frozenset(normalize(name) for name in ("total", "grand total"))
# A column of a credit or debit note (Zoho Books' `Credit Note Status`, `Credit Note Date`)
# is about the document, not a side of an amount.
_NOTE_WORDS = frozenset(("note", "notes"))
# Credits a customer holds or had set against an invoice (Zoho Books' `Credits Applied` in
# Invoice Details, `Available Credits`/`Unused Credits` in Customer Balances) are amounts of
# their own, not the credit side of an entry: taken for one, an invoice's applied credit would
# be loaded as its amount.
_HELD_CREDIT_WORDS = frozenset(("applied", "available", "unused", "unapplied", "excess"))
DEBIT = _role(
    "debit",
    "the debit amount, when debits and credits have columns of their own",
    *("debit", "debit amount", "dr amount", "dr", "debit amt", "dr amt", "debits"),
    *("soll", "sollbetrag", "débit", "debe", "cargo"),
    never_words=BALANCE_WORDS | _NOTE_WORDS,
)
CREDIT = _role(
    "credit",
    "the credit amount, when debits and credits have columns of their own",
    *("credit", "credit amount", "cr amount", "cr", "credit amt", "cr amt", "credits"),
    *("haben", "habenbetrag", "crédit", "haber", "abono"),
    never_words=BALANCE_WORDS | _NOTE_WORDS | _HELD_CREDIT_WORDS,
)
SIDE = _role(
    "side",
    "the side of each amount (Dr or Cr), when it has a column of its own",
    *("dr cr", "cr dr", "debit credit", "credit debit", "dr or cr", "d c", "side"),
    # Not DATEV's `S/H`: it is `S&H` too (shipping and handling, an amount); a column of S and
    # H right after the amount is found by its values (`SIDE_CANDIDATE`).
    *("dr cr side", "balance side", "soll haben", "débit crédit", "debe haber"),
    exact_only=True,
)
QUANTITY = _role(
    "quantity",
    "the quantity sold",
    *("quantity", "qty", "billed qty", "billed quantity", "actual qty", "actual quantity"),
    *("units", "units sold", "qty sold", "pieces", "pcs", "nos", "items", "items sold"),
    *("number of items", "number of units", "no of items", "no of units", "item count"),
    # number_of_cds, no_of_boxes...
    *("number of", "no of", "num of"),
    *("menge", "anzahl", "stück", "stueck", "quantité", "quantite", "qté", "qte"),
    *("cantidad", "cant", "unidades"),
)
COST = _role(
    "cost",
    "the cost of what was sold (profit is the amount less the cost)",
    *("cost", "total cost", "cost amount", "cost value", "cost of goods", "cost of sales"),
    *("cogs", "purchase cost", "cost price"),
    *("kosten", "einstandspreis", "wareneinsatz", "selbstkosten", "coût", "cout"),
    *("coût de revient", "prix de revient", "costo", "coste", "costo de ventas"),
)
PROFIT = _role(
    "profit",
    "the profit of the sale",
    *("profit", "gross profit", "profit amount", "margin", "gross margin", "gp", "net profit"),
    *("gewinn", "rohertrag", "marge", "bénéfice", "benefice", "ganancia", "beneficio"),
    "margen",
)
# Words of a column that says how a discount, a tax or an item is applied, or what kind of
# customer or product a line has (Zoho Books' `Discount Type`, `Item Tax Type`; `GST Type`,
# `Customer Type`): never the voucher's type, though `type` is among their words.
_NOT_VOUCHER_TYPE_WORDS = frozenset(
    (
        *("discount", "tax", "taxes", "gst", "vat", "item", "items", "product", "products"),
        *("customer", "contact", "usage", "unit", "price", "shipping", "adjustment"),
        *("currency", "address", "account"),
    )
)
KIND = _role(
    "kind",
    "whether the entry is an invoice or a payment",
    *("kind", "type", "voucher type", "vch type", "entry type", "transaction type", "txn type"),
    *("document type", "doc type", "transaction", "dr cr", "debit credit"),
    *("belegart", "buchungsart", "type de pièce", "type de document", "tipo de documento"),
    "tipo",
    never_words=_NOT_VOUCHER_TYPE_WORDS,
)
VOUCHER_TYPE = _role(
    "voucher_type",
    "the voucher type of a sales line (Sales, Credit Note; a Receipt is not a sale)",
    *("voucher type", "vch type", "type", "document type", "doc type", "transaction type"),
    *("txn type", "entry type", "invoice type", "bill type", "voucher class"),
    *("belegart", "rechnungsart", "type de pièce", "type de document", "tipo de documento"),
    *("tipo de comprobante", "tipo"),
    never_words=_NOT_VOUCHER_TYPE_WORDS,
)
INVOICE_STATUS = _role(
    "status",
    "the invoice's status: Draft, Void and the like are not sales, and are skipped",
    *("invoice status", "status", "document status", "bill status", "voucher status"),
    *("invoice state", "rechnungsstatus", "statut", "état", "estado"),
)
# QuickBooks writes `VOID:` at the head of a voided invoice's memo (Desktop), or `Voided` for
# it (Online), and lists it at 0.00: read only to tell such a line.
MEMO = _role(
    "memo",
    "the line's memo: QuickBooks' `VOID:` (or `Voided`) on a voided invoice at 0.00 says it is "
    "no sale, and it is skipped",
    *("memo", "memo/description", "memo description"),
    exact_only=True,
)
BILL_REF = _role(
    "bill_ref",
    "the bill an entry belongs to (Tally's bill-wise Ref): for a receipt, the invoice it "
    "settles, which it pays first",
    *("bill ref", "bill reference", "against ref", "agst ref", "against reference", "ref"),
    *("ref no", "ref number", "bill ref no", "bill name", "against invoice", "agst invoice"),
)
DUE_DATE = _role(
    "due_date",
    "the date an invoice is due",
    *("due date", "due on", "due", "payment due", "payment due date", "due dt", "due by"),
    *("fälligkeit", "fällig am", "fälligkeitsdatum", "faelligkeit", "échéance", "echeance"),
    *("date d'échéance", "date d'echeance", "fecha de vencimiento", "vencimiento"),
)
# A line's currency and its rate to the base currency (Zoho Books' `Currency Code` and
# `Exchange Rate`: amount x rate is the amount in the base currency). Whole names only: a
# `Rate` is an item's price, and `Amount (Currency)` an amount.
CURRENCY = _role(
    "currency",
    "the currency of the line's amounts: another than the base currency is converted with "
    "the exchange rate",
    *("currency code", "currency", "currency iso code", "currency iso", "curr", "ccy"),
    *("währung", "währungscode", "devise", "code devise", "moneda", "divisa"),
    exact_only=True,
)
EXCHANGE_RATE = _role(
    "exchange_rate",
    "the rate of the line's currency in the base currency (amount x rate)",
    *("exchange rate", "exch rate", "fx rate", "conversion rate", "currency rate"),
    *("rate of exchange", "wechselkurs", "umrechnungskurs", "taux de change", "tipo de cambio"),
    exact_only=True,
)

# The amount in the line's own currency, beside an amount in the base currency: QuickBooks
# Online's `Foreign Amount` beside its `Amount` (home currency), Tally's `Forex Amount` beside
# Debit and Credit in rupees, Zoho's `Amount (FCY)` beside `Amount (BCY)`. Whole names only,
# and picked before the amount, whose words it shares: the amount is then the base one.
FOREIGN_AMOUNT = _role(
    "foreign_amount",
    "the amount in the line's own currency, beside the amount in the base currency (which "
    "is the one kept)",
    *("foreign amount", "forex amount", "amount fcy", "fcy amount", "total fcy", "fcy"),
    *("amount in foreign currency", "foreign currency amount", "amount in fc", "fc amount"),
    *("forex", "amount forex", "foreign amt", "forex amt"),
    exact_only=True,
)

# What is still owed of an invoice, beside its total (Zoho Books' `Balance`, QuickBooks'
# `Open Balance`): never an entry's amount; read from an invoice export only, to tell paid
# invoices whose payments the ledger lacks (`store.ingest.kinds.paid_by_export`). Whole names
# only: a Tally ledger's running `Balance` is read from no other file. `Open Balance` first:
# QuickBooks' Customer Balance Detail writes each invoice's beside a running `Balance`.
BALANCE = _role(
    "balance",
    "what is still owed of the invoice (an invoice export's `Balance`, QuickBooks' `Open "
    "Balance`): read to tell the invoices the export says are paid",
    *("open balance", "balance", "balance due", "invoice balance"),
    exact_only=True,
)

SALES_ROLES = RoleSet(
    roles=(
        *(CUSTOMER, CUSTOMER_NAME, DATE, INVOICE, SALES_AMOUNT, DEBIT, CREDIT, SIDE, QUANTITY),
        *(COST, PROFIT, VOUCHER_TYPE, INVOICE_STATUS, CURRENCY, EXCHANGE_RATE, FOREIGN_AMOUNT),
        MEMO,
    ),
    required=(("customer",), ("date",), ("amount", "debit", "credit")),
)
LEDGER_ROLES = RoleSet(
    # The invoice number first: a lone `Ref No` is the entry's number, as before; beside a
    # `Vch No.`, which the invoice role ranks higher, `Ref` is the bill. The side before the
    # kind, whose names `Dr/Cr` it takes (a kind column holding Dr and Cr is read as well).
    roles=(
        *(CUSTOMER, CUSTOMER_NAME, DUE_DATE, DATE, SIDE, KIND, INVOICE, BILL_REF),
        *(LEDGER_AMOUNT, DEBIT, CREDIT, CURRENCY, EXCHANGE_RATE, FOREIGN_AMOUNT, MEMO),
        # A document's status (Zoho Books' `Invoice Status`): a void or draft invoice is no
        # debt, as it is no sale.
        *(INVOICE_STATUS, BALANCE),
    ),
    required=(("customer",), ("date",), ("amount", "debit", "credit")),
)

# Every name of a column of a sales or ledger export, compared as `normalize` makes them.
COLUMN_NAMES = frozenset(
    normalize(name)
    for role_set in (SALES_ROLES, LEDGER_ROLES)
    for role in role_set.roles
    for name in role.vocabulary
)

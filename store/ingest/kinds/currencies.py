"""Sales and ledger amounts in several currencies, converted to one: the base currency.

Zoho Books exports each invoice and payment in its own currency with its rate to the
organisation's base currency (`Currency Code` USD, `Exchange Rate` 83.25: one dollar is 83.25
rupees, so the amount x the rate is the amount in the base currency, and the base currency's
own invoices have a rate of 1; QuickBooks Online's `Currency` and `Exchange Rate` say the
same). Sales and ledger entries of one app are summed (revenue, RFM, invoiced, outstanding,
credit risk), so an amount in another currency is converted with its line's rate before it is
kept, never stored as it is; a line in another currency without a usable rate (empty, not a
number, zero or negative) is a bad line. One rule for both kinds: this module.

An export that gives the amount in the base currency beside the line's own (QuickBooks
Online's `Amount` beside `Foreign Amount`, Tally's Debit and Credit beside `Forex Amount`,
Zoho's `Amount (BCY)` beside `Amount (FCY)`) is read from the base amount: nothing converts.

The base currency is `--currency` when given, else the one kept for the app by an earlier
`--currency` or decided by an earlier load's lines (`store.ingest.currency_setting`),
unless the file's lines at rate 1 are in another: its rates convert to that one, and the
load is refused (a file read from its base amounts too: they are in that other currency).
Else the most common currency of the lines whose rate is 1; else, when every line is in one
currency with no rate other than 1, that one (there is nothing to convert); else the file is
refused in one line asking for `--currency` (a file all in USD at 83.25 converts to a
currency it does not name). A base currency decided so is kept for the app.
Converted amounts are rounded half to even to the cent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from functools import lru_cache

from analytics.counts import counted
from analytics.export_amounts import Amount
from analytics.export_columns import words
from store.ingest.currency_setting import AppCurrency
from store.ingest.errors import FileRejected
from store.ingest.kinds.exports import FileFormats
from store.ingest.reading import Row

_CENT = Decimal("0.01")
# Products of amounts and rates are exact before their one rounding to the cent.
_EXACT = Context(prec=80, rounding=ROUND_HALF_EVEN)
_ONE = Decimal(1)
# Words of an amount column's name that say it is in the base currency: Zoho's `(BCY)`, the
# local currency's `(LCY)`, `Home Amount`, `Amount in Base Currency` (not `Base` alone: a
# taxable base, `Base imponible`, is an amount before tax).
_BASE_WORDS = frozenset(("bcy", "lcy", "home"))


def _in_base_currency(name: str) -> bool:
    named = words(name)
    return not _BASE_WORDS.isdisjoint(named) or "basecurrency" in "".join(named)


@lru_cache(maxsize=4096)
def _rate(text: str | None) -> Decimal | None:
    """A rate as read whatever the file's decimal mark (`1`, `1.00`, `1,000000`); None when
    there is none or it is no number (the line is then refused if it needs converting)."""
    if text is None:
        return None
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None


class Currencies:
    """Observes the currencies of a file's lines, decides the base, converts each amount."""

    def __init__(self, setting: AppCurrency | None = None, *, entries: bool = False) -> None:
        setting = setting or AppCurrency("")
        self._setting = setting
        self._given = setting.code
        self.base: str | None = setting.code
        # Ledger entries are counted one by one; sales lines by invoice.
        self._entries = entries
        # The amount column when the file gives it in the base currency beside the line's
        # own (`Foreign Amount`, `Forex Amount`): nothing converts.
        self._in_base: tuple[str, str | None] | None = None
        # Whether the file has a currency column at all.
        self._has_column = False
        self._lines: Counter[str] = Counter()
        self._at_one: Counter[str] = Counter()
        # A rate other than 1 of each currency, as written: its lines convert to another.
        self._off_one: dict[str, str] = {}
        # The invoices (else lines) converted, by currency.
        self._converted: dict[str, set[tuple[str, str, int]]] = {}
        self._how = setting.how
        # Whether some line is in another currency than the base one (settled by `decide`):
        # a file in one currency costs its lines no lookup.
        self.converts = False

    def setting(self) -> AppCurrency:
        """The app's base currency setting as the load writes it: with the base its lines
        decided, kept when none was given or kept before (`AppCurrency.decided`)."""
        setting = self._setting
        if setting.code is not None or self.base is None or not setting.app:
            return setting
        return replace(setting, decided=self.base)

    def observe(self, row: Row) -> None:
        code = row.get("currency")
        if code is None:
            return
        code = code.upper()
        self._lines[code] += 1
        text = row.get("exchange_rate")
        rate = _rate(text)
        if rate == _ONE:
            self._at_one[code] += 1
        elif rate is not None and text is not None:
            self._off_one.setdefault(code, text.strip())

    def decide(self, columns: Mapping[str, str]) -> None:
        """Settles the base currency once every line was observed; `columns` are the file's
        columns by role."""
        self._has_column = "currency" in columns
        foreign = columns.get("foreign_amount")
        taken = [columns[role] for role in ("amount", "debit", "credit") if role in columns]
        named = [name for name in taken if _in_base_currency(name)]
        if (foreign is not None and taken) or named:
            # The amounts taken are the base ones already: the lines' own are beside them, or
            # their names say so (Zoho's `Amount (BCY)`, `Amount (LCY)`). They are in the
            # currency of the lines at rate 1, which must be the app's base currency too, or
            # its amounts would be summed with the app's others in another currency.
            self._check_given()
            self._in_base = (" and ".join(repr(name) for name in taken), foreign)
            return
        self._check_given()
        self._decide_base()
        self.converts = self.base is not None and any(code != self.base for code in self._lines)

    def _check_given(self) -> None:
        """Refuses a base currency given (or kept for the app) that the file's lines at rate 1
        contradict: its rates, and its amounts in the home currency, are in theirs."""
        if self._given is not None and self._at_one and self._given not in self._at_one:
            # The rates convert to the currency whose own lines are at 1, not to --currency.
            at_one = ", ".join(self._at_one)
            setting = self._setting
            if setting.given is None:
                raise FileRejected(
                    f"the base currency kept for app {setting.app} is {setting.kept}, but the "
                    f"file's lines at exchange rate 1 are in {at_one}, so its rates convert to "
                    f"that; give --currency {at_one} to load it (and keep {at_one} for the app)"
                )
            raise FileRejected(
                f"--currency {self._given} contradicts the file: its lines at exchange rate 1 "
                f"are in {at_one}, so its rates convert to that; give --currency {at_one} or "
                f"leave it out"
            )

    def _decide_base(self) -> None:
        if self._given is not None or not self._lines:
            return
        ranked = self._at_one.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            self.base = ranked[0][0]
            self._how = "the currency of the lines at exchange rate 1"
            return
        if len(self._lines) == 1:
            [code] = self._lines
            if code in self._off_one:
                # All USD at 83.25: the rates convert to a base currency the file never names,
                # and storing the dollars as they are would sum them with the app's rupees.
                raise FileRejected(
                    f"the amounts are all in {code} at exchange rates other than 1 "
                    f"({self._off_one[code]}): they convert to a base currency the file does "
                    f"not name; give it with --currency CODE (the currency the rates convert to)"
                )
            self.base = code
            self._how = "the one currency of the file"
            return
        seen = ", ".join(
            f"{code} ({counted(lines, 'line', 'lines')})" for code, lines in self._lines.items()
        )
        raise FileRejected(
            f"the amounts are in several currencies, {seen}, and no exchange rate of 1 shows "
            f"which is the base currency the others convert to: give it with --currency CODE"
        )

    def rate_of(
        self, line: int, row: Row, formats: FileFormats, reasons: list[str]
    ) -> Decimal | None:
        """The rate that converts the line's amounts to the base currency; None when they are
        in it already, or when the line has no usable rate (then with a reason)."""
        code = row.get("currency")
        if code is None or self.base is None or code.upper() == self.base:
            return None
        code = code.upper()
        text = row.get("exchange_rate")
        problems: list[str] = []
        rate = None if text is None else formats.amount(row, "exchange_rate", problems)
        if rate is None or problems or rate.side is not None or rate.value <= 0:
            written = "no exchange rate" if text is None else f"exchange rate {text!r}"
            reasons.append(
                f"amount in {code} with {written}: converting it to {self.base} needs a rate "
                f"above 0 (amount x rate), and it is never stored unconverted"
            )
            return None
        invoice = None if self._entries else row.get("invoice")
        key = (row.get("customer") or "", invoice or "", 0 if invoice else line)
        self._converted.setdefault(code, set()).add(key)
        return rate.value

    @staticmethod
    def converted(amount: Amount | None, rate: Decimal | None) -> Amount | None:
        """`amount` times `rate`, rounded half to even to the cent (as it is when None)."""
        if amount is None or rate is None:
            return amount
        value = _EXACT.multiply(amount.value, rate).quantize(_CENT, context=_EXACT)
        return Amount(value, amount.side)

    def notes(self) -> list[str]:
        """Which base currency the load used and why, and what it converted."""
        if self._in_base is not None:
            taken, foreign = self._in_base
            base = f" ({self.base}: {self._how})" if self.base else ""
            beside = (
                ""
                if foreign is None
                else (f", {foreign!r} gives each line's amount in its own currency")
            )
            return [
                f"Amounts read from {taken}, in the base currency{base}: nothing converted" + beside
            ]
        if not self._converted:
            if self.base is None or not (self._has_column or self._setting.code):
                return []
            return [f"Amounts in {self.base}, the base currency: {self._how}"]
        one, many = ("entry", "entries") if self._entries else ("invoice", "invoices")
        converted = ", ".join(
            f"{counted(len(keys), one, many)} in {code}"
            for code, keys in sorted(self._converted.items())
        )
        several = sum(len(keys) for keys in self._converted.values()) > 1
        rates = "their exchange rates" if several else "its exchange rate"
        return [
            f"{converted} converted to {self.base} at {rates} (amount x rate; base currency "
            f"{self.base}: {self._how})"
        ]

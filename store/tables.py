"""The tables. External ids are strings kept exactly as given; values are exact decimals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel


class Level(StrEnum):
    """What a metric value describes: the `level` of metric_value, as stored."""

    ACCOUNT = "account"
    COMPANY = "company"
    CONTRACT = "contract"
    INDUSTRY = "industry"


AGGREGATIONS = ("sum", "mean", "median", "min", "max")


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC on PostgreSQL; text on SQLite, whose NUMERIC affinity would round to a float."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return str(value)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        # On SQLite the column is text and the impl has no processor of its own: the plain
        # conversion, without TypeDecorator's wrapper around process_result_value (a third of
        # the time of reading 12,000 values).
        if dialect.name == "sqlite":
            return _text_to_decimal
        return super().result_processor(dialect, coltype)

    def column_result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Sequence[Any]], list[Any]] | None:
        """A whole column converted as `result_processor` converts each value, in fewer Python
        calls (store/running/column_conversion.py): None where only the per-value one fits."""
        if dialect.name == "sqlite":
            return _texts_to_decimals
        if isinstance(coltype, NumericFromText):
            # Decoded from PostgreSQL's text, which never writes an exponent: as they are.
            return list
        if dialect.driver == "asyncpg" and coltype == _NUMERIC_OID:
            # asyncpg gives a Decimal (or None) for every NUMERIC value, and the impl converts
            # none of them: only the values written with a positive exponent change.
            return lambda values: _exact_decimals(
                values, lambda v: self.process_result_value(v, dialect)
            )
        return None

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            sign, digits, exponent = value.as_tuple()
            if isinstance(exponent, int) and exponent > 0:
                # asyncpg folds the trailing zeros of large whole numbers into the exponent
                # (1.5E+4); NUMERIC's scale is never negative, so they are written out again.
                return Decimal((sign, digits + (0,) * exponent, 0))
            return value
        return Decimal(value)


def _text_to_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


# PostgreSQL's type oid of NUMERIC.
_NUMERIC_OID = 1700


class NumericFromText(int):
    """NUMERIC's type oid (equal to it wherever SQLAlchemy looks it up), for a column whose
    values the driver decodes from PostgreSQL's text form into Decimals (the read pool's
    connections: store/running/driver_pool.py). That text never has an exponent, so no value
    needs `_exact_decimals`' pass over the column's printed values."""


NUMERIC_FROM_TEXT = NumericFromText(_NUMERIC_OID)


def _texts_to_decimals(values: Sequence[Any]) -> list[Any]:
    """`_text_to_decimal` over a column: Decimal's own constructor when there is no NULL."""
    if None in values:
        return list(map(_text_to_decimal, values))
    return list(map(Decimal, values))


def _exact_decimals(values: Sequence[Any], process: Callable[[Any], Decimal | None]) -> list[Any]:
    """`process` (ExactDecimal.process_result_value) over a column of asyncpg's Decimals.

    It changes only a Decimal with a positive exponent, and a finite Decimal prints with "E+"
    exactly when its exponent is positive ("e+" under a context without capitals): one pass over
    the column's texts, in C, finds whether there is any. NaN, infinities and None print
    without it."""
    printed = " ".join(map(str, values))
    if "E+" not in printed and "e+" not in printed:
        return list(values)
    # Only the values that print with it go through `process`: whole amounts such as counts
    # (2637400 arrives as 2.6374E+6) are common, and one of them sent every value through it.
    return [
        value if "E+" not in text and "e+" not in text else process(value)
        for value, text in zip(values, map(str, values), strict=True)
    ]


class App(SQLModel, table=True):
    __tablename__ = "app"

    app_id: str = Field(primary_key=True)


class Industry(SQLModel, table=True):
    __tablename__ = "industry"

    industry_id: str = Field(primary_key=True)
    name: str


class Account(SQLModel, table=True):
    __tablename__ = "account"

    account_id: str = Field(primary_key=True)
    app_id: str = Field(foreign_key="app.app_id", index=True)
    name: str
    industry_id: str | None = Field(default=None, foreign_key="industry.industry_id", index=True)
    is_key_account: bool = False
    n_employees: int | None = None


class Company(SQLModel, table=True):
    __tablename__ = "company"

    company_id: str = Field(primary_key=True)
    account_id: str = Field(foreign_key="account.account_id", index=True)
    name: str
    industry_id: str | None = Field(default=None, foreign_key="industry.industry_id")
    n_employees: int | None = None


class Contract(SQLModel, table=True):
    __tablename__ = "contract"

    contract_id: str = Field(primary_key=True)
    company_id: str = Field(foreign_key="company.company_id", index=True)
    name: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class MetricDefinition(SQLModel, table=True):
    __tablename__ = "metric_definition"

    name: str = Field(primary_key=True)
    unit: str
    description: str = ""
    higher_is_better: bool = True
    aggregation: str = "mean"
    # The range values are clamped to in differentially private releases: what one account
    # can change a figure by. A metric without bounds gets no private figure.
    lower_bound: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal(), nullable=True)
    )
    upper_bound: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal(), nullable=True)
    )


class MetricValue(SQLModel, table=True):
    """One value of one metric for one entity and one month (effective_date is a 1st)."""

    __tablename__ = "metric_value"
    # The batched read filters on (level, entity_id IN ...) then metric and month, so the
    # primary key's column order serves it directly. Publish reads a month's account values,
    # and the list sizes count the months by skipping from one month to the next: both walk
    # the month index. A read of some months of many entities probes each entity's months
    # through the entity-month index (the primary key would walk all of their months).
    # On PostgreSQL the table is partitioned by month (one partition per month, named by
    # `metric_partition_name`, and a default one for rows written outside a metric load): a
    # load of new months fills tables of their own, indexes them once and attaches them, which
    # checks the foreign key and the month in one query each instead of once per row; reads of
    # one month touch one partition. SQLite has one table.
    __table_args__ = (
        Index("ix_metric_value_month_level", "effective_date", "level"),
        Index("ix_metric_value_entity_month", "level", "entity_id", "effective_date"),
        {"postgresql_partition_by": "RANGE (effective_date)"},
    )

    level: str = Field(primary_key=True)
    entity_id: str = Field(primary_key=True)
    metric_name: str = Field(primary_key=True, foreign_key="metric_definition.name")
    effective_date: dt.date = Field(primary_key=True)
    value: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))


METADATA = SQLModel.metadata

# The partitions of metric_value on PostgreSQL: one per month, and the default one.
METRIC_PARTITION_PREFIX = "metric_value_"
METRIC_DEFAULT_PARTITION = "metric_value_default"


def metric_partition_name(month: dt.date) -> str:
    """The partition of metric_value that holds the month's values on PostgreSQL."""
    return f"{METRIC_PARTITION_PREFIX}y{month.year:04d}m{month.month:02d}"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The month's partition bounds: its first day, and the next month's (excluded)."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


def is_metric_partition(name: str) -> bool:
    """Whether a table is one of metric_value's partitions (made by migrations and loads,
    not declared in METADATA)."""
    return name.startswith(METRIC_PARTITION_PREFIX)


class PublishedMonth(SQLModel, table=True):
    """A month whose benchmarks are frozen: the API serves these months only."""

    __tablename__ = "published_month"

    month: dt.date = Field(primary_key=True)
    published_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revision: int = 1
    min_cohort: int


class Cohort(SQLModel, table=True):
    """The frozen snapshot of one predeclared cohort: sector x metric x month.

    Members and their values are kept (sorted by value) so that comparisons rank a customer in
    exactly the cohort that was published, and a revision can tell how membership changed."""

    __tablename__ = "cohort"

    industry_id: str = Field(primary_key=True, foreign_key="industry.industry_id")
    metric_name: str = Field(primary_key=True, foreign_key="metric_definition.name")
    month: dt.date = Field(primary_key=True, foreign_key="published_month.month")
    cohort_size: int
    # Derived values exist only for cohorts that met the minimum when published.
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    p90: float | None = None
    rollup: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    member_ids: str = Field(sa_column=Column(Text(), nullable=False))
    member_values: str = Field(sa_column=Column(Text(), nullable=False))
    # The differentially private release, drawn once at publish time and frozen (so asking
    # again cannot average its noise away); null where the metric declares no bounds.
    private_p25: float | None = None
    private_p50: float | None = None
    private_p75: float | None = None
    private_p90: float | None = None
    private_rollup: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal(), nullable=True)
    )
    # The privacy loss of each of this cohort's releases (percentiles, roll-up).
    release_epsilon: float | None = None
    # The bounds and the roll-up the release was drawn with, frozen with it: its accuracy and
    # the ranks read off it follow them, whatever the metric's definition says later. Null
    # without a release, and for a release published before they were stored whose bounds
    # could not be told (store/migrations/versions/0011_release_bounds.py).
    release_lower_bound: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal(), nullable=True)
    )
    release_upper_bound: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal(), nullable=True)
    )
    release_aggregation: str | None = None
    # Members per app ({"app": count}), frozen: a key's own accounts are taken out of the
    # cohort before the cohort rule is applied to what it may see.
    member_apps: str = Field(default="{}", sa_column=Column(Text(), nullable=False))


class CohortRevision(SQLModel, table=True):
    """Who was in a cohort in every revision of a published month: a revision is checked
    against all of them, not only the last."""

    __tablename__ = "cohort_revision"

    industry_id: str = Field(primary_key=True)
    metric_name: str = Field(primary_key=True)
    month: dt.date = Field(primary_key=True)
    revision: int = Field(primary_key=True)
    member_ids: str = Field(sa_column=Column(Text(), nullable=False))
    # What the revision spent on its members, for the privacy accountant
    # (analytics/privacy_loss.py): the cohort's private releases (0: none; null for revisions
    # published before they were recorded, migration 0013), the epsilon of each, and the
    # revision that drew them (this one, or the earlier one whose draw it kept).
    release_count: int | None = None
    release_epsilon: float | None = None
    drawn_in: int | None = None


class MonthPastEpsilon(SQLModel, table=True):
    """The budget an operator declared for a month's revisions published before the privacy
    accountant recorded what they drew (migration 0013 left them null): the accountant counts
    each at this epsilon, and until it is declared the month takes no new draw (no privacy
    loss is ever guessed downward; store/jobs/past_epsilon.py)."""

    __tablename__ = "month_past_epsilon"

    month: dt.date = Field(primary_key=True)
    epsilon: float
    declared_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class DemoLoad(SQLModel, table=True):
    """What the last complete `profiling demo` wrote: the fingerprint of what it was planned
    from (demo/stamp.py), its summary and the rows each of its tables held after it. A rerun
    with the same fingerprint over tables holding the same numbers of rows says so without
    generating the demo and reading it all back; one row at most."""

    __tablename__ = "demo_load"

    fingerprint: str = Field(primary_key=True)
    summary: str  # JSON: the DemoSummary the run printed
    row_counts: str  # JSON: table name -> rows after the run
    written_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ApiKey(SQLModel, table=True):
    """An API key: only the SHA-256 of its secret is stored, so a database leak leaks no key."""

    __tablename__ = "api_key"

    key_id: str = Field(primary_key=True)
    name: str = ""
    role: str
    app_id: str | None = Field(default=None, foreign_key="app.app_id")
    account_id: str | None = Field(default=None, foreign_key="account.account_id")
    secret_sha256: str
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model (SQLModel does not declare `__table__` for type checkers)."""
    table = model.__table__  # type: ignore[attr-defined]
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


APP_TABLE = table_of(App)
INDUSTRY_TABLE = table_of(Industry)
ACCOUNT_TABLE = table_of(Account)
COMPANY_TABLE = table_of(Company)
CONTRACT_TABLE = table_of(Contract)
DEFINITION_TABLE = table_of(MetricDefinition)
METRIC_TABLE = table_of(MetricValue)
PUBLISHED_MONTH_TABLE = table_of(PublishedMonth)
COHORT_TABLE = table_of(Cohort)
COHORT_REVISION_TABLE = table_of(CohortRevision)
MONTH_PAST_EPSILON_TABLE = table_of(MonthPastEpsilon)
API_KEY_TABLE = table_of(ApiKey)
DEMO_LOAD_TABLE = table_of(DemoLoad)


class SaleLine(SQLModel, table=True):
    """One line of a sales export.

    A line is known by its customer, date, invoice number ("" when the file has none), its
    voucher type ("" when unknown), its book, and its place among the lines of the same
    customer, date, invoice number and type in its file, so that loading a file again, or an
    export that overlaps it, adds nothing twice; a corrected amount replaces the old one.
    """

    __tablename__ = "sale_line"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    sale_date: dt.date = Field(primary_key=True)
    invoice: str = Field(primary_key=True)
    line: int = Field(primary_key=True)
    amount: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    quantity: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    cost: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    profit: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    # Whether the amount includes the taxes on the sale (a condensed Day Book's gross): an
    # amount before tax of the same invoice replaces it, never the other way round.
    includes_tax: bool = Field(
        default=False,
        sa_column=Column(Boolean(), nullable=False, default=False, server_default=false()),
    )
    # The voucher type the line came with (`sales`, `export sales`, `sales receipt`), ""
    # when its file had no type column: part of the key, since Tally numbers each type apart
    # (`Sales 7` and `Export Sales 7` of one customer and day are two vouchers;
    # store.ingest.kinds.voucher_keys).
    voucher_type: str = Field(
        default="",
        primary_key=True,
        sa_column_kwargs={"server_default": ""},
    )
    # Whether the date was written so that it reads both ways (`04/01/2024`), None for a line
    # stored before this was kept: only such a date may have been misread
    # (store.ingest.kinds.invoice_dates).
    date_ambiguous: bool | None = None
    # The book the line is of: the company its export names above the columns (a head
    # office and its branch, two Tally companies, number their vouchers apart: `Sales 7` of
    # one day may be in both), "" when its file named none (or it was stored before books
    # were kept). A sales load edits, moves and trims only its own book's lines
    # (store.ingest.kinds.ledger_books).
    book: str = Field(
        default="",
        primary_key=True,
        sa_column_kwargs={"server_default": ""},
    )


class LedgerEntry(SQLModel, table=True):
    """One invoice or payment of a customer's ledger; known like a sale line is, by customer,
    date, kind, reference ("" when none) and its place among the entries sharing those."""

    __tablename__ = "ledger_entry"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    entry_date: dt.date = Field(primary_key=True)
    # invoice or payment
    kind: str = Field(primary_key=True)
    reference: str = Field(primary_key=True)
    line: int = Field(primary_key=True)
    amount: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    due_date: dt.date | None = None
    # The voucher type the entry came with, part of its key as a sale line's ("" when its
    # file had none; revision 0029): `Sales 7` and `Export Sales 7` of one customer and day
    # are two vouchers, and two entries (store.ingest.kinds.voucher_keys).
    voucher_type: str = Field(
        default="",
        primary_key=True,
        sa_column_kwargs={"server_default": ""},
    )
    # Whether its date reads both ways, as a sale line's.
    date_ambiguous: bool | None = None
    # The book the entry is of: the company its export names above the columns (two Tally
    # companies of one firm keep one customer's ledger twice), "" when its file named none
    # (or it was stored before books were kept). A load edits, moves and trims only its own
    # book's entries (store.ingest.kinds.ledger_books).
    book: str = Field(
        default="",
        primary_key=True,
        sa_column_kwargs={"server_default": ""},
    )
    # The voucher's own number where `reference` is the bill it names (a receipt under the
    # invoice it settles): another export of the voucher, without its bill, is this entry.
    voucher_number: str | None = None
    # Whether `reference` is a bill the voucher names (a bill column, Tally's bill-wise
    # details, a payments export's invoice numbers: a payment's the invoice it settles), not
    # its own number (a Day Book's `Receipt 2`, which names no bill and settles the oldest
    # invoices, not `Sales 2`); None for an entry stored before revision 0031 whose file has
    # not been loaded since (read as a bill, as before). Once true, no export naming no bill
    # makes it false (`CompareBy.settled`).
    reference_is_bill: bool | None = None


class QuarterSegment(SQLModel, table=True):
    """An account's orders, revenue and RFM segments in one calendar quarter ('YYYY-Qn'):
    derived from sale_line by the segment job, which rewrites an app's rows at once."""

    __tablename__ = "quarter_segment"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    quarter: str = Field(primary_key=True, index=True)
    orders: int
    revenue: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    profit: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal(), nullable=True))
    recency_days: int
    # Whether monetary value was profit (every account of the quarter had it) or revenue.
    monetary_is_profit: bool
    frequency_cluster: int
    frequency_segment: str
    monetary_cluster: int
    monetary_segment: str


class SalesProfile(SQLModel, table=True):
    """An account's purchase history in brief, derived by the segment job."""

    __tablename__ = "sales_profile"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    first_purchase: dt.date
    last_purchase: dt.date
    # Days from the last purchase to the latest sale of the account's app.
    days_since_purchase: int
    is_recent: bool


class CreditRisk(SQLModel, table=True):
    """An account's credit risk from its ledger entries, derived by the segment job."""

    __tablename__ = "credit_risk"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    # The latest ledger date of the account's app, on which everything is measured.
    as_of: dt.date
    score: int
    segment: str
    invoiced: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    outstanding: Decimal = Field(sa_column=Column(ExactDecimal(), nullable=False))
    days_sales_outstanding: float | None = None
    overdue_share: float | None = None
    average_days_late: float | None = None


class SegmentSetting(SQLModel, table=True):
    """Options given to `profiling segment` for an app, kept so that every later
    recomputation of the app (a load of its sales or ledger data, `profiling segment` without
    them, the demo) uses them; NULL where the environment's setting applies."""

    __tablename__ = "segment_setting"

    app_id: str = Field(primary_key=True, foreign_key="app.app_id")
    max_clusters: int | None = None
    recent_quarters: int | None = None
    payment_terms_days: int | None = None
    low_risk_from: int | None = None
    high_risk_below: int | None = None


class IngestSetting(SQLModel, table=True):
    """How an app's exports write what their cells cannot say themselves, given once to
    `profiling ingest` (`--dates month-first`) and kept, so that every later load of the app
    reads its files alike (`--currency INR` likewise); NULL where the file's own content
    decides."""

    __tablename__ = "ingest_setting"

    app_id: str = Field(primary_key=True, foreign_key="app.app_id")
    # `day first` or `month first` (analytics.export_dates.DateOrder).
    date_order: str | None = None
    # The ISO code of the base currency `--currency` gave: amounts in other currencies
    # convert to it (store/ingest/currency_setting.py).
    currency: str | None = None


class PartyAccount(SQLModel, table=True):
    """An account that a sales or ledger load created for a party that matched no account of
    its app (store/ingest/kinds/parties.py). Such an account yields to a real one: a party
    links to a real account of the same name before it, and when a later load links its
    party to another account (by name or by a mapping), its lines move there and it goes.
    An accounts file that loads the id makes it a real account (the row is removed)."""

    __tablename__ = "party_account"
    # One account per party of an app: two apps' parties of one name are two accounts.
    __table_args__ = (UniqueConstraint("app_id", "party", name="uq_party_account_app_party"),)

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    app_id: str = Field(
        sa_column=Column(
            String(),
            ForeignKey("app.app_id", name="fk_party_account_app_id_app"),
            nullable=False,
        )
    )
    # The party's value in the exports (its customer column) the account was created for:
    # its id too, unless another account had that id (then `app:party`).
    party: str


class LedgerPeriod(SQLModel, table=True):
    """The last day of the period a ledger export's title states (`1-Apr-25 to 30-Sep-25`),
    for each account with an entry in it: a fact about the export, not another account's
    entry date, so an account key's credit risk is measured on the latest of them
    (resolvers/account_view.py). One row per account and period end: loads in any order, or
    twice, give the same rows."""

    __tablename__ = "ledger_period"

    account_id: str = Field(primary_key=True, foreign_key="account.account_id")
    period_end: dt.date = Field(primary_key=True)


class SalesPeriod(SQLModel, table=True):
    """The last day of the period a sales export's title states (`1-Apr-24 to 30-Jun-24`), for
    the app it was loaded into: the app's sales are known up to it, even when its last sale is
    earlier, so a quarter that ends by it is over in the data, not "so far"
    (resolvers/sales_known_to.py). One row per app and period end: loads in any order, or
    twice, give the same rows."""

    __tablename__ = "sales_period"

    app_id: str = Field(primary_key=True, foreign_key="app.app_id")
    period_end: dt.date = Field(primary_key=True)


SALE_LINE_TABLE = table_of(SaleLine)
LEDGER_TABLE = table_of(LedgerEntry)
LEDGER_PERIOD_TABLE = table_of(LedgerPeriod)
SALES_PERIOD_TABLE = table_of(SalesPeriod)
QUARTER_SEGMENT_TABLE = table_of(QuarterSegment)
SALES_PROFILE_TABLE = table_of(SalesProfile)
CREDIT_RISK_TABLE = table_of(CreditRisk)
SEGMENT_SETTING_TABLE = table_of(SegmentSetting)
INGEST_SETTING_TABLE = table_of(IngestSetting)
PARTY_ACCOUNT_TABLE = table_of(PartyAccount)

"""A column of the driver's values turned into Core's values in one call, not one call a value.

Core converts each value of a result through its type's processor: a Python call per value. A
plain-driver read (driver_select.py) has its values a column at a time, so a column can be
converted as a whole, by the same processor or by something that gives exactly what it gives:

- a type may offer `column_result_processor(dialect, driver_type)`, a converter of a whole
  column (ExactDecimal does: on SQLite a column of texts becomes `Decimal`s through the C
  constructor; on asyncpg a column of NUMERIC values is checked for the rare value to rewrite
  in one pass over the column's texts, instead of a Python call and a DecimalTuple a value);
- dates and times repeat (a month's rows share a date): each distinct driver value is converted
  once by the processor, and the column is looked up (12,000 SQLite dates: 1.5 -> 0.7 ms);
- any other processor is mapped over the column.

tests/store/running/test_column_conversion.py compares every converter with its processor."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Date, DateTime, Dialect, Time
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]
Converter = Callable[[Sequence[Any]], list[Any]]

# Below this many values a column is mapped through the processor: the table of distinct
# values costs more than it saves.
LOOKUP_FROM = 32


def column_converter(
    column_type: TypeEngine[Any], dialect: Dialect, driver_type: Any
) -> Converter | None:
    """What turns a column of the driver's values (typed `driver_type` by the driver, None when
    it names no type) into the values Core gives; None where Core converts nothing."""
    implementation = column_type.dialect_impl(dialect)
    process = implementation.result_processor(dialect, driver_type)
    if process is None:
        return None
    whole = getattr(implementation, "column_result_processor", None)
    if whole is not None:
        converter: Converter | None = whole(dialect, driver_type)
        if converter is not None:
            return converter
    if isinstance(column_type, Date | DateTime | Time):
        return _by_distinct_values(process)
    return _each(process)


# The processor each converter applies to every value, for the converters that apply one
# (`_each`, `_by_distinct_values`): `value_converter` gives it.
_PROCESSORS: weakref.WeakKeyDictionary[Converter, Processor] = weakref.WeakKeyDictionary()


def value_converter(converter: Converter) -> Processor:
    """One value converted as `converter` converts it in a column, for a read of one row: its
    processor itself where it maps one (often a C function: no list made, no Python call of
    the converter's), else the converter over a column of that value alone."""
    process = _PROCESSORS.get(converter)
    if process is not None:
        return process
    return lambda value: converter([value])[0]


def _each(process: Processor) -> Converter:
    def convert(values: Sequence[Any]) -> list[Any]:
        return list(map(process, values))

    _PROCESSORS[convert] = process
    return convert


def _by_distinct_values(process: Processor) -> Converter:
    def convert(values: Sequence[Any]) -> list[Any]:
        if len(values) < LOOKUP_FROM:
            return list(map(process, values))
        # Every value the driver gives for these types is hashable (text, numbers, None).
        converted = {value: process(value) for value in set(values)}
        return list(map(converted.__getitem__, values))

    _PROCESSORS[convert] = process
    return convert

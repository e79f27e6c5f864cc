"""A block of a JSON Lines file's lines read as columns: the `ColumnBlock` a block of CSV lines
gives (store/ingest/blocks.py), so that a kind checks both a column at a time, one path.

Only plain lines become a block: every line one flat JSON object (none blank, none invalid),
all with the same keys, the values of the kind's fields strings, numbers, true, false or null,
none holding a control character or an id too long, and no line nested deeper than a row may
be. Those are the lines on which `TableReader` would build each row as `{field: text.strip()
or None}` with no problem to report; on any other block it reads the lines one by one as
before, so the rows, their problems and their lines are the same whichever way a block goes.

The lines are parsed by orjson, one call per line (2.4 times the speed of the standard
library's decoder with its `parse_float=str`). orjson reads a number as a float, which loses
the digits as written (`1.10`, `0.1000000000000000055`); the text of a field's numbers is then
found by one regular expression over the block, the key written out and a number after it.
In a block without a backslash every quote opens or closes a string, so `"value":` is that key
and nothing else; with one number per line whose value is a number, the texts found are those
numbers, in line order (a line that gave its key twice gives one more, and the block goes line
by line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson

from analytics.export_text import CONTROL_CHARACTERS
from store.ingest.blocks import ColumnBlock

# A JSON number (its grammar exactly) ending a value: what follows a key of a line.
_NUMBER = r"(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?=[ \t]*[,}])"
_HAS_CONTROL = CONTROL_CHARACTERS.search
# The types of the values a field may hold besides numbers (`_text` says how each reads).
_PLAIN_TYPES = frozenset({str, bool, type(None)})
_NUMBER_TYPES = frozenset({int, float})


@lru_cache(maxsize=64)
def _number_after(key: str) -> re.Pattern[str]:
    """The number written as the value of `key` (spaces and tabs only: a line has no break)."""
    written = re.escape(orjson.dumps(key).decode())
    return re.compile(f"{written}[ \\t]*:[ \\t]*{_NUMBER}")


def _text(value: str | bool | None) -> str:
    """A string, true, false or null as `TableReader` reads them (null as an empty cell)."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def _numbers_as_written(key: str, cells: list[Any], text: str) -> list[Any] | None:
    """The cells of `key` with each number replaced by its text as written in the block's
    `text` (without a backslash); None if they cannot be told apart."""
    written = _number_after(key).findall(text)
    if type(cells[0]) in _NUMBER_TYPES and set(map(type, cells)) <= _NUMBER_TYPES:
        return written if len(written) == len(cells) else None
    numbers = [index for index, cell in enumerate(cells) if type(cell) in _NUMBER_TYPES]
    if len(written) != len(numbers):
        return None
    for index, number in zip(numbers, written, strict=True):
        cells[index] = number
    return cells


def json_column_block(
    first_line: int,
    lines: Sequence[str],
    *,
    field_for: Callable[[str], str | None],
    id_fields: Sequence[str],
    max_id_length: int,
    too_deep: Callable[[str], bool],
) -> ColumnBlock | None:
    """The block of `lines` (lines `first_line` on) as columns if every line is plain, else
    None. `field_for` is the column matcher's (it records the keys met, as the row path
    does); `too_deep(line)` says whether the row path would refuse a line as nested too deep;
    a value of an id field longer than `max_id_length` is a row's problem."""
    text = "".join(lines)
    count = len(lines)
    # A line of one flat object holds one brace: with no more in the block than lines, and no
    # bracket, no line nests at all.
    if ("[" in text or text.count("{") != count) and any(map(too_deep, lines)):
        return None
    try:
        objects = list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:
        return None  # a blank line, JSON orjson refuses (a lone surrogate, NaN) or invalid
    first = objects[0] if objects else None
    if type(first) is not dict:
        return None
    keys = list(first)
    if set(map(type, objects)) != {dict} or set(map(len, objects)) != {len(keys)}:
        return None
    unescaped = "\\" not in text
    columns: dict[str, Sequence[str]] = {}
    for key in keys:
        try:
            cells: list[Any] = list(map(itemgetter(key), objects))
        except KeyError:  # the same number of keys, not the same keys
            return None
        name = field_for(key)
        if name is None:
            # A key the kind does not read: its value is not looked at, as row by row.
            continue
        kinds = set(map(type, cells))
        if kinds != {str}:
            if kinds & _NUMBER_TYPES:
                if not unescaped:
                    return None
                found = _numbers_as_written(key, cells, text)
                if found is None:
                    return None
                cells = found
                kinds -= _NUMBER_TYPES
            if not kinds <= _PLAIN_TYPES:
                return None  # an object or a list
            if kinds - {str}:
                cells = list(map(_text, cells))
        joined = "".join(cells)
        if not (joined.isascii() and " " not in joined and (unescaped or joined.isprintable())):
            # ASCII without a space has nothing to strip; without an escape, no control
            # character either (JSON strings hold none as they are written).
            if _HAS_CONTROL(joined) is not None:
                return None
            cells = list(map(str.strip, cells))
        if name in id_fields and cells and max(map(len, cells)) > max_id_length:
            return None
        columns[name] = cells
    if not columns:
        return None  # a block's rows are its columns': objects of no field go line by line
    return ColumnBlock(first_line, count, columns)

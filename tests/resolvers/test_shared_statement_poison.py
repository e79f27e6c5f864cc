"""One request's keys never fail another request's share of a statement: an account id that
PostgreSQL refuses to read (a NUL character, which no stored id holds) failed the statement of
every request of the same scope in that loop turn, so any key of a scope (every public key is
one) could fail the others' requests by sending such ids beside them."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from store.scope import INTERNAL
from tests.resolvers.test_shared_statements import NORTH, seed, sharing_reader, small, value_of


async def test_a_key_the_database_refuses_fails_no_other_request(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    for _ in range(2):  # the first run prepares the operation (it reads definitions too)
        await small(reader, INTERNAL, "n-1")
    alone = await small(reader, NORTH, "n-\x00")
    results = await asyncio.gather(
        small(reader, NORTH, "n-1"), small(reader, NORTH, "n-\x00"), small(reader, NORTH, "n-2")
    )
    assert reader.shares is not None
    assert reader.shares.joined >= 2
    assert value_of(results[0]) == "1"
    assert value_of(results[2]) == "2"
    # The refused id's own request answers as it does alone.
    assert results[1].data == alone.data == {"account": None}
    assert results[1].errors is not None
    assert alone.errors is not None
    codes = [[error.extensions["code"] for error in r.errors] for r in (results[1], alone)]
    assert codes[0] == codes[1]


async def test_an_id_with_a_nul_is_bad_input_or_not_found_never_an_internal_error(
    engine: AsyncEngine,
) -> None:
    """SQLite finds no such account; PostgreSQL refuses the character before reading: either
    way the request's own input, never 'Unexpected error' and a traceback in the log."""
    await seed(engine)
    reader = sharing_reader(engine)
    result = await small(reader, NORTH, "n-\x00")
    assert result.data == {"account": None}
    assert result.errors is not None
    [error] = result.errors
    if engine.dialect.name == "postgresql":
        assert error.extensions["code"] == "BAD_USER_INPUT"
        assert "NUL" in error.message
    else:
        assert error.extensions["code"] == "NOT_FOUND"

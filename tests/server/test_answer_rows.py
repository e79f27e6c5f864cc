"""The rows of an answer, counted as the cost estimate counts them: its objects."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from server.answer_rows import answer_rows, answer_shape


def _rows(query: str, data: Any, operation_name: str | None = None) -> int:
    return answer_rows(data, answer_shape(parse(query), operation_name))


def test_objects_are_counted_wherever_they_are_and_scalars_never() -> None:
    query = """{ account(accountId: "a") { name tags metrics { value }
                 companies { contracts { name } } } }"""
    data = {
        "account": {
            "name": "A",
            "tags": ["x", "y", "z"],  # a list of scalars is a field of its object
            "metrics": [{"value": "1"}, {"value": "2"}],
            "companies": [{"contracts": [{"name": "c1"}, {"name": "c2"}]}, {"contracts": []}],
        }
    }
    # the account, 2 metric rows, 2 companies, 2 contracts
    assert _rows(query, data) == 7


def test_aliases_fragments_nulls_and_nested_lists() -> None:
    query = """query Q { first: account(accountId: "a") { ...parts }
                 second: account(accountId: "b") { ...parts }
                 grid { cells { ... on Cell { value } } } }
               fragment parts on Account {
                 companies { name } ... on Account { contracts { name } } }
               query Other { industries { name } }"""
    data = {
        "first": {"companies": [{"name": "c"}, None], "contracts": None},
        "second": None,
        "grid": [[{"cells": [[{"value": 1}], [{"value": 2}, None]]}], None, [None]],
    }
    # first, its one company; one grid object, its two cells
    assert _rows(query, data, "Q") == 5
    assert _rows(query, {"industries": [{"name": "a"}]}, "Other") == 1


@pytest.mark.parametrize("data", [None, {}, {"account": None}, []])
def test_no_data_is_no_rows(data: Any) -> None:
    assert _rows('{ account(accountId: "a") { name } }', data) == 0


def test_an_ambiguous_or_unknown_operation_has_no_shape() -> None:
    document = parse("query A { a { b } } query B { c { d } }")
    assert answer_shape(document, None) == {}
    assert answer_shape(document, "C") == {}
    assert answer_shape(document, "B") == {"c": {}}


def test_a_large_answer_counts_every_row() -> None:
    query = "{ industries { accounts { edges { node { metrics { value unit } } } } } }"
    row = {"value": "1", "unit": "EUR"}
    node = {"node": {"metrics": [row] * 24}}
    data = {"industries": [{"accounts": {"edges": [node] * 100}}] * 50}
    # 50 industries, 50 connections, 5,000 edges, 5,000 nodes, 120,000 metric rows
    assert _rows(query, data) == 50 + 50 + 5_000 + 5_000 + 120_000

"""Schemathesis hooks of tests/e2e/test_api_fuzz.py (loaded through SCHEMATHESIS_HOOKS): besides the
values the OpenAPI document describes, bodies and query strings carry what a hostile client sends —
huge integers, lone surrogates and over-long strings — in place of one of their fields."""

from __future__ import annotations

import sys
from typing import Any

import schemathesis
from hypothesis import strategies as st

sys.set_int_max_str_digits(0)  # so that a 5,000-digit integer can be written into a JSON body at all

HUGE = (10**5000, -(10**5000), 2**53 + 1, 2**63, 10**400)
SURROGATES = ("\ud800", "a\udfffb", "\udc00" * 3)
LONG = ("x" * 100_000, "9" * 5_000, "a" * 70_000 + ".example.com")
_IN_BODIES = (*HUGE, *SURROGATES, *LONG, 1e308, [[[]]] * 1_000)
_IN_QUERIES = (*LONG, str(10**5000))  # a URL cannot carry a lone surrogate: it is not UTF-8


def _one_replaced(values: dict[str, Any], poison: tuple[Any, ...], extra: str) -> st.SearchStrategy[dict[str, Any]]:
    """``values`` as generated, or with one field (or ``extra``, a field of the document) replaced."""
    fields = sorted(values) or [extra]
    replaced = st.builds(lambda name, bad: {**values, name: bad}, st.sampled_from(fields), st.sampled_from(poison))
    return st.one_of(st.just(values), replaced)


def _takes_json(context: schemathesis.HookContext) -> bool:
    """Whether the operation's body is JSON (an upload form cannot carry a lone surrogate or a number)."""
    bodies = list(getattr(context.operation, "body", None) or [])
    return all("json" in str(getattr(b, "media_type", "")) for b in bodies)


@schemathesis.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    """A JSON object body with one field poisoned, half the time."""
    if not isinstance(body, dict) or not _takes_json(context):
        return st.just(body)
    return _one_replaced(body, _IN_BODIES, "title")


@schemathesis.hook
def flatmap_query(context: schemathesis.HookContext, query: Any) -> st.SearchStrategy[Any]:
    """A query string with one parameter over-long or a 5,000-digit number, half the time."""
    if not isinstance(query, dict) or not query:
        return st.just(query)
    return _one_replaced(query, _IN_QUERIES, "limit")

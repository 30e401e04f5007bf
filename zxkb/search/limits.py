"""How much a query may ask: a query is what a person types, so its length and
its number of terms are bounded, and what cannot be text is refused before it
reaches the index (a lone surrogate is what Python makes of bytes that are not
UTF-8 in an argument)."""

from __future__ import annotations

import re
from functools import lru_cache

from zxkb.errors import QueryError

MAX_QUERY_CHARS = 1_000
MAX_TERMS = 64  # terms and exclusions: FTS5's parser overflows its stack on ~95 nested NOTs
MAX_TERM_CHARS = 100  # a term for zxkb fuzzy, in characters or pinyin letters


@lru_cache(maxsize=1)
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


def _check_text(text: str, what: str) -> None:
    # a surrogate is not printable: the expression (~0.3 ms to compile) is for the texts that are not
    if not text.isprintable() and _surrogate().search(text):
        raise QueryError(
            f"the {what} is not valid text: it holds bytes that are not UTF-8",
            "type it in UTF-8 (check the encoding of your terminal or script)",
        )


def check_query(text: str) -> None:
    """A search query: valid text, at most MAX_QUERY_CHARS characters and MAX_TERMS terms."""
    _check_text(text, "query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
            "search for the words that matter (a few terms, or a phrase in quotes)",
        )
    terms = len(text.split())
    if terms > MAX_TERMS:
        raise QueryError(
            f"the query has {terms:,} terms; the limit is {MAX_TERMS}",
            "search for fewer terms; for many alternatives, run several searches",
        )


def check_term(text: str) -> None:
    """A term for zxkb fuzzy: valid text, at most MAX_TERM_CHARS characters."""
    _check_text(text, "term")
    if len(text) > MAX_TERM_CHARS:
        raise QueryError(
            f"the term is {len(text):,} characters long; the limit is {MAX_TERM_CHARS}",
            "give one term as you remember it (zxkb search finds longer text)",
        )

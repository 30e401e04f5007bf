"""What a search offers beyond exact matches: approximate hits (`search --fuzzy`)
and suggestions when nothing matched. Imports rapidfuzz (and zxkb.search.fuzzy):
the search engine loads this module only in those two cases.

An approximate hit is a paragraph in which every term of the query occurs
exactly or as a close variant, and at least one only as a variant. Candidates
come from the paragraph index, never from a scan of every paragraph: the
paragraphs that contain, for each term, the term itself, one of its close
vocabulary terms (zxkb.search.fuzzy) or one of its two-character pieces; at most
CANDIDATES of them, best bm25 first. In each candidate, rapidfuzz's partial
matching finds the closest part of the text (best_window); it counts
when its similarity is at least MIN_SIMILARITY. A term typed in pinyin
matches where one of its vocabulary terms occurs.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from zxkb import pinyin, textnorm
from zxkb.models import FuzzyMatch, Hit
from zxkb.search import fuzzy, snippet
from zxkb.search.query import Query
from zxkb.store import index

VARIANTS = 5  # vocabulary terms per query term used to find candidates
CANDIDATES = 500  # paragraphs examined per query
SUGGESTIONS = 5
MIN_SIMILARITY = 0.7  # of a paragraph's best window to the query key: one wrong character in four


@lru_cache(maxsize=64)
def _chars_of(key: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, sorted(set(key)))) + "]")


def best_window(key: str, text: str) -> tuple[float, int, int]:
    """The part of `text` (folded) closest to `key`: (Levenshtein similarity,
    start, end). Every window of the key's length, one more and one less, that
    holds a character of the key is compared (rapidfuzz, in C; a window without
    one has similarity 0), so that a missing or extra character finds the whole
    word (委员家 -> 委员之家). Ties go to the leftmost window of the key's length."""
    k, size = len(key), len(text)
    if not k or not text:
        return 0.0, 0, 0
    positions = [m.start() for m in _chars_of(key).finditer(text)]
    spans = list(
        dict.fromkeys(
            (start, start + n)
            for n in (k, k + 1, k - 1)
            if 2 <= n <= size
            for p in positions
            for start in range(max(0, p - n + 1), min(p, size - n) + 1)
        )
    )
    if not spans:
        return 0.0, 0, 0
    found = process.extractOne(key, [text[a:b] for a, b in spans], scorer=Levenshtein.normalized_similarity)
    if found is None:
        return 0.0, 0, 0
    _, sim, at = found
    return float(sim), *spans[at]


def _phrase(key: str) -> str:
    return f'"{textnorm.tokens(key)}"'


def _variants(conn: sqlite3.Connection, key: str, doc_ids: list[int] | None) -> list[FuzzyMatch]:
    """Close vocabulary terms that do not contain `key` (those are exact hits already)."""
    found = fuzzy.find_terms(conn, key, doc_ids, limit=VARIANTS * 2)
    return [m for m in found.matches if key not in m.term][:VARIANTS]


def _match(key: str, variants: list[FuzzyMatch], folded: str) -> tuple[float, str] | None:
    """(similarity 0..100, the text that matched) of `key` in a paragraph's folded text."""
    if pinyin.normalize(key) is not None:  # typed pinyin: one of its close terms must occur
        present = [m for m in variants if m.term in folded and m.score >= MIN_SIMILARITY * 100]
        return (present[0].score, present[0].term) if present else None
    sim, start, end = best_window(key, folded)
    if sim >= MIN_SIMILARITY:
        return round(sim * 100, 1), folded[start:end]
    return None


def approximate_hits(conn: sqlite3.Connection, query: Query, filters: index.Filters) -> list[Hit]:
    """Approximate hits for `query` within the filters, best similarity first, then bm25."""
    doc_ids = filters.doc_ids
    groups: list[list[tuple[str, list[FuzzyMatch]]]] = []
    parts = []
    for group in query.groups:
        alternatives = []
        exprs: list[str] = []
        for key in group:
            variants = _variants(conn, key, doc_ids)
            alternatives.append((key, variants))
            exprs.append(_phrase(key))
            exprs.extend(_phrase(m.term) for m in variants)
            if pinyin.normalize(key) is None and len(key) >= 3:
                exprs.extend(_phrase(key[i : i + 2]) for i in range(len(key) - 1))
        groups.append(alternatives)
        parts.append("(" + " OR ".join(dict.fromkeys(exprs)) + ")")
    expr = " AND ".join(parts)
    for key in query.excluded:
        expr = f"({expr}) NOT {_phrase(key)}"
    _, rows = index.fts_search(conn, expr, filters, limit=CANDIDATES)

    hits = []
    for para, score in rows:
        folded = textnorm.fold(para.text)
        matched: list[tuple[float, str, bool]] = []
        for alternatives in groups:
            best: tuple[float, str, bool] | None = None
            for key, variants in alternatives:
                if key in folded:
                    best = (100.0, key, True)
                    break
                found = _match(key, variants, folded)
                if found and (best is None or found[0] > best[0]):
                    best = (found[0], found[1], False)
            if best is None:
                break
            matched.append(best)
        if len(matched) < len(groups) or all(exact for _, _, exact in matched):
            continue
        spans = snippet.match_spans(para.text, tuple(text for _, text, _ in matched))
        snip, marks = snippet.cut(para.text, spans)
        similarity = min(sim for sim, _, _ in matched)
        variant = " ".join(text for _, text, _ in matched)
        hits.append(Hit(para, float(f"{score:.6g}"), snip, marks, variant, similarity))
    hits.sort(key=lambda hit: -(hit.similarity or 0))
    return hits


def suggestions(conn: sqlite3.Connection, query: Query, *, doc_ids: list[int] | None) -> tuple[FuzzyMatch, ...]:
    """The vocabulary terms closest to the query's terms (and, for a query of
    several pinyin words, to all of them together), best first."""
    keys = [key for group in query.groups for key in group]
    if len(keys) > 1 and all(pinyin.normalize(k) for k in keys):
        keys.append("".join(keys))
    best: dict[str, FuzzyMatch] = {}
    for key in keys:
        for m in fuzzy.find_terms(conn, key, doc_ids, limit=SUGGESTIONS).matches:
            if m.term != key and (m.term not in best or best[m.term].score < m.score):
                best[m.term] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, -m.count, len(m.term), m.term))
    return tuple(ranked[:SUGGESTIONS])

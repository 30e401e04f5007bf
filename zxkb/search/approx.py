"""What a search offers beyond exact matches: approximate hits (`search --fuzzy`)
and suggestions when nothing matched. Imports zxkb.fuzzy, hence rapidfuzz: the
search module loads this one only in those two cases.

An approximate hit is a paragraph in which every term of the query occurs
exactly or as a close variant, and at least one only as a variant. Candidates
come from the paragraph index, never from a scan of every paragraph: the
paragraphs that contain, for each term, the term itself, one of its close
vocabulary terms (zxkb.fuzzy) or one of its two-character pieces; at most
CANDIDATES of them, best bm25 first. In each candidate, rapidfuzz's partial
matching finds the closest part of the text (zxkb.fuzzy.best_window); it counts
when its similarity is at least fuzzy.MIN_SIMILARITY. A term typed in pinyin
matches where one of its vocabulary terms occurs.
"""

from __future__ import annotations

import sqlite3

from zxkb import pinyin, textnorm
from zxkb.models import FuzzyMatch, Hit
from zxkb.search import fuzzy, snippet
from zxkb.search.query import Query
from zxkb.store import index

VARIANTS = 5  # vocabulary terms per query term used to find candidates
CANDIDATES = 500  # paragraphs examined per query
SUGGESTIONS = 5


def _phrase(key: str) -> str:
    return f'"{textnorm.tokens(key)}"'


def _variants(conn: sqlite3.Connection, key: str, doc_ids: list[int] | None) -> list[FuzzyMatch]:
    """Close vocabulary terms that do not contain `key` (those are exact hits already)."""
    found = fuzzy.find_terms(conn, key, doc_ids, limit=VARIANTS * 2)
    return [m for m in found.matches if key not in m.term][:VARIANTS]


def _match(key: str, variants: list[FuzzyMatch], folded: str) -> tuple[float, str] | None:
    """(similarity 0..100, the text that matched) of `key` in a paragraph's folded text."""
    if pinyin.normalize(key) is not None:  # typed pinyin: one of its close terms must occur
        present = [m for m in variants if m.term in folded and m.score >= fuzzy.MIN_SIMILARITY * 100]
        return (present[0].score, present[0].term) if present else None
    sim, start, end = fuzzy.best_window(key, folded)
    if sim >= fuzzy.MIN_SIMILARITY:
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

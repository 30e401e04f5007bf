"""What a search offers beyond exact matches: approximate hits (`search --fuzzy`)
and suggestions when nothing matched. Imports rapidfuzz (through
zxkb.search.fuzzy): the search engine loads this module only in those cases.

An approximate hit is a paragraph in which every term of the query occurs
exactly or as a close variant, and at least one only as a variant. A term's
variants are the vocabulary terms that `zxkb fuzzy TERM` ranks first (the
closest, and any as close: fuzzy.find_terms), so that --fuzzy adds only
paragraphs with a variant at least as similar as the first suggestion; typed
pinyin works the same way. Candidates come from the paragraph index (the
paragraphs with the term or one of its variants), at most CANDIDATES of them,
best bm25 first.
"""

from __future__ import annotations

import sqlite3

from zxkb import pinyin, textnorm
from zxkb.models import FuzzyMatch, Hit
from zxkb.search import fuzzy, snippet
from zxkb.search.query import Query, fts, phrase
from zxkb.store import index, reads

VARIANTS = 5  # vocabulary terms per query term looked at
CANDIDATES = 500  # paragraphs examined per query
SUGGESTIONS = 5


def variants(conn: sqlite3.Connection, key: str, doc_ids: list[int] | None) -> list[FuzzyMatch]:
    """The vocabulary terms as close to `key` as the closest one, except those
    that contain it (their paragraphs are exact hits)."""
    found = fuzzy.find_terms(conn, key, doc_ids, limit=VARIANTS, verbatim=False).matches
    if not found:
        return []
    return [m for m in found if m.score >= found[0].score and key not in m.term]


def approximate_hits(conn: sqlite3.Connection, query: Query, filters: index.Filters) -> list[Hit]:
    """Approximate hits for `query` within the filters, best similarity first, then bm25."""
    groups: list[list[tuple[str, list[FuzzyMatch]]]] = []
    parts = []
    for group in query.groups:
        alternatives = [(key, variants(conn, key, filters.doc_ids)) for key in group]
        groups.append(alternatives)
        exprs = [phrase(term) for key, close in alternatives for term in (key, *(m.term for m in close))]
        parts.append("(" + " OR ".join(dict.fromkeys(exprs)) + ")")
    if not any(close for alternatives in groups for _, close in alternatives):
        return []
    expr = " AND ".join(parts)
    for node in query.root.excluded:
        expr = f"({expr}) NOT {fts(node)}"
    _, rows = index.ranked(conn, expr, filters, (1.0, 1.0, 0.0), limit=CANDIDATES)
    by_id = reads.paragraphs_by_id(conn, [pid for pid, _ in rows])
    hits = []
    for pid, score in rows:
        para = by_id[pid]
        folded = textnorm.fold(para.text)
        matched: list[tuple[float, str, bool]] = []
        for alternatives in groups:
            best: tuple[float, str, bool] | None = None
            for key, close in alternatives:
                if key in folded:
                    best = (100.0, key, True)
                    break
                for m in close:
                    if m.term in folded and (best is None or m.score > best[0]):
                        best = (m.score, m.term, False)
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
    several pinyin words, to all of them together), best first; not to a
    lower-case and, or, not searched for as a word beside other terms."""
    keys = [key for group in query.groups for key in group]
    # a lower-case `or` between terms is no term to correct (偶然 for "or": its initials)
    keys = [key for key in keys if key not in query.connectors] or keys
    if len(keys) > 1 and all(pinyin.normalize(k) for k in keys):
        keys.append("".join(keys))
    best: dict[str, FuzzyMatch] = {}
    for key in keys:
        for m in fuzzy.find_terms(conn, key, doc_ids, limit=SUGGESTIONS, verbatim=False).matches:
            if m.term != key and (m.term not in best or best[m.term].score < m.score):
                best[m.term] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, -m.count, len(m.term), m.term))
    return tuple(ranked[:SUGGESTIONS])

"""Fuzzy matching: the vocabulary terms closest to what a person typed, and the
best approximate occurrence of a term in a paragraph. Imports rapidfuzz, so
only `zxkb fuzzy`, a search without hits and `search --fuzzy` load this module.

Scores run from 0 to 100 in three bands, so that the order is a rule, not a
blend (tests pin each rule with real terms):

    100        exact: the term is the query (folded: 遠程協商 is 远程协商), or its
               pinyin is the typed pinyin (yuanchengxieshang)
    [90, 100)  containing: the term contains the query (专题远程协商 ⊃ 远程协商),
               shorter terms higher; typed pinyin inside the term's pinyin,
               syllable by syllable; typed initials (ycxs) equal to the term's
               initials score 95, inside them (three letters or more) 90 to 95
    < 90       similar: 90 x the best of
               - the Indel similarity of the two strings (insertions and deletions;
                 a wrong character is one of each): 远成协商 ~ 远程协商 0.75,
                 委员家 ~ 委员之家 0.86, 供给侧改革 ~ 供给侧结构性改革 0.77,
               - for longer terms, the best-aligned part (partial ratio) x PARTIAL,
               - the similarity of the pinyin: for typed pinyin, Levenshtein on the
                 letters (yuanchenxieshang); for a query in characters, Indel on
                 the syllables x HOMOPHONE (a homophone is the commonest typing
                 slip: 远成协商 ~ 远程协商 1.0 x 0.95).

Ties go to the more frequent term, then the shorter, then code-point order.

Candidates come from the index (terms.term_candidates), never from a scan of
the vocabulary in Python: terms that share two characters or two syllables with
the query (one when the query has one); terms whose initials contain typed
initials. Typed pinyin with a slip that does not cut into syllables is read
leniently for this (pinyin.pieces). A term that shares less with the query
scores below the default minimum on its characters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from zxkb import pinyin, textnorm
from zxkb.errors import QueryError
from zxkb.models import FuzzyMatch, FuzzyResult, ReportFilter
from zxkb.search import limits
from zxkb.store import index, reads, terms

EXACT = 100.0
CONTAINS = 90.0  # floor of the containing band, ceiling of the similar one
INITIALS = 95.0
PARTIAL = 0.9
HOMOPHONE = 0.95
DEFAULT_MIN_SCORE = 60.0
DEFAULT_LIMIT = 10
MAX_UNITS = 12  # characters (syllables) of a long query used to find candidates


@dataclass(frozen=True)
class Probe:
    """A query in every form it is compared in."""

    text: str  # folded
    syllables: tuple[str, ...] | None  # typed pinyin, or the readings of the query's characters
    letters: str | None  # typed letters (pinyin or initials), None for a query in characters


def probe(query: str, readings: Mapping[str, str]) -> Probe:
    """The forms of `query`: folded text; if it reads as pinyin, its letters and
    syllables; else the syllables of its characters (`readings`: char -> syllable,
    from the vocabulary), when every character has one."""
    text = textnorm.fold(query)
    letters = pinyin.normalize(query)
    if letters is not None:
        return Probe(text, pinyin.split(letters), letters)
    syllables = tuple(readings.get(ch, "") for ch in text)
    return Probe(text, syllables if all(syllables) else None, None)


def score(p: Probe, term: str, term_pinyin: str, initials: str) -> float:
    """How well `term` (folded, with its spaced pinyin and initials) answers `p`."""
    q = p.text
    if term == q:
        return EXACT
    if q in term:
        return CONTAINS + (EXACT - CONTAINS) * len(q) / len(term) * 0.999
    best = 0.0
    if p.letters is not None:
        if p.syllables:
            spaced = " ".join(p.syllables)
            if term_pinyin == spaced:
                return EXACT
            if f" {spaced} " in f" {term_pinyin} ":
                best = CONTAINS + (EXACT - CONTAINS) * len(spaced) / len(term_pinyin) * 0.999
        if len(p.letters) >= 2:
            if initials == p.letters:
                best = max(best, INITIALS)
            elif len(p.letters) >= 3 and p.letters in initials:
                best = max(best, CONTAINS + (INITIALS - CONTAINS) * len(p.letters) / len(initials) * 0.999)
        if best:
            return best
    sim = Indel.normalized_similarity(q, term)
    if len(term) > len(q):
        sim = max(sim, fuzz.partial_ratio(q, term) / 100 * PARTIAL)
    if term_pinyin and p.letters is not None:  # a typing slip in the letters
        sim = max(sim, Levenshtein.normalized_similarity(p.letters, term_pinyin.replace(" ", "")))
    elif term_pinyin and p.syllables:  # characters that sound alike: compare syllable by syllable
        sim = max(sim, Indel.normalized_similarity(p.syllables, term_pinyin.split()) * HOMOPHONE)
    return CONTAINS * sim


def rank(
    p: Probe, candidates: Iterable[tuple[str, str, str, int]], *, min_score: float = DEFAULT_MIN_SCORE
) -> list[tuple[float, str, int]]:
    """(score, term, count) for candidates (term, pinyin, initials, count) that
    score at least `min_score`, best first."""
    scored = []
    for term, term_pinyin, initials, count in candidates:
        s = score(p, term, term_pinyin, initials)
        if s >= min_score:
            scored.append((round(s, 2), term, count))
    scored.sort(key=lambda item: (-item[0], -item[2], len(item[1]), item[1]))
    return scored


def _pairs(tokens: Sequence[str]) -> str | None:
    """FTS5 expression: any two of the tokens (any one when there is only one)."""
    units = list(dict.fromkeys(tokens))[:MAX_UNITS]
    if not units:
        return None
    quoted = [f'"{u}"' for u in units]
    if len(quoted) == 1:
        return quoted[0]
    return " OR ".join(f"({a} AND {b})" for a, b in combinations(quoted, 2))


def match_expressions(p: Probe) -> list[str]:
    """FTS5 expressions (on the vocabulary's index of terms, terms_fts) that find the candidates for `p`."""
    exprs = []
    chars = _pairs(textnorm.tokens(p.text).split())
    if chars:
        exprs.append(f"chars : ({chars})")
    syllables = p.syllables or (pinyin.pieces(p.letters) if p.letters else ())
    sounds = _pairs(syllables)
    if sounds:
        exprs.append(f"syllables : ({sounds})")
    return exprs


def find(
    conn: sqlite3.Connection,
    query: str,
    *,
    doc: str | None = None,
    where: ReportFilter | None = None,
    limit: int | None = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
) -> FuzzyResult:
    """The vocabulary terms closest to `query`, best first, with their counts
    and documents in the reports `where` names (each report once, unless
    where.copies); `doc` adds one --doc. A vocabulary that is behind the
    documents (an ingest interrupted between storing documents and writing their
    terms) or of another version answers with what it holds, and the result says
    so (zxkb upgrade brings it up to date: a read never writes)."""
    limits.check_term(query)
    if not textnorm.fold(query):
        raise QueryError("the query is empty", "give a term, for example: zxkb fuzzy 远程协商")
    if doc is not None:
        where = (where or ReportFilter())._replace(docs=(*(where.docs if where else ()), doc))
    if where is not None and where.filtered:
        from zxkb.store import selection

        chosen = selection.select(conn, where).doc_ids
        found = find_terms(conn, query, list(chosen or ()), limit=limit, min_score=min_score)
    else:
        copies = frozenset() if where is not None and where.copies else reads.copy_ids(conn)
        found = find_terms(conn, query, None, limit=limit, min_score=min_score, exclude=copies)
    return found._replace(warnings=terms.staleness(conn))


def find_terms(
    conn: sqlite3.Connection,
    query: str,
    doc_ids: list[int] | None,
    *,
    limit: int | None = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
    exclude: frozenset[int] = frozenset(),
    verbatim: bool = True,
) -> FuzzyResult:
    """`find` for documents given by id (None: all but `exclude`, the copies of
    reports stored from a second source); `verbatim`: the query itself too when
    the text has it (suggestions leave it out: it is what was searched)."""
    p = probe(query, terms.char_readings(conn, textnorm.fold(query)))
    rows: dict[str, tuple[str, str, str, int]] = {}
    for expr in match_expressions(p):
        for row in terms.term_candidates(conn, expr, doc_ids):
            rows[row[0]] = row
    if p.letters is not None and 2 <= len(p.letters) <= 12:
        for row in terms.terms_with_initials(conn, p.letters, doc_ids):
            rows[row[0]] = row
    ranked = rank(p, rows.values(), min_score=min_score)
    exact = not verbatim or any(term == p.text for _, term, _ in ranked)
    found_verbatim = None if exact else _verbatim(conn, p.text, doc_ids)
    if limit:
        ranked = ranked[: limit - (found_verbatim is not None)]
    found = [term for _, term, _ in ranked]
    matches = [found_verbatim] if found_verbatim is not None else []
    if doc_ids is None:
        where = terms.term_documents(conn, found)
        holding = exclude & {d for docs in where.values() for d in docs}
        in_copies = terms.term_counts(conn, found, sorted(holding)) if holding else {}
        for s, term, count in ranked:
            count -= sum(n for _, n in in_copies.get(term, ()))
            holders = tuple(d for d in where.get(term, ()) if d not in exclude)
            matches.append(FuzzyMatch(term, s, count, holders))
    else:
        counts = terms.term_counts(conn, found, doc_ids)
        for s, term, _ in ranked:
            docs = counts.get(term, [])
            matches.append(FuzzyMatch(term, s, sum(n for _, n in docs), tuple(d for d, _ in docs)))
    matches.sort(key=lambda m: (-m.score, -m.count, len(m.term), m.term))
    return FuzzyResult(query, tuple(matches))


def _verbatim(conn: sqlite3.Connection, key: str, doc_ids: list[int] | None) -> FuzzyMatch | None:
    """`key` itself, at EXACT, when the text of body paragraphs has it but the
    vocabulary does not (a word the segmenter cut in two, such as 微建议 as
    微/建议, or any other string): counted in the paragraphs, from the index."""
    rows = index.texts(conn, f'"{textnorm.tokens(key)}"', index.Filters(("body",), doc_ids))
    count = sum(textnorm.fold(text).count(key) for _, text in rows)
    if not count:
        return None
    return FuzzyMatch(key, EXACT, count, tuple(sorted({doc for doc, _ in rows})))

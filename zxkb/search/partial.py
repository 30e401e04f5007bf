"""Partial matches: what a search returns when no paragraph matches the whole query.

The query's terms are its parts that must all match (Query.operands: `远程协商
清水塘 市委书记` has three); a query of one term that is not found, such as a
sentence typed into the search box (株洲政协怎么开展远程协商), is cut into
words first. The paragraphs that hold any of the terms (and none of the
excluded ones) are partial hits, scored as exact hits are (zxkb.search.rank)
times the share of the terms they hold, so that those holding most of them
come first; each says which terms it holds and which it misses. The index is
read once, counting as it ranks: the best FETCH by bm25 of any of the terms
are re-scored, so a paragraph further down that holds more of them could be
missed (an exact top k would read the index again: for a sentence of common
words, 政府 企业, that is most of what the fallback may cost).

The cut: the most probable sequence of words (the product of their
frequencies, as jieba does) among the words of the vocabulary, which rjieba
cut at ingest (terms.word; their counts are the frequencies), the function
and question words (dropped from the result), runs of letters and digits
(`gdp`, `7%`) and single characters (dropped). Loading rjieba here instead
would cost ~150 ms, more than the whole fallback may take (the issue: 100 ms
at 100 MB); on the judged sentence queries both cut alike (bench/RESULTS.md).
"""

from __future__ import annotations

import math
import re
import sqlite3

from zxkb import textnorm, vocab
from zxkb.models import Hit
from zxkb.search import rank, snippet
from zxkb.search.query import All, Any, Node, Query, Term, fts, holds, keys_of, label
from zxkb.store import index
from zxkb.store import terms as termstore

MAX_WORD = 12  # characters of the longest word looked up
QUESTION_WORDS = frozenset("是否 哪里 哪儿 谁 请问 一下 多久 几".split())
SKIP = vocab.STOPWORDS | QUESTION_WORDS
_RUN = re.compile(r"[0-9a-z][0-9a-z.%+]*")
SKIPPED_COUNT = 1000  # a function word's frequency in the cut: common, never a result
UNKNOWN_COUNT = 0.5  # a character that starts no known word
COMMON = 0.1  # occurrences a paragraph: a term as common (政府, 企业, 增长) finds no candidates


def cut(conn: sqlite3.Connection, key: str) -> list[str]:
    """The words of a folded key, as the vocabulary knows them, without function words."""
    n = len(key)
    pieces = {key[i:j] for i in range(n) for j in range(i + 2, min(n, i + MAX_WORD) + 1)}
    known = termstore.word_counts(conn, sorted(pieces))
    total = max(1.0, index.total_tokens(conn) / 2)  # ~ the corpus's words; the judged cuts are the same from 1e6 to 1e8
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        score, words = here
        steps: list[tuple[int, float]] = [(i + 1, SKIPPED_COUNT if key[i] in SKIP else UNKNOWN_COUNT)]
        run = _RUN.match(key, i)
        if run:
            steps.append((run.end(), SKIPPED_COUNT))
        for j in range(i + 2, min(n, i + MAX_WORD) + 1):
            piece = key[i:j]
            if piece in known:
                steps.append((j, known[piece]))
            elif piece in SKIP:
                steps.append((j, SKIPPED_COUNT))
        for j, count in steps:
            value = score + math.log(count / total)
            if best[j] is None or value > best[j][0]:  # type: ignore[index]
                best[j] = (value, [*words, key[i:j]])
    final = best[n]
    words = final[1] if final else []
    return list(dict.fromkeys(w for w in words if w not in SKIP and (len(w) > 1 or _RUN.fullmatch(w))))


def terms_of(conn: sqlite3.Connection, query: Query) -> tuple[Node, ...]:
    """The terms a partial match counts: the query's operands, or the words of its
    only term (from the vocabulary as it is: a read never brings it up to date,
    zxkb upgrade does), without the lower-case and, or, not the query holds
    as words beside other terms."""
    if len(query.operands) > 1:
        # a lower-case `or` between two terms is most likely the operator: a
        # paragraph that holds only it (Indicators) is no partial hit
        kept = tuple(t for t in query.operands if not (isinstance(t, Term) and t.key in query.connectors))
        return kept if kept else query.operands
    (only,) = query.operands
    if not isinstance(only, Term):
        return ()
    words = cut(conn, only.key)
    if not words or words == [only.key]:
        return ()
    return tuple(Term(w) for w in words)


def _finders(conn: sqlite3.Connection, terms: tuple[Node, ...], keys: tuple[str, ...]) -> tuple[Node, ...]:
    """The terms whose paragraphs are the candidates: all but the common ones
    (COMMON occurrences a paragraph or more, as the vocabulary counts them),
    unless all are common. Ranking every paragraph that has 政府 or 企业 takes
    most of the fallback's time at 100 MB; a paragraph that holds only common
    terms ranks below those that hold a rarer one too."""
    counts = termstore.word_counts(conn, list(keys), words=False)
    common = {key for key, n in counts.items() if n >= COMMON * index.rows(conn)}
    rarer = tuple(t for t in terms if not set(keys_of(t)) <= common)
    return rarer or terms


def partial_hits(
    conn: sqlite3.Connection,
    query: Query,
    filters: index.Filters,
    ranking: rank.Ranking,
    *,
    limit: int | None,
    explain: bool = False,
) -> tuple[int, list[Hit]]:
    """How many paragraphs hold some of the query's terms, and the best `limit` of them."""
    terms = terms_of(conn, query)
    if not terms:
        return 0, []
    keys = tuple(dict.fromkeys(k for t in terms for k in keys_of(t)))
    candidates = _finders(conn, terms, keys)
    expr = fts(All((Any(candidates) if len(candidates) > 1 else candidates[0],), query.root.excluded), top=True)

    def share(_: object, folded: str) -> float:
        return sum(holds(t, folded) for t in terms) / len(terms)

    total, scored = rank.top(
        conn,
        expr,
        filters,
        ranking,
        limit=limit,
        keys=keys,
        extra=("terms", share),
        count_in_pass=True,
        one_read=True,
        explain=explain,
    )
    hits = []
    for s in scored:
        para = s.para
        assert para is not None  # the extra factor read it
        folded = textnorm.fold(para.text)
        held = tuple(label(t) for t in terms if holds(t, folded))
        missed = tuple(label(t) for t in terms if not holds(t, folded))
        snip, marks = snippet.cut(para.text, snippet.match_spans(para.text, keys))
        parts = tuple((name, float(f"{value:.6g}")) for name, value in s.parts) if explain else None
        hits.append(Hit(para, float(f"{s.score:.6g}"), snip, marks, matched=held, missing=missed, explain=parts))
    return total, hits

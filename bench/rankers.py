"""zxkb's rankings for rank_eval.py, signal by signal, in process.

    zxkb                                   the search as the CLI runs it (partial matches included)
    zxkb:title=0.5,length=250,numbers=1    zxkb.search.rank.Ranking with these parameters
    zxkb:title=0,length=0,numbers=0        plain bm25 through zxkb's own code (= rank_eval's bm25)
    zxkb:...,partial=0                     without the fallback to partial matches (= --exact)
    words:w=0.5                            zxkb's ranking of the exact hits plus w x a word-level
                                           BM25 (rjieba words of the paragraph and of the query),
                                           under the same length prior

`words` builds its word index here, with rjieba, from the database's paragraphs
(~1 minute for ../shared/corpus): what a second, word-level FTS5 table or column
would give, measured before building one.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from zxkb import textnorm
from zxkb.search import engine, rank
from zxkb.search.query import parse_query
from zxkb.store import connection, index, reads

Ranker = Callable[[str, sqlite3.Connection], list[str]]
K = 10


def _params(spec: str) -> dict[str, float]:
    _, _, rest = spec.partition(":")
    out = {}
    for item in filter(None, rest.split(",")):
        name, _, value = item.partition("=")
        out[name.strip()] = float(value)
    return out


def make(spec: str, db: str, text_key: Callable[[str], str]) -> Ranker:
    """The ranker `spec` names (see the module docstring)."""
    conn = connection.connect(Path(db))
    params = _params(spec)
    base = rank.DEFAULT
    ranking = rank.Ranking(
        title=params.get("title", base.title),
        length=int(params.get("length", base.length)),
        numbers=bool(params.get("numbers", base.numbers)),
    )
    exact = not params.get("partial", 1)
    if spec.startswith("words"):
        weight = params.get("w", 0.5)
        return _words_ranker(conn, ranking, weight, text_key)

    def rank_zxkb(query: str, _: sqlite3.Connection) -> list[str]:
        result = engine.search(conn, query, limit=K, exact=exact, ranking=ranking)
        return [text_key(hit.para.text) for hit in result.hits]

    return rank_zxkb


# --- a word-level BM25, built here ------------------------------------------------------


@lru_cache(maxsize=2)
def _word_index(conn: sqlite3.Connection) -> tuple[dict[int, Counter[str]], Counter[str], float, int]:
    """rjieba words of every indexed paragraph: (id -> word counts, document frequencies, mean length, rows)."""
    import rjieba

    words: dict[int, Counter[str]] = {}
    df: Counter[str] = Counter()
    rows = conn.execute("SELECT id, text FROM paragraphs WHERE kind IN ('body', 'heading', 'front', 'noise')")
    for pid, text in rows:
        counts = Counter(w for w in rjieba.cut(textnorm.fold(text)) if any(ch.isalnum() for ch in w))
        words[pid] = counts
        df.update(counts.keys())
    mean = sum(sum(c.values()) for c in words.values()) / max(1, len(words))
    return words, df, mean, len(words)


def _words_ranker(
    conn: sqlite3.Connection, ranking: rank.Ranking, weight: float, text_key: Callable[[str], str]
) -> Ranker:
    import rjieba

    def word_bm25(pid: int, query_words: list[str]) -> float:
        words, df, mean, rows = _word_index(conn)
        counts = words.get(pid, Counter())
        length = sum(counts.values())
        score = 0.0
        for w in query_words:
            tf = counts.get(w, 0)
            if tf:
                idf = max(1e-6, math.log((rows - df[w] + 0.5) / (df[w] + 0.5)))
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / mean))
        return score

    def rank_words(text: str, _conn: sqlite3.Connection) -> list[str]:
        query = parse_query(text)
        _, scored = rank.top(conn, query.match_expression(), index.Filters(), ranking, limit=None, keys=query.keys)
        query_words = [w for w in rjieba.cut(textnorm.fold(text)) if any(ch.isalnum() for ch in w)]
        mean = index.mean_tokens(conn)

        def score(s: rank.Scored) -> float:  # the word-level BM25 under the same length prior as the rest
            prior = rank.length_factor(s.tokens, ranking.length, mean) if ranking.length else 1.0
            return s.score + weight * prior * word_bm25(s.pid, query_words)

        best = sorted(scored, key=lambda s: (-score(s), s.pid))[:K]
        paras = reads.paragraphs_by_id(conn, [s.pid for s in best])
        return [text_key(paras[s.pid].text) for s in best]

    return rank_words

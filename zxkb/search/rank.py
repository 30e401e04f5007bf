"""The order of the matches (what matches is the query's business: zxkb.search.query).

A paragraph's score is, signal by signal (each measured on the judged queries,
bench/judgments/ and bench/RESULTS.md):

    bm25      FTS5's bm25 over the character index (k1 1.2, b 0.75), with a
              match in the paragraph's initiative title weighed Ranking.title
              (0.5) as much as one in its text (the index's title column,
              zxkb.store.index)
    × length  a paragraph of fewer than Ranking.length (250) tokens is scored as if it were
              that long (for one occurrence of the query): a bare lead line
              such as 打造一流营商环境。 no longer beats the paragraphs that say
              what is being done
    × numbers a match of a number query inside a longer number (3%左右 in
              13%左右, 5%左右 in 5.5%左右) counts as no match for the score

Both factors are at most 1, so no score is above its bm25. The index gives the
matches best bm25 first; they are re-scored in batches, and once the k-th best
score so far is above the bm25 of the last match read, no match not yet read
can enter the top k: the top k is exact, whatever --limit is. Of two equal
scores (one occurrence in two paragraphs shorter than Ranking.length), the longer
paragraph comes first, then the first stored. At 100 MB a top 20 re-scores
100-700 matches (bench/bench_rank.py), reading for each only its length
(FTS5's own token counts), or its text for a number query.

`explain` gives each hit's score as a sum of parts, the signals' contributions in
the order above: bm25 of the text, + the title's share, + what the length prior
takes away, + what the number rule takes away.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections.abc import Callable
from typing import NamedTuple

from zxkb import textnorm
from zxkb.models import Paragraph
from zxkb.store import index, reads

K1, B = 1.2, 0.75  # FTS5's bm25
# Matches read from the index at a time, best bm25 first: FETCH, or FETCH_PER_HIT a hit asked
# for. Each read evaluates the query again, so one read should nearly always do: at 100 MB the
# top 20 took up to ~700 (bench/bench_rank.py). Of those, CHUNK (or CHUNK_PER_HIT a hit) are
# re-scored at a time, until the top k is sure.
FETCH, FETCH_PER_HIT = 1000, 50
CHUNK, CHUNK_PER_HIT = 100, 2


class Ranking(NamedTuple):
    """The signals and their parameters; Ranking() is zxkb's ranking, PLAIN
    plain bm25 (bench/rank_eval.py measures each against it)."""

    title: float = 0.5  # bm25 weight of the title column (the text's is 1)
    length: int = 250  # tokens: shorter paragraphs count as this long (0: off)
    numbers: bool = True  # a number's match inside a longer number counts for nothing

    @property
    def weights(self) -> index.Weights:
        return (1.0, 1.0, self.title)


DEFAULT = Ranking()
PLAIN = Ranking(title=0.0, length=0, numbers=False)


class Scored(NamedTuple):
    pid: int
    score: float
    parts: tuple[tuple[str, float], ...]  # (signal, contribution), summing to score
    para: Paragraph | None = None  # when the ranking read it (a number query)
    tokens: int = 0  # the row's length: of two equal scores, the longer paragraph first

    @property
    def order(self) -> tuple[float, int, int]:
        return (-self.score, -self.tokens, self.pid)


_DIGIT = re.compile(r"[0-9]")


def number_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys that start or end with a digit: they can match inside a longer number."""
    return tuple(k for k in keys if _DIGIT.match(k[0]) or _DIGIT.match(k[-1]))


def outside_numbers(key: str, folded: str) -> tuple[int, int]:
    """(occurrences of `key` in `folded`, those not inside a longer number): a
    key that starts with a digit must not follow a digit or a decimal point, one
    that ends with a digit must not be followed by one."""
    total = clean = 0
    head, tail = key[0].isdigit(), key[-1].isdigit()
    pos = folded.find(key)
    while pos != -1:
        total += 1
        end = pos + len(key)
        inside = (head and pos > 0 and (folded[pos - 1].isdigit() or folded[pos - 1] == ".")) or (
            tail
            and end < len(folded)
            and (folded[end].isdigit() or (folded[end] == "." and folded[end + 1 : end + 2].isdigit()))
        )
        clean += not inside
        pos = folded.find(key, pos + 1)
    return total, clean


def _norm(tokens: float, mean: float) -> float:
    """BM25's length term for a row of `tokens`."""
    return K1 * (1 - B + B * tokens / mean)


def length_factor(tokens: int, length: int, mean: float) -> float:
    """How much of its bm25 a row of `tokens` keeps: one occurrence in it scored
    as if the row had max(tokens, length) tokens."""
    if tokens >= length:
        return 1.0
    return (1 + _norm(tokens, mean)) / (1 + _norm(length, mean))


def number_factor(folded: str, keys: tuple[str, ...], tokens: int, mean: float) -> float:
    """How much of its bm25 a row keeps when some matches of the number keys
    are inside longer numbers: bm25's weight of the clean occurrences over that
    of all of them (the least over the keys)."""
    k = _norm(tokens, mean)
    factor = 1.0
    for key in keys:
        total, clean = outside_numbers(key, folded)
        if total and clean < total:
            factor = min(factor, (clean / (clean + k)) / (total / (total + k)))
    return factor


Extra = Callable[[Paragraph, str], float]  # a paragraph, its folded text -> a factor of at most 1


def top(
    conn: sqlite3.Connection,
    match: str,
    filters: index.Filters,
    ranking: Ranking,
    *,
    limit: int | None,
    keys: tuple[str, ...] = (),
    count_in_pass: bool = False,
    explain: bool = False,
    extra: tuple[str, Extra] | None = None,
    one_read: bool = False,
    total: int | None = None,
) -> tuple[int, list[Scored]]:
    """(how many match, the best `limit` of them (None: all), best first, ties by id).

    `total`: how many match, when the caller counted them. `count_in_pass`
    counts the matches in the first ranked query (worth it for long phrases),
    else a count() does. `extra`: a named further factor of at
    most 1, from a paragraph and its folded text (a partial match: the share of
    the terms it holds)."""
    numbers = number_keys(keys) if ranking.numbers else ()
    if total is not None and (not total or limit == 0):
        return total, []
    if total is None and (not count_in_pass or limit == 0):
        total = index.count(conn, match, filters)
        if not total or limit == 0:
            return total, []
    mean = index.mean_tokens(conn) if ranking.length or numbers else 1.0
    fetch = None if limit is None else max(FETCH, FETCH_PER_HIT * limit)
    step = None if limit is None else max(CHUNK, CHUNK_PER_HIT * limit)
    offset = 0
    scored: list[Scored] = []
    complete = False
    while not complete:
        counted, rows = index.ranked(
            conn, match, filters, ranking.weights, limit=fetch, offset=offset, with_total=total is None
        )
        if total is None:
            total = counted or 0
        for start in range(0, len(rows), step or len(rows) or 1):
            chunk = rows[start : start + step] if step else rows
            ids = [pid for pid, _ in chunk]
            lengths = index.token_counts(conn, ids)
            paras = reads.paragraphs_by_id(conn, ids) if numbers or extra is not None else {}
            for pid, bm25 in chunk:
                para = paras.get(pid)
                scored.append(score_match(pid, bm25, lengths.get(pid, 0), para, ranking, mean, numbers, extra))
            if limit is not None and _complete(scored, limit, chunk[-1]):
                complete = True
                break
        if fetch is None or len(rows) < fetch or one_read:
            break
        offset += fetch
        fetch *= 4
    scored.sort(key=lambda s: s.order)
    best = scored if limit is None else scored[:limit]
    if explain and ranking.title:
        best = _split_title(conn, match, filters, best)
    return total or 0, best


def _complete(scored: list[Scored], limit: int, last: tuple[int, float]) -> bool:
    """Whether no match after `last` (the last read, the lowest bm25 so far) can
    enter the top `limit`: its score is at most its bm25, at most last's, so
    none can once the limit-th best score is above that (an equal one could
    still come first, being longer)."""
    if len(scored) < limit:
        return False
    kth = heapq.nsmallest(limit, scored, key=lambda s: s.order)[-1]
    return kth.score > last[1]


def score_match(
    pid: int,
    bm25: float,
    tokens: int,
    para: Paragraph | None,
    ranking: Ranking,
    mean: float,
    numbers: tuple[str, ...],
    extra: tuple[str, Extra] | None,
) -> Scored:
    """A match's score from its bm25 (zxkb.search.topk computes the bm25 itself)."""
    parts: list[tuple[str, float]] = [("bm25", bm25)]
    score = bm25
    folded = textnorm.fold(para.text) if para is not None else ""
    factors = []
    if ranking.length:
        factors.append(("length", length_factor(tokens, ranking.length, mean)))
    if numbers and para is not None:
        factors.append(("numbers", number_factor(folded, numbers, tokens, mean)))
    if extra is not None and para is not None:
        factors.append((extra[0], extra[1](para, folded)))
    for name, factor in factors:
        parts.append((name, score * factor - score))
        score *= factor
    return Scored(pid, score, tuple(parts), para, tokens)


def _split_title(conn: sqlite3.Connection, match: str, filters: index.Filters, best: list[Scored]) -> list[Scored]:
    """The bm25 part of each of `best` split into the text's and the title's
    (explain only: it ranks every match again, without the title's weight)."""
    wanted = {s.pid for s in best}
    _, every = index.ranked(conn, match, filters, (1.0, 1.0, 0.0), limit=None)
    plain = {pid: score for pid, score in every if pid in wanted}
    out = []
    for s in best:
        bm25 = s.parts[0][1]
        text = plain.get(s.pid, bm25)
        out.append(s._replace(parts=(("bm25", text), ("title", bm25 - text), *s.parts[1:])))
    return out

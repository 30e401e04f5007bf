"""The top k of a common one-term query without scoring every match.

FTS5's bm25 over every match costs what a scan does for the commonest
characters and words (发展 at 1 GB: 782,203 matches, 0.7 s). The index's tiers
(zxkb.store.tiers) say, for each paragraph and character it holds often, how
much that character can make it score; a phrase scores at most what its
least-scoring character allows. So the paragraphs in which every character of
the query is in a high bucket are read first and scored exactly, here, as
FTS5 would (bm25 with the title column's weight, then zxkb.search.rank's
length prior and number rule); every other paragraph scores at most the next
bucket's bound, and once the k-th best score is above it the top k is exact.
Else the buckets go lower, and past MAX_READ paragraphs (or the lowest bucket)
None tells the caller to rank every match instead. The result is the same
list, order and scores as zxkb.search.rank.top's over every match (a test
compares them); `total` is counted by the caller.

The score is bm25 computed from the text: a phrase's occurrences in the
folded text (one index token per character, overlapping occurrences counted,
as FTS5 counts a phrase's instances), those in the indexed title times its
weight, the row's length from FTS5's own counts, IDF from the matches' count:
the same double-precision arithmetic as FTS5's bm25, so the scores are equal
to the bit.
"""

from __future__ import annotations

import heapq
import math
import sqlite3

from zxkb import textnorm
from zxkb.search import rank
from zxkb.store import index, reads, tiers

MIN_TOTAL = 1000  # below this many matches bm25 over all of them is cheap (a few ms at 1 GB)
MAX_LIMIT = 200  # a top k this large or larger: every match is ranked
MAX_READ = 20_000  # paragraphs scored here before giving up (every match is ranked then)
DESCENT = 1  # buckets taken at each step down: one, so that no more is read than the bound needs


def part_for(
    conn: sqlite3.Connection, key: str, filters: index.Filters, ranking: rank.Ranking, limit: int
) -> str | None:
    """The part of the one-term query `key` whose tiers to read (tiers.selective),
    or None when the tiers cannot find this top k: only body paragraphs of
    every document, a ranking within what the tiers assume, a small k, and at
    least k paragraphs holding the part in tiers (else the bound is never
    reached: it takes k paragraphs scored). Cheap (one look-up in the tiers'
    vocabulary), so that a rare query goes on as before, counting its matches
    in the ranked query itself."""
    if not (
        0 < limit < MAX_LIMIT
        and filters.index_only
        and set(filters.kinds) == {"body"}
        and ranking.length >= tiers.LENGTH
        and 0 <= ranking.title <= tiers.TITLE
    ):
        return None
    parts = tiers.parts(key)
    if not parts:
        return None
    part, holding = tiers.selective(conn, parts, copies=filters.copies)
    return part if holding >= limit else None


def _occurrences(key: str, folded: str) -> int:
    """How often `key` occurs in `folded`, overlapping occurrences included (FTS5's phrase instances)."""
    n = 0
    pos = folded.find(key)
    while pos != -1:
        n += 1
        pos = folded.find(key, pos + 1)
    return n


def top(
    conn: sqlite3.Connection,
    key: str,
    part: str,
    filters: index.Filters,
    ranking: rank.Ranking,
    *,
    limit: int,
    total: int,
    numbers: tuple[str, ...],
) -> list[rank.Scored] | None:
    """The best `limit` of the `total` matches of the one-term query `key`, best
    first (zxkb.search.rank's order), from the tiers of its `part` (part_for),
    or None when the tiers cannot be sure of them within MAX_READ paragraphs."""
    if total < MIN_TOTAL:
        return None
    parts = [part]
    rows = index.rows(conn)
    mean = index.mean_tokens(conn)
    idf = math.log((rows - total + 0.5) / (total + 0.5))
    if idf <= 0.0:
        idf = 1e-6
    bounds, floor = tiers.bounds(mean), tiers.floor(mean)
    held: dict[str, set[int]] = {part: set() for part in parts}  # the rows holding it in the buckets read
    seen: set[int] = set()
    scored: list[rank.Scored] = []
    level = len(tiers.BUCKETS)
    while level > 0:
        top_bucket, level = level, max(0, level - DESCENT)
        for part in parts:  # each bucket of each part is read once, on the way down
            held[part].update(tiers.holding(conn, part, range(level, top_bucket), copies=filters.copies))
        new = set.intersection(*held.values()) - seen
        if len(seen) + len(new) > MAX_READ:
            return None
        seen |= new
        scored.extend(_scored(conn, key, sorted(new), ranking, idf, mean, numbers))
        rest = idf * max(bounds[level - 1] if level else floor, floor)  # the most any other paragraph scores
        if len(scored) >= limit:
            kth = heapq.nsmallest(limit, scored, key=lambda s: s.order)[-1]
            if kth.score > rest * (1 + 1e-9):
                scored.sort(key=lambda s: s.order)
                return scored[:limit]
    return None


def _scored(
    conn: sqlite3.Connection,
    key: str,
    ids: list[int],
    ranking: rank.Ranking,
    idf: float,
    mean: float,
    numbers: tuple[str, ...],
) -> list[rank.Scored]:
    """The matches among `ids`, scored as zxkb.search.rank scores them."""
    if not ids:
        return []
    texts = tiers.texts(conn, ids)
    lengths = index.token_counts(conn, ids)
    paras = reads.paragraphs_by_id(conn, ids) if numbers else {}
    out = []
    for pid in ids:
        text, title = texts[pid]
        folded = textnorm.fold(text)
        body = _occurrences(key, folded)
        if not body:
            continue
        tf = float(body)
        if title and textnorm.title_tokens(folded, title):
            for _ in range(_occurrences(key, textnorm.fold(title))):
                tf += ranking.title  # as FTS5 adds each instance's column weight
        tokens = lengths.get(pid, 0)
        bm25 = idf * ((tf * (rank.K1 + 1.0)) / (tf + rank.K1 * (1 - rank.B + rank.B * tokens / mean)))
        out.append(rank.score_match(pid, bm25, tokens, paras.get(pid), ranking, mean, numbers, None))
    return out

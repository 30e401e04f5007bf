"""The index's tiers (paragraphs_tiers, schema migration 9): for each body
paragraph, each character (and pair of characters) it holds at least MIN_TF times, with a bucket of how
much that character can make the paragraph score; zxkb.search.topk reads them
to rank a common query's best matches without scoring every match.

A paragraph's bm25 for a phrase grows with the phrase's (weighted) count tf in
it and falls with its length D. The phrase occurs at most as often as each of
its characters, in the text and in the title column alike, so a character's own
count bounds the phrase's: tf <= c = n + TITLE * m (n occurrences of the
character in the text, m in the indexed title). The ranking scores a paragraph
shorter than LENGTH as if it had LENGTH tokens for one occurrence, which never
scores more than bm25 at LENGTH tokens with the same tf (zxkb.search.rank's
length prior, for tf >= 1); so with D' = max(D, LENGTH) the paragraph can score
at most bm25(c, D'), and what is stored is the bucket of rho = c / (D' + OFFSET).
For a bucket's highest rho, bm25(rho * (D' + OFFSET), D') is monotone in D'
(a ratio of two linear functions), so its highest value over every D' >= LENGTH
is at D' = LENGTH or as D' grows without end: `bounds` gives it for the
index's mean length at query time, and a paragraph whose character has no tier
(c < MIN_TF, so c <= MIN_TF - 0.5) scores at most bm25(MIN_TF - 0.5, LENGTH)
(`floor`). Every bound is of bm25 over the phrase's IDF, and holds for a
title weight of at most TITLE and a length prior of at least LENGTH.

The same holds for each pair of adjacent characters of the phrase (each
occurrence of the phrase holds the pair once, at its own place), which bounds
a phrase of common characters far better (济建 of 经济建设). One token per
(character or pair, bucket): the characters then one symbol of BUCKETS (`发c`,
`发展c`); characters that the index stores as `x<hex>` (punctuation, rare
scripts) have no tiers. A copy's paragraphs (zxkb.store.reports) have theirs
marked (`发展éc`: COPY between part and bucket), as the index keeps copies in
columns of their own. The table is contentless, without positions, columns or
lengths (detail=none): a row is removed with the tokens it was given, which
`text` makes again from the paragraph."""

from __future__ import annotations

import re
import sqlite3
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

MIN_TF = 3  # a part's weighted count from which it has a tier (2 doubled the table for little)
TITLE = 0.5  # the title column's bm25 weight the tiers assume (the most a ranking may give it)
LENGTH = 250  # the length prior the tiers assume (the least a ranking may use)
OFFSET = 70  # ~ a third of a row's mean tokens: where bm25 is nearly a function of c / (D + OFFSET)
LOW, STEP = 0.004, 1.2  # bucket b holds rho in [LOW * STEP**b, LOW * STEP**(b+1)); bucket 0 all below
BUCKETS = "abcdefghijklmnopqrstuvwxyz0123456789"  # the last bucket holds every rho above
K1, B = 1.2, 0.75  # FTS5's bm25

_ASCII_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _plain(part: str) -> bool:
    """Whether every character of `part` is its own index token (zxkb.textnorm.tokens)."""
    return all(ch in _ASCII_PLAIN or "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in part)


@lru_cache(maxsize=1)
def _not_plain() -> re.Pattern[str]:
    """A character that is no part: compiled at the first ingest, not at every
    start (a class of CJK ranges costs sre ~1.5 ms)."""
    return re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff]")


_EDGES = tuple(LOW * STEP**b for b in range(1, len(BUCKETS)))  # the lowest rho of buckets 1, 2, ...


# A plain text's characters as 16-bit code units in this machine's byte order
# (every plain character is in the BMP), so that memoryview counts them and
# their pairs as integers: no string object is made for each character or pair.
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
_SPACE = ord(" ")
_LOW_FIRST = sys.byteorder == "little"  # a pair's 32 bits: the first character in the low half


def _code_counts(key: str) -> Counter[int]:
    """How often each plain character and pair of them occurs in `key` (the
    others become spaces: a part with a space is no part), each character as
    its code point and each pair as the 32-bit integer of their two code units
    (>= 65,536: no plain character is U+0000)."""
    data = memoryview(_not_plain().sub(" ", key).encode(_UTF16))
    n = len(data)
    counts = Counter(data.cast("H"))
    counts.update(data[: n - n % 4].cast("I"))  # the pairs that start at an even position
    if n >= 6:
        counts.update(data[2 : 2 + (n - 2) // 4 * 4].cast("I"))  # ... and at an odd one
    return counts


def _part(code: int) -> str | None:
    """The character or pair of characters that _code_counts counted as `code`; None for one with a space."""
    if code < 0x10000:
        return None if code == _SPACE else chr(code)
    low, high = code & 0xFFFF, code >> 16
    if low == _SPACE or high == _SPACE:
        return None
    return chr(low) + chr(high) if _LOW_FIRST else chr(high) + chr(low)


def text(key: str, title_key: str = "") -> str:
    """The tier tokens of a body paragraph whose folded text is `key` and whose
    indexed title (zxkb.textnorm.title_tokens, folded) is `title_key`: its
    characters, and its pairs of adjacent characters, held at least MIN_TF times
    (an occurrence in the title weighing TITLE), in the order of their first
    occurrence, characters first."""
    length = max(len(key) + len(title_key), LENGTH) + OFFSET
    edges = [edge * length for edge in _EDGES]  # a count's bucket: how many of these it reaches
    counts: Mapping[int, float] = _code_counts(key)
    if title_key:
        weights = dict(counts)
        for code, m in _code_counts(title_key).items():
            weights[code] = weights.get(code, 0) + TITLE * m
        counts = weights
    chars: list[str] = []
    pairs: list[tuple[int, str]] = []  # (first position in the text, then in the title; pair)
    for code, c in counts.items():
        if c >= MIN_TF and (found := _part(code)) is not None:
            token = found + BUCKETS[bisect_right(edges, c)]
            if code < 0x10000:
                chars.append(token)
            else:
                at = key.find(found)
                pairs.append((at if at >= 0 else len(key) + title_key.find(found), token))
    pairs.sort()
    return " ".join([*chars, *(token for _, token in pairs)])


def parts(key: str) -> list[str]:
    """The parts of a query's key that have tiers: its pairs of adjacent
    characters (a phrase occurs at most as often as each), or for one
    character itself."""
    pairs = [pair for pair in dict.fromkeys(map(str.__add__, key, key[1:])) if _plain(pair)]
    return pairs or [ch for ch in dict.fromkeys(key) if _plain(ch)]


COPY = "é"  # between a copy's part and its bucket: no part holds it (not a plain character)


def _stored(tiers: str, copy: bool) -> str:
    """A document's tier text as stored: a copy's tokens marked (`发展éc`)."""
    return " ".join(token[:-1] + COPY + token[-1] for token in tiers.split()) if copy else tiers


def add(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]], *, copy: bool = False) -> None:
    """(paragraph id, tier text) rows of a document (a copy's marked), inside
    the caller's transaction; empty texts are left out."""
    conn.executemany(
        "INSERT INTO paragraphs_tiers(rowid, tiers) VALUES (?, ?)", ((p, _stored(t, copy)) for p, t in rows if t)
    )


def remove(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]], *, copy: bool = False) -> None:
    """Forget rows that `add` was given (the same texts), inside the caller's transaction."""
    conn.executemany(
        "INSERT INTO paragraphs_tiers(paragraphs_tiers, rowid, tiers) VALUES ('delete', ?, ?)",
        ((p, _stored(t, copy)) for p, t in rows if t),
    )


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO paragraphs_tiers(paragraphs_tiers) VALUES ('delete-all')")


def _bm25(tf: float, tokens: float, mean: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * tokens / mean))


def bounds(mean: float) -> list[float]:
    """For each bucket, the most a paragraph with a character in it can score
    (over the phrase's IDF), for rows of `mean` tokens on average."""
    out = []
    for b in range(len(BUCKETS)):
        if b == len(BUCKETS) - 1:
            out.append(K1 + 1)  # bm25's own ceiling
            continue
        hi = LOW * STEP ** (b + 1) * (1 + 1e-9)  # above the bucket's rounding, to be safe
        at_length = _bm25(hi * (LENGTH + OFFSET), LENGTH, mean)
        unbounded = (K1 + 1) * hi / (hi + K1 * B / mean)
        out.append(max(at_length, unbounded))
    return out


def floor(mean: float) -> float:
    """The most a paragraph can score (over IDF) when a character of the phrase has no tier in it."""
    return _bm25(MIN_TF - 0.5, LENGTH, mean)


def holding(conn: sqlite3.Connection, part: str, buckets: range, *, copies: bool) -> list[int]:
    """The paragraphs (of every report once, or every copy too) that hold `part`
    (a character or a pair, `parts`) in one of these buckets."""
    marks = ("", COPY) if copies else ("",)
    expr = " OR ".join(f'"{part}{mark}{BUCKETS[b]}"' for b in buckets for mark in marks)
    rows = conn.execute("SELECT rowid FROM paragraphs_tiers WHERE paragraphs_tiers MATCH ?", (expr,))
    return [pid for (pid,) in rows]


def selective(conn: sqlite3.Connection, parts: Sequence[str], *, copies: bool) -> tuple[str, int]:
    """Of `parts`, the one that the fewest paragraphs hold in tiers, and how
    many hold it: its rows alone are candidates enough (a phrase scores at most
    what any one of its parts allows), and reading them costs least."""
    size = dict.fromkeys(parts, 0)
    marks = ("", COPY) if copies else ("",)
    chars = [part for part in parts if len(part) == 1]
    tokens = {f"{part}{mark}{bucket}": part for part in chars for bucket in BUCKETS for mark in marks}
    if tokens:  # a character's tokens one by one: a range would hold every pair it starts
        query = f"SELECT term, doc FROM paragraphs_tiers_vocab WHERE term IN ({','.join('?' * len(tokens))})"
        for token, docs in conn.execute(query, list(tokens)):
            size[tokens[token]] += docs
    for part in parts:  # a pair's tokens as one range of the vocabulary: ~30x faster than each of its 36-72
        if len(part) == 1:
            continue
        end = part[:-1] + chr(ord(part[-1]) + 1)
        for token, docs in conn.execute(_VOCAB_RANGE, (part, end)):
            rest = token[len(part) :]  # a bucket, or COPY and a bucket; else another part's token
            if (len(rest) == 1 or (copies and len(rest) == 2 and rest[0] == COPY)) and rest[-1] in BUCKETS:
                size[part] += docs
    part = min(parts, key=lambda part: size[part])
    return part, size[part]


_VOCAB_RANGE = "SELECT term, doc FROM paragraphs_tiers_vocab WHERE term >= ? AND term < ?"


def texts(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """(text, initiative title) of each paragraph, by id."""
    out: dict[int, tuple[str, str | None]] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        for pid, body, title in conn.execute(f"SELECT id, text, title FROM paragraphs WHERE id IN ({marks})", chunk):
            out[pid] = (body, title)
    return out

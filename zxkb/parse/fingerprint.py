"""A report's text as a set of normalised sentences (pure), to recognise the same
report stored from different sources: the State Council's site, Wikisource and
another scraper's files break lines, paragraphs and punctuation differently,
write digits full- or half-width and characters traditional or simplified, but
the sentences stay.

A sentence is a stretch of a body paragraph between sentence marks (。！？；),
folded (zxkb.textnorm) and stripped of everything but letters and digits; only
sentences of at least MIN_CHARS such characters count (`各位代表` says nothing
about which report this is). Each is hashed to a 63-bit integer.

The share two reports have in common is their containment: the sentences they
share over the sentences of the smaller one, so that one page of a report cut
into four, or a report without its glossary, is still found inside the whole.
For the look-up, a sketch keeps the hashes divisible by SAMPLE: the same
sentences are kept from every copy, so the sketches' containment estimates the
whole texts' (zxkb.store.reports)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from zxkb import textnorm

MIN_CHARS = 10
SAMPLE = 4
_MARKS = re.compile(r"[。！？；!?;]")
_NOT_WORD = re.compile(r"[\W_]+")


def sentence_hashes(texts: Iterable[str], *, folded: bool = False) -> tuple[int, ...]:
    """The distinct sentence hashes of a report's body paragraphs, ascending
    (`folded`: the texts are folded already, as zxkb.textnorm.fold gives them)."""
    found: set[int] = set()
    for text in texts:
        for sentence in _MARKS.split(text if folded else textnorm.fold(text)):
            key = _NOT_WORD.sub("", sentence)
            if len(key) >= MIN_CHARS:
                digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
                found.add(int.from_bytes(digest, "big") >> 1)
    return tuple(sorted(found))


def sketch(hashes: Iterable[int]) -> tuple[int, ...]:
    """The hashes kept for the look-up (one in SAMPLE, the same ones in every copy)."""
    return tuple(h for h in hashes if h % SAMPLE == 0)


def containment(a: Iterable[int], b: Iterable[int]) -> float:
    """Shared sentences over those of the smaller set, 0..1 (0 when either is empty)."""
    sa, sb = set(a), set(b)
    smaller = min(len(sa), len(sb))
    return len(sa & sb) / smaller if smaller else 0.0

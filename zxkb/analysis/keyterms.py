"""The terms of a paragraph that two reports share, weighted (pure): what
track matches a plan item by, and compare matches initiatives by.

A paragraph's terms are the vocabulary's terms (zxkb.vocab: rjieba's words,
recurring phrases, quoted terms, titles) that occur in its folded text, found
by looking its substrings up in the set of terms at hand (the terms of the
reports compared, from the vocabulary's per-document lists: nothing is
segmented again); numbers with their unit (`6500万吨`, `3%`) count as terms too.
What a term weighs is local to the reports at hand (`specificity`): a term
most paragraphs of a report have (发展, 这样) tells little, one that few have
(去产能) much; so a match does not change when other reports are ingested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping

MAX_TERM = 10  # characters: longer vocabulary terms are titles and quotations
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z0-9]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?(?:[%‰]|(?:万亿|亿|万|千)?(?:元|吨|人|户|公里|千瓦|平方米|立方米|亩|公顷|套|所|个|项|家|座|辆|台|头|件|次|名))"
)
NUMBER_WEIGHT = 2.0  # a number shared by a plan and a review is a strong sign, but numbers repeat by chance too


def usable(term: str) -> bool:
    """A vocabulary term worth matching on: 2 to MAX_TERM letters, digits or Chinese
    characters (no punctuation: titles and quotations are not terms here), two of them Chinese."""
    return 2 <= len(term) <= MAX_TERM and _RUN.fullmatch(term) is not None and len(_HAN.findall(term)) >= 2


def terms_in(folded: str, vocabulary: Container[str]) -> set[str]:
    """The terms of `vocabulary` that occur in the folded text."""
    found: set[str] = set()
    for run in _RUN.findall(folded):
        n = len(run)
        for i in range(n - 1):
            for j in range(i + 2, min(n, i + MAX_TERM) + 1):
                gram = run[i:j]
                if gram in vocabulary:
                    found.add(gram)
    return found


def specificity(paragraphs: int, with_term: int) -> float:
    """How much a term tells one paragraph of a report from the others:
    log(1 + paragraphs / paragraphs with it); ln 2 for a term every one has."""
    return math.log(1 + paragraphs / max(1, with_term))


def numbers_in(folded: str) -> set[str]:
    """Numbers with a unit or a measure word (`6500万吨`, `6.5%`, `1000万人`): not bare numbers, years or ordinals."""
    out = set()
    for m in _NUMBER.finditer(folded):
        out.add(m.group())
    return out


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two weighted term sets (0..1)."""
    if not a or not b:
        return 0.0
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def leading(shared: Iterable[str]) -> list[str]:
    """Shared terms as a person reads them: in the order given, without those
    inside another one (产能 when 过剩产能 is there)."""
    terms = list(dict.fromkeys(shared))
    return [t for t in terms if not any(t != other and t in other for other in terms)]

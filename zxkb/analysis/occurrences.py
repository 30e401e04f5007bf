"""Occurrences of a term in a paragraph, counted exactly and fast (pure).

The rule: a term's occurrences in a paragraph are counted in its folded text
(zxkb.textnorm.fold, the text search matches), left to right and without
overlaps, as Python's str.count does; a query of several keys (`远程 协商`,
`a OR b`) counts every match of any of them, the longest first where two
start at one place (a regular expression `longest|…|shortest`).

Folding a paragraph costs ~0.2 ms (NFKC): far too much for the tens of
thousands of paragraphs a common term has. But the stored text and the folded
text hold the same occurrences of a key unless the text has a character that
folds into one of the key's characters (traditional 發 for 发, full-width or
upper-case letters, compatibility ideographs), that folds away (spaces,
zero-width characters: `高质量 发展`), that folding may join to its neighbour
(combining marks, when the key has a character that composes), or that folding
changes and the key holds. `Counter` looks for those characters with one
regular expression (~1 µs a paragraph) and folds only the paragraphs that
have one: every other character folds to itself or to characters the key does
not have, one by one, so an occurrence in the folded text is one in the stored
text and back. The classes of characters come from zxkb/data/fold_classes.txt
(tools/gen_fold_classes.py, checked by a test) and the t2s table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from zxkb import textnorm

_DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "fold_classes.txt")


@lru_cache(maxsize=1)
def _classes() -> dict[str, tuple[tuple[int, int], ...]]:
    out: dict[str, tuple[tuple[int, int], ...]] = {}
    with open(_DATA, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, *spans = line.split()
            out[name] = tuple(_span(span) for span in spans)
    return out


def _span(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    return int(lo, 16), int(hi or lo, 16)


def _chars(spans: Iterable[tuple[int, int]]) -> Iterator[str]:
    for lo, hi in spans:
        yield from map(chr, range(lo, hi + 1))


@lru_cache(maxsize=1)
def _changed() -> tuple[tuple[str, str], ...]:
    """(character, its folded form) for every character folding changes, beyond the t2s table's pairs."""
    table = textnorm._t2s_table()
    pairs = [(c, textnorm.fold(c)) for c in _chars(_classes()["changed"])]
    pairs += [(chr(trad), chr(simp)) for trad, simp in table.items()]
    return tuple(pairs)


@lru_cache(maxsize=1)
def _composes() -> frozenset[str]:
    return frozenset(_chars(_classes()["composes"])) | frozenset(_chars(_classes()["composing"]))


@lru_cache(maxsize=1)
def _changed_by_char() -> dict[str, frozenset[str]]:
    """Character -> the characters of _changed() that are it or fold into something holding it."""
    out: dict[str, set[str]] = {}
    for c, folded in _changed():
        for ch in {c, *folded}:
            out.setdefault(ch, set()).add(c)
    return {ch: frozenset(cs) for ch, cs in out.items()}


def unsafe_chars(keys: Iterable[str]) -> str:
    """The characters whose presence in a text may make its folded text hold
    another number of occurrences of `keys` (folded) than the text itself."""
    held = set("".join(keys))
    out = set(_chars(_classes()["dropped"]))
    index = _changed_by_char()
    for ch in held:
        out.update(index.get(ch, ()))
    if not held.isdisjoint(_composes()):
        out.update(_chars(_classes()["composing"]))
    return "".join(sorted(out))


def _char_class(chars: str) -> str:
    """A regular expression's class of `chars` (sorted), as ranges, and every
    character beyond the BMP: the re module tries those one by one (a class of
    80 of them made the search 100x slower), and reports hardly have any."""
    spans: list[list[int]] = [[0x10000, 0x10FFFF]]
    for cp in (ord(c) for c in chars if c <= "\uffff"):
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    items = (re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in spans)
    return "[" + "".join(items) + "]"


@lru_cache(maxsize=256)
def _unsafe_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_char_class(unsafe_chars(keys)))


class Counter:
    """Counts the occurrences of folded `keys` in paragraphs' stored text, by
    the rule of the module docstring."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(sorted({k for k in keys if k}, key=lambda k: (-len(k), k)))
        if not self.keys:
            raise ValueError("no key to count")
        self.unsafe = _unsafe_pattern(self.keys)
        self.pattern = re.compile("|".join(map(re.escape, self.keys)))
        self.folds = 0  # paragraphs that had to be folded (for the benchmark)

    def text(self, text: str) -> str:
        """`text` where its occurrences are those of its folded text: itself, or folded."""
        if self.unsafe.search(text) is None:
            return text
        self.folds += 1
        return textnorm.fold(text)

    def count(self, text: str) -> int:
        text = self.text(text)
        if len(self.keys) == 1:
            return text.count(self.keys[0])
        return sum(1 for _ in self.pattern.finditer(text))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the occurrences are in `text` (the stored text), as [start, end) spans."""
        if self.unsafe.search(text) is None:
            return [m.span() for m in self.pattern.finditer(text)]
        folded, starts, ends = textnorm.fold_map(text)
        return [(starts[m.start()], ends[m.end() - 1]) for m in self.pattern.finditer(folded)]

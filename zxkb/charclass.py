"""A regular expression of one character class, compiled when it is first worth it.

sre compiles a class that holds the CJK ranges in ~2 ms (it marks the 27,000
code points of the ranges one by one, twice), and zxkb.textnorm has three, that
a search would compile for a query of two characters. A CharClass answers
`search`, `finditer` and `sub` as its expression does; until it is compiled it
answers a text that holds none of the class's characters itself (nothing to
find, nothing to replace), looking at each distinct character of the text once
(a code point among the class's sorted ranges, remembered). The first text
that holds one of them, or the 64th text, compiles the expression; from then
on the expression answers, and the module's global that named the CharClass
names the compiled expression itself (no call in between).

Only what zxkb.textnorm's classes use is read: `[...]` or `[^...]`, optionally
followed by `+`, of characters, ranges `a-z` and backslash-escaped characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

ANSWERED_BEFORE_COMPILING = 64  # texts; then the expression is faster than looking at their characters


def ranges(pattern: str) -> tuple[bool, tuple[tuple[int, int], ...]]:
    """(negated, the code-point ranges listed) of `[...]`, `[^...]`, `[...]+`; ValueError for anything else."""
    body = pattern.removesuffix("+")
    if not (body.startswith("[") and body.endswith("]")):
        raise ValueError(f"not one character class: {pattern!r}")
    body = body[1:-1]
    negated = body.startswith("^")
    chars: list[tuple[str, bool]] = []  # (character, escaped)
    i = int(negated)
    while i < len(body):
        if body[i] == "\\":
            if i + 1 == len(body) or body[i + 1].isalnum():  # \d, \w, \u... are not read here
                raise ValueError(f"an escape this reader does not know in {pattern!r}")
            chars.append((body[i + 1], True))
            i += 2
        elif body[i] in "[]":
            raise ValueError(f"an unescaped bracket in {pattern!r}")
        else:
            chars.append((body[i], False))
            i += 1
    found: list[tuple[int, int]] = []
    j = 0
    while j < len(chars):
        if j + 2 < len(chars) and chars[j + 1] == ("-", False):
            lo, hi = ord(chars[j][0]), ord(chars[j + 2][0])
            if lo > hi:
                raise ValueError(f"a range that ends before it starts in {pattern!r}")
            found.append((lo, hi))
            j += 3
        else:
            found.append((ord(chars[j][0]), ord(chars[j][0])))
            j += 1
    merged: list[tuple[int, int]] = []  # overlapping ranges as one, so that a code point is in at most one
    for lo, hi in sorted(found):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return negated, tuple(merged)


class CharClass:
    def __init__(self, pattern: str, module: dict[str, Any], name: str) -> None:
        """`pattern` as re.compile takes it; `module[name]` is replaced by the compiled expression."""
        self.pattern = pattern
        self._negated, ranges_ = ranges(pattern)
        self._starts = [lo for lo, _ in ranges_]
        self._ends = [hi for _, hi in ranges_]
        self._module, self._name = module, name
        self._compiled: re.Pattern[str] | None = None
        self._answered = 0
        self._in: set[str] = set()  # characters seen that the class matches
        self._out: set[str] = set()  # and those it does not

    def _matched(self, ch: str) -> bool:
        cp = ord(ch)
        i = bisect_right(self._starts, cp) - 1
        return (i >= 0 and cp <= self._ends[i]) != self._negated

    def _expression(self, text: str) -> re.Pattern[str] | None:
        """The compiled expression, or None when `text` holds nothing the class matches."""
        if self._compiled is None and self._answered < ANSWERED_BEFORE_COMPILING:
            chars = set(text)
            for ch in chars - self._in - self._out:
                (self._in if self._matched(ch) else self._out).add(ch)
            if chars.isdisjoint(self._in):
                self._answered += 1
                return None
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
            self._module[self._name] = self._compiled
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        expression = self._expression(text)
        return None if expression is None else expression.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        expression = self._expression(text)
        return iter(()) if expression is None else expression.finditer(text)

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        expression = self._expression(text)
        return text if expression is None else expression.sub(repl, text)

"""The one normaliser, shared by indexing and querying.

`fold` turns text into its search key:
- NFKC width folding (`２０１９` -> `2019`, `（一）` -> `(一)`, `㈠` -> `(一)`);
- case folding (`GDP` -> `gdp`);
- traditional -> simplified, character by character, from OpenCC's table
  (never the other way: simplified -> traditional is one-to-many);
- whitespace, zero-width and other format characters dropped, so that `手机 银行`
  and `手机银行` are the same key (Chinese has no spaces between words; the spaces
  in reports are layout).

`tokens` turns a key into the text stored in the FTS5 index: one token per
character, so that a phrase query of the query's tokens finds exactly the
paragraphs whose key contains the query's key (CONVENTIONS §2).

VERSION is stored in the database; when it changes the index is rebuilt.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from array import array
from functools import lru_cache

from zxkb.charclass import CharClass

VERSION = 1

# The character classes below are CharClasses (zxkb.charclass): compiled when a
# text first needs them (sre takes ~2 ms for a class with the CJK ranges), so a
# query of a few Han characters compiles none; then they are the compiled expressions.

# Characters whose NFKC form is themselves and that need no other folding are
# the common case; `fold` works on whole strings with C-level calls.


@lru_cache(maxsize=1)
def _t2s_pairs() -> tuple[str, str]:
    """The traditional characters and their simplified forms, position by position."""
    with open(os.path.join(os.path.dirname(__file__), "data", "t2s.txt"), encoding="utf-8") as f:
        data = f.read()
    traditional, simplified = data.split("\n")[:2]
    return traditional, simplified


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[int, int], frozenset[str]]:
    """The translate table, and the characters it changes: checking a text for
    them costs a fifth of translating it, and most texts have none. The table
    is filled when a text first needs it (_T2STable): ~0.6 ms that a search
    of simplified text does not spend."""
    return _lazy_table(), frozenset(_t2s_pairs()[0])


@lru_cache(maxsize=1)
def _lazy_table() -> dict[int, int]:
    return _T2STable()


# A text this short (a query) has its characters looked for in the string of
# traditional characters: the set of them costs ~0.9 ms to make, once.
SHORT_TEXT = 32


def _traditional_in(text: str) -> bool:
    if len(text) <= SHORT_TEXT:
        return any(map(_t2s_pairs()[0].__contains__, text))
    return not _t2s()[1].isdisjoint(text)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    """Traditional -> simplified, the pairs of the table and no others."""
    return str.maketrans(*_t2s_pairs())


class _T2STable(dict):  # type: ignore[type-arg]
    """str.translate table: _t2s_table()'s pairs, taken at the first character
    looked up; every other character looked up is kept as itself (so that
    str.translate asks for it once)."""

    def __missing__(self, cp: int) -> int:
        if not self:
            self.update(_t2s_table())
            if cp in self:
                return int(self[cp])
        self[cp] = cp
        return cp


class _DropTable(dict):  # type: ignore[type-arg]
    """str.translate table: whitespace and format (Cf) / control (Cc) characters -> deleted."""

    def __missing__(self, cp: int) -> int | None:
        ch = chr(cp)
        value = None if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc") else cp
        self[cp] = value
        return value


_DROP = _DropTable()


_FULL_WIDTH = CharClass("[\uff01-\uff5e]+", globals(), "_FULL_WIDTH")
_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # ！..～ -> !..~, as NFKC maps them


# The full-width forms reports are full of, mapped before the others are looked for
_COMMON_FULL_WIDTH = tuple((wide, chr(ord(wide) - 0xFEE0)) for wide in "，：；（）！？")


def _ascii(m: re.Match[str]) -> str:
    return m.group().translate(_TO_ASCII)


def fold(text: str) -> str:
    """The search key of `text` (see the module docstring)."""
    # Full-width forms (，（）１) are what keeps most report text from being NFKC
    # already: mapped to ASCII first (their NFKC forms, so the result is the
    # same), the check is then ~100x cheaper than normalize (0.2 µs a character)
    for wide, narrow in _COMMON_FULL_WIDTH:  # str.replace in C: no call back for each comma
        if wide in text:
            text = text.replace(wide, narrow)
    text = _FULL_WIDTH.sub(_ascii, text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if _traditional_in(text):
        text = text.translate(_lazy_table())
    if not text.isprintable() or " " in text:  # whitespace, format or control characters to drop
        text = text.translate(_DROP)
    return text


# Characters that fold to exactly one character, alone and in any company: Han
# ideographs, ASCII letters and digits, full-width forms, common CJK punctuation.
# A text made only of them folds position by position (the common case).
_ONE_TO_ONE = CharClass(
    "[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9\uff01-\uff5e\u3001\u3002\u300a-\u3011\u2018\u2019\u201c\u201d"
    "\u2014\u00b7%,.:;!?()\\[\\]/+\\-]",
    globals(),
    "_ONE_TO_ONE",
)


def fold_map(text: str) -> tuple[str, list[int], list[int]]:
    """`fold(text)` with, for each folded character, the [start, end) span in `text`
    it came from. Used to cut snippets and highlights from the original text.

    Runs of characters that fold one to one are folded whole; only the others
    (a base character with the combining marks after it, whitespace, `…`, `〇`)
    one by one: a long paragraph with a few of them costs little more than one
    without (the ranking puts long paragraphs first)."""
    n = len(text)
    if not _ONE_TO_ONE.search(text):
        folded = fold(text)
        if len(folded) == n:
            return folded, list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def run(i: int, j: int) -> None:
        """Characters i..j that fold one to one."""
        if i >= j:
            return
        piece = fold(text[i:j])
        if len(piece) == j - i:
            out.append(piece)
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
        else:  # not one to one after all: character by character
            for k in range(i, j):
                group(k, k + 1)

    def group(i: int, j: int) -> None:
        piece = fold(text[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))

    i = 0
    for m in _ONE_TO_ONE.finditer(text):
        j = m.start()
        if j < i:  # a combining mark taken with its base already
            continue
        if unicodedata.combining(text[j]) and j > i:
            j -= 1  # the base character goes with its marks
        run(i, j)
        end = j + 1
        while end < n and unicodedata.combining(text[end]):
            end += 1
        group(j, end)
        i = end
    run(i, n)
    return "".join(out), starts, ends


# Stored as themselves: FTS5's unicode61 tokenizer keeps each as a token of its
# own once they are space-separated.
# Every other character becomes an ASCII token `x<hex>`, so punctuation and rare
# scripts are matched exactly too, never dropped by the tokenizer. Real
# single-letter tokens cannot collide with these longer ones.
_NOT_PLAIN = CharClass("[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff ]", globals(), "_NOT_PLAIN")
_ENCODED: dict[str, str] = {}


def _encode(m: re.Match[str]) -> str:
    ch = m.group()
    token = _ENCODED.get(ch)
    if token is None:
        token = _ENCODED[ch] = f"x{ord(ch):x}"
    return token


# `" ".join(key)` makes a string object of each character on the way; the same
# text is made in C as 32-bit code units, the key's between spaces (a third of
# the time of an ingest's tokens).
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_SPACES = array("I", [ord(" ")]) if array("I").itemsize == 4 else None


def _spaced(key: str) -> str:
    """`" ".join(key)`."""
    if _SPACES is None or len(key) < 2:
        return " ".join(key)
    units = array("I")
    try:
        units.frombytes(key.encode(_UTF32))
    except UnicodeEncodeError:  # a lone surrogate (a query can hold one): no code unit of its own
        return " ".join(key)
    out = _SPACES * (2 * len(units) - 1)
    out[::2] = units
    return out.tobytes().decode(_UTF32)


def tokens(key: str) -> str:
    """FTS5 text for a search key: one space-separated token per character."""
    return _NOT_PLAIN.sub(_encode, _spaced(key))


def index_text(text: str) -> str:
    """What the FTS index stores for a paragraph."""
    return tokens(fold(text))


def title_tokens(key: str, title: str | None) -> str:
    """What the index's title column stores for a paragraph whose search key is
    `key`: the tokens of its folded `title` when the key contains it (so that a
    match in the title is a match in the text) and says more than the title and
    its full stop (a bare lead line such as 打造一流营商环境。 is all title: its
    words gain nothing from being one); else nothing."""
    folded = fold(title) if title else ""
    return tokens(folded) if folded and folded in key and len(key) > len(folded) + 1 else ""

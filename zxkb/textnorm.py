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
import unicodedata
from functools import lru_cache

VERSION = 1

# Characters whose NFKC form is themselves and that need no other folding are
# the common case; `fold` works on whole strings with C-level calls.


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[int, int], frozenset[str]]:
    """The translate table, and the characters it changes: checking a text for
    them costs a fifth of translating it, and most texts have none."""
    with open(os.path.join(os.path.dirname(__file__), "data", "t2s.txt"), encoding="utf-8") as f:
        data = f.read()
    traditional, simplified = data.split("\n")[:2]
    return str.maketrans(traditional, simplified), frozenset(traditional)


def _t2s_table() -> dict[int, int]:
    return _t2s()[0]


class _DropTable(dict):  # type: ignore[type-arg]
    """str.translate table: whitespace and format (Cf) / control (Cc) characters -> deleted."""

    def __missing__(self, cp: int) -> int | None:
        ch = chr(cp)
        value = None if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc") else cp
        self[cp] = value
        return value


_DROP = _DropTable()


def fold(text: str) -> str:
    """The search key of `text` (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    table, traditional = _t2s()
    if not traditional.isdisjoint(text):
        text = text.translate(table)
    if not text.isprintable() or " " in text:  # whitespace, format or control characters to drop
        text = text.translate(_DROP)
    return text


# Characters that fold to exactly one character, alone and in any company: Han
# ideographs, ASCII letters and digits, full-width forms, common CJK punctuation.
# A text made only of them folds position by position (the common case).
_ONE_TO_ONE = re.compile(
    "[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9\uff01-\uff5e\u3001\u3002\u300a-\u3011\u2018\u2019\u201c\u201d"
    "\u2014\u00b7%,.:;!?()\\[\\]/+\\-]"
)


def fold_map(text: str) -> tuple[str, list[int], list[int]]:
    """`fold(text)` with, for each folded character, the [start, end) span in `text`
    it came from. Used to cut snippets and highlights from the original text."""
    if not _ONE_TO_ONE.search(text):
        folded = fold(text)
        if len(folded) == len(text):
            return folded, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # a base character and the combining marks that follow it fold together
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = fold(text[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(out), starts, ends


# Stored as themselves: FTS5's unicode61 tokenizer keeps each as a token of its
# own once they are space-separated.
# Every other character becomes an ASCII token `x<hex>`, so punctuation and rare
# scripts are matched exactly too, never dropped by the tokenizer. Real
# single-letter tokens cannot collide with these longer ones.
_NOT_PLAIN = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff ]")
_ENCODED: dict[str, str] = {}


def _encode(m: re.Match[str]) -> str:
    ch = m.group()
    token = _ENCODED.get(ch)
    if token is None:
        token = _ENCODED[ch] = f"x{ord(ch):x}"
    return token


def tokens(key: str) -> str:
    """FTS5 text for a search key: one space-separated token per character."""
    return _NOT_PLAIN.sub(_encode, " ".join(key))


def index_text(text: str) -> str:
    """What the FTS index stores for a paragraph."""
    return tokens(fold(text))

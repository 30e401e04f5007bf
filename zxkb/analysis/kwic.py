"""Keyword in context (pure): each occurrence of a term as one line, cut from
the paragraph's stored text with `width` characters on each side."""

from __future__ import annotations

import re

from zxkb.analysis.occurrences import Counter
from zxkb.models import Concordance

DEFAULT_WIDTH = 15
_SPACE = re.compile(r"\s")


def _flat(text: str) -> str:
    """Line breaks and other white space as plain spaces: one occurrence, one line."""
    return _SPACE.sub(" ", text)


def lines(ref: str, text: str, counter: Counter, width: int = DEFAULT_WIDTH) -> list[Concordance]:
    """The occurrences of `counter`'s keys in `text` (the paragraph `ref`), in order."""
    return [
        Concordance(
            ref, _flat(text[max(0, start - width) : start]), _flat(text[start:end]), _flat(text[end : end + width])
        )
        for start, end in counter.spans(text)
    ]

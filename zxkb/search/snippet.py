"""Where a query's keys occur in a paragraph, and a snippet cut from the
original text around them (pure)."""

from __future__ import annotations

from zxkb import textnorm

BEFORE = 24  # characters of context before the first match
WIDTH = 100  # characters in a snippet
ELLIPSIS = "…"
CLAUSE_END = "，。；：！？、,;:!?"  # a snippet cut inside the text starts after one of these when it can


def match_spans(text: str, keys: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of `text` (original offsets) whose folded form equals one of `keys`,
    sorted and merged."""
    folded, starts, ends = textnorm.fold_map(text)
    spans: list[tuple[int, int]] = []
    for key in keys:
        if not key:
            continue
        pos = folded.find(key)
        while pos != -1:
            spans.append((starts[pos], ends[pos + len(key) - 1]))
            pos = folded.find(key, pos + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def cut(text: str, spans: list[tuple[int, int]], width: int = WIDTH) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of `text` around the first span, with `…` where it was cut, and
    the spans that fall inside it, relative to the snippet."""
    if len(text) <= width:
        return text, tuple(spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - BEFORE, len(text) - width))
    if start > 0:
        start = _clause_start(text, start, first)
    end = min(len(text), start + width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start)
    return prefix + text[start:end] + suffix, inside


def _clause_start(text: str, start: int, first: int) -> int:
    """Where a snippet that would start at `start` (before the first match at
    `first`) starts instead: just after the nearest clause mark at or after
    `start` and before the match, so that it opens on a clause and never on a
    comma; else `start`, past any clause marks there."""
    for i in range(start, first):
        if text[i] in CLAUSE_END and i + 1 < first:
            return i + 1
    while start < first and text[start] in CLAUSE_END:
        start += 1
    return start

"""A PDF page's characters -> its lines in reading order, with the geometry
that tells paragraphs apart (pure: no PDF library here; zxkb.formats.pdf_file
reads the characters).

- Rows: characters whose vertical extents overlap, in x order; a gap of more
  than a character's width between two of them separates segments (a column's
  gutter, a table's cells). Overprinted copies of a character (bold simulated by
  printing twice) count once.
- Reading order by recursive cuts (XY-cut): a block whose segments leave a
  vertical gutter free (at least GUTTER em wide, with more than one row beside
  it) is read column by column, left to right; otherwise it is cut at its
  widest horizontal gap, top part first. So a headline above two columns, a
  running header and a page number fall where a reader finds them.
- Each column (or the whole page when it has none) is a region with a left and
  a right edge; each line gets its indentation and the room left at its end in
  characters (em), whether it is centred, and its line pitch against the
  region's usual one. A region of a few lines takes the edges of the page's
  body region it lies in (a last page of three lines is not a narrow column).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from statistics import median
from typing import NamedTuple

from zxkb.parse.pages import EDGE_SHARE, PageLine

SEGMENT_GAP = 0.6  # em: a wider gap inside a row separates two segments
GUTTER = 0.5  # em: the narrowest gap between two columns
CENTRED = 1.5  # em: a centred line leaves at least this much on each side
CENTRED_SKEW = 1.0  # em: and as much on both, give or take this
MAX_BANDS = 400  # a block with more rows than this is read row by row (no cuts): a pathological page
HANGING = set("。，、；：？！）》」』】〕”’,.;:?!)")  # may hang past the right edge


class Char(NamedTuple):
    """A character as drawn: its box in points from the page's top left."""

    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


class PageChars(NamedTuple):
    """What a page holds, as the reader found it."""

    width: float
    height: float
    chars: Sequence[Char]  # horizontal text
    stray: str = ""  # text that is not horizontal (a watermark): page chrome
    unmapped: int = 0  # glyphs the fonts do not map to characters


class _Seg(NamedTuple):
    chars: tuple[Char, ...]
    x0: float
    x1: float
    top: float
    bottom: float


def _wide(ch: str) -> bool:
    return ch >= "\u2e80" or "\u2010" <= ch <= "\u206f"


def _segments(chars: Sequence[Char]) -> list[_Seg]:
    """Rows of overlapping characters, cut into segments at wide gaps."""
    rows: list[list[Char]] = []
    bottom = -1e9
    for c in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (c.top + c.bottom) / 2
        if rows and middle <= bottom:
            rows[-1].append(c)
            bottom = max(bottom, min(c.bottom, middle + c.size * 0.4))
        else:
            rows.append([c])
            bottom = middle + c.size * 0.4
    segs: list[_Seg] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        kept: list[Char] = []
        for c in row:
            if any(k.ch == c.ch and abs(k.x0 - c.x0) < 0.3 * c.size for k in kept[-2:]):
                continue  # the same character printed again on top of itself
            if kept and c.x0 - _ink_end(kept[-1]) > SEGMENT_GAP * max(c.size, kept[-1].size):
                segs.append(_seg(kept))
                kept = []
            kept.append(c)
        if kept:
            segs.append(_seg(kept))
    return segs


def _ink_end(c: Char) -> float:
    """Where a character's ink ends: full-width punctuation fills the left half of its box."""
    return c.x0 + 0.5 * c.size if c.ch in HANGING and c.ch > "\u2000" else c.x1


def _seg(chars: list[Char]) -> _Seg:
    """A segment; its right end is that of its last character that does not hang
    (punctuation set past a column's edge must not close the gutter)."""
    core = len(chars)
    while core > 1 and chars[core - 1].ch in HANGING:
        core -= 1
    return _Seg(
        tuple(chars),
        chars[0].x0,
        max(c.x1 for c in chars[:core]),
        min(c.top for c in chars),
        max(c.bottom for c in chars),
    )


def _bands(segs: Sequence[_Seg]) -> list[list[_Seg]]:
    """Segments grouped by vertical overlap (a band: one row, whatever its columns)."""
    bands: list[list[_Seg]] = []
    bottom = -1e9
    for s in sorted(segs, key=lambda s: s.top):
        if bands and s.top < bottom:
            bands[-1].append(s)
            bottom = max(bottom, s.bottom)
        else:
            bands.append([s])
            bottom = s.bottom
    return bands


def _columns(segs: Sequence[_Seg]) -> list[list[_Seg]] | None:
    """The block's columns, when free gutters divide it."""
    size = median(c.size for s in segs for c in s.chars[:1])
    groups: list[list[_Seg]] = []
    right = -1e9
    for s in sorted(segs, key=lambda s: s.x0):
        if groups and s.x0 - right < GUTTER * size:
            groups[-1].append(s)
        else:
            groups.append([s])
        right = max(right, s.x1) if len(groups[-1]) > 1 else s.x1
    if len(groups) < 2 or not any(len(_bands(g)) > 1 for g in groups):
        return None
    return groups


def _split(segs: Sequence[_Seg]) -> tuple[list[_Seg], list[_Seg]] | None:
    """The block cut at its widest horizontal gap (the first of equals)."""
    bands = _bands(segs)
    if len(bands) < 2:
        return None
    best, at = -1e9, 0
    for i in range(1, len(bands)):
        gap = min(s.top for s in bands[i]) - max(s.bottom for s in bands[i - 1])
        if gap > best + 0.5:
            best, at = gap, i
    return [s for b in bands[:at] for s in b], [s for b in bands[at:] for s in b]


def reading_order(chars: Sequence[Char]) -> list[tuple[int, list[_Seg]]]:
    """The page's rows in reading order, each with the id of its region
    (0: the page; 1, 2, ...: columns)."""
    out: list[tuple[int, list[_Seg]]] = []
    regions = 0
    stack: list[tuple[int, list[_Seg]]] = [(0, _segments(chars))] if chars else []
    while stack:
        region, segs = stack.pop()
        if len(_bands(segs)) > MAX_BANDS:
            out.extend((region, band) for band in _bands(segs))
            continue
        columns = _columns(segs) if len(segs) > 1 else None
        if columns:
            parts = []
            for column in columns:
                regions += 1
                parts.append((regions, column))
            stack.extend(reversed(parts))
            continue
        halves = _split(segs)
        if halves is None:
            out.append((region, sorted(segs, key=lambda s: s.x0)))
            continue
        stack.append((region, halves[1]))
        stack.append((region, halves[0]))
    return out


class _Row(NamedTuple):
    region: int
    text: str
    x0: float
    x1: float
    core: float  # where its last character that cannot hang ends
    top: float
    bottom: float
    size: float
    bold: bool


def _row(region: int, segs: list[_Seg]) -> _Row | None:
    chars = [c for s in segs for c in s.chars]
    out: list[str] = []
    prev: Char | None = None
    visible = [c for c in chars if not c.ch.isspace()]
    if not visible:
        return None
    for c in chars:
        if c.ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            prev = c if prev is None else prev
            continue
        if prev is not None and out and out[-1] != " ":
            gap = c.x0 - prev.x1
            wide = _wide(c.ch) or _wide(prev.ch)
            if gap > (0.6 if wide else 0.2) * max(c.size, prev.size):
                out.append(" ")
        out.append(c.ch)
        prev = c
    sizes = Counter(round(c.size * 2) / 2 for c in visible)
    core = len(visible)
    while core > 1 and visible[core - 1].ch in HANGING:
        core -= 1
    return _Row(
        region,
        "".join(out).strip(),
        visible[0].x0,
        visible[-1].x1,
        visible[core - 1].x1,
        min(c.top for c in visible),
        max(c.bottom for c in visible),
        sizes.most_common(1)[0][0],
        all(c.bold for c in visible),
    )


def _in_margins(rows: list[_Row], height: float) -> set[int]:
    """The rows (by id) that may be running headers and footers: among the first
    or last three of the page, near its top or bottom edge. They do not say
    where the text's edges are."""
    ordered = sorted(rows, key=lambda r: r.top)
    top = [r for r in ordered[:3] if r.top <= EDGE_SHARE * height]
    bottom = [r for r in ordered[-3:] if height - r.bottom <= EDGE_SHARE * height]
    return {id(r) for r in top + bottom}


def _upper(values: list[float], support: int, slack: float) -> float:
    """The largest value that at least `support` values come within `slack` of."""
    ordered = sorted(values, reverse=True)
    for v in ordered:
        if sum(1 for w in ordered if w >= v - slack) >= support:
            return v
    return ordered[0]


def _edges(rows: list[_Row]) -> tuple[float, float]:
    size = median(r.size for r in rows)
    support = max(2, len(rows) // 5)
    right = _upper([r.core for r in rows], min(support, len(rows)), 0.5 * size)
    left = -_upper([-r.x0 for r in rows], min(support, len(rows)), 0.5 * size)
    return left, right


def page_lines(pages: Sequence[PageChars]) -> list[PageLine]:
    """Every page's lines in reading order (a page's stray text last, as chrome)."""
    rows_of: list[list[_Row]] = []
    for page in pages:
        rows = [r for r in (_row(region, segs) for region, segs in reading_order(page.chars)) if r is not None]
        rows_of.append(rows)
    # each region's edges; a small one takes those of the largest region around it
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    big: list[tuple[int, float, float]] = []  # (lines, left, right) of regions with enough lines to judge
    for p, rows in enumerate(rows_of):
        margins = _in_margins(rows, pages[p].height)
        for region in {r.region for r in rows}:
            mine = [r for r in rows if r.region == region]
            edges[p, region] = _edges([r for r in mine if id(r) not in margins] or mine)
            if len(mine) >= 5:
                big.append((len(mine), *edges[p, region]))
    # the usual line pitch of each font size, over the whole document (a page of short paragraphs has few)
    pitches: dict[float, list[float]] = {}
    for rows in rows_of:
        for a, b in itertools.pairwise(rows):
            if a.region == b.region and abs(a.size - b.size) < 0.5 and b.bottom > a.bottom:
                pitches.setdefault(round(b.size), []).append(b.bottom - a.bottom)
    usual_pitch = {size: median(values) for size, values in pitches.items()}
    lines: list[PageLine] = []
    for p, rows in enumerate(rows_of):
        counts = Counter(r.region for r in rows)
        prev: _Row | None = None
        for r in rows:
            left, right = edges[p, r.region]
            if counts[r.region] < 5:
                around = [b for b in big if b[1] - r.size <= r.x0 and r.x1 <= b[2] + r.size]
                if around:
                    _, left, right = max(around)
            same = prev is not None and prev.region == r.region
            pitch = r.bottom - prev.bottom if same and prev is not None else 0.0
            usual = usual_pitch.get(round(r.size), pitch)
            indent, room = (r.x0 - left) / r.size, (right - r.x1) / r.size
            lines.append(
                PageLine(
                    text=r.text,
                    page=p + 1,
                    top=r.top,
                    bottom=pages[p].height - r.bottom,
                    size=r.size,
                    indent=indent,
                    room=room,
                    centred=indent >= CENTRED and room >= CENTRED and abs(indent - room) <= CENTRED_SKEW,
                    gap=pitch / usual if same and usual > 0 else 0.0,
                    region=r.region,
                    bold=r.bold,
                )
            )
            prev = r
        stray = " ".join(pages[p].stray.split())
        if stray:
            lines.append(PageLine(stray, p + 1, 0.0, 0.0, 0.0, 0.0, 0.0, False, 0.0, -1, chrome=True))
    return lines

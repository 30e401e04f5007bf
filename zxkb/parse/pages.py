"""A paged document's lines -> report text (pure): what a PDF's text layer
needs before it reads like a text file.

- Running headers and footers (a line near the top or bottom edge whose text,
  digits aside, recurs on at least half of the pages, or of the odd or the even
  pages) and page numbers (`- 3 -`, `第3页`, `第 3 页 共 12 页`, `3/12`, `Page 3`, a
  bare number) are set apart as chrome: marked, kept in the text, never joined.
- Lines join into paragraphs by the rules the text formats use
  (zxkb.parse.lines, zxkb.parse.report): a line that does not end a sentence
  continues, unless the next one starts a heading, a list item or an indented
  paragraph. The layout says more than a text file can: a line that stops short
  of its column's right edge ends its paragraph; in a document whose paragraphs
  are indented (or spaced), a full line that ends a sentence goes on when the
  next line is not indented (or spaced); a wider line pitch or another font size starts a new paragraph;
  consecutive centred lines of one size (a title broken in two) join. A
  paragraph goes on across column and page breaks under the same rules.
- Lines set larger than the body text are headings (`#` by size, largest
  first); a paragraph wholly in bold is `**…**`; a bullet glyph opens a list item.

The text it returns is what zxkb.parse.lines reads when told the text is paged
(`paged_text`): paragraphs separated by blank lines, PAGE_BREAK lines between
pages, and chrome lines opening with CHROME_MARK. Chrome met inside a paragraph
that runs over a page break follows that paragraph, so every paragraph's page is
the one where it starts.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from zxkb.parse.headings import heading_number, is_part
from zxkb.parse.lines import CHROME_MARK, PAGE_BREAK
from zxkb.parse.report import ends_sentence

EDGE_SHARE = 0.12  # running headers and footers lie within this share of the page height from its edge
EDGE_LINES = 3  # and among the first or last lines of the page
RUNNING_SHARE = 0.5  # of the pages (or of the odd or even pages) a running line is on
FULL = 1.2  # em: a line that leaves less room than this at its end is full
INDENTED = 1.0  # em: a line that starts this much right of its column's edge is indented
WIDE_PITCH = 1.35  # a line pitch this much above the usual one separates paragraphs
HEADING_SIZE = 1.15  # a line this much larger than the body text is a heading
PARAGRAPH_MARK = 0.5  # share of paragraph starts indented (or spaced) above which the document marks paragraphs so

_NUMERAL = r"[0-9一二三四五六七八九十百零〇]+"
PAGE_NUMBER = re.compile(
    r"^(?:[-–—－~·•.\s]*\d{1,4}[-–—－~·•.\s]*"  # 3, - 3 -, —3—, · 3 ·
    rf"|第\s*{_NUMERAL}\s*页(?:\s*[/／,，、]?\s*共\s*{_NUMERAL}\s*页)?"  # 第3页, 第 3 页 共 12 页
    rf"|共\s*{_NUMERAL}\s*页\s*[/／,，、]?\s*第\s*{_NUMERAL}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3/12
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",  # Page 3 of 12
    re.I,
)
_DIGITS = re.compile(rf"\d+|(?<=第){_NUMERAL}(?=[页版])|(?<=共){_NUMERAL}(?=页)")
_SPACE = re.compile(r"\s+")
_BULLET = re.compile("^[•●▪■◆◇○◦\uf0b7\uf0a7\uf06c\uf0d8\uf076]\\s*")


class PageLine(NamedTuple):
    """One line of a page as laid out (zxkb.formats.pdf_layout measures it)."""

    text: str
    page: int  # 1-based
    top: float  # points from the page's top edge to the line's top
    bottom: float  # points from the line's bottom to the page's bottom edge
    size: float  # font size, points
    indent: float  # em from its column's left edge to the line's first character
    room: float  # em left between the line's end and its column's right edge
    centred: bool
    gap: float  # its line pitch over the column's usual one (0: the first line of a column)
    region: int  # the page's column the line is in (0: the page as a whole)
    bold: bool = False
    chrome: bool = False  # known to be chrome from the layout (text set at an angle: a watermark)


class _Para(NamedTuple):
    lines: tuple[PageLine, ...]
    chrome: bool


def _key(text: str) -> str:
    return _DIGITS.sub("#", _SPACE.sub("", text))


def running_chrome(lines: Sequence[PageLine], pages: int) -> set[int]:
    """Indexes of the running headers, footers and page numbers."""
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_page[line.page].append(i)
    edge: list[int] = []  # lines near the top or bottom edge
    for idx in by_page.values():
        height = max(lines[i].top + lines[i].bottom for i in idx)
        ordered = sorted(idx, key=lambda i: lines[i].top)
        top = [i for i in ordered[:EDGE_LINES] if lines[i].top <= EDGE_SHARE * height]
        bottom = [i for i in ordered[-EDGE_LINES:] if lines[i].bottom <= EDGE_SHARE * height]
        edge.extend(dict.fromkeys(top + bottom))
    found = {i for i in edge if PAGE_NUMBER.match(lines[i].text.strip())}
    found.update(i for i, line in enumerate(lines) if line.chrome)
    seen: dict[tuple[str, bool, float], set[int]] = defaultdict(set)
    for i in edge:
        line = lines[i]
        seen[_key(line.text), line.top < line.bottom, round(line.size)].add(line.page)
    odd, even = (pages + 1) // 2, pages // 2
    for i in edge:
        line = lines[i]
        on = seen[_key(line.text), line.top < line.bottom, round(line.size)]
        if len(on) < 2:
            continue
        parity = {p % 2 for p in on}
        share = len(on) / pages
        if parity == {1} and odd >= 2:
            share = max(share, len(on) / odd)
        elif parity == {0} and even >= 2:
            share = max(share, len(on) / even)
        if share >= RUNNING_SHARE:
            found.add(i)
    return found


def _starts_block(line: PageLine) -> bool:
    """A heading, a part of the report or a list item opens the line."""
    text = line.text
    return bool(heading_number(text)[0] or is_part(text) or _BULLET.match(text))


def _style(lines: Sequence[PageLine]) -> tuple[bool, bool]:
    """Does the document indent its paragraphs, does it space them? Judged on the
    lines that follow a line ending a sentence short of the edge (a paragraph's
    last line) in the same column."""
    after = [
        b
        for a, b in itertools.pairwise(lines)
        if not a.centred and not b.centred and a.room >= FULL and ends_sentence(a.text)
    ]
    if not after:
        return False, False
    indented = sum(b.indent >= INDENTED for b in after) / len(after)
    measured = [b for b in after if b.gap]
    spaced = bool(measured) and sum(b.gap >= WIDE_PITCH for b in measured) / len(measured)
    return indented >= PARAGRAPH_MARK, spaced >= PARAGRAPH_MARK


def _continues(first: PageLine, prev: PageLine, line: PageLine, style: tuple[bool, bool], body: float) -> bool:
    """Does `line` go on with the paragraph that opened with `first` and ends with `prev` for now?"""
    if abs(line.size - prev.size) >= 0.5 or line.bold != prev.bold:
        return False
    if line.centred:  # a title broken over two lines: a full or centred line, then a centred one, larger than the text
        full = prev.room < FULL and prev.indent < FULL
        return (prev.centred or full) and line.size > body * 1.05 and not ends_sentence(prev.text)
    if prev.centred:
        return False
    # a list item's lines hang under its text: indented, but less than a new paragraph would be
    hanging = _starts_block(first) and first.indent + 0.3 <= line.indent <= first.indent + 4
    if (line.indent >= INDENTED and not hanging) or prev.room >= FULL or line.gap >= WIDE_PITCH:
        return False
    indents, spaced = style
    # where the pitch cannot be measured (the top of a column or page), spacing says nothing
    marked = indents or (spaced and line.gap > 0)
    if _starts_block(line):
        # `三、` after a full line that does not end a sentence, in a document that
        # indents its paragraphs, is the text going on (`念之再` / `三、铭之肺腑`)
        return marked and not ends_sentence(prev.text) and not _BULLET.match(line.text)
    # a full line that ends a sentence goes on where the document marks its paragraphs otherwise
    return marked or not ends_sentence(prev.text)


def paragraphs(lines: Sequence[PageLine], pages: int) -> list[_Para]:
    """The lines grouped into paragraphs and chrome, in reading order."""
    chrome = running_chrome(lines, pages)
    kept = [line for i, line in enumerate(lines) if i not in chrome]
    style = _style(kept)
    sizes: Counter[float] = Counter()
    for line in kept:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    out: list[_Para] = []
    current: list[PageLine] = []
    waiting: list[_Para] = []  # chrome met while a paragraph may still go on: it follows the paragraph
    for i, line in enumerate(lines):
        if i in chrome:
            (waiting if current else out).append(_Para((line,), True))
            continue
        if i and i - 1 in chrome:  # its pitch is measured from a running header: says nothing
            line = line._replace(gap=0.0)
        if current and _continues(current[0], current[-1], line, style, body):
            current.append(line)
            continue
        if current:
            out.append(_Para(tuple(current), False))
        out.extend(waiting)
        current, waiting = [line], []
    if current:
        out.append(_Para(tuple(current), False))
    out.extend(waiting)
    return out


def _join(lines: Sequence[PageLine]) -> str:
    text = ""
    for line in lines:
        piece = line.text.strip()
        if text and piece and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            text += " "
        text += piece
    return text


def paged_text(lines: Sequence[PageLine], pages: int) -> str:
    """The report text zxkb.parse reads (paged): paragraphs, page breaks, chrome."""
    paras = paragraphs(lines, pages)
    sizes: Counter[float] = Counter()
    for p in paras:
        if not p.chrome:
            for line in p.lines:
                sizes[round(line.size * 2) / 2] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    larger = sorted({s for s in sizes if s >= body * HEADING_SIZE}, reverse=True)
    out: list[str] = []
    page = 1
    for p in paras:
        start = p.lines[0].page
        while page < start:
            out.append(PAGE_BREAK)
            page += 1
        text = _join(p.lines)
        if p.chrome:
            out.append(CHROME_MARK + text)
            continue
        size = round(min(line.size for line in p.lines) * 2) / 2
        text = _BULLET.sub("• ", text, count=1)
        if size in larger:
            text = "#" * min(larger.index(size) + 1, 6) + " " + text
        elif all(line.bold for line in p.lines) and not text.startswith("• "):
            text = f"**{text}**"
        out.append(text)
    while page < pages:
        out.append(PAGE_BREAK)
        page += 1
    return "\n\n".join(out) + "\n"

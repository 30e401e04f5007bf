"""PDFs made from report text, for the tests and bench/bench_pdf.py: reportlab
with its built-in CID font STSong-Light (Adobe-GB1, no font file needed), laid
out the way printed reports and newspaper pages are: lines broken at the
column's width and justified, paragraphs indented two characters (by position
or with U+3000), running headers (different on odd and even pages, or none on
the first), page numbers in several forms, one or two columns, a headline
across the columns, bold as fill-and-stroke (what word processors do for a font
without a bold face), bullets as `•`.

Blocks are (style, text): title, subtitle, center, heading, body, bold, bullet.
`blocks_of` reads them from a report's text: markdown marks where it has them
(the seed), else one block per line, numbered headings as headings."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

Block = tuple[str, str]
NO_LINE_START = set("。，、；：？！）》」』】〕”’,.;:?!)%")  # kinsoku: these hang at the end of the line before
_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def dash_number(page: int, total: int) -> str:
    return f"- {page} -"


def page_of_total(page: int, total: int) -> str:
    return f"第 {page} 页 共 {total} 页"


def slash_number(page: int, total: int) -> str:
    return f"{page}/{total}"


@dataclass(frozen=True)
class Layout:
    size: float = 12.0  # body font size, points
    margin: float = 72.0  # left and right (each)
    top: float = 72.0
    bottom: float = 72.0
    leading: float = 1.6  # line pitch / font size
    columns: int = 1
    gutter: float = 1.5  # between columns, in em
    indent: str = "position"  # or "ideographic": two U+3000 characters; "none": not indented
    paragraph_space: float = 0.0  # em of space before each paragraph
    justify: bool = True
    headers: tuple[str, ...] = ()  # running header text by page parity (one: every page; two: odd, even)
    header_on_first: bool = False
    page_number: Callable[[int, int], str] | None = dash_number
    number_at_top: bool = False
    headline_across: bool = True  # with columns: the title and subtitle span the columns on page 1
    extra: dict[str, Any] = field(default_factory=dict)


def blocks_of(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(("subtitle", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(("title", line[2:].strip()))
        elif line.startswith("#"):
            blocks.append(("heading", line.lstrip("#").strip()))
        elif line.startswith("**") and line.endswith("**") and len(line) > 4:
            blocks.append(("bold", line[2:-2].strip()))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:].strip()))
        elif _HEADING.match(line) and len(line) <= 40:
            blocks.append(("heading", line))
        else:
            blocks.append(("body", line))
    return blocks


class _Page:
    def __init__(self) -> None:
        self.ops: list[tuple[str, float, float, float, str, float]] = []  # (kind, x, y, size, text, char_space)


class _Typesetter:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.width, self.height = float(A4[0]), float(A4[1])
        self.pages: list[_Page] = [_Page()]
        self.column = 0
        self.area_top = self.height - layout.top
        self.y = self.area_top
        text_width = self.width - 2 * layout.margin
        gutter = layout.gutter * layout.size * (layout.columns - 1)
        self.col_width = (text_width - gutter) / layout.columns

    def col_left(self) -> float:
        lay = self.layout
        return lay.margin + self.column * (self.col_width + lay.gutter * lay.size)

    def advance(self, pitch: float) -> None:
        if self.y - pitch < self.layout.bottom:
            if self.column + 1 < self.layout.columns:
                self.column += 1
            else:
                self.pages.append(_Page())
                self.column = 0
                self.area_top = self.height - self.layout.top
            self.y = self.area_top
        self.y -= pitch

    def wrap(self, text: str, size: float, first_width: float, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        limit = first_width
        for ch in text:
            if pdfmetrics.stringWidth(current + ch, FONT, size) > limit + 0.01 and current:
                fits = pdfmetrics.stringWidth(current, FONT, size) <= limit + 0.01
                if ch in NO_LINE_START and fits:
                    current += ch  # one punctuation mark hangs past the margin
                    continue
                carried = ""
                if ch in NO_LINE_START and len(current) > 2:  # no room to hang: the last character goes along
                    current, carried = current[:-1], current[-1]
                lines.append(current)
                current, limit = carried, width
            current += ch
        if current:
            lines.append(current)
        return lines

    def paragraph(self, style: str, text: str) -> None:
        lay = self.layout
        size = {"title": lay.size * 1.6, "subtitle": lay.size * 1.25}.get(style, lay.size)
        pitch = size * lay.leading
        width = self.col_width
        if style in ("title", "subtitle") and lay.columns > 1 and lay.headline_across and len(self.pages) == 1:
            width = self.width - 2 * lay.margin  # a headline across the columns
        prefix = ""
        indent = 0.0
        if style in ("body", "heading", "bold"):
            if lay.indent == "ideographic":
                prefix = "\u3000\u3000"
            elif lay.indent == "position":
                indent = 2 * size
        hang = 0.0
        if style == "bullet":
            prefix, hang = "• ", pdfmetrics.stringWidth("• ", FONT, size)
        lines = self.wrap(prefix + text, size, width - indent, width - hang)
        if style in ("title", "subtitle"):
            self.y -= size * 0.6
        self.y -= lay.paragraph_space * size
        for i, line in enumerate(lines):
            self.advance(pitch)
            if width > self.col_width:  # spans the columns: the next lines of both columns start below it
                self.area_top = self.y - size * 0.6
            x = self.col_left() + (indent if i == 0 else hang if i else 0.0)
            line_width = pdfmetrics.stringWidth(line, FONT, size)
            space = 0.0
            if style in ("title", "subtitle", "center"):
                x = self.col_left() + (width - line_width) / 2
            elif lay.justify and i < len(lines) - 1 and len(line) > 1:
                room = width - (x - self.col_left()) - line_width
                space = max(room, 0.0) / (len(line) - 1)
            kind = "bold" if style == "bold" or (style == "heading" and lay.extra.get("bold_headings")) else "text"
            self.pages[-1].ops.append((kind, x, self.y, size, line, space))
        if style in ("title", "subtitle"):
            self.y -= size * 0.4

    def render(self) -> bytes:
        lay = self.layout
        out = io.BytesIO()
        c = canvas.Canvas(out, pagesize=A4, invariant=1, encrypt=lay.extra.get("encrypt"))
        c.setTitle(self.layout.extra.get("title", ""))
        total = len(self.pages)
        for number, page in enumerate(self.pages, 1):
            chrome: list[tuple[float, str]] = []
            if lay.headers and (number > 1 or lay.header_on_first):
                chrome.append((self.height - lay.top / 2, lay.headers[(number - 1) % len(lay.headers)]))
            if lay.page_number:
                y = self.height - lay.top / 2 - 14 if lay.number_at_top else lay.bottom / 2
                chrome.append((y, lay.page_number(number, total)))
            c.setFont(FONT, 9)
            for y, text in chrome:
                c.drawCentredString(self.width / 2, y, text)
            for kind, x, y, size, text, space in page.ops:
                c.saveState()  # the text render mode outlives its text object
                t = c.beginText(x, y)
                t.setFont(FONT, size)
                t.setCharSpace(space)
                if kind == "bold":  # fill and stroke
                    c.setLineWidth(size * 0.03)
                    t.setTextRenderMode(2)
                t.textOut(text if len(text) > 1 else text + " ")  # reportlab drops a lone CID character
                c.drawText(t)
                c.restoreState()
            c.showPage()
        c.save()
        return out.getvalue()


def report_pdf(blocks: list[Block], layout: Layout | None = None) -> bytes:
    """The blocks typeset as a PDF."""
    setter = _Typesetter(layout or Layout())
    for style, text in blocks:
        setter.paragraph(style, text)
    return setter.render()

"""The reader (/doc/ID): a document's paragraphs as a page shows them, with
the terms of `hl` highlighted (the query of the hit the reader came from),
headings at their level, an initiative's title in bold, and the set-aside
kinds (noise, chrome, duplicate) counted and shown only when asked."""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from markupsafe import Markup

from zxkb.api import highlight
from zxkb.errors import ZxkbError
from zxkb.models import Paragraph, Reading
from zxkb.web.pages import HIDDEN_KINDS, KIND_NAMES, marked


class ParaView(NamedTuple):
    p: Paragraph
    lead: Markup  # the initiative's title that opens the paragraph (bold), or empty
    text: Markup  # the rest
    level: int  # 2 or 3 for a heading (section, subsection), else 0
    marks: int  # highlighted spans
    new_page: int | None  # a PDF page that starts here


def _shift(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of `spans` inside [start, end), relative to start."""
    return [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]


def para_view(p: Paragraph, spans: list[tuple[int, int]], new_page: int | None) -> ParaView:
    cut = len(p.title) if p.kind == "body" and p.title and p.text.startswith(p.title) else 0
    lead = marked(p.text[:cut], _shift(spans, 0, cut)) if cut else Markup("")
    rest = marked(p.text[cut:], _shift(spans, cut, len(p.text)))
    level = (3 if "(" in (p.section or "") else 2) if p.kind == "heading" else 0
    return ParaView(p, lead, rest, level, len(spans), new_page)


def context(reading: Reading, hl: str | None, show_all: bool) -> dict[str, Any]:
    hidden = Counter(p.kind for p in reading.paragraphs if p.kind in HIDDEN_KINDS)
    note = None
    views: list[ParaView] = []
    page = None
    for p in reading.paragraphs:
        spans: list[tuple[int, int]] = []
        if hl and hl.strip() and note is None:
            try:
                spans = highlight(p.text, hl)
            except ZxkbError as exc:  # a query the reader cannot highlight: say so, show the text
                note = exc.message
        new_page = p.page if p.page is not None and p.page != page else None
        page = p.page if p.page is not None else page
        if show_all or p.kind not in HIDDEN_KINDS:
            views.append(para_view(p, spans, new_page))
    found = [v.p.paragraph for v in views if v.marks]
    info = reading.info
    return {
        "title": info.title,
        "reading": reading,
        "info": info,
        "paras": views,
        "hl": hl or "",
        "hl_note": note,
        "found": found,
        "show_all": show_all,
        "hidden": [(KIND_NAMES[k], n) for k, n in sorted(hidden.items())],
        "hidden_total": sum(hidden.values()),
        "anchor": anchor,
    }


def anchor(ref: str | None) -> str:
    """`#p27` for the reference `3:27`."""
    return f"#p{ref.rsplit(':', 1)[-1]}" if ref else "#"

"""Web pages (.html, .htm): the page's main text, one report per file.

lxml's HTML parser (libxml2) builds the tree: it copes with the unclosed tags
and broken nesting of real pages, and lxml is here anyway for python-docx.
What is left out: scripts, styles, forms and other non-text elements; page
chrome marked as such (`nav`, `aside`, a page-level `header`/`footer`, ARIA
roles navigation/banner/contentinfo/complementary/search, hidden elements,
and elements whose class or id names them nav, menu, breadcrumb, sidebar,
footer, share, toolbar, copyright...). When the page marks its main content
(`main`, role=main, or a single `article`), only that is read.

What is kept is faithful: headings h1..h6 become `#`..`######` lines, block
elements become paragraphs separated by blank lines, `<br>` a line break, list
items `- ` lines, a wholly bold paragraph `**…**`, a table row one line with
its cells separated by tabs. Cleaning the text (breadcrumbs written as plain
text, font-size toolbars, captions) is zxkb.parse's work, not this module's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from zxkb.errors import InputError
from zxkb.formats.decode import decode, normalise_newlines
from zxkb.formats.record import ReadOptions, Record


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements whose content is never report text.
SKIP_TAGS = _words(
    "script style noscript template svg math canvas iframe object embed audio video map nav aside "
    "form button select input textarea head title meta link dialog"
)
CHROME_ROLES = _words("navigation banner contentinfo complementary search menu menubar toolbar")
# Words in a class or id that name page chrome ("header" only outside the content, as <header>).
CHROME_WORDS = _words(
    "nav navbar navigation menu breadcrumb breadcrumbs crumb crumbs footer sidebar share toolbar "
    "topbar copyright sitemap"
)
CONTENT_TAGS = frozenset(("article", "main", "section"))
BLOCK_TAGS = _words(
    "address article blockquote body center dd details div dl dt fieldset figcaption figure footer "
    "header hgroup hr html li main ol p pre section summary table tbody thead tfoot tr caption ul "
    "legend"
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
CELLS = frozenset(("td", "th"))

BR = "\x1e"  # a <br> inside a paragraph
CELL = "\x1f"  # between the cells of a table row
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# A line break in the source between two CJK characters is not a space.
_CJK_BREAK = re.compile(r"(?<=[\u2e80-\uffff])[ \t\r\n]*\n[ \t\r\n]*(?=[\u2e80-\uffff])")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    text, used = _decode(data, options.encoding)
    from lxml import etree
    from lxml import html as lxml_html

    try:
        document = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the page: {exc}", "is this an HTML file?") from exc
    meta = _meta(document)
    root = _main_content(document)
    writer = _Writer(_chrome(root))
    writer.walk(root)
    body = writer.finish()
    if not body.strip():
        raise InputError("no text in the page", "the page may load its text with JavaScript; save the text instead")
    return [Record(body, str(path), meta, used)]


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Detected like any text file (the whole file, strictly); the page's own
    charset declaration is the fallback when detection fails."""
    try:
        return decode(data, encoding)
    except InputError:
        declared = _CHARSET.search(data[:4096])
        if encoding or not declared:
            raise
        name = declared.group(1).decode("ascii")
        try:
            return normalise_newlines(data.decode(name)), name
        except (LookupError, UnicodeDecodeError):
            raise InputError(
                f"cannot decode the page as UTF-8, GB18030, Big5 or its declared charset {name}",
                "pass --encoding NAME if you know the page's encoding",
            ) from None


# --- what to read -----------------------------------------------------------------


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""  # comments and processing instructions


def _main_content(document: Any) -> Any:
    marked = document.xpath("//main | //*[@role='main']")
    if len(marked) == 1:
        return marked[0]
    articles = document.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    body = document.find("body")
    return body if body is not None else document


def _in_content(el: Any) -> bool:
    return any(_tag(a) in CONTENT_TAGS or a.get("role") == "main" for a in el.iterancestors())


def _class_words(el: Any) -> set[str]:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {w.lower() for w in _WORDS.findall(names)}


def _size(el: Any) -> int:
    return len(_SPACES.sub("", "".join(el.itertext())))


def _chrome(root: Any) -> set[Any]:
    """The elements under root that are page chrome, not text."""
    total = _size(root)
    chrome: set[Any] = set()
    for el in root.iterdescendants():
        tag = _tag(el)
        if not tag:
            continue
        style = (el.get("style") or "").replace(" ", "").lower()
        if (
            tag in SKIP_TAGS
            or el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or "display:none" in style
            or "visibility:hidden" in style
            or el.get("role") in CHROME_ROLES
            or (tag in ("header", "footer") and not _in_content(el))
        ):
            chrome.add(el)
            continue
        words = _class_words(el)
        named = words & CHROME_WORDS or ("header" in words and not _in_content(el))
        if named and _size(el) * 2 <= total:  # not a wrapper of most of the page with an unlucky name
            chrome.add(el)
    return chrome


# --- writing the text -----------------------------------------------------------------


class _Writer:
    """Walks the tree and writes paragraphs: inline text gathers into the
    current paragraph as (text, bold) pieces; a block element ends it."""

    def __init__(self, skip: set[Any]) -> None:
        self.skip = skip
        self.blocks: list[str] = []
        self.pieces: list[tuple[str, bool]] = []
        self.prefix = ""  # `- ` or `1. ` for the next paragraph (a list item)
        self.inline = False  # inside a heading: blocks do not end paragraphs

    def walk(self, el: Any, bold: bool = False) -> None:
        tag = _tag(el)
        if tag and el not in self.skip:
            self._element(el, tag, bold)
        if el.tail:
            self.pieces.append((el.tail, bold))

    def _element(self, el: Any, tag: str, bold: bool) -> None:
        if tag in HEADINGS and not self.inline:
            self.flush()
            lines = _lines(self._inline(el))
            self.blocks.extend(f"{'#' * HEADINGS[tag]} {text}" for text, _ in lines)
            return
        if tag == "pre" and not self.inline:
            self.flush()
            self.blocks.append(normalise_newlines(el.text_content()).strip("\n"))
            return
        if tag == "br":
            self.pieces.append((BR, bold))
            return
        bold = bold or tag in ("b", "strong")
        block = tag in BLOCK_TAGS and not self.inline
        if block:
            self.flush()
        if tag == "li" and block:
            parent = el.getparent()
            if parent is not None and _tag(parent) == "ol":
                items = [c for c in parent if _tag(c) == "li"]
                self.prefix = f"{items.index(el) + 1}. "
            else:
                self.prefix = "- "
        if tag in CELLS and any(t.strip() for t, _ in self.pieces):
            self.pieces.append((CELL, bold))
        if el.text:
            self.pieces.append((el.text, bold))
        for child in el:
            self.walk(child, bold)
        if block:
            self.flush()
        if tag == "li" and block:
            self.prefix = ""

    def _inline(self, el: Any) -> list[tuple[str, bool]]:
        """The text of an element as pieces, without touching the current paragraph."""
        saved, self.pieces, self.inline = self.pieces, [], True
        if el.text:
            self.pieces.append((el.text, False))
        for child in el:
            if _tag(child) in HEADINGS:  # a heading inside a heading: read as text
                self.pieces.append((child.text_content(), False))
                self.pieces.append((child.tail or "", False))
            else:
                self.walk(child)
        pieces, self.pieces, self.inline = self.pieces, saved, False
        return pieces

    def flush(self) -> None:
        lines = _lines(self.pieces)
        self.pieces = []
        if not lines:
            return
        out = [f"**{text}**" if bold else text for text, bold in lines]
        out[0] = self.prefix + out[0]
        self.prefix = ""
        self.blocks.append("\n".join(out))

    def finish(self) -> str:
        self.flush()
        return "\n\n".join(self.blocks) + "\n"


def _lines(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Pieces -> lines (split at <br>), whitespace collapsed as a browser does
    (but no space where the source broke a line between two CJK characters);
    each line with whether all of its text is bold."""
    lines: list[tuple[str, bool]] = []
    current: list[tuple[str, bool]] = []
    for text, bold in [*pieces, (BR, False)]:
        parts = text.split(BR)
        for i, part in enumerate(parts):
            if i:
                line = _collapse("".join(t for t, _ in current))
                if line:
                    all_bold = all(b for t, b in current if t.strip() and t != CELL)
                    lines.append((line, all_bold))
                current = []
            if part:
                current.append((part, bold))
    return lines


def _collapse(text: str) -> str:
    text = _SPACES.sub(" ", _CJK_BREAK.sub("", text))
    text = re.sub(f" ?{CELL}+ ?", "\t", text)
    return text.strip(" \t")


# --- metadata ---------------------------------------------------------------------


def _meta(document: Any) -> dict[str, str]:
    """What the page says about itself: title, date, url."""

    def first(*xpaths: str) -> str | None:
        for xpath in xpaths:
            for value in document.xpath(xpath):
                value = " ".join(str(value).split())
                if value:
                    return value
        return None

    def named(*names: str) -> list[str]:
        return [
            f"//meta[translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')='{name}']/@content"
            for name in names
            for attr in ("name", "property")
        ]

    meta: dict[str, str] = {}
    title = first(*named("articletitle", "og:title"), "//title//text()")
    if title:
        meta["title"] = title
    date = first(*named("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date", "date"))
    if date:
        m = _DATE.match(date)
        meta["date"] = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else date
    url = first("//link[@rel='canonical']/@href", *named("og:url"))
    if url:
        meta["url"] = url
    return meta

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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from zxkb.errors import InputError, UsageError
from zxkb.formats.decode import decode_text, is_clean, normalise_newlines, text_encoding
from zxkb.formats.html_tree import parse_page
from zxkb.formats.record import ReadOptions, Record, path_text


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
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# A line break in the source between two CJK characters is not a space.
# (The whole run, tested for a newline in a function: `[ \t\r\n]*\n[ \t\r\n]*`
# backtracks over a long run of newlines from every place in it.)
_CJK_SPACE = re.compile(r"(?<=[\u2e80-\uffff])[ \t\r\n]+(?=[\u2e80-\uffff])")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def read(path: Path, data: bytes, options: ReadOptions) -> list[Record]:
    text, used, warnings = _decode(data, options.encoding)
    document, parse_warnings = parse_page(text)
    meta = _meta(document)
    root = _main_content(document)
    writer = _Writer(_chrome(root))
    writer.walk(root)
    body = writer.finish()
    if not body.strip():
        raise InputError("no text in the page", "the page may load its text with JavaScript; save the text instead")
    return [Record(body, path_text(path), meta, used, warnings=(*warnings, *parse_warnings))]


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, tuple[str, ...]]:
    """Detected like any text file (the whole file, strictly); the page's own
    charset declaration is the fallback when detection fails. A declared
    charset that is no text encoding (`undefined`, `base64`) is not used."""
    try:
        decoded = decode_text(data, encoding)
        return decoded.text, decoded.encoding, decoded.warnings
    except InputError:
        declared = _CHARSET.search(data[:4096])
        if encoding or not declared:
            raise
    name = declared.group(1).decode("ascii")
    try:
        text = data.decode(text_encoding(name))
        if is_clean(text):
            return normalise_newlines(text), name, ()
    except (UsageError, UnicodeError):  # not a text encoding; bytes it cannot decode
        pass
    raise InputError(
        f"cannot decode the page as UTF-8, GB18030, Big5 or its declared charset {name}",
        "pass --encoding NAME if you know the page's encoding",
    )


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


def _is_content(el: Any) -> bool:
    return _tag(el) in CONTENT_TAGS or el.get("role") == "main"


def _class_words(el: Any) -> set[str]:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {w.lower() for w in _WORDS.findall(names)}


def _nonspace(text: str | None) -> int:
    return len(_SPACES.sub("", text)) if text else 0


def _sizes(root: Any) -> dict[Any, int]:
    """Every element's amount of text (characters but whitespace, as
    itertext gives it: comments' text left out), in one pass from the leaves up."""
    sizes: dict[Any, int] = {}
    for el in reversed(list(root.iter())):
        size = _nonspace(el.text) if _tag(el) else 0
        for child in el:
            size += sizes[child] + _nonspace(child.tail)
        sizes[el] = size
    return sizes


def _chrome(root: Any) -> set[Any]:
    """The elements under root that are page chrome, not text. One walk, with
    whether each element is inside the content (an article, main or section):
    no element looks at its ancestors or counts its text more than once."""
    sizes: dict[Any, int] | None = None  # computed when an element's name first calls for it
    chrome: set[Any] = set()
    inside = any(_is_content(a) for a in root.iterancestors())
    stack = [(child, inside or _is_content(root)) for child in reversed(root)]
    while stack:
        el, in_content = stack.pop()
        below = in_content or _is_content(el)
        stack.extend((child, below) for child in reversed(el))
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
            or (tag in ("header", "footer") and not in_content)
        ):
            chrome.add(el)
            continue
        words = _class_words(el)
        named = words & CHROME_WORDS or ("header" in words and not in_content)
        if named:
            sizes = sizes if sizes is not None else _sizes(root)
            if sizes[el] * 2 <= sizes[root]:  # not a wrapper of most of the page with an unlucky name
                chrome.add(el)
    return chrome


# --- writing the text -----------------------------------------------------------------


class _Writer:
    """Walks the tree and writes paragraphs: inline text gathers into the
    current paragraph as (text, bold) pieces; a block element ends it. The
    walk keeps its own stack (a page may nest elements a thousand deep)."""

    def __init__(self, skip: set[Any]) -> None:
        self.skip = skip
        self.blocks: list[str] = []
        self.pieces: list[tuple[str, bool]] = []
        self.prefix = ""  # `- ` or `1. ` for the next paragraph (a list item)
        self.inline = False  # inside a heading: blocks do not end paragraphs
        self.todo: list[Callable[[], None]] = []  # what is left to do, last first

    def walk(self, root: Any) -> None:
        number = None
        parent = root.getparent()
        if _tag(root) == "li" and parent is not None and _tag(parent) == "ol":
            number = [c for c in parent if _tag(c) == "li"].index(root) + 1
        self._visit(root, False, number)
        while self.todo:
            self.todo.pop()()

    def _visit(self, el: Any, bold: bool, number: int | None = None) -> None:
        """Schedule el (the element, then its tail); `number` is its place among
        the items of an <ol>."""
        if el.tail:
            self.todo.append(lambda: self.pieces.append((el.tail, bold)))
        tag = _tag(el)
        if tag and el not in self.skip:
            self._element(el, tag, bold, number)

    def _children(self, el: Any, bold: bool) -> None:
        """Schedule el's children in order (pushed last first)."""
        items: dict[Any, int] = {}
        if _tag(el) == "ol":
            for child in el:
                if _tag(child) == "li":
                    items[child] = len(items) + 1
        for child in reversed(el):
            self.todo.append(partial(self._visit, child, bold, items.get(child)))

    def _element(self, el: Any, tag: str, bold: bool, number: int | None) -> None:
        if tag in HEADINGS and not self.inline:
            self.flush()
            self._heading(el, HEADINGS[tag])
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
            self.todo.append(self._end_block if tag != "li" else self._end_item)
        if tag == "li" and block:
            self.prefix = f"{number}. " if number is not None else "- "
        if tag in CELLS and any(t.strip() for t, _ in self.pieces):
            self.pieces.append((CELL, bold))
        if el.text:
            self.pieces.append((el.text, bold))
        self._children(el, bold)

    def _end_block(self) -> None:
        self.flush()

    def _end_item(self) -> None:
        self.flush()
        self.prefix = ""

    def _heading(self, el: Any, level: int) -> None:
        """A heading's text as `#` lines, read apart from the current paragraph
        (a heading inside it is read as text)."""
        saved, self.pieces, self.inline = self.pieces, [], True

        def done() -> None:
            pieces, self.pieces, self.inline = self.pieces, saved, False
            self.blocks.extend(f"{'#' * level} {text}" for text, _ in _lines(pieces))

        self.todo.append(done)
        if el.text:
            self.pieces.append((el.text, False))
        for child in reversed(el):
            if _tag(child) in HEADINGS:
                self.todo.append(partial(self._heading_as_text, child))
            else:
                self.todo.append(partial(self._visit, child, False))

    def _heading_as_text(self, el: Any) -> None:
        self.pieces += ((el.text_content(), False), (el.tail or "", False))

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


def _cjk_break(m: re.Match[str]) -> str:
    return "" if "\n" in m.group() else m.group()


def _collapse(text: str) -> str:
    text = _SPACES.sub(" ", _CJK_SPACE.sub(_cjk_break, text))
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

"""A web page's text -> an lxml tree, read whole or not at all.

libxml2 (lxml's HTML parser) stops at the first element nested deeper than
its limit (256 levels; 2048 with huge_tree) and keeps what it had: a silently
short document. Old government pages hold hundreds of unclosed `<p><font>`,
so the page is parsed with huge_tree; a page that still meets a fatal error
(the depth limit) is parsed again with its nesting flattened: start and end
tags below MAX_DEPTH are dropped (a block element's become `<br>`), so that
its text is all read, in order. If the parser still cannot read the page
whole, that is an error, never a short document.
"""

from __future__ import annotations

import re
from typing import Any

from zxkb.errors import InputError

MAX_DEPTH = 1024  # elements nested deeper than this are read as text (libxml2's own limit is 2048)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAG = re.compile(r"<(?:(/?)([A-Za-z][^\s/>]*)|!--)")
VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes".split())
BREAKS = frozenset(
    "address article aside blockquote body center dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre section summary table tbody thead tfoot tr "
    "td th caption ul legend".split()
)


def parse_page(text: str) -> tuple[Any, list[str]]:
    """The page's document element, and warnings about how it was read."""
    source = _XML_DECLARATION.sub("", text)
    document, fatal = _parse(source)
    warnings: list[str] = []
    if fatal is not None:
        flat, dropped = flatten(source, MAX_DEPTH)
        if dropped:
            document, fatal = _parse(flat)
            warnings.append(
                f"the page nests elements more than {MAX_DEPTH} deep: {dropped} tags below that depth "
                "were read as line breaks or left out, their text kept"
            )
    if fatal is not None:
        raise InputError(
            f"the HTML parser could not read the page whole: {fatal.message.strip()} (line {fatal.line})",
            "the page is damaged or not HTML; save its text as .txt to ingest it",
        )
    return document, warnings


def _parse(source: str) -> tuple[Any, Any]:
    """(document, the first fatal error of the parse or None)."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        document = lxml_html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the page: {exc}", "is this an HTML file?") from exc
    fatal = next((e for e in parser.error_log if e.level >= etree.ErrorLevels.FATAL), None)
    return document, fatal


def flatten(source: str, max_depth: int) -> tuple[str, int]:
    """`source` with the start and end tags of elements nested deeper than
    `max_depth` taken out (a block element's replaced by `<br>`), and how many
    were. Text, comments and the tags above that depth are left as they are.
    One pass with str.find: linear whatever the page. The depth is counted as
    if every element were closed only by its end tag (or by an end tag of an
    element around it), which counts at least as deep as the parser does."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (name, kept) of the open elements
    open_count: dict[str, int] = {}
    pos = last = dropped = 0
    while (m := _TAG.search(source, pos)) is not None:
        if m.group(2) is None:  # a comment
            end = source.find("-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        close = source.find(">", m.end())
        if close < 0:
            break
        pos = tag_end = close + 1
        name = m.group(2).lower()
        if m.group(1):  # an end tag
            if not open_count.get(name):
                continue  # closes nothing: the parser ignores it too
            while True:
                top, kept = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
        elif name in VOID or source[close - 1] == "/":
            continue
        else:
            kept = len(stack) < max_depth
            stack.append((name, kept))
            open_count[name] = open_count.get(name, 0) + 1
            if name in RAW_TEXT:  # its content is text, not tags
                end_tag = re.compile(rf"</{re.escape(name)}[\s/>]", re.I).search(source, pos)
                if end_tag is None:
                    break
                pos = end_tag.start()
            if kept:
                continue
        if not kept:
            out += (source[last : m.start()], "<br>" if name in BREAKS else "")
            last = tag_end
            dropped += 1
    out.append(source[last:])
    return "".join(out), dropped

"""The documents and paragraphs as MCP resources, so that an assistant can read
a document's card or quote a cited paragraph whole:

    zxkb://doc/ID       a document: its docs --json object and its outline (list --json sections), JSON
    zxkb://p/DOC:N      a paragraph: its citation, a blank line, its whole text, plain text

No SDK here (zxkb.mcp.server serves them); a URI that names nothing raises
NotFound, one that is not of these forms a UsageError.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from zxkb.api import KnowledgeBase, report_filter
from zxkb.errors import NotFound, UsageError
from zxkb.mcp import text
from zxkb.render import json as views

DOC_TEMPLATE = "zxkb://doc/{id}"
PARAGRAPH_TEMPLATE = "zxkb://p/{ref}"

_DOC = re.compile(r"^zxkb://doc/(\d+)/?$")
_PARAGRAPH = re.compile(r"^zxkb://p/(\d+:\d+)/?$")


class Listed(NamedTuple):
    uri: str
    name: str
    title: str
    description: str
    mime_type: str


class Contents(NamedTuple):
    text: str
    mime_type: str


def listed(kb: KnowledgeBase) -> list[Listed]:
    """Every document, as a resource (paragraphs are read by their template only)."""
    out = []
    for d in views.docs(kb.documents()):
        what = ", ".join(str(v) for v in (d["date"], d["type"], d["region"], d["speaker"]) if v)
        copy = f"; a copy of document {d['copy_of']}" if d["copy_of"] is not None else ""
        out.append(
            Listed(
                DOC_TEMPLATE.format(id=d["id"]),
                f"doc {d['id']}",
                d["title"],
                f"{what}{copy}: its metadata and outline",
                "application/json",
            )
        )
    return out


def document(kb: KnowledgeBase, doc_id: int) -> dict[str, Any]:
    """A document's docs --json object and its sections (list --json)."""
    found = [d for d in views.docs(kb.documents(where=report_filter(docs=[str(doc_id)]))) if d["id"] == doc_id]
    if not found:
        raise NotFound(f"no document {doc_id}", "zxkb docs lists the documents with their ids")
    outlines = views.outline(kb.outline(doc=str(doc_id)))
    return {"document": found[0], "sections": outlines[0]["sections"] if outlines else []}


def read(kb: KnowledgeBase, uri: str) -> Contents:
    if m := _DOC.match(uri):
        return Contents(json.dumps(document(kb, int(m.group(1))), ensure_ascii=False), "application/json")
    if m := _PARAGRAPH.match(uri):
        para = views.show(kb.show(m.group(1), context=0))
        return Contents(f"{text.citation(para)}\n\n{para['text']}", "text/plain")
    raise UsageError(
        f"not a zxkb resource: {uri!r}", "zxkb resources are zxkb://doc/ID and zxkb://p/DOC:N (e.g. zxkb://p/1:27)"
    )

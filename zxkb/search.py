"""Search: the query language, filters and ranking over the FTS index, with
snippets cut from the original text."""

from __future__ import annotations

import sqlite3

from zxkb import snippet, store
from zxkb.models import Hit, Kind, SearchResult
from zxkb.numbering import parse_section_path
from zxkb.query import parse_query

DEFAULT_KINDS: tuple[Kind, ...] = ("body",)
ALL_KINDS: tuple[Kind, ...] = ("body", "heading", "front", "noise")


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    doc: str | None = None,
    section: str | None = None,
    limit: int | None = 10,
    kinds: tuple[Kind, ...] = DEFAULT_KINDS,
) -> SearchResult:
    """Paragraphs that contain every term of `text` (see zxkb.query), best first.
    limit None returns every hit; `total` always counts them all."""
    query = parse_query(text)
    doc_ids = store.resolve_docs(conn, doc)
    path = parse_section_path(section) if section is not None else None
    if path is not None:
        store.require_section(conn, path, doc_ids)
    where, args = store.kind_filter(kinds)
    for cond, more in (store.doc_filter(doc_ids), store.section_filter(path)):
        where += cond
        args += more
    total, rows = store.fts_search(conn, query.match_expression(), where=where, args=args, limit=limit)
    hits = []
    for para, score in rows:
        spans = snippet.match_spans(para.text, query.keys)
        snip, marks = snippet.cut(para.text, spans)
        hits.append(Hit(para, float(f"{score:.6g}"), snip, marks))
    return SearchResult(text, total, tuple(hits))

"""Search: the query language, filters and ranking over the FTS index, with
snippets cut from the original text."""

from __future__ import annotations

import sqlite3

from zxkb.models import INDEXED, Hit, Kind, ReportFilter, SearchResult, Selection
from zxkb.search import limits, snippet
from zxkb.search.query import parse_query
from zxkb.store import index, reads

DEFAULT_KINDS: tuple[Kind, ...] = ("body",)
ALL_KINDS: tuple[Kind, ...] = INDEXED


def choose(conn: sqlite3.Connection, where: ReportFilter | None) -> Selection:
    """The reports `where` names; without a filter, every report once (the
    index's columns keep copies apart, so nothing is read: zxkb.store.index)."""
    if where is None or not where.filtered:
        return Selection(None, bool(where and where.copies))
    from zxkb.store import selection  # only with filters

    return selection.select(conn, where)


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    doc: str | None = None,
    where: ReportFilter | None = None,
    section: str | None = None,
    limit: int | None = 10,
    kinds: tuple[Kind, ...] = DEFAULT_KINDS,
    fuzzy: bool = False,
) -> SearchResult:
    """Paragraphs that contain every term of `text` (see zxkb.query), best first,
    in the reports `where` names (each report once, unless where.copies; `doc`
    adds one --doc). limit None returns every hit; `total` always counts them all.

    With `fuzzy`, paragraphs that have a close variant of a term instead follow
    the exact hits (zxkb.approx); `total` counts them too. When nothing matches, the result carries the
    closest vocabulary terms as suggestions. Only these two cases import
    rapidfuzz; an ordinary search imports nothing beyond sqlite3."""
    limits.check_query(text)
    query = parse_query(text)
    if doc is not None:
        where = (where or ReportFilter())._replace(docs=(*(where.docs if where else ()), doc))
    chosen = choose(conn, where)
    doc_ids = list(chosen.doc_ids) if chosen.doc_ids is not None else None
    path = None
    if section is not None:
        from zxkb.numbering import parse_section_path  # only with --section: ~0.6 ms of start-up

        path = parse_section_path(section)
        reads.require_section(conn, path, doc_ids)
    filters = index.Filters(kinds, doc_ids, path, copies=chosen.copies)
    long_phrase = max(map(len, query.keys), default=0) >= 3
    total, rows = index.fts_search(conn, query.match_expression(), filters, limit=limit, long_phrase=long_phrase)
    hits = []
    for para, score in rows:
        spans = snippet.match_spans(para.text, query.keys)
        snip, marks = snippet.cut(para.text, spans)
        hits.append(Hit(para, float(f"{score:.6g}"), snip, marks))
    approximate = 0
    if fuzzy:
        from zxkb.search import approx

        found = approx.approximate_hits(conn, query, filters)
        approximate = len(found)
        room = None if limit is None else max(0, limit - len(hits))
        hits.extend(found[:room])
        total += approximate
    suggestions = None
    if not total:
        from zxkb.search import approx

        suggestions = approx.suggestions(conn, query, doc_ids=doc_ids)
    facts = reads.facts(conn, {hit.para.doc for hit in hits})
    hits = [hit._replace(report=facts.get(hit.para.doc)) for hit in hits]
    return SearchResult(text, total, tuple(hits), approximate, suggestions, chosen)

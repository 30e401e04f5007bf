"""Search: the query language, filters and ranking over the FTS index, with
snippets cut from the original text; approximate and partial matches when asked
for or when nothing matches."""

from __future__ import annotations

import sqlite3

from zxkb import cores
from zxkb.models import INDEXED, Hit, Kind, ReportFilter, SearchResult, Selection
from zxkb.search import limits, rank, snippet, topk
from zxkb.search.query import Query, Term, parse_query
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
    exact: bool = False,
    explain: bool = False,
    ranking: rank.Ranking = rank.DEFAULT,
) -> SearchResult:
    """Paragraphs that match `text` (see zxkb.search.query), best first
    (zxkb.search.rank), in the reports `where` names (each report once, unless
    where.copies; `doc` adds one --doc). limit None returns every hit; `total`
    always counts them all.

    With `fuzzy`, paragraphs that have a close variant of a term instead follow
    the exact hits (zxkb.search.approx). When nothing matches exactly, the
    paragraphs that hold most of the query's terms follow as partial hits
    (zxkb.search.partial) unless `exact`, and the result carries the closest
    vocabulary terms as suggestions. `total` counts the exact and approximate
    hits, `partial` the partial ones. Only
    these cases import rapidfuzz; an ordinary search imports nothing beyond sqlite3."""
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
    long_phrase = max(map(len, query.keys), default=0) >= 3 and filters.index_only
    total, scored = _ranked(conn, query, filters, ranking, limit, long_phrase, explain)
    hits = _hits(conn, scored, query.keys, explain)
    approximate = 0
    if fuzzy:
        from zxkb.search import approx

        found = approx.approximate_hits(conn, query, filters)
        approximate = len(found)
        room = None if limit is None else max(0, limit - len(hits))
        hits.extend(found[:room])
        total += approximate
    partial = 0
    suggestions = None
    if not total:
        from zxkb.search import approx

        if not exact:
            from zxkb.search import partial as partial_match

            partial, found = partial_match.partial_hits(conn, query, filters, ranking, limit=limit, explain=explain)
            hits.extend(found)
        suggestions = approx.suggestions(conn, query, doc_ids=doc_ids)
    facts = reads.facts(conn, {hit.para.doc for hit in hits})
    hits = [hit._replace(report=facts.get(hit.para.doc)) for hit in hits]
    return SearchResult(
        text, total, tuple(hits), approximate, suggestions, filters=chosen, partial=partial, hints=query.hints
    )


def _ranked(
    conn: sqlite3.Connection,
    query: Query,
    filters: index.Filters,
    ranking: rank.Ranking,
    limit: int | None,
    long_phrase: bool,
    explain: bool,
) -> tuple[int, list[rank.Scored]]:
    """(how many match, the best `limit`): for a common one-term query from the
    index's tiers (zxkb.search.topk), else by bm25 over every match (zxkb.search.rank)."""
    match = query.match_expression()
    total = None
    term = query.root.items[0] if len(query.root.items) == 1 and not query.root.excluded else None
    if isinstance(term, Term) and not explain and limit is not None:
        part = topk.part_for(conn, term.key, filters, ranking, limit)
        if part is not None:
            total = index.count(conn, match, filters, ways=count_ways(conn))
            numbers = rank.number_keys(query.keys) if ranking.numbers else ()
            found = topk.top(conn, term.key, part, filters, ranking, limit=limit, total=total, numbers=numbers)
            if found is not None:
                return total, found
    return rank.top(
        conn,
        match,
        filters,
        ranking,
        limit=limit,
        keys=query.keys,
        count_in_pass=long_phrase,
        explain=explain,
        total=total,
    )


# A common term's count is most of its search (发展 at 1 GB: 170 of 185 ms); it
# is split among the cores (zxkb.store.index.count) where the index is large
# enough for that to pay: a thread and a connection cost ~1 ms.
SPLIT_MIN_ROWS = 50_000
MAX_WAYS = 4


def count_ways(conn: sqlite3.Connection) -> int:
    """Into how many ranges a common term's count is cut (1: not cut)."""
    return min(cores.available(), MAX_WAYS) if index.rows(conn) >= SPLIT_MIN_ROWS else 1


def _hits(conn: sqlite3.Connection, scored: list[rank.Scored], keys: tuple[str, ...], explain: bool) -> list[Hit]:
    """The ranked matches as hits: their paragraphs, snippets and (with `explain`) score parts."""
    missing = [s.pid for s in scored if s.para is None]
    by_id = reads.paragraphs_by_id(conn, missing) if missing else {}
    hits = []
    for s in scored:
        para = s.para or by_id[s.pid]
        snip, marks = snippet.cut(para.text, snippet.match_spans(para.text, keys))
        parts = tuple((name, _round(value)) for name, value in s.parts) if explain else None
        hits.append(Hit(para, _round(s.score), snip, marks, explain=parts))
    return hits


def _round(value: float) -> float:
    return float(f"{value:.6g}")

"""Search facets (zxkb search --count-by): how many of a query's paragraphs
each bucket of reports holds, from the index alone (no paragraph is read: the
matches' ids say their report, zxkb.store.stats.Spans)."""

from __future__ import annotations

import sqlite3
from collections import Counter

from zxkb.analysis.trend import UNKNOWN, bucket_of, label_of
from zxkb.models import FacetBucket, FacetResult, ReportFilter
from zxkb.search import limits
from zxkb.search.engine import choose
from zxkb.search.query import parse_query
from zxkb.store import stats

BY = ("year", "region", "type", "speaker", "doc")


def facets(conn: sqlite3.Connection, text: str, *, by: str, where: ReportFilter | None = None) -> FacetResult:
    """The body paragraphs matching `text` (as zxkb search finds them, each
    report once unless where.copies), counted per bucket `by`: buckets with a
    hit only; years ascending, the others most hits first."""
    key_of = bucket_of(by)
    limits.check_query(text)
    query = parse_query(text)
    chosen = choose(conn, where)
    reports = stats.reports(conn, chosen.doc_ids, copies=chosen.copies)
    spans = stats.Spans(reports)
    by_id = {r.id: r for r in reports}
    per_doc: Counter[int] = Counter()
    for pid, _ in stats.hit_ids(conn, query.match_expression(), copies=chosen.copies):
        doc_id = spans.doc(pid)
        if doc_id is not None:
            per_doc[doc_id] += 1
    counts: Counter[str] = Counter()
    members: dict[str, list[stats.Report]] = {}
    for doc_id, n in per_doc.items():
        key = key_of(by_id[doc_id])
        counts[key] += n
        members.setdefault(key, []).append(by_id[doc_id])
    keys = list(counts)
    if by == "year":
        keys.sort(key=lambda k: (k == UNKNOWN, int(k) if k != UNKNOWN else 0))
    else:
        keys.sort(key=lambda k: (-counts[k], k == UNKNOWN, k))
    buckets = tuple(FacetBucket(k, label_of(by, k, members[k]), counts[k]) for k in keys)
    return FacetResult(text, by, sum(counts.values()), buckets, chosen)

"""How often terms occur across reports, bucketed by year, region, type,
speaker or report (zxkb trend).

Each term is a query of the search language (zxkb.search.query): its
paragraphs are the body paragraphs the index matches, as `zxkb search` finds
them, and its occurrences are counted in their folded text by the rule of
zxkb.analysis.occurrences. Per bucket: the reports it holds and their body
characters (zxkb.store.stats), and per term the reports and paragraphs that
have it, its occurrences, and those per 10,000 characters of the bucket's body
text, so that a long report does not look like a trend. Copies of a report
count once (the index's canonical columns), unless the filters ask for copies.
Years without a report inside the range are buckets of zeros, so that a
chart's gaps are real.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable, Sequence

from zxkb.analysis import kwic
from zxkb.analysis.occurrences import Counter
from zxkb.errors import UsageError
from zxkb.models import Concordance, ReportFilter, Selection, TermCount, TrendBucket, TrendResult
from zxkb.search import limits
from zxkb.search.engine import choose
from zxkb.search.query import parse_query
from zxkb.store import stats

BY = ("year", "region", "type", "speaker", "doc")
UNKNOWN = "unknown"  # the bucket of reports without a year, region or speaker


def bucket_of(by: str) -> Callable[[stats.Report], str]:
    """The bucket key of a report."""
    if by not in BY:
        raise UsageError(f"cannot count by {by!r}", f"--by takes {', '.join(BY)}")
    if by == "doc":
        return lambda r: str(r.id)
    return lambda r: UNKNOWN if getattr(r, by) is None else str(getattr(r, by))


def label_of(by: str, key: str, members: Sequence[stats.Report]) -> str:
    if by == "doc" and members:
        report = members[0]
        return f"{report.title} ({report.year})" if report.year else report.title
    return key


def bucket_keys(by: str, chosen: Sequence[stats.Report], years: Sequence[tuple[int, int]]) -> list[str]:
    """The buckets, in their natural order: years ascending, every year of the
    range (the filter's, else the reports') included; others as the reports
    give them (trend ranks them after counting)."""
    key = bucket_of(by)
    present = list(dict.fromkeys(key(r) for r in chosen))
    if by != "year":
        return sorted(present)
    known = [r.year for r in chosen if r.year is not None]
    spans = list(years) or ([(min(known), max(known))] if known else [])
    out = sorted({year for start, end in spans for year in range(start, end + 1)} | set(known))
    return [str(year) for year in out] + ([UNKNOWN] if UNKNOWN in present else [])


class _Tally:
    """One term's counts in one bucket."""

    def __init__(self) -> None:
        self.docs: set[int] = set()
        self.paragraphs = 0
        self.occurrences = 0
        self.best: list[tuple[float, int, str]] = []  # a heap of (score, -pid, ref)
        self.lines: list[Concordance] = []


def trend(
    conn: sqlite3.Connection,
    terms: Sequence[str],
    *,
    by: str = "year",
    where: ReportFilter | None = None,
    refs: int = 0,
    kwic_width: int | None = None,
) -> TrendResult:
    """Counts of `terms` per bucket of the reports `where` names (see the module
    docstring); `refs` best paragraphs per bucket and term (bm25), and with
    `kwic_width` every occurrence in context."""
    if not terms:
        raise UsageError("no term to count", "give one or more terms: zxkb trend 脱贫攻坚 乡村振兴")
    if refs < 0:
        raise UsageError(f"--refs must be 0 or more, not {refs}", "e.g. --refs 3")
    key_of = bucket_of(by)
    queries = []
    for term in terms:
        limits.check_query(term)
        queries.append(parse_query(term))
    chosen: Selection = choose(conn, where)
    reports = stats.reports(conn, chosen.doc_ids, copies=chosen.copies)
    bucket = {r.id: key_of(r) for r in reports}
    keys = bucket_keys(by, reports, chosen.years if by == "year" else ())
    tallies = [{k: _Tally() for k in keys} for _ in queries]
    for query, tally in zip(queries, tallies, strict=True):
        counter = Counter(query.keys)
        found = stats.hits(
            conn,
            query.match_expression(),
            reports,
            every=chosen.doc_ids is None,
            copies=chosen.copies,
            scored=refs > 0,
        )
        for hit in found:
            if hit.doc not in bucket:
                continue
            t = tally[bucket[hit.doc]]
            t.docs.add(hit.doc)
            t.paragraphs += 1
            t.occurrences += counter.count(hit.text)
            ref = f"{hit.doc}:{hit.seq}"
            if refs:
                item = (hit.score, -hit.pid, ref)
                if len(t.best) < refs:
                    heapq.heappush(t.best, item)
                elif item > t.best[0]:
                    heapq.heapreplace(t.best, item)
            if kwic_width is not None:
                t.lines.extend(kwic.lines(ref, hit.text, counter, kwic_width))
    members: dict[str, list[stats.Report]] = {k: [] for k in keys}
    for r in reports:
        members[bucket[r.id]].append(r)
    buckets = []
    for k in keys:
        chars = sum(r.chars for r in members[k])
        counts = tuple(
            TermCount(
                term,
                len(t.docs),
                t.paragraphs,
                t.occurrences,
                round(t.occurrences * 10_000 / chars, 4) if chars else 0.0,
                tuple(ref for _, _, ref in sorted(t.best, reverse=True)),
                tuple(t.lines),
            )
            for term, t in ((term, tally[k]) for term, tally in zip(terms, tallies, strict=True))
        )
        buckets.append(TrendBucket(k, label_of(by, k, members[k]), len(members[k]), chars, counts))
    if by != "year":  # ranked: the first term's rate, then its count
        buckets.sort(key=lambda b: (-b.counts[0].per_10k, -b.counts[0].occurrences, b.key == UNKNOWN, b.key))
    return TrendResult(tuple(terms), by, chosen, tuple(buckets), kwic_width is not None, kwic_width or 0)

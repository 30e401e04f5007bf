"""The library: one object per open knowledge base, one method per question.

Every front end (the CLI, the web page, the MCP server) opens a KnowledgeBase,
calls one method and renders the record it returns (zxkb.models); none of them
holds SQL or rules of its own. A user's mistake (an unknown document, a bad
reference, an empty query) raises a zxkb.errors.ZxkbError with a message and a
hint, which each front end shows in its own way.

Heavy modules are imported by the methods that need them: a search imports
nothing beyond sqlite3 and zxkb's own query path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from zxkb.errors import UsageError
from zxkb.models import (
    INDEXED,
    KINDS,
    Kind,
    Paragraph,
    ReportFilter,
    SearchResult,
    Selection,
)
from zxkb.store import connection, failures, reads

if TYPE_CHECKING:  # the records of the other commands: created when they are used (zxkb.models)
    from pathlib import Path

    from zxkb.ingest.run import IngestOptions
    from zxkb.models import (
        CompareResult,
        DocInfo,
        FacetResult,
        FuzzyResult,
        IngestReport,
        Outline,
        Reading,
        ShowResult,
        TrackResult,
        TrendResult,
        UpgradeReport,
    )
    from zxkb.paths import StrPath

DEFAULT_KINDS: tuple[Kind, ...] = ("body",)
ALL_KINDS: tuple[Kind, ...] = INDEXED  # what search --all searches


_YEARS = r"^\s*(\d{4})\s*(?:(?:-|–|—|~|\.\.)\s*(\d{4}))?\s*$"  # compiled by re's cache when --year is given


def report_filter(
    *,
    docs: Sequence[str] = (),
    years: Sequence[str] = (),
    regions: Sequence[str] = (),
    types: Sequence[str] = (),
    levels: Sequence[str] = (),
    speakers: Sequence[str] = (),
    copies: bool = False,
) -> ReportFilter:
    """The filters as a user types them (`--year 2016-2020`) as a ReportFilter."""
    spans = []
    for text in years:
        m = re.match(_YEARS, unicodedata.normalize("NFKC", text))
        if not m:
            raise UsageError(
                f"not a year or a range of years: {text!r}", "write a year as 2018 or a range as 2016-2020"
            )
        start, end = int(m.group(1)), int(m.group(2) or m.group(1))
        spans.append((min(start, end), max(start, end)))
    return ReportFilter(
        _clean(docs), tuple(spans), _clean(regions), _clean(types), _clean(levels), _clean(speakers), copies
    )


def _clean(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


def _with_doc(where: ReportFilter | None, doc: str | None) -> ReportFilter | None:
    if doc is None:
        return where
    return (where or ReportFilter())._replace(docs=(*(where.docs if where else ()), doc))


def parse_kinds(names: Sequence[str] | None) -> tuple[Kind, ...]:
    """Paragraph kinds named by the user (export --kind), in their usual order;
    every kind when none is named."""
    unknown = [name for name in names or () if name not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}", f"kinds are {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if not names or kind in names)


def highlight(text: str, query: str) -> list[tuple[int, int]]:
    """Where the terms of `query` occur in `text` (original offsets, merged):
    the spans a hit's highlights are cut from (zxkb.search.snippet)."""
    from zxkb.search.query import parse_query
    from zxkb.search.snippet import match_spans

    return match_spans(text, parse_query(query).keys)


MAX_LIMIT = 10**9  # a --limit beyond this is every hit


def _limit(limit: int | None) -> int | None:
    return None if limit is None or limit > MAX_LIMIT else max(0, limit)


class KnowledgeBase:
    """A zxkb database, open to read (the default: nothing is ever written,
    zxkb.store.connection) or to write (`write=True`: ingest, rm, upgrade;
    `create` makes the file when it is missing). `on_wait` is called once when a
    writer has to wait for another process to finish writing.

    SQLite's own failures (a damaged file, a full disk, a lock) come out of
    every method as zxkb errors that name the file and what to do
    (zxkb.store.failures)."""

    def __init__(
        self,
        path: StrPath,  # a Path, or its text (zxkb.paths.database_file)
        *,
        write: bool = False,
        create: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        with failures.translated(path):
            self.conn: connection.Connection = connection.connect(path, write=write, create=create, on_wait=on_wait)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------

    def select(self, where: ReportFilter | None = None) -> Selection:
        """The reports `where` names (zxkb.store.selection); without filters,
        doc_ids is None: every report, once unless where.copies."""
        from zxkb.search.engine import choose

        with failures.translated(self.path):
            return choose(self.conn, where)

    def search(
        self,
        query: str,
        *,
        doc: str | None = None,
        where: ReportFilter | None = None,
        section: str | None = None,
        limit: int | None = 10,
        kinds: tuple[Kind, ...] = DEFAULT_KINDS,
        fuzzy: bool = False,
        exact: bool = False,
        explain: bool = False,
    ) -> SearchResult:
        """Ranked paragraphs holding every term of `query` (zxkb.search.query),
        in the reports `where` names; limit None returns every hit. When none
        does, the paragraphs holding most of its terms, marked partial, unless
        `exact`; `explain` gives each hit's score in parts (Hit.explain)."""
        from zxkb.search import engine

        with failures.translated(self.path):
            return engine.search(
                self.conn,
                query,
                doc=doc,
                where=where,
                section=section,
                limit=_limit(limit),
                kinds=kinds,
                fuzzy=fuzzy,
                exact=exact,
                explain=explain,
            )

    def fuzzy(
        self,
        term: str,
        *,
        doc: str | None = None,
        where: ReportFilter | None = None,
        limit: int | None = 10,
        min_score: float | None = None,
    ) -> FuzzyResult:
        """The vocabulary's terms closest to `term`, best first."""
        from zxkb.search import fuzzy

        score = fuzzy.DEFAULT_MIN_SCORE if min_score is None else min_score
        if not 0 <= score <= 100:  # nan too
            raise UsageError(f"--min-score must be between 0 and 100, not {score}", "e.g. --min-score 60")
        with failures.translated(self.path):
            return fuzzy.find(self.conn, term, doc=doc, where=where, limit=_limit(limit), min_score=score)

    def outline(
        self, *, section: str | None = None, doc: str | None = None, where: ReportFilter | None = None
    ) -> list[Outline]:
        """The reports' sections, subsections and initiatives; with `section`
        (as a user types it: 二, 二(一), 2.1), just that section."""
        from zxkb.numbering import parse_section_path
        from zxkb.store import outline

        path = parse_section_path(section) if section is not None else None
        with failures.translated(self.path):
            chosen = self.select(_with_doc(where, doc))
            doc_ids = list(chosen.doc_ids) if chosen.doc_ids is not None else None
            return outline.outline(self.conn, doc_ids, path, copies=chosen.copies)

    def show(self, ref: str, *, context: int = 1) -> ShowResult:
        """One paragraph by reference (DOC:PARAGRAPH) with `context` neighbours on each side."""
        from zxkb.search import show

        with failures.translated(self.path):
            return show.show(self.conn, ref, context)

    def document(self, doc_id: int) -> Reading:
        """One document whole: its metadata and copies, its outline and every
        paragraph of every kind, in order (NotFound for an unknown id)."""
        from zxkb.errors import NotFound
        from zxkb.store import outline

        with failures.translated(self.path):
            infos = reads.documents(self.conn, reads.with_copies(self.conn, [doc_id]))
            info = next((d for d in infos if d.id == doc_id), None)
            if info is None:
                raise NotFound(f"no document {doc_id}", "zxkb docs lists the documents with their ids")
            tree = outline.outline(self.conn, [doc_id], None, copies=True)
            paragraphs = tuple(reads.iter_paragraphs(self.conn, [doc_id], KINDS))
        copies = tuple(d for d in infos if d.id != doc_id)
        from zxkb.models import Reading

        return Reading(info, copies, tree[0].sections if tree else (), paragraphs)

    def documents(self, *, where: ReportFilter | None = None) -> list[DocInfo]:
        """Every document with its report's identity, its copies and its counts;
        with filters, the documents of the reports chosen, each copy included."""
        with failures.translated(self.path):
            chosen = self.select(where)
            if chosen.doc_ids is None:
                return reads.documents(self.conn)
            return reads.documents(self.conn, reads.with_copies(self.conn, chosen.doc_ids))

    def export(
        self, *, doc: str | None = None, where: ReportFilter | None = None, kinds: Sequence[str] | None = None
    ) -> Iterator[Paragraph]:
        """Every paragraph of the kinds named (all when none), in document order,
        of the reports `where` names (each once, unless where.copies)."""
        wanted = parse_kinds(kinds)
        with failures.translated(self.path):
            chosen = self.select(_with_doc(where, doc))
        doc_ids = list(chosen.doc_ids) if chosen.doc_ids is not None else None
        return failures.translated_iter(
            self.path, reads.iter_paragraphs(self.conn, doc_ids, wanted, copies=chosen.copies)
        )

    # --- across the archive (zxkb.analysis) -----------------------------------

    def trend(
        self,
        terms: Sequence[str],
        *,
        by: str = "year",
        where: ReportFilter | None = None,
        refs: int = 0,
        kwic: bool = False,
        width: int = 15,
    ) -> TrendResult:
        """How often each term (a query of the search language) occurs per bucket
        (`by`: year, region, type, speaker, doc) of the reports `where` names:
        reports, paragraphs, occurrences and occurrences per 10,000 characters;
        `refs` best paragraphs per bucket, and with `kwic` every occurrence with
        `width` characters of context on each side (zxkb.analysis.trend)."""
        from zxkb.analysis import trend

        if width < 0:
            raise UsageError(f"--width must be 0 or more, not {width}", "e.g. --width 15")
        with failures.translated(self.path):
            return trend.trend(self.conn, terms, by=by, where=where, refs=refs, kwic_width=width if kwic else None)

    def facets(self, query: str, *, by: str = "year", where: ReportFilter | None = None) -> FacetResult:
        """How many body paragraphs matching `query` each bucket (`by`: year,
        region, type, speaker, doc) of the reports `where` names holds
        (zxkb search --count-by; zxkb.analysis.facets)."""
        from zxkb.analysis import facets

        with failures.translated(self.path):
            return facets.facets(self.conn, query, by=by, where=where)

    def compare(self, left: ReportFilter, right: ReportFilter, *, limit: int = 20) -> CompareResult:
        """Report A (the reports `left` names) against report B (`right`): the
        terms that rose, fell, appeared and disappeared, ranked by log-likelihood
        (G2), `limit` of each (0: all); for two reports, their sections and
        initiatives matched: kept, new in B, dropped from A (zxkb.analysis.compare)."""
        from zxkb.analysis import compare

        with failures.translated(self.path):
            return compare.compare(self.conn, left, right, limit=limit)

    def track(self, doc: str, *, evidence: int = 3) -> TrackResult:
        """A report's plan for the year ahead, each item matched against the
        review part of the next report from the same issuer (same type and
        region, the year after): reported, mentioned or not_found, with up to
        `evidence` paragraphs each (zxkb.analysis.track). `next` is None when
        that report is not stored."""
        from zxkb.analysis import track

        if evidence < 1:
            raise UsageError(f"--evidence must be 1 or more, not {evidence}", "e.g. --evidence 3")
        with failures.translated(self.path):
            return track.track(self.conn, doc, evidence=evidence)

    # --- writing -----------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        options: IngestOptions | None = None,
        *,
        jobs: int | None = None,
        on_file: Callable[[int, int, Path], None] | None = None,
    ) -> IngestReport:
        """Add the reports under `paths` (zxkb.ingest.run)."""
        from zxkb.ingest import run, workers

        with failures.translated(self.path):
            return run.ingest_paths(self.conn, paths, options, on_file=on_file, jobs=jobs or workers.default_jobs())

    def remove(self, doc_ids: Iterable[int]) -> list[DocInfo]:
        """Remove documents by id; NotFound, and nothing removed, if one is unknown."""
        from zxkb.store import documents

        with failures.translated(self.path):
            return documents.remove_documents(self.conn, doc_ids)

    def upgrade(self) -> UpgradeReport:
        """What opening to write did (migrated the schema, rebuilt the index for
        this normaliser), and the vocabulary brought up to date: built for this
        version, with the terms of documents an interrupted ingest left out."""
        from zxkb.models import UpgradeReport
        from zxkb.store import schema, terms

        with failures.translated(self.path):
            behind = terms.staleness(self.conn)
            terms.ready(self.conn)
            return UpgradeReport(
                str(self.path),
                self.conn.migrated_from,
                schema.SCHEMA_VERSION,
                self.conn.index_rebuilt,
                bool(behind),
                self.conn.archive_rebuilt,
            )

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

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zxkb.errors import UsageError
from zxkb.models import (
    INDEXED,
    KINDS,
    DocInfo,
    FuzzyResult,
    IngestReport,
    Kind,
    Outline,
    Paragraph,
    SearchResult,
    ShowResult,
)
from zxkb.store import connection, reads

if TYPE_CHECKING:
    from zxkb.ingest.run import IngestOptions

DEFAULT_KINDS: tuple[Kind, ...] = ("body",)
ALL_KINDS: tuple[Kind, ...] = INDEXED  # what search --all searches


def parse_kinds(names: Sequence[str] | None) -> tuple[Kind, ...]:
    """Paragraph kinds named by the user (export --kind), in their usual order;
    every kind when none is named."""
    unknown = [name for name in names or () if name not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}", f"kinds are {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if not names or kind in names)


class KnowledgeBase:
    """A zxkb database, open. `create` makes the file when it is missing (ingest
    does; read commands get DatabaseMissing instead)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        self.conn: sqlite3.Connection = connection.connect(path, create=create)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        doc: str | None = None,
        section: str | None = None,
        limit: int | None = 10,
        kinds: tuple[Kind, ...] = DEFAULT_KINDS,
        fuzzy: bool = False,
    ) -> SearchResult:
        """Ranked paragraphs holding every term of `query` (zxkb.search.query);
        limit None returns every hit."""
        from zxkb.search import engine

        return engine.search(self.conn, query, doc=doc, section=section, limit=limit, kinds=kinds, fuzzy=fuzzy)

    def fuzzy(
        self, term: str, *, doc: str | None = None, limit: int | None = 10, min_score: float | None = None
    ) -> FuzzyResult:
        """The vocabulary's terms closest to `term`, best first."""
        from zxkb.search import fuzzy

        score = fuzzy.DEFAULT_MIN_SCORE if min_score is None else min_score
        return fuzzy.find(self.conn, term, doc=doc, limit=limit, min_score=score)

    def outline(self, *, section: str | None = None, doc: str | None = None) -> list[Outline]:
        """The documents' sections, subsections and initiatives; with `section`
        (as a user types it: 二, 二(一), 2.1), just that section."""
        from zxkb.numbering import parse_section_path
        from zxkb.store import outline

        path = parse_section_path(section) if section is not None else None
        return outline.outline(self.conn, reads.resolve_docs(self.conn, doc), path)

    def show(self, ref: str, *, context: int = 1) -> ShowResult:
        """One paragraph by reference (DOC:PARAGRAPH) with `context` neighbours on each side."""
        from zxkb.search import show

        return show.show(self.conn, ref, context)

    def documents(self) -> list[DocInfo]:
        """Every document with its metadata and counts."""
        return reads.documents(self.conn)

    def export(self, *, doc: str | None = None, kinds: Sequence[str] | None = None) -> Iterator[Paragraph]:
        """Every paragraph of the kinds named (all when none), in document order."""
        wanted = parse_kinds(kinds)
        return reads.iter_paragraphs(self.conn, reads.resolve_docs(self.conn, doc), wanted)

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

        return run.ingest_paths(self.conn, paths, options, on_file=on_file, jobs=jobs or workers.default_jobs())

    def remove(self, doc_ids: Iterable[int]) -> list[DocInfo]:
        """Remove documents by id; NotFound, and nothing removed, if one is unknown."""
        from zxkb.store import documents

        return documents.remove_documents(self.conn, doc_ids)

"""Files and folders -> documents in the store. Worker processes prepare the
files (zxkb.prepare: read, parse, terms); this process stores them in file
order, committing every second or so, each document whole or not at all. A file
that fails is reported and the others still go in. The documents' terms go to
the vocabulary in batches (zxkb.store.terms.VocabularyBatch), after the documents."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from zxkb.errors import InputError
from zxkb.formats import SUFFIXES, ReadOptions
from zxkb.ingest import workers
from zxkb.ingest.prepare import MAX_BYTES, FileFailure, prepare_file
from zxkb.ingest.records import FileOutcome, store_file
from zxkb.models import IngestReport
from zxkb.store import connection, documents, reports, terms

# A folder's own documentation is not a report; name such a file to ingest it.
FOLDER_DOCS = re.compile(r"^(readme|license|licence|changelog|contributing|copying|notice)(\.\w+)?$", re.I)


@dataclass(frozen=True)
class IngestOptions:
    read: ReadOptions = field(default_factory=ReadOptions)  # encoding, text and title fields
    max_bytes: int = MAX_BYTES  # a larger file is refused: too large to be a report
    replace: bool = False  # a changed file replaces the document ingested from the same path


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, object]]]:
    """Report files under `paths` (folders recursively, sorted), and errors for
    paths that cannot be ingested at all."""
    files: list[Path] = []
    errors: list[dict[str, object]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUFFIXES
                    and not p.name.startswith(".")
                    and not FOLDER_DOCS.match(p.name)
                )
            )
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                errors.append(
                    {
                        "source": str(path),
                        "error": f"not a report file type ({path.suffix or 'no suffix'})",
                        "hint": f"zxkb ingests {', '.join(SUFFIXES)} files",
                    }
                )
        else:
            errors.append({"source": str(path), "error": "no such file or folder", "hint": "check the path"})
    return files, errors


def ingest_file(
    conn: sqlite3.Connection,
    path: Path,
    options: IngestOptions | None = None,
    vocabulary: terms.VocabularyBatch | None = None,
) -> FileOutcome:
    """Ingest the reports in one file, in this process (zxkb.ingest.records says
    which stored document each is). Their terms go into `vocabulary` (the caller
    flushes it), else to the vocabulary at once."""
    options = options or IngestOptions()
    prepared = prepare_file(path, options.read, options.max_bytes)
    if isinstance(prepared, FileFailure):
        raise InputError(prepared.message, prepared.hint)
    batch = vocabulary if vocabulary is not None else terms.VocabularyBatch(conn)
    outcome = store_file(conn, str(path.resolve()), prepared, batch, replace=options.replace)
    if vocabulary is None:
        batch.flush()
    return outcome


def ingest_paths(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    options: IngestOptions | None = None,
    *,
    on_file: Callable[[int, int, Path], None] | None = None,
    jobs: int = 1,
) -> IngestReport:
    """Ingest every report file under `paths`; `on_file(done, total, path)` is
    called before each file is stored (for a progress bar). Files are prepared
    (read, parsed, their terms extracted) by `jobs` processes (zxkb.ingest.workers)
    and stored here, in order, committed about once a second
    (zxkb.store.connection.group_commit). The vocabulary is written in batches and
    brought up to date at the end (also with the terms of documents that an
    earlier, interrupted ingest stored). With --replace every record is prepared:
    a text stored at the start may be replaced before its turn comes."""
    options = options or IngestOptions()
    files, errors = collect(paths)
    vocabulary = terms.VocabularyBatch(conn)
    ingested: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    missing: list[dict[str, object]] = []

    def known() -> frozenset[str]:
        return frozenset() if options.replace else documents.content_hashes(conn)

    with connection.group_commit(conn) as group:
        prepared_files = workers.prepared_files(files, options.read, options.max_bytes, jobs, known=known)
        for done, (path, prepared) in enumerate(zip(files, prepared_files, strict=True)):
            if on_file:
                on_file(done, len(files), path)
            if isinstance(prepared, FileFailure):
                hint = {"hint": prepared.hint} if prepared.hint else {}
                errors.append({"source": str(path), "error": prepared.message, **hint})
                continue
            outcome = store_file(conn, str(path.resolve()), prepared, vocabulary, replace=options.replace)
            ingested += outcome.ingested
            skipped += outcome.skipped
            missing += outcome.missing
            group.tick()
        vocabulary.flush()
    for item in ingested:  # the reports' copies as they stand after the whole ingest
        _copies(conn, item)
    return IngestReport(tuple(ingested), tuple(skipped), tuple(errors), tuple(missing))


def _copies(conn: sqlite3.Connection, item: dict[str, object]) -> None:
    """`copy_of` (the canonical copy's id, when this document is a copy of a
    report stored from several sources), `copies` (on the canonical one) and
    whether a copy of the report was stored before this one."""
    doc_id = cast(int, item["doc"])
    canonical, group = reports.members(conn, doc_id)
    item["copy_of"] = None if canonical == doc_id else canonical
    item["copies"] = [m for m in group if m != doc_id] if canonical == doc_id else []
    item["same_as_stored"] = any(m < doc_id for m in group)


def summary(report: IngestReport) -> str:
    """The one-line summary of an ingest: `3 documents ingested (…), 1 of them a copy
    of reports stored already, 1 skipped, 0 failed`."""
    kept = sum(cast(int, item["paragraphs"]) for item in report.ingested)
    aside = sum(sum(cast(dict[str, int], item["set_aside"]).values()) for item in report.ingested)
    n = len(report.ingested)
    copies = sum(1 for item in report.ingested if item.get("same_as_stored"))
    also = f", {copies} of them {'a copy' if copies == 1 else 'copies'} of reports stored already" if copies else ""
    return (
        f"{n} document{'' if n == 1 else 's'} ingested ({kept} paragraphs kept, {aside} set aside){also}, "
        f"{len(report.skipped)} skipped, {len(report.errors)} failed"
    )

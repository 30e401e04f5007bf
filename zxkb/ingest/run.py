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
from zxkb.ingest.prepare import MAX_BYTES, FileFailure, PreparedRecord, prepare_file
from zxkb.models import KINDS, SET_ASIDE, IngestReport
from zxkb.store import connection, documents, terms

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
) -> list[dict[str, object]]:
    """Ingest the reports in one file, in this process. Returns, per report, what
    was stored or {"source", "skipped": reason}. Their terms go into `vocabulary`
    (the caller flushes it), else to the vocabulary at once."""
    options = options or IngestOptions()
    prepared = prepare_file(path, options.read, options.max_bytes)
    if isinstance(prepared, FileFailure):
        raise InputError(prepared.message, prepared.hint)
    batch = vocabulary if vocabulary is not None else terms.VocabularyBatch(conn)
    results = [store_record(conn, record, batch, replace=options.replace) for record in prepared]
    if vocabulary is None:
        batch.flush()
    return results


def store_record(
    conn: sqlite3.Connection,
    record: PreparedRecord,
    vocabulary: terms.VocabularyBatch,
    *,
    replace: bool = False,
) -> dict[str, object]:
    """Store one prepared report, unless it is stored already, changed without
    --replace, or not a report; its terms go to `vocabulary` once it is stored."""
    existing = documents.find_by_hash(conn, record.content_hash)
    if existing is not None:
        return {"source": record.source, "skipped": f"already ingested as document {existing}"}
    previous = documents.find_by_source(conn, record.source)
    if previous is not None and not replace:
        return {
            "source": record.source,
            "skipped": f"changed since it was ingested as document {previous}; --replace replaces it",
        }
    if record.prepared is None:
        # not a report; or a known text whose document went while this was prepared: not worth a retry
        return {"source": record.source, "skipped": record.not_report or "already ingested"}
    doc = record.prepared.doc
    doc_id = documents.add_document(conn, record.prepared, record.source, record.content_hash, replaces=previous)
    vocabulary.add(doc_id, record.prepared.terms)
    counts = {kind: sum(1 for b in doc.blocks if b.kind == kind) for kind in KINDS}
    return {
        "doc": doc_id,
        "source": record.source,
        "title": doc.title,
        "paragraphs": counts["body"],
        "sections": len(doc.sections),
        "set_aside": {kind: counts[kind] for kind in SET_ASIDE},
        "encoding": record.encoding,
        **({"replaced": previous} if previous is not None else {}),
    }


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
    (read, parsed, their terms extracted) by `jobs` processes (zxkb.workers) and
    stored here, in order, committed about once a second (zxkb.store.connection.group_commit).
    The vocabulary is written in batches and brought up to date at the end (also
    with the terms of documents that an earlier, interrupted ingest stored)."""
    options = options or IngestOptions()
    files, errors = collect(paths)
    vocabulary = terms.VocabularyBatch(conn)
    ingested: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    with connection.group_commit(conn) as group:
        prepared_files = workers.prepared_files(
            files, options.read, options.max_bytes, jobs, known=lambda: documents.content_hashes(conn)
        )
        for done, (path, prepared) in enumerate(zip(files, prepared_files, strict=True)):
            if on_file:
                on_file(done, len(files), path)
            if isinstance(prepared, FileFailure):
                hint = {"hint": prepared.hint} if prepared.hint else {}
                errors.append({"source": str(path), "error": prepared.message, **hint})
                continue
            for record in prepared:
                result = store_record(conn, record, vocabulary, replace=options.replace)
                if "skipped" in result:
                    skipped.append({"source": result["source"], "reason": result["skipped"]})
                else:
                    ingested.append(result)
            group.tick()
        vocabulary.flush()
    return IngestReport(tuple(ingested), tuple(skipped), tuple(errors))


def summary(report: IngestReport) -> str:
    """The one-line summary of an ingest: `3 documents ingested (…), 1 skipped, 0 failed`."""
    kept = sum(cast(int, item["paragraphs"]) for item in report.ingested)
    aside = sum(sum(cast(dict[str, int], item["set_aside"]).values()) for item in report.ingested)
    n = len(report.ingested)
    return (
        f"{n} document{'' if n == 1 else 's'} ingested ({kept} paragraphs kept, {aside} set aside), "
        f"{len(report.skipped)} skipped, {len(report.errors)} failed"
    )

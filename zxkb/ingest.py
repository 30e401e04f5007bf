"""Files and folders -> documents in the store, one transaction per file.
A file that fails is reported and the others still go in. The documents' terms
go to the vocabulary in batches (termstore.VocabularyBatch), after the documents."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zxkb import store, termstore
from zxkb.errors import InputError, ZxkbError
from zxkb.formats import SUFFIXES, ReadOptions, Record, read_records
from zxkb.models import KINDS, SET_ASIDE, IngestReport
from zxkb.parse import body_chars, parse_report

MIN_REPORT_CHARS = 120  # less body text than this is a stub, not a report
MAX_BYTES = 50 * 1024 * 1024
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
    vocabulary: termstore.VocabularyBatch | None = None,
) -> list[dict[str, object]]:
    """Ingest the reports in one file. Returns, per report, what was stored or
    {"source", "skipped": reason}. Their terms go into `vocabulary` (the caller
    flushes it), else to the vocabulary at once."""
    options = options or IngestOptions()
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputError(
                f"the file is {size / 1e6:.1f} MB, more than the {options.max_bytes / 1e6:.0f} MB limit for one report",
                "raise the limit with --max-size MB if this really is one report",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    records = read_records(path.resolve(), data, options.read)
    return [ingest_record(conn, record, replace=options.replace, vocabulary=vocabulary) for record in records]


def ingest_record(
    conn: sqlite3.Connection,
    record: Record,
    *,
    replace: bool = False,
    vocabulary: termstore.VocabularyBatch | None = None,
) -> dict[str, object]:
    content_hash = hashlib.sha256(record.text.encode("utf-8")).hexdigest()
    existing = store.find_by_hash(conn, content_hash)
    if existing is not None:
        return {"source": record.source, "skipped": f"already ingested as document {existing}"}
    previous = store.find_by_source(conn, record.source)
    if previous is not None and not replace:
        return {
            "source": record.source,
            "skipped": f"changed since it was ingested as document {previous}; --replace replaces it",
        }
    meta = {"name": Path(record.source.split("#")[0]).stem, **record.meta}
    doc = parse_report(record.text, meta)
    chars = body_chars(doc)
    if chars < MIN_REPORT_CHARS:
        return {"source": record.source, "skipped": f"not a report: {chars} characters of text"}
    doc_id = store.add_document(conn, doc, record.source, content_hash, replaces=previous, vocabulary=vocabulary)
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
) -> IngestReport:
    """Ingest every report file under `paths`; `on_file(done, total, path)` is
    called before each file (for a progress bar). The vocabulary is written in
    batches and brought up to date at the end (also with the terms of documents
    that an earlier, interrupted ingest stored)."""
    files, errors = collect(paths)
    vocabulary = termstore.VocabularyBatch(conn)
    ingested: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    for done, path in enumerate(files):
        if on_file:
            on_file(done, len(files), path)
        try:
            results = ingest_file(conn, path, options, vocabulary)
        except ZxkbError as exc:
            errors.append({"source": str(path), "error": exc.message, **({"hint": exc.hint} if exc.hint else {})})
            continue
        for result in results:
            if "skipped" in result:
                skipped.append({"source": result["source"], "reason": result["skipped"]})
            else:
                ingested.append(result)
    vocabulary.flush()
    return IngestReport(tuple(ingested), tuple(skipped), tuple(errors))

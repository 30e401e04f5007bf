"""Files and folders -> documents in the store. Worker processes prepare the
files (zxkb.prepare: read, parse, terms); this process stores them in file
order, committing every second or so, each document whole or not at all. A file
that fails is reported and the others still go in. The documents' terms go to
the vocabulary in batches (zxkb.store.terms.VocabularyBatch), after the documents."""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from zxkb.errors import InputError, UsageError
from zxkb.formats import SUFFIXES, ReadOptions
from zxkb.formats.decode import text_encoding
from zxkb.formats.record import MiB, path_text
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

    @classmethod
    def from_user(
        cls,
        *,
        encoding: str | None = None,
        max_size_mb: float = MAX_BYTES / MiB,
        replace: bool = False,
        text_field: str | None = None,
        title_field: str | None = None,
    ) -> IngestOptions:
        """The options as a user gives them (--max-size in MB of 1,048,576 bytes),
        checked: UsageError for an encoding that is not a text encoding, or a
        size that is not a finite positive number."""
        if encoding is not None:
            text_encoding(encoding)
        if not (math.isfinite(max_size_mb) and max_size_mb > 0):
            raise UsageError(
                f"--max-size must be a positive number of MB, not {max_size_mb}",
                f"e.g. --max-size 100 (the default is {MAX_BYTES / MiB:g})",
            )
        max_bytes = math.ceil(max_size_mb * MiB)  # (so that --max-size 0.01 is said back as 0.01)
        return cls(ReadOptions(encoding, text_field, title_field, max_bytes), max_bytes, replace)


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, object]]]:
    """Report files under `paths` (folders recursively, sorted), and errors for
    paths that cannot be ingested at all. A folder that cannot be read is an
    error of its own; the walk goes on with the others."""
    files: list[Path] = []
    errors: list[dict[str, object]] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(_walk(path, errors)))
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
            else:
                errors.append(
                    {
                        "source": path_text(path),
                        "error": f"not a report file type ({path_text(path.suffix) or 'no suffix'})",
                        "hint": f"zxkb ingests {', '.join(SUFFIXES)} files",
                    }
                )
        elif path.exists():  # a FIFO, a device, a socket: reading it may never end
            error = "not a regular file (a pipe, device or socket)"
            errors.append({"source": path_text(path), "error": error, "hint": "ingest report files or folders"})
        else:
            errors.append({"source": path_text(path), "error": "no such file or folder", "hint": "check the path"})
    return files, errors


def _walk(folder: Path, errors: list[dict[str, object]]) -> Iterator[Path]:
    """The report files under `folder`, as Path.rglob finds them (symbolic
    links to folders are not followed), with an error for each folder or
    entry that cannot be read."""

    def unreadable(exc: OSError) -> None:
        where = path_text(exc.filename or folder)
        errors.append({"source": where, "error": f"cannot read the folder: {exc.strerror or exc}", "hint": _PERM_HINT})

    for root, _dirs, names in os.walk(folder, onerror=unreadable):
        for name in names:
            path = Path(root, name)
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES or FOLDER_DOCS.match(name):
                continue
            try:
                if path.is_file():
                    yield path
            except OSError as exc:
                error = f"cannot read: {exc.strerror or exc}"
                errors.append({"source": path_text(path), "error": error, "hint": _PERM_HINT})


_PERM_HINT = "check its permissions; the other files are ingested"


def ingest_file(
    conn: sqlite3.Connection,
    path: Path,
    options: IngestOptions | None = None,
    vocabulary: terms.VocabularyBatch | None = None,
) -> FileOutcome:
    """Ingest the reports in one file, in this process (zxkb.ingest.records says
    which stored document each is). Their terms go into `vocabulary` (the caller
    flushes it), else to the vocabulary at once. A record that cannot be read is
    among the skipped, with its error as the reason."""
    options = options or IngestOptions()
    prepared = prepare_file(path, options.read, options.max_bytes)
    if isinstance(prepared, FileFailure):
        raise InputError(prepared.message, prepared.hint)
    batch = vocabulary if vocabulary is not None else terms.VocabularyBatch(conn)
    good = [record for record in prepared if record.failure is None]
    outcome = store_file(
        conn, path_text(path.resolve()), good, batch, replace=options.replace, complete=len(good) == len(prepared)
    )
    for record in prepared:
        if record.failure is not None:
            outcome.skipped.append({"source": record.source, "reason": f"cannot be read: {record.failure.message}"})
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
                errors.append(_error(path_text(path), prepared))
                continue
            good = [record for record in prepared if record.failure is None]
            errors += (_error(record.source, record.failure) for record in prepared if record.failure is not None)
            outcome = store_file(
                conn,
                path_text(path.resolve()),
                good,
                vocabulary,
                replace=options.replace,
                complete=len(good) == len(prepared),
            )
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


def _error(source: str, failure: FileFailure) -> dict[str, object]:
    return {"source": source, "error": failure.message, **({"hint": failure.hint} if failure.hint else {})}


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

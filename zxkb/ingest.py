"""Files and folders -> documents in the store. Worker processes prepare the
files (zxkb.prepare: read, parse, terms); this process stores them in file
order, committing every second or so, each document whole or not at all. A file
that fails is reported and the others still go in. The documents' terms go to
the vocabulary in batches (termstore.VocabularyBatch), after the documents."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zxkb import store, termstore
from zxkb.errors import IngestError, InputError
from zxkb.formats import MANY_REPORT_SUFFIXES, SUFFIXES, ReadOptions
from zxkb.models import KINDS, SET_ASIDE, IngestReport
from zxkb.prepare import MAX_BYTES, FileFailure, PreparedRecord, prepare_file, prepare_record, read_file_records

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
    """Ingest the reports in one file, in this process. Returns, per report, what
    was stored or {"source", "skipped": reason}. Their terms go into `vocabulary`
    (the caller flushes it), else to the vocabulary at once."""
    options = options or IngestOptions()
    prepared = prepare_file(path, options.read, options.max_bytes)
    if isinstance(prepared, FileFailure):
        raise InputError(prepared.message, prepared.hint)
    return [store_record(conn, record, replace=options.replace, vocabulary=vocabulary) for record in prepared]


def store_record(
    conn: sqlite3.Connection,
    record: PreparedRecord,
    *,
    replace: bool = False,
    vocabulary: termstore.VocabularyBatch | None = None,
) -> dict[str, object]:
    """Store one prepared report, unless it is stored already, changed without
    --replace, or not a report."""
    existing = store.find_by_hash(conn, record.content_hash)
    if existing is not None:
        return {"source": record.source, "skipped": f"already ingested as document {existing}"}
    previous = store.find_by_source(conn, record.source)
    if previous is not None and not replace:
        return {
            "source": record.source,
            "skipped": f"changed since it was ingested as document {previous}; --replace replaces it",
        }
    if record.prepared is None:
        # not a report; or a known text whose document went while this was prepared: not worth a retry
        return {"source": record.source, "skipped": record.not_report or "already ingested"}
    doc = record.prepared.doc
    doc_id = store.add_document(
        conn, record.prepared, record.source, record.content_hash, replaces=previous, vocabulary=vocabulary
    )
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


# Below this much text, worker processes cost more than they save: each starts
# a Python with zxkb and rjieba's dictionary (~0.3 s).
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
# Files prepared ahead of the one being stored, per worker: enough to keep the
# workers busy, few enough that memory stays flat whatever the corpus size.
AHEAD_PER_WORKER = 8


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _prepared_files(
    conn: sqlite3.Connection, files: list[Path], options: IngestOptions, jobs: int
) -> Iterator[list[PreparedRecord] | FileFailure]:
    """prepare_file for each of `files`, in order: in this process, or with
    `jobs` worker processes when there is enough to do. A CSV or JSON file that
    holds many reports is read by one worker and its reports prepared by all.
    Texts already stored are not parsed again (their hashes go to the workers)."""
    many = [path.suffix.lower() in MANY_REPORT_SUFFIXES for path in files]
    if jobs <= 1 or (len(files) < 2 and not any(many)) or sum(map(_size, files)) < PARALLEL_MIN_BYTES:
        for path in files:
            yield prepare_file(path, options.read, options.max_bytes)
        return
    known = store.content_hashes(conn)
    # forkserver, not fork: the progress bar's thread is running; spawn where there is no forkserver (Windows)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_setup, initargs=(os.getpid(),)
    ) as pool:

        def submit(path: Path, many: bool) -> tuple[bool, Future[Any]]:
            if many:  # read here, its reports prepared below
                return True, pool.submit(read_file_records, path, options.read, options.max_bytes)
            return False, pool.submit(prepare_file, path, options.read, options.max_bytes, known)

        pending: deque[tuple[bool, Future[Any]]] = deque()
        todo = zip(files, many, strict=True)
        try:
            for path, is_many in todo:
                pending.append(submit(path, is_many))
                if len(pending) >= jobs * AHEAD_PER_WORKER:
                    break
            while pending:
                try:
                    is_many, future = pending.popleft()
                    result = future.result()
                    if is_many and not isinstance(result, FileFailure):
                        # a file of many reports: its reports are prepared by every worker
                        parts = [pool.submit(prepare_record, record, known) for record in result]
                        result = [part.result() for part in parts]
                except BrokenProcessPool as exc:
                    raise IngestError(
                        "a worker process stopped unexpectedly (out of memory?); the reports stored so far are kept",
                        "run the same command again with --jobs 1",
                    ) from exc
                for path, is_many in todo:
                    pending.append(submit(path, is_many))
                    break
                yield result
        finally:
            for _, future in pending:
                future.cancel()


def _worker_setup(parent: int) -> None:
    """Ctrl-C is the main process's to handle: it stops the ingest, and the workers
    with it, without a traceback from each. And a worker whose main process is
    gone (killed) exits: it would otherwise wait for work forever, since it holds
    both ends of its task queue's pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":  # os.kill(pid, 0) only asks on POSIX; on Windows it would terminate
        threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()


def _exit_without(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive, another user's: the pid was reused; the parent is gone
            os._exit(1)


WATCH_SECONDS = 0.5


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
    (read, parsed, their terms extracted) by `jobs` processes and stored here,
    in order, committed about once a second (store.group_commit). The vocabulary is written in batches
    and brought up to date at the end (also with the terms of documents that an
    earlier, interrupted ingest stored)."""
    options = options or IngestOptions()
    files, errors = collect(paths)
    vocabulary = termstore.VocabularyBatch(conn)
    ingested: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    with store.group_commit(conn) as group:
        for done, (path, prepared) in enumerate(zip(files, _prepared_files(conn, files, options, jobs), strict=True)):
            if on_file:
                on_file(done, len(files), path)
            if isinstance(prepared, FileFailure):
                hint = {"hint": prepared.hint} if prepared.hint else {}
                errors.append({"source": str(path), "error": prepared.message, **hint})
                continue
            for record in prepared:
                result = store_record(conn, record, replace=options.replace, vocabulary=vocabulary)
                if "skipped" in result:
                    skipped.append({"source": result["source"], "reason": result["skipped"]})
                else:
                    ingested.append(result)
            group.tick()
        vocabulary.flush()
    return IngestReport(tuple(ingested), tuple(skipped), tuple(errors))

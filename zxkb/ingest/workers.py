"""Preparing files in worker processes (zxkb.ingest stores what they give).

The pure half of ingest (zxkb.prepare) is most of its CPU time; on a machine
with several cores it runs in a process pool while the main process writes.
Results come back in file order, so that document ids are the same as in one
process; a window of files ahead keeps the workers busy and memory flat.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from zxkb import cores
from zxkb.errors import IngestError, UsageError
from zxkb.formats import MANY_REPORT_SUFFIXES, ReadOptions, Record
from zxkb.ingest.prepare import (
    FileFailure,
    PreparedRecord,
    failure_of,
    prepare_file,
    prepare_record,
    read_file_records,
)

# Below this much text, worker processes cost more than they save: each starts
# a Python with zxkb and rjieba's dictionary (~0.3 s).
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
# Files prepared ahead of the one being stored, per worker: enough to keep the
# workers busy, few enough that memory stays flat whatever the corpus size.
AHEAD_PER_WORKER = 8
WATCH_SECONDS = 0.5  # how often a worker checks that its main process is there


def default_jobs() -> int:
    return cores.available()


def max_jobs() -> int:
    """The most worker processes worth starting: twice the CPU cores. Each one
    holds a Python with rjieba's dictionary (~60 MB) and the files it reads;
    past the cores they only queue for the CPU (64 workers took 3.9 GB)."""
    return 2 * default_jobs()


def capped_jobs(jobs: int | None) -> tuple[int, str | None]:
    """The number of workers to start for --jobs `jobs` (None: one per core),
    and a note when a larger number was lowered to max_jobs()."""
    if jobs is None:
        return default_jobs(), None
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}", "--jobs 1 reads the files in this process")
    most = max_jobs()
    if jobs > most:
        cores = default_jobs()
        return most, f"--jobs {jobs} lowered to {most}: more processes than twice the {cores} CPU cores only add memory"
    return jobs, None


def prepared_files(
    files: list[Path], read: ReadOptions, max_bytes: int, jobs: int, *, known: Callable[[], frozenset[str]]
) -> Iterator[list[PreparedRecord] | FileFailure]:
    """prepare_file for each of `files`, in order: in this process, or with
    `jobs` worker processes when there is enough to do. A CSV or JSON file that
    holds many reports is read by one worker and its reports prepared by all.
    Texts whose hashes `known()` gives (those stored already) are not parsed
    again: the hashes go to the workers."""
    jobs = min(jobs, max_jobs())
    many = [path.suffix.lower() in MANY_REPORT_SUFFIXES for path in files]
    pool = None
    if jobs > 1 and (len(files) > 1 or any(many)) and sum(map(_size, files)) >= PARALLEL_MIN_BYTES:
        pool = _pool(jobs)
    if pool is None:
        for path in files:
            yield prepare_file(path, read, max_bytes)
        return
    stored = known()
    with pool:

        def submit(path: Path, many: bool) -> tuple[bool, Future[Any]]:
            if many:  # read here, its reports prepared below
                return True, pool.submit(read_file_records, path, read, max_bytes)
            return False, pool.submit(prepare_file, path, read, max_bytes, stored)

        pending: deque[tuple[bool, Future[Any]]] = deque()
        todo = zip(files, many, strict=True)

        def top_up() -> None:
            while len(pending) < jobs * AHEAD_PER_WORKER and (item := next(todo, None)):
                pending.append(submit(*item))

        try:
            top_up()
            while pending:
                try:
                    is_many, future = pending.popleft()
                    result = _result(future)
                    if is_many and not isinstance(result, FileFailure):
                        # a file of many reports: its reports are prepared by every worker
                        parts = [(record, pool.submit(prepare_record, record, stored)) for record in result]
                        result = [_record_result(record, part) for record, part in parts]
                except BrokenProcessPool as exc:
                    raise IngestError(
                        "a worker process stopped unexpectedly (out of memory?); the reports stored so far are kept",
                        "run the same command again with --jobs 1",
                    ) from exc
                top_up()
                yield result
        finally:
            for _, future in pending:
                future.cancel()


def _result(future: Future[Any]) -> Any:
    """A worker's answer; an exception on its way back (the answer could not be
    pickled, say) is the file's failure, as in the worker itself."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:  # see failure_of
        return failure_of(exc)


def _record_result(record: Record, future: Future[Any]) -> PreparedRecord:
    result = _result(future)
    if isinstance(result, FileFailure):
        return PreparedRecord(record.source, record.encoding, "", None, failure=result)
    return result  # type: ignore[no-any-return]


def _pool(jobs: int) -> ProcessPoolExecutor | None:
    """A pool of `jobs` workers, or None where processes cannot share a queue
    (no /dev/shm in some containers, no sem_open on some systems): then
    everything runs in this process, as with --jobs 1."""
    # forkserver, not fork: the progress bar's thread is running; spawn where there is no forkserver (Windows)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    try:
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_worker_setup, initargs=(os.getpid(),)
        )
    except (OSError, ImportError, NotImplementedError):
        return None


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
        except (ProcessLookupError, PermissionError):  # PermissionError: the pid is another user's now
            os._exit(1)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

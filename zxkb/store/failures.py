"""SQLite's failures as a user can act on them: a damaged file (how to check it
and recover what is readable), a full disk (how much space is left), a lock
held by another process, a read-only file. Every KnowledgeBase method runs
inside `translated`, so every front end says the same thing about them."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from zxkb.errors import DatabaseUnreadable, ZxkbError

if TYPE_CHECKING:
    from zxkb.paths import StrPath

T = TypeVar("T")


def _damaged(path: StrPath, what: str) -> ZxkbError:
    return DatabaseUnreadable(
        f"{path} is damaged: {what}",
        f"check it with: sqlite3 {path} 'PRAGMA integrity_check'; save what is readable with: "
        f"sqlite3 {path} .recover | sqlite3 recovered.db — or ingest the reports again into a new database",
    )


def _free_space(path: StrPath) -> str:
    import shutil  # here: ~4 ms of every start-up otherwise

    try:
        free = shutil.disk_usage(os.path.dirname(os.path.realpath(path))).free
    except OSError:
        return "free space unknown"
    return f"{free / 2**20:,.1f} MiB free"


def explain(exc: sqlite3.Error, path: StrPath) -> ZxkbError:
    """The zxkb error that an SQLite error on the database at `path` means."""
    message = str(exc)
    lowered = message.lower()
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return ZxkbError(
            f"the disk that holds {path} is full ({_free_space(path)})",
            "free some space and run the command again: what was stored before is kept",
        )
    if "not a database" in lowered:
        return DatabaseUnreadable(
            f"{path} is not a zxkb database, or is damaged ({message})", "pass --db with the path of a zxkb database"
        )
    if "malformed" in lowered or "corrupt" in lowered:
        return _damaged(path, message)
    if lowered.startswith(("no such table", "no such column")):
        return _damaged(path, f"{message} (a zxkb database has it: the file was changed by another program)")
    if "locked" in lowered or "busy" in lowered:
        return ZxkbError(
            f"{path} is locked by another process ({message})",
            "wait for the other zxkb command to finish, then run this one again",
        )
    if "readonly" in lowered or "read-only" in lowered:
        return ZxkbError(
            f"{path} is read-only ({message})",
            "ingest, rm and upgrade need to write the file and its folder; search, list, show, docs and export "
            "work on a read-only database",
        )
    if "unable to open" in lowered:
        return DatabaseUnreadable(f"cannot open {path}: {message}", "check the path and its permissions")
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return _damaged(path, message)
    return ZxkbError(
        f"the database {path} failed: {message}",
        f"check it with: sqlite3 {path} 'PRAGMA integrity_check'",
    )


@contextmanager
def translated(path: StrPath) -> Iterator[None]:
    """Run a block, turning SQLite's errors into zxkb errors about `path`."""
    try:
        yield
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc


def translated_iter(path: StrPath, items: Iterator[T]) -> Iterator[T]:
    """`items`, turning SQLite's errors raised while they are read into zxkb errors."""
    with translated(path):
        yield from items

"""Opening the database and running transactions: pragmas, migrations, the
normaliser's version, BEGIN IMMEDIATE ... COMMIT and group commits."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from zxkb import textnorm
from zxkb.errors import DatabaseMissing, DatabaseUnreadable
from zxkb.store import index, schema

BUSY_TIMEOUT_MS = 10_000
# 16 KiB pages: paragraphs (~650 bytes of text each) fill them better than 4 KiB
# ones (at 100 MB of reports the paragraphs table had 16 MB of free space in
# 4 KiB pages; 10% smaller, ingest 4% faster at 10 MB).
PAGE_SIZE = 16_384
CACHE_KIB = 65_536  # pages kept in memory, allocated as used: ingest is ~2x faster than with the 2 MB default


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the database at `path`, migrating it to this zxkb's schema.
    Read commands pass create=False and get DatabaseMissing instead of a new file."""
    if not path.exists():
        if not create:
            raise DatabaseMissing(
                f"no database at {path}",
                "ingest some reports first: zxkb ingest db/ (or pass --db PATH / set ZXKB_DB)",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.is_dir():
        raise DatabaseUnreadable(f"{path} is a folder, not a database file", "pass --db PATH/zxkb.db")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"cannot open {path}: {exc}", "check the path and its permissions") from exc
    try:
        _prepare(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseUnreadable(
            f"cannot read {path} as a database: {exc}",
            "pass --db with the path of a zxkb database",
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    schema.check_version(version)
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise DatabaseUnreadable(
            f"{path} is an SQLite database, but not a zxkb one",
            "pass --db with a new file name, or the path of a zxkb database",
        )
    if version == 0:  # a new file: only now can the page size change
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if version < schema.SCHEMA_VERSION:
        schema.migrate(conn)
    _check_normaliser(conn)


def _check_normaliser(conn: sqlite3.Connection) -> None:
    """Rebuild the FTS index when the normaliser changed since it was built."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'norm_version'").fetchone()
    if row is not None and int(row[0]) == textnorm.VERSION:
        return
    with transaction(conn):
        index.rebuild(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('norm_version', ?)",
            (str(textnorm.VERSION),),
        )


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included).
    Inside a transaction already open (ingest groups documents: group_commit),
    the block joins it: an exception then rolls back the whole group. Not a
    savepoint: FTS5 flushes its pending index entries at every savepoint, which
    is the cost grouping saves."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.joined = False

    def __enter__(self) -> sqlite3.Connection:
        self.joined = self.conn.in_transaction
        if not self.joined:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.joined:
            return  # the group commits or rolls back
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


class group_commit:
    """Many transactions as one, committed every `seconds` (call tick() between
    documents) and at the end. Each commit flushes the index's pending entries
    into a new segment that later merges rewrite: committing 10 reports at a time
    instead of one took FTS5 0.73 s instead of 1.09 s for 20 MB of reports.
    A crash loses at most the last `seconds` of work, in whole documents; an
    exception rolls back that much and ends the ingest."""

    def __init__(self, conn: sqlite3.Connection, seconds: float = 1.0) -> None:
        self.conn = conn
        self.seconds = seconds
        self.started = 0.0

    def __enter__(self) -> group_commit:
        self._begin()
        return self

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.started = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.started >= self.seconds:
            self.conn.execute("COMMIT")
            self._begin()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

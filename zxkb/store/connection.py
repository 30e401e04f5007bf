"""Opening the database and running transactions.

Two ways in:

- **to read** (search, list, show, docs, export, fuzzy): the database is never
  written, migrated, switched to another journal mode or created. A file we may
  write is opened as usual with `PRAGMA query_only` (SQLite's own -wal/-shm of a
  WAL database come and go with the connection); a file or folder we may not
  write is opened `immutable` (nothing is created beside it), or `mode=ro`
  when a write-ahead log is there to be read. A database that needs a migration
  or a rebuilt index says so and names the command that does it (zxkb upgrade).
- **to write** (ingest, rm, upgrade): migrated in one transaction that reads
  the schema version again once it holds the write lock, so two processes
  creating one database do not race; a writer that finds the lock taken waits
  for it (saying so once, through `on_wait`) instead of failing after a timeout.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from zxkb import textnorm
from zxkb.errors import DatabaseMissing, DatabaseUnreadable, NeedsUpgrade
from zxkb.store import index, schema

if TYPE_CHECKING:
    from zxkb.paths import StrPath

BUSY_TIMEOUT_MS = 10_000  # a reader in a database in rollback-journal mode waits this long for a writer
LOCK_POLL_MS = 250  # a writer asks for the write lock this often while another holds it
# 16 KiB pages: paragraphs (~650 bytes of text each) fill them better than 4 KiB
# ones (at 100 MB of reports the paragraphs table had 16 MB of free space in
# 4 KiB pages; 10% smaller, ingest 4% faster at 10 MB).
PAGE_SIZE = 16_384
CACHE_KIB = 65_536  # pages kept in memory, allocated as used: ingest is ~2x faster than with the 2 MB default
UPGRADE_HINT = "run: zxkb upgrade --db {path} (it migrates the database and rebuilds what needs it)"


class Connection(sqlite3.Connection):
    """sqlite3's connection, knowing what to do while it waits for the write lock."""

    on_wait: Callable[[], None] | None = None
    path: StrPath
    uri = ""  # how it was opened (sibling opens another the same way)
    migrated_from: int | None = None  # the schema version a write connection found, when it migrated
    index_rebuilt = False  # whether a write connection rebuilt the index for this normaliser
    archive_rebuilt = False  # whether it gave the stored documents their identity and copies again

    def sibling(self) -> Connection:
        """Another connection to read this database, opened the same way (the
        checks `connect` made hold for it), for a query that runs beside this
        one's in a thread of its own (check_same_thread off: it is made here,
        used there)."""
        other = sqlite3.connect(
            self.uri,
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=Connection,
            check_same_thread=False,
        )
        assert isinstance(other, Connection)
        other.uri, other.path = self.uri, self.path
        other.execute("PRAGMA query_only = ON")
        other.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return other


def connect(
    path: StrPath, *, write: bool = False, create: bool = False, on_wait: Callable[[], None] | None = None
) -> Connection:
    """Open the database at `path` to read (the default) or to write. `create`
    (with `write`) makes the file when it is missing; else DatabaseMissing.
    `on_wait` is called once when a writer has to wait for another.
    The path's text is worked on with os.path, not pathlib (~6 ms of start-up,
    for the urllib.parse it imports)."""
    found = _stat(path)
    if found is None:
        if not (write and create):
            raise DatabaseMissing(
                f"no database at {path}",
                "ingest some reports first: zxkb ingest db/ (or pass --db PATH / set ZXKB_DB)",
            )
        os.makedirs(_parent(path), exist_ok=True)
    elif stat.S_ISDIR(found.st_mode):
        raise DatabaseUnreadable(f"{path} is a folder, not a database file", "pass --db PATH/zxkb.db")
    elif not write and found.st_size == 0:
        raise DatabaseUnreadable(
            f"{path} is an empty file, not a zxkb database", "zxkb ingest creates a database; pass --db with its path"
        )
    try:
        conn = _open(path, write)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"cannot open {path}: {exc}", "check the path and its permissions") from exc
    conn.path, conn.on_wait = path, on_wait
    try:
        if write:
            _prepare_to_write(conn, path)
        else:
            conn = _readable(conn, path)
            _check_to_read(conn, path)
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


# what Path.exists takes for "no such file" (other errors, such as a folder we may not read, are raised)
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _stat(path: StrPath) -> os.stat_result | None:
    """The file's stat, or None when there is no such file, as Path.exists says."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno not in _MISSING and getattr(exc, "winerror", None) not in (21, 123, 1921):
            raise
        return None
    except ValueError:  # an embedded NUL
        return None


def _parent(path: StrPath) -> str:
    """What Path(path).parent names ("." for a bare file name)."""
    return os.path.dirname(os.fspath(path)) or "."


def _open(path: StrPath, write: bool) -> Connection:
    uri = f"file:{_uri_path(path)}"
    if write:
        mode = "rwc"
    elif os.access(path, os.W_OK) and os.access(_parent(path), os.W_OK):
        mode = "rw"  # query_only below; SQLite's -wal/-shm come and go with the connection
    elif _wal_holds_data(path):
        mode = "ro"  # the log must be read: SQLite reads it with a read-only -shm
    else:
        mode = "ro&immutable=1"  # nothing may be created beside it, and nothing is pending
    conn = sqlite3.connect(
        f"{uri}?mode={mode}", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=Connection
    )
    assert isinstance(conn, Connection)
    conn.uri = f"{uri}?mode={mode}"
    if not write:
        conn.execute("PRAGMA query_only = ON")
    return conn


def _readable(conn: Connection, path: StrPath) -> Connection:
    """A read connection that can read: where SQLite cannot make the files a
    WAL database's readers share (a full disk, say), the file is read as it is
    (immutable), and the empty files that failed attempt left are removed."""
    beside = [f"{path}-wal", f"{path}-shm"]
    there = [_stat(p) is not None for p in beside]
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    for p, existed in zip(beside, there, strict=True):
        if not existed and _stat(p) is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)
    uri = f"file:{_uri_path(path)}?mode=ro&immutable=1"
    fallback = sqlite3.connect(uri, uri=True, isolation_level=None, factory=Connection)
    assert isinstance(fallback, Connection)
    fallback.uri = uri
    fallback.path, fallback.on_wait = path, conn.on_wait
    fallback.execute("PRAGMA query_only = ON")
    return fallback


_URI_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~")


def _uri_path(path: StrPath) -> str:
    """The file's absolute path for an SQLite URI, percent-encoded (urllib.parse
    costs ~5 ms of every start-up), symbolic links resolved (as Path.resolve does)."""
    return "".join(chr(b) if b in _URI_SAFE else f"%{b:02X}" for b in os.fsencode(os.path.realpath(path)))


def _wal_holds_data(path: StrPath) -> bool:
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except OSError:
        return False


def _check_to_read(conn: Connection, path: StrPath) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    schema.check_version(version)
    if version == 0:
        what = "an SQLite database, but not a zxkb one" if _has_tables(conn) else "not a zxkb database"
        raise DatabaseUnreadable(
            f"{path} is {what}", "pass --db with the path of a zxkb database; zxkb ingest creates one"
        )
    if version < schema.SCHEMA_VERSION:
        raise NeedsUpgrade(
            f"{path} was made by an older zxkb (schema {version}; this one reads {schema.SCHEMA_VERSION})",
            UPGRADE_HINT.format(path=path),
        )
    if _normaliser_version(conn) not in (None, CURRENT_NORMALISER):
        raise NeedsUpgrade(
            f"the index of {path} was built with another version of zxkb's text normaliser",
            UPGRADE_HINT.format(path=path),
        )
    if _archive_version(conn) not in (None, CURRENT_ARCHIVE):
        raise NeedsUpgrade(
            f"the reports of {path} were identified by another version of zxkb (their copies and filters)",
            UPGRADE_HINT.format(path=path),
        )
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _has_tables(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])


def _prepare_to_write(conn: Connection, path: StrPath) -> None:
    conn.execute(f"PRAGMA busy_timeout = {LOCK_POLL_MS}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    schema.check_version(version)
    if version == 0 and _has_tables(conn):
        raise DatabaseUnreadable(
            f"{path} is an SQLite database, but not a zxkb one",
            "pass --db with a new file name, or the path of a zxkb database",
        )
    if version == 0:  # a new file: only now can the page size change
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if version < schema.SCHEMA_VERSION:
        with transaction(conn):
            created = schema.migrate(conn)  # reads the version again, under the write lock
        if created:
            conn.execute("PRAGMA journal_mode = WAL")  # readers go on while ingest writes
        else:
            conn.migrated_from = version
    if _normaliser_version(conn) != CURRENT_NORMALISER:
        with transaction(conn):
            if _normaliser_version(conn) != CURRENT_NORMALISER:  # again, under the write lock
                index.rebuild(conn)
                conn.index_rebuilt = True
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('norm_version', ?)", (CURRENT_NORMALISER,)
                )
    if _archive_version(conn) != CURRENT_ARCHIVE:
        with transaction(conn):
            found = _archive_version(conn)  # again, under the write lock
            if found is None:  # no document yet: those to come are placed by these rules
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('archive_version', ?)", (CURRENT_ARCHIVE,)
                )
            elif found != CURRENT_ARCHIVE:
                from zxkb.store import reports  # only now: it loads the parser

                reports.check_archive(conn)
                conn.archive_rebuilt = True


CURRENT_NORMALISER = str(textnorm.VERSION)
CURRENT_ARCHIVE = str(schema.ARCHIVE_VERSION)


def _archive_version(conn: sqlite3.Connection) -> str | None:
    """The version of the archive's rules (zxkb.store.reports) that gave the
    stored documents their identity and copies (None: no document yet)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'archive_version'").fetchone()
    if row is None:
        return "unknown" if conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() else None
    return str(row[0]).strip()


def _normaliser_version(conn: sqlite3.Connection) -> str | None:
    """The version of the normaliser that built the index (None: not recorded,
    in a database that has no paragraph yet, or from before it was recorded)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'norm_version'").fetchone()
    if row is None:
        has_text = conn.execute("SELECT 1 FROM paragraphs LIMIT 1").fetchone() is not None
        return "unknown" if has_text else None
    return str(row[0]).strip()


def begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for as long as another process holds the write
    lock (Ctrl-C stops the wait): concurrent ingests queue instead of failing."""
    told = False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        if not told and isinstance(conn, Connection) and conn.on_wait is not None:
            conn.on_wait()
        told = True
        time.sleep(LOCK_POLL_MS / 1000 / 4)


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
            begin(self.conn)
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
    exception rolls back that much and ends the ingest. Another writer waiting
    for the lock (begin) goes on when the ingest ends."""

    def __init__(self, conn: sqlite3.Connection, seconds: float = 1.0) -> None:
        self.conn = conn
        self.seconds = seconds
        self.started = 0.0

    def __enter__(self) -> group_commit:
        self._begin()
        return self

    def _begin(self) -> None:
        begin(self.conn)
        self.started = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.started >= self.seconds:
            self.conn.execute("COMMIT")
            self._begin()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

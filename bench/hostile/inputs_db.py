"""Family `db`: damaged, foreign, read-only and full databases. Every read command
must work or fail with `Error:` + `Hint:` (exit 2), and never write: the file is
hashed before and after, and no new file may appear beside it (`-wal`, `-shm`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import builders as b
from harness import (
    DATA_LOST,
    DB_WRITTEN,
    SETUP,
    Case,
    Ctx,
    header_journal,
    listing,
    mount_tmpfs,
    remount_ro,
    sha,
    umount,
)

FAMILY = "db"
ANY = (0, 1, 2)
READS: tuple[tuple[str, list[str]], ...] = (
    ("search", ["search", "协商"]),
    ("search --json", ["search", "协商", "--json"]),
    ("fuzzy", ["fuzzy", "ycxs"]),
    ("list", ["list"]),
    ("show", ["show", "1:12"]),
    ("docs --json", ["docs", "--json"]),
    ("export", ["export"]),
)


class Skip(Exception):
    pass


@dataclass
class Fault:
    name: str
    setup: Callable[[Ctx], Path]  # makes the database (may raise Skip)
    reads: tuple[int, ...]  # exit codes allowed for the read commands
    ingest: tuple[int, ...]  # ... for an ingest into it
    keep_ingest_target: bool = False  # the --db file is not ours to change: ingest must leave it as it was
    journal: bool = False  # check the journal mode is still rollback after each read
    quick: bool = False
    teardown: Callable[[Ctx], None] | None = None


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for s in statements:
            conn.execute(s)
        conn.commit()
        if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _has_table(db: Path, table: str) -> bool:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() is not None
    finally:
        conn.close()


def zero_byte(ctx: Ctx) -> Path:
    db = ctx.dir / "empty.db"
    db.write_bytes(b"")
    return db


def text_file(ctx: Ctx) -> Path:
    db = ctx.dir / "notes.db"
    db.write_text("这是我的笔记,不是数据库。\n" * 200, encoding="utf-8")
    return db


def damaged(offset: Callable[[int], int], length: int = 4096) -> Callable[[Ctx], Path]:
    def setup(ctx: Ctx) -> Path:
        db = ctx.base_db()
        size = db.stat().st_size
        at = offset(size)
        with db.open("r+b") as f:
            f.seek(at)
            f.write(bytes([0xA5]) * length)
        return db

    return setup


def truncated(keep: Callable[[int], int]) -> Callable[[Ctx], Path]:
    def setup(ctx: Ctx) -> Path:
        db = ctx.base_db()
        with db.open("r+b") as f:
            f.truncate(keep(db.stat().st_size))
        return db

    return setup


def sql_fault(table: str | None, *statements: str) -> Callable[[Ctx], Path]:
    def setup(ctx: Ctx) -> Path:
        db = ctx.base_db()
        if table is not None and not _has_table(db, table):
            raise Skip(f"no table {table} in this schema")
        _sql(db, *statements)
        return db

    return setup


def chmod_file(ctx: Ctx) -> Path:
    if ctx.h.is_root:
        raise Skip("running as root: chmod 444 does not stop root from writing (see the read-only mount cases)")
    db = ctx.base_db()
    db.chmod(0o444)
    return db


def chmod_folder(ctx: Ctx) -> Path:
    if ctx.h.is_root:
        raise Skip("running as root: a chmod 555 folder does not stop root (see the read-only mount cases)")
    folder = ctx.dir / "ro"
    folder.mkdir()
    db = folder / "kb.db"
    shutil.copyfile(ctx.h.seed_db(), db)
    db.chmod(0o444)
    folder.chmod(0o555)
    return db


def ro_mount(journal_delete: bool = False) -> Callable[[Ctx], Path]:
    def setup(ctx: Ctx) -> Path:
        where = ctx.dir / "ro"
        if not mount_tmpfs(where, "8m"):
            raise Skip("cannot mount a tmpfs (not root, or no CAP_SYS_ADMIN): no real read-only file system")
        ctx.h.mounts.append(where)
        db = where / "kb.db"
        shutil.copyfile(ctx.h.seed_db(), db)
        if journal_delete:
            _sql(db, "PRAGMA journal_mode=DELETE")
        if not remount_ro(where):
            raise Skip("cannot remount the tmpfs read-only")
        return db

    return setup


def full_disk(ctx: Ctx) -> Path:
    where = ctx.dir / "full"
    if not mount_tmpfs(where, "2m"):
        raise Skip("cannot mount a 2 MB tmpfs (not root, or no CAP_SYS_ADMIN): disk full not simulated")
    ctx.h.mounts.append(where)
    db = where / "kb.db"
    shutil.copyfile(ctx.h.seed_db(), db)
    _fill(where)
    return db


def _fill(where: Path, leave: int = 0) -> None:
    """Fill a file system to the last byte (or to `leave` bytes free)."""
    if leave:
        st = os.statvfs(where)
        room = st.f_bavail * st.f_frsize - leave
        if room > 0:
            (where / "ballast").write_bytes(b"\0" * room)
        return
    with (where / "filler").open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                f.write(b"\0")
        except OSError:
            pass


def _unmount(ctx: Ctx) -> None:
    for where in list(ctx.h.mounts):
        if where.is_relative_to(ctx.dir):
            umount(where)
            ctx.h.mounts.remove(where)


def junk_wal(ctx: Ctx) -> Path:
    db = ctx.base_db()
    Path(str(db) + "-wal").write_bytes(os.urandom(8192))
    return db


FAULTS = (
    Fault("0-byte file as --db", zero_byte, reads=(2,), ingest=(0, 2), quick=True),
    Fault("text file as --db", text_file, reads=(2,), ingest=(2,), keep_ingest_target=True, quick=True),
    Fault(
        "damaged page in the middle", damaged(lambda n: (n // 2) // 4096 * 4096), reads=ANY, ingest=(0, 2), quick=True
    ),
    Fault("damaged page 2", damaged(lambda n: 4096), reads=ANY, ingest=(0, 2)),
    Fault("damaged header", damaged(lambda n: 0, 100), reads=(2,), ingest=(2,)),
    Fault("truncated to half", truncated(lambda n: n // 2 // 4096 * 4096), reads=ANY, ingest=(0, 2), quick=True),
    Fault("truncated to one page", truncated(lambda n: 4096), reads=ANY, ingest=(0, 2)),
    Fault("truncated mid-page", truncated(lambda n: n // 3), reads=ANY, ingest=(0, 2)),
    Fault(
        "meta.norm_version = 'abc'",
        sql_fault("meta", "UPDATE meta SET value = 'abc' WHERE key = 'norm_version'"),
        reads=ANY,
        ingest=(0, 2),
        quick=True,
    ),
    Fault(
        "meta.norm_version = '999'",
        sql_fault("meta", "UPDATE meta SET value = '999' WHERE key = 'norm_version'"),
        reads=ANY,
        ingest=(0, 2),
    ),
    Fault(
        "meta.vocab_upto = 'x'",
        sql_fault("meta", "UPDATE meta SET value = 'x' WHERE key = 'vocab_upto'"),
        reads=ANY,
        ingest=(0, 2),
    ),
    Fault("PRAGMA user_version = 999", sql_fault(None, "PRAGMA user_version = 999"), reads=ANY, ingest=(0, 2)),
    Fault("DROP TABLE sections", sql_fault("sections", "DROP TABLE sections"), reads=ANY, ingest=(0, 2), quick=True),
    Fault("DROP TABLE meta", sql_fault("meta", "DROP TABLE meta"), reads=ANY, ingest=(0, 2)),
    Fault(
        "DROP TABLE paragraphs_fts", sql_fault("paragraphs_fts", "DROP TABLE paragraphs_fts"), reads=ANY, ingest=(0, 2)
    ),
    Fault("DROP TABLE terms", sql_fault("terms", "DROP TABLE terms"), reads=ANY, ingest=(0, 2)),
    Fault("read-only file (chmod 444)", chmod_file, reads=(0,), ingest=(2,)),
    Fault("read-only folder (chmod 555)", chmod_folder, reads=(0,), ingest=(2,)),
    Fault("read-only file system (ro tmpfs)", ro_mount(), reads=(0,), ingest=(2,), teardown=_unmount, quick=True),
    Fault("read-only file system, journal_mode=DELETE", ro_mount(True), reads=(0,), ingest=(2,), teardown=_unmount),
    Fault(
        "journal_mode=DELETE",
        sql_fault(None, "PRAGMA journal_mode=DELETE"),
        reads=(0,),
        ingest=(0,),
        journal=True,
        quick=True,
    ),
    Fault("junk -wal beside the db", junk_wal, reads=(0,), ingest=(0, 2)),
    Fault("disk full (2 MB tmpfs, filled)", full_disk, reads=(0,), ingest=(2,), teardown=_unmount),
)


def read_case(fault: Fault, label: str, argv: list[str]) -> Case:
    def fn(ctx: Ctx) -> None:
        try:
            db = fault.setup(ctx)
        except Skip as exc:
            ctx.skip(str(exc))
            _teardown(ctx, fault)
            return
        except (OSError, sqlite3.Error) as exc:
            ctx.fail(SETUP, f"could not damage the database: {exc}")
            _teardown(ctx, fault)
            return
        try:
            before, files = sha(db), listing(db.parent)
            size = db.stat().st_size
            out = ctx.run([argv[0], "--db", str(db), *argv[1:]], fault.reads)
            if out.hung:
                return
            ctx.read_only_check(db, before, files, out)
            if size == 0 and db.exists() and db.stat().st_size:
                ctx.fail(DB_WRITTEN, "a read command turned a 0-byte file into a database", out)
            if fault.journal and header_journal(db) != "rollback":
                ctx.fail(DB_WRITTEN, f"a read switched a journal_mode=DELETE database to {header_journal(db)}", out)
        finally:
            _teardown(ctx, fault)

    return Case(FAMILY, f"{fault.name}: {label}", fn, quick=fault.quick and label in ("search", "docs --json"))


def ingest_case(fault: Fault) -> Case:
    def fn(ctx: Ctx) -> None:
        try:
            db = fault.setup(ctx)
        except Skip as exc:
            ctx.skip(str(exc))
            _teardown(ctx, fault)
            return
        except (OSError, sqlite3.Error) as exc:
            ctx.fail(SETUP, f"could not damage the database: {exc}")
            _teardown(ctx, fault)
            return
        try:
            src = ctx.dir / "report.txt"
            src.write_text(b.variant(11), encoding="utf-8")
            before = sha(db)
            out = ctx.run(["ingest", "--db", str(db), str(src), "--json"], fault.ingest)
            if fault.keep_ingest_target and sha(db) != before:
                ctx.fail(DATA_LOST, "ingest changed (or removed) a file that was not a zxkb database", out)
        finally:
            _teardown(ctx, fault)

    return Case(FAMILY, f"{fault.name}: ingest", fn, quick=fault.quick)


def _teardown(ctx: Ctx, fault: Fault) -> None:
    if fault.teardown is not None:
        fault.teardown(ctx)


def disk_full_ingest_case() -> Case:
    """19 reports into a db on a 2 MB file system: exit 2 with a clear error, and what was
    stored before is still there and sound."""

    def fn(ctx: Ctx) -> None:
        where = ctx.dir / "full"
        if not mount_tmpfs(where, "2m"):
            ctx.skip("cannot mount a 2 MB tmpfs (not root, or no CAP_SYS_ADMIN): disk full not simulated")
            return
        ctx.h.mounts.append(where)
        try:
            db = where / "kb.db"
            shutil.copyfile(ctx.h.seed_db(), db)
            before = ctx.docs(db) or []
            _fill(where, leave=300_000)
            folder = ctx.dir / "in"
            folder.mkdir()
            for i in range(1, 20):
                (folder / f"r{i:02d}.txt").write_text(b.variant(i), encoding="utf-8")
            ctx.run(["ingest", "--db", str(db), str(folder), "--json"], (2,), slow=10)
            (where / "room").write_bytes(b"")  # nothing freed: the reads below run on a full disk
            ctx.check_base_kept(db, before)
            ctx.check_integrity(db)
            ctx.run(["search", "--db", str(db), "协商", "--json"], (0,))
        finally:
            _unmount(ctx)

    return Case(FAMILY, "disk full: ingest 19 reports into a db on a 2 MB tmpfs", fn, quick=True)


def disk_full_new_db_case() -> Case:
    def fn(ctx: Ctx) -> None:
        where = ctx.dir / "full"
        if not mount_tmpfs(where, "2m"):
            ctx.skip("cannot mount a 2 MB tmpfs (not root, or no CAP_SYS_ADMIN): disk full not simulated")
            return
        ctx.h.mounts.append(where)
        try:
            _fill(where)
            src = ctx.dir / "report.txt"
            src.write_text(b.variant(12), encoding="utf-8")
            db = where / "new.db"
            ctx.run(["ingest", "--db", str(db), str(src), "--json"], (2,))
            if db.exists():
                ctx.run(["docs", "--db", str(db)], (0, 2))
        finally:
            _unmount(ctx)

    return Case(FAMILY, "disk full: ingest into a new db on a full tmpfs", fn)


def cases() -> list[Case]:
    out: list[Case] = []
    for fault in FAULTS:
        for label, argv in READS:
            out.append(read_case(fault, label, argv))
        out.append(ingest_case(fault))
    out.append(disk_full_ingest_case())
    out.append(disk_full_new_db_case())
    return out

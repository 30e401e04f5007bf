"""The database under hostile conditions: reads never write (not even a file
beside it), a read-only file or folder can be searched, writers queue, two
creators do not race, a damaged or old database says what to do."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, Cli, seed_variants
from zxkb.store import failures

READS = [
    ["search", "远程协商", "--json"],
    ["search", "手机银行", "--json"],
    ["fuzzy", "远成协商", "--json"],
    ["list", "--json"],
    ["show", "1:12", "--json"],
    ["docs", "--json"],
    ["export"],
]


def _state(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _zxkb(*args: str, db: Path, read_only: bool = False) -> subprocess.CompletedProcess[str]:
    """zxkb as a process; with `read_only`, without the privilege to write files
    it does not own... or, as root, to write any file whose mode forbids it."""
    return subprocess.run(
        [sys.executable, "-m", "zxkb", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=_drop_root_overrides if read_only and os.geteuid() == 0 else None,
    )


def _drop_root_overrides() -> None:
    """In the child, before exec: root without CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    and CAP_FOWNER obeys file modes like anyone (prctl PR_CAPBSET_DROP)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    path = folder / "z.db"
    subprocess.run([sys.executable, "-m", "zxkb", "ingest", str(SEED), "--db", str(path)], cwd=ROOT, check=True)
    return path


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_reads_write_nothing(db: Path, journal: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.close()
    before = _state(db.parent)
    for args in READS:
        result = _zxkb(*args, db=db)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert _state(db.parent) == before, args
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == journal  # a read never switches it
    conn.close()


def test_a_read_only_file_and_folder_can_be_searched(db: Path) -> None:
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        before = _state(db.parent)
        for args in READS:
            result = _zxkb(*args, db=db, read_only=True)
            assert result.returncode in (0, 1), (args, result.stderr)
        assert json.loads(_zxkb("search", "远程协商", "--json", db=db, read_only=True).stdout)["total"] == 3
        assert _state(db.parent) == before
        refused = _zxkb("rm", "1", db=db, read_only=True)
        assert refused.returncode == 2 and refused.stderr.startswith("Error: ") and "Hint: " in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def test_a_read_only_file_in_a_writable_folder_leaves_nothing_behind(db: Path) -> None:
    db.chmod(0o444)
    try:
        before = _state(db.parent)
        for args in READS:
            assert _zxkb(*args, db=db, read_only=True).returncode in (0, 1), args
        assert _state(db.parent) == before  # no -wal, no -shm
    finally:
        db.chmod(0o644)


def test_an_empty_file_is_not_made_a_database(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (["search", "远程"], ["docs"], ["fuzzy", "远程"]):
        result = cli(*args, "--db", str(empty), code=2)
        assert "empty file, not a zxkb database" in result.stderr and "Hint: " in result.stderr
    assert empty.stat().st_size == 0


def test_an_old_index_asks_for_upgrade_and_upgrade_rebuilds_it(db: Path) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = 'abc' WHERE key = 'norm_version'")
    conn.close()
    before = _state(db.parent)
    refused = _zxkb("search", "远程协商", db=db)
    assert refused.returncode == 2 and "another version of zxkb's text normaliser" in refused.stderr
    assert f"Hint: run: zxkb upgrade --db {db}" in refused.stderr
    assert _state(db.parent) == before
    upgraded = _zxkb("upgrade", "--json", db=db)
    assert upgraded.returncode == 0 and json.loads(upgraded.stdout)["index_rebuilt"] is True
    assert json.loads(_zxkb("search", "远程协商", "--json", db=db).stdout)["total"] == 3


def test_a_damaged_or_incomplete_database_says_how_to_check_it(db: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    data = bytearray(db.read_bytes())
    page = 16_384
    data[page * 3 : page * 3 + 4096] = b"\xa5" * 4096  # a page of garbage in the middle
    broken.write_bytes(bytes(data))
    for args in (["search", "远程协商"], ["fuzzy", "远程协商"], ["docs"], ["export"]):
        result = _zxkb(*args, db=broken)
        if result.returncode == 0:
            continue  # the page hit holds nothing this command reads
        assert result.returncode == 2, (args, result.stderr)
        assert "damaged" in result.stderr and "PRAGMA integrity_check" in result.stderr, args
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TABLE sections")
    conn.close()
    result = _zxkb("list", db=db)
    assert result.returncode == 2 and "damaged" in result.stderr and "no such table: sections" in result.stderr


def test_a_full_disk_says_how_much_is_left(tmp_path: Path) -> None:
    error = failures.explain(sqlite3.OperationalError("database or disk is full"), tmp_path / "z.db")
    assert "is full" in error.message and "MiB free" in error.message
    assert error.hint is not None and "what was stored before is kept" in error.hint


def test_writers_queue_and_creators_do_not_race(tmp_path: Path) -> None:
    """Four ingests create one new database at the same moment: all finish, every report is in once."""
    db = tmp_path / "new.db"
    groups = [seed_variants(tmp_path / f"g{i}", 12)[i * 3 : i * 3 + 3] for i in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "zxkb", "ingest", *map(str, files), "--db", str(db), "--json", "--jobs", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for files in groups
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "locked" not in err and "already exists" not in err
        assert len(json.loads(out)["ingested"]) == 3
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 12
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_writer_waits_for_the_lock_and_says_so(db: Path) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    variant = db.parent / "variant.txt"
    variant.write_text(SEED.read_text(encoding="utf-8").replace("2019年", "1999年"), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "zxkb", "ingest", str(variant), "--db", str(db), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # blocks until zxkb says something
    assert first.startswith("waiting for another zxkb process to finish writing to")
    assert proc.poll() is None  # still waiting, not failed
    holder.execute("COMMIT")
    holder.close()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(json.loads(out)["ingested"]) == 1

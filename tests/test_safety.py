"""Ingest is safe: one transaction per report, killed mid-way or run twice at
once, bad files alone fail, nothing stored is lost."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, Cli


def _variants(folder: Path, n: int) -> list[Path]:
    """n different reports made from the seed (a different year in each)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(text.replace("2019年", f"{1800 + i}年"), encoding="utf-8")
        paths.append(path)
    return paths


def _zxkb(*args: str, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ZXKB_DB": str(db)}
    return subprocess.Popen(
        [sys.executable, "-m", "zxkb", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _consistent(db: Path) -> dict[str, int]:
    """Integrity, and every stored document complete: its paragraphs and index rows."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        per_doc = conn.execute("SELECT count(*) FROM paragraphs WHERE kind = 'body' GROUP BY doc_id").fetchall()
        assert all(n == 46 for (n,) in per_doc) and len(per_doc) == docs
        orphans = conn.execute(
            "SELECT count(*) FROM paragraphs WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        paragraphs = conn.execute(
            "SELECT count(*) FROM paragraphs WHERE kind NOT IN ('chrome', 'duplicate')"
        ).fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM paragraphs_fts_docsize").fetchone()[0]
        assert orphans == 0 and indexed == paragraphs
        return {"docs": docs, "paragraphs": paragraphs}
    finally:
        conn.close()


def test_kill_during_ingest_leaves_whole_documents(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    files = _variants(tmp_path / "in", 200)
    proc = _zxkb("ingest", str(tmp_path / "in"), db=db)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                continue  # the schema is not there yet
            if stored >= 5:
                break
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = _consistent(db)
    assert 5 <= state["docs"] < len(files)
    # and the next ingest completes the rest
    rerun = _zxkb("ingest", "--json", str(tmp_path / "in"), db=db)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    report = json.loads(out)
    assert len(report["ingested"]) == len(files) - state["docs"]
    assert len(report["skipped"]) == state["docs"]
    assert _consistent(db)["docs"] == len(files)


def test_two_ingests_and_a_search_at_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _variants(tmp_path / "a", 40)
    b_files = _variants(tmp_path / "b", 80)[40:]
    subprocess.run([sys.executable, "-m", "zxkb", "ingest", str(SEED), "--db", str(db)], cwd=ROOT, check=True)
    first = _zxkb("ingest", str(tmp_path / "a"), db=db)
    second = _zxkb("ingest", *map(str, b_files), db=db)
    searches = [_zxkb("search", "远程协商", "--json", db=db) for _ in range(3)]
    for proc in (first, second, *searches):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        if proc in searches:
            assert json.loads(out)["total"] >= 3  # the seed's hits, and any variant's stored by then
    assert _consistent(db)["docs"] == 1 + 40 + 40


def test_changed_file_needs_replace(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    cli("ingest", str(path))
    path.write_text(SEED.read_text(encoding="utf-8").replace("远程协商", "远程会商"), encoding="utf-8")
    out = cli.json("ingest", str(path))
    assert out["ingested"] == [] and "--replace" in out["skipped"][0]["reason"]
    assert cli.json("search", "远程协商")["total"] == 3
    out = cli.json("ingest", str(path), "--replace")
    assert out["ingested"][0]["replaced"] == 1 and out["ingested"][0]["doc"] == 2
    assert [d["id"] for d in cli.json("docs")] == [2]
    assert cli.json("search", "远程协商", code=1)["total"] == 0  # the old paragraphs left the index
    assert cli.json("search", "远程会商")["total"] == 3


def test_rm_removes_a_document_and_its_index_entries(cli: Cli, tmp_path: Path) -> None:
    paths = _variants(tmp_path / "in", 2)
    cli("ingest", *map(str, paths))
    before = cli.json("search", "远程协商", "-n", "0")["total"]
    out = cli.json("rm", "1")
    assert out["removed"][0]["doc"] == 1
    assert [d["id"] for d in cli.json("docs")] == [2]
    assert cli.json("search", "远程协商", "-n", "0")["total"] == before // 2
    result = cli("rm", "7", code=2)
    assert result.stderr.startswith("Error: no document 7")
    assert len(cli.json("docs")) == 1  # nothing else was removed


def test_limits_and_stubs(cli: Cli, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text(encoding="utf-8") * 3, encoding="utf-8")
    stub = tmp_path / "stub.txt"
    stub.write_text(
        "# 論聯合政府\n\n論聯合政府的版本包括：\n\n- 1945年4月24日版本\n", encoding="utf-8"
    )  # wikisource's stub record
    result = cli("ingest", "--json", "--max-size", "0.05", str(big), str(stub), code=2)
    out = json.loads(result.stdout)
    assert "limit" in out["errors"][0]["error"] and out["errors"][0]["source"].endswith("big.txt")
    assert out["skipped"][0]["reason"].startswith("not a report")
    assert "big.txt" in result.stderr


@pytest.mark.parametrize("folder", ["", "sub"])
def test_unreadable_file_fails_alone(cli: Cli, tmp_path: Path, folder: str) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    locked = tmp_path / folder / "locked.txt"
    locked.parent.mkdir(exist_ok=True)
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    result = cli("ingest", "--json", str(locked), str(SEED), code=2)
    out = json.loads(result.stdout)
    assert len(out["ingested"]) == 1 and "cannot read" in out["errors"][0]["error"]

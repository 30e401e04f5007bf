"""Ingest is safe: whole reports or nothing, killed mid-way or run twice at
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

from tests.conftest import ROOT, SEED, Cli, distinct_report, seed_variants, vocabulary_dump


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


def _processes_with_env(entry: str) -> list[int]:
    """Processes (Linux /proc) whose environment holds `entry`."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if entry.encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_kill_during_ingest_leaves_whole_documents(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    # enough that the first commit (about a second in) comes well before the end
    files = seed_variants(tmp_path / "in", 500)
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
    # its worker processes do not outlive it (they would wait for work forever)
    deadline = time.monotonic() + 10
    while _processes_with_env(f"ZXKB_DB={db}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_with_env(f"ZXKB_DB={db}")
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
    seed_variants(tmp_path / "a", 40)
    b_files = seed_variants(tmp_path / "b", 80)[40:]
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
    # the two ingests' vocabulary batches neither missed nor doubled a document
    together = _vocabulary_rows(db)
    assert {doc for _, doc, _ in together[1]} == set(range(1, 82))
    from zxkb.store import connection
    from zxkb.store import terms as termstore

    conn = connection.connect(db, write=True)
    termstore.rebuild_vocabulary(conn)
    conn.close()
    assert _vocabulary_rows(db) == together


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
    paths = seed_variants(tmp_path / "in", 2)
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


# --- the vocabulary: written in batches after the documents, caught up after a crash ---

_KILLED_BEFORE_TERMS = """
import os, signal, sys
from pathlib import Path
from zxkb.store import connection, documents, index
from zxkb.store import terms as termstore
from zxkb.ingest.run import ingest_file
conn = connection.connect(Path(sys.argv[1]), write=True, create=True)
batch = termstore.VocabularyBatch(conn, max_rows=10**9)  # never full: the terms wait for flush()
for path in sys.argv[2:]:
    ingest_file(conn, Path(path), vocabulary=batch)
os.kill(os.getpid(), signal.SIGKILL)  # the documents are in, their terms are not
"""


def _vocabulary_rows(db: Path) -> tuple[set[tuple[object, ...]], set[tuple[str, int, int]]]:
    return vocabulary_dump(db)


@pytest.mark.parametrize("catch_up", ["upgrade", "ingest"])
def test_kill_between_documents_and_their_terms(tmp_path: Path, catch_up: str) -> None:
    paths = seed_variants(tmp_path / "in", 3)
    clean = tmp_path / "clean.db"
    subprocess.run([sys.executable, "-m", "zxkb", "ingest", *map(str, paths), "--db", str(clean)], cwd=ROOT, check=True)

    db = tmp_path / "k.db"
    killed = subprocess.run([sys.executable, "-c", _KILLED_BEFORE_TERMS, str(db), *map(str, paths)], cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL
    assert _consistent(db)["docs"] == 3
    assert _vocabulary_rows(db) == (set(), set())  # behind, not broken

    # a read never writes: fuzzy answers from the vocabulary as it is (empty: only the
    # string itself, found in the paragraphs), and says it is behind
    proc = _zxkb("fuzzy", "远程协商", "--json", db=db)
    out, err = proc.communicate(timeout=120)
    (verbatim,) = json.loads(out)["matches"]
    assert proc.returncode == 0 and verbatim["term"] == "远程协商" and verbatim["docs"] == [1, 2, 3]
    assert "Warning: the terms of 3 documents are not in the vocabulary yet" in err and "zxkb upgrade" in err
    assert _vocabulary_rows(db) == (set(), set())
    if catch_up == "upgrade":
        proc = _zxkb("upgrade", "--json", db=db)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert json.loads(out)["vocabulary_updated"] is True
        proc = _zxkb("fuzzy", "远程协商", "--json", db=db)
        out, err = proc.communicate(timeout=120)
        first = json.loads(out)["matches"][0]
        assert first["term"] == "远程协商" and first["docs"] == [1, 2, 3] and first["count"] == 18 and not err
    else:
        proc = _zxkb("ingest", *map(str, paths), db=db)  # all skipped: nothing new but the terms
        assert proc.wait(timeout=120) == 0
    assert _vocabulary_rows(db) == _vocabulary_rows(clean)


def test_vocabulary_batches_add_up_to_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zxkb.ingest.run import ingest_paths
    from zxkb.store import connection
    from zxkb.store import terms as termstore

    paths = seed_variants(tmp_path / "in", 4)
    dumps = []
    for name, rows in (("one.db", 10**9), ("many.db", 1)):  # all in one batch; a batch per document
        monkeypatch.setattr(termstore, "VOCAB_BATCH_ROWS", rows)
        conn = connection.connect(tmp_path / name, write=True, create=True)
        ingest_paths(conn, paths)
        conn.close()
        dumps.append(_vocabulary_rows(tmp_path / name))
    assert dumps[0] == dumps[1] and len(dumps[0][1]) > 1000
    # and rebuilt from the stored paragraphs, it is the same again
    conn = connection.connect(tmp_path / "many.db", write=True)
    termstore.rebuild_vocabulary(conn)
    conn.close()
    assert _vocabulary_rows(tmp_path / "many.db") == dumps[0]


def test_rm_and_replace_keep_the_vocabulary_exact(cli: Cli, tmp_path: Path, _isolated_db: Path) -> None:
    paths = seed_variants(tmp_path / "in", 2)
    cli("ingest", str(paths[0]))
    alone = _vocabulary_rows(_isolated_db)
    cli("ingest", str(paths[1]))
    cli("rm", "2")
    assert _vocabulary_rows(_isolated_db) == alone
    paths[0].write_text(SEED.read_text(encoding="utf-8").replace("远程协商", "远程会商"), encoding="utf-8")
    cli("ingest", str(paths[0]), "--replace")
    terms, rows = _vocabulary_rows(_isolated_db)
    assert {doc for _, doc, _ in rows} == {3}
    assert "远程会商" in {t[0] for t in terms} and "远程协商" not in {t[0] for t in terms}


def test_worker_processes_store_what_one_process_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files prepared by worker processes are stored in the same order with the
    same ids, paragraphs, index and vocabulary as in one process; a file that
    fails in a worker is reported, and a repeated text is skipped, as there.
    The reports of a JSON Lines file are prepared by the workers one by one."""
    from zxkb.ingest import run as ingest
    from zxkb.ingest import workers
    from zxkb.store import connection, index

    paths = seed_variants(tmp_path / "in", 5)
    seed = SEED.read_text(encoding="utf-8")
    records = [{"title": f"报告{i}", "text": distinct_report(seed, 10 + i)} for i in range(3)]
    (tmp_path / "in" / "many.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    (tmp_path / "in" / "report-002b.txt").write_bytes(paths[2].read_bytes())  # the same text again
    (tmp_path / "in" / "report-003b.txt").write_bytes(b"%PDF-1.4 \x00\x01\x02 not a report")
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
    outcomes = []
    for name, jobs in (("one.db", 1), ("workers.db", 2)):
        conn = connection.connect(tmp_path / name, write=True, create=True)
        report = ingest.ingest_paths(conn, [tmp_path / "in"], jobs=jobs)
        hits = index.ranked(conn, '"远 程 协 商"', index.Filters(), (1.0, 1.0, 0.5), limit=None, with_total=True)
        paragraphs = conn.execute("SELECT doc_id, seq, kind, text FROM paragraphs ORDER BY id").fetchall()
        conn.close()
        outcomes.append(
            (
                [(r["doc"], r["source"]) for r in report.ingested],
                [r["reason"] for r in report.skipped],
                [(e["source"], e["error"]) for e in report.errors],
                hits[0],
                hits[1],
                paragraphs,
                vocabulary_dump(tmp_path / name),
            )
        )
    one, parallel = outcomes
    assert len(one[0]) == 5 + 3 and one[1] == ["already ingested as document 6"] and len(one[2]) == 1
    assert one[3] == 8 * 3  # three body paragraphs of each report
    assert parallel == one


def test_without_process_pools_ingest_runs_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot share a queue (no /dev/shm in some containers),
    creating the pool fails: ingest goes on in one process instead of failing."""
    from zxkb.ingest import run as ingest
    from zxkb.ingest import workers
    from zxkb.store import connection

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
    conn = connection.connect(tmp_path / "k.db", write=True, create=True)
    report = ingest.ingest_paths(conn, seed_variants(tmp_path / "in", 3), jobs=2)
    conn.close()
    assert [r["doc"] for r in report.ingested] == [1, 2, 3] and not report.errors
    assert _consistent(tmp_path / "k.db")["docs"] == 3

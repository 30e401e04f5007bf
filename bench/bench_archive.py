"""Benchmark: what the archive (report identity, copies, filters) costs, on the whole corpus.

Ingests the corpus folder into a new database, --runs times each, as whole
processes with --jobs 1 (the machine may be shared: CPU time is the steadier
number):
- with the archive, as shipped;
- without it: the peer measured in the same run, a child process in which no
  identity is decided and no sentence hashed, so that nothing is placed.
Then, in one process, where the archive's time goes on a fresh ingest: deciding
identities (zxkb.parse.identity.identify), hashing sentences
(zxkb.parse.fingerprint), storing identities and sketches and placing each
document among the reports (zxkb.store.reports.store and place, which moves a
demoted copy's index entries).

Then `zxkb search Q --json` as a whole process, median of --runs, for a mix of
queries: each report once (the default), every copy (--copies) and with
filters (--year 2016-2020 --type government; --region 湖南); and how many
documents, reports and copies the database holds.

    .venv/bin/python bench/bench_archive.py [--corpus ../shared/corpus] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import PHASE_TIMER, run_process

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ZXKB = str(ROOT / ".venv" / "bin" / "zxkb")

WITH = "import sys; from zxkb.cli import main; sys.argv[0] = 'zxkb'; main()"
WITHOUT = (
    "import sys; from zxkb.ingest import prepare; "
    "prepare.identify = lambda *a, **k: None; prepare.sentence_hashes = lambda *a, **k: (); "
    "from zxkb.cli import main; sys.argv[0] = 'zxkb'; main()"
)
PHASES = (
    PHASE_TIMER
    + """
from pathlib import Path
from zxkb.ingest import prepare
from zxkb.store import connection, reports
from zxkb.ingest.run import ingest_paths

prepare.identify = timed("identify", prepare.identify)
prepare.sentence_hashes = timed("hash", prepare.sentence_hashes)
reports.store = timed("place", reports.store)
reports.place = timed("place", reports.place)
conn = connection.connect(Path(sys.argv[1]), write=True, create=True)
start = time.perf_counter()
ingest_paths(conn, [Path(p) for p in sys.argv[2:]])
total = time.perf_counter() - start
print(f"ingest_paths {total:.2f} s: identities {spent['identify']:.2f} s, sentence hashes {spent['hash']:.2f} s, "
      f"storing and placing {spent['place']:.2f} s; the rest {total - sum(spent.values()):.2f} s")
"""
)
QUERIES = ("营商环境", "发展", "供给侧结构性改革", "国防 外交")
FILTERS = ((), ("--copies",), ("--year", "2016-2020", "--type", "government"), ("--region", "湖南"))


def run(code: str, args: list[str], db: Path) -> tuple[float, float, float]:
    """Wall, user CPU and system CPU seconds of a child process."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime, usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    if not opts.corpus.is_dir():
        sys.exit(f"no corpus at {opts.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        args = ["ingest", str(opts.corpus), "--db", str(db), "--jobs", "1"]
        results: dict[str, list[tuple[float, float, float]]] = {"with the archive": [], "without": []}
        for _ in range(opts.runs):  # interleaved, so that a busy moment hits both
            results["without"].append(run(WITHOUT, args, db))
            results["with the archive"].append(run(WITH, args, db))
        print(f"zxkb ingest {opts.corpus} --jobs 1, median of {opts.runs}:")
        for name, rows in results.items():
            wall, user, sys_ = (statistics.median(col) for col in zip(*rows, strict=True))
            print(f"  {name:17} wall {wall:5.2f} s   user {user:5.2f} s   sys {sys_:4.2f} s")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        phases = subprocess.run([PYTHON, "-c", PHASES, str(db), str(opts.corpus)], capture_output=True, text=True)
        print(f"  in one process: {phases.stdout.strip() or phases.stderr.strip()}")
        conn = sqlite3.connect(db)
        docs, copies = conn.execute("SELECT count(*), sum(copy_of IS NOT NULL) FROM documents").fetchone()
        sketch = conn.execute("SELECT count(*) FROM doc_sketch").fetchone()[0]
        conn.close()
        print(f"  {docs} documents, {docs - copies} reports, {copies} copies; {sketch} sketch rows")
        print(f"zxkb search Q --json (-n 10), whole process, median of {opts.runs} ms (total hits):")
        for query in QUERIES:
            cells = []
            for extra in FILTERS:
                out = run_process([ZXKB, "search", *query.split(), "--json", "--db", str(db), *extra], opts.runs)
                total = json.loads(out.stdout)["total"] if out.returncode in (0, 1) else None
                cells.append(f"{' '.join(extra) or 'default'} {out.median_ms:.0f} ms ({total})")
            print(f"  {query}: " + "; ".join(cells))


if __name__ == "__main__":
    main()

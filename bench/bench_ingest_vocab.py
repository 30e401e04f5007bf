"""Benchmark: what the term vocabulary costs `zxkb ingest`, on the whole corpus.

Ingests the corpus folder (as the user would: `zxkb ingest ../shared/corpus`)
into a new database, --runs times each, as whole processes:
- with the vocabulary, as shipped;
- without it: the peer measured in the same run, a child process in which
  termstore.VocabularyBatch.add and .flush do nothing, so that no term is extracted
  or written.
Each run reports wall time and the child's user and system CPU time (the machine
may be shared: CPU time is the steadier number); the medians are printed with
the throughput in MB/s of the UTF-8 text stored, and the database size against
that text.

Then, in one process, where the vocabulary's time goes on a fresh ingest:
extraction (vocab.extract), pinyin of new terms (vocab.term_pinyin and
char_readings) and the writes (termstore._write_terms less its pinyin).

With --copies N, the same again on a larger corpus: the corpus plus N-1
variants of each report (its paragraphs rotated, its years shifted, written as
.txt files), to see how the cost grows with the database.

    .venv/bin/python bench/bench_ingest_vocab.py [--corpus ../shared/corpus] [--runs 3] [--copies 6]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from measure import PHASE_TIMER

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

WITH_VOCAB = "import sys; from zxkb.cli import main; sys.argv[0] = 'zxkb'; main()"
NO_VOCAB = (
    "import sys; from zxkb.store import terms as termstore; "
    "termstore.VocabularyBatch.add = lambda self, *a: None; termstore.VocabularyBatch.flush = lambda self: None; "
    "from zxkb.cli import main; sys.argv[0] = 'zxkb'; main()"
)
PHASES = (
    PHASE_TIMER
    + """
from functools import partial
from pathlib import Path
from zxkb import vocab
from zxkb.store import connection, documents, index
from zxkb.store import terms as termstore
from zxkb.ingest.run import ingest_paths

vocab.extract = timed("extract", vocab.extract)
vocab.term_pinyin = timed("pinyin", vocab.term_pinyin)
_readings = vocab.char_readings
vocab.char_readings = timed("pinyin", lambda term: list(_readings(term)))
termstore._write_terms = timed("write", termstore._write_terms)
conn = connection.connect(Path(sys.argv[1]), write=True, create=True)
start = time.perf_counter()
ingest_paths(conn, [Path(p) for p in sys.argv[2:]])
total = time.perf_counter() - start
spent["write"] -= spent["pinyin"]
print(f"ingest_paths {total:.2f} s: vocab.extract {spent['extract']:.2f} s, "
      f"pinyin {spent['pinyin']:.2f} s, vocabulary writes {spent['write']:.2f} s, "
      f"the rest (reading, parsing, storing documents) {total - sum(spent.values()):.2f} s")
"""
)


def _shift_year(k: int, m: re.Match[str]) -> str:
    return f"{int(m.group(1)) + k}年"


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


def text_bytes(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM paragraphs").fetchone()[0])
    finally:
        conn.close()


def variants(db: Path, dest: Path, copies: int) -> int:
    """Write copies-1 variants of every report stored in `db` to `dest`: the
    title marked, the body paragraphs rotated, every year shifted by k."""
    year = re.compile(r"(1[89]\d\d|20\d\d)年")
    conn = sqlite3.connect(db)
    n = 0
    for doc_id, title in conn.execute("SELECT id, title FROM documents ORDER BY id").fetchall():
        paragraphs = [
            text
            for (text,) in conn.execute(
                "SELECT text FROM paragraphs WHERE doc_id = ? AND kind IN ('front', 'heading', 'body') ORDER BY seq",
                (doc_id,),
            )
        ]
        head, body = paragraphs[:2], paragraphs[2:]
        for k in range(1, copies):
            turn = 7 * k % max(1, len(body))
            text = "\n\n".join([f"# {title}（{k}）", *head, *body[turn:], *body[:turn]])
            text = year.sub(partial(_shift_year, k), text)
            (dest / f"{doc_id:04d}-{k}.txt").write_text(text, encoding="utf-8")
            n += 1
    conn.close()
    return n


def measure(label: str, db: Path, paths: list[Path], runs: int) -> None:
    args = ["ingest", *map(str, paths), "--db", str(db)]
    medians = {}
    for peer, code in (("without vocabulary", NO_VOCAB), ("with vocabulary", WITH_VOCAB)):
        timings = [run(code, args, db) for _ in range(runs)]
        wall, user, system = (statistics.median(col) for col in zip(*timings, strict=True))
        size, text = db.stat().st_size, text_bytes(db)
        medians[peer] = wall, user
        each = ", ".join(f"{w:.2f}" for w, _, _ in timings)
        print(
            f"{label}, ingest {peer:<18}: wall {wall:5.2f} s (runs: {each}), user {user:5.2f} s,"
            f" sys {system:4.2f} s; {text / 1e6 / wall:.1f} MB/s of text; database {size / 1e6:.1f} MB"
            f" = {size / text:.2f} x the {text / 1e6:.1f} MB of text"
        )
    (bare_wall, bare_user), (full_wall, full_user) = medians.values()
    print(
        f"{label}: the vocabulary adds {full_wall - bare_wall:.2f} s wall (x{full_wall / bare_wall:.2f}),"
        f" {full_user - bare_user:.2f} s user CPU (x{full_user / bare_user:.2f})"
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = subprocess.run([PYTHON, "-c", PHASES, str(db), *map(str, paths)], capture_output=True, text=True)
    print(f"{label}: {result.stdout.strip() or result.stderr}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--copies", type=int, default=1, help="also the corpus with copies-1 variants of each report")
    opts = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="zxkb-bench-") as tmp:
        db = Path(tmp) / "zxkb.db"
        measure("corpus", db, [opts.corpus], opts.runs)
        if opts.copies > 1:
            more = Path(tmp) / "variants"
            more.mkdir()
            subprocess.run([PYTHON, "-c", WITH_VOCAB, "ingest", str(opts.corpus), "--db", str(db)], capture_output=True)
            n = variants(db, more, opts.copies)
            measure(f"corpus + {n} variants", db, [opts.corpus, more], opts.runs)


if __name__ == "__main__":
    main()

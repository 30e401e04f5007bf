"""Benchmark: the term vocabulary and `zxkb fuzzy` on the whole shared corpus.

This branch's ingester reads .txt/.md only, so the script extracts the texts
itself into a temporary folder first: the seed, the GBK State Council reports
(decoded as gb18030), the `full_text` column of the provincial CSV files and the
`content` field of the Wikisource JSON Lines files, each written as a UTF-8 .txt
file (with a `# title` line when the record has a title).

Then, whole processes each time:
- `zxkb ingest` of the folder, as shipped, and with the vocabulary switched off
  (a child process in which termstore.VocabularyBatch.add and .flush do nothing:
  the peer measured in the same run), so the difference is what the vocabulary
  adds (bench/bench_ingest_vocab.py measures that part in more detail);
- `termstore.rebuild_vocabulary` on the finished database (the build alone);
- `zxkb fuzzy TERM --json` for a fixed set of terms, median of --runs runs each,
  beside `python -c pass`, `import zxkb.cli`, `import zxkb.cli, rapidfuzz` and
  `zxkb search 远程协商 --json`, to show how much of it is start-up.

    .venv/bin/python bench/bench_fuzzy.py [--corpus ../shared/corpus] [--runs 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from zxkb.store import terms as termstore

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
TERMS = (
    "远程协商",
    "远成协商",
    "遠程協商",
    "yuanchengxieshang",
    "ycxs",
    "委员家",
    "高质量发展",
    "供给侧改革",
    "xczx",
    "政府工作报告",
)


def extract(corpus: Path, dest: Path) -> int:
    """Write every report of the corpus as a UTF-8 .txt file under `dest`; return how many."""
    n = 0

    def write(name: str, text: str, title: str | None = None) -> None:
        nonlocal n
        if title:
            text = f"# {title}\n\n{text}"
        (dest / f"{name}.txt").write_text(text, encoding="utf-8")
        n += 1

    for path in sorted((corpus / "seed").glob("*.txt")):
        write(f"seed-{path.stem}", path.read_text(encoding="utf-8"))
    for path in sorted((corpus / "state-council-gbk").glob("*.txt")):
        write(f"sc-{path.stem}", path.read_bytes().decode("gb18030", errors="replace"))
    csv.field_size_limit(1 << 30)
    for path in sorted((corpus / "provincial-2026").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), 1):
                write(f"prov-{path.stem}-{i}", row["full_text"], row.get("title"))
    for path in sorted((corpus / "wikisource").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if line.strip():
                    rec = json.loads(line)
                    write(f"ws-{path.stem}-{i}", rec["content"], rec.get("title"))
    return n


def run(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env={**os.environ, "ZXKB_DB": str(db)}, check=False)


def timed(args: list[str], db: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(args, db)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


PYTHON = str(ROOT / ".venv" / "bin" / "python")
ZXKB = str(ROOT / ".venv" / "bin" / "zxkb")
NO_VOCAB = (
    "import sys; from zxkb.store import terms as termstore; "
    "termstore.VocabularyBatch.add = lambda self, *a: None; termstore.VocabularyBatch.flush = lambda self: None; "
    "from zxkb.cli import main; sys.argv[0] = 'zxkb'; main()"
)
REBUILD = (
    "import sys, time; from pathlib import Path; from zxkb.store import connection, terms as termstore; "
    "conn = connection.connect(Path(sys.argv[1])); t = time.perf_counter(); termstore.rebuild_vocabulary(conn); "
    "print(time.perf_counter() - t)"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=7)
    opts = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="zxkb-bench-") as tmp:
        work = Path(tmp)
        texts = work / "texts"
        texts.mkdir()
        files = extract(opts.corpus, texts)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in texts.glob("*.txt"))
        print(f"corpus: {files} reports, {chars / 1e6:.1f} M characters, extracted to .txt")

        db = work / "zxkb.db"
        bare = work / "bare.db"
        timings = {}
        for label, path, args in (
            ("without vocabulary", bare, [PYTHON, "-c", NO_VOCAB]),
            ("with vocabulary", db, [ZXKB]),
        ):
            start = time.perf_counter()
            result = run([*args, "ingest", "--json", str(texts)], path)
            timings[label] = time.perf_counter() - start
            report = json.loads(result.stdout)
            print(
                f"ingest {label}: {timings[label]:.1f} s, {len(report['ingested'])} ingested,"
                f" {len(report['errors'])} failed, database {path.stat().st_size / 1e6:.0f} MB"
            )
        base, full = timings["without vocabulary"], timings["with vocabulary"]
        print(f"the vocabulary adds {full - base:.1f} s to ingest (x{full / base:.1f})")
        rebuild = float(run([PYTHON, "-c", REBUILD, str(db)], db).stdout)
        print(f"termstore.rebuild_vocabulary alone: {rebuild:.1f} s")

        conn = sqlite3.connect(db)
        terms, chars_seen = conn.execute("SELECT count(*), (SELECT count(*) FROM char_pinyin) FROM terms").fetchone()
        rows = sum(len(termstore.unpack_terms(blob)) for (blob,) in conn.execute("SELECT terms FROM doc_terms"))
        conn.close()
        print(f"vocabulary: {terms} terms, {rows} (term, document) rows, {chars_seen} character readings")

        print(f"\nwhole-process wall time, median of {opts.runs} runs:")
        for label, args in (
            ("python -c pass", [PYTHON, "-c", "pass"]),
            ("python -c 'import zxkb.cli'", [PYTHON, "-c", "import zxkb.cli"]),
            ("python -c 'import zxkb.cli, zxkb.fuzzy'", [PYTHON, "-c", "import zxkb.cli, zxkb.fuzzy"]),
            ("zxkb search 远程协商 --json", [ZXKB, "search", "远程协商", "--json"]),
        ):
            print(f"  {label:<44} {timed(args, db, opts.runs) * 1000:6.0f} ms")
        fuzzy_times = []
        for term in TERMS:
            t = timed([ZXKB, "fuzzy", term, "--json"], db, opts.runs)
            fuzzy_times.append(t)
            top = json.loads(run([ZXKB, "fuzzy", term, "--json", "--limit", "3"], db).stdout)["matches"]
            label = f"zxkb fuzzy {term} --json"
            print(f"  {label:<44} {t * 1000:6.0f} ms   top 3: {', '.join(m['term'] for m in top)}")
        print(f"median zxkb fuzzy: {statistics.median(fuzzy_times) * 1000:.0f} ms")
        t = timed([ZXKB, "search", "远成协商", "--fuzzy", "--json"], db, opts.runs)
        print(f"  {'zxkb search 远成协商 --fuzzy --json':<44} {t * 1000:6.0f} ms")


if __name__ == "__main__":
    main()

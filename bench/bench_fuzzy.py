"""Benchmark: the term vocabulary and `zxkb fuzzy` on the whole shared corpus.

This branch's ingester reads .txt/.md only, so the script extracts the texts
itself into a temporary folder first: the GBK State Council reports (decoded
as gb18030), the `full_text` column of the provincial CSV files and the
`content` field of the Wikisource JSON Lines files, each written as a UTF-8
.txt file (with a `# title` line when the record has a title).

It then ingests the folder twice, into two databases: once as shipped (with
the vocabulary) and once with the vocabulary switched off
(ZXKB_NO_VOCAB=1, read only by this benchmark's child process via
zxkb.vocab.DISABLED_ENV), and reports what the vocabulary adds to ingest;
then it times whole `zxkb fuzzy --json` processes for a fixed set of terms
(median of N runs each), against `python -c pass` and `zxkb search --json`
measured in the same run.

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
import sys
import tempfile
import time
from pathlib import Path

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


def zxkb(*args: str, db: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ZXKB_DB": str(db), **(env or {})}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "zxkb"), *args], capture_output=True, text=True, env=full_env, check=False
    )


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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

        timings = {}
        for label, env in (("without vocabulary", {"ZXKB_NO_VOCAB": "1"}), ("with vocabulary", {})):
            db = work / f"{label.replace(' ', '-')}.db"
            start = time.perf_counter()
            result = zxkb("ingest", "--json", str(texts), db=db, env=env)
            timings[label] = time.perf_counter() - start
            report = json.loads(result.stdout)
            print(
                f"ingest {label}: {timings[label]:.1f} s, {len(report['ingested'])} ingested,"
                f" {len(report['errors'])} failed, {db.stat().st_size / 1e6:.1f} MB"
            )
        added = timings["with vocabulary"] - timings["without vocabulary"]
        print(f"the vocabulary adds {added:.1f} s to ingest (+{100 * added / timings['without vocabulary']:.0f}%)")

        db = work / "with-vocabulary.db"
        conn = sqlite3.connect(db)
        terms, rows = conn.execute("SELECT count(*), (SELECT count(*) FROM term_docs) FROM terms").fetchone()
        conn.close()
        print(f"vocabulary: {terms} terms, {rows} (term, document) rows")

        env = {**os.environ, "ZXKB_DB": str(db)}
        exe = str(ROOT / ".venv" / "bin" / "zxkb")
        python = str(ROOT / ".venv" / "bin" / "python")
        print(f"\nwhole-process wall time, median of {opts.runs} runs:")
        base = timed([python, "-c", "pass"], env, opts.runs)
        print(f"  {'python -c pass':<42} {base * 1000:6.0f} ms")
        search = timed([exe, "search", "远程协商", "--json"], env, opts.runs)
        print(f"  {'zxkb search 远程协商 --json':<42} {search * 1000:6.0f} ms")
        fuzzy_times = []
        for term in TERMS:
            t = timed([exe, "fuzzy", term, "--json"], env, opts.runs)
            fuzzy_times.append(t)
            top = json.loads(zxkb("fuzzy", term, "--json", "--limit", "3", db=db).stdout)["matches"]
            print(
                f"  {'zxkb fuzzy ' + term + ' --json':<42} {t * 1000:6.0f} ms  top: {', '.join(m['term'] for m in top)}"
            )
        print(f"median fuzzy: {statistics.median(fuzzy_times) * 1000:.0f} ms")
        imports = timed([python, "-X", "importtime", "-c", "import zxkb.cli, rapidfuzz"], env, 1)
        _ = imports


if __name__ == "__main__":
    sys.exit(main())

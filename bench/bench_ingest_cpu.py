"""Benchmark: the CPU time of an ingest, this checkout against another, in turns.

    .venv/bin/python bench/bench_ingest_cpu.py CORPUS [--base /path/to/other/checkout] [--rounds 3]

Each round ingests CORPUS (a folder) into a new database with `--jobs 1`, in a
child process per checkout (its own zxkb first on sys.path), and reports the
child's CPU time split in two: preparing the files (zxkb.ingest.prepare: read,
decode, parse, fold, tokens, tiers, terms, which worker processes do when there
are several) and the rest (storing: the index, the vocabulary's writes and
pinyin, the archive's placing, in the main process). With one process nothing
runs in parallel, so CPU time is what the work costs whatever the machine's
load does to wall time; on 2 cores an ingest's wall time is about the total
over 2 when the workers keep up. The checkouts alternate, so that a change in
load falls on both. Medians of the rounds; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from measure import checkouts

CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import zxkb.ingest.prepare as prepare
import zxkb.ingest.workers as workers
from zxkb.ingest.run import ingest_paths
from zxkb.store import connection

spent = [0.0]
original = prepare.prepare_file

def timed(*args, **kwargs):
    start = time.process_time()
    try:
        return original(*args, **kwargs)
    finally:
        spent[0] += time.process_time() - start

workers.prepare_file = timed
start = time.process_time()
conn = connection.connect(Path(sys.argv[3]), write=True, create=True)
report = ingest_paths(conn, [Path(sys.argv[2])], jobs=1)
conn.close()
total = time.process_time() - start
print(json.dumps({"documents": len(report.ingested), "total": total, "prepare": spent[0]}))
"""


def once(repo: Path, python: str, corpus: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        out = subprocess.run(
            [python, "-c", CHILD, str(repo), str(corpus), str(db)], capture_output=True, text=True, check=True
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--base", type=Path, help="another checkout (with its own .venv), measured in turns")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    size = sum(p.stat().st_size for p in args.corpus.rglob("*") if p.is_file())
    sides = checkouts(args.base)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, (repo, python) in sides.items():
            runs[name].append(once(repo, python, args.corpus))
    print(f"{size / 1e6:.1f} MB of files in {args.corpus}; CPU seconds, median of {args.rounds} rounds, --jobs 1\n")
    print("| checkout | documents | prepare s | store s | total s | CPU s per MB |\n|---|---|---|---|---|---|")
    for name, results in runs.items():
        prep = statistics.median(r["prepare"] for r in results)
        store = statistics.median(r["total"] - r["prepare"] for r in results)
        total = statistics.median(r["total"] for r in results)
        docs = int(results[0]["documents"])
        print(f"| {name} | {docs} | {prep:.2f} | {store:.2f} | {total:.2f} | {total / (size / 1e6):.3f} |")


if __name__ == "__main__":
    main()

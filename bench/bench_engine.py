"""Benchmark: the engine's top 20, in process and warm, this checkout against another, in turns.

    .venv/bin/python bench/bench_engine.py DB [--base /path/to/other/checkout] [--rounds 5] [QUERY ...]

For each checkout a child process (its own zxkb first on sys.path, run by the
checkout's .venv) opens DB, searches each query once to warm up, then times
`engine.search(conn, Q, limit=20, where=ReportFilter(copies=True))` (every copy
counts, as in bench/run.py: the files rg reads) `--rounds` times; the medians
are printed side by side. The checkouts alternate, so that a change in the
machine's load falls on both. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from measure import checkouts

QUERIES = ("政", "镍", "发展", "芯片", "经济建设", "远程协商", "高质量发展", "政协委员之家", "乡村振兴 农民", "5G网络")

CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from zxkb.models import ReportFilter
from zxkb.search import engine
from zxkb.store import connection

conn = connection.connect(Path(sys.argv[2]))
rounds, queries = int(sys.argv[3]), sys.argv[4:]
every = ReportFilter(copies=True)
times = {q: [] for q in queries}
for q in queries:
    engine.search(conn, q, limit=20, where=every)
for _ in range(rounds):
    for q in queries:
        start = time.perf_counter()
        engine.search(conn, q, limit=20, where=every)
        times[q].append((time.perf_counter() - start) * 1000)
print(json.dumps({q: statistics.median(t) for q, t in times.items()}))
"""


def measure(repo: Path, python: str, db: Path, rounds: int, queries: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [python, "-c", CHILD, str(repo), str(db), str(rounds), *queries], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", type=Path)
    ap.add_argument("queries", nargs="*", default=list(QUERIES))
    ap.add_argument("--base", type=Path, help="another checkout (with its own .venv), measured in turns")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--turns", type=int, default=2, help="times each checkout is measured, alternating")
    args = ap.parse_args()
    sides = checkouts(args.base)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for _ in range(args.turns):
        for name, (repo, python) in sides.items():
            runs[name].append(measure(repo, python, args.db, args.rounds, args.queries))
    names = list(sides)
    print(f"{args.db}: ms, median of {args.rounds} rounds; each turn's figure\n")
    print("| query | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for q in args.queries:
        cells = [", ".join(f"{run[q]:.1f}" for run in runs[name]) for name in names]
        print(f"| {q} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

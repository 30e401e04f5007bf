"""Whole-process timings of the commands across the archive on a scale
database (bench/run.py builds them: bench/out/analysis-SIZE.db or any --db):
`zxkb trend` of a common term by year, `zxkb compare` of two State Council
reports, `zxkb track` of one, and `search --count-by year`, each --json,
median of --runs. Not a test: it prints a Markdown table for bench/RESULTS.md.

    .venv/bin/python bench/bench_analysis.py --db bench/out/analysis-100MB.db --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ZXKB = [sys.executable, "-m", "zxkb"]


def run(db: Path, *args: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    done = subprocess.run([*ZXKB, *args, "--json", "--db", str(db)], capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode, done.stdout


def state_council(db: Path, year: int) -> str:
    _, _, out = run(db, "docs", "--type", "government", "--region", "全国", "--year", str(year))
    docs = [d for d in json.loads(out) if d["copy_of"] is None]
    return str(min(d["id"] for d in docs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--term", default="发展")
    args = ap.parse_args()
    a, b, planned = state_council(args.db, 2012), state_council(args.db, 2022), state_council(args.db, 2016)
    cases = {
        f"trend {args.term} (by year)": ("trend", args.term),
        f"compare {a} {b} (2012, 2022)": ("compare", a, b),
        f"track {planned} (2016)": ("track", planned),
        f"search {args.term} --count-by year": ("search", args.term, "--count-by", "year"),
    }
    _, _, docs = run(args.db, "docs")
    print(f"database {args.db} ({args.db.stat().st_size / 1e9:.2f} GB, {len(json.loads(docs))} documents)\n")
    print("| command | median s | min s | exit | answer |")
    print("|---|---|---|---|---|")
    for argv in cases.values():
        times, code, out = [], 0, b""
        for _ in range(args.runs):
            t, code, out = run(args.db, *argv)
            times.append(t)
        result = json.loads(out) if out else {}
        if "buckets" in result and "terms" in result:
            answer = f"{sum(c['occurrences'] for bk in result['buckets'] for c in bk['counts'])} occurrences"
        elif "plans" in result:
            found = sum(1 for p in result["plans"] if p["status"] != "not_found")
            answer = f"{found}/{len(result['plans'])} reported or mentioned"
        elif "statistic" in result:
            answer = f"{sum(len(v) for v in result['terms'].values())} terms"
        else:
            answer = f"{result.get('total')} paragraphs"
        print(f"| `zxkb {' '.join(argv)}` | {statistics.median(times):.3f} | {min(times):.3f} | {code} | {answer} |")


if __name__ == "__main__":
    main()

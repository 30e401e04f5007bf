"""What the ranking and the partial-match fallback cost, on a database that bench/run.py made.

    .venv/bin/python bench/bench_rank.py --db bench/out/zxkb-100MB.db
    .venv/bin/python bench/bench_rank.py --db bench/out/zxkb-1GB.db --every-match --engine-only
    .venv/bin/python bench/bench_rank.py --db bench/out/zxkb-100MB.db \\
        --base-python /path/to/main/.venv/bin/python --base-db /path/to/main/bench/out/zxkb-100MB.db

- engine top-20 (`engine.search(conn, Q, limit=20)`, in process, warm) for bench/run.py's query
  mix, and how many matches the ranking re-scored to be sure of its top 20; with --base-*, the
  same for another checkout (zxkb before this ranking), the two run in turns, round after
  round, so that the load of the machine falls on both alike; with --every-match, the same
  checkout with its tiers turned off (every match ranked by bm25, as before zxkb.search.topk),
  in the same turns;
- the partial-match fallback: whole-process `zxkb search Q --json` for queries that no
  paragraph holds whole, with the fallback and with --exact (an empty search: suggestions
  only), and for a string no paragraph holds any word of;
- the database by table (dbstat), for the size of the index's title column;
- with --word-index, what a word-level index would cost: rjieba's words of every indexed
  paragraph in an FTS5 table of their own (as paragraphs_fts, one token a word), built in a
  copy of the database, against the character index.

Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import run_process  # noqa: E402  (bench/ scripts import their neighbours)
from run import QUERIES  # noqa: E402

FALLBACK = (
    "株洲政协怎么开展远程协商",
    "政府怎样减轻企业负担",
    "远程协商 清水塘 市委书记",
    "如何治理大气污染",
    "GDP增长7%",
)
NOTHING = "䶵䶴䶳"  # characters no report has

# Timed in the interpreter given, so that another checkout's zxkb can be measured the same way.
ENGINE = r"""
import json, sqlite3, statistics, sys, time
from zxkb.search import engine
from zxkb.store import index
db, queries, runs, every = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "every"
try:
    from zxkb.search import topk
    if every:  # rank every match, as before the tiers
        topk.MIN_TOTAL = 10**18
except ImportError:  # a checkout from before the tiers
    pass
conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
conn.execute("PRAGMA cache_size = -65536")
read = [0]
if hasattr(index, "token_counts"):  # the ranking reads the length of each match it re-scores
    plain = index.token_counts
    def counting(conn, ids):
        read[0] += len(ids)
        return plain(conn, ids)
    index.token_counts = counting
out = {}
for q in queries:
    engine.search(conn, q, limit=20)
    read[0] = 0
    engine.search(conn, q, limit=20)
    scored = read[0]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        engine.search(conn, q, limit=20)
        times.append((time.perf_counter() - t) * 1000)
    out[q] = {"ms": statistics.median(times), "read": scored}
print(json.dumps(out))
"""


def engine_times(python: str, db: Path, runs: int, every: bool = False) -> dict[str, Any]:
    queries = [q for _, q, _ in QUERIES]
    proc = subprocess.run(  # from / : `python -c` would import the zxkb of the current folder
        [python, "-c", ENGINE, str(db.resolve()), json.dumps(queries), str(runs), "every" if every else "tiers"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return dict(json.loads(proc.stdout))


def whole_process(db: Path, args: list[str], runs: int) -> float:
    """Median wall time of `zxkb search ARGS --json` (this venv's zxkb), in ms."""
    zxkb = str(Path(sys.executable).parent / "zxkb")
    return float(run_process([zxkb, "search", *args, "--json", "--db", str(db)], runs).median_ms)


def sizes(db: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    return {name: round(size / 1e6, 2) for name, size in rows}


def word_index_size(db: Path) -> None:
    """Build rjieba's words of every indexed paragraph into an FTS5 table in a copy of `db`."""
    import shutil
    import tempfile

    import rjieba

    from zxkb import textnorm

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "words.db"
        shutil.copy(db, copy)
        conn = sqlite3.connect(copy)
        conn.execute("CREATE VIRTUAL TABLE words_fts USING fts5(words, content='', tokenize='unicode61')")
        rows = conn.execute("SELECT id, text FROM paragraphs WHERE kind IN ('body', 'heading', 'front', 'noise')")
        batch = []
        for pid, text in rows.fetchall():
            words = [w for w in rjieba.cut(textnorm.fold(text)) if any(ch.isalnum() for ch in w)]
            batch.append((pid, " ".join(words)))
        with conn:
            conn.executemany("INSERT INTO words_fts(rowid, words) VALUES (?, ?)", batch)
            conn.execute("INSERT INTO words_fts(words_fts) VALUES ('optimize')")
            conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")
        got = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        conn.close()
    words, chars = got.get("words_fts_data", 0) / 1e6, got.get("paragraphs_fts_data", 0) / 1e6
    print("### A word-level index\n")
    print(f"words_fts_data {words:.1f} MB beside paragraphs_fts_data {chars:.1f} MB (both optimized)\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--base-python", help="the interpreter of another checkout (zxkb before this ranking)")
    ap.add_argument("--base-db", type=Path, help="its database of the same corpus")
    ap.add_argument(
        "--every-match", action="store_true", help="also this checkout ranking every match (no tiers), in turns"
    )
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--engine-only", action="store_true", help="only the engine table")
    ap.add_argument("--word-index", action="store_true", help="also build a word-level index and report its size")
    args = ap.parse_args()
    if args.word_index:
        word_index_size(args.db)

    print("### Engine top-20, in process, warm (ms, median of rounds)\n")
    rounds: dict[str, list[dict[str, Any]]] = {"now": [], "base": [], "every": []}
    for _ in range(args.rounds):
        rounds["now"].append(engine_times(sys.executable, args.db, args.runs))
        if args.base_python and args.base_db:
            rounds["base"].append(engine_times(args.base_python, args.base_db, args.runs))
        if args.every_match:
            rounds["every"].append(engine_times(sys.executable, args.db, args.runs, every=True))
    head = "| class | query | ranking re-scored | now ms |"
    if rounds["base"]:
        head += " before ms | now / before |"
    if rounds["every"]:
        head += " every match ranked ms | re-scored | now / every match |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for cls, q, _ in QUERIES:
        now = statistics.median(r[q]["ms"] for r in rounds["now"])
        line = f"| {cls} | {q} | {rounds['now'][0][q]['read']} | {now:.2f} |"
        if rounds["base"]:
            before = statistics.median(r[q]["ms"] for r in rounds["base"])
            line += f" {before:.2f} | {now / before:.2f} |"
        if rounds["every"]:
            every = statistics.median(r[q]["ms"] for r in rounds["every"])
            line += f" {every:.2f} | {rounds['every'][0][q]['read']} | {now / every:.2f} |"
        print(line)

    if args.engine_only:
        return
    print("\n### The partial-match fallback, whole process (ms, median)\n")
    print("| query | with the fallback | --exact (suggestions only) | fallback costs |")
    print("|---|---|---|---|")
    for q in FALLBACK:
        words = q.split()
        with_fallback = whole_process(args.db, words, args.runs)
        exact = whole_process(args.db, ["--exact", *words], args.runs)
        print(f"| {q} | {with_fallback:.1f} | {exact:.1f} | {with_fallback - exact:+.1f} |")
    nothing = whole_process(args.db, [NOTHING], args.runs)
    print(f"| {NOTHING} (no paragraph holds any of it) | {nothing:.1f} | | |")

    print("\n### Database by table (MB)\n")
    now_sizes = sizes(args.db)
    base_sizes = sizes(args.base_db) if args.base_db else {}
    for name in sorted(set(now_sizes) | set(base_sizes), key=lambda n: -now_sizes.get(n, 0))[:8]:
        before = f" (before {base_sizes[name]})" if name in base_sizes else ""
        print(f"- {name}: {now_sizes.get(name, 0)}{before}")
    total = sum(p.stat().st_size for p in (args.db, Path(f"{args.db}-wal")) if p.exists()) / 1e6
    print(f"- file: {total:.1f} MB")


if __name__ == "__main__":
    main()

"""Evaluate search rankings against the judged queries in bench/judgments/queries.jsonl.

    python bench/rank_eval.py --db PATH [--zxkb PATH] [--ranker current --ranker bm25 ...] [--per-query]

Each ranker turns a query into a ranked list of paragraph text keys (sha1 of the paragraph
text with all whitespace removed, first 16 hex: bench/judgments/README.md). A hit is matched
to a judgment by that key alone, so the numbers survive re-ingesting and new document ids,
and a report that is in the corpus twice (two sources, the same text) is one paragraph.

Rankers:
- current: `zxkb search QUERY --json -n 10`, the CLI's own ranking. Only `hits[].text` is read
  (`hits[].ref` as a fallback), so new JSON keys change nothing.
- bm25: plain character BM25 computed here: FTS5's bm25() with its default parameters
  (k1 1.2, b 0.75, column weights 1) over the `paragraphs_fts` table, for the same exact
  match as zxkb's (every space-separated term a phrase of one token per character, body
  paragraphs only), ties by paragraph id.
- chars: an Okapi BM25 of our own over single characters (k1 1.2, b 0.75), over every body
  paragraph: a paragraph needs only one of the query's characters, so it ranks partial
  matches too. A reference for what a fallback from exact matching could reach.

Scoring, per query: nDCG@10 with graded gains 2^g - 1 and log2(rank + 1) discounts, the
ideal from every judged paragraph of the query; MRR@10, the reciprocal rank of the first hit
graded 2 or more (0 if none in the top 10). A paragraph nobody judged counts as grade 0; a
key that comes again lower in the same ranking (a copy) gains nothing the second time. A
query with no exact hit gets an empty list from current and bm25 and scores 0. `judged@10`
is the share of the top-10 results that carry a judgment: when it falls, the pool needs
judging again before the numbers mean much.

A new ranker is a function `rank(query, conn) -> list[text_key]` added to RANKERS.
Standard library and sqlite3 only, except for zxkb's own rankings, signal by signal
(`--ranker zxkb`, `--ranker zxkb:title=0.5,length=0`, `--ranker words:w=0.5`: bench/rankers.py),
which run zxkb's search in process.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import re
import sqlite3
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

K = 10
RELEVANT = 2  # MRR: the first hit with at least this grade
QUERIES = Path(__file__).resolve().parent / "judgments" / "queries.jsonl"

Ranker = Callable[[str, sqlite3.Connection], list[str]]


def text_key(text: str) -> str:
    """sha1 of the text with all whitespace (str.split's) removed, first 16 hex digits."""
    return hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()[:16]


# --- the query as zxkb folds and indexes it (zxkb/textnorm.py, zxkb/query.py) ---

_NOT_PLAIN = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff ]")


def fold(text: str) -> str:
    """zxkb's search key without its traditional-to-simplified table (every judged query is in
    simplified characters): NFKC, case folding, whitespace and format characters dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


def fts_tokens(key: str) -> str:
    """The FTS5 text of a key: one token per character, others as x<hex> tokens."""
    return _NOT_PLAIN.sub(lambda m: f"x{ord(m.group()):x}", " ".join(key))


def match_expression(query: str) -> str | None:
    """The exact match of zxkb's query language for plain queries: every space-separated term
    must occur, as a phrase, in a body paragraph."""
    terms = [fold(t) for t in query.split()]
    phrases = [f'"{fts_tokens(t)}"' for t in terms if t]
    return "{body}: (" + " AND ".join(phrases) + ")" if phrases else None


# --- rankers ---


def _texts_by_id(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(conn.execute(f"SELECT id, text FROM paragraphs WHERE id IN ({marks})", ids).fetchall())


def rank_bm25(query: str, conn: sqlite3.Connection) -> list[str]:
    """FTS5 bm25() with default parameters over the exact matches, best first."""
    match = match_expression(query)
    if match is None:
        return []
    rows = conn.execute(
        "SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ? ORDER BY bm25(paragraphs_fts), rowid LIMIT ?",
        (match, K),
    ).fetchall()
    ids = [r[0] for r in rows]
    texts = _texts_by_id(conn, ids)
    return [text_key(texts[i]) for i in ids if i in texts]


@functools.lru_cache(maxsize=4)
def _char_index(conn: sqlite3.Connection) -> tuple[list[tuple[str, Counter[str], int]], Counter[str], float]:
    """(key, character counts, length) of every body paragraph, document frequencies, mean length."""
    docs = []
    df: Counter[str] = Counter()
    for (text,) in conn.execute("SELECT text FROM paragraphs WHERE kind = 'body' ORDER BY id"):
        folded = fold(text)
        counts = Counter(folded)
        docs.append((text_key(text), counts, len(folded)))
        df.update(counts.keys())
    avg = sum(n for _, _, n in docs) / max(1, len(docs))
    return docs, df, avg


def rank_chars(query: str, conn: sqlite3.Connection, k1: float = 1.2, b: float = 0.75) -> list[str]:
    """Okapi BM25 over the query's characters (each counted once), every body paragraph a candidate."""
    docs, df, avg = _char_index(conn)
    chars = [c for c in dict.fromkeys(fold(query)) if df.get(c)]
    n = len(docs)
    idf = {c: math.log(1 + (n - df[c] + 0.5) / (df[c] + 0.5)) for c in chars}
    scored = []
    for pos, (key, counts, length) in enumerate(docs):
        s = 0.0
        for c in chars:
            tf = counts.get(c)
            if tf:
                s += idf[c] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
        if s:
            scored.append((-s, pos, key))
    scored.sort()
    return [key for _, _, key in scored[:K]]


def make_current(zxkb: str, db: str) -> Ranker:
    """The CLI's ranking: `zxkb search QUERY --json -n 10`."""

    def rank_current(query: str, conn: sqlite3.Connection) -> list[str]:
        try:
            out = subprocess.run(
                [zxkb, "search", query, "--json", "-n", str(K), "--db", db], capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            sys.exit(f"no zxkb command at {zxkb!r}: give its path with --zxkb (e.g. .venv/bin/zxkb)")
        if out.returncode not in (0, 1):  # 1: nothing found
            sys.exit(f"zxkb search {query!r} failed ({out.returncode}): {out.stderr.strip()}")
        try:
            hits = json.loads(out.stdout).get("hits") or []
        except json.JSONDecodeError:
            sys.exit(f"zxkb search {query!r} did not print JSON: {out.stdout[:200]!r}")
        return [key for key in (hit_key(h, conn) for h in hits[:K]) if key]

    return rank_current


def hit_key(hit: Any, conn: sqlite3.Connection) -> str | None:
    """A CLI hit's text key: from its `text`, else from its `ref` (DOC:PARAGRAPH) looked up in the database."""
    if not isinstance(hit, dict):
        return None
    text = hit.get("text")
    if isinstance(text, str) and text:
        return text_key(text)
    ref = hit.get("ref")
    if isinstance(ref, str) and ":" in ref:
        doc, _, seq = ref.partition(":")
        try:
            row = conn.execute(
                "SELECT text FROM paragraphs WHERE doc_id = ? AND seq = ?", (int(doc), int(seq))
            ).fetchone()
        except (ValueError, sqlite3.Error):
            row = None
        if row:
            return text_key(row[0])
    return None


RANKERS: dict[str, Ranker] = {"bm25": rank_bm25, "chars": rank_chars}


# --- metrics ---


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    seen: set[str] = set()
    dcg = 0.0
    for i, key in enumerate(ranked[:k]):
        if key in seen:
            continue
        seen.add(key)
        dcg += (2 ** grades.get(key, 0) - 1) / math.log2(i + 2)
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    for i, key in enumerate(ranked[:k]):
        if grades.get(key, 0) >= RELEVANT:
            return 1 / (i + 1)
    return 0.0


def judged_share(ranked: list[str], grades: dict[str, int], k: int = K) -> float | None:
    top = ranked[:k]
    return sum(key in grades for key in top) / len(top) if top else None


# --- the run ---


def load_queries(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return sum(xs) / len(xs) if xs else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a zxkb database with the corpus ingested")
    ap.add_argument("--zxkb", default="zxkb", help="the zxkb command for the current ranker (default: zxkb)")
    ap.add_argument(
        "--ranker",
        action="append",
        help="current, bm25, chars, zxkb[:PARAMS], words[:w=W] (repeatable; default: current and bm25)",
    )
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--per-query", action="store_true", help="also print one row per query")
    ap.add_argument("--rows", action="store_true", help="one Markdown row per ranker instead (nDCG@10 by kind)")
    ap.add_argument(
        "--top5",
        help="comma-separated queries: how many of each ranker's top 5 have 60+ characters and grade 2+",
    )
    args = ap.parse_args()

    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    rankers = dict(RANKERS, current=make_current(args.zxkb, args.db))
    names = args.ranker or ["current", "bm25"]
    for name in names:
        if name.split(":")[0] in ("zxkb", "words"):
            import rankers as zxkb_rankers

            rankers[name] = zxkb_rankers.make(name, args.db, text_key)
    unknown = [n for n in names if n not in rankers]
    if unknown:
        sys.exit(f"unknown ranker(s) {', '.join(unknown)}; known: {', '.join(sorted(rankers))}")

    queries = load_queries(args.queries)
    rows: list[dict[str, Any]] = []
    for q in queries:
        grades = {j["key"]: int(j["grade"]) for j in q["judgments"]}
        row: dict[str, Any] = {"id": q["id"], "query": q["query"], "kind": q["kind"]}
        for name in names:
            ranked = rankers[name](q["query"], conn)
            row[name] = (ndcg(ranked, grades), reciprocal_rank(ranked, grades), judged_share(ranked, grades))
        rows.append(row)

    if args.top5:
        print_top5(conn, [q for q in queries if q["query"] in args.top5.split(",")], rankers, names)
        return
    if args.rows:
        print_rows(rows, names)
        return
    header = f"{'':10} {'n':>3}" + "".join(f" | {name + ' nDCG@10':>16} {'MRR':>5}" for name in names)
    if args.per_query:
        print(
            f"{'id':4} {'kind':8} {'query':24}" + "".join(f" | {n + ' nDCG':>12} {'MRR':>5} {'jdg':>4}" for n in names)
        )
        for r in rows:
            cells = ""
            for n in names:
                nd, rr, js = r[n]
                cells += f" | {nd:12.3f} {rr:5.2f} {'-' if js is None else f'{js:.0%}':>4}"
            label = r["query"][:12].ljust(12, "\u3000")  # full-width spaces line up with Chinese
            print(f"{r['id']:4} {r['kind']:8} {label}{cells}")
        print()
    print(header)
    print("-" * len(header))
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    for kind in [*kinds, "all"]:
        group = [r for r in rows if kind in ("all", r["kind"])]
        cells = "".join(f" | {mean(r[n][0] for r in group):16.3f} {mean(r[n][1] for r in group):5.3f}" for n in names)
        if kind == "all":
            print("-" * len(header))
        print(f"{kind:10} {len(group):3}{cells}")
    shares = {n: [r[n][2] for r in rows if r[n][2] is not None] for n in names}
    print()
    print(
        "judged@10 (share of top-10 results with a judgment): "
        + ", ".join(f"{n} {mean(s):.0%}" for n, s in shares.items())
        + f"; {sum(1 for r in rows if r[names[0]][2] is None)} queries where {names[0]} returned nothing"
    )


LONG = 60  # characters: a paragraph, not a lead line


def print_top5(
    conn: sqlite3.Connection, queries: list[dict[str, Any]], rankers: dict[str, Ranker], names: list[str]
) -> None:
    """For each query and ranker: of the top 5, how many have LONG+ characters and are about the
    query (graded 2 or 3), against how many judged paragraphs are (at most 5)."""
    lengths = {text_key(t): len("".join(t.split())) for (t,) in conn.execute("SELECT text FROM paragraphs")}
    print("| query | " + " | ".join(f"`{n}`" for n in names) + " | as many as exist |")
    print("|---" * (len(names) + 2) + "|")
    for q in queries:
        grades = {j["key"]: int(j["grade"]) for j in q["judgments"]}
        good = {k for k, g in grades.items() if g >= RELEVANT and lengths.get(k, 0) >= LONG}
        cells = []
        for n in names:
            top = list(dict.fromkeys(rankers[n](q["query"], conn)))[:5]  # a copy counts once
            cells.append(f"{sum(k in good for k in top)} of 5")
        print(f"| {q['query']} | " + " | ".join(cells) + f" | {min(5, len(good))} |")


def print_rows(rows: list[dict[str, Any]], names: list[str]) -> None:
    """A Markdown table: a ranker a row; nDCG@10 per kind of query, then nDCG@10, MRR and judged@10 over all."""
    kinds = list(dict.fromkeys(r["kind"] for r in rows))
    counts = {k: sum(1 for r in rows if r["kind"] == k) for k in kinds}
    print(
        "| ranker | "
        + " | ".join(f"{k} ({counts[k]})" for k in kinds)
        + f" | nDCG@10 ({len(rows)}) | MRR | judged@10 |"
    )
    print("|---" * (len(kinds) + 4) + "|")
    for n in names:
        by_kind = [mean(r[n][0] for r in rows if r["kind"] == k) for k in kinds]
        shares = [r[n][2] for r in rows if r[n][2] is not None]
        cells = " | ".join(f"{v:.3f}" for v in by_kind)
        overall = f"{mean(r[n][0] for r in rows):.3f} | {mean(r[n][1] for r in rows):.3f} | {mean(shares):.0%}"
        print(f"| `{n}` | {cells} | {overall} |")


if __name__ == "__main__":
    main()

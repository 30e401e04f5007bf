"""Pool candidate paragraphs for the judged queries, show them for judging, and
write the grades into queries.jsonl (see README.md beside this file).

    python bench/judgments/pool.py pool --db PATH --out POOL.jsonl      # candidates for every query
    python bench/judgments/pool.py show POOL.jsonl q01                  # one query's candidates, to read
    python bench/judgments/pool.py build POOL.jsonl GRADES_DIR          # GRADES_DIR/q01.txt ... -> queries.jsonl
    python bench/judgments/pool.py rankers --db PATH --out POOL.jsonl --ranker zxkb --ranker zxkb:length=300
        # the top 10 of zxkb's rankings, signal by signal (bench/rankers.py), to judge with show and build

A grades file holds one digit (0-3) per candidate that `show` numbers, in that
order (whitespace ignored); candidates that `show` marks `= #n` (the same text
up to punctuation and spaces as candidate n) take n's grade.

Only pooling uses rjieba (to cut a typed sentence into words); rank_eval.py
needs nothing beyond the standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.jsonl"

TOP_CURRENT = 20
TAGS = {
    "current": "cur",
    "longest": "long",
    "shortest": "short",
    "most_often": "often",
    "most_words": "words",
    "words_bm25": "wbm25",
    "manual": "man",
}
TOP_EACH = 10
# Phrases a searcher would try for a query whose own words have few or no exact hits (a typed
# sentence, a slogan written without its punctuation, a number written another way): the top
# TOP_MANUAL of the current ranking and the TOP_MANUAL with the most occurrences of each join the pool.
MANUAL: dict[str, list[str]] = {
    "株洲政协怎么开展远程协商": ["远程协商"],
    "如何优化营商环境": ["优化营商环境"],
    "农村土地承包期延长多少年": ["延长30年", "延长三十年", "土地承包期"],
    "怎么解决看病难看病贵": ["看病难", "看病贵"],
    "如何治理大气污染": ["大气污染"],
    "政府怎样减轻企业负担": ["减轻企业负担", "企业负担"],
    "怎样保障国家粮食安全": ["国家粮食安全"],
    "大众创业万众创新": ["大众创业、万众创新"],
    "调整巩固充实提高": ["调整、巩固、充实、提高", "八字方针"],
    "GDP增长7%": ["国内生产总值增长7%", "增长7%左右"],
    # a term whose top exact hits are all one closing formula (请政协委员提出意见): the CPPCC
    # report's own paragraphs about members' work would not be pooled otherwise
    "政协委员": ["政协委员之家", "委员履职", "广大政协委员"],
}
TOP_MANUAL = 5
# words of a typed question that say nothing about its subject
STOPWORDS = frozenset("怎么 怎样 如何 多少 什么 哪些 为什么 是否 吗 呢 的 了 是 和 与 开展 解决 政府".split())


def text_key(text: str) -> str:
    """A paragraph's identity: sha1 of its text with all whitespace removed, first 16 hex."""
    return hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def loose_key(text: str) -> str:
    """The text without punctuation and spaces: two copies of a report that differ only in those
    are graded once."""
    return re.sub(r"[\W_]+", "", fold(text))


def fold(text: str) -> str:
    """Near zxkb's own folding (NFKC, case, whitespace dropped), without its traditional-to-simplified table."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def zxkb_json(zxkb: str, *args: str) -> Any:
    out = subprocess.run([zxkb, *args, "--json"], capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"{zxkb} {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def source_name(path: str) -> str:
    return os.path.basename(path)


def query_terms(query: str) -> list[str]:
    """The spaced terms of a query, folded."""
    return [fold(t) for t in query.split() if fold(t)]


def query_words(query: str, kind: str) -> list[str]:
    """The words a partial match is judged by: the spaced terms of a multi-term query; the
    content words of anything else (rjieba's cut, question words and lone characters dropped,
    except digits and numbers)."""
    terms = query_terms(query)
    if kind == "multi":
        return terms
    import rjieba

    words: list[str] = []
    for term in terms:
        for w in rjieba.cut(term):
            w = fold(w)
            if not w or w in STOPWORDS or w in words:
                continue
            if len(w) == 1 and not re.match(r"[0-9a-z%]", w):
                continue
            words.append(w)
    return words


def occurrences(text: str, terms: list[str]) -> int:
    folded = fold(text)
    return sum(folded.count(t) for t in terms)


def pool_query(
    q: dict[str, Any], zxkb: str, db: str, paragraphs: list[dict[str, Any]], avglen: float
) -> list[dict[str, Any]]:
    query, kind = q["query"], q["kind"]
    terms = query_terms(query)
    current = zxkb_json(zxkb, "search", query, "-n", str(TOP_CURRENT), "--db", db)["hits"]
    every = zxkb_json(zxkb, "search", query, "--limit", "0", "--exact", "--db", db)["hits"]
    picks: list[tuple[str, list[dict[str, Any]]]] = [("current", current)]
    if every:
        by_len = sorted(every, key=lambda h: (-len(h["text"]), h["ref"]))
        picks.append(("longest", by_len[:TOP_EACH]))
        picks.append(("shortest", sorted(every, key=lambda h: (len(h["text"]), h["ref"]))[:TOP_EACH]))
        picks.append(
            ("most_often", sorted(every, key=lambda h: (-occurrences(h["text"], terms), len(h["text"])))[:TOP_EACH])
        )
    for phrase in MANUAL.get(query, []):
        ranked = zxkb_json(zxkb, "search", phrase, "-n", str(TOP_MANUAL), "--db", db)["hits"]
        found = zxkb_json(zxkb, "search", phrase, "--limit", "0", "--exact", "--db", db)["hits"]
        often = sorted(found, key=lambda h: (-occurrences(h["text"], [fold(phrase)]), len(h["text"])))
        picks.append(("manual", ranked + often[:TOP_MANUAL]))
    words = query_words(query, kind) if kind != "term" else []
    if len(words) > 1 or (words and not every):
        folded = [(p, fold(p["text"])) for p in paragraphs]
        scored = []
        for p, f in folded:
            have = [w for w in words if w in f]
            if have:
                occ = sum(f.count(w) for w in have)
                scored.append(((len(have), sum(map(len, have)), occ), p))
        scored.sort(key=lambda s: (-s[0][0], -s[0][1], -s[0][2], s[1]["ref"]))
        picks.append(("most_words", [p for _, p in scored[:TOP_EACH]]))
        # an Okapi BM25 over the words (k1 1.2, b 0.75), so that the pool also holds what a
        # partial-match ranking is likely to put first
        n = len(paragraphs)
        df = Counter(w for _, f in folded for w in words if w in f)
        bm = []
        for p, f in folded:
            s = 0.0
            for w in words:
                tf = f.count(w)
                if tf:
                    idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
                    s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(f) / avglen))
            if s:
                bm.append((s, p))
        bm.sort(key=lambda s: (-s[0], s[1]["ref"]))
        picks.append(("words_bm25", [p for _, p in bm[:TOP_EACH]]))
    cands: dict[str, dict[str, Any]] = {}
    for why, hits in picks:
        for h in hits:
            key = text_key(h["text"])
            c = cands.setdefault(key, {"key": key, "text": h["text"], "why": []})
            if why not in c["why"]:
                c["why"].append(why)
    return list(cands.values())


def cmd_pool(args: argparse.Namespace) -> None:
    docs = {d["id"]: source_name(d["source"]) for d in zxkb_json(args.zxkb, "docs", "--db", args.db)}
    out = subprocess.run([args.zxkb, "export", "--db", args.db], capture_output=True, text=True, check=True)
    paragraphs = [p for p in map(json.loads, out.stdout.splitlines()) if p["kind"] == "body"]
    sources: dict[str, list[str]] = {}
    for p in paragraphs:
        names = sources.setdefault(text_key(p["text"]), [])
        if docs[p["doc"]] not in names:
            names.append(docs[p["doc"]])
    avglen = sum(len(fold(p["text"])) for p in paragraphs) / len(paragraphs)
    queries = read_queries()
    with open(args.out, "w", encoding="utf-8") as f:
        for q in queries:
            if args.only and q["id"] not in args.only:
                continue
            cands = pool_query(q, args.zxkb, args.db, paragraphs, avglen)
            for c in cands:
                c["sources"] = sources.get(c["key"], [])
            record = {
                "id": q["id"],
                "query": q["query"],
                "kind": q["kind"],
                "words": query_words(q["query"], q["kind"]),
            }
            f.write(json.dumps({**record, "candidates": cands}, ensure_ascii=False) + "\n")
            print(q["id"], q["query"], len(cands), file=sys.stderr)


def cmd_rankers(args: argparse.Namespace) -> None:
    """Pool the top 10 of each of zxkb's rankings named (bench/rankers.py specs), in process."""
    sys.path.insert(0, str(HERE.parent))
    import rankers  # type: ignore[import-not-found,unused-ignore]  # bench/rankers.py, beside this folder

    from zxkb.store import connection

    conn = connection.connect(Path(args.db))
    names = dict(conn.execute("SELECT id, source FROM documents").fetchall())
    found = {spec: rankers.make(spec, args.db, text_key) for spec in args.ranker}
    texts = {
        text_key(t): (t, names[d]) for d, t in conn.execute("SELECT doc_id, text FROM paragraphs WHERE kind = 'body'")
    }
    with open(args.out, "w", encoding="utf-8") as f:
        for q in read_queries():
            cands: dict[str, dict[str, Any]] = {}
            for spec, rank in found.items():
                for key in rank(q["query"], conn):
                    text, source = texts[key]
                    c = cands.setdefault(key, {"key": key, "text": text, "why": [], "sources": [source_name(source)]})
                    c["why"].append(spec)
            record = {"id": q["id"], "query": q["query"], "kind": q["kind"], "words": []}
            f.write(json.dumps({**record, "candidates": list(cands.values())}, ensure_ascii=False) + "\n")


def read_pool(path: str) -> dict[str, dict[str, Any]]:
    pools = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pools[record["id"]] = record
    return pools


def plan(cands: list[dict[str, Any]], judged: dict[str, int]) -> list[tuple[str, int | None]]:
    """What each candidate needs: ("judged", grade) when its key already has a grade, ("same", i)
    when its text equals candidate i's up to punctuation and spaces (it takes i's grade), else
    ("own", None): a grade from the grades file, in this order."""
    first: dict[str, int] = {}
    out: list[tuple[str, int | None]] = []
    for i, c in enumerate(cands):
        lk = loose_key(c["text"])
        if c["key"] in judged:
            out.append(("judged", judged[c["key"]]))
        elif lk in first:
            out.append(("same", first[lk]))
        else:
            out.append(("own", None))
        first.setdefault(lk, i)
    return out


def judged_grades(q: dict[str, Any] | None) -> dict[str, int]:
    return {} if q is None else {j["key"]: int(j["grade"]) for j in q.get("judgments", [])}


def read_queries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def view(text: str, keys: list[str], head: int = 90, width: int = 50, whole: int = 280) -> str:
    """The paragraph for reading: whole when short; else its opening and the passages around
    each match (the text is folded only to find the matches)."""
    if len(text) <= whole:
        return text
    spans: list[list[int]] = []
    for k in keys:
        for m in re.finditer(re.escape(k), text):
            spans.append([max(head, m.start() - width), min(len(text), m.end() + width)])
    spans.sort()
    merged: list[list[int]] = []
    for s in spans:
        if merged and s[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(s)
    parts = [text[:head]]
    for a, b in merged[:4]:
        if b > a:
            parts.append(text[a:b])
    more = f" (+{len(merged) - 4} more)" if len(merged) > 4 else ""
    return " … ".join(parts) + f" …[{len(text)} chars{more}]"


def cmd_show(args: argparse.Namespace) -> None:
    record = read_pool(args.pool)[args.id]
    cands = record["candidates"]
    judged = judged_grades(next((q for q in read_queries() if q["id"] == args.id), None)) if args.unjudged else {}
    keys = sorted(set(query_terms(record["query"]) + record["words"]), key=len, reverse=True)
    steps = plan(cands, judged)
    own = [i for i, (what, _) in enumerate(steps) if what == "own"]
    number = {i: n for n, i in enumerate(own, 1)}
    print(f"== {record['id']} {record['query']} ({record['kind']}) words={record['words']} to grade: {len(own)}")
    for i, (c, (what, arg)) in enumerate(zip(cands, steps, strict=True)):
        if what == "judged":
            continue
        if what == "same":
            print(f"   = #{number[arg]}" if arg in number else f"   = a judged paragraph (i{arg})")
            continue
        tag = ",".join(TAGS.get(w, w) for w in c["why"])
        print(f"#{number[i]} [{tag}|{len(c['sources'])}src|i{i}] {view(c['text'], keys)}")


def cmd_build(args: argparse.Namespace) -> None:
    """Write the grades into queries.jsonl. Without --merge a query's judgments are replaced by
    its pool's; with --merge the existing ones are kept and the pool's unjudged candidates added."""
    pools = read_pool(args.pool)
    queries = read_queries()
    for q in queries:
        grades_file = Path(args.grades) / f"{q['id']}.txt"
        if q["id"] not in pools or not grades_file.exists():
            continue
        cands = pools[q["id"]]["candidates"]
        judged = judged_grades(q) if args.merge else {}
        steps = plan(cands, judged)
        digits = iter(int(ch) for ch in grades_file.read_text(encoding="utf-8") if ch.isdigit())
        grade: dict[int, int] = {}
        for i, (what, arg) in enumerate(steps):
            if what == "own":
                g = next(digits, None)
                if g is None:
                    sys.exit(f"{grades_file}: too few grades")
                grade[i] = g
            elif what == "same":
                grade[i] = grade[arg] if arg in grade else judged[cands[arg]["key"]]
        if next(digits, None) is not None:
            sys.exit(f"{grades_file}: more grades than candidates to grade")
        added = [
            {
                "source": c["sources"][0] if c["sources"] else "",
                "key": c["key"],
                "grade": grade[i],
                "excerpt": c["text"][:30],
            }
            for i, c in enumerate(cands)
            if i in grade
        ]
        q["judgments"] = (q["judgments"] if args.merge else []) + added
    with open(QUERIES, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pool")
    p.add_argument("--db", required=True)
    p.add_argument("--zxkb", default="zxkb")
    p.add_argument("--out", required=True)
    p.add_argument("--only", nargs="*")
    s = sub.add_parser("show")
    s.add_argument("pool")
    s.add_argument("id")
    s.add_argument("--unjudged", action="store_true", help="only what queries.jsonl has no grade for yet")
    b = sub.add_parser("build")
    b.add_argument("pool")
    b.add_argument("grades")
    b.add_argument("--merge", action="store_true", help="keep the existing judgments, add the unjudged")
    r = sub.add_parser("rankers")
    r.add_argument("--db", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--ranker", action="append", required=True, help="a bench/rankers.py spec (repeatable)")
    args = ap.parse_args()
    {"pool": cmd_pool, "show": cmd_show, "build": cmd_build, "rankers": cmd_rankers}[args.cmd](args)


if __name__ == "__main__":
    main()

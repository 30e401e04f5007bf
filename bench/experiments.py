"""Measurements behind the proposals in bench/RESULTS.md, on a database that
bench/run.py made. Each experiment times the current code against a prototype of
the change (written here, not in zxkb/) and checks that both give the same answer.

    .venv/bin/python bench/experiments.py --db bench/out/zxkb-100MB.db            # all
    .venv/bin/python bench/experiments.py --db bench/out/zxkb-100MB.db index_text snippets

Not a test; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from zxkb import textnorm
from zxkb.models import Paragraph
from zxkb.search import engine as search
from zxkb.search import rank
from zxkb.search.query import parse_query
from zxkb.store import connection, index, reads

BODY = index.Filters(("body",))  # the default search: body paragraphs of every document

QUERIES = ("政", "发展", "经济建设", "高质量发展", "远程协商")
# Characters whose fold depends on their neighbours (combining marks, Hangul jamo, Indic
# scripts): a text holding one takes the current, per-group path.
COMPOSING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0d7f\u1100-\u11ff"
    "\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f]"
)


def _now_search(
    conn: sqlite3.Connection, match: str, filters: index.Filters, *, limit: int | None
) -> tuple[int, list[tuple[Paragraph, float]]]:
    """The search of the index as zxkb runs it now: the count and the best `limit` (zxkb.search.rank)."""
    total, scored = rank.top(conn, match, filters, rank.DEFAULT, limit=limit)
    paras = reads.paragraphs_by_id(conn, [s.pid for s in scored])
    return total, [(paras[s.pid], s.score) for s in scored]


def _fetchone(conn: sqlite3.Connection, sql: str, args: list[object]) -> object:
    return conn.execute(sql, args).fetchone()


def _fetchall(conn: sqlite3.Connection, sql: str, args: list[object]) -> object:
    return conn.execute(sql, args).fetchall()


def ms(fn: Callable[[], object], runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class _FoldChar(dict):  # type: ignore[type-arg]
    """code point -> fold(that character), filled on first use."""

    def __missing__(self, cp: int) -> str:
        value = textnorm.fold(chr(cp))
        self[cp] = value
        return value


class _TokenChar(dict):  # type: ignore[type-arg]
    """code point -> its index tokens, each followed by a space: fold and tokens in one pass."""

    def __missing__(self, cp: int) -> str:
        value = "".join(textnorm.tokens(ch) + " " for ch in textnorm.fold(chr(cp)))
        self[cp] = value
        return value


_FOLD_CHAR = _FoldChar()
_TOKEN_CHAR = _TokenChar()


def index_text_one_pass(text: str) -> str:
    """Prototype: textnorm.index_text as one str.translate over a per-character table."""
    if COMPOSING.search(text):
        return textnorm.index_text(text)
    return text.translate(_TOKEN_CHAR)[:-1]


def fold_map_fast(text: str) -> tuple[str, list[int], list[int]]:
    """Prototype: textnorm.fold_map from the per-character table; offsets are the identity
    when every character folds to exactly one."""
    if COMPOSING.search(text):
        return _fold_map_current(text)
    folded = text.translate(_FOLD_CHAR)
    if len(folded) == len(text) and all(len(_FOLD_CHAR[ord(c)]) == 1 for c in set(text)):
        return folded, list(range(len(text))), list(range(1, len(text) + 1))
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        n = len(_FOLD_CHAR[ord(ch)])
        starts.extend([i] * n)
        ends.extend([i + 1] * n)
    return folded, starts, ends


_fold_map_current = textnorm.fold_map


def _fts_top20(conn: sqlite3.Connection, match: str) -> list[tuple[int, float]]:
    """The bm25 top 20 from the index alone: no join, no snippets."""
    return conn.execute(
        "SELECT rowid, bm25(paragraphs_fts) s FROM paragraphs_fts WHERE paragraphs_fts MATCH ? ORDER BY s LIMIT 20",
        [match],
    ).fetchall()


def exp_index_text(conn: sqlite3.Connection) -> None:
    texts = [t for (t,) in conn.execute("SELECT text FROM paragraphs")]
    start = time.perf_counter()
    current = [textnorm.index_text(t) for t in texts]
    a = time.perf_counter() - start
    start = time.perf_counter()
    proto = [index_text_one_pass(t) for t in texts]
    b = time.perf_counter() - start
    print(f"index_text over {len(texts)} paragraphs: current {a:.2f} s, one-pass table {b:.2f} s ({a / b:.1f}×);")
    print(f"  identical output: {current == proto}")


def exp_query_shapes(conn: sqlite3.Connection) -> None:
    """What the count and the top-20 cost, and what the join on paragraphs.kind adds."""
    print("ms, warm | FTS-only count | count joined for kind (now) | bm25 top-20 FTS-only | top-20 query (now)")
    for q in QUERIES:
        m = parse_query(q).match_expression()
        fts_count = ms(
            partial(_fetchone, conn, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", [m])
        )
        now_count = ms(partial(_now_search, conn, m, BODY, limit=0))
        top = ms(partial(_fts_top20, conn, m))
        now_top = ms(partial(search.search, conn, q, limit=20))
        print(f"  {q:6s} | {fts_count:6.1f} | {now_count:6.1f} | {top:6.1f} | {now_top:6.1f}")
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM (SELECT rowid AS id, bm25(paragraphs_fts) AS score"
        " FROM paragraphs_fts WHERE paragraphs_fts MATCH ?) m JOIN paragraphs p ON p.id = m.id"
        " JOIN documents d ON d.id = p.doc_id LEFT JOIN sections s ON s.id = p.section_id WHERE p.kind IN (?)",
        ['"x"', "body"],
    ).fetchall()
    print("  plan of the count now: " + "; ".join(row[3] for row in plan))


@contextlib.contextmanager
def _scratch_index(
    conn: sqlite3.Connection, table: str, tokens_of: Callable[[str], str]
) -> Iterator[sqlite3.Connection]:
    """A throwaway copy of the database with an extra FTS5 table `table`
    (columns body, other, as paragraphs_fts) filled with `tokens_of(text)`."""
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        copy = Path(tmp) / "copy.db"
        shutil.copy(path, copy)
        c = sqlite3.connect(copy, isolation_level=None)
        c.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5"
            "(body, other, content='', tokenize='unicode61 remove_diacritics 0')"
        )
        start = time.perf_counter()
        c.execute("BEGIN")
        c.executemany(
            f"INSERT INTO {table}(rowid, body, other) VALUES (?, ?, ?)",
            (
                (pid, tokens if kind == "body" else None, None if kind == "body" else tokens)
                for pid, kind, tokens in (
                    (pid, kind, tokens_of(text))
                    for pid, kind, text in c.execute("SELECT id, kind, text FROM paragraphs")
                )
            ),
        )
        c.execute("COMMIT")
        print(f"{table} built in {time.perf_counter() - start:.1f} s")
        try:
            yield c
        finally:
            c.close()


def exp_column_index(conn: sqlite3.Connection) -> None:
    """A copy of the database with the FTS index split into columns (body, other), so that the
    default search filters on the column instead of joining paragraphs for the kind."""
    with _scratch_index(conn, "col_fts", index_text_one_pass) as c:
        print("ms, warm | count now | count, column filter | fts_search(limit=20) now | the same, column filter")
        top_sql = (
            "SELECT p.id, p.doc_id, d.title, d.date, p.seq, p.kind, s.path, s.title, p.title, p.text, m.score"
            " FROM (SELECT rowid AS id, bm25(col_fts) AS score FROM col_fts WHERE col_fts MATCH ?"
            " ORDER BY score LIMIT 20) m JOIN paragraphs p ON p.id = m.id JOIN documents d ON d.id = p.doc_id"
            " LEFT JOIN sections s ON s.id = p.section_id ORDER BY m.score, p.doc_id, p.seq"
        )
        count_sql = "SELECT count(*) FROM col_fts WHERE col_fts MATCH ?"

        def column_search(col: str) -> tuple[int, list[tuple[object, ...]]]:
            return c.execute(count_sql, [col]).fetchone()[0], c.execute(top_sql, [col]).fetchall()

        for q in QUERIES:
            m = parse_query(q).match_expression()
            col = f"body : ({m})"
            now_count = ms(partial(_now_search, c, m, BODY, limit=0))
            col_count = ms(partial(_fetchone, c, count_sql, [col]))
            now_top = ms(partial(_now_search, c, m, BODY, limit=20))
            col_top = ms(partial(column_search, col))
            total, rows = column_search(col)
            now_total, now_rows = _now_search(c, m, BODY, limit=20)
            same_top = len({(r[1], r[4]) for r in rows} & {(p.doc, p.paragraph) for p, _ in now_rows})
            print(
                f"  {q:6s} | {now_count:6.1f} | {col_count:6.1f} | {now_top:6.1f} | {col_top:6.1f}"
                f" | same total: {total == now_total}, top-20 in common: {same_top}/{len(rows)}"
            )


def exp_snippets(conn: sqlite3.Connection) -> None:
    """search() with every hit (what --limit 0 does): snippets from fold_map now and from a table."""
    for q in ("经济建设", "政"):
        hits = search.search(conn, q, limit=None).hits
        same = all(fold_map_fast(h.para.text) == _fold_map_current(h.para.text) for h in hits)
        textnorm.fold_map = _fold_map_current
        now = ms(partial(search.search, conn, q, limit=None), runs=3)
        textnorm.fold_map = fold_map_fast
        fast = ms(partial(search.search, conn, q, limit=None), runs=3)
        textnorm.fold_map = _fold_map_current
        print(
            f"search({q}, limit=None), {len(hits)} hits: {now:.0f} ms now, {fast:.0f} ms with the table; same: {same}"
        )


def exp_fts_batching(conn: sqlite3.Connection) -> None:
    """FTS5 inserts of every paragraph: a transaction per document (now) against one per 50 documents."""
    rows = [
        (pid, doc, index_text_one_pass(t))
        for pid, doc, t in conn.execute("SELECT id, doc_id, text FROM paragraphs ORDER BY id")
    ]
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    for docs_per_txn in (1, 50, 10**9):
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            c = sqlite3.connect(Path(tmp) / "fts.db", isolation_level=None)
            c.execute("PRAGMA journal_mode = WAL")
            c.execute("PRAGMA synchronous = NORMAL")
            c.execute("CREATE VIRTUAL TABLE f USING fts5(tokens, content='', tokenize='unicode61 remove_diacritics 0')")
            start = time.perf_counter()
            c.execute("BEGIN")
            for n, (_, group) in enumerate(itertools.groupby(rows, key=lambda r: r[1]), 1):
                c.execute("SAVEPOINT file")
                c.executemany("INSERT INTO f(rowid, tokens) VALUES (?, ?)", ((p, tk) for p, _, tk in group))
                c.execute("RELEASE file")
                if n % docs_per_txn == 0:
                    c.execute("COMMIT")
                    c.execute("BEGIN")
            c.execute("COMMIT")
            label = "all in one" if docs_per_txn > 10**6 else str(docs_per_txn)
            print(f"FTS inserts, documents per transaction {label}: {time.perf_counter() - start:.1f} s")
            c.close()


def _bigram_tokens(key: str) -> str:
    """Overlapping pairs of index tokens, then the last token alone (so a 1-character prefix
    query finds a character at the end of a paragraph too)."""
    toks = [textnorm.tokens(ch) for ch in key]
    pairs = [a + b for a, b in itertools.pairwise(toks)]
    return " ".join([*pairs, toks[-1]] if toks else pairs)


def _bigram_match(text: str) -> str:
    toks = [textnorm.tokens(ch) for ch in textnorm.fold(text)]
    if len(toks) == 1:  # NB: an ASCII letter would need its own encoding (`x*` also matches `x201c…`)
        return f"body : {toks[0]}*"
    return 'body : "' + " ".join(a + b for a, b in itertools.pairwise(toks)) + '"'


def exp_bigram_index(conn: sqlite3.Connection) -> None:
    """A copy of the database with an index of overlapping character pairs (body/other columns):
    a query of n >= 2 characters is a phrase of n-1 pair tokens, one character a prefix query."""
    with _scratch_index(conn, "bi_fts", lambda text: _bigram_tokens(textnorm.fold(text))) as c:
        sizes = dict(c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        print(
            f"pair index: {sizes['bi_fts_data'] / 1e6:.1f} MB"
            f" (the character index: {sizes['paragraphs_fts_data'] / 1e6:.1f} MB)"
        )
        print("ms, warm | count now | count, pairs | bm25 top-20 now (FTS only) | bm25 top-20, pairs | same hits")
        for q in (*QUERIES, "政协委员之家"):
            m = parse_query(q).match_expression()
            b = _bigram_match(q)
            now_count = ms(partial(_now_search, c, m, BODY, limit=0))
            bi_count = ms(partial(_fetchone, c, "SELECT count(*) FROM bi_fts WHERE bi_fts MATCH ?", [b]))
            now_top = ms(partial(_fts_top20, c, m))
            bi_top = ms(
                partial(
                    _fetchall,
                    c,
                    "SELECT rowid, bm25(bi_fts) s FROM bi_fts WHERE bi_fts MATCH ? ORDER BY s LIMIT 20",
                    [b],
                )
            )
            same = {r for (r,) in c.execute("SELECT rowid FROM bi_fts WHERE bi_fts MATCH ?", [b])} == {
                r
                for (r,) in c.execute(
                    "SELECT f.rowid FROM paragraphs_fts f JOIN paragraphs p ON p.id = f.rowid"
                    " WHERE paragraphs_fts MATCH ? AND p.kind = 'body'",
                    [m],
                )
            }
            print(f"  {q:6s} | {now_count:6.1f} | {bi_count:6.1f} | {now_top:6.1f} | {bi_top:6.1f} | {same}")


EXPERIMENTS = {
    "query_shapes": exp_query_shapes,
    "index_text": exp_index_text,
    "snippets": exp_snippets,
    "fts_batching": exp_fts_batching,
    "column_index": exp_column_index,
    "bigram_index": exp_bigram_index,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="a database made by bench/run.py")
    ap.add_argument("names", nargs="*", help=f"experiments to run (default: all): {', '.join(EXPERIMENTS)}")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in EXPERIMENTS]
    if unknown:
        ap.error(f"unknown experiment {unknown[0]!r}; choose from {', '.join(EXPERIMENTS)}")
    conn = connection.connect(args.db)
    for name in args.names or EXPERIMENTS:
        print(f"== {name}")
        EXPERIMENTS[name](conn)


if __name__ == "__main__":
    main()

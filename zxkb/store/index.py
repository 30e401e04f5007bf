"""The paragraphs' full-text index (paragraphs_fts): its rows, and the ranked
and counted matches that search runs on it. What a match returns is read from
zxkb.store.reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from zxkb import textnorm
from zxkb.models import INDEXED, Kind, Paragraph
from zxkb.store import reads

Row = tuple[int, str, str, str, str]  # rowid, body, other, copy_body, copy_other
_INSERT = "INSERT INTO paragraphs_fts(rowid, body, other, copy_body, copy_other) VALUES (?, ?, ?, ?, ?)"
_DELETE = (
    "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, body, other, copy_body, copy_other)"
    " VALUES ('delete', ?, ?, ?, ?, ?)"
)


def fts_row(pid: int, kind: str, tokens: str, copy: bool = False) -> Row:
    """The paragraphs_fts row of a paragraph: body paragraphs in the first column,
    headings, front matter and noise in the second; a copy's paragraphs (a
    report stored from a second source, zxkb.store.reports) in the last two."""
    cols = ["", "", "", ""]
    cols[(2 if copy else 0) + (0 if kind == "body" else 1)] = tokens
    return (pid, cols[0], cols[1], cols[2], cols[3])


def add(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str]], *, copy: bool = False) -> None:
    """Index (id, kind, tokens) rows, inside the caller's transaction."""
    conn.executemany(_INSERT, (fts_row(pid, kind, tokens, copy) for pid, kind, tokens in rows))


def _indexed(conn: sqlite3.Connection, doc_id: int) -> list[tuple[int, str, str]]:
    rows = conn.execute(
        f"SELECT id, kind, text FROM paragraphs WHERE doc_id = ? AND kind IN {INDEXED!r}", (doc_id,)
    ).fetchall()
    return [(pid, kind, textnorm.index_text(text)) for pid, kind, text in rows]


def is_copy(conn: sqlite3.Connection, doc_id: int) -> bool:
    row = conn.execute("SELECT copy_of FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return bool(row and row[0] is not None)


def remove_document(conn: sqlite3.Connection, doc_id: int) -> None:
    """Forget a document's paragraphs in the index, inside the caller's transaction.
    A contentless FTS5 index forgets a row only when told the tokens it indexed."""
    copy = is_copy(conn, doc_id)
    conn.executemany(_DELETE, (fts_row(pid, kind, tokens, copy) for pid, kind, tokens in _indexed(conn, doc_id)))


def move_document(conn: sqlite3.Connection, doc_id: int, *, copy: bool) -> None:
    """Move a document's index entries to the copies' columns (copy) or out of
    them, inside the caller's transaction, before documents.copy_of changes."""
    if is_copy(conn, doc_id) == copy:
        return
    rows = _indexed(conn, doc_id)
    conn.executemany(_DELETE, (fts_row(pid, kind, tokens, not copy) for pid, kind, tokens in rows))
    add(conn, rows, copy=copy)


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every paragraph again (the normaliser changed), inside the caller's transaction."""
    conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('delete-all')")
    rows = conn.execute(
        f"SELECT p.id, p.kind, p.text, d.copy_of IS NOT NULL FROM paragraphs p JOIN documents d ON d.id = p.doc_id"
        f" WHERE p.kind IN {INDEXED!r}"
    ).fetchall()
    conn.executemany(_INSERT, (fts_row(pid, kind, textnorm.index_text(text), bool(c)) for pid, kind, text, c in rows))


class Filters(NamedTuple):
    """What a search is limited to: kinds of paragraph, documents, a section,
    and whether copies of a report from other sources count."""

    kinds: tuple[Kind, ...] = ("body",)
    doc_ids: list[int] | None = None  # None: every document
    section: str | None = None  # a path: the section and its subsections
    copies: bool = False  # also the copies' paragraphs

    def columns(self) -> str:
        """The index columns to match: `{body}` for body paragraphs of every report once."""
        kinds = set(self.kinds)
        names = (["body"] if "body" in kinds else []) + (["other"] if kinds - {"body"} else [])
        if self.copies:
            names += [f"copy_{name}" for name in names]
        return "{" + " ".join(names) + "}"

    def sql(self) -> tuple[str, list[object]]:
        """Conditions on p (paragraphs) and s (sections), for the join path."""
        where, args = reads.kind_filter(self.kinds)
        cond, more = reads.doc_filter(self.doc_ids)
        where, args = where + cond, args + more
        if self.section is not None:
            where += " AND (s.path = ? OR s.path LIKE ? || '(%')"
            args += [self.section, self.section]
        return where, args


def fts_search(
    conn: sqlite3.Connection, match: str, filters: Filters, *, limit: int | None, long_phrase: bool = False
) -> tuple[int, list[tuple[Paragraph, float]]]:
    """Paragraphs whose index matches `match`, best bm25 first, and how many in all.

    Body and other paragraphs sit in two columns of the index, so a search of
    every document needs no join: the index counts and ranks on its own, and
    only the rows shown are read from paragraphs (on the corpus, counting 11,264
    hits of 的 took 0.5 ms instead of 5.4 ms through a join).

    With `long_phrase` (a term of 3+ characters), the ranked query counts too
    (a window over its rows), so the phrase is matched once instead of twice:
    at 100 MB 经济建设 31.5 -> 23.6 ms, 政协委员之家 6.7 -> 4.4. For terms of
    1-2 characters a separate count is cheaper (发展: 75 vs 90 ms)."""
    kinds = set(filters.kinds)
    match = f"{filters.columns()}: ({match})"
    fts_only = filters.doc_ids is None and filters.section is None and kinds in ({"body"}, set(INDEXED))
    fetch = -1 if limit is None else limit
    if fts_only and long_phrase and limit != 0:
        ranked = conn.execute(
            "SELECT id, score, count(*) OVER () FROM (SELECT rowid AS id, bm25(paragraphs_fts) AS score"
            " FROM paragraphs_fts WHERE paragraphs_fts MATCH ?) ORDER BY score, id LIMIT ?",
            (match, fetch),
        ).fetchall()
        total = ranked[0][2] if ranked else 0
        return total, _fetch_ranked(conn, [(pid, score) for pid, score, _ in ranked])
    if fts_only:
        total = conn.execute("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", (match,)).fetchone()[0]
        if limit == 0 or not total:
            return total, []
        ranked = conn.execute(
            "SELECT rowid, bm25(paragraphs_fts) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?"
            " ORDER BY rank, rowid LIMIT ?",
            (match, fetch),
        ).fetchall()
        return total, _fetch_ranked(conn, ranked)
    where, args = filters.sql()
    span = _id_span(conn, filters.doc_ids)
    if span is None:
        return 0, []
    base = f"""
        FROM (SELECT rowid AS id, bm25(paragraphs_fts) AS score
              FROM paragraphs_fts WHERE paragraphs_fts MATCH ? AND rowid BETWEEN ? AND ?) m
        JOIN paragraphs p ON p.id = m.id
        {reads.PARA_JOINS}
        WHERE 1 {where}
    """
    total = conn.execute(f"SELECT count(*) {base}", [match, *span, *args]).fetchone()[0]
    if limit == 0 or not total:
        return total, []
    rows = conn.execute(
        f"SELECT {reads.PARA_COLUMNS}, m.score {base} ORDER BY m.score, p.id LIMIT ?", [match, *span, *args, fetch]
    ).fetchall()
    return total, [(reads.paragraph_of(row), -float(row[reads.PARA_WIDTH])) for row in rows]


def _id_span(conn: sqlite3.Connection, doc_ids: list[int] | None) -> tuple[int, int] | None:
    """The paragraph ids of `doc_ids` lie between these two (None: no paragraph).
    A document's paragraphs get consecutive ids (zxkb.store.documents), so for
    --doc the index reads only that document's stretch of each posting list
    instead of every hit: at 100 MB, search 发展 --doc took 0.29 s through the
    join. The join still checks each row's document, so the span only has to
    cover them."""
    if doc_ids is None:
        return (-(2**63), 2**63 - 1)
    cond, args = reads.doc_filter(doc_ids)
    lo, hi = conn.execute(f"SELECT min(p.id), max(p.id) FROM paragraphs p WHERE 1 {cond}", args).fetchone()
    return None if lo is None else (lo, hi)


def _fetch_ranked(conn: sqlite3.Connection, ranked: list[tuple[int, float]]) -> list[tuple[Paragraph, float]]:
    """The paragraphs of (id, bm25) pairs, in that order, with the score made positive."""
    by_id = reads.paragraphs_by_id(conn, [pid for pid, _ in ranked])
    return [(by_id[pid], -float(score)) for pid, score in ranked]

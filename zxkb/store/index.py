"""The paragraphs' full-text index (paragraphs_fts): its rows, and the counted
and ranked matches that search runs on it. What a match returns is read from
zxkb.store.reads.

A row holds a paragraph's folded text, one token per character, in `body`
(body paragraphs) or `other` (headings, front matter, noise), and a body
paragraph's initiative title in `title` when its text contains the title and
says more (zxkb.textnorm.title_tokens, schema migration 7); a copy's paragraphs
(a report stored from a second source, zxkb.store.reports) in `copy_body`,
`copy_other` and `copy_title`. A search of body paragraphs matches
{body title}: the same rows as {body}, since a title's every match is one in
the text too, while bm25 can weigh the title (`weights`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from zxkb import textnorm
from zxkb.models import INDEXED, Kind
from zxkb.store import reads, tiers

Row = tuple[int, str, str, str, str]  # paragraph id, kind, text tokens, title tokens, tier tokens (zxkb.store.tiers)
Weights = tuple[float, float, float]  # bm25 weights of a paragraph's text, of other kinds' text, of its title
_COLUMNS = "rowid, body, other, copy_body, copy_other, title, copy_title"
_INSERT = f"INSERT INTO paragraphs_fts({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
_DELETE = f"INSERT INTO paragraphs_fts(paragraphs_fts, {_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)"


def fts_row(
    pid: int, kind: str, tokens: str, title: str, copy: bool = False
) -> tuple[int, str, str, str, str, str, str]:
    """The paragraphs_fts row of a paragraph: body paragraphs in the first column
    (their titles in the fifth), headings, front matter and noise in the second;
    a copy's paragraphs in the copies' columns."""
    cols = ["", "", "", "", "", ""]
    cols[(2 if copy else 0) + (0 if kind == "body" else 1)] = tokens
    if kind == "body":
        cols[5 if copy else 4] = title
    return (pid, *cols)  # type: ignore[return-value]


def row_of(pid: int, kind: str, text: str, title: str | None) -> Row:
    """A stored paragraph's index row, as ingest made it (zxkb.ingest.prepare)."""
    key = textnorm.fold(text)
    if kind != "body":
        return pid, kind, textnorm.tokens(key), "", ""
    title_tokens = textnorm.title_tokens(key, title)
    tier = tiers.text(key, textnorm.fold(title) if title and title_tokens else "")
    return pid, kind, textnorm.tokens(key), title_tokens, tier


def add(conn: sqlite3.Connection, rows: Iterable[Row], *, copy: bool = False) -> None:
    """Index rows (and their tiers), inside the caller's transaction."""
    rows = list(rows)
    conn.executemany(_INSERT, (fts_row(*row[:4], copy=copy) for row in rows))
    tiers.add(conn, ((row[0], row[4]) for row in rows), copy=copy)


def _indexed(conn: sqlite3.Connection, doc_id: int) -> list[Row]:
    rows = conn.execute(
        f"SELECT id, kind, text, title FROM paragraphs WHERE doc_id = ? AND kind IN {INDEXED!r}", (doc_id,)
    ).fetchall()
    return [row_of(*row) for row in rows]


def is_copy(conn: sqlite3.Connection, doc_id: int) -> bool:
    row = conn.execute("SELECT copy_of FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return bool(row and row[0] is not None)


def remove_document(conn: sqlite3.Connection, doc_id: int) -> None:
    """Forget a document's paragraphs in the index, inside the caller's transaction.
    A contentless FTS5 index forgets a row only when told the tokens it indexed."""
    copy = is_copy(conn, doc_id)
    rows = _indexed(conn, doc_id)
    conn.executemany(_DELETE, (fts_row(*row[:4], copy=copy) for row in rows))
    tiers.remove(conn, ((row[0], row[4]) for row in rows), copy=copy)


def move_document(conn: sqlite3.Connection, doc_id: int, *, copy: bool) -> None:
    """Move a document's index entries to the copies' columns (copy) or out of
    them, inside the caller's transaction, before documents.copy_of changes."""
    if is_copy(conn, doc_id) == copy:
        return
    rows = _indexed(conn, doc_id)
    conn.executemany(_DELETE, (fts_row(*row[:4], copy=not copy) for row in rows))
    tiers.remove(conn, ((row[0], row[4]) for row in rows), copy=not copy)
    add(conn, rows, copy=copy)


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every paragraph again, with its tiers (the normaliser or the index
    changed), inside the caller's transaction."""
    conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('delete-all')")
    tiers.clear(conn)
    rows = conn.execute(
        "SELECT p.id, p.kind, p.text, p.title, d.copy_of IS NOT NULL FROM paragraphs p"
        f" JOIN documents d ON d.id = p.doc_id WHERE p.kind IN {INDEXED!r}"
    ).fetchall()
    for i in range(0, len(rows), 10_000):
        batch = [(row_of(pid, kind, text, title), bool(c)) for pid, kind, text, title, c in rows[i : i + 10_000]]
        conn.executemany(_INSERT, (fts_row(*row[:4], copy=c) for row, c in batch))
        for copy in (False, True):
            tiers.add(conn, ((row[0], row[4]) for row, c in batch if c == copy), copy=copy)


class Filters(NamedTuple):
    """What a search is limited to: kinds of paragraph, documents, a section,
    and whether copies of a report from other sources count."""

    kinds: tuple[Kind, ...] = ("body",)
    doc_ids: list[int] | None = None  # None: every document
    section: str | None = None  # a path: the section and its subsections
    copies: bool = False  # also the copies' paragraphs

    def columns(self, *, titles: bool = True) -> str:
        """The index columns to match: `{body title}` for body paragraphs of every
        report once; without `titles`, the same rows (a title's every match is
        one in its text) read from fewer columns, for counting."""
        kinds = set(self.kinds)
        names = (["body", "title"] if "body" in kinds and titles else ["body"] if "body" in kinds else []) + (
            ["other"] if kinds - {"body"} else []
        )
        if self.copies:
            names += [f"copy_{name}" for name in names]
        return "{" + " ".join(names) + "}"

    def column_match(self, match: str, *, titles: bool = True) -> str:
        """`match` limited to the columns of these kinds."""
        return f"{self.columns(titles=titles)}: ({match})"

    def sql(self) -> tuple[str, list[object]]:
        """Conditions on p (paragraphs) and s (sections), for the join path."""
        where, args = reads.kind_filter(self.kinds)
        cond, more = reads.doc_filter(self.doc_ids)
        where, args = where + cond, args + more
        if self.section is not None:
            where += " AND (s.path = ? OR s.path LIKE ? || '(%')"
            args += [self.section, self.section]
        return where, args

    @property
    def index_only(self) -> bool:
        """Whether the index alone can tell the matches (no join with paragraphs)."""
        return self.doc_ids is None and self.section is None and set(self.kinds) in ({"body"}, set(INDEXED))


def count(conn: sqlite3.Connection, match: str, filters: Filters, *, ways: int = 1) -> int:
    """How many paragraphs match (the title columns left out: the same rows, ~20%
    faster at 100 MB). With `ways` > 1 (a common term, whose count is most of
    its search: 发展 at 1 GB, 170 ms), the paragraphs' ids are cut into that many
    ranges counted at once, each by a connection of its own in a thread of its
    own (SQLite lets go of Python's lock while it works)."""
    expr = filters.column_match(match, titles=False)
    if filters.index_only:
        sibling = getattr(conn, "sibling", None)  # zxkb.store.connection.Connection's (not imported: a cycle)
        uri: object = getattr(conn, "uri", None)
        if ways > 1 and sibling is not None and isinstance(uri, str) and uri:
            return _count_in_ranges(conn, sibling, expr, ways)
        return int(
            conn.execute("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", (expr,)).fetchone()[0]
        )
    span = _id_span(conn, filters.doc_ids)
    if span is None:
        return 0
    where, args = filters.sql()
    return int(conn.execute(f"SELECT count(*) {_joined(where)}", [expr, *span, *args]).fetchone()[0])


# `rowid <= ?`, not `<`: FTS5 stops at an upper bound it is given as LE, and
# reads to the end of every list past one given as LT (SQLite filters then)
_COUNT_RANGE = "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ? AND rowid >= ? AND rowid <= ?"


def _count_in_ranges(conn: sqlite3.Connection, sibling: Callable[[], sqlite3.Connection], expr: str, ways: int) -> int:
    """count() of the index's rows in `ways` ranges of ids at once: the first ones
    in threads, on sibling connections; the last here, on `conn`."""
    import threading  # here: only a common term's count needs it

    # two subqueries: SQLite reads one end of the table for each, where min and max together scan it all
    low, high = conn.execute("SELECT (SELECT min(id) FROM paragraphs), (SELECT max(id) FROM paragraphs)").fetchone()
    if low is None:
        return 0
    ways = min(ways, high + 1 - low)
    step = -(-(high + 1 - low) // ways)
    edges = [min(low + i * step, high + 1) for i in range(ways)] + [high + 1]
    counts = [0] * ways
    failures: list[BaseException] = []

    def run(i: int, other: sqlite3.Connection) -> None:
        try:
            counts[i] = other.execute(_COUNT_RANGE, (expr, edges[i], edges[i + 1] - 1)).fetchone()[0]
        except BaseException as exc:  # raised again in the caller's thread
            failures.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=run, args=(i, sibling())) for i in range(ways - 1)]
    for thread in threads:
        thread.start()
    try:
        counts[-1] = conn.execute(_COUNT_RANGE, (expr, edges[-2], edges[-1] - 1)).fetchone()[0]
    finally:
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    return sum(counts)


def ranked(
    conn: sqlite3.Connection,
    match: str,
    filters: Filters,
    weights: Weights,
    *,
    limit: int | None,
    offset: int = 0,
    with_total: bool = False,
) -> tuple[int | None, list[tuple[int, float]]]:
    """(paragraph id, bm25 score made positive) of the matches, best first, ties
    by id, `limit` of them (None: all) after `offset`; with `with_total`, how many
    match in all, counted in the same pass (a window over the ranked rows), else None.

    With a term of 3+ characters, counting in the ranked query matches the phrase
    once instead of twice: at 100 MB 经济建设 31.5 -> 23.6 ms, 政协委员之家 6.7 -> 4.4.
    For terms of 1-2 characters a separate count() is cheaper (发展: 75 vs 90 ms):
    the caller decides."""
    expr = filters.column_match(match)
    score = "bm25(paragraphs_fts, ?, ?, ?, ?, ?, ?)"  # body, other, copy_body, copy_other, title, copy_title
    fetch = -1 if limit is None else limit
    window = ", count(*) OVER ()" if with_total else ""
    if filters.index_only:
        rows = conn.execute(
            f"SELECT id, score{window} FROM (SELECT rowid AS id, {score} AS score"
            " FROM paragraphs_fts WHERE paragraphs_fts MATCH ?) ORDER BY score, id LIMIT ? OFFSET ?",
            (*_six(weights), expr, fetch, offset),
        ).fetchall()
    else:
        span = _id_span(conn, filters.doc_ids)
        if span is None:
            return (0 if with_total else None), []
        where, args = filters.sql()
        rows = conn.execute(
            f"SELECT m.id, m.score{window} {_joined(where, score)} ORDER BY m.score, m.id LIMIT ? OFFSET ?",
            [*_six(weights), expr, *span, *args, fetch, offset],
        ).fetchall()
    total = (rows[0][2] if rows else 0) if with_total else None
    return total, [(pid, -float(s)) for pid, s, *_ in rows]


def texts(conn: sqlite3.Connection, match: str, filters: Filters) -> list[tuple[int, str]]:
    """(document id, text) of every match, in id order."""
    span = _id_span(conn, filters.doc_ids)
    if span is None:
        return []
    where, args = filters.sql()
    return conn.execute(
        f"SELECT p.doc_id, p.text {_joined(where)} ORDER BY p.id", [filters.column_match(match), *span, *args]
    ).fetchall()


def _six(weights: Weights) -> tuple[float, ...]:
    """bm25's weights for the six columns: a copy's as its canonical's."""
    text, other, title = weights
    return (text, other, text, other, title, title)


def _joined(where: str, score: str = "0") -> str:
    """FROM ... WHERE for matches that need the paragraphs' kinds, documents or sections."""
    return f"""
        FROM (SELECT rowid AS id, {score} AS score
              FROM paragraphs_fts WHERE paragraphs_fts MATCH ? AND rowid BETWEEN ? AND ?) m
        JOIN paragraphs p ON p.id = m.id
        {reads.PARA_JOINS}
        WHERE 1 {where}
    """


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


# --- what bm25 knows of each row: FTS5's own counts ------------------------------------
# FTS5 keeps, in its shadow tables, the number of tokens of each column of each
# row (paragraphs_fts_docsize, one varint a column) and the totals over all rows
# (paragraphs_fts_data, record 1: the row count, then one total a column); its
# bm25 reads the same. Ranking reads them for the rows it re-scores, by rowid:
# no copy of the lengths is stored.


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 writes them: 7 bits a byte,
    high bit set on all but the last (the ninth byte's 8 bits, for values of
    2**56 and more, never occur in token counts)."""
    out: list[int] = []
    value = 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            out.append(value)
            value = 0
    return out


def token_counts(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, int]:
    """The tokens in each row (all columns), as bm25 counts a row's length."""
    out: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        for pid, blob in conn.execute(f"SELECT id, sz FROM paragraphs_fts_docsize WHERE id IN ({marks})", chunk):
            out[pid] = sum(_varints(blob))
    return out


def _totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(rows, tokens) of the whole index."""
    row = conn.execute("SELECT block FROM paragraphs_fts_data WHERE id = 1").fetchone()
    numbers = _varints(row[0]) if row and row[0] else []
    return (numbers[0], sum(numbers[1:])) if numbers else (0, 0)


def mean_tokens(conn: sqlite3.Connection) -> float:
    """The mean tokens of a row, as bm25 takes it (1.0 for an empty index)."""
    rows, tokens = _totals(conn)
    return tokens / rows if rows else 1.0


def rows(conn: sqlite3.Connection) -> int:
    """The rows of the index: the indexed paragraphs."""
    return _totals(conn)[0]


def total_tokens(conn: sqlite3.Connection) -> int:
    """The tokens of every row: about the characters of every indexed paragraph."""
    return _totals(conn)[1]

"""The database: opening, transactions, writing documents, and every query.
All SQL outside the DDL lives here."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from zxkb import textnorm
from zxkb.errors import DatabaseMissing, DatabaseUnreadable, NotFound
from zxkb.models import (
    INDEXED,
    DocInfo,
    Initiative,
    Kind,
    Outline,
    OutlineSection,
    Paragraph,
)
from zxkb.store import schema

if TYPE_CHECKING:
    from zxkb.ingest.prepare import PreparedDocument
    from zxkb.store import terms as termstore

BUSY_TIMEOUT_MS = 10_000
# 16 KiB pages: paragraphs (~650 bytes of text each) fill them better than 4 KiB
# ones (at 100 MB of reports the paragraphs table had 16 MB of free space in
# 4 KiB pages; 10% smaller, ingest 4% faster at 10 MB).
PAGE_SIZE = 16_384
CACHE_KIB = 65_536  # pages kept in memory, allocated as used: ingest is ~2x faster than with the 2 MB default


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the database at `path`, migrating it to this zxkb's schema.
    Read commands pass create=False and get DatabaseMissing instead of a new file."""
    if not path.exists():
        if not create:
            raise DatabaseMissing(
                f"no database at {path}",
                "ingest some reports first: zxkb ingest db/ (or pass --db PATH / set ZXKB_DB)",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.is_dir():
        raise DatabaseUnreadable(f"{path} is a folder, not a database file", "pass --db PATH/zxkb.db")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"cannot open {path}: {exc}", "check the path and its permissions") from exc
    try:
        _prepare(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseUnreadable(
            f"cannot read {path} as a database: {exc}",
            "pass --db with the path of a zxkb database",
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    schema.check_version(version)
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise DatabaseUnreadable(
            f"{path} is an SQLite database, but not a zxkb one",
            "pass --db with a new file name, or the path of a zxkb database",
        )
    if version == 0:  # a new file: only now can the page size change
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if version < schema.SCHEMA_VERSION:
        schema.migrate(conn)
    _check_normaliser(conn)


def _check_normaliser(conn: sqlite3.Connection) -> None:
    """Rebuild the FTS index when the normaliser changed since it was built."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'norm_version'").fetchone()
    if row is not None and int(row[0]) == textnorm.VERSION:
        return
    with transaction(conn):
        conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('delete-all')")
        rows = conn.execute(f"SELECT id, kind, text FROM paragraphs WHERE kind IN {INDEXED!r}").fetchall()
        conn.executemany(
            "INSERT INTO paragraphs_fts(rowid, body, other) VALUES (?, ?, ?)",
            (_fts_row(pid, kind, textnorm.index_text(text)) for pid, kind, text in rows),
        )
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('norm_version', ?)",
            (str(textnorm.VERSION),),
        )


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included).
    Inside a transaction already open (ingest groups documents: group_commit),
    the block joins it: an exception then rolls back the whole group. Not a
    savepoint: FTS5 flushes its pending index entries at every savepoint, which
    is the cost grouping saves."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.joined = False

    def __enter__(self) -> sqlite3.Connection:
        self.joined = self.conn.in_transaction
        if not self.joined:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.joined:
            return  # the group commits or rolls back
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


class group_commit:
    """Many transactions as one, committed every `seconds` (call tick() between
    documents) and at the end. Each commit flushes the index's pending entries
    into a new segment that later merges rewrite: committing 10 reports at a time
    instead of one took FTS5 0.73 s instead of 1.09 s for 20 MB of reports.
    A crash loses at most the last `seconds` of work, in whole documents; an
    exception rolls back that much and ends the ingest."""

    def __init__(self, conn: sqlite3.Connection, seconds: float = 1.0) -> None:
        self.conn = conn
        self.seconds = seconds
        self.started = 0.0

    def __enter__(self) -> group_commit:
        self._begin()
        return self

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.started = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.started >= self.seconds:
            self.conn.execute("COMMIT")
            self._begin()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


# --- writing -----------------------------------------------------------------


def find_by_hash(conn: sqlite3.Connection, content_hash: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
    return row[0] if row else None


def content_hashes(conn: sqlite3.Connection) -> frozenset[str]:
    """The content hash of every stored document."""
    return frozenset(h for (h,) in conn.execute("SELECT content_hash FROM documents"))


def find_by_source(conn: sqlite3.Connection, source: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE source = ? ORDER BY id DESC", (source,)).fetchone()
    return row[0] if row else None


def remove_document(conn: sqlite3.Connection, doc_id: int) -> bool:
    """Remove a document with its sections, paragraphs and index entries, in one transaction."""
    with transaction(conn):
        return _delete_document(conn, doc_id)


def _fts_row(pid: int, kind: str, tokens: str) -> tuple[int, str, str]:
    """(rowid, body, other) for paragraphs_fts: body paragraphs in the first column."""
    return (pid, tokens, "") if kind == "body" else (pid, "", tokens)


def _delete_document(conn: sqlite3.Connection, doc_id: int) -> bool:
    from zxkb.store import terms as termstore

    termstore.remove_document_terms(conn, doc_id)
    # A contentless FTS5 index forgets a row only when told the tokens it indexed.
    conn.executemany(
        "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, body, other) VALUES ('delete', ?, ?, ?)",
        (
            _fts_row(pid, kind, textnorm.index_text(text))
            for pid, kind, text in conn.execute(
                f"SELECT id, kind, text FROM paragraphs WHERE doc_id = ? AND kind IN {INDEXED!r}", (doc_id,)
            ).fetchall()
        ),
    )
    conn.execute("DELETE FROM paragraphs WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM sections WHERE doc_id = ?", (doc_id,))
    return conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount > 0


def add_document(
    conn: sqlite3.Connection,
    prepared: PreparedDocument,
    source: str,
    content_hash: str,
    *,
    replaces: int | None = None,
    vocabulary: termstore.VocabularyBatch | None = None,
) -> int:
    """Store a prepared document, its sections, paragraphs and index entries in
    one transaction; with `replaces`, that document goes in the same transaction.
    Its terms go to the vocabulary after the commit: into `vocabulary` (written
    with the batch), or, without one, at once in a transaction of their own."""
    from datetime import datetime, timezone  # here: only ingest needs it (~1 ms of every start-up)

    from zxkb.store import terms as termstore

    doc = prepared.doc
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with transaction(conn):
        if replaces is not None:
            _delete_document(conn, replaces)
        cur = conn.execute(
            "INSERT INTO documents(title, subtitle, author, date, year, region, source, content_hash, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.title, doc.subtitle, doc.author, doc.date, doc.year, doc.region, source, content_hash, now),
        )
        doc_id = int(cur.lastrowid or 0)
        section_ids: dict[str, int] = {}
        for ordinal, sec in enumerate(doc.sections, 1):
            cur = conn.execute(
                "INSERT INTO sections(doc_id, parent_id, ordinal, level, number, path, title, heading_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    section_ids.get(sec.parent) if sec.parent else None,
                    ordinal,
                    sec.level,
                    sec.number,
                    sec.path,
                    sec.title,
                    sec.heading_index + 1,
                ),
            )
            section_ids[sec.path] = int(cur.lastrowid or 0)
        # ids given here, not by SQLite, so that paragraphs and their index
        # entries go in with one executemany each (the transaction holds the
        # write lock: nobody else can take these ids meanwhile)
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM paragraphs").fetchone()[0]
        conn.executemany(
            "INSERT INTO paragraphs(id, doc_id, seq, section_id, kind, role, title, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    first + i,
                    doc_id,
                    i + 1,
                    section_ids.get(block.section) if block.section else None,
                    block.kind,
                    block.role,
                    block.title,
                    block.text,
                )
                for i, block in enumerate(doc.blocks)
            ),
        )
        conn.executemany(
            "INSERT INTO paragraphs_fts(rowid, body, other) VALUES (?, ?, ?)",
            (
                _fts_row(first + i, block.kind, tokens)
                for i, (block, tokens) in enumerate(zip(doc.blocks, prepared.tokens, strict=True))
                if tokens is not None
            ),
        )
    batch = vocabulary if vocabulary is not None else termstore.VocabularyBatch(conn)
    batch.add(doc_id, prepared.terms)
    if vocabulary is None:
        batch.flush()
    return doc_id


# --- reading -------------------------------------------------------------------

_PARA_COLUMNS = """
    p.doc_id, d.title, d.date, p.seq, p.kind, s.path, s.title, p.title, p.text
"""
_PARA_JOINS = """
    JOIN documents d ON d.id = p.doc_id
    LEFT JOIN sections s ON s.id = p.section_id
"""


def _paragraph(row: Sequence[object]) -> Paragraph:
    return Paragraph(*row[:9])  # type: ignore[arg-type]


def documents(conn: sqlite3.Connection) -> list[DocInfo]:
    rows = conn.execute(
        """
        SELECT d.id, d.title, d.subtitle, d.author, d.date, d.source,
               (SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.id AND p.kind = 'body'),
               (SELECT count(*) FROM sections s WHERE s.doc_id = d.id),
               d.year, d.region
        FROM documents d ORDER BY d.id
        """
    ).fetchall()
    return [DocInfo(*row) for row in rows]


def resolve_docs(conn: sqlite3.Connection, spec: str | None) -> list[int] | None:
    """Document ids named by `spec`: an id, or a substring of the title (folded).
    None means every document."""
    if spec is None:
        return None
    spec = spec.strip()
    if spec.isdigit() and conn.execute("SELECT 1 FROM documents WHERE id = ?", (int(spec),)).fetchone():
        return [int(spec)]
    key = textnorm.fold(spec)
    ids = [
        doc_id
        for doc_id, title, source in conn.execute("SELECT id, title, source FROM documents ORDER BY id")
        if key and (key in textnorm.fold(title) or key in textnorm.fold(Path(source).name))
    ]
    if not ids:
        raise NotFound(
            f"no document matches {spec!r}",
            "zxkb docs lists the documents with their ids",
        )
    return ids


def doc_filter(doc_ids: list[int] | None) -> tuple[str, list[object]]:
    if doc_ids is None:
        return "", []
    return f" AND p.doc_id IN ({','.join('?' * len(doc_ids))})", list(doc_ids)


def kind_filter(kinds: Sequence[Kind]) -> tuple[str, list[object]]:
    return f" AND p.kind IN ({','.join('?' * len(kinds))})", list(kinds)


def require_section(conn: sqlite3.Connection, path: str, doc_ids: list[int] | None) -> None:
    cond, args = doc_filter(doc_ids)
    row = conn.execute(
        f"SELECT 1 FROM sections s JOIN paragraphs p ON p.doc_id = s.doc_id AND p.seq = s.heading_seq"
        f" WHERE s.path = ?{cond} LIMIT 1",
        [path, *args],
    ).fetchone()
    if row is None:
        raise NotFound(f"no section {path}", "zxkb list shows the sections and their paths")


class Filters(NamedTuple):
    """What a search is limited to: kinds of paragraph, documents, a section."""

    kinds: tuple[Kind, ...] = ("body",)
    doc_ids: list[int] | None = None  # None: every document
    section: str | None = None  # a path: the section and its subsections

    def sql(self) -> tuple[str, list[object]]:
        """Conditions on p (paragraphs) and s (sections), for the join path."""
        where, args = kind_filter(self.kinds)
        cond, more = doc_filter(self.doc_ids)
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
    if kinds == {"body"}:
        match = f"{{body}}: ({match})"
    elif "body" not in kinds:
        match = f"{{other}}: ({match})"
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
        {_PARA_JOINS}
        WHERE 1 {where}
    """
    total = conn.execute(f"SELECT count(*) {base}", [match, *span, *args]).fetchone()[0]
    if limit == 0 or not total:
        return total, []
    rows = conn.execute(
        f"SELECT {_PARA_COLUMNS}, m.score {base} ORDER BY m.score, p.id LIMIT ?", [match, *span, *args, fetch]
    ).fetchall()
    return total, [(_paragraph(row), -float(row[9])) for row in rows]


def _id_span(conn: sqlite3.Connection, doc_ids: list[int] | None) -> tuple[int, int] | None:
    """The paragraph ids of `doc_ids` lie between these two (None: no paragraph).
    A document's paragraphs get consecutive ids (add_document), so for --doc the
    index reads only that document's stretch of each posting list instead of
    every hit: at 100 MB, search 发展 --doc took 0.29 s through the join. The
    join still checks each row's document, so the span only has to cover them."""
    if doc_ids is None:
        return (-(2**63), 2**63 - 1)
    cond, args = doc_filter(doc_ids)
    lo, hi = conn.execute(f"SELECT min(p.id), max(p.id) FROM paragraphs p WHERE 1 {cond}", args).fetchone()
    return None if lo is None else (lo, hi)


def _fetch_ranked(conn: sqlite3.Connection, ranked: list[tuple[int, float]]) -> list[tuple[Paragraph, float]]:
    """The paragraphs of (id, bm25) pairs, in that order, with the score made positive."""
    by_id: dict[int, Sequence[object]] = {}
    for i in range(0, len(ranked), 500):  # SQLite before 3.32 takes at most 999 parameters
        chunk = [pid for pid, _ in ranked[i : i + 500]]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT {_PARA_COLUMNS}, p.id FROM paragraphs p {_PARA_JOINS} WHERE p.id IN ({marks})"
        by_id.update((row[-1], row) for row in conn.execute(query, chunk))
    return [(_paragraph(by_id[pid]), -float(score)) for pid, score in ranked]


def paragraph(conn: sqlite3.Connection, doc_id: int, seq: int) -> Paragraph | None:
    row = conn.execute(
        f"SELECT {_PARA_COLUMNS} FROM paragraphs p {_PARA_JOINS} WHERE p.doc_id = ? AND p.seq = ?",
        (doc_id, seq),
    ).fetchone()
    return _paragraph(row) if row else None


def paragraphs_between(conn: sqlite3.Connection, doc_id: int, first: int, last: int) -> list[Paragraph]:
    rows = conn.execute(
        f"SELECT {_PARA_COLUMNS} FROM paragraphs p {_PARA_JOINS}"
        " WHERE p.doc_id = ? AND p.seq BETWEEN ? AND ? ORDER BY p.seq",
        (doc_id, first, last),
    ).fetchall()
    return [_paragraph(row) for row in rows]


def iter_paragraphs(conn: sqlite3.Connection, doc_ids: list[int] | None, kinds: Sequence[Kind]) -> Iterator[Paragraph]:
    cond, args = doc_filter(doc_ids)
    kcond, kargs = kind_filter(kinds)
    cur = conn.execute(
        f"SELECT {_PARA_COLUMNS} FROM paragraphs p {_PARA_JOINS} WHERE 1 {cond}{kcond} ORDER BY p.doc_id, p.seq",
        [*args, *kargs],
    )
    for row in cur:
        yield _paragraph(row)


def outline(conn: sqlite3.Connection, doc_ids: list[int] | None, path: str | None) -> list[Outline]:
    """Sections with their subsections and initiatives, per document."""
    cond, args = doc_filter(doc_ids)
    docs = conn.execute(
        f"SELECT d.id, d.title, d.date FROM documents d WHERE d.id IN"
        f" (SELECT p.doc_id FROM paragraphs p WHERE 1 {cond}) ORDER BY d.id",
        args,
    ).fetchall()
    result = []
    for doc_id, title, date in docs:
        secs = conn.execute(
            "SELECT id, parent_id, number, path, title, heading_seq FROM sections WHERE doc_id = ? ORDER BY ordinal",
            (doc_id,),
        ).fetchall()
        initiatives: dict[int, list[Initiative]] = {}
        for section_id, seq, ptitle in conn.execute(
            "SELECT p.section_id, p.seq, p.title FROM paragraphs p JOIN sections s ON s.id = p.section_id"
            " WHERE p.doc_id = ? AND p.kind = 'body' AND p.seq != s.heading_seq ORDER BY p.seq",
            (doc_id,),
        ):
            initiatives.setdefault(section_id, []).append(Initiative(f"{doc_id}:{seq}", ptitle))

        tree = _tree(doc_id, secs, initiatives, None)
        if path is not None:
            tree = tuple(s for s in _walk(tree) if s.path == path)
            if not tree:
                continue
        result.append(Outline(doc_id, title, date, tree))
    return result


def _tree(
    doc_id: int,
    secs: list[tuple[int, int | None, str, str, str, int]],
    initiatives: dict[int, list[Initiative]],
    parent: int | None,
) -> tuple[OutlineSection, ...]:
    return tuple(
        OutlineSection(
            path=path,
            number=number,
            title=title,
            ref=f"{doc_id}:{heading_seq}",
            initiatives=tuple(initiatives.get(sid, ())),
            children=_tree(doc_id, secs, initiatives, sid),
        )
        for sid, pid, number, path, title, heading_seq in secs
        if pid == parent
    )


def _walk(sections: tuple[OutlineSection, ...]) -> Iterator[OutlineSection]:
    for sec in sections:
        yield sec
        yield from _walk(sec.children)

"""The database: opening, transactions, writing documents, and every query.
All SQL outside the DDL lives here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from zxkb import schema, textnorm, vocab
from zxkb.errors import DatabaseMissing, DatabaseUnreadable, NotFound
from zxkb.models import (
    INDEXED,
    DocInfo,
    Initiative,
    Kind,
    Outline,
    OutlineSection,
    Paragraph,
    ParsedDocument,
)

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536  # pages kept in memory, allocated as used: ingest is ~2x faster than with the 2 MB default
VOCAB_KINDS = ("body", "heading")  # the paragraphs whose words make the vocabulary


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
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if version < schema.SCHEMA_VERSION:
        schema.migrate(conn)
    _check_normaliser(conn)
    _check_vocabulary(conn)


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
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


# --- writing -----------------------------------------------------------------


def find_by_hash(conn: sqlite3.Connection, content_hash: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
    return row[0] if row else None


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
    doc: ParsedDocument,
    source: str,
    content_hash: str,
    *,
    replaces: int | None = None,
    vocabulary: VocabularyBatch | None = None,
) -> int:
    """Store a parsed document, its sections, paragraphs and index entries in one
    transaction; with `replaces`, that document goes in the same transaction.
    Its terms go to the vocabulary after the commit: into `vocabulary` (written
    with the batch), or, without one, at once in a transaction of their own."""
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
        vocab_texts: list[str] = []
        for seq, block in enumerate(doc.blocks, 1):
            cur = conn.execute(
                "INSERT INTO paragraphs(doc_id, seq, section_id, kind, role, title, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    seq,
                    section_ids.get(block.section) if block.section else None,
                    block.kind,
                    block.role,
                    block.title,
                    block.text,
                ),
            )
            if block.kind in INDEXED:
                key = textnorm.fold(block.text)
                if block.kind in VOCAB_KINDS:
                    vocab_texts.append(key)
                conn.execute(
                    "INSERT INTO paragraphs_fts(rowid, body, other) VALUES (?, ?, ?)",
                    _fts_row(int(cur.lastrowid or 0), block.kind, textnorm.tokens(key)),
                )
    titles = [sec.title for sec in doc.sections]
    titles += [b.title for b in doc.blocks if b.kind == "body" and b.title]
    batch = vocabulary if vocabulary is not None else VocabularyBatch(conn)
    batch.add(doc_id, vocab_texts, [textnorm.fold(t) for t in titles])
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


@dataclass(frozen=True)
class Filters:
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
    conn: sqlite3.Connection, match: str, filters: Filters, *, limit: int | None
) -> tuple[int, list[tuple[Paragraph, float]]]:
    """Paragraphs whose index matches `match`, best bm25 first, and how many in all.

    Body and other paragraphs sit in two columns of the index, so a search of
    every document needs no join: the index counts and ranks on its own, and
    only the rows shown are read from paragraphs (on the corpus, counting 11,264
    hits of 的 took 0.5 ms instead of 5.4 ms through a join)."""
    kinds = set(filters.kinds)
    if kinds == {"body"}:
        match = f"{{body}}: ({match})"
    elif "body" not in kinds:
        match = f"{{other}}: ({match})"
    fts_only = filters.doc_ids is None and filters.section is None and kinds in ({"body"}, set(INDEXED))
    fetch = -1 if limit is None else limit
    if fts_only:
        total = conn.execute("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", (match,)).fetchone()[0]
        if limit == 0 or not total:
            return total, []
        ranked = conn.execute(
            "SELECT rowid, bm25(paragraphs_fts) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?"
            " ORDER BY rank, rowid LIMIT ?",
            (match, fetch),
        ).fetchall()
        by_id = {
            row[-1]: row
            for row in conn.execute(
                f"SELECT {_PARA_COLUMNS}, p.id FROM paragraphs p {_PARA_JOINS}"
                f" WHERE p.id IN ({','.join('?' * len(ranked))})",
                [pid for pid, _ in ranked],
            )
        }
        return total, [(_paragraph(by_id[pid]), -float(score)) for pid, score in ranked]
    where, args = filters.sql()
    base = f"""
        FROM (SELECT rowid AS id, bm25(paragraphs_fts) AS score
              FROM paragraphs_fts WHERE paragraphs_fts MATCH ?) m
        JOIN paragraphs p ON p.id = m.id
        {_PARA_JOINS}
        WHERE 1 {where}
    """
    total = conn.execute(f"SELECT count(*) {base}", [match, *args]).fetchone()[0]
    if limit == 0 or not total:
        return total, []
    rows = conn.execute(
        f"SELECT {_PARA_COLUMNS}, m.score {base} ORDER BY m.score, p.id LIMIT ?", [match, *args, fetch]
    ).fetchall()
    return total, [(_paragraph(row), -float(row[9])) for row in rows]


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


# --- vocabulary (issue 4): terms, their documents and pinyin ----------------------
#
# Writing needs rjieba and pypinyin (zxkb.vocab imports them on first use);
# reading needs neither: pinyin is stored with each term.


def _vocab_stamp() -> str:
    return f"{vocab.VERSION}.{textnorm.VERSION}"


def _check_vocabulary(conn: sqlite3.Connection) -> None:
    """Build the vocabulary when it is missing or was made by another vocab or
    normaliser version (a database from before issue 4, say)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_version'").fetchone()
    if row is not None and row[0] == _vocab_stamp():
        return
    rebuild_vocabulary(conn)


def rebuild_vocabulary(conn: sqlite3.Connection) -> None:
    """Empty the vocabulary (one transaction), then extract every document's
    terms again (update_vocabulary). Interrupted, it resumes where it stopped."""
    with transaction(conn):
        conn.execute("DELETE FROM terms_fts")
        conn.execute("DELETE FROM terms")
        conn.execute("DELETE FROM term_docs")
        conn.execute("DELETE FROM char_pinyin")
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_version', ?)", (_vocab_stamp(),))
        _set_vocab_upto(conn, 0)
    update_vocabulary(conn)


VOCAB_BATCH_ROWS = 100_000  # (term, document) pairs written in one transaction: ~40 reports, ~15 MB


class VocabularyBatch:
    """Documents' terms, extracted as each document is stored and written to the
    vocabulary together, about VOCAB_BATCH_ROWS (term, document) pairs at a time:
    one transaction per batch instead of one per document, so that each page of
    the vocabulary's tables is written once per batch. Call flush() at the end.

    A document is stored before its terms: until the batch is written (or if the
    process dies first) the vocabulary is behind, and update_vocabulary, which
    every flush, the next ingest and the next fuzzy query run, catches up."""

    def __init__(self, conn: sqlite3.Connection, max_rows: int | None = None) -> None:
        self.conn = conn
        self.max_rows = max_rows or VOCAB_BATCH_ROWS
        self.pending: dict[int, vocab.DocumentTerms] = {}
        self.rows = 0

    def add(self, doc_id: int, texts: list[str], titles: list[str]) -> None:
        """A stored document's terms, from its folded paragraph texts and titles."""
        terms = vocab.extract(texts, titles, vocab.segmenter())
        self.pending[doc_id] = terms
        self.rows += len(terms)
        if self.rows >= self.max_rows:
            self.flush()

    def flush(self) -> None:
        """Write the pending terms, and those of any other document not yet in."""
        update_vocabulary(self.conn, self.pending, max_rows=self.max_rows)
        self.pending = {}
        self.rows = 0


def _vocab_upto(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vocab_upto'").fetchone()
    return int(row[0]) if row else 0


def _set_vocab_upto(conn: sqlite3.Connection, doc_id: int) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_upto', ?)", (str(doc_id),))


def vocabulary_behind(conn: sqlite3.Connection) -> bool:
    """Whether a stored document's terms are not in the vocabulary yet."""
    last = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
    return last is not None and last > _vocab_upto(conn)


def update_vocabulary(
    conn: sqlite3.Connection,
    extracted: Mapping[int, vocab.DocumentTerms] | None = None,
    *,
    max_rows: int | None = None,
) -> int:
    """Add the terms of every document stored after meta 'vocab_upto' (document
    ids only grow), about `max_rows` (term, document) pairs per transaction.
    `extracted` holds documents' terms already extracted; the others are read
    back from their paragraphs, outside the write transaction. Safe against a
    concurrent ingest or update: each transaction reads 'vocab_upto' again.
    Returns how many documents were added."""
    known = dict(extracted or {})
    max_rows = max_rows or VOCAB_BATCH_ROWS
    added = 0
    while True:
        pending = conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id", (_vocab_upto(conn),)).fetchall()
        if not pending:
            return added
        chunk: list[int] = []
        rows = 0
        for (doc_id,) in pending:
            if doc_id not in known:
                known[doc_id] = _stored_terms(conn, doc_id)
            chunk.append(doc_id)
            rows += len(known[doc_id])
            if rows >= max_rows:
                break
        with transaction(conn):
            upto = _vocab_upto(conn)
            present = {
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT id FROM documents WHERE id > ? AND id <= ?", (upto, chunk[-1])
                ).fetchall()
            }
            batch = {doc_id: known[doc_id] for doc_id in chunk if doc_id in present}
            _write_terms(conn, batch)
            _set_vocab_upto(conn, max(upto, chunk[-1]))
        added += len(batch)
        for doc_id in chunk:
            del known[doc_id]


def _stored_terms(conn: sqlite3.Connection, doc_id: int) -> vocab.DocumentTerms:
    """The terms of a stored document, from its paragraphs and titles."""
    texts = [
        textnorm.fold(text)
        for (text,) in conn.execute(
            f"SELECT text FROM paragraphs WHERE doc_id = ? AND kind IN ({','.join('?' * len(VOCAB_KINDS))})"
            " ORDER BY seq",
            (doc_id, *VOCAB_KINDS),
        )
    ]
    titles = [
        textnorm.fold(title)
        for (title,) in conn.execute(
            "SELECT title FROM sections WHERE doc_id = ?"
            " UNION ALL SELECT title FROM paragraphs WHERE doc_id = ? AND kind = 'body' AND title IS NOT NULL",
            (doc_id, doc_id),
        )
    ]
    return vocab.extract(texts, titles, vocab.segmenter())


def add_document_terms(conn: sqlite3.Connection, doc_id: int, texts: list[str], titles: list[str]) -> int:
    """Add one document's terms (from its folded paragraph texts and titles) to
    the vocabulary, inside the caller's transaction. Returns how many terms the
    document has."""
    terms = vocab.extract(texts, titles, vocab.segmenter())
    _write_terms(conn, {doc_id: terms})
    return len(terms)


def _write_terms(conn: sqlite3.Connection, batch: Mapping[int, vocab.DocumentTerms]) -> None:
    """Add documents' terms to the vocabulary, inside the caller's transaction:
    the batch's totals added to the terms already there, new terms with their
    totals and pinyin (computed here, once per term), and each document's rows
    appended in key order (sorted and bound in C: zip, map, executemany)."""
    totals: dict[str, list[int]] = {}  # term -> [occurrences, documents] in the batch, in first-seen order
    for terms in batch.values():
        for text, count in terms.counts.items():
            total = totals.get(text)
            if total is None:
                totals[text] = [count, 1]
            else:
                total[0] += count
                total[1] += 1
    if not totals:
        return
    ids = _term_ids(conn, list(totals))
    conn.executemany(
        "UPDATE terms SET count = count + ?, ndocs = ndocs + ? WHERE id = ?",
        sorted(((*totals[text], term_id) for text, term_id in ids.items()), key=itemgetter(2)),
    )
    new = [text for text in totals if text not in ids]
    introduced: dict[str, vocab.Term] = {}  # each new term as the batch's first document with it cuts it
    remaining = set(new)
    for terms in batch.values():  # in document order
        found = remaining.intersection(terms.counts)
        introduced.update((text, terms[text]) for text in found)
        remaining -= found
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM terms").fetchone()[0]
    ids.update(zip(new, range(first, first + len(new)), strict=True))
    readings = [(ids[text], text, *vocab.term_pinyin(introduced[text])) for text in new]
    conn.executemany(
        "INSERT INTO terms(id, term, pinyin, initials, count, ndocs) VALUES (?, ?, ?, ?, ?, ?)",
        ((term_id, text, pinyin, initials, *totals[text]) for term_id, text, pinyin, initials in readings),
    )
    conn.executemany(
        "INSERT INTO terms_fts(rowid, chars, syllables) VALUES (?, ?, ?)",
        ((term_id, textnorm.tokens(text), pinyin) for term_id, text, pinyin, _ in readings),
    )
    _add_char_readings(conn, [introduced[text] for text in new])
    for doc_id, terms in batch.items():
        rows = sorted(zip(map(ids.__getitem__, terms.counts), terms.counts.values(), strict=True))
        conn.executemany(
            "INSERT INTO term_docs(doc_id, term_id, count) VALUES (?, ?, ?)",
            zip(repeat(doc_id), map(itemgetter(0), rows), map(itemgetter(1), rows)),
        )


def _term_ids(conn: sqlite3.Connection, texts: list[str]) -> dict[str, int]:
    """The ids of those of `texts` that are terms already."""
    ids: dict[str, int] = {}
    for i in range(0, len(texts), 500):  # SQLite before 3.32 takes at most 999 parameters
        chunk = texts[i : i + 500]
        ids.update(conn.execute(f"SELECT term, id FROM terms WHERE term IN ({','.join('?' * len(chunk))})", chunk))
    return ids


def _add_char_readings(conn: sqlite3.Connection, terms: list[vocab.Term]) -> None:
    """Store the reading of each character not seen before, from the first of
    `terms` (new terms, in order) that gives one."""
    missing = set().union(*(term.text for term in terms))
    missing.difference_update(char for (char,) in conn.execute("SELECT char FROM char_pinyin"))
    readings = {}
    for term in terms:
        if missing.isdisjoint(term.text):
            continue
        for char, syllable in vocab.char_readings(term):
            if char in missing:
                readings[char] = syllable
                missing.discard(char)
    conn.executemany("INSERT INTO char_pinyin(char, pinyin) VALUES (?, ?)", sorted(readings.items()))


def remove_document_terms(conn: sqlite3.Connection, doc_id: int) -> None:
    """Subtract a document's terms from the vocabulary, inside the caller's
    transaction (for `zxkb rm`). The trigger on term_docs lowers terms.count and
    terms.ndocs and drops terms that no document uses any more; deleting the
    document itself does the same (the trigger on documents)."""
    conn.execute("DELETE FROM term_docs WHERE doc_id = ?", (doc_id,))


TermRow = tuple[str, str, str, int]  # term, pinyin, initials, count


def _term_doc_filter(doc_ids: list[int] | None) -> tuple[str, list[object]]:
    if doc_ids is None:
        return "", []
    return (
        f" AND EXISTS (SELECT 1 FROM term_docs td WHERE td.doc_id IN ({','.join('?' * len(doc_ids))})"
        " AND td.term_id = t.id)",
        list(doc_ids),
    )


def term_candidates(conn: sqlite3.Connection, match: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose index entry (characters, syllables) matches the FTS5 expression `match`."""
    cond, args = _term_doc_filter(doc_ids)
    return conn.execute(
        "SELECT t.term, t.pinyin, t.initials, t.count FROM terms_fts f JOIN terms t ON t.id = f.rowid"
        f" WHERE terms_fts MATCH ?{cond}",
        [match, *args],
    ).fetchall()


def terms_with_initials(conn: sqlite3.Connection, letters: str, doc_ids: list[int] | None) -> list[TermRow]:
    """Terms whose initials contain `letters` (a scan of one short column, in SQLite)."""
    cond, args = _term_doc_filter(doc_ids)
    return conn.execute(
        f"SELECT t.term, t.pinyin, t.initials, t.count FROM terms t WHERE instr(t.initials, ?) > 0{cond}",
        [letters, *args],
    ).fetchall()


def term_documents(
    conn: sqlite3.Connection, terms: list[str], doc_ids: list[int] | None
) -> dict[str, list[tuple[int, int]]]:
    """For each term, the documents it occurs in with its count there, by document id."""
    if not terms:
        return {}
    docs = "SELECT id FROM documents" if doc_ids is None else ",".join("?" * len(doc_ids))
    out: dict[str, list[tuple[int, int]]] = {}
    # term_docs is in document order: one look-up per (term, document)
    for term, doc_id, count in conn.execute(
        "SELECT t.term, td.doc_id, td.count FROM terms t CROSS JOIN term_docs td"
        f" WHERE t.term IN ({','.join('?' * len(terms))}) AND td.doc_id IN ({docs}) AND td.term_id = t.id"
        " ORDER BY td.doc_id",
        [*terms, *(doc_ids or [])],
    ):
        out.setdefault(term, []).append((doc_id, count))
    return out


def char_readings(conn: sqlite3.Connection, text: str) -> dict[str, str]:
    """The stored pinyin of each character of `text` that the vocabulary has seen."""
    chars = sorted(set(text))
    if not chars:
        return {}
    rows = conn.execute(
        f"SELECT char, pinyin FROM char_pinyin WHERE char IN ({','.join('?' * len(chars))})", chars
    ).fetchall()
    return dict(rows)


def vocabulary_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])

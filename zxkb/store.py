"""The database: opening, transactions, writing documents, and every query.
All SQL outside the DDL lives here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
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
) -> int:
    """Store a parsed document, its sections, paragraphs and index entries in one
    transaction; with `replaces`, that document goes in the same transaction."""
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
        add_document_terms(conn, doc_id, vocab_texts, [textnorm.fold(t) for t in titles])
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
    """Extract every document's terms again, in one transaction."""
    with transaction(conn):
        conn.execute("DELETE FROM term_docs")
        conn.execute("DELETE FROM terms")
        conn.execute("DELETE FROM terms_fts")
        conn.execute("DELETE FROM char_pinyin")
        for (doc_id,) in conn.execute("SELECT id FROM documents ORDER BY id").fetchall():
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
            add_document_terms(conn, doc_id, texts, titles)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('vocab_version', ?)",
            (_vocab_stamp(),),
        )


def add_document_terms(conn: sqlite3.Connection, doc_id: int, texts: list[str], titles: list[str]) -> int:
    """Add one document's terms (from its folded paragraph texts and titles) to
    the vocabulary, inside the caller's transaction. Pinyin is computed for the
    terms new to the vocabulary only. Returns how many terms the document has."""
    terms = vocab.extract(texts, titles, vocab.segmenter())
    if not terms:
        return 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS doc_terms (term TEXT PRIMARY KEY, count INTEGER NOT NULL)")
    conn.execute("DELETE FROM temp.doc_terms")
    conn.executemany("INSERT INTO temp.doc_terms VALUES (?, ?)", ((t.text, t.count) for t in terms.values()))
    new = [
        terms[text]
        for (text,) in conn.execute(
            "SELECT term FROM temp.doc_terms WHERE term NOT IN (SELECT term FROM main.terms)"
        ).fetchall()
    ]
    readings: dict[str, str] = {}
    rows = []
    for term in new:
        pinyin, initials = vocab.term_pinyin(term)
        rows.append((term.text, pinyin, initials))
        for char, syllable in vocab.char_readings(term):
            readings.setdefault(char, syllable)
    last_id = conn.execute("SELECT coalesce(max(id), 0) FROM terms").fetchone()[0]
    conn.executemany("INSERT INTO terms(term, pinyin, initials, count, ndocs) VALUES (?, ?, ?, 0, 0)", rows)
    conn.executemany(
        "INSERT INTO terms_fts(rowid, chars, syllables) VALUES (?, ?, ?)",
        (
            (term_id, textnorm.tokens(text), pinyin)
            for term_id, text, pinyin in conn.execute(
                "SELECT id, term, pinyin FROM terms WHERE id > ? ORDER BY id", (last_id,)
            ).fetchall()
        ),
    )
    conn.executemany("INSERT OR IGNORE INTO char_pinyin(char, pinyin) VALUES (?, ?)", readings.items())
    # CROSS JOIN: loop over this document's terms, look each one up in terms
    conn.execute(
        "INSERT INTO term_docs(doc_id, term_id, count)"
        " SELECT ?, t.id, d.count FROM temp.doc_terms d CROSS JOIN terms t ON t.term = d.term ORDER BY t.id",
        (doc_id,),
    )
    conn.execute(
        "UPDATE terms SET count = count + (SELECT td.count FROM term_docs td WHERE td.term_id = terms.id"
        " AND td.doc_id = ?), ndocs = ndocs + 1 WHERE id IN (SELECT term_id FROM term_docs WHERE doc_id = ?)",
        (doc_id, doc_id),
    )
    conn.execute("DELETE FROM temp.doc_terms")
    return len(terms)


def remove_document_terms(conn: sqlite3.Connection, doc_id: int) -> None:
    """Subtract a document's terms from the vocabulary, inside the caller's
    transaction (for `zxkb rm`). The trigger on term_docs lowers terms.count and
    terms.ndocs and drops terms that no document uses any more; deleting the
    document itself cascades to the same effect."""
    conn.execute("DELETE FROM term_docs WHERE doc_id = ?", (doc_id,))


TermRow = tuple[str, str, str, int]  # term, pinyin, initials, count


def _term_doc_filter(doc_ids: list[int] | None) -> tuple[str, list[object]]:
    if doc_ids is None:
        return "", []
    return (
        f" AND t.id IN (SELECT term_id FROM term_docs WHERE doc_id IN ({','.join('?' * len(doc_ids))}))",
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
    cond = f" AND td.doc_id IN ({','.join('?' * len(doc_ids))})" if doc_ids is not None else ""
    out: dict[str, list[tuple[int, int]]] = {}
    for term, doc_id, count in conn.execute(
        "SELECT t.term, td.doc_id, td.count FROM terms t JOIN term_docs td ON td.term_id = t.id"
        f" WHERE t.term IN ({','.join('?' * len(terms))}){cond} ORDER BY td.doc_id",
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
